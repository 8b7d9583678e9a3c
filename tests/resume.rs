//! Resuming an interrupted transfer from the prefix the receiver kept: only the rest travels,
//! the whole file is verified, and a source that changed meanwhile is sent again in full.

mod common;
use common::*;
use ferry::proto::transfer::Header;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};

fn events_of(stdout: &[u8]) -> Vec<Value> {
    String::from_utf8_lossy(stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON {l:?}: {e}")))
        .collect()
}

fn send(alice: &Device, bob: &Device, addr: &str, source: &Path, extra: &[&str]) -> Child {
    alice
        .ferry()
        .args(["--json", "send"])
        .args(extra)
        .arg(source)
        .args(["--to", &bob.device_id, "--peer-addr", addr])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

/// The one hidden part file in `inbox`, and nothing else there.
fn only_part_file(inbox: &Path) -> PathBuf {
    let names = entries(inbox);
    assert_eq!(names.len(), 1, "{names:?}");
    assert!(
        names[0].starts_with('.') && names[0].ends_with(".ferry-part"),
        "{names:?}"
    );
    inbox.join(&names[0])
}

/// Start sending `source`, SIGKILL the receiver once it holds half of it; the sender must
/// fail and only a hidden part file may remain. Returns the sender's highest progress figure
/// (events are throttled: a lower bound of what it had sent).
fn interrupt_at_half(
    alice: &Device,
    bob: &Device,
    inbox: &Path,
    source: &Path,
    extra: &[&str],
) -> u64 {
    let size = std::fs::metadata(source).unwrap().len();
    let mut receiving = Receiving::start(bob, inbox, &["--yes", "--once"]);
    let mut sender = send(alice, bob, &receiving.addr, source, extra);
    receiving.wait_matching("progress", |e| e["bytes"].as_u64() >= Some(size / 2));
    receiving.child.kill().unwrap();
    wait_bounded(&mut receiving.child, WAIT);
    wait_bounded(&mut sender, WAIT);
    let out = sender.wait_with_output().unwrap();
    assert!(!out.status.success(), "the sender must fail: {out:?}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("error"), "{stderr}");
    let events = events_of(&out.stdout);
    assert!(events.iter().all(|e| e["event"] != "done"), "{events:#?}");
    only_part_file(inbox);
    events
        .iter()
        .filter(|e| e["event"] == "progress")
        .filter_map(|e| e["bytes"].as_u64())
        .max()
        .unwrap_or(0)
}

/// Send `source` to a fresh receiver on `inbox`; returns the sender's events, checking that
/// the file kept is the source (by Python's SHA3) and that nothing else is left.
fn send_to_completion(alice: &Device, bob: &Device, inbox: &Path, source: &Path) -> Vec<Value> {
    let size = std::fs::metadata(source).unwrap().len();
    let mut receiving = Receiving::start(bob, inbox, &["--yes", "--once"]);
    let mut sender = send(alice, bob, &receiving.addr, source, &[]);
    let done = receiving.wait_for("done");
    wait_bounded(&mut sender, WAIT);
    let out = sender.wait_with_output().unwrap();
    assert!(out.status.success(), "send: {out:?}");
    let (status, stderr, _) = receiving.wait_exit();
    assert!(status.success(), "receive: {stderr}");

    let name = source.file_name().unwrap().to_str().unwrap();
    assert_eq!(entries(inbox), vec![name], "nothing hidden left");
    let expected = python_sha3(source);
    assert_eq!(python_sha3(&inbox.join(name)), expected);
    assert_eq!(done["sha3_256"], expected.as_str());
    assert_eq!(done["size"], size);
    let events = events_of(&out.stdout);
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
    let done: Vec<_> = events.iter().filter(|e| e["event"] == "done").collect();
    assert_eq!(done.len(), 1, "{events:#?}");
    done[0]["bytes_sent"].as_u64().expect("bytes_sent")
}

#[test]
fn a_killed_receiver_resumes_from_its_verified_prefix() {
    let work = tempfile::tempdir().unwrap();
    let (alice, bob) = (Device::new(), Device::new());
    let inbox = work.path().join("inbox");
    let size: u64 = 1 << 30;
    let source = random_file(work.path(), "payload.bin", size as usize);

    let first = interrupt_at_half(&alice, &bob, &inbox, &source, &[]);
    let have = std::fs::metadata(only_part_file(&inbox)).unwrap().len();
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
    let done = events.iter().find(|e| e["event"] == "done").unwrap();
    assert_eq!(done["size"], size);
}

#[test]
fn a_source_changed_since_the_break_is_sent_again_in_full() {
    let work = tempfile::tempdir().unwrap();
    let (alice, bob) = (Device::new(), Device::new());
    let inbox = work.path().join("inbox");
    let size: u64 = 64 << 20;
    let source = random_file(work.path(), "changing.bin", size as usize);
    let before = python_sha3(&source);

    interrupt_at_half(&alice, &bob, &inbox, &source, &["--limit-rate", "16M"]);
    let have = std::fs::metadata(only_part_file(&inbox)).unwrap().len();
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
    let mut sender = send(&alice, &bob, &receiving.addr, &source, &[]);
    let done = receiving.wait_for("done");
    wait_bounded(&mut sender, WAIT);
    let out = sender.wait_with_output().unwrap();
    assert!(out.status.success(), "{out:?}");
    let events = events_of(&out.stdout);
    assert_eq!(bytes_sent(&events), (size - half) as u64);
    assert_eq!(done["sha3_256"], python_sha3(&source).as_str());
    assert!(std::fs::read(inbox.join("doc.bin")).unwrap() == data);
    assert_eq!(entries(&inbox), vec!["doc.bin"]);
    assert!(receiving.still_running());
}
