//! `ferry rerequest` while `ferry receive` runs on the same home: the receive answers this
//! device's offers, so a second listener raced it for the file sent again (in about half the
//! runs receive took it, and `rerequest` waited out its timeout and exited 2 although the
//! file was back). Now `rerequest` hands its request to the running receive through the
//! control socket and reports its outcome: the file comes back, verified, every time, into
//! the requester's directory, recorded once.
//!
//! Fails on main (`git stash` the fix): runs time out, and no `rerequest_by` event says who
//! carried the request out.

use crate::common::procs::send_via_dht;
use crate::common::real::*;
use crate::common::*;
use serde_json::Value;
use std::ffi::OsStr;
use std::path::Path;
use std::time::{Duration, Instant};

/// Re-requests in a row: with a race, one in two would fail.
const RUNS: usize = 3;
/// Each re-request's own `--timeout`; on loopback one takes a few seconds.
const TIMEOUT: u64 = 15;

fn received_records(device: &Device, interaction: &str) -> Vec<Value> {
    let out = device.ferry().args(["--json", "history"]).output().unwrap();
    assert!(out.status.success(), "{out:?}");
    json_events(&out.stdout)
        .into_iter()
        .filter(|i| i["interaction"] == interaction && i["direction"] == "received")
        .collect()
}

fn rerequest(device: &Device, id: &str, dht: &str, extra: &[&OsStr]) -> Finished {
    let mut cmd = device.ferry();
    dht_env(&mut cmd, dht);
    cmd.args(["--json", "rerequest", id, "--timeout", &TIMEOUT.to_string()])
        .args(extra);
    // The command's own --timeout bounds it; this bounds the test if that were broken.
    Receiving::run(cmd).finish(Duration::from_secs(TIMEOUT + 30))
}

#[test]
fn a_rerequest_is_handed_to_the_running_receive_and_comes_back_every_time() {
    let node = BootstrapNode::start();
    let dht = node.addr();
    let work = tempfile::tempdir().unwrap();
    let (alice, bob) = (Device::new(), Device::new());
    let source = random_file(work.path(), "design.pdf", 1 << 20);
    let digest = python_sha3(&source);

    // Bob's receive runs throughout: it takes Alice's file, and later answers the re-requests.
    let bob_inbox = work.path().join("bob");
    let mut bob_receiving = Receiving::start_dht(&bob, &bob_inbox, &dht, &["--yes"]);
    let sent =
        Receiving::run(send_via_dht(&alice, &source, &bob.device_id, &dht, &[])).finish(WAIT);
    assert!(sent.status.success(), "{sent:?}");
    let done = bob_receiving.wait_matching("done", |e| e["name"] == "design.pdf");
    let interaction = done["transfer_id"].as_str().unwrap().to_string();
    let kept = Path::new(done["path"].as_str().unwrap()).to_path_buf();
    assert_eq!(received_records(&bob, &interaction).len(), 1);

    // Alice stays online to send it again.
    let alice_inbox = work.path().join("alice");
    let _alice_receiving = Receiving::start_dht(&alice, &alice_inbox, &dht, &["--yes"]);
    let elsewhere = work.path().join("elsewhere");
    let started = Instant::now();
    let mut handed = Vec::new();
    for run in 1..=RUNS {
        // The last run names its own directory: the file goes there, not into receive's.
        let last = run == RUNS;
        let lost = if run == 1 {
            kept.clone()
        } else {
            let records = received_records(&bob, &interaction);
            Path::new(records.last().unwrap()["path"].as_str().unwrap()).to_path_buf()
        };
        std::fs::remove_file(&lost).unwrap();
        let extra: &[&OsStr] = if last {
            &[OsStr::new("--dir"), elsewhere.as_os_str()]
        } else {
            &[]
        };
        let t = Instant::now();
        let out = rerequest(&bob, &interaction, &dht, extra);
        eprintln!(
            "run {run}: exit {:?} in {:?}",
            out.status.code(),
            t.elapsed()
        );
        assert!(out.status.success(), "run {run}: {out:?}");
        let back = if last {
            elsewhere.join("design.pdf")
        } else {
            kept.clone()
        };
        assert_eq!(python_sha3(&back), digest, "run {run}: the same file");
        handed.push(out.event("rerequest_by"));
        let done = out.event("done").expect("done");
        assert_eq!(done["sha3_256"], digest.as_str());
        assert_eq!(
            done["path"].as_str().map(Path::new),
            Some(std::fs::canonicalize(&back).unwrap().as_path())
        );
        let asked = out
            .events()
            .into_iter()
            .filter(|e| e["event"] == "rerequest" && e["outcome"] == "asked")
            .count();
        assert_eq!(asked, 1, "run {run}: says which device was asked");
        // Recorded once per run, by the receive that kept it.
        assert_eq!(
            received_records(&bob, &interaction).len(),
            run + 1,
            "run {run}"
        );
    }
    eprintln!("{RUNS} re-requests in {:?}", started.elapsed());
    // Each said it handed the request to the running receive (the one the test started).
    for (run, by) in handed.iter().enumerate() {
        let by = by.as_ref().expect("says who carried the re-request out");
        assert_eq!(by["by"], "receive", "run {}: {by}", run + 1);
        assert_eq!(by["pid"], bob_receiving.child.id(), "run {}: {by}", run + 1);
    }
    assert_eq!(
        entries(&bob_inbox),
        Vec::<String>::new(),
        "nothing else kept"
    );
    assert_eq!(entries(&elsewhere), vec!["design.pdf"]);
    assert!(bob_receiving.still_running());
}
