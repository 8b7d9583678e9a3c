//! ferry's DHT node against OpenDHT's own: Debian's `dhtnode` and python3-opendht, on loopback
//! only (every process is bootstrapped to loopback; multicast discovery is off).

use crate::common::real::*;
use crate::common::*;
use serde_json::Value as Json;
use std::process::{Command, Stdio};
use std::time::Duration;

fn ferry_dht(bootstrap: &str) -> Command {
    let mut cmd = Command::new(ferry_bin());
    cmd.env("FERRY_NO_DISCOVERY", "1")
        .env("FERRY_HOME", std::env::temp_dir().join("ferry-dht-interop"))
        .args(["--json", "--bootstrap", bootstrap, "dht"]);
    cmd
}

fn json_lines(out: &[u8]) -> Vec<Json> {
    String::from_utf8_lossy(out)
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect()
}

fn ferry_get(bootstrap: &str, key: &str) -> Vec<Json> {
    let out = ferry_dht(bootstrap).args(["get", key]).output().unwrap();
    assert!(out.status.success(), "ferry dht get: {out:?}");
    json_lines(&out.stdout)
}

#[test]
fn ferry_puts_are_read_by_dhtnode_and_python() {
    if !have_dhtnode() || !have_python_opendht() {
        return;
    }
    let mut node = DhtNode::start(None);
    let out = ferry_dht(&node.addr())
        .args(["put", "from-ferry", "hello from ferry"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let stored = &json_lines(&out.stdout)[0];
    // The key is hashed as OpenDHT hashes strings: SHA-1 of the bytes.
    assert_eq!(
        stored["key"],
        hex::encode(<sha1::Sha1 as sha1::Digest>::digest(b"from-ferry")).as_str()
    );

    node.get_until("from-ferry", "hello from ferry", Duration::from_secs(10));
    let seen = python_opendht(
        node.port,
        "vals = runner.get(dht.InfoHash.get('from-ferry'))\n\
         print([bytes(v.data).decode() for v in vals])",
    );
    assert!(seen.contains("hello from ferry"), "{seen}");
}

#[test]
fn dhtnode_and_python_puts_are_read_by_ferry_including_value_parts() {
    if !have_dhtnode() || !have_python_opendht() {
        return;
    }
    // Two dhtnodes, so that a put has somewhere to go.
    let peer = DhtNode::start(None);
    let mut node = DhtNode::start(Some(peer.port));
    node.command("p from-dhtnode written-by-dhtnode");
    node.wait_output(|l| l.contains("Put: success"), Duration::from_secs(10));
    python_opendht(
        node.port,
        "v = dht.Value(b'small python value'); v.user_type = 'text/plain'\n\
         assert runner.put(dht.InfoHash.get('from-python'), v)\n\
         assert runner.put(dht.InfoHash.get('from-python'), dht.Value(bytes(range(256)) * 16))",
    );
    let values = ferry_get(&node.addr(), "from-dhtnode");
    assert!(
        values.iter().any(|v| v["data"] == "written-by-dhtnode"),
        "{values:?}"
    );
    let values = ferry_get(&node.addr(), "from-python");
    assert!(
        values.iter().any(|v| v["data"] == "small python value"),
        "{values:?}"
    );
    let big: Vec<u8> = (0..=255u8).cycle().take(4096).collect();
    assert!(
        values
            .iter()
            .any(|v| v["data_hex"] == hex::encode(&big).as_str()),
        "the 4 KiB value (sent as value parts) must arrive: {values:?}"
    );
}

#[test]
fn ferry_listen_sees_a_value_put_later_through_dhtnode() {
    if !have_dhtnode() {
        return;
    }
    let peer = DhtNode::start(None);
    let mut node = DhtNode::start(Some(peer.port));
    let mut listen = ferry_dht(&node.addr())
        .args(["listen", "watched-key", "--count", "1"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_secs(2));
    node.command("p watched-key appeared-later");
    let status = wait_bounded(&mut listen, Duration::from_secs(30));
    let mut out = Vec::new();
    std::io::Read::read_to_end(&mut listen.stdout.take().unwrap(), &mut out).unwrap();
    assert!(status.success(), "{}", String::from_utf8_lossy(&out));
    let events = json_lines(&out);
    assert!(events.iter().any(|e| e["event"] == "watching"));
    assert!(
        events
            .iter()
            .any(|e| e["event"] == "value" && e["data"] == "appeared-later"),
        "{events:?}"
    );
}

#[test]
fn three_dhtnodes_and_five_ferry_nodes_find_every_value() {
    if !have_dhtnode() {
        return;
    }
    let first = DhtNode::start(None);
    let mut dhtnodes = vec![
        DhtNode::start(Some(first.port)),
        DhtNode::start(Some(first.port)),
    ];
    dhtnodes.insert(0, first);
    let addrs: Vec<String> = dhtnodes.iter().map(DhtNode::addr).collect();
    // Five ferry nodes, each keeping its own value alive, joined through different dhtnodes.
    let mut ferries = Vec::new();
    for i in 0..5 {
        let mut child = ferry_dht(&addrs[i % 3])
            .args([
                "put",
                "--keep",
                &format!("ferry-key-{i}"),
                &format!("ferry-value-{i}"),
            ])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut line = String::new();
        let mut reader = std::io::BufReader::new(child.stdout.take().unwrap());
        std::io::BufRead::read_line(&mut reader, &mut line).unwrap();
        assert!(line.contains("\"stored\""), "ferry node {i}: {line:?}");
        ferries.push(child);
    }
    for (j, node) in dhtnodes.iter_mut().enumerate() {
        node.command(&format!("p dht-key-{j} dht-value-{j}"));
        node.wait_output(|l| l.contains("Put: success"), Duration::from_secs(10));
    }
    // Every dhtnode finds every ferry value...
    for node in dhtnodes.iter_mut() {
        for i in 0..5 {
            node.get_until(
                &format!("ferry-key-{i}"),
                &format!("ferry-value-{i}"),
                Duration::from_secs(15),
            );
        }
    }
    // ...and ferry, joining through each dhtnode in turn, finds every value of both kinds.
    for (n, addr) in addrs.iter().enumerate() {
        for i in 0..5 {
            let values = ferry_get(addr, &format!("ferry-key-{i}"));
            assert!(
                values
                    .iter()
                    .any(|v| v["data"] == format!("ferry-value-{i}").as_str()),
                "via {n}: {values:?}"
            );
        }
        for j in 0..3 {
            let values = ferry_get(addr, &format!("dht-key-{j}"));
            assert!(
                values
                    .iter()
                    .any(|v| v["data"] == format!("dht-value-{j}").as_str()),
                "via {n}: {values:?}"
            );
        }
    }
    for mut child in ferries {
        sigint(&child);
        let status = wait_bounded(&mut child, Duration::from_secs(10));
        assert_eq!(status.code(), Some(130));
    }
}

#[test]
fn ferry_and_dhtnode_talk_over_ipv6() {
    if !have_dhtnode() {
        return;
    }
    let peer = DhtNode::start(None);
    let mut node = DhtNode::start(Some(peer.port));
    let v6 = format!("[::1]:{}", node.port);
    node.command("p v6-key carried-over-ipv6");
    node.wait_output(|l| l.contains("Put: success"), Duration::from_secs(10));
    let values = ferry_get(&v6, "v6-key");
    assert!(
        values.iter().any(|v| v["data"] == "carried-over-ipv6"),
        "{values:?}"
    );
    let out = ferry_dht(&v6)
        .args(["put", "v6-from-ferry", "stored-over-ipv6"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    node.get_until("v6-from-ferry", "stored-over-ipv6", Duration::from_secs(10));
}

/// A busy key is read whole. Offers and answers pile up at a device's `peer:` key; a node
/// answers with every value at once, each value over 600 bytes as a burst of 1280-byte parts
/// (here 120 values of 2 KiB: 240 datagrams in one go). A receive buffer that overflows loses
/// the reply and every retransmission of it: the get found nothing and the listener never
/// heard the answer it was waiting for.
#[test]
fn a_busy_key_is_read_whole_by_get_and_listen() {
    if !have_dhtnode() || !have_python_opendht() {
        return;
    }
    const VALUES: usize = 120;
    let peer = DhtNode::start(None);
    let node = DhtNode::start(Some(peer.port));
    python_opendht(
        node.port,
        &format!(
            "for i in range({VALUES}):\n    \
             assert runner.put(dht.InfoHash.get('busy-key'), dht.Value(bytes([i]) * 2048))"
        ),
    );
    let distinct = |events: &[Json]| {
        let mut firsts: Vec<String> = events
            .iter()
            .filter(|e| e["event"] == "value")
            .filter_map(|e| e["data_hex"].as_str())
            .filter(|hex| hex.len() == 4096)
            .map(|hex| hex[..2].to_string())
            .collect();
        firsts.sort();
        firsts.dedup();
        firsts.len()
    };
    let values = ferry_get(&node.addr(), "busy-key");
    assert_eq!(distinct(&values), VALUES, "ferry dht get");

    let count = VALUES.to_string();
    // About 1 MB of events: `Receiving` reads them while the listener runs.
    let mut listen = ferry_dht(&node.addr());
    listen.args(["listen", "busy-key", "--count", &count]);
    let listened = Receiving::run(listen).finish(Duration::from_secs(30));
    assert!(listened.status.success(), "{}", listened.stderr);
    let out = listened.stdout.as_bytes();
    assert_eq!(distinct(&json_lines(out)), VALUES, "ferry dht listen");
}
