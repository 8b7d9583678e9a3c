//! Offers wait for `ferry accept` when `receive` has neither `--yes` nor a terminal: another
//! process lists them, accepts one under another name, refuses another; a different user
//! cannot reach the control socket.

use crate::common::procs::require_root;
use crate::common::*;
use std::os::unix::fs::PermissionsExt;
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

    // Another user cannot use the socket: the home is 0700 and the socket 0600; and were
    // both loosened, the receiver still checks the caller's uid (SO_PEERCRED).
    if require_root("acting as another user") {
        let as_nobody = || {
            let out = Command::new("setpriv")
                .args(["--reuid=65534", "--regid=65534", "--clear-groups"])
                .arg(ferry_bin())
                .arg("--home")
                .arg(bob.path())
                .args(["accept", &id])
                .output()
                .expect("setpriv (util-linux)");
            (
                out.status.code(),
                String::from_utf8_lossy(&out.stderr).to_string(),
            )
        };
        let still_waits = || {
            let listed = accept(&bob, &["--json", "accept"]);
            let list: serde_json::Value = serde_json::from_slice(&listed.stdout).unwrap();
            assert_eq!(
                list["offers"].as_array().unwrap().len(),
                1,
                "the offer must still wait"
            );
        };
        let (code, stderr) = as_nobody();
        assert_eq!(code, Some(2), "{stderr}");
        assert!(stderr.contains("ermission denied"), "{stderr}");
        still_waits();

        let socket = bob.path().join("control.sock");
        let mode = |path: &std::path::Path, mode: u32| {
            std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap()
        };
        mode(bob.path(), 0o711);
        mode(&socket, 0o666);
        let (code, stderr) = as_nobody();
        mode(&socket, 0o600);
        mode(bob.path(), 0o700);
        assert_eq!(code, Some(2), "{stderr}");
        assert!(stderr.contains("not the owner of this ferry"), "{stderr}");
        still_waits();
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

/// A sender that gives up (Ctrl-C) while its offer waits for `ferry accept` takes it back: the
/// receiver says why, `ferry accept` no longer lists it, and the next offer is served.
#[test]
fn an_offer_whose_sender_gave_up_is_no_longer_pending() {
    let work = tempfile::tempdir().unwrap();
    let (alice, bob) = (Device::new(), Device::new());
    let inbox = work.path().join("inbox");
    let mut receiving = Receiving::start(&bob, &inbox, &[]);
    let file = random_file(work.path(), "left.bin", 50_000);
    let mut sender = send_direct(&alice, [&file], &bob.device_id, &receiving.addr, &[])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    receiving.wait_for("pending");
    sigint(&sender);
    assert_eq!(wait_bounded(&mut sender, WAIT).code(), Some(130));
    let cancelled = receiving.wait_for("cancelled");
    assert_eq!(cancelled["by"], "peer");
    assert!(
        cancelled["reason"].as_str().unwrap().contains("withdrew"),
        "{cancelled}"
    );
    let listed = accept(&bob, &["--json", "accept"]);
    let list: serde_json::Value = serde_json::from_slice(&listed.stdout).unwrap();
    assert_eq!(list["offers"], serde_json::json!([]), "{list}");
    // The receiver goes on: the next offer waits, is accepted, and arrives.
    let mut second = send_direct(&alice, [&file], &bob.device_id, &receiving.addr, &[])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let id = receiving.wait_for("pending")["id"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(accept(&bob, &["accept", &id]).status.success());
    assert!(wait_bounded(&mut second, WAIT).success());
    assert_eq!(python_sha3(&inbox.join("left.bin")), python_sha3(&file));
    receiving.interrupt();
}
