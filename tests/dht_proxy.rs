//! The DHT through OpenDHT's REST proxy (`--dht-proxy`), against Debian's `dhtnode
//! --proxyserver` (the real OpenDHT proxy) in network namespaces: host `a` runs the DHT (two
//! dhtnodes, the first serving the proxy on TCP 8080) and may run a device on UDP; host `b`
//! drops every UDP packet (iptables), as a network where only TCP passes.
//!
//! - one side without UDP: its send fails on UDP alone ("no DHT node answered"), and goes
//!   through with the proxy to a receiver on UDP;
//! - both sides without UDP: receiver and sender both on the proxy;
//! - `auto:URL`: UDP first, then the proxy, said as a `dht_proxy` event;
//! - a proxy that is down, or is not a DHT proxy, is named in the error at once.

use crate::common::netns::Pair;
use crate::common::real::*;
use crate::common::*;
use std::io::{Read, Write};
use std::process::Command;
use std::time::{Duration, Instant};

const PROXY_PORT: u16 = 8080;
const PROXY: &str = "http://192.0.2.1:8080";

struct Lab {
    pair: Pair,
    _nodes: (DhtNode, DhtNode),
    bootstrap: String,
}

/// The two hosts, the DHT with its proxy in `a`, and every UDP packet dropped in `b`.
fn lab() -> Option<Lab> {
    let pair = Pair::up(true, false)?;
    if !have_dhtnode() {
        return None;
    }
    let mut proxy = pair.command("a", "dhtnode");
    proxy.args(["--proxyserver", &PROXY_PORT.to_string()]);
    let first = DhtNode::spawn(proxy);
    // A second node: a proxy whose node is alone answers puts with 502 (no node took it).
    let mut second = pair.command("a", "dhtnode");
    second.args(["-b", &format!("192.0.2.1:{}", first.port)]);
    let second = DhtNode::spawn(second);
    for rule in [
        ["-A", "OUTPUT", "-p", "udp", "-j", "DROP"],
        ["-A", "INPUT", "-p", "udp", "-j", "DROP"],
    ] {
        let status = pair.command("b", "iptables").args(rule).status().unwrap();
        assert!(status.success(), "iptables {rule:?}");
    }
    // The proxy listens once dhtnode is up; wait for its port from b (bounded).
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let open = pair
            .command("b", "bash")
            .args(["-c", &format!("exec 3<>/dev/tcp/192.0.2.1/{PROXY_PORT}")])
            .status()
            .unwrap();
        if open.success() {
            break;
        }
        assert!(Instant::now() < deadline, "the proxy never listened");
        std::thread::sleep(Duration::from_millis(100));
    }
    let bootstrap = format!("192.0.2.1:{}", first.port);
    Some(Lab {
        pair,
        _nodes: (first, second),
        bootstrap,
    })
}

impl Lab {
    /// `ferry` as `device` in `host`, on the lab's DHT, through `proxy` when given.
    fn ferry(&self, host: &str, device: &Device, proxy: Option<&str>) -> Command {
        let mut cmd = ferry_in_lab(
            self.pair.command(host, ferry_bin()),
            device,
            &self.bootstrap,
        );
        if let Some(proxy) = proxy {
            cmd.env("FERRY_DHT_PROXY", proxy);
        }
        cmd
    }

    fn receive(
        &self,
        host: &str,
        bob: &Device,
        proxy: Option<&str>,
        inbox: &std::path::Path,
    ) -> (Receiving, Duration) {
        let started = Instant::now();
        let mut receiver = self.ferry(host, bob, proxy);
        receiver
            .args(["--json", "receive", "--yes", "--once", "--dir"])
            .arg(inbox);
        let receiving = Receiving::spawn(receiver, "online");
        (receiving, started.elapsed())
    }
}

#[test]
fn a_side_without_udp_sends_through_the_proxy_to_a_side_on_udp() {
    let Some(lab) = lab() else { return };
    let work = tempfile::tempdir().unwrap();
    let (alice, bob) = (Device::new(), Device::new());
    let inbox = work.path().join("inbox");
    let (receiving, online) = lab.receive("a", &bob, None, &inbox);
    let source = random_file(work.path(), "through-the-proxy.bin", 4 << 20);

    // Without the proxy, UDP blocked: no DHT node answers, nothing is sent.
    let started = Instant::now();
    let out = lab
        .ferry("b", &alice, None)
        .arg("send")
        .arg(&source)
        .args(["--to", &bob.device_id])
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "{said}");
    assert!(said.contains("no DHT node answered"), "{said}");
    eprintln!(
        "without the proxy: failed after {:.1}s",
        started.elapsed().as_secs_f64()
    );

    let (took, _) = sent_verified(
        lab.ferry("b", &alice, Some(PROXY)),
        &bob,
        receiving,
        &source,
        "direct",
    );
    eprintln!(
        "receiver on UDP online in {:.2}s; sender through the proxy: 4 MiB sent and verified in {:.2}s",
        online.as_secs_f64(),
        took.as_secs_f64()
    );
}

#[test]
fn both_sides_without_udp_meet_through_the_proxy() {
    let Some(lab) = lab() else { return };
    let work = tempfile::tempdir().unwrap();
    let (alice, bob) = (Device::new(), Device::new());
    let inbox = work.path().join("inbox");
    let (receiving, online) = lab.receive("b", &bob, Some(PROXY), &inbox);
    let source = random_file(work.path(), "both-through-the-proxy.bin", 4 << 20);
    let (took, _) = sent_verified(
        lab.ferry("b", &alice, Some(PROXY)),
        &bob,
        receiving,
        &source,
        "direct",
    );
    eprintln!(
        "receiver through the proxy online in {:.2}s; sender through the proxy: 4 MiB sent and verified in {:.2}s",
        online.as_secs_f64(),
        took.as_secs_f64()
    );
}

#[test]
fn auto_falls_back_to_the_proxy_when_udp_finds_no_node_and_says_so() {
    let Some(lab) = lab() else { return };
    let work = tempfile::tempdir().unwrap();
    let (alice, bob) = (Device::new(), Device::new());
    let inbox = work.path().join("inbox");
    let (receiving, _) = lab.receive("a", &bob, None, &inbox);
    let source = random_file(work.path(), "auto.bin", 4 << 20);
    let (took, _, events) = sent_verified_events(
        lab.ferry("b", &alice, Some(&format!("auto:{PROXY}"))),
        &bob,
        receiving,
        &source,
        "direct",
    );
    let switched = only_event(&events, "dht_proxy");
    assert_eq!(switched["url"], PROXY, "{switched}");
    assert!(
        switched["detail"]
            .as_str()
            .unwrap()
            .contains("no DHT node answered over UDP"),
        "{switched}"
    );

    // The same in text.
    let (receiving, _) = lab.receive("a", &bob, None, &work.path().join("inbox2"));
    let out = lab
        .ferry("b", &alice, Some(&format!("auto:{PROXY}")))
        .arg("send")
        .arg(&source)
        .args(["--to", &bob.device_id])
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{said}");
    assert!(
        said.contains(&format!("over UDP within 5s: using the DHT proxy {PROXY}")),
        "{said}"
    );
    drop(receiving);
    eprintln!(
        "auto: switched to the proxy and sent 4 MiB, verified, in {:.2}s",
        took.as_secs_f64()
    );
}

/// A command that reaches nothing but `proxy` (no bootstrap, no LAN, no TURN).
fn only_proxy(device: &Device, proxy: &str) -> Command {
    let mut cmd = device.ferry();
    cmd.env("FERRY_BOOTSTRAP", "none")
        .env("FERRY_NO_DISCOVERY", "1")
        .env("FERRY_NO_UPNP", "1")
        .env("FERRY_NO_TURN", "1")
        .env("FERRY_CANDIDATE_IP", "127.0.0.1")
        .env("FERRY_DHT_PROXY", proxy);
    cmd
}

/// Run `cmd`, which must fail within 3 s saying `wanted`; returns its stderr.
fn fails_fast(mut cmd: Command, wanted: &[&str]) -> String {
    let started = Instant::now();
    let mut child = spawn_piped(&mut cmd);
    let status = wait_bounded(&mut child, Duration::from_secs(20));
    let took = started.elapsed();
    let mut said = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut said)
        .unwrap();
    assert!(!status.success(), "{said}");
    for w in wanted {
        assert!(said.contains(w), "{w:?} not in: {said}");
    }
    assert!(took < Duration::from_secs(3), "took {took:?}: {said}");
    eprintln!("failed in {:.2}s: {}", took.as_secs_f64(), said.trim());
    said
}

#[test]
fn a_proxy_that_is_down_or_not_a_proxy_is_named_at_once() {
    let _machine = timed();
    let work = tempfile::tempdir().unwrap();
    let alice = Device::new();
    let source = random_file(work.path(), "never-sent.bin", 1024);
    let down = format!("http://127.0.0.1:{}", free_tcp_port());
    let mut send = only_proxy(&alice, &down);
    send.arg("send")
        .arg(&source)
        .args(["--to", &alice.device_id]);
    fails_fast(
        send,
        &[
            &format!("the DHT proxy {down}"),
            "unreachable",
            "--dht-proxy",
        ],
    );
    let mut receive = only_proxy(&alice, &down);
    receive.arg("receive").arg("--dir").arg(work.path());
    fails_fast(receive, &[&format!("the DHT proxy {down}")]);

    // A web server that is not a DHT proxy.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let web = format!("http://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        for stream in listener.incoming().take(8) {
            let Ok(mut stream) = stream else { return };
            let mut request = [0u8; 1024];
            let _ = stream.read(&mut request);
            let _ = stream.write_all(
                b"HTTP/1.1 200 OK\r\nContent-Length: 15\r\nConnection: close\r\n\r\n<html>hi</html>",
            );
        }
    });
    let mut send = only_proxy(&alice, &web);
    send.arg("send")
        .arg(&source)
        .args(["--to", &alice.device_id]);
    fails_fast(
        send,
        &[
            &format!("the DHT proxy {web}"),
            "does not answer as a DHT proxy",
        ],
    );
}
