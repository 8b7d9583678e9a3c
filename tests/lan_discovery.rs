//! Two hosts on one LAN with no bootstrap at all find each other by OpenDHT's multicast peer
//! discovery; so do two homes on one machine. The LAN is a veth pair between two network
//! namespaces this test creates.

use crate::common::netns::Pair;
use crate::common::*;
use std::io::BufRead;
use std::process::Stdio;
use std::time::Duration;

#[test]
fn two_hosts_find_each_other_with_no_bootstrap() {
    let Some(lan) = Pair::up(true, false) else {
        return;
    };
    let home = tempfile::tempdir().unwrap();
    let ferry = |host: &str| {
        let mut cmd = lan.command(host, ferry_bin());
        cmd.env("FERRY_HOME", home.path())
            .env_remove("FERRY_NO_DISCOVERY")
            .args(["--json", "--bootstrap", "none"]);
        cmd
    };
    // Host a's put succeeds only once it found a node: host b's, found by multicast.
    let mut node = ferry("a")
        .args(["dht", "put", "--keep", "lan-key", "found-on-the-lan"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut other = ferry("b")
        .args(["dht", "node"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    let mut out = std::io::BufReader::new(node.stdout.take().unwrap());
    out.read_line(&mut line).unwrap();
    assert!(
        line.contains("\"stored\""),
        "host a could not store: {line:?}"
    );

    let got = ferry("b").args(["dht", "get", "lan-key"]).output().unwrap();
    assert!(got.status.success(), "{got:?}");
    assert!(
        String::from_utf8_lossy(&got.stdout).contains("found-on-the-lan"),
        "{got:?}"
    );
    for child in [&mut node, &mut other] {
        let _ = child.kill();
        wait_bounded(child, Duration::from_secs(10));
    }
}

/// The offline LAN the seed promises: two hosts, no route out, no TURN. The receiver is a full
/// node alone, the sender a client that finds it by multicast; the file arrives verified.
#[test]
fn a_file_crosses_a_lan_with_no_bootstrap_and_no_other_node() {
    let Some(lan) = Pair::up(true, false) else {
        return;
    };
    crosses_the_lan(
        &lan,
        ("a", "b"),
        &["--bootstrap", "none"],
        &[("FERRY_NO_TURN", "1"), ("FERRY_NO_UPNP", "1")],
    );
}

/// Two homes on one machine (both on host a), no bootstrap: they find each other by multicast
/// looped back on that host, and the file arrives within 3 s of the sender's start.
#[test]
fn two_homes_on_one_machine_with_no_bootstrap() {
    let _machine = timed();
    let Some(lan) = Pair::up(true, false) else {
        return;
    };
    let took = crosses_the_lan(
        &lan,
        ("a", "a"),
        &["--bootstrap", "none"],
        &[("FERRY_NO_TURN", "1"), ("FERRY_NO_UPNP", "1")],
    );
    assert!(took < 3.0, "the send took {took:.1} s");
}

/// The same with default settings, and a resolver that never answers (an offline machine):
/// the default bootstrap and TURN names fail to resolve, and that costs under a second.
#[test]
fn a_file_crosses_an_offline_lan_with_default_settings() {
    let _machine = timed();
    let Some(lan) = Pair::up(true, false) else {
        return;
    };
    // Inside the namespaces, names are asked of a resolver on the LAN that is not there.
    let dirs: Vec<std::path::PathBuf> = ["a", "b"]
        .iter()
        .map(|h| std::path::Path::new("/etc/netns").join(lan.ns(h)))
        .collect();
    for dir in &dirs {
        std::fs::create_dir_all(dir).unwrap();
        std::fs::write(
            dir.join("resolv.conf"),
            "nameserver 192.0.2.53\noptions timeout:3 attempts:2\n",
        )
        .unwrap();
    }
    let took = crosses_the_lan(&lan, ("a", "b"), &[], &[]);
    for dir in &dirs {
        let _ = std::fs::remove_dir_all(dir);
    }
    assert!(took < 3.0, "the send took {took:.1} s offline");
}

/// Receive on one host, send from the other (`hosts`: receiver, sender) with `args` and
/// `env`; returns the send's seconds.
fn crosses_the_lan(lan: &Pair, hosts: (&str, &str), args: &[&str], env: &[(&str, &str)]) -> f64 {
    let (bob, alice) = (Device::new(), Device::new());
    let inbox = tempfile::tempdir().unwrap();
    let outbox = tempfile::tempdir().unwrap();
    let file = random_file(outbox.path(), "over-the-lan.bin", 256 * 1024);
    let ferry = |host: &str, device: &Device| {
        let mut cmd = lan.command(host, ferry_bin());
        cmd.env("FERRY_HOME", device.path())
            .env_remove("FERRY_NO_DISCOVERY")
            .envs(env.iter().copied())
            .args(["--no-progress", "--json"])
            .args(args);
        cmd
    };
    let mut receive = ferry(hosts.0, &bob);
    receive
        .args(["receive", "--yes", "--dir"])
        .arg(inbox.path());
    let started = std::time::Instant::now();
    let mut receiving = Receiving::spawn(receive, "online");
    println!(
        "receiver online after {:.2} s",
        started.elapsed().as_secs_f64()
    );
    let started = std::time::Instant::now();
    let out = ferry(hosts.1, &alice)
        .arg("send")
        .arg(&file)
        .args(["--to", &bob.device_id])
        .output()
        .unwrap();
    let took = started.elapsed().as_secs_f64();
    assert!(
        out.status.success(),
        "send over the LAN failed after {took:.1} s: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    println!(
        "send from host {} to host {} ({args:?} {env:?}): {took:.2} s from start to verified",
        hosts.1, hosts.0
    );
    receiving.wait_for("done");
    assert_eq!(
        python_sha3(&inbox.path().join("over-the-lan.bin")),
        python_sha3(&file)
    );
    receiving.interrupt();
    took
}
