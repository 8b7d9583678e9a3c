//! `ferry send FILE --to ID` with no address: the receiver is found on a local DHT node
//! (`dhtnode`, or ferry's own: `BootstrapNode`; loopback only), the offer and answer travel encrypted on the DHT, ICE-TCP finds the path
//! and TLS pins the device. Hostile requests are refused and counted; the receiver stays up.

use crate::common::real::*;
use crate::common::*;
use ferry::identity::{Identity, Pin};
use ferry::net::dht::{Dht, DhtConfig, ListenEvent};
use ferry::net::ice::{self, RemoteParams};
use ferry::proto::dht::value::Value;
use ferry::proto::signal::{open_request, peer_key, seal, ReplayGuard, Request, REQUEST_USER_TYPE};
use rustls::pki_types::UnixTime;
use serde_bytes::ByteBuf;
use std::net::IpAddr;
use std::time::Duration;

fn send(from: &Device, file: &std::path::Path, to: &str, bootstrap: &str) -> std::process::Output {
    let mut cmd = from.ferry();
    dht_env(&mut cmd, bootstrap);
    cmd.args(["--json", "send"])
        .arg(file)
        .args(["--to", to])
        .output()
        .unwrap()
}

#[test]
fn a_file_reaches_a_device_found_on_the_dht_by_device_or_account_id() {
    let node = BootstrapNode::start();
    let work = tempfile::tempdir().unwrap();
    let (alice, bob) = (Device::new(), Device::new());
    let inbox = work.path().join("inbox");
    let mut receiving = Receiving::start_dht(&bob, &inbox, &node.addr(), &["--yes"]);
    let source = random_file(work.path(), "via-dht.bin", 3 << 20);
    for (round, to) in [&bob.device_id, &bob.account_id].into_iter().enumerate() {
        let out = send(&alice, &source, to, &node.addr());
        assert!(
            out.status.success(),
            "send to {to}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let done = receiving.wait_for("done");
        assert_eq!(done["sha3_256"], python_sha3(&source).as_str());
        let kept = std::path::PathBuf::from(done["path"].as_str().unwrap());
        assert_eq!(
            std::fs::read(&kept).unwrap(),
            std::fs::read(&source).unwrap(),
            "round {round}"
        );
    }
    assert!(receiving.still_running());
}

#[test]
fn a_device_that_is_not_announced_is_a_clear_error() {
    let node = BootstrapNode::start();
    let work = tempfile::tempdir().unwrap();
    let (alice, nobody) = (Device::new(), Device::new());
    let source = random_file(work.path(), "x.bin", 10);
    let out = send(&alice, &source, &nobody.device_id, &node.addr());
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("is announced on the DHT"), "{stderr}");
}

/// A ferry DHT node inside the test process, for crafting hostile requests.
fn test_dht(runtime: &tokio::runtime::Runtime, bootstrap: &str) -> Dht {
    runtime.block_on(async {
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
    })
}

fn offer_from(from: &Identity, to: &Identity, gathered: Option<&ice::Gathered>) -> Request {
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
        ufrag: gathered.map_or("ufrag".into(), |g| g.ufrag.clone()),
        pwd: gathered.map_or("pwdpwdpwdpwdpwdpwdpwdpwd".into(), |g| g.pwd.clone()),
        candidates: gathered.map_or(vec![], |g| g.candidates.clone()),
        conn_type: "ferry".into(),
        public_addrs: vec![],
        to: to.device.to_string(),
        refused: String::new(),
    }
}

fn put_raw(runtime: &tokio::runtime::Runtime, dht: &Dht, to: &Identity, sealed: Vec<u8>) {
    let value = Value::new(rand::random::<u64>() | 1, 0, sealed, REQUEST_USER_TYPE);
    runtime
        .block_on(dht.put_once(peer_key(&to.device), value))
        .unwrap();
}

#[test]
fn tampered_replayed_forged_and_impostor_requests_are_refused_and_counted() {
    let node = BootstrapNode::start();
    let work = tempfile::tempdir().unwrap();
    let (alice, bob, mallory) = (Device::new(), Device::new(), Device::new());
    let inbox = work.path().join("inbox");
    let mut receiving = Receiving::start_dht(&bob, &inbox, &node.addr(), &["--yes"]);
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let dht = test_dht(&runtime, &node.addr());
    let alice_id = Identity::open(alice.path()).unwrap();
    let bob_id = Identity::open(bob.path()).unwrap();
    let mallory_id = Identity::open(mallory.path()).unwrap();

    // 1. A bit flipped in an otherwise valid offer.
    let mut sealed = seal(
        &offer_from(&alice_id, &bob_id, None),
        &alice_id,
        &bob_id.enc_public(),
        rand::random(),
        rand::random(),
    );
    let middle = sealed.len() / 2;
    sealed[middle] ^= 0x01;
    put_raw(&runtime, &dht, &bob_id, sealed);
    let dropped = receiving.wait_for("dropped");
    assert!(
        dropped["reason"].as_str().unwrap().contains("decrypt"),
        "{dropped}"
    );
    assert_eq!(dropped["total"], 1);

    // 2. Alice's chain, signed by Mallory.
    let forged = seal(
        &offer_from(&alice_id, &bob_id, None),
        &mallory_id,
        &bob_id.enc_public(),
        rand::random(),
        rand::random(),
    );
    put_raw(&runtime, &dht, &bob_id, forged);
    let dropped = receiving.wait_for("dropped");
    assert!(
        dropped["reason"].as_str().unwrap().contains("signature"),
        "{dropped}"
    );
    assert_eq!(dropped["total"], 2);

    // 3. A valid offer put twice: the second copy is a replay.
    let offer = offer_from(&alice_id, &bob_id, None);
    let sealed = seal(
        &offer,
        &alice_id,
        &bob_id.enc_public(),
        rand::random(),
        rand::random(),
    );
    put_raw(&runtime, &dht, &bob_id, sealed.clone());
    put_raw(&runtime, &dht, &bob_id, sealed);
    let dropped = receiving.wait_for("dropped");
    assert!(
        dropped["reason"].as_str().unwrap().contains("replayed"),
        "{dropped}"
    );
    assert_eq!(dropped["total"], 3);

    // 4. A valid offer from Alice, but Mallory's certificate in TLS.
    runtime.block_on(async {
        let loopback = [IpAddr::from([127, 0, 0, 1])];
        let gathered = ice::gather(true, &ice::CandidateOptions::only(&loopback))
            .await
            .unwrap();
        let offer = offer_from(&alice_id, &bob_id, Some(&gathered));
        let mut answers = dht.listen(peer_key(&alice_id.device)).await.unwrap();
        let sealed = seal(
            &offer,
            &alice_id,
            &bob_id.enc_public(),
            rand::random(),
            rand::random(),
        );
        dht.put_once(
            peer_key(&bob_id.device),
            Value::new(rand::random::<u64>() | 1, 0, sealed, REQUEST_USER_TYPE),
        )
        .await
        .unwrap();
        let mut guard = ReplayGuard::default();
        let answer = tokio::time::timeout(Duration::from_secs(20), async {
            loop {
                if let Some(ListenEvent::Values(values)) = answers.next().await {
                    for v in values {
                        if let Ok((r, _)) = open_request(
                            &v.data,
                            alice_id.enc_secret(),
                            &alice_id.device,
                            UnixTime::now(),
                            &mut guard,
                        ) {
                            if r.is_answer && r.id == offer.id {
                                return r;
                            }
                        }
                    }
                }
            }
        })
        .await
        .expect("an answer from the receiver");
        let remote = RemoteParams {
            ufrag: answer.ufrag,
            pwd: answer.pwd,
            candidates: answer.candidates,
            public_addrs: answer.public_addrs,
        };
        let stream = ice::connect(gathered, &remote, Duration::from_secs(10))
            .await
            .unwrap();
        let config = ferry::net::tls::client_config(&mallory_id, Pin::any()).unwrap();
        let _ = tokio_rustls::TlsConnector::from(config)
            .connect(ferry::net::tls::server_name(), stream)
            .await;
    });
    let dropped = receiving.wait_for("dropped");
    assert!(
        dropped["reason"]
            .as_str()
            .unwrap()
            .contains("identity mismatch"),
        "{dropped}"
    );
    assert_eq!(dropped["total"], 4);

    // Still up: a real transfer from Alice goes through, and nothing else was written.
    assert!(receiving.still_running());
    let source = random_file(work.path(), "after.bin", 100_000);
    let out = send(&alice, &source, &bob.device_id, &node.addr());
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    receiving.wait_for("done");
    assert_eq!(entries(&inbox), vec!["after.bin"]);
}
