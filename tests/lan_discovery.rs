//! Two hosts on one LAN with no bootstrap at all find each other by OpenDHT's multicast peer
//! discovery. The LAN is a veth pair between two network namespaces this test creates.

mod common;
use common::netns::Pair;
use common::*;
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
