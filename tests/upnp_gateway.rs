//! UPnP on the sender's side, with a real gateway (issue 15): miniupnpd runs on home1's NAT
//! router r1 (`common::natlab`), the sender in home1 has UPnP on, the receiver in home2 sits
//! behind r2 (no UPnP, it cannot be dialled) and there is no TURN relay. The one path is the
//! receiver dialling the address the sender mapped on r1 (203.0.113.1:port): every run must
//! connect directly through it, and the mapping must be gone once the send has ended.
//!
//! The gateway: miniupnpd 2.3.1 (Debian, nftables backend) refuses an external address in
//! the RFC 5737 ranges when it is configured (`ext_ip=`) or read from the interface, but takes
//! one it learns by STUN; so a stun-only coturn listens on two public addresses (miniupnpd's
//! STUN check asks for a reply from the other address to find that the NAT is 1:1). Its
//! nftables table (`inet filter` with the chains `miniupnpd`, `prerouting_miniupnpd`,
//! `postrouting_miniupnpd`) is made before it starts, and r1's iptables FORWARD chain accepts
//! what a mapping redirects (conntrack state DNAT) ahead of the lab's inbound DROP.

use crate::common::natlab::NatLab;
use crate::common::real::*;
use crate::common::*;
use std::process::Command;
use std::time::Duration;

const PUBLIC: &str = "203.0.113.10";
/// A second public address for coturn, so that miniupnpd's STUN check gets its
/// changed-address replies.
const PUBLIC2: &str = "203.0.113.11";
const R1_PUBLIC: &str = "203.0.113.1";
/// Transfers, each with a fresh sender and receiver.
const RUNS: usize = 3;

fn ferry_in(lab: &NatLab, host: &str, device: &Device, dht: &str) -> Command {
    ferry_in_lab(lab.command(host, ferry_bin()), device, dht)
}

fn run_in(lab: &NatLab, host: &str, args: &[&str]) -> String {
    let out = lab
        .command(host, args[0])
        .args(&args[1..])
        .output()
        .unwrap_or_else(|e| panic!("{args:?}: {e}"));
    assert!(
        out.status.success(),
        "{args:?} in {host}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The programs the gateway needs; `false` (skipped, reason printed; a failure under CI)
/// when one is missing.
fn have_gateway_tools() -> bool {
    require("miniupnpd", &["--version"])
        && installed("upnpc")
        && require("nft", &["--version"])
        && have_coturn()
        && have_dhtnode()
}

/// Whether `program` runs at all (`upnpc` has no option that exits with success); skipped,
/// reason printed, when not (a failure under CI).
fn installed(program: &str) -> bool {
    let ok = Command::new(program)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .is_ok();
    if !ok {
        if std::env::var_os("CI").is_some() {
            panic!("{program} is required (tests/ci.sh installs it)");
        }
        eprintln!("SKIPPED: {program} is not installed (run tests/ci.sh to install it)");
    }
    ok
}

/// The redirections r1 holds now (the `prerouting_miniupnpd` chain's rules).
fn redirections(lab: &NatLab) -> Vec<String> {
    run_in(
        lab,
        "r1",
        &[
            "nft",
            "list",
            "chain",
            "inet",
            "filter",
            "prerouting_miniupnpd",
        ],
    )
    .lines()
    .filter(|l| l.contains("dnat"))
    .map(|l| l.trim().to_string())
    .collect()
}

/// Processes stopped (and reaped) when the test ends; the lab kills them too.
struct Daemons(Vec<std::process::Child>);

impl Drop for Daemons {
    fn drop(&mut self) {
        for child in &mut self.0 {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// miniupnpd on r1 for home1, ready when home1's `upnpc` sees the external address. It and
/// coturn run inside the lab's namespaces and die with it (and within `timeout` anyway).
fn start_gateway(lab: &NatLab, dir: &std::path::Path) -> Daemons {
    run_in(
        lab,
        "pub",
        &["ip", "addr", "add", &format!("{PUBLIC2}/24"), "dev", "br0"],
    );
    let mut stun = lab.command("pub", "timeout");
    stun.args(["600", "turnserver", "-n", "--stun-only", "--no-cli"])
        .args(["--no-tls", "--no-dtls", "--log-file", "stdout"])
        .args(["--listening-ip", PUBLIC, "--listening-ip", PUBLIC2])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null());
    let mut daemons = Daemons(vec![stun.spawn().expect("turnserver")]);

    let tables = dir.join("miniupnpd.nft");
    std::fs::write(
        &tables,
        "table inet filter {
  chain forward { type filter hook forward priority 0; policy accept; jump miniupnpd; }
  chain miniupnpd { }
  chain prerouting { type nat hook prerouting priority -100; policy accept; jump prerouting_miniupnpd; }
  chain postrouting { type nat hook postrouting priority 100; policy accept; jump postrouting_miniupnpd; }
  chain prerouting_miniupnpd { }
  chain postrouting_miniupnpd { }
}
",
    )
    .unwrap();
    run_in(lab, "r1", &["nft", "-f", tables.to_str().unwrap()]);
    let wan = lab.iface("r1p");
    run_in(
        lab,
        "r1",
        &[
            "iptables",
            "-I",
            "FORWARD",
            "-i",
            &wan,
            "-m",
            "conntrack",
            "--ctstate",
            "DNAT",
            "-j",
            "ACCEPT",
        ],
    );
    let conf = dir.join("miniupnpd.conf");
    std::fs::write(
        &conf,
        format!(
            "ext_ifname={wan}
listening_ip={lan}
lease_file={leases}
ext_perform_stun=yes
ext_stun_host={PUBLIC}
port=0
enable_natpmp=no
enable_upnp=yes
secure_mode=yes
system_uptime=yes
uuid=9a9aae6b-2107-4755-9b03-d8479f59fc5c
allow 1024-65535 192.0.2.0/24 1024-65535
deny 0-65535 0.0.0.0/0 0-65535
",
            lan = lab.iface("home1r"),
            leases = dir.join("upnp.leases").display(),
        ),
    )
    .unwrap();
    let log = std::fs::File::create(dir.join("miniupnpd.log")).unwrap();
    let miniupnpd = lab
        .command("r1", "timeout")
        .args(["600", "miniupnpd", "-d", "-f"])
        .arg(&conf)
        .arg("-P")
        .arg(dir.join("miniupnpd.pid"))
        .stdout(log.try_clone().unwrap())
        .stderr(log)
        .spawn()
        .expect("miniupnpd");
    daemons.0.push(miniupnpd);
    // Bounded: its STUN check takes about a second; 20 tries, 0.5 s apart.
    for _ in 0..20 {
        std::thread::sleep(Duration::from_millis(500));
        let out = lab
            .command("home1", "timeout")
            .args(["5", "upnpc", "-i", "-s"])
            .output()
            .unwrap();
        if String::from_utf8_lossy(&out.stdout)
            .contains(&format!("ExternalIPAddress = {R1_PUBLIC}"))
        {
            return daemons;
        }
    }
    panic!(
        "miniupnpd did not come up:\n{}",
        std::fs::read_to_string(dir.join("miniupnpd.log")).unwrap_or_default()
    );
}

#[test]
fn a_sender_behind_a_upnp_gateway_is_reached_through_its_mapping() {
    let Some(lab) = NatLab::up() else { return };
    if !have_gateway_tools() {
        return;
    }
    let work = tempfile::tempdir().unwrap();
    let _gateway = start_gateway(&lab, work.path());
    let node = DhtNode::spawn(lab.command("pub", "dhtnode"));
    let dht = format!("{PUBLIC}:{}", node.port);
    assert!(redirections(&lab).is_empty(), "{:?}", redirections(&lab));

    let mut connect_times = Vec::new();
    for run in 0..RUNS {
        let (alice, bob) = (Device::new(), Device::new());
        let inbox = work.path().join(format!("inbox{run}"));
        let mut receiver = ferry_in(&lab, "home2", &bob, &dht);
        receiver
            .args(["--json", "receive", "--yes", "--once", "--dir"])
            .arg(&inbox);
        let mut receiving = Receiving::spawn(receiver, "online");
        let source = random_file(work.path(), &format!("mapped{run}.bin"), 256 << 10);
        let mut sender = ferry_in(&lab, "home1", &alice, &dht);
        sender
            .env_remove("FERRY_NO_UPNP")
            .args(["--json", "send"])
            .arg(&source)
            .args(["--to", &bob.device_id]);
        let sending = Receiving::run(sender);
        // Bounded: the send itself gives up (no path) well within this.
        let out = sending.finish(Duration::from_secs(60));
        if !out.status.success() {
            receiving.interrupt();
            let (_, receiver_log, _) = receiving.wait_exit();
            panic!(
                "run {run}: the send failed after {:.1} s (no path through the mapping?):\n{}\n\
                 receiver:\n{receiver_log}",
                out.elapsed.as_secs_f64(),
                out.stderr
            );
        }
        let connected = receiving.wait_for("connected");
        // The receiver dialled the sender's mapped address on r1: the only way into home1.
        assert_eq!(connected["path"], "direct", "run {run}: {connected}");
        let addr = connected["addr"].as_str().unwrap_or_default();
        assert!(
            addr.starts_with(&format!("{R1_PUBLIC}:")),
            "run {run}: the receiver reached the sender at {addr}, not through r1's mapping"
        );
        let sent = out
            .event("connected")
            .expect("the sender's connected event");
        assert_eq!(sent["path"], "direct", "run {run}: {sent}");
        let done = receiving.wait_for("done");
        assert_eq!(done["sha3_256"], python_sha3(&source).as_str());
        let (status, stderr, _) = receiving.wait_exit();
        assert!(status.success(), "{stderr}");
        // When the offer went out (and with how many candidates), and when the path was found,
        // counted from the sender's start.
        let phase = |what: &str| {
            out.events()
                .into_iter()
                .find(|e| e["event"] == "phase" && e["what"].as_str().unwrap_or("").contains(what))
                .unwrap_or_else(|| panic!("run {run}: no phase {what:?}: {}", out.stdout))
        };
        let (offered, path) = (phase("offer published"), phase("path to device"));
        let connect = path["seconds"].as_f64().unwrap();
        println!(
            "run {run}: {} at {:.2} s; connected directly through {addr} at {connect:.2} s; \
             send ended at {:.2} s",
            offered["what"].as_str().unwrap(),
            offered["seconds"].as_f64().unwrap(),
            out.elapsed.as_secs_f64()
        );
        if let Some(waited) = out.events().into_iter().find(|e| {
            e["event"] == "phase" && e["what"].as_str().unwrap_or("").contains("UPnP gateway")
        }) {
            println!("run {run}: {}", waited["what"].as_str().unwrap());
        }
        connect_times.push(connect);
        // The sender removes its mapping when the session ends (in the background; bounded
        // wait: 20 looks, 0.1 s apart).
        let mut left = redirections(&lab);
        for _ in 0..20 {
            if left.is_empty() {
                break;
            }
            std::thread::sleep(Duration::from_millis(100));
            left = redirections(&lab);
        }
        assert!(left.is_empty(), "run {run}: mapping left on r1: {left:?}");
    }
    println!(
        "{RUNS} of {RUNS} runs direct through the mapping; connected at {:?} s",
        connect_times
            .iter()
            .map(|s| format!("{s:.2}"))
            .collect::<Vec<_>>()
    );
}
