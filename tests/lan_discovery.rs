//! Two hosts on one LAN with no bootstrap at all find each other by OpenDHT's multicast peer
//! discovery. The LAN is a veth pair between two network namespaces this test creates
//! (RFC 5737 addresses, nothing leaves them); it needs root and iproute2.

mod common;
use common::*;
use std::io::BufRead;
use std::process::{Command, Stdio};
use std::time::Duration;

struct Lan {
    prefix: String,
}

impl Lan {
    fn up() -> Option<Lan> {
        let root = Command::new("id").arg("-u").output().ok()?;
        let have_ip = Command::new("ip").arg("-V").output().is_ok();
        if String::from_utf8_lossy(&root.stdout).trim() != "0" || !have_ip {
            if std::env::var_os("CI").is_some() {
                panic!("the LAN test needs root and iproute2 under CI");
            }
            eprintln!("SKIPPED: needs root and iproute2 for network namespaces");
            return None;
        }
        let prefix = format!("fl{}", std::process::id() % 100_000);
        let lan = Lan { prefix };
        let (a, b) = (lan.ns("a"), lan.ns("b"));
        let va = format!("{}va", lan.prefix);
        let vb = format!("{}vb", lan.prefix);
        let steps: Vec<Vec<String>> = vec![
            vec!["netns".into(), "add".into(), a.clone()],
            vec!["netns".into(), "add".into(), b.clone()],
            vec![
                "link".into(),
                "add".into(),
                va.clone(),
                "netns".into(),
                a.clone(),
                "type".into(),
                "veth".into(),
                "peer".into(),
                "name".into(),
                vb.clone(),
                "netns".into(),
                b.clone(),
            ],
        ];
        for step in steps {
            run("ip", &step);
        }
        for (ns, dev, addr) in [(&a, &va, "192.0.2.1/24"), (&b, &vb, "192.0.2.2/24")] {
            run("ip", &["-n", ns, "link", "set", "lo", "up"]);
            run("ip", &["-n", ns, "addr", "add", addr, "dev", dev]);
            run("ip", &["-n", ns, "link", "set", dev, "up"]);
            run("ip", &["-n", ns, "route", "add", "224.0.0.0/4", "dev", dev]);
        }
        Some(lan)
    }

    fn ns(&self, host: &str) -> String {
        format!("{}-{host}", self.prefix)
    }

    fn ferry(&self, host: &str, home: &std::path::Path) -> Command {
        let mut cmd = Command::new("ip");
        cmd.args(["netns", "exec", &self.ns(host), ferry_bin()])
            .env("FERRY_HOME", home)
            .env_remove("FERRY_NO_DISCOVERY")
            .args(["--json", "--bootstrap", "none"]);
        cmd
    }
}

fn run(program: &str, args: &[impl AsRef<std::ffi::OsStr>]) {
    let status = Command::new(program).args(args).status().unwrap();
    assert!(status.success(), "{program} failed");
}

impl Drop for Lan {
    fn drop(&mut self) {
        for host in ["a", "b"] {
            let _ = Command::new("ip")
                .args(["netns", "del", &self.ns(host)])
                .status();
        }
    }
}

#[test]
fn two_hosts_find_each_other_with_no_bootstrap() {
    let Some(lan) = Lan::up() else { return };
    let home = tempfile::tempdir().unwrap();
    let mut node = lan
        .ferry("a", home.path())
        .args(["dht", "put", "--keep", "lan-key", "found-on-the-lan"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // The put succeeds only once host a found a node: it needs host b's node, found by
    // multicast. Start b's long-lived node now.
    let mut other = lan
        .ferry("b", home.path())
        .args(["dht", "node"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    let mut out = std::io::BufReader::new(node.stdout.take().unwrap());
    out.read_line(&mut line).unwrap();
    assert!(
        line.contains("\"stored\""),
        "host a could not store: {line:?}"
    );

    let got = lan
        .ferry("b", home.path())
        .args(["dht", "get", "lan-key"])
        .output()
        .unwrap();
    assert!(got.status.success(), "{got:?}");
    assert!(
        String::from_utf8_lossy(&got.stdout).contains("found-on-the-lan"),
        "{got:?}"
    );
    for child in [&mut node, &mut other] {
        let _ = child.kill();
        wait_bounded(child, Duration::from_secs(10));
    }
}
