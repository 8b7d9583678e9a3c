//! Behind real NATs (namespaces, `common::natlab`): with both devices NATed no direct path
//! exists and the transfer goes through coturn on the public segment; with the receiver on the
//! public segment the direct path wins. `--json` says which path was used.

use crate::common::natlab::NatLab;
use crate::common::real::*;
use crate::common::*;
use std::process::Command;

const PUBLIC: &str = "203.0.113.10";

/// The NAT lab with a `dhtnode` and coturn on its public segment, and the DHT's address;
/// `None` (skipped, with the reason printed) when the lab or the programs are missing.
fn lab_with_dht_and_turn() -> Option<(NatLab, DhtNode, Coturn, String)> {
    let lab = NatLab::up()?;
    if !have_dhtnode() || !have_coturn() {
        return None;
    }
    let pub_ns = lab.ns("pub");
    let node = DhtNode::spawn(lab.command("pub", "dhtnode"));
    let turn = Coturn::start_at(&["ip", "netns", "exec", &pub_ns], PUBLIC, false);
    let dht = format!("{PUBLIC}:{}", node.port);
    Some((lab, node, turn, dht))
}

fn transfer(receiver_host: &str, expected_path: &str) {
    let Some((lab, _node, turn, dht)) = lab_with_dht_and_turn() else {
        return;
    };
    let work = tempfile::tempdir().unwrap();
    let (alice, bob) = (Device::new(), Device::new());
    let inbox = work.path().join("inbox");
    // Bystanders: a receiving device in each home, whose DHT nodes the other home cannot
    // reach (it knows them through the public node). Searches must not wait for them each time.
    // Each keeps its device (its home directory) as long as it runs.
    let _bystanders: Vec<(Device, Receiving)> = ["home1", "home2"]
        .iter()
        .map(|home| {
            let device = Device::new();
            let mut cmd = lab.ferry(home, &device, &dht, &turn);
            cmd.args(["--json", "receive", "--yes", "--dir"])
                .arg(work.path().join(format!("bystander-{home}")));
            (device, Receiving::spawn(cmd, "online"))
        })
        .collect();
    // Time for the public node to hand them out in its replies.
    std::thread::sleep(std::time::Duration::from_secs(2));
    let mut receiver = lab.ferry(receiver_host, &bob, &dht, &turn);
    receiver
        .args(["--json", "receive", "--yes", "--once", "--dir"])
        .arg(&inbox);
    let mut receiving = Receiving::spawn(receiver, "online");
    let source = random_file(work.path(), "natted.bin", 2 << 20);
    let out = lab
        .ferry("home1", &alice, &dht, &turn)
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
    let answered = json_events(&out.stdout)
        .into_iter()
        .find(|e| e["event"] == "phase" && e["what"].as_str().unwrap_or("").contains("answered"))
        .expect("an answered phase");
    println!(
        "receiver on {receiver_host}: answered {:.2} s after the send started",
        answered["seconds"].as_f64().unwrap()
    );
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

/// Both devices behind NAT and the relay unusable: the send fails (exit 2) with an error that
/// names each of the receiver's candidates it dialled and how that ended, and what the relay
/// said; the same for a relay with the wrong password and a relay that is down. Both cases run
/// at once in one lab.
#[test]
fn with_no_path_the_error_says_what_was_tried() {
    let Some((lab, _node, turn, dht)) = lab_with_dht_and_turn() else {
        return;
    };
    let work = tempfile::tempdir().unwrap();
    // (what is wrong with the relay, its settings, what the error must say about it)
    let cases = [
        (
            "wrong password",
            format!("turn:{PUBLIC}:{}", turn.port),
            "wrong-password",
            "refused the credentials",
        ),
        (
            "down",
            format!("turn:{PUBLIC}:9"),
            Coturn::PASSWORD,
            "onnection refused",
        ),
    ];
    let mut running = Vec::new();
    for (n, (case, url, password, _)) in cases.iter().enumerate() {
        let (alice, bob) = (Device::new(), Device::new());
        let relay = |cmd: &mut Command| {
            cmd.env("FERRY_TURN", url)
                .env("FERRY_TURN_PASSWORD", password);
        };
        let mut receiver = lab.ferry("home2", &bob, &dht, &turn);
        relay(&mut receiver);
        receiver
            .args(["--json", "receive", "--yes", "--dir"])
            .arg(work.path().join(format!("inbox{n}")));
        let receiving = Receiving::spawn(receiver, "online");
        let source = random_file(work.path(), &format!("never{n}.bin"), 1024);
        let mut sender = lab.ferry("home1", &alice, &dht, &turn);
        relay(&mut sender);
        sender
            .arg("send")
            .arg(&source)
            .args(["--to", &bob.device_id]);
        // The devices (their home directories) live until both ends have finished.
        running.push((*case, (alice, bob), receiving, Receiving::run(sender)));
    }
    for ((case, _devices, _receiving, sending), (_, _, _, relay_says)) in
        running.into_iter().zip(&cases)
    {
        let out = sending.finish(std::time::Duration::from_secs(60));
        println!(
            "relay {case}: the send failed after {:.1} s",
            out.elapsed.as_secs_f64()
        );
        assert_eq!(out.status.code(), Some(2), "{case}: {}", out.stderr);
        let said = &out.stderr;
        println!("{said}");
        assert!(
            said.contains("no path to the peer within"),
            "{case}: {said}"
        );
        // The receiver's private address, dialled from the other home: no answer.
        let dialled = said
            .split("198.51.100.10:")
            .nth(1)
            .unwrap_or_else(|| panic!("{case}: the receiver's address is not named: {said}"));
        assert!(
            ["no answer within", "unreachable", "refused"]
                .iter()
                .any(|outcome| dialled.split(';').next().unwrap().contains(outcome)),
            "{case}: {said}"
        );
        assert!(said.contains(&format!("turn:{PUBLIC}")), "{case}: {said}");
        assert!(said.contains(relay_says), "{case}: {said}");
        assert!(said.contains("ferry doctor"), "{case}: {said}");
        // Neither side offered its loopback address to a peer on another machine.
        assert!(!said.contains("127.0.0.1"), "{case}: {said}");
        assert!(!said.contains("::1"), "{case}: {said}");
    }
}
