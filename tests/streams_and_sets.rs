//! `send -` (a stream of unknown size), `receive --stdout`, and sets (`send DIR FILE`) through
//! the real binary on loopback; hostile set entries written by hand over real TLS.

use crate::common::*;
use ferry::proto::transfer::{sha3_256, EntryKind, Header};
use serde_json::Value;
use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

/// `ferry --json send -` to `to` listening on `addr`, its standard input a pipe to write to.
fn send_stdin(from: &Device, to: &Device, addr: &str, stdout: Stdio) -> Child {
    send_direct(from, ["-"], &to.device_id, addr, &["--json"])
        .stdin(Stdio::piped())
        .stdout(stdout)
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

/// Every path under `dir` (relative, sorted), hidden ones included, without following links.
fn tree(dir: &Path) -> Vec<String> {
    fn walk(root: &Path, dir: &Path, out: &mut Vec<String>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            out.push(path.strip_prefix(root).unwrap().display().to_string());
            if path.symlink_metadata().unwrap().is_dir() {
                walk(root, &path, out);
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, dir, &mut out);
    out.sort();
    out
}

#[test]
fn send_stdin_arrives_verified_with_an_unknown_size() {
    let work = tempfile::tempdir().unwrap();
    let (alice, bob) = (Device::new(), Device::new());
    let inbox = work.path().join("inbox");
    // Not a multiple of the record size, so the stream ends mid-record.
    let len = (3 << 20) + 12_345;
    let source = random_file(work.path(), "source.bin", len);
    let mut receiving = Receiving::start(&bob, &inbox, &["--yes", "--once"]);

    let mut sender = send_stdin(&alice, &bob, &receiving.addr, Stdio::piped());
    let mut stdin = sender.stdin.take().unwrap();
    let data = std::fs::read(&source).unwrap();
    let feeder = std::thread::spawn(move || {
        // In pieces, as a producer in a pipe would write them.
        for piece in data.chunks(100_000) {
            stdin.write_all(piece).unwrap();
        }
    });
    let offer = receiving.wait_for("offer");
    assert_eq!(offer.get("size"), Some(&Value::Null), "{offer}");
    assert_eq!(offer["name"], "stdin");
    let done = receiving.wait_for("done");
    feeder.join().unwrap();
    wait_bounded(&mut sender, WAIT);
    let sent = sender.wait_with_output().unwrap();
    assert!(sent.status.success(), "send: {sent:?}");
    let (status, stderr, _) = receiving.wait_exit();
    assert!(status.success(), "receive: {stderr}");

    let expected = python_sha3(&source);
    let kept = inbox.join("stdin");
    assert_eq!(done["sha3_256"], expected.as_str());
    assert_eq!(done["size"], len as u64);
    assert_eq!(done["path"], kept.display().to_string().as_str());
    assert_eq!(python_sha3(&kept), expected);
    assert!(std::fs::read(&kept).unwrap() == std::fs::read(&source).unwrap());
    assert_eq!(entries(&inbox), vec!["stdin"], "no temporary file left");

    let events = json_events(&sent.stdout);
    // `get`, not indexing: an absent `size` would read as null too.
    assert_eq!(only_event(&events, "offer").get("size"), Some(&Value::Null));
    let sender_done = only_event(&events, "done");
    assert_eq!(sender_done["sha3_256"], expected.as_str());
    assert_eq!(sender_done["size"], len as u64);
    assert_eq!(sender_done["bytes_sent"], len as u64);
}

#[test]
fn send_dash_into_receive_stdout_is_a_byte_exact_pipe() {
    let work = tempfile::tempdir().unwrap();
    let (alice, bob) = (Device::new(), Device::new());
    let source = random_file(work.path(), "in.bin", (5 << 20) + 7);
    let out = work.path().join("out.bin");
    let mut receiver = bob
        .ferry()
        .args(["--json", "receive", "--listen", "127.0.0.1:0"])
        .args(["--yes", "--once", "--stdout"])
        .stdin(Stdio::null())
        .stdout(std::fs::File::create(&out).unwrap())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut events = std::io::BufReader::new(receiver.stderr.take().unwrap());
    let listening = first_event_of(&mut events, "listening");
    let addr = listening["addr"].as_str().unwrap().to_string();

    // A real shell pipeline on the sending side: `cat FILE | ferry send -`.
    let sent = Command::new("sh")
        .args([
            "-c",
            r#"cat "$1" | "$2" --no-progress send - --to "$3" --peer-addr "$4""#,
            "sh",
        ])
        .arg(&source)
        .args([ferry_bin(), bob.device_id.as_str(), addr.as_str()])
        .env("FERRY_HOME", alice.path())
        .output()
        .unwrap();
    assert!(sent.status.success(), "{sent:?}");
    let status = wait_bounded(&mut receiver, WAIT);
    assert!(status.success(), "receive: {status:?}");

    assert!(
        std::fs::read(&out).unwrap() == std::fs::read(&source).unwrap(),
        "stdout must carry exactly the stream"
    );
    let rest: Vec<Value> = events
        .lines()
        .map_while(Result::ok)
        .map(|l| serde_json::from_str(&l).unwrap())
        .collect();
    let expected = python_sha3(&source);
    assert_eq!(python_sha3(&out), expected);
    let done = only_event(&rest, "done");
    assert_eq!(done["sha3_256"], expected.as_str());
    assert_eq!(only_event(&rest, "offer").get("size"), Some(&Value::Null));
}

#[test]
fn a_stream_goes_out_as_it_comes_and_ctrl_c_stops_a_silent_one() {
    let work = tempfile::tempdir().unwrap();
    let (alice, bob) = (Device::new(), Device::new());
    let inbox = work.path().join("inbox");
    let mut receiving = Receiving::start(&bob, &inbox, &["--yes", "--once"]);
    let mut sender = send_stdin(&alice, &bob, &receiving.addr, Stdio::null());
    let mut stdin = sender.stdin.take().unwrap();
    stdin.write_all(&[7u8; 1000]).unwrap();
    stdin.flush().unwrap();
    // The producer pauses with its pipe open: what it wrote so far still arrives...
    receiving.wait_matching("progress", |e| e["bytes"].as_u64() >= Some(1000));
    // ...and Ctrl-C stops the sender waiting for more, telling the receiver.
    ctrl_c_sender_cancels_both_sides(&mut sender, receiving, &inbox);
    drop(stdin);
}

/// A tree with nested dirs, an empty dir, a dotfile, a link inside the tree, a link to a file
/// outside it and a dangling link; returns the files expected to arrive, relative to `work`,
/// with the file each should equal.
fn build_tree(work: &Path) -> Vec<(String, PathBuf)> {
    let src = work.join("src");
    let build = src.join("build");
    std::fs::create_dir_all(build.join("lib/deep/er")).unwrap();
    std::fs::create_dir_all(build.join("empty")).unwrap();
    random_file(&build, "README", 1000);
    random_file(&build, ".hidden", 333);
    random_file(&build.join("lib"), "a.bin", (2 << 20) + 3);
    random_file(&build.join("lib/deep/er"), "c.txt", 0);
    std::os::unix::fs::symlink("lib/a.bin", build.join("link-in")).unwrap();
    std::fs::write(
        work.join("outside-secret.txt"),
        b"must not leave this machine",
    )
    .unwrap();
    std::os::unix::fs::symlink("../../outside-secret.txt", build.join("link-out")).unwrap();
    std::os::unix::fs::symlink("nowhere", build.join("dangling")).unwrap();
    vec![
        ("build/.hidden".into(), build.join(".hidden")),
        ("build/README".into(), build.join("README")),
        ("build/lib/a.bin".into(), build.join("lib/a.bin")),
        (
            "build/lib/deep/er/c.txt".into(),
            build.join("lib/deep/er/c.txt"),
        ),
        ("build/link-in".into(), build.join("lib/a.bin")),
    ]
}

/// Send the tree [`build_tree`] made in `work` to `receiving`, bob's; wait for its `done`.
fn send_tree(alice: &Device, bob: &Device, work: &Path, receiving: &mut Receiving) {
    let sent = send_direct(
        alice,
        [work.join("src/build")],
        &bob.device_id,
        &receiving.addr,
        &[],
    )
    .output()
    .unwrap();
    assert!(sent.status.success(), "send: {sent:?}");
    // The summary that ends a set's send, on stderr: the link out of the tree and the dangling
    // one are the two paths left out.
    let said = String::from_utf8_lossy(&sent.stderr);
    assert!(
        said.contains("sent, each file verified by the receiver; 2 path(s) skipped"),
        "{said}"
    );
    receiving.wait_for("done");
}

/// Every file [`build_tree`] listed, kept byte for byte in `inbox` under `top` (its `build`).
fn assert_tree_kept(inbox: &Path, top: &str, expected: &[(String, PathBuf)]) {
    for (relative, source) in expected {
        let kept = inbox.join(relative.replacen("build", top, 1));
        assert!(
            std::fs::read(&kept).unwrap() == std::fs::read(source).unwrap(),
            "{kept:?}"
        );
    }
}

#[test]
fn a_tree_and_a_file_arrive_as_one_verified_set() {
    let work = tempfile::tempdir().unwrap();
    let (alice, bob) = (Device::new(), Device::new());
    let inbox = work.path().join("inbox");
    let mut expected = build_tree(work.path());
    let extra = random_file(&work.path().join("src"), "extra.bin", 70_000);
    expected.push(("extra.bin".into(), extra.clone()));
    let total: u64 = expected
        .iter()
        .map(|(_, p)| std::fs::metadata(p).unwrap().len())
        .sum();
    let receiving = Receiving::start(&bob, &inbox, &["--yes", "--once"]);

    let sent = send_direct(
        &alice,
        [work.path().join("src/build"), extra],
        &bob.device_id,
        &receiving.addr,
        &["--json"],
    )
    .output()
    .unwrap();
    assert!(sent.status.success(), "send: {sent:?}");
    let (status, stderr, rx_events) = receiving.wait_exit();
    assert!(status.success(), "receive: {stderr}");

    // Every file byte-identical where it belongs; the empty dir is there; no link is a link.
    for (relative, source) in &expected {
        let kept = inbox.join(relative);
        let meta = kept.symlink_metadata().unwrap();
        assert!(meta.is_file(), "{relative} is not a regular file");
        assert!(
            std::fs::read(&kept).unwrap() == std::fs::read(source).unwrap(),
            "{relative} differs"
        );
    }
    assert!(std::fs::read_dir(inbox.join("build/empty"))
        .unwrap()
        .next()
        .is_none());
    let mut arrived = tree(&inbox);
    arrived.retain(|p| inbox.join(p).symlink_metadata().unwrap().is_file());
    let mut wanted: Vec<String> = expected.iter().map(|(r, _)| r.clone()).collect();
    wanted.sort();
    assert_eq!(
        arrived, wanted,
        "exactly the expected files, and nothing hidden"
    );
    assert_eq!(entries(&inbox), vec!["build", "extra.bin"]);
    assert_eq!(
        tree(&inbox),
        [
            "build",
            "build/.hidden",
            "build/README",
            "build/empty",
            "build/lib",
            "build/lib/a.bin",
            "build/lib/deep",
            "build/lib/deep/er",
            "build/lib/deep/er/c.txt",
            "build/link-in",
            "extra.bin",
        ]
    );

    // `entry` events on both sides: one per file, digests as Python computes them.
    let tx_events = json_events(&sent.stdout);
    for (side, events, path_of) in [
        (
            "sender",
            &tx_events,
            Box::new(|r: &str| r.to_string()) as Box<dyn Fn(&str) -> String>,
        ),
        (
            "receiver",
            &rx_events,
            Box::new(|r: &str| inbox.join(r).display().to_string()),
        ),
    ] {
        let got: Vec<_> = events.iter().filter(|e| e["event"] == "entry").collect();
        assert_eq!(got.len(), expected.len(), "{side}: {got:#?}");
        for (relative, source) in &expected {
            let event = got
                .iter()
                .find(|e| e["path"] == path_of(relative).as_str())
                .unwrap_or_else(|| panic!("{side}: no entry event for {relative}: {got:#?}"));
            assert_eq!(event["sha3_256"], python_sha3(source).as_str(), "{side}");
            assert_eq!(event["size"], std::fs::metadata(source).unwrap().len());
        }
    }

    // The sender said what it left out, and nothing of it arrived.
    let skipped: Vec<String> = tx_events
        .iter()
        .filter(|e| e["event"] == "skipped")
        .map(|e| e["path"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(skipped.len(), 2, "{skipped:?}");
    assert!(
        skipped.iter().any(|p| p.ends_with("link-out")),
        "{skipped:?}"
    );
    assert!(
        skipped.iter().any(|p| p.ends_with("dangling")),
        "{skipped:?}"
    );
    for p in tree(&inbox) {
        let path = inbox.join(&p);
        if path.is_file() {
            assert_ne!(
                std::fs::read(&path).unwrap(),
                b"must not leave this machine"
            );
        }
    }

    // One digest for the whole set, the same on both sides; every byte travelled once.
    let tx_done = only_event(&tx_events, "done");
    let rx_done = only_event(&rx_events, "done");
    assert_eq!(tx_done["sha3_256"], rx_done["sha3_256"]);
    assert_eq!(tx_done["size"], total);
    assert_eq!(rx_done["size"], total);
    assert_eq!(tx_done["bytes_sent"], total);
    assert_eq!(only_event(&rx_events, "offer")["size"], total);
}

#[test]
fn the_same_directory_sent_twice_arrives_under_two_names() {
    let work = tempfile::tempdir().unwrap();
    let (alice, bob) = (Device::new(), Device::new());
    let inbox = work.path().join("inbox");
    let expected = build_tree(work.path());
    let mut receiving = Receiving::start(&bob, &inbox, &["--yes"]);
    for _ in 0..2 {
        send_tree(&alice, &bob, work.path(), &mut receiving);
    }
    assert_eq!(entries(&inbox), vec!["build", "build (1)"]);
    for top in ["build", "build (1)"] {
        assert_tree_kept(&inbox, top, &expected);
        assert!(inbox.join(top).join("empty").is_dir());
    }
    assert!(receiving.still_running());
}

#[test]
fn odd_names_in_a_set_arrive_made_safe_and_both_sides_agree_on_them() {
    let work = tempfile::tempdir().unwrap();
    let (alice, bob) = (Device::new(), Device::new());
    let inbox = work.path().join("inbox");
    let odd = work.path().join("odd");
    std::fs::create_dir_all(odd.join("sub\x1bdir")).unwrap();
    std::fs::write(odd.join("tab\there"), b"1").unwrap();
    std::fs::write(odd.join("new\nline"), b"22").unwrap();
    std::fs::write(odd.join("sub\x1bdir/.dot"), b"333").unwrap();
    let receiving = Receiving::start(&bob, &inbox, &["--yes", "--once"]);
    let sent = send_direct(&alice, [&odd], &bob.device_id, &receiving.addr, &["--json"])
        .output()
        .unwrap();
    assert!(sent.status.success(), "send: {sent:?}");
    let (status, stderr, rx_events) = receiving.wait_exit();
    assert!(status.success(), "receive: {stderr}");

    let safe = ["odd/new_line", "odd/sub_dir/.dot", "odd/tab_here"];
    for (relative, data) in safe.iter().zip([&b"22"[..], b"333", b"1"]) {
        assert_eq!(
            std::fs::read(inbox.join(relative)).unwrap(),
            data,
            "{relative}"
        );
    }
    let tx_events = json_events(&sent.stdout);
    let paths = |events: &[Value]| -> Vec<String> {
        let mut paths: Vec<String> = events
            .iter()
            .filter(|e| e["event"] == "entry")
            .map(|e| e["path"].as_str().unwrap().to_string())
            .collect();
        paths.sort();
        paths
    };
    assert_eq!(paths(&tx_events), safe);
    let in_inbox: Vec<String> = safe
        .iter()
        .map(|r| inbox.join(r).display().to_string())
        .collect();
    assert_eq!(paths(&rx_events), in_inbox);
    assert_eq!(
        only_event(&tx_events, "done")["sha3_256"],
        only_event(&rx_events, "done")["sha3_256"],
        "both sides name the set's files alike"
    );
}

// ---- Hostile sets over real TLS ---------------------------------------------------------------

/// Connect to the receiver as `device` over TLS, offer `header`, wait for `GO`, send `body`,
/// and return everything the receiver answered until it closed.
fn raw_set(device: &Device, addr: &str, header: Vec<u8>, body: Vec<u8>) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    block_on(async {
        let mut tls = raw_tls(device, addr).await;
        tls.write_all(&header).await.unwrap();
        let mut go = [0u8; 3];
        tls.read_exact(&mut go).await.unwrap();
        assert_eq!(&go, b"GO\n");
        let _ = tls.write_all(&body).await;
        let _ = tls.flush().await;
        let mut answer = go.to_vec();
        let _ = tokio::time::timeout(WAIT, tls.read_to_end(&mut answer)).await;
        String::from_utf8_lossy(&answer).into_owned()
    })
}

fn set_offer(entries: u64, size: u64) -> Vec<u8> {
    Header {
        size: Some(size),
        name: "loot".into(),
        transfer_id: "bad5e7".into(),
        entries: Some(entries),
        ..Header::default()
    }
    .encode()
}

/// An entry's header, records and end record (digest of what is sent).
fn entry(name: &str, declared: u64, kind: EntryKind, data: &[u8]) -> Vec<u8> {
    let mut out = Header {
        size: Some(declared),
        name: name.into(),
        transfer_id: "bad5e7".into(),
        kind,
        ..Header::default()
    }
    .encode();
    if !data.is_empty() {
        out.push(b'D');
        out.extend_from_slice(&(data.len() as u32).to_be_bytes());
        out.extend_from_slice(data);
    }
    out.push(b'E');
    out.extend_from_slice(&sha3_256(data));
    out
}

#[test]
fn a_set_cannot_plant_hidden_names_in_the_download_dir() {
    let work = tempfile::tempdir().unwrap();
    let (alice, bob) = (Device::new(), Device::new());
    let inbox = work.path().join("inbox");
    let mut receiving = Receiving::start(&bob, &inbox, &["--yes"]);
    let mut body = entry(".bashrc", 4, EntryKind::File, b"evil");
    body.extend(entry(".ssh", 0, EntryKind::Directory, b""));
    body.extend(entry(".ssh/authorized_keys", 3, EntryKind::File, b"key"));
    body.extend(entry("tree/.gitignore", 1, EntryKind::File, b"*"));
    let answer = raw_set(&alice, &receiving.addr, set_offer(4, 8), body);
    assert_eq!(answer.matches("OK ").count(), 4, "{answer:?}");
    receiving.wait_for("done");
    // As for single files, top-level names lose their leading dots; inside a tree, names stay.
    assert_eq!(entries(&inbox), vec!["bashrc", "ssh", "tree"]);
    assert_eq!(std::fs::read(inbox.join("bashrc")).unwrap(), b"evil");
    assert_eq!(
        std::fs::read(inbox.join("ssh/authorized_keys")).unwrap(),
        b"key"
    );
    assert_eq!(std::fs::read(inbox.join("tree/.gitignore")).unwrap(), b"*");
}

#[test]
fn hostile_set_entries_are_refused_and_leave_nothing_anywhere() {
    let work = tempfile::tempdir().unwrap();
    let (alice, bob) = (Device::new(), Device::new());
    let inbox = work.path().join("deep/inbox");
    let mut receiving = Receiving::start(&bob, &inbox, &["--yes"]);
    let before_outside = tree(work.path());

    // Each case: a verified first entry (so something is already on disk), then the hostile
    // one, then a last entry that must never be reached.
    let good = entry("loot/ok.txt", 5, EntryKind::File, b"fine!");
    let nested = {
        let mut head = Header {
            size: Some(0),
            name: "loot/inner".into(),
            transfer_id: "bad5e7".into(),
            entries: Some(1),
            ..Header::default()
        }
        .encode();
        head.push(b'E');
        head.extend_from_slice(&sha3_256(b""));
        head
    };
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        (
            "../escape",
            entry("../escape", 4, EntryKind::File, b"evil"),
            "`.` or `..` in the path",
        ),
        (
            "/abs",
            entry("/ferry-test-abs", 4, EntryKind::File, b"evil"),
            "an absolute path",
        ),
        (
            "a/../../b",
            entry("a/../../b", 4, EntryKind::File, b"evil"),
            "`.` or `..` in the path",
        ),
        (
            "a directory escaping",
            entry("..", 0, EntryKind::Directory, b""),
            "`.` or `..` in the path",
        ),
        ("a nested set", nested, "sets do not nest"),
        (
            "more bytes than the entry declared",
            entry("loot/big", 4, EntryKind::File, b"0123456789"),
            "more than it declared: 10 bytes of 4",
        ),
        (
            "more bytes than the set declared",
            entry("loot/huge", 1 << 40, EntryKind::File, b""),
            "the set carries more than it declared",
        ),
    ];
    for (what, hostile, why) in cases {
        let mut body = good.clone();
        body.extend(hostile);
        body.extend(entry("loot/never", 1, EntryKind::File, b"n"));
        let answer = raw_set(&alice, &receiving.addr, set_offer(3, 20), body);
        let ok_line = format!("OK {}\n", hex::encode(sha3_256(b"fine!")));
        assert!(
            answer.starts_with(&format!("GO\n{ok_line}")),
            "{what}: {answer:?}"
        );
        assert!(answer.contains("\nERR "), "{what}: {answer:?}");
        assert!(answer.contains(why), "{what}: {answer:?}");
        let err = receiving.wait_for("error");
        let reason = err["reason"].as_str().unwrap();
        assert!(reason.contains(why), "{what}: {reason}");
        assert!(receiving.still_running(), "{what}: the receiver stopped");
        assert_eq!(
            entries(&inbox),
            Vec::<String>::new(),
            "{what}: left in the inbox"
        );
        assert_eq!(tree(work.path()), before_outside, "{what}: written outside");
        assert!(!Path::new("/ferry-test-abs").exists());
    }
    assert!(receiving.seen.iter().all(|e| e["event"] != "done"));

    // Still up: a real set goes through.
    let expected = build_tree(work.path());
    send_tree(&alice, &bob, work.path(), &mut receiving);
    assert_tree_kept(&inbox, "build", &expected);
    assert_eq!(entries(&inbox), vec!["build"]);
}

/// Mode bits (`0o777`) and modification time of `path`, as `ls -l --time-style=full-iso` shows.
fn mode_and_time(path: &Path) -> (u32, std::time::SystemTime) {
    use std::os::unix::fs::PermissionsExt;
    let meta = path.symlink_metadata().unwrap();
    (meta.permissions().mode() & 0o777, meta.modified().unwrap())
}

/// Give `path` (a file or a directory) the modification time `secs.nanos` after the epoch.
fn set_mtime(path: &Path, secs: u64, nanos: u32) {
    let time = std::time::UNIX_EPOCH + std::time::Duration::new(secs, nanos);
    std::fs::File::open(path)
        .unwrap()
        .set_modified(time)
        .unwrap();
}

#[test]
fn a_set_and_a_single_file_keep_their_modes_and_times() {
    use std::os::unix::fs::PermissionsExt;
    let work = tempfile::tempdir().unwrap();
    let (alice, bob) = (Device::new(), Device::new());
    let inbox = work.path().join("inbox");
    let proj = work.path().join("proj");
    std::fs::create_dir_all(proj.join("sub/deeper")).unwrap();
    let chmod = |path: &Path, mode: u32| {
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap()
    };
    std::fs::write(proj.join("run.sh"), "#!/bin/sh\necho ran\n").unwrap();
    chmod(&proj.join("run.sh"), 0o755);
    set_mtime(&proj.join("run.sh"), 1_234_567_890, 500_000_000);
    std::fs::write(proj.join("notes.txt"), b"old notes").unwrap();
    chmod(&proj.join("notes.txt"), 0o644);
    // 2001-09-09 01:46:40 UTC.
    set_mtime(&proj.join("notes.txt"), 1_000_000_000, 0);
    std::fs::write(proj.join("sub/private.key"), b"k").unwrap();
    // Tighter than any umask makes: the exact bits travel, not the receiver's defaults.
    chmod(&proj.join("sub/private.key"), 0o600);
    set_mtime(&proj.join("sub/private.key"), 1_100_000_000, 0);
    // Writable by all there: here the receiver's umask applies, as tar does for a user.
    std::fs::write(proj.join("sub/shared.txt"), b"s").unwrap();
    chmod(&proj.join("sub/shared.txt"), 0o666);
    // setuid is never carried.
    std::fs::write(proj.join("sub/tool"), b"t").unwrap();
    chmod(&proj.join("sub/tool"), 0o4750);
    // Directories last, their contents being in place.
    set_mtime(&proj.join("sub/deeper"), 1_150_000_000, 0);
    set_mtime(&proj.join("sub"), 1_200_000_000, 0);
    set_mtime(&proj, 1_300_000_000, 0);
    let single = work.path().join("deploy.sh");
    std::fs::write(&single, "#!/bin/sh\n").unwrap();
    chmod(&single, 0o750);
    set_mtime(&single, 1_000_000_123, 0);

    let mut receiving = Receiving::start(&bob, &inbox, &["--yes"]);
    for what in [&proj, &single] {
        let sent = send_direct(&alice, [what], &bob.device_id, &receiving.addr, &[])
            .output()
            .unwrap();
        assert!(sent.status.success(), "send {what:?}: {sent:?}");
        receiving.wait_for("done");
    }

    let umask = std::fs::read_to_string("/proc/self/status")
        .unwrap()
        .lines()
        .find_map(|l| l.strip_prefix("Umask:"))
        .map(|v| u32::from_str_radix(v.trim(), 8).unwrap())
        .unwrap();
    let shared = std::fs::metadata(inbox.join("proj/sub/shared.txt")).unwrap();
    assert_eq!(shared.permissions().mode() & 0o777, 0o666 & !umask);
    for (relative, mode) in [
        ("run.sh", 0o755),
        ("notes.txt", 0o644),
        ("sub/private.key", 0o600),
        ("sub/tool", 0o750),
        ("sub/deeper", 0),
        ("sub", 0),
        ("", 0),
    ] {
        let (sent_mode, sent_time) = mode_and_time(&proj.join(relative));
        let (kept_mode, kept_time) = mode_and_time(&inbox.join("proj").join(relative));
        if mode != 0 {
            assert_eq!(
                (kept_mode, sent_mode & 0o777),
                (mode, mode),
                "mode of proj/{relative}: {kept_mode:o}"
            );
        }
        assert_eq!(kept_time, sent_time, "modification time of proj/{relative}");
    }
    assert_eq!(
        mode_and_time(&inbox.join("deploy.sh")),
        (0o750, mode_and_time(&single).1)
    );
    let ran = std::process::Command::new(inbox.join("proj/run.sh"))
        .output()
        .unwrap();
    assert_eq!(ran.stdout, b"ran\n");
}
