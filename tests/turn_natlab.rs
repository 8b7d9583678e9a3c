//! Behind real NATs (namespaces, `common::natlab`): with both devices NATed no direct path
//! exists and the transfer goes through coturn on the public segment; with the receiver on the
//! public segment the direct path wins. `--json` says which path was used.

mod common;
use common::natlab::NatLab;
use common::real::*;
use common::*;
use std::process::Command;

const PUBLIC: &str = "203.0.113.10";

fn ferry_in(lab: &NatLab, host: &str, device: &Device, dht: &str, turn: &Coturn) -> Command {
    let mut cmd = lab.command(host, ferry_bin());
    cmd.env("FERRY_HOME", device.path())
        .env("FERRY_NO_DISCOVERY", "1")
        .env("FERRY_NO_UPNP", "1")
        .env("FERRY_BOOTSTRAP", dht)
        .env("FERRY_TURN", format!("turn:{PUBLIC}:{}", turn.port))
        .env("FERRY_TURN_USER", Coturn::USER)
        .env("FERRY_TURN_PASSWORD", Coturn::PASSWORD)
        .env("FERRY_TURN_REALM", Coturn::REALM)
        .env_remove("FERRY_CANDIDATE_IP")
        .env_remove("FERRY_NO_TURN")
        .env(
            "FERRY_LOG",
            std::env::var("FERRY_TEST_LOG").unwrap_or_else(|_| "warn".into()),
        )
        .arg("--no-progress");
    cmd
}

fn transfer(receiver_host: &str, expected_path: &str) {
    let Some(lab) = NatLab::up() else { return };
    if !have_dhtnode() || !have_coturn() {
        return;
    }
    let pub_ns = lab.ns("pub");
    let node = DhtNode::spawn(lab.command("pub", "dhtnode"));
    let turn = Coturn::start_at(&["ip", "netns", "exec", &pub_ns], PUBLIC, false);
    let dht = format!("{PUBLIC}:{}", node.port);
    let work = tempfile::tempdir().unwrap();
    let (alice, bob) = (Device::new(), Device::new());
    let inbox = work.path().join("inbox");
    let mut receiver = ferry_in(&lab, receiver_host, &bob, &dht, &turn);
    receiver
        .args(["--json", "receive", "--yes", "--once", "--dir"])
        .arg(&inbox);
    let mut receiving = Receiving::spawn(receiver, "online");
    let source = random_file(work.path(), "natted.bin", 2 << 20);
    let out = ferry_in(&lab, "home1", &alice, &dht, &turn)
        .args(["--json", "send"])
        .arg(&source)
        .args(["--to", &bob.device_id])
        .output()
        .unwrap();
    if !out.status.success() {
        receiving.interrupt();
        let (_, receiver_log, _) = receiving.wait_exit();
        panic!(
            "send failed:\n{}\nreceiver:\n{receiver_log}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let events = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(
        events.contains(&format!("\"path\":\"{expected_path}\"")),
        "{events}"
    );
    let connected = receiving.wait_for("connected");
    assert_eq!(connected["path"], expected_path, "{connected}");
    let done = receiving.wait_for("done");
    assert_eq!(done["sha3_256"], python_sha3(&source).as_str());
    let (status, stderr, _) = receiving.wait_exit();
    assert!(status.success(), "{stderr}");
}

#[test]
fn both_devices_behind_nat_go_through_the_relay() {
    transfer("home2", "relay");
}

#[test]
fn a_reachable_receiver_is_reached_directly() {
    transfer("pub", "direct");
}

#[test]
fn home_networks_cannot_reach_each_other_directly() {
    let Some(lab) = NatLab::up() else { return };
    // The premise of the relay test: home1 cannot open TCP to home2, nor to its router.
    for target in ["198.51.100.10", "203.0.113.2"] {
        let out = lab
            .command("home1", "timeout")
            .args(["2", "bash", "-c", &format!("exec 3<>/dev/tcp/{target}/22")])
            .output()
            .unwrap();
        assert!(!out.status.success(), "home1 reached {target}");
    }
}
