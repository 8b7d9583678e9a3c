//! Refusals and cancels from either side: documented exit codes, nothing under a final name;
//! what arrived before a Ctrl-C (either side) stays as a part file, and the next send resumes.

use crate::common;
use crate::common::*;
use std::process::Stdio;

#[test]
fn a_sender_outside_from_is_refused_and_nothing_is_written() {
    let work = tempfile::tempdir().unwrap();
    let (alice, bob, carol) = (Device::new(), Device::new(), Device::new());
    let inbox = work.path().join("inbox");
    let source = random_file(work.path(), "a.bin", 10_000);
    let mut receiving = Receiving::start(
        &bob,
        &inbox,
        &["--yes", "--once", "--from", &carol.account_id],
    );
    let sent = send_direct(&alice, [&source], &bob.device_id, &receiving.addr, &[])
        .output()
        .unwrap();
    assert_eq!(sent.status.code(), Some(1), "{sent:?}");
    let stderr = String::from_utf8_lossy(&sent.stderr);
    assert!(stderr.contains("refused"), "{stderr}");
    // Refused in the TLS handshake, before any slot or decision; `--once` waits on for a
    // sender it accepts (tests/attack_admission.rs).
    let error = receiving.wait_for("error");
    assert!(
        error["reason"].as_str().unwrap().contains("--from"),
        "{error}"
    );
    assert!(receiving.still_running());
    receiving.interrupt();
    let (status, _, events) = receiving.wait_exit();
    assert_eq!(status.code(), Some(130));
    assert!(!events.iter().any(|e| e["event"] == "offer"), "{events:#?}");
    assert!(entries(&inbox).is_empty(), "{:?}", entries(&inbox));
}

/// Start a slow transfer (8 MiB at 1 MiB/s) from alice to bob receiving into `work/inbox`
/// with `receive` options; return once the receiver has seen body bytes.
fn slow_transfer(
    work: &std::path::Path,
    receive: &[&str],
) -> (Device, Device, Receiving, std::process::Child) {
    let (alice, bob) = (Device::new(), Device::new());
    let source = random_file(work, "big.bin", 8 << 20);
    let mut receiving = Receiving::start(&bob, &work.join("inbox"), receive);
    let sender = send_direct(
        &alice,
        [&source],
        &bob.device_id,
        &receiving.addr,
        &["--limit-rate", "1M"],
    )
    .stdout(Stdio::null())
    .stderr(Stdio::piped())
    .spawn()
    .unwrap();
    receiving.wait_matching("progress", |e| e["bytes"].as_u64() > Some(100_000));
    (alice, bob, receiving, sender)
}

#[test]
fn sender_ctrl_c_mid_body_cancels_both_sides() {
    let work = tempfile::tempdir().unwrap();
    let (alice, bob, receiving, mut sender) = slow_transfer(work.path(), &["--yes", "--once"]);
    ctrl_c_sender_cancels_both_sides(&mut sender, receiving, &work.path().join("inbox"));
    the_next_send_resumes(&alice, &bob, work.path());
}

#[test]
fn receiver_ctrl_c_mid_body_cancels_both_sides() {
    let work = tempfile::tempdir().unwrap();
    let (alice, bob, receiving, mut sender) = slow_transfer(work.path(), &["--yes", "--once"]);
    receiving.interrupt();
    let (status, _, _) = receiving.wait_exit();
    assert_eq!(status.code(), Some(130));
    let sender_status = wait_bounded(&mut sender, WAIT);
    let mut stderr = String::new();
    std::io::Read::read_to_string(&mut sender.stderr.take().unwrap(), &mut stderr).unwrap();
    assert_eq!(sender_status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("cancelled by the peer"), "{stderr}");
    let inbox = work.path().join("inbox");
    assert!(
        common::procs::final_names(&inbox).is_empty(),
        "{:?}",
        entries(&inbox)
    );
    the_next_send_resumes(&alice, &bob, work.path());
}

/// After a Ctrl-C on either side, what arrived is kept in `.ferry-parts/`, and the next send of
/// the same file resumes there: only the rest travels, and the kept copy is verified.
fn the_next_send_resumes(alice: &Device, bob: &Device, work: &std::path::Path) {
    let inbox = work.join("inbox");
    let parts = common::procs::part_files(&inbox);
    assert_eq!(parts.len(), 1, "one part file kept: {:?}", entries(&inbox));
    let have = std::fs::metadata(&parts[0]).unwrap().len();
    assert!(have >= 100_000, "kept {have} bytes");
    let source = work.join("big.bin");
    let size = std::fs::metadata(&source).unwrap().len();
    let receiving = Receiving::start(bob, &inbox, &["--yes", "--once"]);
    let out = send_direct(
        alice,
        [&source],
        &bob.device_id,
        &receiving.addr,
        &["--json"],
    )
    .output()
    .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let events = json_events(&out.stdout);
    let sent = only_event(&events, "done")["bytes_sent"].as_u64().unwrap();
    eprintln!("after the Ctrl-C the receiver held {have} of {size} bytes; the resume sent {sent}");
    assert_eq!(sent + have, size, "only what the receiver lacked travelled");
    let (status, stderr, _) = receiving.wait_exit();
    assert!(status.success(), "{stderr}");
    assert_eq!(python_sha3(&inbox.join("big.bin")), python_sha3(&source));
    assert_eq!(common::procs::final_names(&inbox), ["big.bin"]);
}

#[test]
fn offers_beyond_max_concurrent_are_refused_as_busy() {
    let work = tempfile::tempdir().unwrap();
    let (alice, bob, mut receiving, mut first) =
        slow_transfer(work.path(), &["--yes", "--max-concurrent", "1"]);
    let other = random_file(work.path(), "other.bin", 1000);
    let busy = send_direct(&alice, [&other], &bob.device_id, &receiving.addr, &[])
        .output()
        .unwrap();
    assert_eq!(busy.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&busy.stderr).contains("busy"));
    sigint(&first);
    wait_bounded(&mut first, WAIT);
    // The slot is free again: the next offer is served.
    receiving.wait_for("cancelled");
    let again = send_direct(&alice, [&other], &bob.device_id, &receiving.addr, &[])
        .status()
        .unwrap();
    assert!(again.success());
}
