//! Real parts for end-to-end tests: Debian's `dhtnode` and python3-opendht, on loopback, and
//! [`BootstrapNode`]: the DHT node the connector and transfer tests meet on, `dhtnode` when it
//! is installed and ferry's own node (`ferry dht node`) when it is not.
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Whether `program` can run; without it a test is skipped, except under CI where the
/// real-part tests must run (tests/ci.sh installs them).
pub fn require(program: &str, check: &[&str]) -> bool {
    let ok = installed(program, check);
    if !ok {
        if std::env::var_os("CI").is_some() {
            panic!("{program} is required (tests/ci.sh installs it)");
        }
        eprintln!("SKIPPED: {program} is not installed (run tests/ci.sh to install it)");
    }
    ok
}

/// Whether `program check...` runs and succeeds, quietly.
pub fn installed(program: &str, check: &[&str]) -> bool {
    Command::new(program)
        .args(check)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

pub fn have_dhtnode() -> bool {
    require("dhtnode", &["--help"])
}

pub fn have_python_opendht() -> bool {
    require("/usr/bin/python3", &["-c", "import opendht"])
}

/// A UDP port free on both IPv4 and IPv6 (nodes bind both), picked at random in a range
/// the kernel does not hand out for port 0, so parallel tests rarely collide.
pub fn free_udp_port() -> u16 {
    use rand::Rng;
    let mut rng = rand::thread_rng();
    for _ in 0..200 {
        let port = rng.gen_range(20_000..30_000);
        // A dual-stack bind of [::] succeeds only if the IPv4 port is free as well.
        if std::net::UdpSocket::bind(("::", port)).is_ok() {
            return port;
        }
    }
    panic!("no free UDP port");
}

/// An interactive `dhtnode` driven through its stdin.
pub struct DhtNode {
    child: Child,
    stdin: ChildStdin,
    output: Arc<Mutex<Vec<String>>>,
    pub port: u16,
}

impl DhtNode {
    pub fn start(bootstrap: Option<u16>) -> DhtNode {
        let mut cmd = Command::new("dhtnode");
        if let Some(b) = bootstrap {
            cmd.args(["-b", &format!("127.0.0.1:{b}")]);
        }
        DhtNode::spawn(cmd)
    }

    /// A dhtnode started by `cmd` (for example inside a network namespace), on a free port.
    pub fn spawn(mut cmd: Command) -> DhtNode {
        let port = free_udp_port();
        cmd.args(["-p", &port.to_string()]);
        let mut child = cmd
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn dhtnode");
        let stdin = child.stdin.take().expect("stdin");
        let stdout = child.stdout.take().expect("stdout");
        let output = Arc::new(Mutex::new(Vec::new()));
        let sink = output.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                sink.lock().expect("lock").push(line);
            }
        });
        let node = DhtNode {
            child,
            stdin,
            output,
            port,
        };
        let line = node.wait_output(|l| l.contains("running on"), Duration::from_secs(10));
        assert!(
            !line.contains("port 0"),
            "dhtnode could not bind both families: {line}"
        );
        node
    }

    pub fn addr(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }

    pub fn command(&mut self, line: &str) {
        writeln!(self.stdin, "{line}").expect("dhtnode stdin");
        self.stdin.flush().expect("flush");
    }

    /// Wait for an output line matching `ok`, returning it.
    pub fn wait_output(&self, ok: impl Fn(&str) -> bool, limit: Duration) -> String {
        let deadline = Instant::now() + limit;
        loop {
            if let Some(line) = self.output.lock().expect("lock").iter().find(|l| ok(l)) {
                return line.clone();
            }
            if Instant::now() > deadline {
                panic!(
                    "dhtnode on {}: no matching line within {limit:?}; output:\n{}",
                    self.port,
                    self.output.lock().expect("lock").join("\n")
                );
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// `g KEY` until the value with this text shows (values can take a moment to spread).
    pub fn get_until(&mut self, key: &str, text: &str, limit: Duration) {
        let deadline = Instant::now() + limit;
        let needle = format!(":\"{text}\"");
        loop {
            self.command(&format!("g {key}"));
            let found = self
                .output
                .lock()
                .expect("lock")
                .iter()
                .any(|l| l.contains(&needle));
            if found {
                return;
            }
            if Instant::now() > deadline {
                panic!(
                    "dhtnode on {} never found {text:?} at {key:?}; output:\n{}",
                    self.port,
                    self.output.lock().expect("lock").join("\n")
                );
            }
            std::thread::sleep(Duration::from_millis(300));
        }
    }
}

impl Drop for DhtNode {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The DHT node a connector or transfer test bootstraps on (loopback only). These tests need
/// some node to meet on, not OpenDHT's in particular (the interop tests use [`DhtNode`]), so:
///
/// - `FERRY_TEST_OWN_NODE=1`: always ferry's own node (to show it serves);
/// - else under `CI` (tests/ci.sh installs `dhtnode`): `dhtnode`, which must be there;
/// - else `dhtnode` when installed, ferry's own node when not.
pub enum BootstrapNode {
    Dhtnode(DhtNode),
    /// `ferry --json --bootstrap none dht node` in a home of its own, on a port of its choice.
    Ferry {
        _node: super::Receiving,
        port: u16,
        _home: tempfile::TempDir,
    },
}

impl BootstrapNode {
    pub fn start() -> BootstrapNode {
        if own_node_forced() {
            return BootstrapNode::ferry();
        }
        if std::env::var_os("CI").is_some() {
            assert!(have_dhtnode(), "dhtnode is required under CI");
            return BootstrapNode::Dhtnode(DhtNode::start(None));
        }
        if installed("dhtnode", &["--help"]) {
            BootstrapNode::Dhtnode(DhtNode::start(None))
        } else {
            eprintln!("dhtnode is not installed: bootstrapping on ferry's own node");
            BootstrapNode::ferry()
        }
    }

    /// Ferry's own node: a full node (it stores values and answers lookups) joined through
    /// nothing, with no LAN discovery; ready once it prints the addresses it bound.
    pub fn ferry() -> BootstrapNode {
        let home = tempfile::tempdir().expect("tempdir");
        let mut cmd = Command::new(super::ferry_bin());
        cmd.env("FERRY_HOME", home.path())
            .env("FERRY_NO_DISCOVERY", "1")
            .env("FERRY_NO_UPNP", "1")
            .args([
                "--json",
                "--bootstrap",
                "none",
                "--dht-port",
                "0",
                "dht",
                "node",
            ]);
        let mut node = super::Receiving::spawn(cmd, "node");
        let ready = node.seen.last().cloned().unwrap_or_default();
        let port = ready["ipv4"]
            .as_str()
            .and_then(|a| a.rsplit(':').next()?.parse().ok())
            .filter(|&p| p != 0)
            .unwrap_or_else(|| panic!("ferry's node bound no IPv4 port: {ready}"));
        assert!(node.still_running(), "ferry's node exited: {ready}");
        BootstrapNode::Ferry {
            _node: node,
            port,
            _home: home,
        }
    }

    /// Where ferry commands bootstrap (`FERRY_BOOTSTRAP`).
    pub fn addr(&self) -> String {
        format!("127.0.0.1:{}", self.port())
    }

    pub fn port(&self) -> u16 {
        match self {
            BootstrapNode::Dhtnode(n) => n.port,
            BootstrapNode::Ferry { port, .. } => *port,
        }
    }

    /// `"dhtnode"` or `"ferry"`, for figures printed beside each other.
    pub fn kind(&self) -> &'static str {
        match self {
            BootstrapNode::Dhtnode(_) => "dhtnode",
            BootstrapNode::Ferry { .. } => "ferry",
        }
    }
}

/// Whether `FERRY_TEST_OWN_NODE` asks for ferry's own node (set, and not `0` or empty).
pub fn own_node_forced() -> bool {
    std::env::var("FERRY_TEST_OWN_NODE").is_ok_and(|v| !v.is_empty() && v != "0")
}

/// Run a python3-opendht script with a runner bootstrapped to `bootstrap_port`; `runner` is
/// the name of the `DhtRunner` in the script. Returns stdout; fails the test on error.
pub fn python_opendht(bootstrap_port: u16, body: &str) -> String {
    let port = free_udp_port();
    let script = format!(
        "import opendht as dht, sys, time\n\
         runner = dht.DhtRunner()\n\
         runner.run(port={port})\n\
         runner.bootstrap('127.0.0.1', '{bootstrap_port}')\n\
         time.sleep(1.5)\n\
         {body}\n\
         runner.shutdown()\n"
    );
    let mut child = Command::new("/usr/bin/python3")
        .args(["-c", &script])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("python3");
    let status = super::wait_bounded(&mut child, Duration::from_secs(60));
    let mut out = String::new();
    let mut err = String::new();
    std::io::Read::read_to_string(&mut child.stdout.take().expect("stdout"), &mut out).ok();
    std::io::Read::read_to_string(&mut child.stderr.take().expect("stderr"), &mut err).ok();
    assert!(status.success(), "python3-opendht failed: {err}\n{out}");
    out
}

pub fn have_coturn() -> bool {
    require("turnserver", &["-h"])
}

/// A coturn TURN server on loopback with one static user, as `turn-tcp.md` describes.
pub struct Coturn {
    child: Child,
    pub port: u16,
    _dir: tempfile::TempDir,
}

impl Coturn {
    pub const USER: &'static str = "user";
    pub const PASSWORD: &'static str = "password";
    pub const REALM: &'static str = "realm";

    /// Start on loopback (`listen` and relay addresses `ip`), optionally through `prefix`
    /// (for example `ip netns exec NS`).
    pub fn start_at(prefix: &[&str], ip: &str, loopback_peers: bool) -> Coturn {
        Coturn::start_with(prefix, ip, loopback_peers, None)
    }

    /// As [`Coturn::start_at`], also serving TURN over TLS on `tls.0` with the PEM certificate
    /// and key files `tls.1` and `tls.2`.
    pub fn start_with(
        prefix: &[&str],
        ip: &str,
        loopback_peers: bool,
        tls: Option<(u16, &std::path::Path, &std::path::Path)>,
    ) -> Coturn {
        let dir = tempfile::tempdir().expect("tempdir");
        let port = free_tcp_port();
        let mut args: Vec<String> = prefix.iter().map(|s| s.to_string()).collect();
        args.push("turnserver".into());
        for a in [
            "-n",
            "-a",
            "-u",
            "user:password",
            "-r",
            "realm",
            "--listening-ip",
            ip,
            "--relay-ip",
            ip,
            "--listening-port",
            &port.to_string(),
            "--no-udp-relay",
            "--no-cli",
            "--no-dtls",
            "--log-file",
            "stdout",
            "--pidfile",
        ] {
            args.push(a.to_string());
        }
        args.push(dir.path().join("turn.pid").display().to_string());
        match tls {
            Some((tls_port, cert, key)) => {
                args.push("--tls-listening-port".into());
                args.push(tls_port.to_string());
                args.push("--cert".into());
                args.push(cert.display().to_string());
                args.push("--pkey".into());
                args.push(key.display().to_string());
            }
            None => args.push("--no-tls".into()),
        }
        if loopback_peers {
            args.push("--allow-loopback-peers".into());
        }
        let child = Command::new(&args[0])
            .args(&args[1..])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn turnserver");
        let coturn = Coturn {
            child,
            port,
            _dir: dir,
        };
        // Wait until it accepts TCP (bounded).
        let deadline = Instant::now() + Duration::from_secs(10);
        let target = if ip.contains(':') {
            format!("[{ip}]:{port}")
        } else {
            format!("{ip}:{port}")
        };
        while Instant::now() < deadline {
            let probe = if prefix.is_empty() {
                std::net::TcpStream::connect(&target).is_ok()
            } else {
                // Inside a namespace, rely on the pid file appearing.
                coturn._dir.path().join("turn.pid").exists()
            };
            if probe {
                if !prefix.is_empty() {
                    std::thread::sleep(Duration::from_millis(300));
                }
                return coturn;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!("turnserver did not start on {target}");
    }

    pub fn start() -> Coturn {
        Coturn::start_at(&[], "127.0.0.1", true)
    }

    /// The process started: `turnserver` itself when started without a prefix.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    pub fn url(&self) -> String {
        format!("turn:127.0.0.1:{}", self.port)
    }

    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Coturn {
    fn drop(&mut self) {
        self.kill();
    }
}

/// A TCP port free on loopback (bound and released).
pub fn free_tcp_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    l.local_addr().expect("addr").port()
}

/// Datagrams captured from real OpenDHT nodes (`tests/vectors/opendht/*.bin`), plus a ping
/// request, so there is always something well formed to mutate in robustness tests.
pub fn captured_datagrams() -> Vec<Vec<u8>> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/vectors/opendht");
    let mut out: Vec<Vec<u8>> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(Result::ok)
                .filter(|e| e.path().extension().is_some_and(|x| x == "bin"))
                .filter_map(|e| std::fs::read(e.path()).ok())
                .collect()
        })
        .unwrap_or_default();
    out.push(
        b"\x84\xa1a\x81\xa2id\xc4\x14AAAAAAAAAAAAAAAAAAAA\xa1q\xa4ping\xa1t\x01\xa1y\xa1q".to_vec(),
    );
    out
}
