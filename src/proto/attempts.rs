//! What was tried to find a path to a peer, told back when none worked.
//!
//! ICE on its own gives up with "no candidate pair connected". To decide what to change, a user
//! needs to know which of the peer's addresses were dialled and how each attempt ended, whether
//! the peer reached this side at all, and what became of the TURN relay. [`Attempts`] collects
//! that while ICE runs (`net::ice` feeds it what its sockets saw) and [`Attempts::no_path`] words
//! it as one line. Pure: no clock, no sockets; bounded by the candidates an offer may carry.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

/// How a TCP connection attempt to one of the peer's candidates ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DialOutcome {
    /// It connected (the ICE check over it may still have gone unanswered).
    Connected,
    /// Actively refused: the address answers, nothing listens (or a firewall rejects).
    Refused,
    /// No answer within the dial limit: dropped on the way (a firewall, a NAT).
    TimedOut(Duration),
    /// No route to that network or host from here.
    Unreachable,
    /// Anything else, as the system said it.
    Failed(String),
}

impl DialOutcome {
    /// Sort an I/O error from `connect`.
    pub fn of_io(err: &std::io::Error) -> DialOutcome {
        use std::io::ErrorKind;
        match err.kind() {
            ErrorKind::ConnectionRefused => DialOutcome::Refused,
            ErrorKind::NetworkUnreachable | ErrorKind::HostUnreachable => DialOutcome::Unreachable,
            ErrorKind::TimedOut => DialOutcome::Failed("timed out".into()),
            _ => DialOutcome::Failed(err.to_string()),
        }
    }

    fn describe(&self) -> String {
        match self {
            DialOutcome::Connected => "connected, but no ICE answer came over it".into(),
            DialOutcome::Refused => "refused".into(),
            DialOutcome::TimedOut(limit) => format!("no answer within {} s", limit.as_secs()),
            DialOutcome::Unreachable => "unreachable from here".into(),
            DialOutcome::Failed(why) => why.clone(),
        }
    }
}

#[derive(Debug, Clone)]
struct PeerCandidate {
    /// Offered as a TURN-relayed address (its priority says so).
    relayed: bool,
    /// How the last dial ended; `None` while none did (never dialled, or still dialling).
    outcome: Option<DialOutcome>,
}

/// Most peer candidates not dialled that are listed (an offer carries at most 16 anyway).
const MAX_LISTED_SKIPS: usize = 16;

/// Everything tried to reach one peer.
#[derive(Debug, Clone, Default)]
pub struct Attempts {
    /// The addresses this side offered (host and relayed).
    offered_here: Vec<IpAddr>,
    /// One line per TURN allocation tried (`turn:HOST:PORT (IPv4): ...`); empty: no relay
    /// configured.
    relay: Vec<String>,
    peer: BTreeMap<SocketAddr, PeerCandidate>,
    /// Peer candidates not dialled, and why.
    not_dialled: Vec<(String, &'static str)>,
    /// Connections the peer opened to this side.
    inbound: usize,
}

impl Attempts {
    pub fn new(offered_here: Vec<IpAddr>, relay: Vec<String>) -> Attempts {
        Attempts {
            offered_here,
            relay,
            ..Attempts::default()
        }
    }

    /// A candidate of the peer that will be dialled.
    pub fn candidate(&mut self, addr: SocketAddr, relayed: bool) {
        self.peer.entry(addr).or_insert(PeerCandidate {
            relayed,
            outcome: None,
        });
    }

    /// A candidate of the peer that is not dialled, and why.
    pub fn not_dialled(&mut self, line: &str, why: &'static str) {
        if self.not_dialled.len() < MAX_LISTED_SKIPS {
            self.not_dialled
                .push((line.chars().take(80).collect(), why));
        }
    }

    /// How a dial of `addr` ended. A connection, once made, is what is told even if a later
    /// dial of the same address fails.
    pub fn dialled(&mut self, addr: SocketAddr, outcome: DialOutcome) {
        let entry = self.peer.entry(addr).or_insert(PeerCandidate {
            relayed: false,
            outcome: None,
        });
        if entry.outcome != Some(DialOutcome::Connected) {
            entry.outcome = Some(outcome);
        }
    }

    /// The peer opened a connection to this side.
    pub fn inbound(&mut self) {
        self.inbound += 1;
    }

    /// The error when no path was found within `waited`: each peer candidate and how its dial
    /// ended, the peer's connections to us, the relay, and what to do next.
    pub fn no_path(&self, waited: Duration) -> String {
        let mut text = format!("no path to the peer within {} s.", waited.as_secs());
        if self.peer.is_empty() {
            text.push_str(" The peer offered no candidate this side can dial");
        } else {
            text.push_str(" Dialled the peer's candidates:");
            for (n, (addr, candidate)) in self.peer.iter().enumerate() {
                let kind = if candidate.relayed { ", its relay" } else { "" };
                let outcome = candidate
                    .outcome
                    .as_ref()
                    .map_or("no outcome yet".to_string(), DialOutcome::describe);
                let sep = if n == 0 { " " } else { "; " };
                let _ = write!(text, "{sep}{addr} ({}{kind}): {outcome}", family(addr.ip()));
            }
        }
        for (line, why) in &self.not_dialled {
            let _ = write!(text, "; not dialled {line:?}: {why}");
        }
        let here: Vec<String> = self.offered_here.iter().map(|ip| ip.to_string()).collect();
        let _ = write!(
            text,
            ". The peer reached this side {} time(s) (offered here: {}).",
            self.inbound,
            if here.is_empty() {
                "nothing".to_string()
            } else {
                here.join(", ")
            }
        );
        if self.relay.is_empty() {
            text.push_str(" Relay: none (TURN is off).");
        } else {
            let _ = write!(text, " Relay: {}.", self.relay.join("; "));
        }
        text.push_str(
            " Next: make one side reachable over TCP (a forwarded port, UPnP on its router), or \
             give both sides a TURN server that works (--turn, --turn-user, --turn-password; \
             `ferry doctor` checks it)",
        );
        text
    }
}

fn family(ip: IpAddr) -> &'static str {
    if ip.is_ipv4() {
        "IPv4"
    } else {
        "IPv6"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn addr(text: &str) -> SocketAddr {
        text.parse().unwrap()
    }

    #[test]
    fn each_candidate_its_outcome_the_relay_and_what_next() {
        let mut attempts = Attempts::new(
            vec!["192.0.2.1".parse().unwrap()],
            vec!["turn:127.0.0.1:9 (IPv4): connecting to the TURN server: refused".into()],
        );
        attempts.candidate(addr("192.0.2.2:4000"), false);
        attempts.candidate(addr("[2001:db8::2]:4000"), false);
        attempts.candidate(addr("203.0.113.9:50000"), true);
        attempts.not_dialled(
            "1 1 tcp 1 127.0.0.1 5 typ host",
            "loopback, not offered here",
        );
        attempts.dialled(addr("192.0.2.2:4000"), DialOutcome::Connected);
        attempts.dialled(
            addr("192.0.2.2:4000"),
            DialOutcome::TimedOut(Duration::from_secs(5)),
        );
        attempts.dialled(
            addr("[2001:db8::2]:4000"),
            DialOutcome::TimedOut(Duration::from_secs(5)),
        );
        attempts.dialled(addr("203.0.113.9:50000"), DialOutcome::Refused);
        let text = attempts.no_path(Duration::from_secs(15));
        assert!(
            text.starts_with("no path to the peer within 15 s."),
            "{text}"
        );
        // A connection made stays what is told.
        assert!(
            text.contains("192.0.2.2:4000 (IPv4): connected, but no ICE answer"),
            "{text}"
        );
        assert!(
            text.contains("[2001:db8::2]:4000 (IPv6): no answer within 5 s"),
            "{text}"
        );
        assert!(
            text.contains("203.0.113.9:50000 (IPv4, its relay): refused"),
            "{text}"
        );
        assert!(text.contains("loopback, not offered here"), "{text}");
        assert!(
            text.contains("reached this side 0 time(s) (offered here: 192.0.2.1)"),
            "{text}"
        );
        assert!(text.contains("Relay: turn:127.0.0.1:9 (IPv4)"), "{text}");
        assert!(text.contains("ferry doctor"), "{text}");
        assert!(!text.contains('\n'));
    }

    #[test]
    fn no_candidate_and_no_relay_are_said() {
        let mut attempts = Attempts::new(Vec::new(), Vec::new());
        attempts.inbound();
        let text = attempts.no_path(Duration::from_secs(15));
        assert!(text.contains("offered no candidate"), "{text}");
        assert!(text.contains("reached this side 1 time(s) (offered here: nothing)"));
        assert!(text.contains("Relay: none (TURN is off)"), "{text}");
    }

    #[test]
    fn what_is_listed_is_bounded() {
        let mut attempts = Attempts::default();
        for n in 0..100 {
            attempts.not_dialled(&"x".repeat(500), if n % 2 == 0 { "a" } else { "b" });
        }
        assert_eq!(attempts.not_dialled.len(), MAX_LISTED_SKIPS);
        assert!(attempts.not_dialled.iter().all(|(l, _)| l.len() == 80));
    }

    #[test]
    fn io_errors_are_sorted() {
        use std::io::{Error, ErrorKind};
        assert_eq!(
            DialOutcome::of_io(&Error::from(ErrorKind::ConnectionRefused)),
            DialOutcome::Refused
        );
        assert_eq!(
            DialOutcome::of_io(&Error::from(ErrorKind::HostUnreachable)),
            DialOutcome::Unreachable
        );
    }
}
