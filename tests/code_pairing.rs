//! One-shot transfers with a short code: `ferry send FILE` (no `--to`) shows a code,
//! `ferry receive CODE` gets the file, through a local DHT node or, with no bootstrap at all,
//! across a LAN of two network namespaces. A wrong code fails on both sides, a used code
//! fails the second time, and nothing is kept from either.

use crate::common::netns::Pair;
use crate::common::real::BootstrapNode;
use crate::common::*;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

/// `ferry --json send FILE` (a code is shown) through the test DHT, waiting for its code.
fn send_with_code(
    alice: &Device,
    file: &Path,
    bootstrap: &str,
    extra: &[&str],
) -> (Receiving, String) {
    let mut cmd = alice.ferry();
    dht_env(&mut cmd, bootstrap);
    cmd.args(["--json", "send"]).arg(file).args(extra);
    let sending = Receiving::spawn(cmd, "code");
    let code = sending.seen.last().expect("the code event")["code"]
        .as_str()
        .expect("code")
        .to_string();
    (sending, code)
}

/// `ferry --json receive CODE --yes --dir INBOX` as `bob` through the test DHT.
fn receive_code(bob: &Device, code: &str, inbox: &Path, bootstrap: &str) -> Command {
    let mut cmd = bob.ferry();
    dht_env(&mut cmd, bootstrap);
    cmd.args(["--json", "receive", code, "--yes", "--dir"])
        .arg(inbox);
    cmd
}

fn files_in(dir: &Path) -> Vec<String> {
    entries(dir)
        .into_iter()
        .filter(|n| !n.starts_with('.'))
        .collect()
}

#[test]
fn a_file_goes_with_a_code_and_the_code_works_once() {
    let node = BootstrapNode::start();
    let (alice, bob, carol) = (Device::new(), Device::new(), Device::new());
    let outbox = tempfile::tempdir().unwrap();
    let inbox = tempfile::tempdir().unwrap();
    let file = random_file(outbox.path(), "with-a-code.bin", 1 << 20);
    let (sending, code) = send_with_code(&alice, &file, &node.addr(), &[]);
    let parts: Vec<&str> = code.split('-').collect();
    assert_eq!(parts.len(), 4, "N-word-word-word: {code}");
    let number: u32 = parts[0].parse().unwrap();
    assert!((1..=999).contains(&number), "{code}");

    let mut receive = receive_code(&bob, &code, inbox.path(), &node.addr());
    receive.args(["--save-as", "alice"]);
    let receiving = Receiving::run(receive);
    let received = receiving.finish(WAIT);
    println!(
        "receive CODE: {:.2} s from start to a verified file",
        received.elapsed.as_secs_f64()
    );
    assert!(received.status.success(), "{}", received.stderr);
    let paired = received.event("paired").expect("paired event");
    assert_eq!(paired["peer_device"], alice.device_id.as_str());
    assert_eq!(paired["peer_account"], alice.account_id.as_str());
    let done = received.event("done").expect("done event");
    let kept = inbox.path().join("with-a-code.bin");
    assert_eq!(done["sha3_256"], python_sha3(&kept).as_str());
    assert_eq!(python_sha3(&kept), python_sha3(&file));

    // --save-as kept the sender's account as a contact.
    let contacts = bob
        .ferry()
        .args(["--json", "contacts", "list"])
        .output()
        .unwrap();
    let listed: serde_json::Value = serde_json::from_slice(&contacts.stdout).unwrap();
    assert_eq!(listed["alice"], alice.account_id.as_str(), "{listed}");

    let (status, stderr, events) = sending.wait_exit();
    assert!(status.success(), "{stderr}");
    let code_event = events.iter().find(|e| e["event"] == "code").unwrap();
    assert!(
        code_event["expires_in"].as_u64() == Some(600),
        "{code_event}"
    );
    let their = events.iter().find(|e| e["event"] == "paired").unwrap();
    assert_eq!(their["peer_device"], bob.device_id.as_str());

    // The same code again, by another device: refused, nothing kept.
    let again_inbox = tempfile::tempdir().unwrap();
    let again = Receiving::run(receive_code(
        &carol,
        &code,
        again_inbox.path(),
        &node.addr(),
    ))
    .finish(Duration::from_secs(20));
    println!("second use refused in {:.2} s", again.elapsed.as_secs_f64());
    assert_eq!(again.status.code(), Some(2), "{}", again.stderr);
    assert!(again.stderr.contains("already used"), "{}", again.stderr);
    assert!(files_in(again_inbox.path()).is_empty());
}

/// `ferry send --text TEXT` with a code: the receiver writes exactly the text on standard
/// output (a pipe gets it byte for byte, escape characters included), or a `text` event with
/// `--json`; both sides agree on its SHA3-256 and no file is kept. A text too long for
/// `--text` is refused before any network is used.
#[test]
fn a_text_goes_with_a_code_and_is_printed_as_sent() {
    let _machine = timed();
    let node = BootstrapNode::start();
    let (alice, bob) = (Device::new(), Device::new());
    let text = "token=s3cr3t-\u{fc}\nhttps://example.org/a?b=c\t\x1b[31m\n";
    let scratch = tempfile::tempdir().unwrap();
    let as_file = scratch.path().join("text");
    std::fs::write(&as_file, text).unwrap();
    let sha3 = python_sha3(&as_file);
    for json in [false, true] {
        let inbox = tempfile::tempdir().unwrap();
        let mut send = alice.ferry();
        dht_env(&mut send, &node.addr());
        send.args(["--json", "send", "--text", text]);
        let sending = Receiving::spawn(send, "code");
        let code = sending.seen.last().expect("the code event")["code"]
            .as_str()
            .expect("code")
            .to_string();
        let mut receive = bob.ferry();
        dht_env(&mut receive, &node.addr());
        if json {
            receive.arg("--json");
        }
        receive
            .args(["receive", &code, "--yes", "--dir"])
            .arg(inbox.path());
        let received = Receiving::run(receive).finish(WAIT);
        println!(
            "receive CODE of a text (json: {json}): {:.2} s",
            received.elapsed.as_secs_f64()
        );
        assert!(received.status.success(), "{}", received.stderr);
        if json {
            let shown = received.event("text").expect("text event");
            assert_eq!(shown["text"], text);
            let done = received.event("done").expect("done event");
            assert_eq!(done["sha3_256"], sha3.as_str());
            assert!(done.get("path").is_none(), "{done}");
        } else {
            assert_eq!(received.stdout, text, "{}", received.stderr);
            assert!(received.stderr.contains("verified"), "{}", received.stderr);
        }
        assert!(files_in(inbox.path()).is_empty(), "a text keeps no file");
        let (status, stderr, events) = sending.wait_exit();
        assert!(status.success(), "{stderr}");
        let done = events.iter().find(|e| e["event"] == "done").unwrap();
        assert_eq!(done["sha3_256"], sha3.as_str());
    }

    let too_long = "x".repeat(64 * 1024 + 1);
    let started = Instant::now();
    let refused = alice
        .ferry()
        .args(["send", "--text", &too_long, "--bootstrap", "none"])
        .output()
        .unwrap();
    assert!(!refused.status.success());
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(stderr.contains("at most 65536"), "{stderr}");
    assert!(started.elapsed() < Duration::from_secs(5));
}

#[test]
fn a_wrong_code_fails_on_both_sides_and_nothing_is_kept() {
    let _machine = timed();
    let node = BootstrapNode::start();
    let (alice, bob) = (Device::new(), Device::new());
    let outbox = tempfile::tempdir().unwrap();
    let inbox = tempfile::tempdir().unwrap();
    let file = random_file(outbox.path(), "never.bin", 64 * 1024);
    // A code chosen by the script, typed loosely.
    let (sending, code) = send_with_code(
        &alice,
        &file,
        &node.addr(),
        &["--code", "42 Guitar orbit LUNCH"],
    );
    assert_eq!(code, "42-guitar-orbit-lunch");
    // Same number and first word (the same rendezvous), the last word changed.
    let wrong = "42-guitar-orbit-lunar";

    let started = Instant::now();
    let received = Receiving::run(receive_code(&bob, wrong, inbox.path(), &node.addr()))
        .finish(Duration::from_secs(20));
    let (status, stderr, _) = sending.wait_exit();
    let both = started.elapsed();
    println!(
        "wrong code: receiver failed in {:.2} s, both sides in {:.2} s",
        received.elapsed.as_secs_f64(),
        both.as_secs_f64()
    );
    assert_eq!(received.status.code(), Some(2), "{}", received.stderr);
    assert!(
        received.stderr.contains("wrong code"),
        "{}",
        received.stderr
    );
    assert_eq!(status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("wrong code"), "{stderr}");
    assert!(both < Duration::from_secs(5), "took {both:?}");
    assert!(files_in(inbox.path()).is_empty());
}

/// Two hosts on a LAN, no bootstrap, no TURN: the sender's node is alone and keeps the code;
/// the receiver finds it by multicast discovery.
#[test]
fn a_code_works_on_an_offline_lan() {
    let Some(lan) = Pair::up(true, false) else {
        return;
    };
    let (alice, bob) = (Device::new(), Device::new());
    let outbox = tempfile::tempdir().unwrap();
    let inbox = tempfile::tempdir().unwrap();
    let file = random_file(outbox.path(), "lan-code.bin", 256 * 1024);
    let ferry = |host: &str, device: &Device| {
        let mut cmd = lan.command(host, ferry_bin());
        cmd.env("FERRY_HOME", device.path())
            .env_remove("FERRY_NO_DISCOVERY")
            .env("FERRY_NO_TURN", "1")
            .env("FERRY_NO_UPNP", "1")
            .args(["--no-progress", "--json", "--bootstrap", "none"]);
        cmd
    };
    let mut send = ferry("a", &alice);
    send.arg("send").arg(&file);
    let sending = Receiving::spawn(send, "code");
    let code = sending.seen.last().unwrap()["code"]
        .as_str()
        .unwrap()
        .to_string();
    let mut receive = ferry("b", &bob);
    receive
        .args(["receive", &code.replace('-', " "), "--yes", "--dir"])
        .arg(inbox.path());
    let received = Receiving::run(receive).finish(WAIT);
    println!(
        "receive CODE over an offline LAN: {:.2} s",
        received.elapsed.as_secs_f64()
    );
    assert!(received.status.success(), "{}", received.stderr);
    assert_eq!(
        python_sha3(&inbox.path().join("lan-code.bin")),
        python_sha3(&file)
    );
    let (status, stderr, _) = sending.wait_exit();
    assert!(status.success(), "{stderr}");
}
