//! An account with several devices: `ferry account export/import` links them; a send to the
//! account reaches every announced device, each accepting, refusing or missing on its own, with
//! the optimistic combined outcome (exit 0 when any verified the file, 1 when all refused).

use crate::common::procs::send_via_dht;
use crate::common::real::*;
use crate::common::*;
use serde_json::Value;
use std::time::Duration;

fn linked_device(from: &Device) -> Device {
    let archive = tempfile::tempdir().unwrap();
    let file = archive.path().join("account.ferry");
    let out = from
        .ferry()
        .env("FERRY_PASSPHRASE", "a long passphrase")
        .args(["account", "export", "--out"])
        .arg(&file)
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let home = tempfile::tempdir().unwrap();
    let out = std::process::Command::new(ferry_bin())
        .env("FERRY_HOME", home.path())
        .env("FERRY_PASSPHRASE", "a long passphrase")
        .args(["--json", "account", "import"])
        .arg(&file)
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let ids: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(ids["account_id"], from.account_id.as_str());
    assert_ne!(ids["device_id"], from.device_id.as_str());
    Device {
        device_id: ids["device_id"].as_str().unwrap().to_string(),
        account_id: ids["account_id"].as_str().unwrap().to_string(),
        home,
    }
}

/// A send to several devices: its exit code, and the `summary` it ends with.
fn send_to_all(from: &Device, file: &std::path::Path, to: &str, dht: &str) -> (Option<i32>, Value) {
    // Bounded past the wait for devices that do not answer (`connector::ANSWER_TIMEOUT`).
    let sent =
        Receiving::run(send_via_dht(from, file, to, dht, &[])).finish(Duration::from_secs(120));
    let summary = sent
        .event("summary")
        .unwrap_or_else(|| panic!("a summary: {sent:#?}"));
    (sent.status.code(), summary)
}

fn outcome_of<'a>(summary: &'a Value, device: &Device) -> &'a str {
    summary["devices"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["device"] == device.device_id.as_str())
        .and_then(|d| d["outcome"].as_str())
        .unwrap_or("missing")
}

#[test]
fn a_wrong_passphrase_imports_nothing() {
    let bob = Device::new();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("a.ferry");
    let out = bob
        .ferry()
        .env("FERRY_PASSPHRASE", "a long passphrase")
        .args(["account", "export", "--out"])
        .arg(&file)
        .output()
        .unwrap();
    assert!(out.status.success());
    let home = tempfile::tempdir().unwrap();
    let out = std::process::Command::new(ferry_bin())
        .env("FERRY_HOME", home.path())
        .env("FERRY_PASSPHRASE", "not the passphrase")
        .args(["account", "import"])
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("wrong passphrase"));
    assert!(!home.path().join("device.crt").exists());
}

#[test]
fn one_accepts_one_refuses_one_is_offline_then_all_refuse() {
    let node = BootstrapNode::start();
    let dht = node.addr();
    let work = tempfile::tempdir().unwrap();
    let (alice, carol) = (Device::new(), Device::new());
    let bob1 = Device::new();
    let (bob2, bob3) = (linked_device(&bob1), linked_device(&bob1));
    let bob4 = linked_device(&bob1);
    let inbox = |n: &str| work.path().join(format!("inbox-{n}"));

    // bob3 announces itself, then stops (Ctrl-C): it withdraws its announcement, so it is
    // shown as stopped and not asked. bob4 crashes: its announcement stays, and the sender
    // waits for its answer in vain.
    let stopped = Receiving::start_dht(&bob3, &inbox("3"), &dht, &["--yes"]);
    stopped.interrupt();
    stopped.wait_exit();
    let mut crashed = Receiving::start_dht(&bob4, &inbox("4"), &dht, &["--yes"]);
    crashed.child.kill().unwrap();
    wait_bounded(&mut crashed.child, WAIT);

    let mut r1 = Receiving::start_dht(&bob1, &inbox("1"), &dht, &["--yes"]);
    let mut r2 = Receiving::start_dht(
        &bob2,
        &inbox("2"),
        &dht,
        &["--yes", "--from", &carol.account_id],
    );
    let source = random_file(work.path(), "for-bob.bin", 200_000);
    // Alice names Bob's account and sends by name.
    let added = alice
        .ferry()
        .args(["contacts", "add", "bob", &bob1.account_id])
        .status()
        .unwrap();
    assert!(added.success());
    let listed = alice
        .ferry()
        .args(["--json", "contacts", "list"])
        .output()
        .unwrap();
    let contacts: Value = serde_json::from_slice(&listed.stdout).unwrap();
    assert_eq!(contacts["bob"], bob1.account_id.as_str());
    let (code, summary) = send_to_all(&alice, &source, "bob", &dht);
    assert_eq!(code, Some(0), "{summary}");
    assert_eq!(outcome_of(&summary, &bob1), "done", "{summary}");
    assert_eq!(outcome_of(&summary, &bob2), "refused", "{summary}");
    assert_eq!(outcome_of(&summary, &bob3), "stopped", "{summary}");
    assert_eq!(outcome_of(&summary, &bob4), "no answer", "{summary}");
    r1.wait_for("done");
    // Refused on its signer when the offer was opened, before anything was gathered.
    r2.wait_for("dropped");
    assert_eq!(entries(&inbox("1")), vec!["for-bob.bin"]);
    assert!(entries(&inbox("2")).is_empty());

    // Everyone refuses: exit 1.
    drop(r1);
    let _r1 = Receiving::start_dht(
        &bob1,
        &inbox("1"),
        &dht,
        &["--yes", "--from", &carol.account_id],
    );
    let _r3 = Receiving::start_dht(
        &bob3,
        &inbox("3"),
        &dht,
        &["--yes", "--from", &carol.account_id],
    );
    let _r4 = Receiving::start_dht(
        &bob4,
        &inbox("4"),
        &dht,
        &["--yes", "--from", &carol.account_id],
    );
    let (code, summary) = send_to_all(&alice, &source, &bob1.account_id, &dht);
    assert_eq!(code, Some(1), "{summary}");
    assert_eq!(summary["done"], 0);
    // bob3, started again, is found again (its new announcement is newer than the withdrawal).
    assert_eq!(outcome_of(&summary, &bob3), "refused", "{summary}");
    assert_eq!(summary["refused"], 4, "{summary}");
}
