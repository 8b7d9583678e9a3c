//! ICE over TCP (RFC 6544) as a pure machine: the `rtc-ice` agent plus what ferry adds around
//! it, the connection table, when to dial and dial again, when the peer's relayed candidates
//! join the checks, and which connection is handed over once a pair is selected.
//!
//! `rtc-ice` checks candidate pairs but owns no connections: over TCP, somebody must open one
//! before a check can cross it, route each STUN message to the connection of its peer address
//! (a check from the peer's active candidate comes from an ephemeral port), and open it again
//! when the peer turned it away (a TURN relay before the permission exists, a listener not up
//! yet; RFC 6544 has no "not yet"). [`IceTcp`] decides all of that; `net::ice` only opens the
//! sockets and moves bytes. Time is an input (`now`), nothing here reads a clock or touches a
//! socket, so the rules are tested as pairs of machines over an in-memory TCP fabric.
//!
//! Rules kept here, each with its reason:
//! - A relayed address travels as a host candidate of the lowest priority
//!   ([`RELAY_PRIORITY`]), so the agent's own wait for relay candidates never applies to it:
//!   the controlling side holds the peer's relayed candidates back for [`RELAY_WAIT`] while its
//!   direct ones are checked (a working direct pair must win), or adds them at once when the
//!   peer offered nothing else.
//! - A dial that fails is not tried again for [`REDIAL_WAIT`]; after that the agent's next
//!   check dials again.
//! - A selection on a peer address without a connection is an error, not a hand-over.
//! - No path after the limit, or the agent failed: the error says what was tried
//!   (`proto::attempts`).

use crate::proto::admission::{dialable, MAX_CANDIDATES};
use crate::proto::attempts::{Attempts, DialOutcome};
use bytes::BytesMut;
use rtc_ice::candidate::candidate_host::CandidateHostConfig;
use rtc_ice::candidate::{unmarshal_candidate, Candidate, CandidateConfig};
use rtc_ice::mdns::MulticastDnsMode;
use rtc_ice::network_type::NetworkType;
use rtc_ice::state::ConnectionState;
use rtc_ice::tcp_type::TcpType;
use rtc_ice::{Agent, AgentConfig, Event as IceEvent};
use rtc_shared::{TaggedBytesMut, TransportContext, TransportProtocol};
use sansio::Protocol;
use std::collections::{HashMap, HashSet, VecDeque};
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Agent pacing: checks every 50 ms while connecting, failure after 10 s of silence.
pub const CHECK_INTERVAL: Duration = Duration::from_millis(50);
pub const FAILED_TIMEOUT: Duration = Duration::from_secs(10);
/// How long a candidate pair is checked before it counts as failed. rtc-ice sends one check
/// per pair each `CHECK_INTERVAL` and gives up after `max_binding_requests` (7 by default:
/// 350 ms). A pair through a TURN-TCP relay needs a ConnectionAttempt, a new data connection
/// and a ConnectionBind before the first check crosses, three round trips to the server; and
/// a dial that is turned away (no permission yet, a listener not up) must be tried again.
/// RFC 8445 lets a check retransmit for about 40 s; 5 s is plenty on any real path.
pub const PAIR_CHECK_WINDOW: Duration = Duration::from_secs(5);
/// How long the controlling side checks the peer's direct candidates before its relayed ones
/// join: a working direct pair must win, and rtc-ice would nominate whichever pair works first.
pub const RELAY_WAIT: Duration = Duration::from_millis(500);
/// How long after a failed connection attempt the same address may be dialled again.
pub const REDIAL_WAIT: Duration = Duration::from_millis(250);
/// The port active TCP candidates are written with (RFC 6544 §4.5).
pub const ACTIVE_PORT: u16 = 9;
/// Priority of a relayed candidate: type preference 0 (RFC 8445 §5.1.2), so any direct pair
/// that works is preferred, and the peer can tell a relay from the priority alone.
pub const RELAY_PRIORITY: u32 = (65535 << 8) | 255;

/// What went wrong setting up or running the checks.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IceError {
    #[error("ICE agent: {0}")]
    Agent(String),
    #[error("the peer offered no usable candidate")]
    NoUsableCandidate,
    /// No pair connected: what was tried, worded by `Attempts::no_path`.
    #[error("{0}")]
    NoPath(String),
    #[error("ICE selected {0}, which has no connection")]
    SelectedWithoutConnection(SocketAddr),
}

fn agent_error(err: impl std::fmt::Display) -> IceError {
    IceError::Agent(err.to_string())
}

/// What the other side sent in its signalling.
#[derive(Debug, Clone)]
pub struct RemoteParams {
    pub ufrag: String,
    pub pwd: String,
    pub candidates: Vec<String>,
    /// Addresses the peer is seen from on the Internet (for TURN permissions).
    pub public_addrs: Vec<String>,
}

/// An agent set up for TCP candidates the way ferry runs it: no mDNS, no keepalives, no
/// nomination waits for direct pairs, pairs checked for [`PAIR_CHECK_WINDOW`].
pub fn new_agent(now: Instant, controlling: bool) -> Result<Agent, IceError> {
    let config = AgentConfig {
        multicast_dns_mode: MulticastDnsMode::Disabled,
        network_types: vec![NetworkType::Tcp4, NetworkType::Tcp6],
        is_controlling: controlling,
        check_interval: CHECK_INTERVAL,
        max_binding_requests: Some(
            (PAIR_CHECK_WINDOW.as_millis() / CHECK_INTERVAL.as_millis()) as u16,
        ),
        failed_timeout: Some(FAILED_TIMEOUT),
        disconnected_timeout: Some(FAILED_TIMEOUT),
        keepalive_interval: Some(Duration::ZERO),
        host_acceptance_min_wait: Some(Duration::ZERO),
        prflx_acceptance_min_wait: Some(Duration::ZERO),
        srflx_acceptance_min_wait: Some(Duration::ZERO),
        relay_acceptance_min_wait: Some(RELAY_WAIT),
        ..Default::default()
    };
    let provider = rtc_ice::crypto::default_provider().map_err(agent_error)?;
    Agent::new(now, Arc::new(config), provider).map_err(agent_error)
}

/// A TCP host candidate with the priority rtc-ice computes for it.
pub fn host_candidate(ip: IpAddr, port: u16, tcp_type: TcpType) -> Result<Candidate, IceError> {
    candidate_with_priority(ip, port, tcp_type, 0)
}

/// A TCP candidate; priority 0 lets rtc-ice compute a host priority.
pub fn candidate_with_priority(
    ip: IpAddr,
    port: u16,
    tcp_type: TcpType,
    priority: u32,
) -> Result<Candidate, IceError> {
    CandidateHostConfig {
        base_config: CandidateConfig {
            network: "tcp".to_owned(),
            address: ip.to_string(),
            port,
            component: 1,
            priority,
            ..Default::default()
        },
        tcp_type,
    }
    .new_candidate_host()
    .map_err(|e| IceError::Agent(format!("candidate {ip}:{port}: {e}")))
}

/// What the driver must do next.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// Open a TCP connection from `from` (any port) to the peer's candidate `to`, then report
    /// [`IceTcp::dial_ended`] and, if it connected, [`IceTcp::connection_opened`].
    Dial { from: IpAddr, to: SocketAddr },
    /// Send one STUN message on the connection to `peer` (framed per RFC 4571 by the driver).
    Send { peer: SocketAddr, message: Vec<u8> },
    /// The pair over the connection to `peer` is selected: hand that connection over. Final.
    HandOver { peer: SocketAddr, relayed: bool },
    /// No path. Final.
    GiveUp(IceError),
}

/// The checks against one peer, from the first dial to the hand-over.
pub struct IceTcp {
    agent: Agent,
    attempts: Attempts,
    started: Instant,
    deadline: Instant,
    /// Open connections: the peer's address → our local address on it.
    conns: HashMap<SocketAddr, SocketAddr>,
    /// Peer addresses being dialled (or waiting out [`REDIAL_WAIT`]).
    dialing: HashSet<SocketAddr>,
    /// Messages for a peer whose connection is not open yet.
    waiting: HashMap<SocketAddr, Vec<Vec<u8>>>,
    /// Failed dials: when the address may be dialled again.
    redial_at: HashMap<SocketAddr, Instant>,
    /// The peer's relayed candidates held back (controlling side), and when they join.
    held_relayed: Vec<Candidate>,
    release_relayed: Option<Instant>,
    /// Our relayed addresses: a pair on one of them is relayed.
    relayed_locals: Vec<SocketAddr>,
    actions: VecDeque<Action>,
    finished: bool,
}

impl IceTcp {
    /// Start the checks: `agent` holds our candidates, `offered` the addresses we offered
    /// (host and relayed: a peer's loopback or link-local candidate is dialled only if we are
    /// in that scope too), `relay_outcomes` one line per TURN allocation tried, for the error.
    pub fn new(
        mut agent: Agent,
        remote: &RemoteParams,
        offered: Vec<IpAddr>,
        relayed_locals: Vec<SocketAddr>,
        relay_outcomes: Vec<String>,
        now: Instant,
        limit: Duration,
    ) -> Result<IceTcp, IceError> {
        let controlling = agent.role();
        let mut attempts = Attempts::new(offered.clone(), relay_outcomes);
        let mut held_relayed = Vec::new();
        let mut accepted = 0;
        for line in remote.candidates.iter().take(MAX_CANDIDATES) {
            match unmarshal_candidate(line) {
                Ok(c) if !dialable(c.addr().ip(), &offered) => {
                    attempts.not_dialled(line, "a loopback or link-local address not offered here")
                }
                Ok(c) => {
                    let relayed = c.priority() <= RELAY_PRIORITY;
                    // Active candidates (port 9) are never dialled: they dial us.
                    if c.tcp_type() != TcpType::Active {
                        attempts.candidate(c.addr(), relayed);
                    }
                    if relayed && controlling {
                        held_relayed.push(c);
                        accepted += 1;
                    } else if agent.add_remote_candidate(c).is_ok() {
                        accepted += 1;
                    }
                }
                Err(_) => attempts.not_dialled(line, "not a candidate this side can read"),
            }
        }
        if accepted == 0 {
            return Err(IceError::NoUsableCandidate);
        }
        // With nothing direct to try, the relay is tried at once.
        let release_relayed = (!held_relayed.is_empty()).then(|| {
            now + if accepted == held_relayed.len() {
                Duration::ZERO
            } else {
                RELAY_WAIT
            }
        });
        agent
            .start_connectivity_checks(now, controlling, remote.ufrag.clone(), remote.pwd.clone())
            .map_err(agent_error)?;
        let mut ice = IceTcp {
            agent,
            attempts,
            started: now,
            deadline: now + limit,
            conns: HashMap::new(),
            dialing: HashSet::new(),
            waiting: HashMap::new(),
            redial_at: HashMap::new(),
            held_relayed,
            release_relayed,
            relayed_locals,
            actions: VecDeque::new(),
            finished: false,
        };
        ice.drain(now);
        Ok(ice)
    }

    /// A TCP connection to `peer` is open (dialled by us or accepted), `local` being our end.
    pub fn connection_opened(&mut self, peer: SocketAddr, local: SocketAddr) {
        if self.finished {
            return;
        }
        self.conns.insert(peer, local);
        for message in self.waiting.remove(&peer).unwrap_or_default() {
            self.actions.push_back(Action::Send { peer, message });
        }
    }

    /// The connection to `peer` closed (or was reset): the next check dials again.
    pub fn connection_closed(&mut self, peer: SocketAddr) {
        self.conns.remove(&peer);
        self.dialing.remove(&peer);
        self.waiting.remove(&peer);
        self.redial_at.remove(&peer);
    }

    /// How dialling `peer` ended. A failure keeps the address from being dialled again for
    /// [`REDIAL_WAIT`].
    pub fn dial_ended(&mut self, peer: SocketAddr, outcome: DialOutcome, now: Instant) {
        let failed = outcome != DialOutcome::Connected;
        self.attempts.dialled(peer, outcome);
        if failed && !self.finished {
            self.waiting.remove(&peer);
            self.redial_at.insert(peer, now + REDIAL_WAIT);
        }
    }

    /// The peer opened a connection to us (a listener or the relay).
    pub fn inbound(&mut self) {
        self.attempts.inbound();
    }

    /// A STUN message arrived on the connection `local` ← `peer`.
    pub fn handle_message(
        &mut self,
        peer: SocketAddr,
        local: SocketAddr,
        message: &[u8],
        now: Instant,
    ) {
        if self.finished {
            return;
        }
        let tagged = TaggedBytesMut {
            now,
            transport: TransportContext {
                local_addr: local,
                peer_addr: peer,
                transport_protocol: TransportProtocol::TCP,
                ecn: None,
            },
            message: BytesMut::from(message),
        };
        // A message the agent cannot use (a stray, a wrong password) is dropped: the checks
        // go on, and the deadline still applies.
        let _ = self.agent.handle_read(tagged);
        self.drain(now);
    }

    /// When [`IceTcp::handle_timeout`] must run next.
    pub fn poll_timeout(&mut self) -> Option<Instant> {
        if self.finished {
            return None;
        }
        let mut at = self.deadline;
        for t in self
            .agent
            .poll_timeout()
            .into_iter()
            .chain(self.release_relayed)
            .chain(self.redial_at.values().copied())
        {
            at = at.min(t);
        }
        Some(at)
    }

    pub fn handle_timeout(&mut self, now: Instant) {
        if self.finished {
            return;
        }
        if now >= self.deadline {
            let waited = self.deadline.saturating_duration_since(self.started);
            self.give_up(IceError::NoPath(self.attempts.no_path(waited)));
            return;
        }
        if self.release_relayed.is_some_and(|at| now >= at) {
            self.release_relayed = None;
            for c in self.held_relayed.drain(..) {
                let _ = self.agent.add_remote_candidate(c);
            }
        }
        let due: Vec<SocketAddr> = self
            .redial_at
            .iter()
            .filter(|(_, at)| now >= **at)
            .map(|(peer, _)| *peer)
            .collect();
        for peer in due {
            self.connection_closed(peer);
        }
        let _ = self.agent.handle_timeout(now);
        self.drain(now);
    }

    /// The next thing to do, if any.
    pub fn poll_action(&mut self) -> Option<Action> {
        self.actions.pop_front()
    }

    fn give_up(&mut self, err: IceError) {
        self.finished = true;
        self.actions.clear();
        self.actions.push_back(Action::GiveUp(err));
        let _ = self.agent.close();
    }

    /// Turn what the agent wants to send and what it decided into actions.
    fn drain(&mut self, now: Instant) {
        while let Some(out) = self.agent.poll_write() {
            let peer = out.transport.peer_addr;
            let message = out.message.to_vec();
            if self.conns.contains_key(&peer) {
                self.actions.push_back(Action::Send { peer, message });
                continue;
            }
            if self.redial_at.contains_key(&peer) {
                continue; // A failed dial: wait before the next one.
            }
            let from = out.transport.local_addr.ip();
            if from.is_ipv4() != peer.is_ipv4() {
                continue; // Not a dial at all.
            }
            self.waiting.entry(peer).or_default().push(message);
            if self.dialing.insert(peer) {
                self.actions.push_back(Action::Dial { from, to: peer });
            }
        }
        while let Some(tagged) = self.agent.poll_event() {
            match tagged.event {
                IceEvent::SelectedCandidatePairChange(local, remote) => {
                    let peer = remote.addr();
                    if !self.conns.contains_key(&peer) {
                        self.give_up(IceError::SelectedWithoutConnection(peer));
                        return;
                    }
                    let relayed = self.relayed_locals.contains(&local.addr())
                        || remote.priority() <= RELAY_PRIORITY;
                    self.finished = true;
                    self.actions.push_back(Action::HandOver { peer, relayed });
                    let _ = self.agent.close();
                    return;
                }
                IceEvent::ConnectionStateChange(ConnectionState::Failed) => {
                    let waited = now.saturating_duration_since(self.started);
                    self.give_up(IceError::NoPath(self.attempts.no_path(waited)));
                    return;
                }
                _ => {}
            }
        }
    }
}

#[cfg(test)]
mod tests;
