//! TURN over TLS (`turns:HOST:PORT`) against a real coturn serving TLS with a certificate of
//! the test's own: on loopback, a relay-only transfer goes through it, verified; without the
//! CA the certificate is refused, with a clear error. Then two hosts whose firewalls let only
//! TCP port 443 out (and the DHT's UDP): the one path is the relay over TLS on 443.

use crate::common::netns::Pair;
use crate::common::real::*;
use crate::common::*;
use std::path::{Path, PathBuf};
use std::process::Command;

/// A self-signed certificate for `ip` and its key, as PEM files in `dir`: (cert, key).
fn certificate(dir: &Path, ip: &str) -> (PathBuf, PathBuf) {
    let made = rcgen::generate_simple_self_signed(vec![ip.to_string()]).unwrap();
    let (cert, key) = (dir.join("turn-cert.pem"), dir.join("turn-key.pem"));
    std::fs::write(&cert, made.cert.pem()).unwrap();
    std::fs::write(&key, made.key_pair.serialize_pem()).unwrap();
    (cert, key)
}

fn with_tls_turn(cmd: &mut Command, url: &str, ca: Option<&Path>) {
    cmd.env_remove("FERRY_NO_TURN")
        .env("FERRY_TURN", url)
        .env("FERRY_TURN_USER", Coturn::USER)
        .env("FERRY_TURN_PASSWORD", Coturn::PASSWORD)
        .env("FERRY_TURN_REALM", Coturn::REALM)
        .env("FERRY_NO_UPNP", "1");
    if let Some(ca) = ca {
        cmd.env("FERRY_TURN_CA", ca);
    }
}

#[test]
fn a_relay_only_transfer_goes_through_turn_over_tls() {
    if !have_coturn() {
        return;
    }
    let work = tempfile::tempdir().unwrap();
    let (cert, key) = certificate(work.path(), "127.0.0.1");
    let tls_port = free_tcp_port();
    let _turn = Coturn::start_with(&[], "127.0.0.1", true, Some((tls_port, &cert, &key)));
    let url = format!("turns:127.0.0.1:{tls_port}");
    let node = BootstrapNode::start();
    let (alice, bob) = (Device::new(), Device::new());
    let inbox = work.path().join("inbox");
    let mut receiver = bob.ferry();
    dht_env(&mut receiver, &node.addr());
    with_tls_turn(&mut receiver, &url, Some(&cert));
    receiver
        .env("FERRY_RELAY_ONLY", "1")
        .args(["--json", "receive", "--yes", "--once", "--dir"])
        .arg(&inbox);
    let receiving = Receiving::spawn(receiver, "online");
    let source = random_file(work.path(), "over-tls.bin", 2 << 20);

    // Without the CA, the server's certificate is refused: nothing goes, and the error says so.
    let mut untrusting = alice.ferry();
    dht_env(&mut untrusting, &node.addr());
    with_tls_turn(&mut untrusting, &url, None);
    let refused = untrusting
        .env("FERRY_RELAY_ONLY", "1")
        .arg("send")
        .arg(&source)
        .args(["--to", &bob.device_id])
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&refused.stderr);
    assert_eq!(refused.status.code(), Some(2), "{said}");
    assert!(said.contains("TLS with the TURN server"), "{said}");
    assert!(said.contains("certificate"), "{said}");

    let mut sender = alice.ferry();
    dht_env(&mut sender, &node.addr());
    with_tls_turn(&mut sender, &url, Some(&cert));
    sent_verified(sender, &bob, receiving, &source, "relay");
}

/// `iptables` rules in host `host`: only loopback, UDP (the DHT), packets of connections
/// already open, and new TCP connections to port 443 may leave.
fn only_443_out(pair: &Pair, host: &str) {
    let rules: [&[&str]; 5] = [
        &["-A", "OUTPUT", "-o", "lo", "-j", "ACCEPT"],
        &["-A", "OUTPUT", "-p", "udp", "-j", "ACCEPT"],
        &["-A", "OUTPUT", "-p", "tcp", "!", "--syn", "-j", "ACCEPT"],
        &[
            "-A", "OUTPUT", "-p", "tcp", "--dport", "443", "-j", "ACCEPT",
        ],
        &["-A", "OUTPUT", "-j", "DROP"],
    ];
    for rule in rules {
        let status = pair.command(host, "iptables").args(rule).status().unwrap();
        assert!(status.success(), "iptables {rule:?} in {host}");
    }
}

#[test]
fn with_only_tcp_443_open_the_transfer_goes_through_turn_over_tls_on_443() {
    let Some(pair) = Pair::up(true, false) else {
        return;
    };
    if !have_dhtnode() || !have_coturn() {
        return;
    }
    let work = tempfile::tempdir().unwrap();
    let (cert, key) = certificate(work.path(), "192.0.2.1");
    let a_ns = pair.ns("a");
    let _turn = Coturn::start_with(
        &["ip", "netns", "exec", &a_ns],
        "192.0.2.1",
        false,
        Some((443, &cert, &key)),
    );
    let node = DhtNode::spawn(pair.command("a", "dhtnode"));
    only_443_out(&pair, "a");
    only_443_out(&pair, "b");
    let bootstrap = format!("192.0.2.1:{}", node.port);
    let ferry_in = |host: &str, device: &Device| {
        let mut cmd = pair.command(host, ferry_bin());
        cmd.env("FERRY_HOME", device.path())
            .env("FERRY_NO_DISCOVERY", "1")
            .env("FERRY_BOOTSTRAP", &bootstrap)
            .env_remove("FERRY_CANDIDATE_IP")
            .arg("--no-progress");
        with_tls_turn(&mut cmd, "turns:192.0.2.1:443", Some(&cert));
        cmd
    };
    let (alice, bob) = (Device::new(), Device::new());
    let inbox = work.path().join("inbox");
    let mut receiver = ferry_in("b", &bob);
    receiver
        .args(["--json", "receive", "--yes", "--once", "--dir"])
        .arg(&inbox);
    let receiving = Receiving::spawn(receiver, "online");
    let source = random_file(work.path(), "through-443.bin", 1 << 20);
    sent_verified(ferry_in("a", &alice), &bob, receiving, &source, "relay");
}
