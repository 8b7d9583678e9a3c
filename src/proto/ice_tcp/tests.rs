//! Two [`IceTcp`] machines over an in-memory TCP fabric: time in microseconds, connections
//! that can be refused for a while, delayed, or reset when the first check crosses them.

use super::*;
use std::net::Ipv4Addr;

/// One-way latency between the two sides, in microseconds.
const LATENCY_US: u64 = 5_000;
/// The longest any scenario may run, in simulated time.
const LIMIT: Duration = Duration::from_secs(15);

fn ip(last: u8) -> IpAddr {
    IpAddr::V4(Ipv4Addr::new(192, 0, 2, last))
}

/// One side before the checks start: its agent and what it offers.
struct Offer {
    agent: Agent,
    /// Passive (listening) addresses, with whether each is a relayed one.
    listening: Vec<(SocketAddr, bool)>,
    /// IPs with an active candidate (they dial out).
    active: Vec<IpAddr>,
}

impl Offer {
    fn new(
        t0: Instant,
        controlling: bool,
        listening: &[(SocketAddr, bool)],
        active: &[IpAddr],
    ) -> Offer {
        let mut agent = new_agent(t0, controlling).unwrap();
        for &(addr, relayed) in listening {
            let priority = if relayed { RELAY_PRIORITY } else { 0 };
            let c = candidate_with_priority(addr.ip(), addr.port(), TcpType::Passive, priority)
                .unwrap();
            agent.add_local_candidate(c).unwrap();
        }
        for &a in active {
            agent
                .add_local_candidate(host_candidate(a, ACTIVE_PORT, TcpType::Active).unwrap())
                .unwrap();
        }
        Offer {
            agent,
            listening: listening.to_vec(),
            active: active.to_vec(),
        }
    }

    fn params(&self) -> RemoteParams {
        let credentials = self.agent.get_local_credentials().clone();
        RemoteParams {
            ufrag: credentials.ufrag,
            pwd: credentials.pwd,
            candidates: self
                .agent
                .get_local_candidates()
                .iter()
                .map(|c| c.marshal())
                .collect(),
            public_addrs: vec![],
        }
    }
}

#[derive(Debug)]
enum Delivery {
    /// A dial by `side` to `to` ended; `local` is the dialler's end when it connected.
    Dialled {
        side: usize,
        to: SocketAddr,
        outcome: DialOutcome,
        local: Option<SocketAddr>,
    },
    Message {
        side: usize,
        peer: SocketAddr,
        local: SocketAddr,
        bytes: Vec<u8>,
    },
}

/// How a side ended: the connection handed over (as that side sees it) or the error.
type Ending = Result<(SocketAddr, SocketAddr, bool), IceError>;

struct Fabric {
    t0: Instant,
    now_us: u64,
    sides: [IceTcp; 2],
    /// Who listens where.
    listeners: HashMap<SocketAddr, usize>,
    /// Dials to these addresses are refused until the given time.
    refused_until_us: HashMap<SocketAddr, u64>,
    /// Dials to these addresses connect, and the connection is reset when the first message
    /// crosses it; the count says how many connections get that treatment.
    resets_left: HashMap<SocketAddr, usize>,
    /// Open connections: (side, peer as that side sees it) → (other side, our address as the
    /// other side sees it, the other side's local address).
    links: HashMap<(usize, SocketAddr), (usize, SocketAddr, SocketAddr)>,
    /// Whether the link was dialled to an address that resets it.
    resetting: HashSet<(usize, SocketAddr)>,
    queue: Vec<(u64, Delivery)>,
    next_port: u16,
    endings: [Option<Ending>; 2],
    /// Where each side's connections to each address come from (dials made).
    dials: Vec<(usize, SocketAddr, u64)>,
}

impl Fabric {
    /// `a` controls (the offerer), `b` answers.
    fn new(a: Offer, b: Offer) -> Fabric {
        Fabric::with_limit(a, b, LIMIT)
    }

    fn with_limit(a: Offer, b: Offer, limit: Duration) -> Fabric {
        let t0 = Instant::now();
        let mut listeners = HashMap::new();
        for (side, offer) in [&a, &b].into_iter().enumerate() {
            for &(addr, _) in &offer.listening {
                listeners.insert(addr, side);
            }
        }
        let (pa, pb) = (a.params(), b.params());
        let machine = |o: Offer, remote: &RemoteParams| {
            let offered = o
                .listening
                .iter()
                .map(|(s, _)| s.ip())
                .chain(o.active.iter().copied())
                .collect();
            let relayed = o
                .listening
                .iter()
                .filter(|(_, r)| *r)
                .map(|(s, _)| *s)
                .collect();
            IceTcp::new(o.agent, remote, offered, relayed, vec![], t0, limit).unwrap()
        };
        Fabric {
            t0,
            now_us: 0,
            sides: [machine(a, &pb), machine(b, &pa)],
            listeners,
            refused_until_us: HashMap::new(),
            resets_left: HashMap::new(),
            links: HashMap::new(),
            resetting: HashSet::new(),
            queue: Vec::new(),
            next_port: 40000,
            endings: [None, None],
            dials: Vec::new(),
        }
    }

    fn at(&self, us: u64) -> Instant {
        self.t0 + Duration::from_micros(us)
    }

    fn us(&self, t: Instant) -> u64 {
        t.saturating_duration_since(self.t0).as_micros() as u64
    }

    fn act(&mut self, side: usize, action: Action) {
        let now = self.now_us;
        match action {
            Action::Dial { from, to } => {
                self.dials.push((side, to, now));
                let refused = self.refused_until_us.get(&to).is_some_and(|&t| now < t);
                let target = self.listeners.get(&to).copied().filter(|&s| s != side);
                let delivery = match target {
                    Some(other) if !refused => {
                        self.next_port += 1;
                        let local = SocketAddr::new(from, self.next_port);
                        self.links.insert((side, to), (other, local, to));
                        self.links.insert((other, local), (side, to, local));
                        if let Some(n) = self.resets_left.get_mut(&to).filter(|n| **n > 0) {
                            *n -= 1;
                            self.resetting.insert((side, to));
                        }
                        self.sides[other].inbound();
                        self.sides[other].connection_opened(local, to);
                        Delivery::Dialled {
                            side,
                            to,
                            outcome: DialOutcome::Connected,
                            local: Some(local),
                        }
                    }
                    Some(_) => Delivery::Dialled {
                        side,
                        to,
                        outcome: DialOutcome::Refused,
                        local: None,
                    },
                    None => Delivery::Dialled {
                        side,
                        to,
                        outcome: DialOutcome::Unreachable,
                        local: None,
                    },
                };
                // SYN and SYN-ACK: one round trip.
                self.queue.push((now + 2 * LATENCY_US, delivery));
            }
            Action::Send { peer, message } => {
                let Some(&(other, seen_as, other_local)) = self.links.get(&(side, peer)) else {
                    return;
                };
                if self.resetting.remove(&(side, peer)) {
                    self.links.remove(&(side, peer));
                    self.links.remove(&(other, seen_as));
                    self.sides[side].connection_closed(peer);
                    self.sides[other].connection_closed(seen_as);
                    return;
                }
                self.queue.push((
                    now + LATENCY_US,
                    Delivery::Message {
                        side: other,
                        peer: seen_as,
                        local: other_local,
                        bytes: message,
                    },
                ));
            }
            Action::HandOver { peer, relayed } => {
                let local = self.links.get(&(side, peer)).map(|l| l.1).unwrap();
                self.endings[side] = Some(Ok((peer, local, relayed)));
            }
            Action::GiveUp(err) => self.endings[side] = Some(Err(err)),
        }
    }

    fn deliver(&mut self, delivery: Delivery) {
        let now = self.at(self.now_us);
        match delivery {
            Delivery::Dialled {
                side,
                to,
                outcome,
                local,
            } => {
                self.sides[side].dial_ended(to, outcome, now);
                if let Some(local) = local {
                    if self.links.contains_key(&(side, to)) {
                        self.sides[side].connection_opened(to, local);
                    }
                }
            }
            Delivery::Message {
                side,
                peer,
                local,
                bytes,
            } => self.sides[side].handle_message(peer, local, &bytes, now),
        }
    }

    /// Run until both sides ended (bounded in steps and in simulated time).
    fn run(&mut self) -> [Ending; 2] {
        let end_us = LIMIT.as_micros() as u64 + 1_000_000;
        for _ in 0..200_000 {
            for side in 0..2 {
                while let Some(action) = self.sides[side].poll_action() {
                    self.act(side, action);
                }
            }
            if self.endings.iter().all(Option::is_some) {
                break;
            }
            let timeouts: Vec<Option<u64>> = (0..2)
                .map(|s| {
                    let t = self.sides[s].poll_timeout();
                    t.map(|t| self.us(t))
                })
                .collect();
            let next = self
                .queue
                .iter()
                .map(|(t, _)| *t)
                .chain(timeouts.iter().flatten().copied())
                .min();
            let Some(next) = next else { break };
            assert!(next <= end_us, "still running after {end_us} µs");
            self.now_us = self.now_us.max(next);
            let now_us = self.now_us;
            let (due, later): (Vec<_>, Vec<_>) =
                self.queue.drain(..).partition(|(t, _)| *t <= now_us);
            self.queue = later;
            for (_, delivery) in due {
                self.deliver(delivery);
            }
            for (side, t) in timeouts.into_iter().enumerate() {
                if t.is_some_and(|t| t <= now_us) {
                    let now = self.at(now_us);
                    self.sides[side].handle_timeout(now);
                }
            }
        }
        [
            self.endings[0]
                .take()
                .expect("the controlling side never ended"),
            self.endings[1]
                .take()
                .expect("the controlled side never ended"),
        ]
    }

    fn dials_to(&self, to: SocketAddr) -> Vec<u64> {
        self.dials
            .iter()
            .filter(|(_, t, _)| *t == to)
            .map(|(_, _, at)| *at)
            .collect()
    }
}

fn addr(last: u8, port: u16) -> SocketAddr {
    SocketAddr::new(ip(last), port)
}

/// Both sides hand over the same connection: each one's peer is the other's local end.
fn same_connection(ends: &[Ending; 2]) -> (SocketAddr, SocketAddr, bool, bool) {
    let (a_peer, a_local, a_relayed) = ends[0].clone().expect("controlling side failed");
    let (b_peer, b_local, b_relayed) = ends[1].clone().expect("controlled side failed");
    assert_eq!(
        (a_peer, a_local),
        (b_local, b_peer),
        "different connections"
    );
    (a_peer, b_peer, a_relayed, b_relayed)
}

#[test]
fn two_sides_connect_and_hand_over_the_same_connection() {
    let t0 = Instant::now();
    let a = Offer::new(t0, true, &[(addr(1, 5000), false)], &[ip(1)]);
    let b = Offer::new(t0, false, &[(addr(2, 6000), false)], &[ip(2)]);
    let mut lab = Fabric::new(a, b);
    let ends = lab.run();
    let (a_peer, _, a_relayed, b_relayed) = same_connection(&ends);
    // Either side may dial the other; the selected connection ends on one of the listeners.
    assert!(a_peer == addr(2, 6000) || ends[1].as_ref().unwrap().0 == addr(1, 5000));
    assert!(!a_relayed && !b_relayed);
    // A few round trips, no fixed wait: well under 100 ms of simulated time.
    assert!(lab.now_us < 100_000, "took {} µs", lab.now_us);
}

#[test]
fn a_listener_that_refuses_the_first_dials_is_dialled_again_after_the_redial_wait() {
    let t0 = Instant::now();
    let b_listener = addr(2, 6000);
    // Only `a` can dial (b offers no active candidate), and b's listener refuses for 1.5 s.
    let a = Offer::new(t0, true, &[], &[ip(1)]);
    let b = Offer::new(t0, false, &[(b_listener, false)], &[]);
    let mut lab = Fabric::new(a, b);
    lab.refused_until_us.insert(b_listener, 1_500_000);
    let ends = lab.run();
    let (a_peer, _, _, _) = same_connection(&ends);
    assert_eq!(a_peer, b_listener);
    let dials = lab.dials_to(b_listener);
    assert!(dials.len() >= 3, "dialled only at {dials:?}");
    for pair in dials.windows(2) {
        assert!(
            pair[1] - pair[0] >= REDIAL_WAIT.as_micros() as u64,
            "dialled again too soon: {dials:?}"
        );
    }
    assert!(
        lab.now_us >= 1_500_000 && lab.now_us < 2_500_000,
        "{} µs",
        lab.now_us
    );
}

#[test]
fn a_connection_reset_by_the_peer_is_dialled_again() {
    let t0 = Instant::now();
    let b_listener = addr(2, 6000);
    let a = Offer::new(t0, true, &[], &[ip(1)]);
    let b = Offer::new(t0, false, &[(b_listener, false)], &[]);
    let mut lab = Fabric::new(a, b);
    lab.resets_left.insert(b_listener, 2);
    let ends = lab.run();
    same_connection(&ends);
    assert!(lab.dials_to(b_listener).len() >= 3);
}

/// The relayed path answers at once, the direct one only after 100 ms: the direct pair must
/// be selected on both sides (a relayed candidate looks like a host candidate to rtc-ice).
#[test]
fn a_working_direct_pair_wins_over_a_relayed_one_that_answered_first() {
    let t0 = Instant::now();
    let direct = addr(2, 6000);
    let relay = addr(3, 7000);
    let a = Offer::new(t0, true, &[], &[ip(1)]);
    let b = Offer::new(t0, false, &[(direct, false), (relay, true)], &[]);
    let mut lab = Fabric::new(a, b);
    lab.refused_until_us.insert(direct, 100_000);
    let ends = lab.run();
    let (a_peer, _, a_relayed, b_relayed) = same_connection(&ends);
    assert_eq!(a_peer, direct, "the relayed pair was selected");
    assert!(!a_relayed && !b_relayed);
    // The relay was held back: not dialled before RELAY_WAIT.
    assert!(lab
        .dials_to(relay)
        .iter()
        .all(|&t| t >= RELAY_WAIT.as_micros() as u64));
}

#[test]
fn with_only_a_relay_offered_it_is_dialled_at_once_and_the_path_says_relayed() {
    let t0 = Instant::now();
    let relay = addr(3, 7000);
    let a = Offer::new(t0, true, &[], &[ip(1)]);
    let b = Offer::new(t0, false, &[(relay, true)], &[]);
    let mut lab = Fabric::new(a, b);
    let ends = lab.run();
    let (a_peer, _, a_relayed, b_relayed) = same_connection(&ends);
    assert_eq!(a_peer, relay);
    assert!(
        a_relayed && b_relayed,
        "both sides know the path is relayed"
    );
    assert_eq!(lab.dials_to(relay).first(), Some(&0));
    assert!(lab.now_us < 100_000, "took {} µs", lab.now_us);
}

#[test]
fn with_nothing_reachable_both_sides_give_up_saying_what_was_tried() {
    let t0 = Instant::now();
    let a_listener = addr(1, 5000);
    let b_listener = addr(2, 6000);
    let a = Offer::new(t0, true, &[(a_listener, false)], &[ip(1)]);
    let b = Offer::new(t0, false, &[(b_listener, false)], &[ip(2)]);
    let mut lab = Fabric::with_limit(a, b, Duration::from_secs(3));
    lab.refused_until_us.insert(a_listener, u64::MAX);
    lab.refused_until_us.insert(b_listener, u64::MAX);
    let ends = lab.run();
    for end in ends {
        let Err(IceError::NoPath(text)) = end else {
            panic!("expected no path, got {end:?}")
        };
        assert!(text.contains("refused"), "{text}");
    }
    // The limit, not the agent's own 10 s: the caller's deadline rules.
    assert!(lab.now_us <= 3_000_000, "{} µs", lab.now_us);
}

#[test]
fn an_offer_with_nothing_usable_is_refused_before_any_check() {
    let t0 = Instant::now();
    let a = Offer::new(t0, true, &[], &[ip(1)]);
    let remote = RemoteParams {
        ufrag: "u".into(),
        pwd: "p".into(),
        candidates: vec!["garbage".into()],
        public_addrs: vec![],
    };
    let err = IceTcp::new(a.agent, &remote, vec![ip(1)], vec![], vec![], t0, LIMIT)
        .err()
        .expect("accepted garbage");
    assert_eq!(err, IceError::NoUsableCandidate);
}

#[test]
fn a_peers_loopback_candidate_is_not_dialled_from_a_routable_address() {
    let t0 = Instant::now();
    let a = Offer::new(t0, true, &[], &[ip(1)]);
    let b = Offer::new(
        t0,
        false,
        &[(SocketAddr::from(([127, 0, 0, 1], 6000)), false)],
        &[],
    );
    let remote = b.params();
    let err = IceTcp::new(a.agent, &remote, vec![ip(1)], vec![], vec![], t0, LIMIT)
        .err()
        .expect("a loopback candidate was accepted");
    assert_eq!(err, IceError::NoUsableCandidate);
}
