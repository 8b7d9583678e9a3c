//! Two test hosts joined by a veth pair, each in a network namespace this process creates and
//! removes: RFC 5737 IPv4 (192.0.2.1, 192.0.2.2) and/or IPv6 documentation addresses
//! (2001:db8::1, 2001:db8::2). Nothing leaves the namespaces. Needs root and iproute2.
#![allow(dead_code)]

use std::process::Command;
use std::sync::atomic::{AtomicU32, Ordering};

pub struct Pair {
    prefix: String,
}

static COUNTER: AtomicU32 = AtomicU32::new(0);

fn ip(args: &[&str]) {
    let status = Command::new("ip").args(args).status().expect("ip");
    assert!(status.success(), "ip {args:?} failed");
}

impl Pair {
    /// Build the pair; `None` (test skipped, with the reason printed) without root, except
    /// under CI where these tests must run.
    pub fn up(ipv4: bool, ipv6: bool) -> Option<Pair> {
        let root = Command::new("id").arg("-u").output().ok()?;
        let have_ip = Command::new("ip").arg("-V").output().is_ok();
        if String::from_utf8_lossy(&root.stdout).trim() != "0" || !have_ip {
            if std::env::var_os("CI").is_some() {
                panic!("network namespace tests need root and iproute2 under CI");
            }
            eprintln!("SKIPPED: needs root and iproute2 for network namespaces");
            return None;
        }
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let pair = Pair {
            prefix: format!("fy{}x{n}", std::process::id() % 100_000),
        };
        let (a, b) = (pair.ns("a"), pair.ns("b"));
        let (va, vb) = (format!("{}a", pair.prefix), format!("{}b", pair.prefix));
        ip(&["netns", "add", &a]);
        ip(&["netns", "add", &b]);
        ip(&[
            "link", "add", &va, "netns", &a, "type", "veth", "peer", "name", &vb, "netns", &b,
        ]);
        for (ns, dev, n) in [(&a, &va, 1), (&b, &vb, 2)] {
            ip(&["-n", ns, "link", "set", "lo", "up"]);
            ip(&["-n", ns, "link", "set", dev, "up"]);
            if ipv4 {
                ip(&[
                    "-n",
                    ns,
                    "addr",
                    "add",
                    &format!("192.0.2.{n}/24"),
                    "dev",
                    dev,
                ]);
                ip(&["-n", ns, "route", "add", "224.0.0.0/4", "dev", dev]);
            }
            if ipv6 {
                ip(&[
                    "-n",
                    ns,
                    "addr",
                    "add",
                    &format!("2001:db8::{n}/64"),
                    "dev",
                    dev,
                    "nodad",
                ]);
            }
        }
        Some(pair)
    }

    pub fn ns(&self, host: &str) -> String {
        format!("{}-{host}", self.prefix)
    }

    /// `program` run inside host `a` or `b`.
    pub fn command(&self, host: &str, program: &str) -> Command {
        let mut cmd = Command::new("ip");
        cmd.args(["netns", "exec", &self.ns(host), program]);
        cmd
    }
}

impl Drop for Pair {
    fn drop(&mut self) {
        for host in ["a", "b"] {
            // Processes left in the namespace are killed with it.
            if let Ok(out) = Command::new("ip")
                .args(["netns", "pids", &self.ns(host)])
                .output()
            {
                for pid in String::from_utf8_lossy(&out.stdout).split_whitespace() {
                    let _ = Command::new("kill").args(["-9", pid]).status();
                }
            }
            let _ = Command::new("ip")
                .args(["netns", "del", &self.ns(host)])
                .status();
        }
    }
}
