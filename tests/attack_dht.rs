//! Attacks on a running ferry DHT node, over loopback, as a stranger on the public DHT could make
//! them: forged value-part sizes (memory), a small `get` from a forged address (amplification),
//! and a key filled with junk (a device made unreachable). Each runs against the real binary.

use crate::common;
use crate::common::real::*;
use crate::common::*;
use ferry::proto::dht::message::{Kind, Message, WireValue};
use ferry::proto::dht::value::Value;
use ferry::proto::dht::InfoHash;
use serde_json::Value as Json;
use std::io::BufRead;
use std::net::UdpSocket;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A `ferry dht node` on loopback with no bootstrap, started through `sh` so that limits can be
/// set first; its IPv4 address and the process.
fn ferry_node(limits: &str) -> (String, Child) {
    let home = tempfile::tempdir().unwrap().keep();
    let mut node = Command::new("sh")
        .args([
            "-c",
            &format!("{limits} exec \"$0\" --json --bootstrap none dht node"),
            ferry_bin(),
        ])
        .env("FERRY_HOME", home)
        .env("FERRY_NO_DISCOVERY", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    let mut stdout = std::io::BufReader::new(node.stdout.take().unwrap());
    stdout.read_line(&mut line).unwrap();
    let info: Json = serde_json::from_str(&line).unwrap_or_else(|e| panic!("{line:?}: {e}"));
    let port = info["ipv4"].as_str().unwrap().rsplit(':').next().unwrap();
    // Keep reading so the node never blocks on a full pipe.
    std::thread::spawn(move || for _ in stdout.lines() {});
    (format!("127.0.0.1:{port}"), node)
}

fn rss_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

fn ferry_ping(target: &str) -> bool {
    Command::new(ferry_bin())
        .env("FERRY_HOME", tempfile::tempdir().unwrap().path())
        .env("FERRY_NO_DISCOVERY", "1")
        .args(["--json", "--bootstrap", "none", "dht", "ping", target])
        .output()
        .is_ok_and(|o| o.status.success())
}

fn request(kind: Kind, tid: u32) -> Message {
    Message {
        kind,
        tid,
        id: Some(InfoHash::of(format!("attacker-{tid}"))),
        ..Message::default()
    }
}

/// Ten 60 KB datagrams, each declaring 20,000 values of 65,000 bytes (1.3 GB a datagram), to a
/// node limited to 8 GiB of address space, as in the report: the node must keep answering and
/// grow by less than 32 MiB.
#[test]
fn forged_value_sizes_do_not_exhaust_the_nodes_memory() {
    let (target, mut node) = ferry_node("ulimit -v 8388608;");
    let pid = node.id();
    std::thread::sleep(Duration::from_millis(500));
    let before = rss_kib(pid);
    let socket = UdpSocket::bind("127.0.0.1:0").unwrap();
    for (i, kind) in [Kind::Put, Kind::Reply]
        .into_iter()
        .cycle()
        .take(10)
        .enumerate()
    {
        let mut msg = request(kind, 1000 + i as u32);
        msg.info_hash = Some(InfoHash::of("victim"));
        msg.token = Some(vec![0; 32]);
        msg.values = vec![WireValue::Size(65_000); 20_000];
        let datagram = msg.encode();
        assert!(datagram.len() > 59_000 && datagram.len() < 65_000);
        socket.send_to(&datagram, &target).unwrap();
        std::thread::sleep(Duration::from_millis(20));
    }
    std::thread::sleep(Duration::from_secs(1));
    assert!(
        node.try_wait().unwrap().is_none(),
        "the node died under the burst"
    );
    let after = rss_kib(pid);
    let grew_mib = after.saturating_sub(before) as f64 / 1024.0;
    println!("RSS before {before} KiB, after {after} KiB: grew {grew_mib:.1} MiB");
    assert!(ferry_ping(&target), "the node no longer answers pings");
    assert!(grew_mib < 32.0, "RSS grew by {grew_mib:.1} MiB");
    let _ = node.kill();
    let _ = node.wait();
}

/// 50 values of 60 KB at one key; a get of about 81 bytes from an address that never proved
/// itself brings back at most 10x its size. An honest ferry client and python3-opendht still
/// read all 50 values.
#[test]
fn a_get_from_an_unverified_address_is_not_amplified() {
    if !have_python_opendht() {
        return;
    }
    let (target, mut node) = ferry_node("");
    let port: u16 = target.rsplit(':').next().unwrap().parse().unwrap();
    python_opendht(
        port,
        "for i in range(50):\n    \
             assert runner.put(dht.InfoHash.get('amplifier'), dht.Value(bytes([i]) * 60000))",
    );
    let key = InfoHash::of("amplifier");
    let attacker = UdpSocket::bind("127.0.0.3:0").unwrap();
    attacker
        .set_read_timeout(Some(Duration::from_millis(200)))
        .unwrap();
    let mut get = request(Kind::Get, 77);
    get.info_hash = Some(key);
    let datagram = get.encode();
    attacker.send_to(&datagram, &target).unwrap();
    let (mut received, mut datagrams) = (0usize, 0);
    let until = Instant::now() + Duration::from_secs(4);
    let mut buf = vec![0u8; 65_536];
    while Instant::now() < until {
        if let Ok((n, _)) = attacker.recv_from(&mut buf) {
            received += n;
            datagrams += 1;
        }
    }
    let factor = received as f64 / datagram.len() as f64;
    println!(
        "a {}-byte get from an unverified address brought back {received} bytes in {datagrams} \
         datagrams (x{factor:.1})",
        datagram.len()
    );
    assert!(
        received <= 10 * datagram.len(),
        "amplification x{factor:.1}"
    );

    // Honest readers answer the node's ping and get everything.
    let out = Command::new(ferry_bin())
        .env("FERRY_HOME", tempfile::tempdir().unwrap().path())
        .env("FERRY_NO_DISCOVERY", "1")
        .args(["--json", "--bootstrap", &target, "dht", "get", "amplifier"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let values = String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter(|l| l.contains("\"value\""))
        .count();
    assert_eq!(values, 50, "ferry dht get read {values} of 50 values");
    let seen = python_opendht(
        port,
        "print(len(runner.get(dht.InfoHash.get('amplifier'))))",
    );
    assert_eq!(seen.trim(), "50", "python3-opendht read {seen}");
    let _ = node.kill();
    let _ = node.wait();
}

/// Get a write token for `key` from `node`, as any node may.
fn token_from(socket: &UdpSocket, node: &str, key: InfoHash) -> Vec<u8> {
    let mut buf = vec![0u8; 65_536];
    for attempt in 0..20u32 {
        let mut get = request(Kind::Get, 5000 + attempt);
        get.info_hash = Some(key);
        socket.send_to(&get.encode(), node).unwrap();
        let deadline = Instant::now() + Duration::from_millis(500);
        while Instant::now() < deadline {
            let Ok((n, _)) = socket.recv_from(&mut buf) else {
                continue;
            };
            if let Ok(m) = Message::decode(&buf[..n]) {
                if m.kind == Kind::Reply && m.tid == 5000 + attempt {
                    if let Some(token) = m.token {
                        return token;
                    }
                }
            }
        }
    }
    panic!("no token from {node}");
}

/// 1,030 junk puts at `peer:DEVICE` on every node that stores it (the bootstrap node and the
/// receiver itself) made the device unreachable for 10 minutes; now its offers still land and
/// a send goes through.
#[test]
fn a_key_filled_with_junk_still_takes_a_senders_offer() {
    let (bootstrap, mut node) = ferry_node("");
    let bob = Device::new();
    let alice = Device::new();
    let inbox = tempfile::tempdir().unwrap();
    let mut receiving = Receiving::start_dht(&bob, inbox.path(), &bootstrap, &["--yes"]);
    let online = receiving.seen.last().cloned().unwrap_or(Json::Null);
    let receiver_dht = online["dht"]
        .as_array()
        .and_then(|a| {
            a.iter()
                .find_map(|v| v.as_str().filter(|s| s.contains("127.0.0.1")))
        })
        .or_else(|| {
            online["dht"]
                .as_array()
                .and_then(|a| a.first())
                .and_then(|v| v.as_str())
        })
        .map(|s| s.replace("0.0.0.0", "127.0.0.1"))
        .unwrap_or_else(|| panic!("no DHT address in {online}"));
    let key = InfoHash::of(format!("peer:{}", bob.device_id));
    // Another loopback address: a source of its own, apart from the honest processes.
    let attacker = UdpSocket::bind("127.0.0.2:0").unwrap();
    attacker
        .set_read_timeout(Some(Duration::from_millis(50)))
        .unwrap();
    let targets = [bootstrap.clone(), receiver_dht];
    let tokens: Vec<Vec<u8>> = targets
        .iter()
        .map(|t| token_from(&attacker, t, key))
        .collect();
    let started = Instant::now();
    let mut buf = vec![0u8; 65_536];
    for id in 1..=1030u64 {
        for (target, token) in targets.iter().zip(&tokens) {
            let mut put = request(Kind::Put, 10_000 + id as u32);
            put.info_hash = Some(key);
            put.token = Some(token.clone());
            put.values = vec![WireValue::Inline(Value::new(
                id,
                0,
                format!("junk {id}").into_bytes(),
                "text/plain",
            ))];
            attacker.send_to(&put.encode(), target).unwrap();
        }
        // Under the per-source request rate, and drain the acknowledgements.
        if id % 50 == 0 {
            while attacker.recv_from(&mut buf).is_ok() {}
        }
        std::thread::sleep(Duration::from_millis(3));
    }
    println!(
        "1,030 junk puts to each of 2 nodes in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    let outbox = tempfile::tempdir().unwrap();
    let file = random_file(outbox.path(), "offer-after-junk.bin", 64 * 1024);
    let out = common::procs::send_via_dht(&alice, &file, &bob.device_id, &bootstrap, &[])
        .output()
        .unwrap();
    if !out.status.success() {
        receiving.interrupt();
        let (_, receiver_log, events) = receiving.wait_exit();
        let mut reasons: Vec<String> = events
            .iter()
            .map(|e| format!("{} {}", e["event"], e["reason"]))
            .collect();
        reasons.dedup();
        panic!(
            "the send to a junk-filled key failed: {}\nreceiver: {receiver_log}\n{reasons:?}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let done = receiving.wait_for("done");
    println!("received after the junk: {done}");
    assert_eq!(
        python_sha3(&inbox.path().join("offer-after-junk.bin")),
        python_sha3(&file)
    );
    receiving.interrupt();
    let _ = node.kill();
    let _ = node.wait();
}
