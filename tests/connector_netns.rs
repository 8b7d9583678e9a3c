//! The connector across a real link: two hosts in network namespaces joined by a veth pair
//! (RFC 5737 / IPv6 documentation addresses), a `dhtnode` on host a, the receiver on host b,
//! the sender on host a. Candidates cross the veth link, not loopback; then the same over IPv6
//! only.

use crate::common::netns::Pair;
use crate::common::real::*;
use crate::common::*;
use std::process::Command;

fn ferry_in(pair: &Pair, host: &str, device: &Device, bootstrap: &str) -> Command {
    ferry_in_lab(pair.command(host, ferry_bin()), device, bootstrap)
}

fn transfer_across(ipv4: bool, ipv6: bool, dht_host_addr: &str, expect_prefix: &str) {
    let Some(pair) = Pair::up(ipv4, ipv6) else {
        return;
    };
    if !have_dhtnode() {
        return;
    }
    let node = DhtNode::spawn(pair.command("a", "dhtnode"));
    let bootstrap = if dht_host_addr.contains(':') {
        format!("[{dht_host_addr}]:{}", node.port)
    } else {
        format!("{dht_host_addr}:{}", node.port)
    };
    let work = tempfile::tempdir().unwrap();
    let (alice, bob) = (Device::new(), Device::new());
    let inbox = work.path().join("inbox");
    let mut receiver = ferry_in(&pair, "b", &bob, &bootstrap);
    receiver
        .args(["--json", "receive", "--yes", "--once", "--dir"])
        .arg(&inbox);
    let receiving = Receiving::spawn(receiver, "online");
    let source = random_file(work.path(), "across.bin", 2 << 20);
    let sender = ferry_in(&pair, "a", &alice, &bootstrap);
    let (_, connected) = sent_verified(sender, &bob, receiving, &source, "direct");
    let addr = connected["addr"].as_str().unwrap();
    assert!(
        addr.contains(expect_prefix),
        "the path used {addr}, not the veth link"
    );
}

#[test]
fn two_hosts_on_a_veth_link_over_ipv4() {
    transfer_across(true, false, "192.0.2.1", "192.0.2.");
}

#[test]
fn two_hosts_on_a_veth_link_over_ipv6_only() {
    transfer_across(false, true, "2001:db8::1", "2001:db8::");
}

/// IPv6 only, each host behind a firewall that drops inbound TCP connections (as home routers
/// do for IPv6): no direct path, so the transfer goes through an IPv6 relay allocation (RFC
/// 6156) on the TURN server of host a, which is the one port host a lets in.
#[test]
fn ipv6_only_hosts_behind_firewalls_meet_through_an_ipv6_relay() {
    let Some(pair) = Pair::up(false, true) else {
        return;
    };
    if !have_dhtnode() || !have_coturn() {
        return;
    }
    let node = DhtNode::spawn(pair.command("a", "dhtnode"));
    let a_ns = pair.ns("a");
    let turn = Coturn::start_at(&["ip", "netns", "exec", &a_ns], "2001:db8::1", false);
    let turn_port = turn.port.to_string();
    let firewall: [(&str, Vec<&str>); 2] = [
        (
            "a",
            vec!["-p", "tcp", "--dport", &turn_port, "-j", "ACCEPT"],
        ),
        ("b", vec![]),
    ];
    for (host, allow) in &firewall {
        let rules: [&[&str]; 3] = [
            &["-A", "INPUT", "-i", "lo", "-j", "ACCEPT"],
            &[&["-A", "INPUT"][..], &allow[..]].concat(),
            &["-A", "INPUT", "-p", "tcp", "--syn", "-j", "DROP"],
        ];
        for rule in rules.iter().filter(|r| r.len() > 2) {
            let status = pair
                .command(host, "ip6tables")
                .args(*rule)
                .status()
                .unwrap();
            assert!(status.success(), "ip6tables {rule:?} on {host}");
        }
    }
    let bootstrap = format!("[2001:db8::1]:{}", node.port);
    let relay = |cmd: &mut Command| {
        cmd.env_remove("FERRY_NO_TURN")
            .env("FERRY_TURN", format!("turn:[2001:db8::1]:{}", turn.port))
            .env("FERRY_TURN_USER", Coturn::USER)
            .env("FERRY_TURN_PASSWORD", Coturn::PASSWORD)
            .env("FERRY_TURN_REALM", Coturn::REALM);
    };
    let work = tempfile::tempdir().unwrap();
    let (alice, bob) = (Device::new(), Device::new());
    let inbox = work.path().join("inbox");
    let mut receiver = ferry_in(&pair, "b", &bob, &bootstrap);
    relay(&mut receiver);
    receiver
        .args(["--json", "receive", "--yes", "--once", "--dir"])
        .arg(&inbox);
    let receiving = Receiving::spawn(receiver, "online");
    let source = random_file(work.path(), "v6-relayed.bin", 1 << 20);
    let mut sender = ferry_in(&pair, "a", &alice, &bootstrap);
    relay(&mut sender);
    let (_, connected) = sent_verified(sender, &bob, receiving, &source, "relay");
    assert!(
        connected["addr"].as_str().unwrap().contains("2001:db8::1"),
        "{connected}"
    );
}
