//! Attack: a member device floods a `ferry receive` with valid re-requests and never answers
//! the resends they cause. Each one used to hold a resend slot for the 30 s a connection
//! request waits, the queue behind them filled, and the loop that serves offers waited on that
//! queue: nobody could send to the device for minutes. Now re-requests are admitted before any
//! work (one outstanding per requester and interaction, a few per requester per window) and
//! offers never wait for them.
//!
//! Fails on the main of issue 11 (`FERRY_TEST_BIN=/work/baseline/ferry`).

use crate::common;
use crate::common::procs::send_via_dht;
use crate::common::real::*;
use crate::common::*;
use ferry::connector;
use ferry::identity::{Id, Identity};
use ferry::net::dht::{Dht, DhtConfig};
use ferry::rerequest::{DataTransferRequest, REQUEST_TYPE};
use serde_json::Value;
use std::time::{Duration, Instant};

/// Valid re-requests sent by the member that never answers.
const FLOOD: usize = 25;
/// How long an ordinary send may take while the flood is being dealt with: well under the 30 s
/// a sender waits for its connection request to be answered (on loopback it takes a few
/// seconds at most).
const PROMPT: Duration = Duration::from_secs(15);

fn history(device: &Device) -> Vec<Value> {
    let out = device.ferry().args(["--json", "history"]).output().unwrap();
    assert!(out.status.success(), "{out:?}");
    json_events(&out.stdout)
}

/// `device` sends `file` to `to` through the DHT: whether it succeeded, and how long it took.
fn timed_send(device: &Device, file: &std::path::Path, to: &str, dht: &str) -> (bool, Duration) {
    let started = Instant::now();
    let sent = Receiving::run(send_via_dht(device, file, to, dht, &[])).finish(WAIT);
    if !sent.status.success() {
        eprintln!("send failed: {}", sent.stderr);
    }
    (sent.status.success(), started.elapsed())
}

#[test]
fn a_flood_of_re_requests_from_a_silent_member_does_not_stop_offers() {
    let _machine = timed();
    let node = BootstrapNode::start();
    let dht = node.addr();
    let work = tempfile::tempdir().unwrap();
    let (alice, bob, carol) = (Device::new(), Device::new(), Device::new());

    // Alice sent Bob a file: Bob is a member of that conversation, his re-requests are valid.
    let source = random_file(work.path(), "design.pdf", 1 << 20);
    let bob_inbox = work.path().join("bob");
    let mut bob_receiving = Receiving::start_dht(&bob, &bob_inbox, &dht, &["--yes", "--once"]);
    let sent =
        Receiving::run(send_via_dht(&alice, &source, &bob.device_id, &dht, &[])).finish(WAIT);
    assert!(sent.status.success(), "{sent:?}");
    bob_receiving.wait_for("done");
    let (status, stderr, _) = bob_receiving.wait_exit();
    assert!(status.success(), "{stderr}");
    let record = history(&alice)
        .into_iter()
        .find(|i| i["direction"] == "sent")
        .expect("alice recorded the transfer");
    let interaction = record["interaction"].as_str().unwrap().to_string();

    // Alice receives; Carol's ordinary send shows how long one takes when all is quiet.
    let alice_inbox = work.path().join("alice");
    let mut alice_receiving = Receiving::start_dht(&alice, &alice_inbox, &dht, &["--yes"]);
    let before = random_file(work.path(), "before.bin", 100_000);
    let (ok, quiet) = timed_send(&carol, &before, &alice.device_id, &dht);
    assert!(ok, "the quiet send must succeed");
    alice_receiving.wait_matching("done", |e| e["name"] == "before.bin");

    // Bob's device, from inside this test: FLOOD valid re-requests, and nothing listening for
    // the resends they cause.
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let bob_identity = Identity::open(bob.path()).unwrap();
        let client = Dht::start(DhtConfig {
            bootstrap: vec![dht.clone()],
            discovery: false,
            client_only: true,
            ..DhtConfig::default()
        })
        .await
        .unwrap();
        client
            .wait_for_nodes(1, Duration::from_secs(10))
            .await
            .unwrap();
        let account: Id = alice.account_id.parse().unwrap();
        let devices = connector::resolve(&client, account).await.unwrap();
        let alice_device = devices
            .iter()
            .find(|d| d.peer.device.to_string() == alice.device_id)
            .expect("alice's device is announced");
        let payload = serde_json::to_vec(&DataTransferRequest {
            conversation: record["conversation"].as_str().unwrap().to_string(),
            interaction: interaction.clone(),
            device_id: bob.device_id.clone(),
        })
        .unwrap();
        for _ in 0..FLOOD {
            connector::send_message(
                &client,
                &bob_identity,
                alice_device,
                REQUEST_TYPE,
                payload.clone(),
            )
            .await
            .unwrap();
        }
    });
    // Alice takes them up (the first one is valid: she starts sending the file again).
    alice_receiving.wait_matching("rerequest", |e| {
        e["interaction"] == interaction.as_str() && e["outcome"] == "sending"
    });
    std::thread::sleep(Duration::from_secs(2));

    // Carol's next ordinary send is answered promptly all the same.
    let after = common::procs::seeded_file(work.path(), "after.bin", 100_000, 7);
    let (ok, flooded) = timed_send(&carol, &after, &alice.device_id, &dht);
    eprintln!(
        "carol's send took {quiet:?} when quiet, {flooded:?} after {FLOOD} re-requests \
         (ok: {ok})"
    );
    assert!(ok, "the send after the flood failed (took {flooded:?})");
    assert!(
        flooded < PROMPT,
        "the send after the flood took {flooded:?} (quiet: {quiet:?})"
    );
    alice_receiving.wait_matching("done", |e| e["name"] == "after.bin");

    // At most one resend of that interaction to Bob is outstanding at a time.
    let sending = alice_receiving
        .seen
        .iter()
        .filter(|e| {
            e["event"] == "rerequest"
                && e["interaction"] == interaction.as_str()
                && e["outcome"] == "sending"
        })
        .count();
    assert_eq!(sending, 1, "resends started for one silent requester");
    assert!(alice_receiving.still_running());
}
