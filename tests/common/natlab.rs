//! Two NATed home networks and a public segment, in network namespaces this process creates
//! (the topology of `netlab.md`, RFC 5737 addresses only, nothing leaves the machine):
//!
//! ```text
//! home1 192.0.2.10    -- r1 (NAT to 203.0.113.1) --+
//!                                                   +-- pub 203.0.113.10 (bridge)
//! home2 198.51.100.10 -- r2 (NAT to 203.0.113.2) --+
//! ```
//! Routers masquerade their home network and forward nothing inbound: home1 and home2 cannot
//! open TCP to each other; both reach pub.
//!
//! [`NatLab::up_with_wan`] joins each router to pub through a WAN link instead of a veth: a
//! userspace link (`tests/wanlink.py`, two TUN devices, since this kernel has no sch_netem)
//! that delays every packet and drops a random fraction, so a home's traffic to pub (coturn,
//! the DHT node) crosses a long, lossy path, and a relayed path crosses two.
#![allow(dead_code)]

use std::io::BufRead;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};

pub struct NatLab {
    prefix: String,
    /// The WAN link processes (`up_with_wan`), killed on drop.
    links: Vec<Child>,
}

/// One WAN link between a home router and the public segment, the same both ways.
#[derive(Clone, Copy, Debug)]
pub struct Wan {
    /// One-way delay: the round trip between a home and pub is twice this.
    pub delay_ms: u32,
    /// Fraction of packets dropped at random, each direction.
    pub loss: f64,
}

static COUNTER: AtomicU32 = AtomicU32::new(0);

fn run(program: &str, args: &[&str]) {
    let status = Command::new(program).args(args).status().expect(program);
    assert!(status.success(), "{program} {args:?} failed");
}

impl NatLab {
    pub fn up() -> Option<NatLab> {
        NatLab::build(None)
    }

    /// The lab with each router joined to pub through a WAN link (`tests/wanlink.py`); `None`
    /// (skipped, reason printed; a failure under CI) without root, iproute2, iptables, python3
    /// or /dev/net/tun.
    pub fn up_with_wan(wan: Wan) -> Option<NatLab> {
        let tun = std::path::Path::new("/dev/net/tun").exists()
            && Command::new("python3").arg("-V").output().is_ok();
        if !tun {
            if std::env::var_os("CI").is_some() {
                panic!("the WAN link needs python3 and /dev/net/tun under CI");
            }
            eprintln!("SKIPPED: the WAN link needs python3 and /dev/net/tun");
            return None;
        }
        NatLab::build(Some(wan))
    }

    fn build(wan: Option<Wan>) -> Option<NatLab> {
        let root = Command::new("id").arg("-u").output().ok()?;
        let tools = Command::new("ip").arg("-V").output().is_ok()
            && Command::new("iptables").arg("-V").output().is_ok();
        if String::from_utf8_lossy(&root.stdout).trim() != "0" || !tools {
            if std::env::var_os("CI").is_some() {
                panic!("the NAT lab needs root, iproute2 and iptables under CI");
            }
            eprintln!("SKIPPED: the NAT lab needs root, iproute2 and iptables");
            return None;
        }
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let mut lab = NatLab {
            prefix: format!("nl{}x{n}", std::process::id() % 100_000),
            links: Vec::new(),
        };
        for h in ["pub", "r1", "r2", "home1", "home2"] {
            run("ip", &["netns", "add", &lab.ns(h)]);
            lab.x(h, &["ip", "link", "set", "lo", "up"]);
        }
        lab.x("pub", &["ip", "link", "add", "br0", "type", "bridge"]);
        lab.x("pub", &["ip", "link", "set", "br0", "up"]);
        lab.x(
            "pub",
            &["ip", "addr", "add", "203.0.113.10/24", "dev", "br0"],
        );
        for (i, r) in ["r1", "r2"].iter().enumerate() {
            if let Some(wan) = wan {
                lab.wan_link(r, i + 1, wan);
                continue;
            }
            let (rp, rb) = (format!("{}{r}p", lab.prefix), format!("{}{r}b", lab.prefix));
            run(
                "ip",
                &[
                    "link",
                    "add",
                    &rp,
                    "netns",
                    &lab.ns(r),
                    "type",
                    "veth",
                    "peer",
                    "name",
                    &rb,
                    "netns",
                    &lab.ns("pub"),
                ],
            );
            lab.x("pub", &["ip", "link", "set", &rb, "master", "br0", "up"]);
            lab.x(
                r,
                &[
                    "ip",
                    "addr",
                    "add",
                    &format!("203.0.113.{}/24", i + 1),
                    "dev",
                    &rp,
                ],
            );
            lab.x(r, &["ip", "link", "set", &rp, "up"]);
        }
        lab.home("r1", "home1", "192.0.2");
        lab.home("r2", "home2", "198.51.100");
        Some(lab)
    }

    /// Router `r` (public address 203.0.113.`i`) joined to pub through a WAN link: TUN device
    /// `{prefix}{r}p` in the router (its uplink, as the veth is otherwise) and `{prefix}{r}x` in
    /// pub, with a host route back.
    fn wan_link(&mut self, r: &str, i: usize, wan: Wan) {
        let (rp, rx) = (
            format!("{}{r}p", self.prefix),
            format!("{}{r}x", self.prefix),
        );
        let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/wanlink.py");
        let mut child = Command::new("python3")
            .arg(script)
            .args([&self.ns(r), &rp, &self.ns("pub"), &rx])
            .args(["--delay-ms", &wan.delay_ms.to_string()])
            .args(["--loss", &wan.loss.to_string()])
            .args(["--max-seconds", "900"])
            .stdout(Stdio::piped())
            .spawn()
            .expect("python3 tests/wanlink.py");
        let mut line = String::new();
        let stdout = child.stdout.take().expect("piped");
        let mut reader = std::io::BufReader::new(stdout);
        // Bounded: the script prints "ready" or exits (EOF) within its setup.
        let _ = reader.read_line(&mut line);
        assert_eq!(line.trim(), "ready", "wanlink.py did not start");
        // What it prints at exit goes to the test's output.
        std::thread::spawn(move || {
            for line in reader.lines().map_while(Result::ok) {
                println!("WAN link {i}: {line}");
            }
        });
        self.links.push(child);
        let (local, public) = (format!("203.0.113.{i}/32"), "203.0.113.10");
        self.x(
            r,
            &["ip", "addr", "add", &local, "peer", public, "dev", &rp],
        );
        self.x(r, &["ip", "route", "add", "203.0.113.0/24", "dev", &rp]);
        self.x(
            "pub",
            &[
                "ip",
                "route",
                "add",
                &format!("203.0.113.{i}/32"),
                "dev",
                &rx,
                "src",
                public,
            ],
        );
    }

    fn home(&self, r: &str, h: &str, net: &str) {
        let (hi, hr) = (
            format!("{}{h}i", self.prefix),
            format!("{}{h}r", self.prefix),
        );
        let rp = format!("{}{r}p", self.prefix);
        run(
            "ip",
            &[
                "link",
                "add",
                &hi,
                "netns",
                &self.ns(h),
                "type",
                "veth",
                "peer",
                "name",
                &hr,
                "netns",
                &self.ns(r),
            ],
        );
        self.x(
            r,
            &["ip", "addr", "add", &format!("{net}.1/24"), "dev", &hr],
        );
        self.x(r, &["ip", "link", "set", &hr, "up"]);
        self.x(
            h,
            &["ip", "addr", "add", &format!("{net}.10/24"), "dev", &hi],
        );
        self.x(h, &["ip", "link", "set", &hi, "up"]);
        self.x(
            h,
            &["ip", "route", "add", "default", "via", &format!("{net}.1")],
        );
        self.x(r, &["sysctl", "-qw", "net.ipv4.ip_forward=1"]);
        self.x(
            r,
            &[
                "iptables",
                "-t",
                "nat",
                "-A",
                "POSTROUTING",
                "-o",
                &rp,
                "-j",
                "MASQUERADE",
            ],
        );
        self.x(
            r,
            &[
                "iptables",
                "-A",
                "FORWARD",
                "-i",
                &rp,
                "-m",
                "conntrack",
                "--ctstate",
                "ESTABLISHED,RELATED",
                "-j",
                "ACCEPT",
            ],
        );
        self.x(r, &["iptables", "-A", "FORWARD", "-i", &rp, "-j", "DROP"]);
    }

    /// The name of one of the lab's interfaces: `r1p` is r1's public side, `home1r` r1's side
    /// of home1's link.
    pub fn iface(&self, name: &str) -> String {
        format!("{}{name}", self.prefix)
    }

    pub fn ns(&self, host: &str) -> String {
        format!("{}-{host}", self.prefix)
    }

    fn x(&self, host: &str, cmd: &[&str]) {
        let mut args = vec!["netns", "exec"];
        let ns = self.ns(host);
        args.push(&ns);
        args.extend_from_slice(cmd);
        run("ip", &args);
    }

    /// `program` run inside `host`.
    pub fn command(&self, host: &str, program: &str) -> Command {
        let mut cmd = Command::new("ip");
        cmd.args(["netns", "exec", &self.ns(host), program]);
        cmd
    }
}

impl Drop for NatLab {
    fn drop(&mut self) {
        for link in &mut self.links {
            // SIGTERM: the link prints what it carried and dropped, then exits.
            let _ = Command::new("kill").arg(link.id().to_string()).status();
            let _ = link.wait();
        }
        for h in ["home1", "home2", "r1", "r2", "pub"] {
            if let Ok(out) = Command::new("ip")
                .args(["netns", "pids", &self.ns(h)])
                .output()
            {
                for pid in String::from_utf8_lossy(&out.stdout).split_whitespace() {
                    let _ = Command::new("kill").args(["-9", pid]).status();
                }
            }
            let _ = Command::new("ip")
                .args(["netns", "del", &self.ns(h)])
                .status();
        }
    }
}

impl NatLab {
    /// `ferry` on `host` with `device`'s home, the lab's DHT node `dht` and its coturn as the
    /// TURN server (no UPnP, no LAN discovery; `FERRY_TEST_LOG` sets the log level).
    pub fn ferry(
        &self,
        host: &str,
        device: &super::Device,
        dht: &str,
        turn: &super::real::Coturn,
    ) -> Command {
        use super::real::Coturn;
        let mut cmd = super::ferry_in_lab(self.command(host, super::ferry_bin()), device, dht);
        cmd.env("FERRY_TURN", format!("turn:203.0.113.10:{}", turn.port))
            .env("FERRY_TURN_USER", Coturn::USER)
            .env("FERRY_TURN_PASSWORD", Coturn::PASSWORD)
            .env("FERRY_TURN_REALM", Coturn::REALM)
            .env_remove("FERRY_NO_TURN");
        cmd
    }
}
