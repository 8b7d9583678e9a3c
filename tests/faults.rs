//! Faults during a transfer: the sender killed at random points, a full disk on the
//! receiver, the link cut in the middle. Whatever happens, nothing appears under a final name
//! unless it was verified (hidden `.NAME.KEY.ferry-part` files may stay: they are kept so a
//! later offer of the same file resumes), and each side ends with a clear message.
//! Timings are printed: `cargo test --test e2e faults:: -- --nocapture`.

use crate::common::netns::Pair;
use crate::common::procs::*;
use crate::common::real::*;
use crate::common::*;
use rand::{Rng, SeedableRng};
use std::process::Command;
use std::time::{Duration, Instant};

const KILLS: usize = 10;

#[test]
fn a_sender_killed_at_random_points_leaves_no_final_name_and_the_receiver_stays_up() {
    let seed = seed("sigkill");
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    let node = BootstrapNode::start();
    let work = tempfile::tempdir().unwrap();
    let inbox = work.path().join("inbox");
    let (alice, bob) = (Device::new(), Device::new());
    let mut receiving = Receiving::start_dht(&bob, &inbox, &node.addr(), &["--yes"]);
    // 8 MiB at 2 MiB/s: the body alone takes 4 s, so no kill below (at most 3 s after the
    // start) comes after the end.
    let source = seeded_file(work.path(), "victim.bin", 8 << 20, seed);
    let original = std::fs::read(&source).unwrap();

    for run in 0..KILLS {
        // A third of the kills land in the first 150 ms (DHT lookup, offer, ICE, TLS, header
        // on loopback), the rest anywhere in the body.
        let delay = Duration::from_millis(if rng.gen_ratio(1, 3) {
            rng.gen_range(0..150)
        } else {
            rng.gen_range(150..3_000)
        });
        let name = format!("killed-{run}.bin");
        let sender = Receiving::run(send_via_dht(
            &alice,
            &source,
            &bob.device_id,
            &node.addr(),
            &["--limit-rate", "2M", "--name", &name],
        ));
        std::thread::sleep(delay.saturating_sub(sender.started.elapsed()));
        let killed = sender.kill();
        assert_eq!(
            killed.status.code(),
            None,
            "run {run}: the sender ended before the kill at {delay:?}: {}",
            killed.stderr
        );
        let last = killed.events().into_iter().last();
        let phase = match &last {
            None => "before connecting".to_string(),
            Some(e) if e["event"] == "progress" => format!("after {} body bytes", e["bytes"]),
            Some(e) => format!("after {}", e["event"]),
        };
        // Give the receiver a moment to notice.
        std::thread::sleep(Duration::from_millis(400));
        assert!(receiving.still_running(), "run {run}: the receiver died");
        assert!(
            final_names(&inbox).is_empty(),
            "run {run} (killed at {delay:?}, {phase}): {:?}",
            entries(&inbox)
        );
        assert!(stray_hidden(&inbox).is_empty(), "{:?}", entries(&inbox));
        // What is kept for a resume is a true prefix of the file.
        let mut parts = Vec::new();
        for part in part_files(&inbox) {
            let data = std::fs::read(&part).unwrap_or_default();
            assert!(
                original.starts_with(&data),
                "run {run}: {part:?} ({} bytes) is not a prefix of the source",
                data.len()
            );
            parts.push(data.len());
        }
        eprintln!(
            "sigkill run {run}: killed {:.0} ms after start ({phase}); part file kept: {:?} \
             bytes; nothing under a final name",
            delay.as_secs_f64() * 1000.0,
            parts
        );
    }

    // Still serving: the same file arrives whole and verified (resuming what a kill left).
    let name = format!("killed-{}.bin", KILLS - 1);
    let done = Receiving::run(send_via_dht(
        &alice,
        &source,
        &bob.device_id,
        &node.addr(),
        &["--name", &name],
    ))
    .finish(Duration::from_secs(90));
    assert!(done.status.success(), "{}", done.stderr);
    let sent = done.event("done").expect("done");
    receiving.wait_matching("done", |e| e["name"] == name.as_str());
    assert_eq!(python_sha3(&inbox.join(&name)), python_sha3(&source));
    assert_eq!(final_names(&inbox), vec![name.clone()]);
    assert!(receiving.still_running());
    eprintln!(
        "sigkill: after {KILLS} kills the receiver is up; a complete send of {name} verified \
         ({} of {} bytes travelled)",
        sent["bytes_sent"],
        original.len()
    );
}

#[test]
fn a_full_disk_is_a_clear_error_on_both_sides_and_leaves_no_temporary_file() {
    if !require_root("mounting a small tmpfs") {
        return;
    }
    let disk = Tmpfs::mount("8m");
    let work = tempfile::tempdir().unwrap();
    let (alice, bob) = (Device::new(), Device::new());
    let source = seeded_file(work.path(), "too-big.bin", 32 << 20, 32);
    let receiving = Receiving::start(&bob, disk.path(), &["--yes", "--once"]);
    let started = Instant::now();
    let send = send_direct(
        &alice,
        [&source],
        &bob.device_id,
        &receiving.addr,
        &["--json"],
    );
    let sent = Receiving::run(send).finish(Duration::from_secs(60));
    let (status, stderr, events) = receiving.wait_exit();
    let elapsed = started.elapsed();

    let error = events.iter().find(|e| e["event"] == "error").cloned();
    eprintln!(
        "full disk: 32 MiB into an 8 MiB tmpfs: receiver exit {:?} in {:.2} s ({}); sender exit \
         {:?} ({}); left on the tmpfs: {:?}",
        status.code(),
        elapsed.as_secs_f64(),
        error
            .as_ref()
            .map_or(String::new(), |e| e["reason"].to_string()),
        sent.status.code(),
        sent.stderr.trim(),
        entries(disk.path())
    );

    // The receiver: a clear error that says the disk is full, exit 2.
    let error = error.unwrap_or_else(|| panic!("no error event from the receiver: {events:?}"));
    assert!(
        error["reason"].as_str().unwrap().contains("disk is full"),
        "{error}"
    );
    assert!(stderr.contains("disk is full"), "{stderr}");
    assert_eq!(status.code(), Some(2), "receiver: {stderr}");
    // Nothing left on the full disk, not even a part file (it could never complete there).
    assert!(
        entries(disk.path()).is_empty(),
        "left on the tmpfs: {:?}",
        entries(disk.path())
    );
    // The sender is told why (not just "Broken pipe").
    assert!(
        sent.stderr.contains("disk is full"),
        "sender: {}",
        sent.stderr
    );
    // An error here, not a refusal or a cancel by the user (README: 2 = I/O error).
    assert_eq!(
        sent.status.code(),
        Some(2),
        "the sender should exit 2 (error), not 1 (refused/cancelled): {}",
        sent.stderr
    );
}

/// The veth interface inside the namespace of host `host`.
fn veth_of(pair: &Pair, host: &str) -> String {
    let out = Command::new("ip")
        .args(["-n", &pair.ns(host), "-o", "link", "show", "type", "veth"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    let name = text
        .split_whitespace()
        .nth(1)
        .and_then(|n| n.trim_end_matches(':').split('@').next())
        .map(str::to_string);
    name.unwrap_or_else(|| panic!("no veth in {}: {text}", pair.ns(host)))
}

/// `IDLE_TIMEOUT` in `src/proto/transfer/deadline.rs`.
const IDLE_TIMEOUT: Duration = Duration::from_secs(30);
const MARGIN: Duration = Duration::from_secs(15);

#[test]
fn a_link_cut_mid_transfer_ends_both_sides_within_the_idle_timeout() {
    let Some(pair) = Pair::up(true, false) else {
        return;
    };
    let work = tempfile::tempdir().unwrap();
    let inbox = work.path().join("inbox");
    let (alice, bob) = (Device::new(), Device::new());
    let source = seeded_file(work.path(), "cut.bin", 32 << 20, 7);
    let mut receiver = pair.command("b", ferry_bin());
    receiver
        .env("FERRY_HOME", bob.path())
        .args(["--no-progress", "--json", "receive", "--yes", "--once"])
        .args(["--listen", "192.0.2.2:0", "--dir"])
        .arg(&inbox);
    let mut receiving = Receiving::spawn(receiver, "listening");
    let mut sender = pair.command("a", ferry_bin());
    sender
        .env("FERRY_HOME", alice.path())
        .args(["--no-progress", "--json", "send", "--limit-rate", "1M"])
        .arg(&source)
        .args(["--to", &bob.device_id, "--peer-addr", &receiving.addr]);
    let sender = Receiving::run(sender);
    receiving.wait_matching("progress", |e| e["bytes"].as_u64() >= Some(2 << 20));

    let veth = veth_of(&pair, "a");
    let status = Command::new("ip")
        .args(["-n", &pair.ns("a"), "link", "set", &veth, "down"])
        .status()
        .unwrap();
    assert!(status.success());
    let cut = Instant::now();
    let limit = IDLE_TIMEOUT + MARGIN;

    let sent = sender.finish(limit + Duration::from_secs(5));
    let sender_after = cut.elapsed();
    let (status, stderr, events) = receiving.wait_exit();
    let receiver_after = cut.elapsed();
    let received = events
        .iter()
        .filter(|e| e["event"] == "progress")
        .filter_map(|e| e["bytes"].as_u64())
        .max()
        .unwrap_or_default();
    eprintln!(
        "link cut after {received} bytes (1 MiB/s): sender ended {:.1} s after the cut (exit \
         {:?}: {}); receiver ended {:.1} s after (exit {:?}: {})",
        sender_after.as_secs_f64(),
        sent.status.code(),
        sent.stderr.trim(),
        receiver_after.as_secs_f64(),
        status.code(),
        stderr.trim()
    );
    assert!(sender_after < limit, "sender took {sender_after:?}");
    assert!(receiver_after < limit, "receiver took {receiver_after:?}");
    assert_eq!(sent.status.code(), Some(2), "sender: {}", sent.stderr);
    assert!(
        sent.stderr.contains("stopped reading for 30s"),
        "sender: {}",
        sent.stderr
    );
    assert_eq!(status.code(), Some(2), "receiver: {stderr}");
    assert!(stderr.contains("went silent for 30s"), "receiver: {stderr}");
    assert!(final_names(&inbox).is_empty(), "{:?}", entries(&inbox));
    assert!(stray_hidden(&inbox).is_empty(), "{:?}", entries(&inbox));
}

/// A file cut short under the sender while it is sent: the send fails (exit 2) saying the
/// source shrank, the receiver is told (a cancel from the peer), and nothing lands under a
/// final name.
#[test]
fn a_file_that_shrinks_while_it_is_sent_fails_clearly_and_keeps_nothing() {
    let work = tempfile::tempdir().unwrap();
    let (alice, bob) = (Device::new(), Device::new());
    let inbox = work.path().join("inbox");
    let mut receiving = Receiving::start(&bob, &inbox, &["--yes", "--once"]);
    let source = random_file(work.path(), "shrinking.bin", 8 << 20);
    // Slow enough (about 4 s in all) that the cut comes well before the reader's end.
    let sending = Receiving::run(send_direct(
        &alice,
        [&source],
        &bob.device_id,
        &receiving.addr,
        &["--limit-rate", "2M"],
    ));
    receiving.wait_for("progress");
    std::fs::OpenOptions::new()
        .write(true)
        .open(&source)
        .unwrap()
        .set_len(0)
        .unwrap();
    let sent = sending.finish(Duration::from_secs(60));
    assert_eq!(sent.status.code(), Some(2), "{}", sent.stderr);
    assert!(
        sent.stderr.contains("the source shrank while being sent"),
        "{}",
        sent.stderr
    );
    let (_, receiver_log, events) = receiving.wait_exit();
    assert!(
        events
            .iter()
            .any(|e| e["event"] == "cancelled" && e["by"] == "peer"),
        "{events:#?}\n{receiver_log}"
    );
    assert!(final_names(&inbox).is_empty(), "{:?}", entries(&inbox));
}
