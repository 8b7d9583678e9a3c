//! The TURN-TCP fallback against a real coturn on loopback: a transfer whose only candidate is
//! the relayed address works and verifies, from either side (`--relay-only` on the receiver or
//! on the sender), also with the TURN server 300 ms away; losing
//! coturn mid-transfer fails cleanly; wrong credentials are a clear error.

use crate::common;
use crate::common::real::*;
use crate::common::*;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn with_turn(cmd: &mut Command, dht: &str, turn: &Coturn, password: &str) {
    with_turn_at(cmd, dht, &turn.url(), password);
}

/// TURN through the server at `url` (coturn's credentials).
fn with_turn_at(cmd: &mut Command, dht: &str, url: &str, password: &str) {
    dht_env(cmd, dht);
    cmd.env_remove("FERRY_NO_TURN")
        .env("FERRY_TURN", url)
        .env("FERRY_TURN_USER", Coturn::USER)
        .env("FERRY_TURN_PASSWORD", password)
        .env("FERRY_TURN_REALM", Coturn::REALM);
}

/// `bob` receiving with the TURN server at `turn_url` and no direct candidate at all.
fn relay_only_receiver(
    bob: &Device,
    dir: &std::path::Path,
    dht: &str,
    turn_url: &str,
    extra: &[&str],
) -> Receiving {
    let mut cmd = bob.ferry();
    with_turn_at(&mut cmd, dht, turn_url, Coturn::PASSWORD);
    cmd.env("FERRY_RELAY_ONLY", "1")
        .args(["--json", "receive", "--dir"])
        .arg(dir)
        .args(extra);
    Receiving::spawn(cmd, "online")
}

/// Send a file of `len` bytes from a new device to a new relay-only receiver whose TURN
/// server is at `receiver_turn` (the sender uses `turn` itself); both sides must report the
/// relay and the receiver must keep the file verified. Returns how long the send took.
fn relayed_send_is_verified(
    node: &BootstrapNode,
    turn: &Coturn,
    receiver_turn: &str,
    name: &str,
    len: usize,
) -> Duration {
    let work = tempfile::tempdir().unwrap();
    let (alice, bob) = (Device::new(), Device::new());
    let inbox = work.path().join("inbox");
    let receiving = relay_only_receiver(
        &bob,
        &inbox,
        &node.addr(),
        receiver_turn,
        &["--yes", "--once"],
    );
    let source = random_file(work.path(), name, len);
    let mut cmd = alice.ferry();
    with_turn(&mut cmd, &node.addr(), turn, Coturn::PASSWORD);
    sent_verified(cmd, &bob, receiving, &source, "relay").0
}

#[test]
fn a_transfer_through_the_relay_alone_arrives_verified() {
    if !have_coturn() {
        return;
    }
    let node = BootstrapNode::start();
    let turn = Coturn::start();
    relayed_send_is_verified(&node, &turn, &turn.url(), "relayed.bin", 5 << 20);
}

#[test]
fn a_relay_only_sender_is_reached_through_its_own_relay() {
    if !have_coturn() {
        return;
    }
    let node = BootstrapNode::start();
    let turn = Coturn::start();
    let work = tempfile::tempdir().unwrap();
    let (alice, bob) = (Device::new(), Device::new());
    let inbox = work.path().join("inbox");
    // The receiver has no TURN server: its own active candidates must dial the sender's relay.
    let mut cmd = bob.ferry();
    dht_env(&mut cmd, &node.addr());
    cmd.args(["--json", "receive", "--yes", "--once", "--dir"])
        .arg(&inbox);
    let receiving = Receiving::spawn(cmd, "online");
    let source = random_file(work.path(), "from-the-relay.bin", 1 << 20);
    let mut cmd = alice.ferry();
    with_turn(&mut cmd, &node.addr(), &turn, Coturn::PASSWORD);
    cmd.env("FERRY_RELAY_ONLY", "1");
    sent_verified(cmd, &bob, receiving, &source, "relay");
}

/// A TCP proxy to `target` that holds every chunk for `delay` each way, as a TURN server far
/// away would: a relayed pair then needs three such round trips (ConnectionAttempt, a new data
/// connection, ConnectionBind) before the first check crosses. It serves for `life` at most.
fn far_away(target: SocketAddr, delay: Duration, life: Duration) -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    listener.set_nonblocking(true).unwrap();
    let until = Instant::now() + life;
    std::thread::spawn(move || {
        while Instant::now() < until {
            let Ok((client, _)) = listener.accept() else {
                std::thread::sleep(Duration::from_millis(5));
                continue;
            };
            client.set_nonblocking(false).unwrap();
            let Ok(server) = TcpStream::connect(target) else {
                continue;
            };
            delayed_pipe(
                client.try_clone().unwrap(),
                server.try_clone().unwrap(),
                delay,
                life,
            );
            delayed_pipe(server, client, delay, life);
        }
    });
    addr
}

/// Forward `from` to `to`, each chunk `delay` after it was read (latency, not a rate limit).
fn delayed_pipe(mut from: TcpStream, mut to: TcpStream, delay: Duration, life: Duration) {
    let (tx, rx) = std::sync::mpsc::channel::<(Instant, Vec<u8>)>();
    from.set_read_timeout(Some(life)).unwrap();
    std::thread::spawn(move || {
        let mut buf = vec![0u8; 64 << 10];
        while let Ok(n @ 1..) = from.read(&mut buf) {
            if tx
                .send((Instant::now() + delay, buf[..n].to_vec()))
                .is_err()
            {
                return;
            }
        }
    });
    std::thread::spawn(move || {
        for (due, bytes) in rx {
            std::thread::sleep(due.saturating_duration_since(Instant::now()));
            if to.write_all(&bytes).is_err() {
                return;
            }
        }
        let _ = to.shutdown(std::net::Shutdown::Write);
    });
}

#[test]
fn a_relay_far_away_still_connects() {
    if !have_coturn() {
        return;
    }
    let node = BootstrapNode::start();
    let turn = Coturn::start();
    let coturn: SocketAddr = format!("127.0.0.1:{}", turn.port).parse().unwrap();
    // 150 ms each way between the receiver and its TURN server: 300 ms round trips.
    let far = far_away(coturn, Duration::from_millis(150), Duration::from_secs(60));
    let took = relayed_send_is_verified(&node, &turn, &format!("turn:{far}"), "far.bin", 256 << 10);
    eprintln!(
        "through a relay 300 ms (round trip) away: 256 KiB verified in {:.2} s",
        took.as_secs_f64()
    );
}

#[test]
fn losing_coturn_mid_transfer_fails_cleanly() {
    if !have_coturn() {
        return;
    }
    let node = BootstrapNode::start();
    let mut turn = Coturn::start();
    let work = tempfile::tempdir().unwrap();
    let (alice, bob) = (Device::new(), Device::new());
    let inbox = work.path().join("inbox");
    let mut receiving = relay_only_receiver(
        &bob,
        &inbox,
        &node.addr(),
        &turn.url(),
        &["--yes", "--once"],
    );
    let source = random_file(work.path(), "cut.bin", 8 << 20);
    let mut cmd = alice.ferry();
    with_turn(&mut cmd, &node.addr(), &turn, Coturn::PASSWORD);
    let mut sender = cmd
        .args(["--json", "send", "--limit-rate", "1M"])
        .arg(&source)
        .args(["--to", &bob.device_id])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    receiving.wait_matching("progress", |e| e["bytes"].as_u64() > Some(100_000));
    turn.kill();
    let status = wait_bounded(&mut sender, Duration::from_secs(60));
    assert_eq!(status.code(), Some(2), "the sender must fail with an error");
    let (status, stderr, _) = receiving.wait_exit();
    assert_eq!(status.code(), Some(2), "{stderr}");
    // Nothing under the final name; at most the hidden part file, kept so that the next
    // offer of the same file resumes where this one broke.
    let left = entries(&inbox);
    assert!(
        left.iter().all(|n| n == common::procs::PARTS_DIR),
        "{left:?}"
    );
    for part in &common::procs::part_files(&inbox) {
        let len = std::fs::metadata(part).unwrap().len();
        assert!(len < 8 << 20, "the part file holds only a prefix: {len}");
    }
}

#[test]
fn wrong_turn_credentials_are_a_clear_error() {
    if !have_coturn() {
        return;
    }
    let node = BootstrapNode::start();
    let turn = Coturn::start();
    let work = tempfile::tempdir().unwrap();
    let (alice, bob) = (Device::new(), Device::new());
    let _receiving =
        Receiving::start_dht(&bob, &work.path().join("inbox"), &node.addr(), &["--yes"]);
    let source = random_file(work.path(), "x.bin", 10);
    let mut cmd = alice.ferry();
    with_turn(&mut cmd, &node.addr(), &turn, "wrong-password");
    let out = cmd
        .env("FERRY_RELAY_ONLY", "1")
        .args(["send"])
        .arg(&source)
        .args(["--to", &bob.device_id])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("refused the credentials"), "{stderr}");
}

#[test]
fn doctor_reports_the_dht_and_the_turn_allocation_or_the_credential_error() {
    if !have_coturn() {
        return;
    }
    let node = BootstrapNode::start();
    let turn = Coturn::start();
    let alice = Device::new();
    for (password, ok) in [(Coturn::PASSWORD, true), ("wrong-password", false)] {
        let mut cmd = alice.ferry();
        with_turn(&mut cmd, &node.addr(), &turn, password);
        let out = cmd.args(["--json", "doctor"]).output().unwrap();
        let report: serde_json::Value =
            serde_json::from_slice(out.stdout.split(|b| *b == b'\n').next().unwrap()).unwrap();
        assert_eq!(report["dht"]["reachable"], true, "{report}");
        assert_eq!(report["turn"]["allocation"], ok, "{report}");
        if ok {
            assert!(out.status.success());
            assert!(report["turn"]["relayed"]
                .as_str()
                .unwrap()
                .starts_with("127.0.0.1:"));
        } else {
            assert_eq!(out.status.code(), Some(2));
            assert!(
                report["turn"]["error"]
                    .as_str()
                    .unwrap()
                    .contains("refused the credentials"),
                "{report}"
            );
        }
    }
}
