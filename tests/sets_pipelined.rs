//! Sets over a long link: entries stream back to back, their `OK`s collected as they come, so
//! thousands of small files do not cost a round trip each; and a receiver that fails in the
//! middle of a pipelined set still stops both sides with its reason, keeping nothing.
//! Through a proxy on loopback that delays each direction by 50 ms (`common::delay_proxy`).
//! Timings are printed: `cargo test --test e2e sets_pipelined:: -- --nocapture`.

use crate::common::delay_proxy::DelayProxy;
use crate::common::procs::*;
use crate::common::*;
use std::path::Path;
use std::time::Duration;

/// Added each way: a 100 ms round trip.
const DELAY: Duration = Duration::from_millis(50);

/// `count` files of `size` pseudo-random bytes in `dir/name` (each different).
fn many_files(dir: &Path, name: &str, count: usize, size: usize) -> std::path::PathBuf {
    let top = dir.join(name);
    std::fs::create_dir_all(&top).unwrap();
    for i in 0..count {
        seeded_file(&top, &format!("f{i:05}"), size, i as u64 + 1);
    }
    top
}

#[test]
fn two_thousand_small_files_cross_a_100_ms_link_in_seconds_each_verified() {
    let _machine = timed();
    // One round trip per file took 2,000 x 100 ms = 200 s (plus a sync per file).
    const FILES: usize = 2000;
    const LIMIT: Duration = Duration::from_secs(30);
    let work = tempfile::tempdir().unwrap();
    let (alice, bob) = (Device::new(), Device::new());
    let inbox = work.path().join("inbox");
    let source = many_files(work.path(), "small", FILES, 1024);
    let receiving = Receiving::start(&bob, &inbox, &["--yes", "--once"]);
    let proxy = DelayProxy::start(&receiving.addr, DELAY);

    let send = send_direct(&alice, [&source], &bob.device_id, &proxy.addr, &["--json"]);
    // Bounded: an implementation that waits for each `OK` is killed here and fails.
    let sent = Receiving::run(send).finish(LIMIT);
    eprintln!(
        "{FILES} files of 1 KiB through a {} ms round trip: sender exit {:?} after {:.2} s",
        2 * DELAY.as_millis(),
        sent.status.code(),
        sent.elapsed.as_secs_f64()
    );
    assert!(sent.status.success(), "send: {}", sent.stderr);
    let (status, stderr, rx_events) = receiving.wait_exit();
    assert!(status.success(), "receive: {stderr}");

    // Every file arrived byte for byte, and each was confirmed on its own, on both sides.
    assert_eq!(entries(&inbox), vec!["small"]);
    assert_eq!(entries(&inbox.join("small")).len(), FILES);
    for i in 0..FILES {
        let name = format!("f{i:05}");
        assert!(
            std::fs::read(inbox.join("small").join(&name)).unwrap()
                == std::fs::read(source.join(&name)).unwrap(),
            "{name} differs"
        );
    }
    let tx_events = sent.events();
    for (side, events) in [("sender", &tx_events), ("receiver", &rx_events)] {
        let confirmed = events.iter().filter(|e| e["event"] == "entry").count();
        assert_eq!(confirmed, FILES, "{side}: entry events");
    }
    // In the order sent, the sender's confirmations name the files with their digests.
    let first = tx_events.iter().find(|e| e["event"] == "entry").unwrap();
    assert_eq!(first["path"], "small/f00000");
    assert_eq!(
        first["sha3_256"],
        python_sha3(&source.join("f00000")).as_str()
    );
    assert_eq!(
        only_event(&tx_events, "done")["sha3_256"],
        only_event(&rx_events, "done")["sha3_256"]
    );
    assert!(sent.elapsed < LIMIT);
}

#[test]
fn a_full_disk_in_the_middle_of_a_pipelined_set_stops_both_sides_and_keeps_nothing() {
    let _machine = timed();
    if !require_root("mounting a small tmpfs") {
        return;
    }
    // 1,000 files of 8 KiB (8 MB) into 4 MiB: the disk fills after about 500, with many
    // entries in flight. One round trip each, that point took over 50 s.
    const FILES: usize = 1000;
    const LIMIT: Duration = Duration::from_secs(20);
    let disk = Tmpfs::mount("4m");
    let work = tempfile::tempdir().unwrap();
    let (alice, bob) = (Device::new(), Device::new());
    let source = many_files(work.path(), "tree", FILES, 8 * 1024);
    let receiving = Receiving::start(&bob, disk.path(), &["--yes", "--once"]);
    let proxy = DelayProxy::start(&receiving.addr, DELAY);

    let send = send_direct(&alice, [&source], &bob.device_id, &proxy.addr, &["--json"]);
    // Bounded: waiting for each `OK`, the sender is killed here and the test fails.
    let sent = Receiving::run(send).finish(LIMIT);
    let (status, stderr, events) = receiving.wait_exit();
    let tx_events = sent.events();
    let confirmed = tx_events.iter().filter(|e| e["event"] == "entry").count();
    eprintln!(
        "full disk mid-set: receiver exit {:?} ({}); sender exit {:?} after {:.2} s, {confirmed} \
         of {FILES} files confirmed first ({})",
        status.code(),
        stderr.trim(),
        sent.status.code(),
        sent.elapsed.as_secs_f64(),
        sent.stderr.trim()
    );

    // The receiver: an error that says the disk is full, exit 2.
    let error = events
        .iter()
        .find(|e| e["event"] == "error")
        .unwrap_or_else(|| panic!("no error event from the receiver: {events:?}"));
    assert!(
        error["reason"].as_str().unwrap().contains("disk is full"),
        "{error}"
    );
    assert_eq!(status.code(), Some(2), "receiver: {stderr}");
    assert!(events.iter().all(|e| e["event"] != "done"), "{events:?}");
    // The sender: told why (not a broken pipe, not a mismatch of confirmations), exit 2, and
    // not done: some files were confirmed before the failure, never all.
    assert!(
        sent.stderr.contains("could not keep the file") && sent.stderr.contains("disk is full"),
        "sender: {}",
        sent.stderr
    );
    assert_eq!(sent.status.code(), Some(2), "sender: {}", sent.stderr);
    assert!(tx_events.iter().all(|e| e["event"] != "done"));
    assert!(confirmed < FILES, "{confirmed} confirmed");
    // Confirmed means written: the file the disk failed on, and any after it, never was.
    let reason = error["reason"].as_str().unwrap();
    let failed = reason
        .find("tree/f")
        .map(|at| reason[at..at + "tree/f00000".len()].to_string())
        .unwrap_or_else(|| panic!("the error names no file: {reason}"));
    let confirmed_paths: Vec<&str> = tx_events
        .iter()
        .filter(|e| e["event"] == "entry")
        .map(|e| e["path"].as_str().unwrap())
        .collect();
    assert!(
        confirmed_paths.iter().all(|p| *p < failed.as_str()),
        "{failed} failed, yet confirmed: {:?}",
        confirmed_paths
            .iter()
            .filter(|p| **p >= failed.as_str())
            .collect::<Vec<_>>()
    );
    // Nothing under a final name, no part file or set directory left on the full disk.
    assert!(
        entries(disk.path()).is_empty(),
        "left on the tmpfs: {:?}",
        entries(disk.path())
    );
}
