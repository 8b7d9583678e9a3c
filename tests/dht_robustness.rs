//! A running ferry DHT node fed 100,000 random and mutated datagrams over loopback: it must
//! not crash, and must still answer a ping afterwards.

use crate::common::real::captured_datagrams;
use crate::common::*;
use rand::{Rng, SeedableRng};
use std::io::BufRead;
use std::net::UdpSocket;
use std::process::{Command, Stdio};
use std::time::Duration;

#[test]
fn a_node_survives_100k_hostile_datagrams_and_still_answers() {
    let _machine = alone();
    let home = tempfile::tempdir().unwrap();
    let mut node = Command::new(ferry_bin())
        .env("FERRY_HOME", home.path())
        .env("FERRY_NO_DISCOVERY", "1")
        .args(["--json", "--bootstrap", "none", "dht", "node"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    let mut stdout = std::io::BufReader::new(node.stdout.take().unwrap());
    stdout.read_line(&mut line).unwrap();
    let info: serde_json::Value = serde_json::from_str(&line).unwrap();
    let port = info["ipv4"]
        .as_str()
        .unwrap()
        .rsplit(':')
        .next()
        .unwrap()
        .to_string();
    let target = format!("127.0.0.1:{port}");

    let seeds = captured_datagrams();
    let mut rng = rand::rngs::StdRng::seed_from_u64(0xfe77);
    let socket = UdpSocket::bind("127.0.0.1:0").unwrap();
    let mut sent = 0;
    for i in 0..100_000u32 {
        let mut packet = seeds[rng.gen_range(0..seeds.len())].clone();
        match i % 5 {
            0 => {
                let n = rng.gen_range(1..1500);
                packet = (0..n).map(|_| rng.gen()).collect();
            }
            1 => {
                for _ in 0..rng.gen_range(1..8) {
                    let at = rng.gen_range(0..packet.len());
                    packet[at] ^= 1 << rng.gen_range(0..8);
                }
            }
            2 => packet.truncate(rng.gen_range(0..packet.len())),
            3 => {
                let at = rng.gen_range(0..=packet.len());
                let extra: Vec<u8> = (0..rng.gen_range(1..64)).map(|_| rng.gen()).collect();
                packet.splice(at..at, extra);
            }
            _ => {
                let other = &seeds[rng.gen_range(0..seeds.len())];
                let cut = rng.gen_range(0..packet.len());
                packet.truncate(cut);
                packet.extend_from_slice(&other[rng.gen_range(0..other.len())..]);
            }
        }
        if socket.send_to(&packet, &target).is_ok() {
            sent += 1;
        }
        if i % 2000 == 0 {
            // Let the node drain its socket buffer now and then.
            std::thread::sleep(Duration::from_millis(2));
        }
    }
    assert_eq!(sent, 100_000);
    assert!(node.try_wait().unwrap().is_none(), "the node crashed");
    // Past the per-source rate window, a ping from a fresh client is answered.
    std::thread::sleep(Duration::from_millis(1200));
    let out = Command::new(ferry_bin())
        .env("FERRY_HOME", home.path())
        .env("FERRY_NO_DISCOVERY", "1")
        .args(["--json", "--bootstrap", "none", "dht", "ping", &target])
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let pong: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(pong["event"], "pong");
    sigint(&node);
    let status = wait_bounded(&mut node, Duration::from_secs(10));
    assert_eq!(status.code(), Some(130));
    // The node counted what it dropped.
    let mut last = String::new();
    stdout.read_line(&mut last).unwrap();
    let stats: serde_json::Value = serde_json::from_str(&last).unwrap();
    let received = stats["status"]["received"].as_u64().unwrap();
    let malformed = stats["status"]["dropped_malformed"].as_u64().unwrap();
    println!("node received {received} datagrams, dropped {malformed} as malformed");
    assert!(received > 50_000, "{stats}");
    assert!(malformed > 10_000, "{stats}");
}
