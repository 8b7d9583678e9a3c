//! The relay at the speed of the link: both homes behind NAT, each joined to the public segment
//! (coturn, dhtnode) by a WAN link with a 100 ms round trip and 1% random loss each way
//! (`common::natlab::Wan`, a userspace link: this kernel has no netem). A file goes from home1
//! to home2 through coturn with the real `ferry` binary, and the same number of bytes goes as a
//! plain TCP copy over the same relay path (ferry's own TURN client allocates in home2, home1
//! connects to the relayed address) and straight from home1 to pub over one WAN link. The test
//! prints the three rates, the rate of four plain copies through the relay at once (where the
//! limit sits: per connection), and the ratio of ferry's to the plain copy's through the relay.
//!
//! Helper processes: the test runs its own binary again inside a namespace
//! (`RELAY_SPEED_ROLE`, see `relay_copy_role`) for each end of a plain copy.

use crate::common::natlab::{NatLab, Wan};
use crate::common::real::*;
use crate::common::relay_copy;
use crate::common::*;
use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::process::{Child, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

const PUBLIC: &str = "203.0.113.10";
/// home1's address as pub sees it (its router's public side).
const HOME1_NAT: &str = "203.0.113.1";
const WAN: Wan = Wan {
    delay_ms: 50,
    loss: 0.01,
};
const MIB: u64 = 4;
/// Connections of the parallel plain copy through the relay.
const PARALLEL: u64 = 4;
/// The loose floor asserted on a shared 2-core machine; the figures are printed.
const MIN_RATIO: f64 = 0.5;
/// Bound on each copy and on the ferry transfer.
const LIMIT: Duration = Duration::from_secs(240);

/// One end of a plain copy, run as `RELAY_SPEED_ROLE=... <this test binary> --exact
/// relay_speed::relay_copy_role` inside a namespace (the name libtest knows it by in the one
/// `e2e` binary: its module path); prints `RELAYED addr`, `LISTENING addr` or
/// `SECONDS s` on stdout. Without the variable (a normal test run) it does nothing.
#[test]
fn relay_copy_role() {
    let Ok(role) = std::env::var("RELAY_SPEED_ROLE") else {
        return;
    };
    let var = |name: &str| std::env::var(name).unwrap_or_else(|_| panic!("{name} not set"));
    let bytes: u64 = var("RELAY_SPEED_BYTES").parse().unwrap();
    match role.as_str() {
        "relayed-sink" => {
            let server: SocketAddr = var("RELAY_SPEED_TURN").parse().unwrap();
            let config =
                relay_copy::turn_config(server, Coturn::USER, Coturn::PASSWORD, Coturn::REALM);
            let peer = var("RELAY_SPEED_PEER").parse().unwrap();
            relay_copy::relayed_sink(config, peer, bytes, |relayed| println!("RELAYED {relayed}"))
                .unwrap();
        }
        "sink" => {
            let listener = std::net::TcpListener::bind(var("RELAY_SPEED_LISTEN")).unwrap();
            println!("LISTENING {}", listener.local_addr().unwrap());
            relay_copy::sink(listener, bytes).unwrap();
        }
        "push" => {
            let to: SocketAddr = var("RELAY_SPEED_TO").parse().unwrap();
            println!("SECONDS {}", relay_copy::push(to, bytes).unwrap());
        }
        other => panic!("unknown role {other}"),
    }
}

/// This binary, in `host`, as one end of a copy; its stdout lines arrive on the channel.
fn role(
    lab: &NatLab,
    host: &str,
    role: &str,
    bytes: u64,
    env: &[(&str, String)],
) -> (Child, Lines) {
    let exe = std::env::current_exe().unwrap();
    let mut cmd = lab.command(host, exe.to_str().unwrap());
    cmd.args([
        "--exact",
        "relay_speed::relay_copy_role",
        "--nocapture",
        "--test-threads=1",
    ])
    .env("RELAY_SPEED_ROLE", role)
    .env("RELAY_SPEED_BYTES", bytes.to_string())
    .stdout(Stdio::piped());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().unwrap();
    let (tx, rx) = mpsc::channel();
    let stdout = child.stdout.take().unwrap();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    (child, Lines(rx))
}

struct Lines(mpsc::Receiver<String>);

impl Lines {
    /// The rest of the first line starting with `prefix`, within `limit`.
    fn value(&self, prefix: &str, limit: Duration) -> String {
        let deadline = Instant::now() + limit;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.0.recv_timeout(left) {
                Ok(line) => {
                    // libtest's "test relay_speed::relay_copy_role ... " may open the line.
                    if let Some((_, rest)) = line.split_once(&format!("{prefix} ")) {
                        return rest.trim().to_string();
                    }
                }
                Err(_) => panic!("no {prefix:?} line within {limit:?}"),
            }
        }
    }
}

/// MB/s of a plain copy of `MIB` from home1 to home2 through the relay, or to pub when not
/// `relayed`, split over `streams` connections at once (one allocation each through the relay):
/// the bytes moved over the time the slowest took.
fn plain_copy(lab: &NatLab, turn: &Coturn, relayed: bool, streams: u64) -> f64 {
    let each = (MIB << 20) / streams;
    let sinks: Vec<(Child, Lines)> = (0..streams)
        .map(|_| {
            if relayed {
                role(
                    lab,
                    "home2",
                    "relayed-sink",
                    each,
                    &[
                        ("RELAY_SPEED_TURN", format!("{PUBLIC}:{}", turn.port)),
                        ("RELAY_SPEED_PEER", HOME1_NAT.to_string()),
                    ],
                )
            } else {
                role(
                    lab,
                    "pub",
                    "sink",
                    each,
                    &[("RELAY_SPEED_LISTEN", format!("{PUBLIC}:0"))],
                )
            }
        })
        .collect();
    let pushers: Vec<(Child, Lines)> = sinks
        .iter()
        .map(|(_, lines)| {
            let to = lines.value(
                if relayed { "RELAYED" } else { "LISTENING" },
                Duration::from_secs(30),
            );
            role(lab, "home1", "push", each, &[("RELAY_SPEED_TO", to)])
        })
        .collect();
    let seconds = pushers
        .iter()
        .map(|(_, pushed)| pushed.value("SECONDS", LIMIT).parse::<f64>().unwrap())
        .fold(0.0, f64::max);
    for (mut child, _) in pushers.into_iter().chain(sinks) {
        let status = wait_bounded(&mut child, Duration::from_secs(30));
        assert!(status.success(), "a copy helper failed");
    }
    (each * streams) as f64 / seconds / 1e6
}

#[test]
fn a_relayed_transfer_over_a_lossy_link_runs_near_plain_tcp_through_the_same_relay() {
    let _machine = alone();
    let Some(lab) = NatLab::up_with_wan(WAN) else {
        return;
    };
    if !have_dhtnode() || !have_coturn() {
        return;
    }
    let _node = DhtNode::spawn(lab.command("pub", "dhtnode"));
    let turn = Coturn::start_at(&["ip", "netns", "exec", &lab.ns("pub")], PUBLIC, false);
    let dht = format!("{PUBLIC}:{}", _node.port);

    let direct = plain_copy(&lab, &turn, false, 1);
    let plain = plain_copy(&lab, &turn, true, 1);
    // Where the relay's limit sits: per connection (coturn's fixed socket buffers) or in total.
    let parallel = plain_copy(&lab, &turn, true, PARALLEL);

    let work = tempfile::tempdir().unwrap();
    let (alice, bob) = (Device::new(), Device::new());
    let inbox = work.path().join("inbox");
    let mut receiver = lab.ferry("home2", &bob, &dht, &turn);
    receiver
        .args(["--json", "receive", "--yes", "--once", "--dir"])
        .arg(&inbox);
    let mut receiving = Receiving::spawn(receiver, "online");
    let source = random_file(work.path(), "far.bin", (MIB << 20) as usize);
    let mut sender = lab.ferry("home1", &alice, &dht, &turn);
    sender
        .args(["--json", "send"])
        .arg(&source)
        .args(["--to", &bob.device_id]);
    let (accepted, total, events) = timed_send(sender, LIMIT).unwrap_or_else(|err| panic!("{err}"));
    assert!(events.contains("\"path\":\"relay\""), "{events}");
    let connected = receiving.wait_for("connected");
    assert_eq!(connected["path"], "relay", "{connected}");
    let done = receiving.wait_for("done");
    assert_eq!(done["sha3_256"], python_sha3(&source).as_str());
    let (status, stderr, _) = receiving.wait_exit();
    assert!(status.success(), "{stderr}");
    let ferry = (MIB << 20) as f64 / (total - accepted) / 1e6;
    let ratio = ferry / plain;
    println!(
        "{MIB} MiB, WAN links of {} ms RTT and {}% loss each way:",
        2 * WAN.delay_ms,
        WAN.loss * 100.0
    );
    println!("  plain TCP home1 -> pub (one WAN link):        {direct:6.2} MB/s");
    println!("  plain TCP home1 -> coturn -> home2:           {plain:6.2} MB/s");
    println!(
        "  ferry home1 -> coturn -> home2:               {ferry:6.2} MB/s \
         ({:.1} s after GO, {accepted:.1} s to GO)",
        total - accepted
    );
    println!("  plain TCP through coturn, {PARALLEL} connections:    {parallel:6.2} MB/s in all");
    println!("  ratio ferry / plain TCP through the relay:    {ratio:.2}");
    assert!(
        ratio >= MIN_RATIO,
        "ferry through the relay ran at {ferry:.2} MB/s, {ratio:.2} of a plain TCP copy \
         over the same path ({plain:.2} MB/s)"
    );
}
