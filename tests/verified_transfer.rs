//! A file crosses real TCP and TLS on loopback and arrives byte-identical and verified.

use crate::common::*;

#[test]
fn a_100_mib_file_arrives_identical_and_verified() {
    // 100 MiB sent, then hashed twice more and compared whole: CPU-heavy.
    let _machine = alone();
    let work = tempfile::tempdir().unwrap();
    let (alice, bob) = (Device::new(), Device::new());
    let inbox = work.path().join("inbox");
    let source = random_file(work.path(), "payload.bin", 100 << 20);
    let mut receiving = Receiving::start(&bob, &inbox, &["--yes", "--once"]);

    let sent = alice
        .ferry()
        .args(["--json", "send"])
        .arg(&source)
        .args(["--to", &bob.device_id, "--peer-addr", &receiving.addr])
        .output()
        .unwrap();
    assert!(sent.status.success(), "send: {sent:?}");

    let done = receiving.wait_for("done");
    let (status, stderr, _) = receiving.wait_exit();
    assert!(status.success(), "receive: {status:?} {stderr}");

    let expected = python_sha3(&source);
    assert_eq!(done["sha3_256"], expected.as_str());
    let kept = inbox.join("payload.bin");
    assert_eq!(python_sha3(&kept), expected);
    assert!(std::fs::read(&kept).unwrap() == std::fs::read(&source).unwrap());
    assert_eq!(
        entries(&inbox),
        vec!["payload.bin"],
        "no temporary file left"
    );

    // The sender's own `done` event carries the same digest the receiver confirmed.
    let sender_done = String::from_utf8(sent.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .find(|e| e["event"] == "done")
        .expect("sender done event");
    assert_eq!(sender_done["sha3_256"], expected.as_str());
}

#[test]
fn an_existing_file_is_never_overwritten() {
    let work = tempfile::tempdir().unwrap();
    let (alice, bob) = (Device::new(), Device::new());
    let inbox = work.path().join("inbox");
    std::fs::create_dir_all(&inbox).unwrap();
    std::fs::write(inbox.join("notes.txt"), b"precious").unwrap();
    let source = random_file(work.path(), "notes.txt", 4096);
    let mut receiving = Receiving::start(&bob, &inbox, &["--yes"]);
    for _ in 0..2 {
        let status = alice
            .ferry()
            .arg("send")
            .arg(&source)
            .args(["--to", &bob.account_id, "--peer-addr", &receiving.addr])
            .status()
            .unwrap();
        assert!(status.success());
        receiving.wait_for("done");
    }
    assert_eq!(std::fs::read(inbox.join("notes.txt")).unwrap(), b"precious");
    assert_eq!(
        entries(&inbox),
        vec!["notes (1).txt", "notes (2).txt", "notes.txt"]
    );
    assert_eq!(
        std::fs::read(inbox.join("notes (2).txt")).unwrap(),
        std::fs::read(&source).unwrap()
    );
}

#[test]
fn both_sides_record_the_transfer_in_their_history() {
    let work = tempfile::tempdir().unwrap();
    let (alice, bob) = (Device::new(), Device::new());
    let inbox = work.path().join("inbox");
    let source = random_file(work.path(), "kept.bin", 30_000);
    let mut receiving = Receiving::start(&bob, &inbox, &["--yes", "--once"]);
    let sent = alice
        .ferry()
        .arg("send")
        .arg(&source)
        .args(["--to", &bob.device_id, "--peer-addr", &receiving.addr])
        .status()
        .unwrap();
    assert!(sent.success());
    receiving.wait_for("done");
    receiving.wait_exit();
    let history = |d: &Device| -> Vec<serde_json::Value> {
        let out = d.ferry().args(["--json", "history"]).output().unwrap();
        assert!(out.status.success());
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    };
    let (a, b) = (history(&alice), history(&bob));
    assert_eq!((a.len(), b.len()), (1, 1), "{a:?} {b:?}");
    let digest = python_sha3(&source);
    assert_eq!(a[0]["direction"], "sent");
    assert_eq!(b[0]["direction"], "received");
    for entry in [&a[0], &b[0]] {
        assert_eq!(entry["outcome"], "done");
        assert_eq!(entry["sha3_256"], digest.as_str());
        assert_eq!(entry["size"], 30_000);
    }
    assert_eq!(a[0]["conversation"], b[0]["conversation"]);
    assert_eq!(a[0]["interaction"], b[0]["interaction"]);
    assert_eq!(a[0]["peer_device"], bob.device_id.as_str());
    assert!(b[0]["path"].as_str().unwrap().ends_with("kept.bin"));
}

#[test]
fn receive_stdout_writes_the_file_to_standard_output() {
    use std::io::{BufRead, Read};
    let work = tempfile::tempdir().unwrap();
    let (alice, bob) = (Device::new(), Device::new());
    let source = random_file(work.path(), "piped.bin", 3 << 20);
    let mut receiver = bob
        .ferry()
        .args([
            "--json",
            "receive",
            "--listen",
            "127.0.0.1:0",
            "--yes",
            "--once",
            "--stdout",
        ])
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Events go to stderr; the first is where to connect.
    let mut events = std::io::BufReader::new(receiver.stderr.take().unwrap());
    let listening = first_event_of(&mut events, "listening");
    let addr = listening["addr"].as_str().unwrap().to_string();
    let mut stdout = receiver.stdout.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut data = Vec::new();
        stdout.read_to_end(&mut data).unwrap();
        data
    });
    let sent = alice
        .ferry()
        .arg("send")
        .arg(&source)
        .args(["--to", &bob.device_id, "--peer-addr", &addr])
        .output()
        .unwrap();
    assert!(sent.status.success(), "{sent:?}");
    assert!(wait_bounded(&mut receiver, WAIT).success());
    let received = reader.join().unwrap();
    assert!(
        received == std::fs::read(&source).unwrap(),
        "stdout must carry exactly the file"
    );
    let rest: String = events
        .lines()
        .map_while(Result::ok)
        .collect::<Vec<_>>()
        .join("\n");
    assert!(rest.contains("\"event\":\"done\""), "{rest}");
}

/// `date -d @SECS '+%Y-%m-%d %H:%M:%S'` in the zone `tz`: what a person there reads.
fn wall_time(secs: u64, tz: &str) -> String {
    let out = std::process::Command::new("date")
        .env("TZ", tz)
        .arg("-d")
        .arg(format!("@{secs}"))
        .arg("+%Y-%m-%d %H:%M:%S")
        .output()
        .unwrap();
    assert!(out.status.success(), "date: {out:?}");
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}

#[test]
fn history_shows_when_in_local_time_and_json_keeps_the_unix_time() {
    let work = tempfile::tempdir().unwrap();
    let (alice, bob) = (Device::new(), Device::new());
    let inbox = work.path().join("inbox");
    let source = random_file(work.path(), "dated.bin", 1000);
    let mut receiving = Receiving::start(&bob, &inbox, &["--yes", "--once"]);
    let sent = send_direct(&alice, [&source], &bob.device_id, &receiving.addr, &[])
        .status()
        .unwrap();
    assert!(sent.success());
    receiving.wait_for("done");
    receiving.wait_exit();

    for device in [&alice, &bob] {
        let out = device.ferry().args(["--json", "history"]).output().unwrap();
        let records = json_events(&out.stdout);
        assert_eq!(records.len(), 1, "{records:?}");
        let at = records[0]["at"].as_u64().expect("`at` stays a Unix time");
        // A zone half an hour off any whole-hour one; POSIX form where tzdata is missing.
        let india = if std::path::Path::new("/usr/share/zoneinfo/Asia/Kolkata").exists() {
            "Asia/Kolkata"
        } else {
            "IST-5:30"
        };
        let mut seen = Vec::new();
        for tz in ["UTC", india] {
            let out = device
                .ferry()
                .env("TZ", tz)
                .arg("history")
                .output()
                .unwrap();
            assert!(out.status.success(), "{out:?}");
            let line = String::from_utf8(out.stdout).unwrap();
            let expected = wall_time(at, tz);
            assert!(
                line.starts_with(&format!("{expected}  ")),
                "TZ={tz}: expected {expected} (Unix {at}) first in {line:?}"
            );
            seen.push(expected);
        }
        assert_ne!(seen[0], seen[1], "the two zones show different times");
    }
}
