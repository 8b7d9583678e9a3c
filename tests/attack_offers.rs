//! Offers from strangers, performed against the real `ferry receive` through a local
//! DHT node (`BootstrapNode`): a stranger's offers must cost the receiver nothing (no listener, no TURN, no
//! dial) unless its policy admits the signer, and then only within bounds.
//!
//! The offers are crafted with ferry's own library (`ferry::proto::signal`), signed by fresh
//! identities, and point their candidates at TCP listeners this test owns on loopback, so
//! every dial the receiver makes for a stranger is counted. Each test fails on a build
//! without the admission policy (run with `FERRY_TEST_BIN=/path/to/old/ferry`).

use crate::common::procs::{seeded_file, send_via_dht};
use crate::common::real::*;
use crate::common::*;
use ferry::identity::Identity;
use ferry::net::dht::{Dht, DhtConfig};
use ferry::proto::dht::value::Value;
use ferry::proto::signal::{peer_key, seal, Request, REQUEST_USER_TYPE};
use rustls::pki_types::UnixTime;
use serde_bytes::ByteBuf;
use std::net::TcpListener;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// How long the receiver is watched for dials after an offer it must not act on: an offer
/// that is answered is dialled within a second or two.
const WATCH: Duration = Duration::from_secs(8);
/// A valid ICE password (22 ice-chars).
const PWD: &str = "pwdpwdpwdpwdpwdpwdpwdpw";

/// TCP listeners on loopback that count (and close) every connection that reaches them.
struct Targets {
    ports: Vec<u16>,
    count: Arc<AtomicU64>,
}

impl Targets {
    fn start(n: usize) -> Targets {
        let count = Arc::new(AtomicU64::new(0));
        let mut ports = Vec::new();
        for _ in 0..n {
            let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
            ports.push(listener.local_addr().unwrap().port());
            let count = count.clone();
            std::thread::spawn(move || {
                for conn in listener.incoming() {
                    count.fetch_add(1, Ordering::Relaxed);
                    drop(conn);
                }
            });
        }
        Targets { ports, count }
    }

    fn connections(&self) -> u64 {
        self.count.load(Ordering::Relaxed)
    }

    /// `n` passive host candidate lines spread over the listeners.
    fn candidates(&self, n: usize) -> Vec<String> {
        (0..n)
            .map(|i| {
                let port = self.ports[i % self.ports.len()];
                format!(
                    "H{i:x} 1 TCP {} 127.0.0.1 {port} typ host tcptype passive",
                    2_130_706_431 - i as u32
                )
            })
            .collect()
    }
}

/// A fresh identity made with the library (no process), and the directory it lives in.
fn stranger() -> (tempfile::TempDir, Identity) {
    let dir = tempfile::tempdir().unwrap();
    let id = Identity::create(dir.path()).unwrap();
    (dir, id)
}

fn offer(from: &Identity, to: &Identity, ufrag: &str, candidates: Vec<String>) -> Request {
    Request {
        id: rand::random::<u64>() | 1,
        ts: UnixTime::now().as_secs(),
        is_answer: false,
        chain: from
            .tls_chain()
            .iter()
            .map(|c| ByteBuf::from(c.to_vec()))
            .collect(),
        enc_key: ByteBuf::from(from.enc_public().to_vec()),
        ufrag: ufrag.into(),
        pwd: PWD.into(),
        candidates,
        conn_type: "ferry".into(),
        public_addrs: vec![],
        to: to.device.to_string(),
        refused: String::new(),
    }
}

/// A ferry DHT client inside the test process, to put crafted values.
struct TestDht {
    runtime: tokio::runtime::Runtime,
    dht: Dht,
}

impl TestDht {
    fn start(bootstrap: &str) -> TestDht {
        let runtime = tokio::runtime::Runtime::new().unwrap();
        let dht = runtime.block_on(async {
            let dht = Dht::start(DhtConfig {
                bootstrap: vec![bootstrap.to_string()],
                discovery: false,
                client_only: true,
                ..DhtConfig::default()
            })
            .await
            .unwrap();
            dht.wait_for_nodes(1, Duration::from_secs(10))
                .await
                .unwrap();
            dht
        });
        TestDht { runtime, dht }
    }

    /// Put `body` signed by `signer` and sealed to `to` at `to`'s key.
    fn put_sealed(&self, body: &Request, signer: &Identity, to: &Identity) {
        let sealed = seal(
            body,
            signer,
            &to.enc_public(),
            rand::random(),
            rand::random(),
        );
        self.put_raw(to, sealed);
    }

    fn put_raw(&self, to: &Identity, sealed: Vec<u8>) {
        let value = Value::new(rand::random::<u64>() | 1, 0, sealed, REQUEST_USER_TYPE);
        self.runtime
            .block_on(async {
                tokio::time::timeout(
                    Duration::from_secs(20),
                    self.dht.put_once(peer_key(&to.device), value),
                )
                .await
            })
            .expect("put within 20 s")
            .expect("put");
    }
}

/// Watch `targets` for [`WATCH`]: the number of connections that reached them.
fn dials_within_watch(targets: &Targets) -> u64 {
    std::thread::sleep(WATCH);
    targets.connections()
}

/// The offer `what` made no connection reach `targets` (beyond the `before` already there)
/// within [`WATCH`], and the receiver's next `dropped` event gives a reason containing `why`.
fn assert_dropped_undialled(
    receiving: &mut Receiving,
    targets: &Targets,
    before: u64,
    what: &str,
    why: &str,
) {
    let dials = dials_within_watch(targets) - before;
    eprintln!("{what}: {dials} connection(s)");
    assert_eq!(dials, 0, "the receiver dialled for the {what}");
    let dropped = receiving.wait_for("dropped");
    assert!(
        dropped["reason"].as_str().unwrap().contains(why),
        "{dropped}"
    );
}

fn receiver(
    bob: &Device,
    inbox: &std::path::Path,
    node: &BootstrapNode,
    extra: &[&str],
) -> Receiving {
    Receiving::start_dht(bob, inbox, &node.addr(), extra)
}

#[test]
fn a_strangers_offer_with_900_candidates_makes_no_dial() {
    let node = BootstrapNode::start();
    let work = tempfile::tempdir().unwrap();
    let (alice, bob) = (Device::new(), Device::new());
    let bob_id = Identity::open(bob.path()).unwrap();
    let (_m, mallory) = stranger();
    let targets = Targets::start(60);
    let dht = TestDht::start(&node.addr());

    // 1. A receiver that accepts files from Alice only: Mallory's offer is refused on its
    //    signer, before anything is gathered or dialled.
    let mut receiving = receiver(
        &bob,
        &work.path().join("inbox"),
        &node,
        &["--yes", "--from", &alice.device_id],
    );
    dht.put_sealed(
        &offer(&mallory, &bob_id, "ufrag", targets.candidates(900)),
        &mallory,
        &bob_id,
    );
    assert_dropped_undialled(
        &mut receiving,
        &targets,
        0,
        "900-candidate stranger offer to a --from receiver",
        "--from",
    );
    drop(receiving);

    // 2. A receiver that accepts anyone: more than 16 candidates drop the offer.
    let mut receiving = receiver(&bob, &work.path().join("inbox2"), &node, &["--yes"]);
    dht.put_sealed(
        &offer(&mallory, &bob_id, "ufrag", targets.candidates(900)),
        &mallory,
        &bob_id,
    );
    let dials = dials_within_watch(&targets);
    eprintln!("900-candidate stranger offer to an open receiver: {dials} connection(s)");
    assert_eq!(dials, 0, "the receiver dialled a 900-candidate offer");
    let dropped = receiving.wait_matching("dropped", |e| {
        e["reason"].as_str().unwrap_or("").contains("candidates")
    });
    assert!(
        dropped["reason"].as_str().unwrap().contains("900"),
        "{dropped}"
    );
    assert!(receiving.still_running());
}

#[test]
fn an_offer_whose_ufrag_carries_crlf_is_dropped_undialled() {
    let node = BootstrapNode::start();
    let work = tempfile::tempdir().unwrap();
    let bob = Device::new();
    let bob_id = Identity::open(bob.path()).unwrap();
    let (_m, mallory) = stranger();
    let targets = Targets::start(4);
    let dht = TestDht::start(&node.addr());
    let mut receiving = receiver(&bob, &work.path().join("inbox"), &node, &["--yes"]);
    let ufrag = "abcd\r\nGET /admin HTTP/1.1\r\nHost: victim\r\n\r\n";
    dht.put_sealed(
        &offer(&mallory, &bob_id, ufrag, targets.candidates(4)),
        &mallory,
        &bob_id,
    );
    assert_dropped_undialled(&mut receiving, &targets, 0, "CRLF-ufrag offer", "ufrag");
}

#[test]
fn a_value_resealed_to_another_device_is_dropped() {
    let node = BootstrapNode::start();
    let work = tempfile::tempdir().unwrap();
    let bob = Device::new();
    let bob_id = Identity::open(bob.path()).unwrap();
    let (_a, alice) = stranger();
    let (_c, carol) = stranger();
    let targets = Targets::start(4);
    let dht = TestDht::start(&node.addr());
    let mut receiving = receiver(&bob, &work.path().join("inbox"), &node, &["--yes"]);
    // Alice signed this offer for Carol; Carol re-seals it to Bob.
    let for_carol = offer(&alice, &carol, "ufrag", targets.candidates(4));
    dht.put_sealed(&for_carol, &alice, &bob_id);
    assert_dropped_undialled(
        &mut receiving,
        &targets,
        0,
        "re-sealed offer",
        "not this one",
    );
}

#[test]
fn an_offer_replayed_after_a_restart_is_dropped() {
    let node = BootstrapNode::start();
    let work = tempfile::tempdir().unwrap();
    let bob = Device::new();
    let bob_id = Identity::open(bob.path()).unwrap();
    let (_a, alice) = stranger();
    let targets = Targets::start(4);
    let dht = TestDht::start(&node.addr());
    let inbox = work.path().join("inbox");
    let receiving = receiver(&bob, &inbox, &node, &["--yes"]);
    // A fresh offer: answered, its candidates dialled (nobody completes ICE).
    dht.put_sealed(
        &offer(&alice, &bob_id, "ufrag", targets.candidates(4)),
        &alice,
        &bob_id,
    );
    let deadline = Instant::now() + Duration::from_secs(20);
    while targets.connections() == 0 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(100));
    }
    assert!(
        targets.connections() > 0,
        "the first delivery was not answered"
    );
    drop(receiving);
    // The offer is still stored at Bob's key: a restarted receiver finds it again.
    std::thread::sleep(Duration::from_secs(1));
    let before = targets.connections();
    let mut receiving = receiver(&bob, &inbox, &node, &["--yes"]);
    assert_dropped_undialled(
        &mut receiving,
        &targets,
        before,
        "offer replayed after a restart",
        "replayed",
    );
    let seen = bob.path().join("seen-offers");
    let mode =
        std::os::unix::fs::PermissionsExt::mode(&std::fs::metadata(&seen).unwrap().permissions());
    assert_eq!(mode & 0o777, 0o600, "{}", seen.display());
}

/// TCP listeners that never accept: a dial to them holds a descriptor on the dialling side
/// until it times out, as an unreachable or slow target on the Internet does.
fn black_holes(n: usize) -> (Vec<TcpListener>, Vec<String>) {
    let listeners: Vec<TcpListener> = (0..n)
        .map(|_| TcpListener::bind("127.0.0.1:0").expect("bind"))
        .collect();
    let lines = listeners
        .iter()
        .enumerate()
        .map(|(i, l)| {
            format!(
                "H{i:x} 1 TCP {} 127.0.0.1 {} typ host tcptype passive",
                2_130_706_431 - i as u32,
                l.local_addr().unwrap().port()
            )
        })
        .collect();
    (listeners, lines)
}

#[test]
fn two_hundred_stranger_offers_do_not_keep_a_legitimate_sender_out() {
    let node = BootstrapNode::start();
    let work = tempfile::tempdir().unwrap();
    let (alice, bob) = (Device::new(), Device::new());
    let bob_id = Identity::open(bob.path()).unwrap();
    let (_holes, lines) = black_holes(16);
    let dht = TestDht::start(&node.addr());
    // The receiver with 256 descriptors, accepting files from Alice only.
    let mut cmd = std::process::Command::new("sh");
    cmd.args(["-c", "ulimit -n 256 && exec \"$0\" \"$@\"", ferry_bin()])
        .env("FERRY_HOME", bob.path())
        .args(["--no-progress", "--json", "receive", "--yes", "--from"])
        .arg(&alice.device_id)
        .arg("--dir")
        .arg(work.path().join("inbox"));
    dht_env(&mut cmd, &node.addr());
    let mut receiving = Receiving::spawn(cmd, "online");

    // 200 strangers, each with a signed offer listing 16 candidates, within about 5 s.
    let strangers: Vec<(tempfile::TempDir, Identity)> = (0..200).map(|_| stranger()).collect();
    let sealed: Vec<Vec<u8>> = strangers
        .iter()
        .map(|(_, s)| {
            seal(
                &offer(s, &bob_id, "ufrag", lines.clone()),
                s,
                &bob_id.enc_public(),
                rand::random(),
                rand::random(),
            )
        })
        .collect();
    let started = Instant::now();
    dht.runtime.block_on(async {
        let mut puts = tokio::task::JoinSet::new();
        for (i, bytes) in sealed.into_iter().enumerate() {
            let dht = dht.dht.clone();
            let key = peer_key(&bob_id.device);
            puts.spawn(async move {
                // 40 a second.
                tokio::time::sleep(Duration::from_millis(25 * i as u64)).await;
                let value = Value::new(rand::random::<u64>() | 1, 0, bytes, REQUEST_USER_TYPE);
                tokio::time::timeout(Duration::from_secs(20), dht.put_once(key, value)).await
            });
        }
        while puts.join_next().await.is_some() {}
    });
    eprintln!("200 stranger offers put in {:?}", started.elapsed());

    // Alice sends while the strangers' offers are being handled.
    let source = seeded_file(work.path(), "legit.bin", 200_000, 11);
    let sent = Receiving::run(send_via_dht(
        &alice,
        &source,
        &bob.device_id,
        &node.addr(),
        &[],
    ))
    .finish(Duration::from_secs(90));
    eprintln!(
        "legitimate sender after 200 stranger offers with 256 descriptors: {:?}\n{}",
        sent.status, sent.stderr
    );
    assert!(sent.status.success(), "the legitimate sender failed");
    let done = receiving.wait_for("done");
    assert_eq!(done["sha3_256"], python_sha3(&source).as_str());
    assert!(receiving.still_running());
    let dropped = receiving
        .seen
        .iter()
        .filter(|e| e["event"] == "dropped")
        .count();
    eprintln!("stranger offers dropped: {dropped}");
}
