//! `ferry rerequest`: a device that lost a received file asks the sender's devices, through a
//! local DHT node, to send it again; it comes back verified. A sender whose copy changed
//! refuses (and says so), and a device of an account outside the conversation gets nothing
//! even when it knows the conversation and interaction ids.

use crate::common::procs::send_via_dht;
use crate::common::real::*;
use crate::common::*;
use serde_json::Value;
use std::ffi::OsStr;
use std::path::Path;
use std::time::Duration;

fn history(device: &Device) -> Vec<Value> {
    let out = device.ferry().args(["--json", "history"]).output().unwrap();
    assert!(out.status.success(), "{out:?}");
    json_events(&out.stdout)
}

/// `ferry --json rerequest ID --timeout SECS` as `device` through the test DHT, with `extra`
/// options.
fn rerequest(device: &Device, id: &str, dht: &str, timeout: u64, extra: &[&OsStr]) -> Finished {
    let mut cmd = device.ferry();
    dht_env(&mut cmd, dht);
    cmd.args(["--json", "rerequest", id, "--timeout", &timeout.to_string()])
        .args(extra);
    // The command's own --timeout bounds it; this bounds the test if that were broken.
    Receiving::run(cmd).finish(Duration::from_secs(timeout + 30))
}

/// A re-request that failed with exit `code`, saying `says`, and left nothing in `dir`.
fn failed(out: &Finished, code: i32, says: &str, dir: &Path) {
    assert_eq!(out.status.code(), Some(code), "{out:?}");
    assert!(out.stderr.contains(says), "{out:?}");
    assert_eq!(entries(dir), Vec::<String>::new());
}

/// The re-request events `receiving` printed for `interaction`, once one with `outcome` shows.
fn served(receiving: &mut Receiving, interaction: &str, outcome: &str) -> Value {
    receiving.wait_matching("rerequest", |e| {
        e["interaction"] == interaction && e["outcome"] == outcome
    })
}

/// The sender's refusal of a re-request of `interaction`, giving a reason that contains `why`.
fn refused(receiving: &mut Receiving, interaction: &str, why: &str) -> Value {
    let refusal = served(receiving, interaction, "refused");
    assert!(
        refusal["reason"].as_str().unwrap().contains(why),
        "{refusal}"
    );
    refusal
}

#[test]
fn a_lost_file_comes_back_verified_and_only_to_members_with_an_unchanged_copy() {
    let node = BootstrapNode::start();
    let dht = node.addr();
    let work = tempfile::tempdir().unwrap();
    let (alice, bob, carol) = (Device::new(), Device::new(), Device::new());
    let source = random_file(work.path(), "design.pdf", 3 << 20);
    let digest = python_sha3(&source);

    // 1. An ordinary transfer, recorded by both sides.
    let bob_inbox = work.path().join("bob");
    let mut bob_receiving = Receiving::start_dht(&bob, &bob_inbox, &dht, &["--yes", "--once"]);
    let sent =
        Receiving::run(send_via_dht(&alice, &source, &bob.device_id, &dht, &[])).finish(WAIT);
    assert!(sent.status.success(), "{sent:?}");
    bob_receiving.wait_for("done");
    let (status, stderr, _) = bob_receiving.wait_exit();
    assert!(status.success(), "{stderr}");
    let record = history(&bob)
        .into_iter()
        .find(|i| i["direction"] == "received")
        .expect("bob recorded the transfer");
    let interaction = record["interaction"].as_str().unwrap().to_string();
    let kept = Path::new(record["path"].as_str().unwrap()).to_path_buf();
    assert_eq!(python_sha3(&kept), digest);

    let t = std::time::Instant::now();
    // 2. Alice stays online; Bob lost the file and asks for it again.
    let alice_inbox = work.path().join("alice");
    let mut alice_receiving = Receiving::start_dht(&alice, &alice_inbox, &dht, &["--yes"]);
    std::fs::remove_file(&kept).unwrap();
    let out = rerequest(&bob, &interaction, &dht, 40, &[]);
    assert!(out.status.success(), "rerequest: {out:?}");
    assert_eq!(
        python_sha3(&kept),
        digest,
        "the same file, in the same place"
    );
    assert_eq!(entries(&bob_inbox), vec!["design.pdf"], "nothing else left");
    served(&mut alice_receiving, &interaction, "sending");
    eprintln!("rerequest served in {:?}", t.elapsed());
    let done = out.event("done").expect("done");
    assert_eq!(done["sha3_256"], digest.as_str());
    let received_again: Vec<_> = history(&bob)
        .into_iter()
        .filter(|i| i["interaction"] == interaction.as_str() && i["direction"] == "received")
        .collect();
    assert_eq!(received_again.len(), 2, "{received_again:?}");
    assert_eq!(received_again[1]["sha3_256"], digest.as_str());

    // 3. Carol, of another account, knows the ids (here: a copy of Bob's record) but is no
    //    member of the conversation: Alice refuses and logs it; Carol gets nothing.
    let mut forged = record.clone();
    forged["path"] = Value::String(work.path().join("carol/design.pdf").display().to_string());
    std::fs::write(carol.path().join("history.jsonl"), format!("{forged}\n")).unwrap();
    let carol_dir = work.path().join("carol");
    let out = rerequest(
        &carol,
        &interaction,
        &dht,
        8,
        &[OsStr::new("--dir"), carol_dir.as_os_str()],
    );
    failed(&out, 2, "no member device sent", &carol_dir);
    let refusal = refused(&mut alice_receiving, &interaction, "not a member");
    assert_eq!(refusal["peer_device"], carol.device_id.as_str());

    eprintln!("carol refused at {:?}", t.elapsed());
    // 4. Alice's copy changed: she refuses, Bob is told (exit 1) and keeps nothing.
    std::fs::write(&source, b"a newer version").unwrap();
    std::fs::remove_file(&kept).unwrap();
    let out = rerequest(&bob, &interaction, &dht, 40, &[]);
    failed(&out, 1, "changed on disk", &bob_inbox);
    refused(&mut alice_receiving, &interaction, "changed");
    assert!(alice_receiving.still_running());
    eprintln!("changed copy refused at {:?}", t.elapsed());
}

#[test]
fn an_unknown_interaction_is_a_clear_error_without_the_network() {
    let bob = Device::new();
    let out = bob
        .ferry()
        .args(["rerequest", "0123456789abcdef", "--timeout", "5"])
        .env("FERRY_BOOTSTRAP", "none")
        .env("FERRY_NO_DISCOVERY", "1")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("ferry history"),
        "{out:?}"
    );
}
