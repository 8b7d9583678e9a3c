//! Offers wait for `ferry accept` when `receive` has neither `--yes` nor a terminal: another
//! process lists them, accepts one under another name, refuses another; a different user
//! cannot reach the control socket.

mod common;
use common::*;
use std::process::{Command, Stdio};
use std::time::Duration;

fn accept(bob: &Device, args: &[&str]) -> std::process::Output {
    bob.ferry().args(args).output().unwrap()
}

#[test]
fn accept_lists_accepts_and_rejects_through_the_control_socket() {
    let work = tempfile::tempdir().unwrap();
    let (alice, bob) = (Device::new(), Device::new());
    let inbox = work.path().join("inbox");
    let mut receiving = Receiving::start(&bob, &inbox, &[]);
    let addr = receiving.addr.clone();
    let send = |name: &str| {
        let file = random_file(work.path(), name, 50_000);
        alice
            .ferry()
            .arg("send")
            .arg(&file)
            .args(["--to", &bob.device_id, "--peer-addr", &addr])
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap()
    };

    let mut first = send("report.pdf");
    let pending = receiving.wait_for("pending");
    let id = pending["id"].as_str().unwrap().to_string();
    let listed = accept(&bob, &["--json", "accept"]);
    assert!(listed.status.success(), "{listed:?}");
    let list: serde_json::Value = serde_json::from_slice(&listed.stdout).unwrap();
    assert_eq!(list["offers"][0]["name"], "report.pdf");
    assert_eq!(list["offers"][0]["peer_device"], alice.device_id.as_str());

    // Another user cannot use the socket (the home is 0700, the socket 0600, uid checked).
    if Command::new("setpriv").arg("--version").output().is_ok() && is_root() {
        let other = Command::new("setpriv")
            .args([
                "--reuid=65534",
                "--regid=65534",
                "--clear-groups",
                ferry_bin(),
                "--home",
            ])
            .arg(bob.path())
            .args(["accept", &id])
            .output()
            .unwrap();
        assert_eq!(other.status.code(), Some(2), "{other:?}");
        let still = accept(&bob, &["--json", "accept"]);
        let list: serde_json::Value = serde_json::from_slice(&still.stdout).unwrap();
        assert_eq!(
            list["offers"].as_array().unwrap().len(),
            1,
            "the offer must still wait"
        );
    }

    let accepted = accept(&bob, &["accept", &id, "--as", "renamed.pdf"]);
    assert!(accepted.status.success(), "{accepted:?}");
    assert!(wait_bounded(&mut first, WAIT).success());
    receiving.wait_for("done");
    assert_eq!(entries(&inbox), vec!["renamed.pdf"]);

    let mut second = send("unwanted.bin");
    let pending = receiving.wait_for("pending");
    let id = pending["id"].as_str().unwrap();
    assert!(accept(&bob, &["accept", id, "--reject"]).status.success());
    assert_eq!(wait_bounded(&mut second, WAIT).code(), Some(1));
    assert_eq!(entries(&inbox), vec!["renamed.pdf"]);

    let unknown = accept(&bob, &["accept", "99"]);
    assert_eq!(unknown.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("no pending offer"));
    std::thread::sleep(Duration::from_millis(10));
}

#[test]
fn an_offer_nobody_decides_on_is_refused_after_the_timeout() {
    let work = tempfile::tempdir().unwrap();
    let (alice, bob) = (Device::new(), Device::new());
    let receiving = Receiving::start(&bob, &work.path().join("inbox"), &["--accept-timeout", "1"]);
    let file = random_file(work.path(), "late.bin", 1000);
    let out = alice
        .ferry()
        .arg("send")
        .arg(&file)
        .args(["--to", &bob.device_id, "--peer-addr", &receiving.addr])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no decision within 1s"));
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}
