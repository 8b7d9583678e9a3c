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
#![allow(dead_code)]

use std::process::Command;
use std::sync::atomic::{AtomicU32, Ordering};

pub struct NatLab {
    prefix: String,
}

static COUNTER: AtomicU32 = AtomicU32::new(0);

fn run(program: &str, args: &[&str]) {
    let status = Command::new(program).args(args).status().expect(program);
    assert!(status.success(), "{program} {args:?} failed");
}

impl NatLab {
    pub fn up() -> Option<NatLab> {
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
        let lab = NatLab {
            prefix: format!("nl{}x{n}", std::process::id() % 100_000),
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
