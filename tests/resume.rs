//! Resuming an interrupted transfer from the prefix the receiver kept: only the rest travels,
//! the whole file is verified, and a source that changed meanwhile is sent again in full.

use crate::common;
use crate::common::*;
use ferry::proto::transfer::Header;
use serde_json::Value;
use std::path::{Path, PathBuf};

/// `ferry --json send SOURCE` to `bob` listening on `addr`, with `extra` options.
fn send(alice: &Device, bob: &Device, addr: &str, source: &Path, extra: &[&str]) -> Receiving {
    let mut cmd = send_direct(alice, [source], &bob.device_id, addr, &["--json"]);
    cmd.args(extra);
    Receiving::run(cmd)
}

/// Wait for the receiver's `done`, then for `sender` to succeed; returns that `done` and the
/// sender's events.
fn sent_and_done(sender: Receiving, receiving: &mut Receiving) -> (Value, Vec<Value>) {
    let done = receiving.wait_for("done");
    let sent = sender.finish(WAIT);
    assert!(sent.status.success(), "send: {sent:?}");
    (done, sent.events())
}

/// The one resumable part file in `inbox` (in its private `.ferry-parts/`), and nothing else
/// there.
fn only_part_file(inbox: &Path) -> PathBuf {
    let names = entries(inbox);
    assert_eq!(names, vec![common::procs::PARTS_DIR], "{names:?}");
    let parts = common::procs::part_files(inbox);
    assert_eq!(parts.len(), 1, "{parts:?}");
    let name = parts[0].file_name().unwrap().to_string_lossy().into_owned();
    assert!(
        name.starts_with("resume-") && name.ends_with(".part"),
        "{parts:?}"
    );
    parts[0].clone()
}

/// Start sending `source`, SIGKILL the receiver once it holds half of it; the sender must
/// fail and only a hidden part file may remain. Returns the sender's highest progress figure
/// (events are throttled: a lower bound of what it had sent) and the part file's size.
fn interrupt_at_half(
    alice: &Device,
    bob: &Device,
    inbox: &Path,
    source: &Path,
    extra: &[&str],
) -> (u64, u64) {
    let size = std::fs::metadata(source).unwrap().len();
    let mut receiving = Receiving::start(bob, inbox, &["--yes", "--once"]);
    let sender = send(alice, bob, &receiving.addr, source, extra);
    receiving.wait_matching("progress", |e| e["bytes"].as_u64() >= Some(size / 2));
    receiving.child.kill().unwrap();
    wait_bounded(&mut receiving.child, WAIT);
    let out = sender.finish(WAIT);
    assert!(!out.status.success(), "the sender must fail: {out:?}");
    assert!(out.stderr.contains("error"), "{}", out.stderr);
    let events = out.events();
    assert!(events.iter().all(|e| e["event"] != "done"), "{events:#?}");
    let have = std::fs::metadata(only_part_file(inbox)).unwrap().len();
    let progress = events
        .iter()
        .filter(|e| e["event"] == "progress")
        .filter_map(|e| e["bytes"].as_u64())
        .max()
        .unwrap_or(0);
    (progress, have)
}

/// Send `source` to a fresh receiver on `inbox`; returns the sender's events, checking that
/// the file kept is the source (by Python's SHA3) and that nothing else is left.
fn send_to_completion(alice: &Device, bob: &Device, inbox: &Path, source: &Path) -> Vec<Value> {
    let size = std::fs::metadata(source).unwrap().len();
    let mut receiving = Receiving::start(bob, inbox, &["--yes", "--once"]);
    let sender = send(alice, bob, &receiving.addr, source, &[]);
    let (done, events) = sent_and_done(sender, &mut receiving);
    let (status, stderr, _) = receiving.wait_exit();
    assert!(status.success(), "receive: {stderr}");

    let name = source.file_name().unwrap().to_str().unwrap();
    assert_eq!(entries(inbox), vec![name], "nothing hidden left");
    let expected = python_sha3(source);
    assert_eq!(python_sha3(&inbox.join(name)), expected);
    assert_eq!(done["sha3_256"], expected.as_str());
    assert_eq!(done["size"], size);
    // Progress counts the resumed prefix once: never beyond the file, ending at its size.
    let progress: Vec<u64> = events
        .iter()
        .filter(|e| e["event"] == "progress")
        .map(|e| e["bytes"].as_u64().unwrap())
        .collect();
    assert!(progress.iter().all(|&b| b <= size), "{progress:?}");
    assert_eq!(progress.last(), Some(&size), "{progress:?}");
    events
}

fn bytes_sent(events: &[Value]) -> u64 {
    only_event(events, "done")["bytes_sent"]
        .as_u64()
        .expect("bytes_sent")
}

#[test]
fn a_killed_receiver_resumes_from_its_verified_prefix() {
    // 1 GiB written, sent and hashed one and a half times on each side: the heaviest test.
    let _machine = alone();
    let work = tempfile::tempdir().unwrap();
    let (alice, bob) = (Device::new(), Device::new());
    let inbox = work.path().join("inbox");
    let size: u64 = 1 << 30;
    let source = random_file(work.path(), "payload.bin", size as usize);

    let (first, have) = interrupt_at_half(&alice, &bob, &inbox, &source, &[]);
    assert!(have >= size / 2 - (8 << 20) && have < size, "held {have}");

    let events = send_to_completion(&alice, &bob, &inbox, &source);
    let second = bytes_sent(&events);
    eprintln!(
        "resume of {size} bytes: first run: the sender's last progress event said {first} bytes \
         sent when the receiver was killed, which had kept {have}; second run sent {second} bytes"
    );
    assert_eq!(
        second + have,
        size,
        "only what the receiver lacked travelled"
    );
    assert!(second < size / 2 + (8 << 20), "{second}");
    assert_eq!(only_event(&events, "done")["size"], size);
}

#[test]
fn a_source_changed_since_the_break_is_sent_again_in_full() {
    let work = tempfile::tempdir().unwrap();
    let (alice, bob) = (Device::new(), Device::new());
    let inbox = work.path().join("inbox");
    let size: u64 = 64 << 20;
    let source = random_file(work.path(), "changing.bin", size as usize);
    let before = python_sha3(&source);

    let (_, have) = interrupt_at_half(&alice, &bob, &inbox, &source, &["--limit-rate", "16M"]);
    assert!(have > 4096, "held {have}");

    // One byte of the part the receiver holds changes: its prefix no longer matches.
    let mut data = std::fs::read(&source).unwrap();
    data[1000] ^= 0x5a;
    std::fs::write(&source, &data).unwrap();
    assert_ne!(python_sha3(&source), before);

    let events = send_to_completion(&alice, &bob, &inbox, &source);
    let sent = bytes_sent(&events);
    eprintln!("changed source of {size} bytes (receiver held {have}): sent {sent} bytes");
    assert_eq!(sent, size, "a differing prefix is not reused");
}

#[test]
fn a_sender_that_stops_mid_body_leaves_a_prefix_the_next_send_resumes() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let work = tempfile::tempdir().unwrap();
    let (alice, bob) = (Device::new(), Device::new());
    let inbox = work.path().join("inbox");
    let size = (3 << 20) + 17;
    let source = random_file(work.path(), "doc.bin", size);
    let data = std::fs::read(&source).unwrap();
    let half = size / 2;
    let mut receiving = Receiving::start(&bob, &inbox, &["--yes"]);

    // As alice, over real TLS: offer the file, send half of it, close cleanly (close_notify).
    let answer = block_on(async {
        let mut tls = raw_tls(&alice, &receiving.addr).await;
        let header = Header {
            size: Some(size as u64),
            name: "doc.bin".into(),
            transfer_id: "c0ffee".into(),
            ..Header::default()
        };
        tls.write_all(&header.encode()).await.unwrap();
        let mut go = [0u8; 3];
        tls.read_exact(&mut go).await.unwrap();
        for piece in data[..half].chunks(100_000) {
            tls.write_all(b"D").await.unwrap();
            tls.write_all(&(piece.len() as u32).to_be_bytes())
                .await
                .unwrap();
            tls.write_all(piece).await.unwrap();
        }
        tls.shutdown().await.unwrap();
        let mut rest = Vec::new();
        let _ = tokio::time::timeout(WAIT, tls.read_to_end(&mut rest)).await;
        go.to_vec()
    });
    assert_eq!(answer, b"GO\n");
    let err = receiving.wait_for("error");
    assert!(
        err["reason"]
            .as_str()
            .unwrap()
            .contains(&format!("{half} of {size} bytes")),
        "{err}"
    );
    let part = only_part_file(&inbox);
    assert_eq!(std::fs::read(&part).unwrap(), &data[..half]);

    // The next send of the same file by the same account picks up there.
    let sender = send(&alice, &bob, &receiving.addr, &source, &[]);
    let (done, events) = sent_and_done(sender, &mut receiving);
    assert_eq!(bytes_sent(&events), (size - half) as u64);
    assert_eq!(done["sha3_256"], python_sha3(&source).as_str());
    assert!(std::fs::read(inbox.join("doc.bin")).unwrap() == data);
    assert_eq!(entries(&inbox), vec!["doc.bin"]);
    assert!(receiving.still_running());
}
