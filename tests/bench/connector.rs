//! The connector, measured: time from `ferry send` start to the first body byte (the moment the
//! receiver's `GO` arrives and the body starts) over 20 runs through a local DHT node, beside
//! the same in direct mode (no DHT, no ICE) in the same run; then 1 GiB through the connector
//! (DHT + ICE-TCP, a direct path) beside 1 GiB in direct mode (`--peer-addr`), alternating,
//! 3 runs each, the medians and their ratio; then through a coturn relay on loopback, beside a
//! plain TCP copy of the same size through the same coturn (ferry's TURN client allocates, a
//! plain socket connects to the relayed address: `common::relay_copy`) and straight over
//! loopback, with the ratio of ferry's relayed rate to the plain copy's through the relay;
//! and the CPU time each process spent per GiB on the last direct run, the relayed run and the
//! plain copy through coturn (`/proc/PID/stat` for the receivers and coturn, the finished
//! children's `getrusage` for each `send`): on a machine of few cores, where every process of
//! the path shares them, that is what bounds a rate, and it tells what the relay costs apart
//! from what ferry costs.
//!
//! `cargo bench --bench connector` (20 runs and 1 GiB); under `cargo test --all-targets` it runs
//! as a smoke check (3 runs, 16 MiB, one run of each size). `FERRY_BENCH_CONNECT_RUNS`,
//! `FERRY_BENCH_MIB` and `FERRY_BENCH_RUNS` change the set-up runs, the size and its runs.

#[path = "../common/mod.rs"]
mod common;
use common::real::*;
use common::relay_copy;
use common::*;
use std::process::Command;
use std::time::Duration;

/// Seconds from spawning `send` to its `accepted` event, and its total run time.
fn timed_send(cmd: Command) -> (f64, f64) {
    try_timed_send(cmd).unwrap_or_else(|err| panic!("{err}"))
}

fn try_timed_send(cmd: Command) -> Result<(f64, f64), String> {
    common::timed_send(cmd, Duration::from_secs(120)).map(|(accepted, total, _)| (accepted, total))
}

fn median(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(|a, b| a.partial_cmp(b).unwrap());
    xs[xs.len() / 2]
}

fn main() {
    let full = std::env::args().any(|a| a == "--bench");
    let env = |name: &str, default: u64| -> u64 {
        std::env::var(name)
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(default)
    };
    let runs = env("FERRY_BENCH_CONNECT_RUNS", if full { 20 } else { 3 }).max(1) as usize;
    let mib = env("FERRY_BENCH_MIB", if full { 1024 } else { 16 }) as usize;
    let big_runs = env("FERRY_BENCH_RUNS", if full { 3 } else { 1 }).max(1) as usize;
    let node = BootstrapNode::start();
    let work = tempfile::tempdir().unwrap();
    let (alice, bob) = (Device::new(), Device::new());
    let small = random_file(work.path(), "small.bin", 1024);

    let mut via_dht =
        Receiving::start_dht(&bob, &work.path().join("in-dht"), &node.addr(), &["--yes"]);
    // A second device for direct mode: one `receive` per home.
    let dave = Device::new();
    let mut direct = Receiving::start(&dave, &work.path().join("in-direct"), &["--yes"]);
    let mut dht_times = Vec::new();
    let mut direct_times = Vec::new();
    for _ in 0..runs {
        let mut cmd = alice.ferry();
        dht_env(&mut cmd, &node.addr());
        cmd.args(["--json", "send"])
            .arg(&small)
            .args(["--to", &bob.device_id]);
        dht_times.push(timed_send(cmd).0 * 1000.0);
        via_dht.wait_for("done");

        let mut cmd = alice.ferry();
        cmd.args(["--json", "send"]).arg(&small).args([
            "--to",
            &dave.device_id,
            "--peer-addr",
            &direct.addr,
        ]);
        direct_times.push(timed_send(cmd).0 * 1000.0);
        direct.wait_for("done");
    }
    let fmt = |xs: &[f64]| {
        let min = xs.iter().cloned().fold(f64::MAX, f64::min);
        let max = xs.iter().cloned().fold(0.0, f64::max);
        format!(
            "median {:6.1} ms (min {min:.1}, max {max:.1})",
            median(xs.to_vec())
        )
    };
    println!(
        "send start -> first body byte, {runs} runs (DHT node: {}):",
        node.kind()
    );
    println!("  through the DHT + ICE-TCP + TLS: {}", fmt(&dht_times));
    println!("  direct (--peer-addr) + TLS:      {}", fmt(&direct_times));

    let big = random_file(work.path(), "big.bin", mib << 20);
    // Body rates (from the `accepted` event to the end), alternating so that load from
    // elsewhere hits both alike.
    let (mut connector, mut direct_rates, mut setups) = (Vec::new(), Vec::new(), Vec::new());
    let mut direct_cpu = (0.0, Vec::new());
    for _ in 0..big_runs {
        let mut cmd = alice.ferry();
        dht_env(&mut cmd, &node.addr());
        cmd.args(["--json", "send"])
            .arg(&big)
            .args(["--to", &bob.device_id]);
        let (setup, total) = timed_send(cmd);
        via_dht.wait_for("done");
        connector.push((mib << 20) as f64 / (total - setup) / 1e6);
        setups.push(setup * 1000.0);

        let mut cmd = alice.ferry();
        cmd.args(["--json", "send"]).arg(&big).args([
            "--to",
            &dave.device_id,
            "--peer-addr",
            &direct.addr,
        ]);
        let before = CpuUse::now(&[direct.child.id()]);
        let (setup, total) = timed_send(cmd);
        direct.wait_for("done");
        direct_cpu = before.since();
        direct_rates.push((mib << 20) as f64 / (total - setup) / 1e6);
    }
    let runs_of = |xs: &[f64]| {
        xs.iter()
            .map(|x| format!("{x:.1}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let (through, plain) = (median(connector.clone()), median(direct_rates.clone()));
    println!(
        "{mib} MiB through the connector (DHT + ICE-TCP, direct path): {through:.1} MB/s (runs: {}) after {:.1} ms of setup",
        runs_of(&connector),
        median(setups)
    );
    println!(
        "{mib} MiB in direct mode (--peer-addr):                     {plain:.1} MB/s (runs: {})",
        runs_of(&direct_rates)
    );
    println!("connector / direct: {:.2}", through / plain);

    if !have_coturn() {
        return;
    }
    let turn = Coturn::start();
    let relay_env = |cmd: &mut Command| {
        dht_env(cmd, &node.addr());
        cmd.env_remove("FERRY_NO_TURN")
            .env("FERRY_TURN", turn.url())
            .env("FERRY_TURN_USER", Coturn::USER)
            .env("FERRY_TURN_PASSWORD", Coturn::PASSWORD);
    };
    let carol = Device::new();
    let mut receiver = carol.ferry();
    relay_env(&mut receiver);
    receiver
        .env("FERRY_RELAY_ONLY", "1")
        .args(["--json", "receive", "--yes", "--dir"])
        .arg(work.path().join("in-relay"));
    let mut via_relay = Receiving::spawn(receiver, "online");
    // A benchmark measures; the relay's correctness is asserted in tests/turn_fallback.rs. A
    // failed attempt (seen once, never reproduced) is printed and tried again, once.
    let relayed = |_| {
        let mut cmd = alice.ferry();
        relay_env(&mut cmd);
        cmd.args(["--json", "send"])
            .arg(&big)
            .args(["--to", &carol.device_id]);
        try_timed_send(cmd).inspect_err(|err| eprintln!("relay attempt failed: {err}"))
    };
    let before = CpuUse::now(&[via_relay.child.id(), turn.pid()]);
    let (setup, total) = relayed(1)
        .or_else(|_| relayed(2))
        .unwrap_or_else(|err| panic!("{err}"));
    let connected = via_relay.wait_for("connected");
    assert_eq!(connected["path"], "relay");
    via_relay.wait_for("done");
    let relayed_cpu = before.since();
    let rate = (mib << 20) as f64 / (total - setup) / 1e6;
    println!(
        "{mib} MiB through coturn (relay only): {rate:.1} MB/s after {:.1} ms of setup",
        setup * 1000.0
    );
    let bytes = (mib as u64) << 20;
    let before = CpuUse::now(&[turn.pid()]);
    let plain = plain_copy_through(&turn, bytes);
    let plain_cpu = before.since();
    let direct = plain_copy_direct(bytes);
    println!("{mib} MiB plain TCP through the same coturn: {plain:.1} MB/s");
    println!("{mib} MiB plain TCP over loopback, no relay: {direct:.1} MB/s");
    println!(
        "ratio ferry relayed / plain TCP through coturn: {:.2}",
        rate / plain
    );
    let gib = bytes as f64 / (1u64 << 30) as f64;
    let per_gib = |s: f64| s / gib;
    let (send, receive) = (direct_cpu.0, direct_cpu.1[0]);
    println!(
        "CPU seconds per GiB: direct: send {:.2} + receive {:.2} = {:.2}",
        per_gib(send),
        per_gib(receive),
        per_gib(send + receive)
    );
    let (send, receive, coturn) = (relayed_cpu.0, relayed_cpu.1[0], relayed_cpu.1[1]);
    println!(
        "                     relayed: send {:.2} + receive {:.2} + coturn {:.2} = {:.2}",
        per_gib(send),
        per_gib(receive),
        per_gib(coturn),
        per_gib(send + receive + coturn)
    );
    println!(
        "                     plain copy through coturn: coturn {:.2} (the copy's two ends: this process)",
        per_gib(plain_cpu.1[0])
    );
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get()) as f64;
    println!(
        "  at {cores} cores, CPU alone bounds ferry direct at {:.0} MB/s and relayed at {:.0} MB/s",
        cores * bytes as f64 / 1e6 / (direct_cpu.0 + direct_cpu.1[0]),
        cores * bytes as f64 / 1e6 / (send + receive + coturn)
    );
}

/// CPU time (user + system) used from a point on by some running processes, and by the
/// children this process waits for (each `send`).
struct CpuUse {
    children: f64,
    pids: Vec<(u32, f64)>,
}

impl CpuUse {
    fn now(pids: &[u32]) -> CpuUse {
        CpuUse {
            children: children_cpu(),
            pids: pids.iter().map(|&pid| (pid, process_cpu(pid))).collect(),
        }
    }

    /// Seconds since [`CpuUse::now`]: the waited-for children's, and each process's in order.
    fn since(&self) -> (f64, Vec<f64>) {
        (
            children_cpu() - self.children,
            self.pids
                .iter()
                .map(|&(pid, at)| process_cpu(pid) - at)
                .collect(),
        )
    }
}

/// User + system seconds of a running process (`/proc/PID/stat`, fields 14 and 15).
fn process_cpu(pid: u32) -> f64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    // The command name may hold spaces: fields are counted after its closing parenthesis.
    let fields: Vec<&str> = stat
        .rsplit_once(')')
        .map_or("", |(_, rest)| rest)
        .split_whitespace()
        .collect();
    let ticks: f64 = [11, 12]
        .iter()
        .filter_map(|&i| fields.get(i)?.parse::<f64>().ok())
        .sum();
    ticks / unsafe { libc::sysconf(libc::_SC_CLK_TCK) } as f64
}

/// User + system seconds of every child this process has waited for.
fn children_cpu() -> f64 {
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    unsafe { libc::getrusage(libc::RUSAGE_CHILDREN, &mut usage) };
    let secs = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
    secs(usage.ru_utime) + secs(usage.ru_stime)
}

/// MB/s of a plain TCP copy of `bytes` through `turn` (see `common::relay_copy`).
fn plain_copy_through(turn: &Coturn, bytes: u64) -> f64 {
    let server = format!("127.0.0.1:{}", turn.port).parse().unwrap();
    let config = relay_copy::turn_config(server, Coturn::USER, Coturn::PASSWORD, Coturn::REALM);
    let (tx, rx) = std::sync::mpsc::channel();
    let sink = std::thread::spawn(move || {
        relay_copy::relayed_sink(config, [127, 0, 0, 1].into(), bytes, |relayed| {
            let _ = tx.send(relayed);
        })
    });
    let relayed = rx
        .recv_timeout(Duration::from_secs(30))
        .expect("a relayed address from coturn");
    let seconds = relay_copy::push(relayed, bytes).expect("the plain copy through coturn");
    sink.join().unwrap().expect("the relayed sink");
    bytes as f64 / seconds / 1e6
}

/// MB/s of a plain TCP copy of `bytes` over loopback.
fn plain_copy_direct(bytes: u64) -> f64 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let sink = std::thread::spawn(move || relay_copy::sink(listener, bytes));
    let seconds = relay_copy::push(addr, bytes).expect("the plain copy");
    sink.join().unwrap().expect("the sink");
    bytes as f64 / seconds / 1e6
}
