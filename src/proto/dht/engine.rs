//! The DHT node as one pure machine: datagrams and `now` in; datagrams, events and the next
//! deadline out. It answers other nodes (ping, find, get with queries, put with tokens,
//! refresh, listen, pushing updates to listeners) and runs ferry's own operations (get, put
//! kept alive, listen) as iterative searches, as OpenDHT does (`opendht-wire.md`).
//!
//! Inputs: [`Engine::handle_datagram`], [`Engine::handle_timeout`], and the operations
//! [`Engine::bootstrap`], [`Engine::ping`], [`Engine::get`], [`Engine::put`],
//! [`Engine::listen`], [`Engine::cancel`]. Outputs, polled in this order after every input:
//! [`Engine::poll_transmit`] until empty, [`Engine::poll_event`] until empty, then
//! [`Engine::poll_timeout`] for when to call [`Engine::handle_timeout`] next.
//!
//! A search keeps the [`SEARCH_NODES`] closest nodes to its key that it has heard of, asks at
//! most [`MAX_IN_FLIGHT`] at a time, and is *synced* when the [`SYNC_NODES`] closest live ones
//! have answered. Then gets are done, puts go to those nodes with their write tokens, and
//! listens go to the [`LISTEN_NODES`] closest and are renewed every [`LISTEN_PERIOD`].

use super::amplification::{self, Held, Hold, Verified, AMPLIFICATION_FACTOR};
use super::assembly::Assemblies;
use super::hash::InfoHash;
use super::message::{
    FieldsReply, Kind, Message, NodeInfo, WireValue, SEND_NODES, WANT_V4, WANT_V6,
};
use super::routing::RoutingTable;
use super::storage::{expiration, Storage, StoreOutcome};
use super::value::Value;
use crate::proto::sha3::{Digest as _, Sha3_256};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::collections::{HashMap, HashSet, VecDeque};
use std::net::{IpAddr, SocketAddr};
use std::time::{Duration, Instant};

/// Nodes a search keeps (`SEARCH_NODES`).
pub const SEARCH_NODES: usize = 14;
/// Closest nodes that must answer before a search is synced, and that receive puts.
pub const SYNC_NODES: usize = 8;
/// Nodes a listen is placed on (`LISTEN_NODES`).
pub const LISTEN_NODES: usize = 4;
/// Requests in flight per search (`MAX_REQUESTED_SEARCH_NODES`).
pub const MAX_IN_FLIGHT: usize = 4;
/// A listen is renewed this often (`LISTEN_EXPIRE_TIME - REANNOUNCE_MARGIN`).
pub const LISTEN_PERIOD: Duration = Duration::from_secs(20);
/// Permanent values are announced again this long before they would expire.
pub const REANNOUNCE_MARGIN: Duration = Duration::from_secs(10);
/// First retransmission wait; later ones double (`MAX_RESPONSE_TIME / 2`).
pub const FIRST_WAIT: Duration = Duration::from_millis(500);
/// A node asked this long ago without answering no longer holds a search back: the search is
/// synced without it (puts and listens go to the nodes that did answer; it still gets them if
/// it answers later). The public DHT is full of nodes that left, and each would otherwise
/// delay every put and get near it by its full retransmission time (~4 s).
pub const SLOW_NODE: Duration = FIRST_WAIT;
/// How long a node that let a request go unanswered for [`SLOW_NODE`] is remembered as
/// silent: the next searches do not wait for it again (they still ask it; any reply from it
/// ends its silence). One process's get, then put, then the peer's answer near the same
/// unreachable node (a node behind a NAT, seen through its mapping by others only) would each
/// otherwise wait [`SLOW_NODE`] for it: a fixed second and a half before every connection.
pub const SILENT_MEMORY: Duration = Duration::from_secs(60);
/// Most silent nodes remembered (a hostile routing table cannot grow it further).
const MAX_SILENT: usize = 512;
/// How long a node id whose request said it is a client (`s`) is remembered as one: its
/// answers to what we send it (an update to its listen, a proof) do not make it a node we
/// give out. As long as a listen lives unrenewed (a client renews it every [`LISTEN_PERIOD`]).
pub const CLIENT_MEMORY: Duration = super::storage::LISTENER_EXPIRE;
/// Most clients remembered (requests are rate-limited; past this, expired ones are dropped
/// first, then new ones are not remembered).
const MAX_CLIENTS: usize = 4096;
/// Sends of one request before its node counts as gone (`MAX_ATTEMPT_COUNT`).
pub const MAX_ATTEMPTS: u8 = 3;
/// A get or put that has not finished by then reports what it has.
pub const OP_TIMEOUT: Duration = Duration::from_secs(30);
/// Long-lived searches (listen, permanent put) look the key up again this often.
pub const SEARCH_REFRESH: Duration = Duration::from_secs(5 * 60);
/// Bootstrap retry period while the routing table is empty (`BOOTSTRAP_PERIOD`).
pub const BOOTSTRAP_PERIOD: Duration = Duration::from_secs(10);
/// Routing table maintenance period.
pub const MAINTENANCE_PERIOD: Duration = Duration::from_secs(60);
/// Incoming requests per second, per source IP and in all (`MAX_REQUESTS_PER_SEC`).
pub const RATE_PER_IP: u32 = 1024;
pub const RATE_GLOBAL: u32 = 8192;
/// How often the token secret changes (the previous one stays valid).
pub const TOKEN_ROTATION: Duration = Duration::from_secs(20 * 60);
/// Granularity of search stepping while searches run.
const SEARCH_TICK: Duration = Duration::from_millis(250);

/// Identifies a client operation.
pub type OpId = u64;

/// Configuration of one node.
#[derive(Debug, Clone)]
pub struct Config {
    pub id: InfoHash,
    pub network: u32,
    /// Ask other nodes not to put us in their routing tables.
    pub client_only: bool,
    pub ipv4: bool,
    pub ipv6: bool,
    pub seed: u64,
    /// Seconds since the Unix epoch at the `now` given to [`Engine::new`]: the engine's wall
    /// clock (to age a put's creation time) runs on from there with its monotonic `now`, so it
    /// never reads a clock itself.
    pub unix_at_start: i64,
}

/// What an operation reports.
#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    /// New (or changed) values at the key of a get or listen.
    Values { op: OpId, values: Vec<Value> },
    /// Values of a listen that expired at the storing nodes.
    Expired { op: OpId, ids: Vec<u64> },
    /// A get finished, or a put was acknowledged (or not) by the storing nodes.
    Done { op: OpId, ok: bool, detail: String },
    /// A node answered a ping.
    Pong {
        op: OpId,
        from: SocketAddr,
        id: InfoHash,
    },
}

/// A datagram to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transmit {
    pub to: SocketAddr,
    pub bytes: Vec<u8>,
}

/// Counters for diagnosis and tests.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Stats {
    pub received: u64,
    pub malformed: u64,
    pub wrong_network: u64,
    pub martian: u64,
    pub rate_limited: u64,
    pub unexpected_replies: u64,
    pub bad_tokens: u64,
    pub parts_dropped: u64,
    /// Answers cut to the budget of an address that never proved itself.
    pub replies_cut: u64,
    pub requests_sent: u64,
    pub timeouts: u64,
    pub values_stored: u64,
    /// Finished gets, and the sum over them of the hops to the farthest of the closest
    /// nodes that answered (the depth of the iterative lookup).
    pub lookups: u64,
    pub lookup_hops: u64,
}

type SearchId = u64;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Purpose {
    Ping(Option<OpId>),
    /// A ping asking an address to prove it receives what is sent there, before a large
    /// answer goes to it ([`amplification`]).
    Proof,
    Search(SearchId),
    Put {
        search: SearchId,
        value_id: u64,
    },
    Listen(SearchId),
    Notify,
}

struct Pending {
    to: SocketAddr,
    datagrams: Vec<Vec<u8>>,
    attempts: u8,
    wait: Duration,
    next_at: Instant,
    purpose: Purpose,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum NodeState {
    Fresh,
    Asked,
    Replied,
    Failed,
}

struct SearchNode {
    info: NodeInfo,
    /// 1 for nodes from our routing table, k+1 for nodes learned from a hop-k node.
    hop: u8,
    token: Option<Vec<u8>>,
    state: NodeState,
    /// When it was last asked (for [`SLOW_NODE`]).
    asked_at: Option<Instant>,
    listen_sid: Option<u32>,
    listened_at: Option<Instant>,
    listen_in_flight: bool,
    acked: HashSet<u64>,
    put_in_flight: HashSet<u64>,
    put_failed: HashSet<u64>,
}

impl SearchNode {
    fn new(info: NodeInfo, hop: u8) -> SearchNode {
        SearchNode {
            info,
            hop,
            token: None,
            state: NodeState::Fresh,
            asked_at: None,
            listen_sid: None,
            listened_at: None,
            listen_in_flight: false,
            acked: HashSet::new(),
            put_in_flight: HashSet::new(),
            put_failed: HashSet::new(),
        }
    }
}

struct Search {
    key: InfoHash,
    v6: bool,
    nodes: Vec<SearchNode>,
    ops: Vec<OpId>,
    /// Values seen at this key, by id, with their packed bytes (to notice changes).
    seen: HashMap<u64, Vec<u8>>,
    refresh_at: Instant,
}

impl Search {
    fn live(&self) -> impl Iterator<Item = &SearchNode> {
        self.nodes.iter().filter(|n| n.state != NodeState::Failed)
    }

    /// The closest live nodes have all answered (nodes silent for [`SLOW_NODE`] aside, and
    /// nodes already known as `silent`).
    fn synced(&self, now: Instant, silent: &HashMap<SocketAddr, Instant>) -> bool {
        let mut any = false;
        let responsive = self.live().filter(|n| {
            let slow = n.asked_at.is_some_and(|at| now >= at + SLOW_NODE)
                || silent
                    .get(&n.info.addr)
                    .is_some_and(|since| now < *since + SILENT_MEMORY);
            !(n.state == NodeState::Asked && slow)
        });
        for node in responsive.take(SYNC_NODES) {
            any = true;
            if node.state != NodeState::Replied {
                return false;
            }
        }
        any
    }

    /// Nothing left to ask and nothing in flight.
    fn exhausted(&self) -> bool {
        !self
            .nodes
            .iter()
            .any(|n| matches!(n.state, NodeState::Fresh | NodeState::Asked))
    }

    fn add_node(&mut self, info: NodeInfo, hop: u8) {
        if self.nodes.iter().any(|n| n.info.id == info.id) {
            return;
        }
        let key = self.key;
        let pos = self
            .nodes
            .partition_point(|n| key.cmp_distance(&n.info.id, &info.id).is_lt());
        if pos >= SEARCH_NODES {
            return;
        }
        self.nodes.insert(pos, SearchNode::new(info, hop));
        // Keep nodes with work in flight even past the limit; drop idle far ones.
        while self.nodes.len() > SEARCH_NODES {
            match self.nodes.iter().rposition(|n| n.state != NodeState::Asked) {
                Some(i) => {
                    self.nodes.remove(i);
                }
                None => break,
            }
        }
    }

    fn node_mut(&mut self, addr: SocketAddr) -> Option<&mut SearchNode> {
        self.nodes.iter_mut().find(|n| n.info.addr == addr)
    }
}

// One per client operation: size does not matter.
#[allow(clippy::large_enum_variant)]
enum OpKind {
    Get {
        found: usize,
    },
    Put {
        value: Value,
        permanent: bool,
        reported: bool,
        announce_at: Option<Instant>,
    },
    Listen,
}

struct Op {
    kind: OpKind,
    searches: Vec<SearchId>,
    deadline: Instant,
}

/// The source this node's own values are counted against in its storage (never a peer's).
const OWN_SOURCE: IpAddr = IpAddr::V4(std::net::Ipv4Addr::UNSPECIFIED);

/// What an answer may cost ([`amplification`]).
#[derive(Debug, Clone, Copy)]
enum Budget {
    /// The address proved itself: the whole answer.
    Whole,
    /// Unverified, with a request of this many bytes: a larger answer waits for a proof.
    MayHold(usize),
    /// Unverified and waited already: the answer is cut to the budget.
    Cut(usize),
}

/// A request held until its source proves its address ([`amplification`]).
struct HeldRequest {
    sender: InfoHash,
    msg: Message,
    /// Bytes the request took on the wire: the budget's base.
    size: usize,
}

struct RateWindow {
    start: Instant,
    global: u32,
    per_ip: HashMap<IpAddr, u32>,
}

/// The node. See the module doc for the polling order.
pub struct Engine {
    config: Config,
    rng: StdRng,
    table4: RoutingTable,
    table6: RoutingTable,
    storage: Storage,
    secret: u64,
    previous_secret: u64,
    rotate_at: Instant,
    tid: u32,
    pending: HashMap<u32, Pending>,
    searches: HashMap<SearchId, Search>,
    next_search: SearchId,
    ops: HashMap<OpId, Op>,
    next_op: OpId,
    bootstrap_nodes: Vec<SocketAddr>,
    next_bootstrap: Option<Instant>,
    bootstrap_wait: Duration,
    next_maintenance: Instant,
    assemblies: Assemblies,
    verified: Verified,
    held: Held<HeldRequest>,
    rate: RateWindow,
    out: VecDeque<Transmit>,
    events: VecDeque<Event>,
    stats: Stats,
    now: Instant,
    /// The `now` given to [`Engine::new`], when the wall clock read [`Config::unix_at_start`].
    started: Instant,
    public_addr: Option<IpAddr>,
    /// Nodes that recently let a request go unanswered for [`SLOW_NODE`], and since when.
    silent: HashMap<SocketAddr, Instant>,
    /// Node ids whose requests said they are clients, and when last ([`CLIENT_MEMORY`]).
    clients: HashMap<InfoHash, Instant>,
}

fn is_martian(addr: &SocketAddr) -> bool {
    if addr.port() == 0 {
        return true;
    }
    match addr.ip() {
        IpAddr::V4(ip) => ip.octets()[0] == 0 || ip.octets()[0] >= 224,
        IpAddr::V6(ip) => {
            ip.octets()[0] == 0xff || ip.is_unspecified() || ip.to_ipv4_mapped().is_some()
        }
    }
}

impl Engine {
    pub fn new(config: Config, now: Instant) -> Engine {
        let mut rng = StdRng::seed_from_u64(config.seed);
        let secret = rng.gen();
        let previous_secret = rng.gen();
        let tid = rng.gen_range(1..u32::MAX / 2);
        Engine {
            table4: RoutingTable::new(config.id),
            table6: RoutingTable::new(config.id),
            config,
            rng,
            storage: Storage::default(),
            secret,
            previous_secret,
            rotate_at: now + TOKEN_ROTATION,
            tid,
            pending: HashMap::new(),
            searches: HashMap::new(),
            next_search: 1,
            ops: HashMap::new(),
            next_op: 1,
            bootstrap_nodes: Vec::new(),
            next_bootstrap: None,
            bootstrap_wait: BOOTSTRAP_PERIOD,
            next_maintenance: now + MAINTENANCE_PERIOD,
            assemblies: Assemblies::default(),
            verified: Verified::default(),
            held: Held::default(),
            rate: RateWindow {
                start: now,
                global: 0,
                per_ip: HashMap::new(),
            },
            out: VecDeque::new(),
            events: VecDeque::new(),
            stats: Stats::default(),
            now,
            started: now,
            public_addr: None,
            silent: HashMap::new(),
            clients: HashMap::new(),
        }
    }

    /// Seconds since the Unix epoch at `now` (see [`Config::unix_at_start`]).
    fn unix_seconds(&self, now: Instant) -> i64 {
        let since = now.saturating_duration_since(self.started).as_secs();
        self.config.unix_at_start + since as i64
    }

    pub fn id(&self) -> InfoHash {
        self.config.id
    }

    pub fn stats(&self) -> &Stats {
        &self.stats
    }

    /// Good nodes known, IPv4 and IPv6.
    pub fn node_counts(&self) -> (usize, usize) {
        (
            self.table4.good_count(self.now),
            self.table6.good_count(self.now),
        )
    }

    /// Our address as other nodes report seeing it.
    pub fn public_addr(&self) -> Option<IpAddr> {
        self.public_addr
    }

    /// Values stored here for others.
    pub fn stored_values(&self) -> usize {
        self.storage.value_count()
    }

    /// Whether operation `op` is still running (a listen, a permanent put).
    pub fn is_active(&self, op: OpId) -> bool {
        self.ops.contains_key(&op)
    }

    pub fn poll_transmit(&mut self) -> Option<Transmit> {
        self.out.pop_front()
    }

    pub fn poll_event(&mut self) -> Option<Event> {
        self.events.pop_front()
    }

    /// When [`Engine::handle_timeout`] should run next.
    pub fn poll_timeout(&self) -> Option<Instant> {
        let mut next = self.pending.values().map(|p| p.next_at).min();
        let mut consider = |at: Option<Instant>| {
            if let Some(at) = at {
                next = Some(next.map_or(at, |n: Instant| n.min(at)));
            }
        };
        consider(self.storage.next_expiry());
        consider(self.next_bootstrap);
        consider(Some(self.next_maintenance));
        consider(Some(self.rotate_at));
        consider(self.assemblies.next_deadline());
        consider(self.held.next_deadline());
        if !self.searches.is_empty() {
            consider(Some(self.now + SEARCH_TICK));
        }
        next
    }

    fn table(&mut self, v6: bool) -> &mut RoutingTable {
        if v6 {
            &mut self.table6
        } else {
            &mut self.table4
        }
    }

    fn new_tid(&mut self) -> u32 {
        self.tid = self.tid.wrapping_add(1).max(1);
        self.tid
    }

    fn token_for(&self, addr: &SocketAddr, secret: u64) -> Vec<u8> {
        let mut h = Sha3_256::new();
        h.update(secret.to_le_bytes());
        match addr.ip() {
            IpAddr::V4(ip) => h.update(ip.octets()),
            IpAddr::V6(ip) => h.update(ip.octets()),
        }
        h.update(addr.port().to_be_bytes());
        h.finalize().to_vec()
    }

    fn token_ok(&self, addr: &SocketAddr, token: Option<&Vec<u8>>) -> bool {
        token.is_some_and(|t| {
            *t == self.token_for(addr, self.secret)
                || *t == self.token_for(addr, self.previous_secret)
        })
    }

    fn base(&self, kind: Kind, tid: u32) -> Message {
        Message {
            kind,
            tid,
            network: self.config.network,
            is_client: self.config.client_only,
            id: Some(self.config.id),
            ..Message::default()
        }
    }

    fn want(&self) -> Option<Vec<u64>> {
        (self.config.ipv4 && self.config.ipv6).then(|| vec![WANT_V4, WANT_V6])
    }

    fn send_reply(&mut self, to: SocketAddr, msg: Message) {
        for bytes in msg.encode_with_parts() {
            self.out.push_back(Transmit { to, bytes });
        }
    }

    fn send_request(&mut self, now: Instant, to: SocketAddr, msg: Message, purpose: Purpose) {
        let datagrams = msg.encode_with_parts();
        for bytes in &datagrams {
            self.out.push_back(Transmit {
                to,
                bytes: bytes.clone(),
            });
        }
        self.stats.requests_sent += 1;
        self.pending.insert(
            msg.tid,
            Pending {
                to,
                datagrams,
                attempts: 1,
                wait: FIRST_WAIT,
                next_at: now + FIRST_WAIT,
                purpose,
            },
        );
    }

    // ----- client operations -------------------------------------------------------------

    /// Ping these addresses now and whenever the routing table runs empty.
    pub fn bootstrap(&mut self, now: Instant, addrs: &[SocketAddr]) {
        for addr in addrs {
            if !self.bootstrap_nodes.contains(addr) {
                self.bootstrap_nodes.push(*addr);
            }
        }
        self.bootstrap_wait = BOOTSTRAP_PERIOD;
        self.next_bootstrap = Some(now);
        self.handle_timeout(now);
    }

    /// Ping one address; a [`Event::Pong`] follows if it answers.
    pub fn ping(&mut self, now: Instant, addr: SocketAddr) -> OpId {
        let op = self.new_op(OpKind::Listen, now);
        self.ops.remove(&op);
        let tid = self.new_tid();
        let msg = self.base(Kind::Ping, tid);
        self.send_request(now, addr, msg, Purpose::Ping(Some(op)));
        op
    }

    /// The search for `key` in one family, started from our routing table if there is none.
    fn search_for(&mut self, now: Instant, key: InfoHash, v6: bool) -> SearchId {
        if let Some((id, _)) = self
            .searches
            .iter()
            .find(|(_, s)| s.key == key && s.v6 == v6)
        {
            return *id;
        }
        let id = self.next_search;
        self.next_search += 1;
        let mut search = Search {
            key,
            v6,
            nodes: Vec::new(),
            ops: Vec::new(),
            seen: HashMap::new(),
            refresh_at: now + SEARCH_REFRESH,
        };
        for info in self.table(v6).closest(&key, SEARCH_NODES, now) {
            search.add_node(info, 1);
        }
        self.searches.insert(id, search);
        id
    }

    fn new_op(&mut self, kind: OpKind, now: Instant) -> OpId {
        let id = self.next_op;
        self.next_op += 1;
        self.ops.insert(
            id,
            Op {
                kind,
                searches: Vec::new(),
                deadline: now + OP_TIMEOUT,
            },
        );
        id
    }

    fn attach(&mut self, now: Instant, op: OpId, key: InfoHash) {
        let mut families = Vec::new();
        if self.config.ipv4 {
            families.push(false);
        }
        if self.config.ipv6 {
            families.push(true);
        }
        for v6 in families {
            let sid = self.search_for(now, key, v6);
            if let Some(search) = self.searches.get_mut(&sid) {
                search.ops.push(op);
                // Values this search already knows reach a new get or listen at once.
                let known: Vec<Value> = search
                    .seen
                    .values()
                    .filter_map(|b| Value::decode(b).ok())
                    .collect();
                if !known.is_empty()
                    && self
                        .ops
                        .get(&op)
                        .is_some_and(|o| !matches!(o.kind, OpKind::Put { .. }))
                {
                    self.events.push_back(Event::Values { op, values: known });
                }
            }
            if let Some(o) = self.ops.get_mut(&op) {
                o.searches.push(sid);
            }
        }
        if !self.config.client_only {
            // What this node stores itself reaches a get or listen at once.
            let here = self.storage.get(&key, None);
            let sids = self
                .ops
                .get(&op)
                .map(|o| o.searches.clone())
                .unwrap_or_default();
            if !here.is_empty() {
                self.deliver_once(&sids, here);
            }
        }
        self.step_all(now);
    }

    /// Find the values at `key`: [`Event::Values`] as they arrive, then [`Event::Done`].
    pub fn get(&mut self, now: Instant, key: InfoHash) -> OpId {
        let op = self.new_op(OpKind::Get { found: 0 }, now);
        self.attach(now, op, key);
        op
    }

    /// Store `value` at `key` on the closest nodes; [`Event::Done`] tells whether any took it.
    /// A permanent put is announced again before it expires, until cancelled.
    pub fn put(&mut self, now: Instant, key: InfoHash, value: Value, permanent: bool) -> OpId {
        self.store_here(now, key, &value);
        let op = self.new_op(
            OpKind::Put {
                value,
                permanent,
                reported: false,
                announce_at: None,
            },
            now,
        );
        self.attach(now, op, key);
        op
    }

    /// Watch `key`: [`Event::Values`] for current and new values, [`Event::Expired`] for
    /// values that expire, until cancelled.
    pub fn listen(&mut self, now: Instant, key: InfoHash) -> OpId {
        let op = self.new_op(OpKind::Listen, now);
        self.attach(now, op, key);
        op
    }

    /// Stop an operation (a permanent put stops being announced; a listen stops).
    pub fn cancel(&mut self, op: OpId) {
        if let Some(o) = self.ops.remove(&op) {
            for sid in o.searches {
                if let Some(s) = self.searches.get_mut(&sid) {
                    s.ops.retain(|x| *x != op);
                }
            }
        }
    }

    // ----- time ---------------------------------------------------------------------------

    pub fn handle_timeout(&mut self, now: Instant) {
        self.now = now;
        self.retransmit(now);
        self.assemblies.expire(now);
        for (from, held) in self.held.expired(now) {
            // No proof came: the answer that fits the budget.
            self.answer(now, from, held.sender, held.msg, Budget::Cut(held.size));
        }
        if now >= self.rotate_at {
            self.previous_secret = self.secret;
            self.secret = self.rng.gen();
            self.rotate_at = now + TOKEN_ROTATION;
        }
        for expired in self.storage.expire(now) {
            for listener in expired.listeners {
                let tid = self.new_tid();
                let mut msg = self.base(Kind::Update, tid);
                msg.socket_id = Some(listener.sid);
                msg.token = Some(self.token_for(&listener.addr, self.secret));
                msg.expired = expired.value_ids.clone();
                self.send_request(now, listener.addr, msg, Purpose::Notify);
            }
        }
        if let Some(at) = self.next_bootstrap {
            if now >= at {
                let (v4, v6) = (self.table4.good_count(now), self.table6.good_count(now));
                if v4 + v6 < SYNC_NODES {
                    for addr in self.bootstrap_nodes.clone() {
                        let tid = self.new_tid();
                        let msg = self.base(Kind::Ping, tid);
                        self.send_request(now, addr, msg, Purpose::Ping(None));
                    }
                }
                self.next_bootstrap = (!self.bootstrap_nodes.is_empty()).then(|| {
                    let wait = self.bootstrap_wait;
                    self.bootstrap_wait = (wait * 2).min(MAINTENANCE_PERIOD * 5);
                    now + wait
                });
            }
        }
        if now >= self.next_maintenance {
            self.next_maintenance = now + MAINTENANCE_PERIOD;
            self.maintain(now);
        }
        self.step_all(now);
    }

    fn retransmit(&mut self, now: Instant) {
        let due: Vec<u32> = self
            .pending
            .iter()
            .filter(|(_, p)| p.next_at <= now)
            .map(|(t, _)| *t)
            .collect();
        for tid in due {
            let Some(p) = self.pending.get_mut(&tid) else {
                continue;
            };
            if p.attempts >= MAX_ATTEMPTS {
                if let Some(p) = self.pending.remove(&tid) {
                    self.stats.timeouts += 1;
                    self.request_failed(now, p);
                }
                continue;
            }
            if p.attempts == 1 {
                // A whole first wait without a reply: later searches need not wait for it.
                let to = p.to;
                self.note_silent(now, to);
            }
            let Some(p) = self.pending.get_mut(&tid) else {
                continue;
            };
            p.attempts += 1;
            let jitter = Duration::from_millis(self.rng.gen_range(0..250));
            p.wait = p.wait * 2 + jitter;
            p.next_at = now + p.wait;
            for bytes in p.datagrams.clone() {
                self.out.push_back(Transmit { to: p.to, bytes });
            }
        }
    }

    fn note_silent(&mut self, now: Instant, addr: SocketAddr) {
        if self.silent.len() >= MAX_SILENT {
            self.silent.retain(|_, since| now < *since + SILENT_MEMORY);
        }
        if self.silent.len() < MAX_SILENT || self.silent.contains_key(&addr) {
            // Silent again: from now (a node that stays unreachable stays skipped).
            self.silent.insert(addr, now);
        }
    }

    /// `id` sent a request saying it is a client (`s`).
    fn note_client(&mut self, now: Instant, id: InfoHash) {
        if self.clients.len() >= MAX_CLIENTS && !self.clients.contains_key(&id) {
            self.clients.retain(|_, at| now < *at + CLIENT_MEMORY);
        }
        if self.clients.len() < MAX_CLIENTS || self.clients.contains_key(&id) {
            self.clients.insert(id, now);
        }
    }

    /// Whether `id` said it is a client within [`CLIENT_MEMORY`].
    fn is_client(&self, id: InfoHash, now: Instant) -> bool {
        self.clients
            .get(&id)
            .is_some_and(|at| now < *at + CLIENT_MEMORY)
    }

    fn request_failed(&mut self, now: Instant, p: Pending) {
        self.table(p.to.is_ipv6()).failed(p.to);
        match p.purpose {
            Purpose::Search(sid) => {
                if let Some(n) = self.searches.get_mut(&sid).and_then(|s| s.node_mut(p.to)) {
                    n.state = NodeState::Failed;
                }
            }
            Purpose::Put { search, value_id } => {
                if let Some(n) = self
                    .searches
                    .get_mut(&search)
                    .and_then(|s| s.node_mut(p.to))
                {
                    n.put_in_flight.remove(&value_id);
                    n.put_failed.insert(value_id);
                }
            }
            Purpose::Listen(sid) => {
                if let Some(n) = self.searches.get_mut(&sid).and_then(|s| s.node_mut(p.to)) {
                    n.listen_in_flight = false;
                    n.state = NodeState::Failed;
                }
            }
            Purpose::Ping(_) | Purpose::Proof | Purpose::Notify => {}
        }
        self.step_all(now);
    }

    /// Keep the routing table fresh: look up our own neighbourhood and a random bucket.
    fn maintain(&mut self, now: Instant) {
        self.verified.forget_stale(now);
        for v6 in [false, true] {
            if self.table(v6).is_empty() {
                continue;
            }
            let depth = self.table(v6).depth();
            let own = self.config.id;
            let bits = self.rng.gen_range(0..=depth.min(159));
            let target = own.random_at_depth(bits, &mut self.rng);
            for key in [own, target] {
                self.search_for(now, key, v6);
            }
        }
    }

    fn step_all(&mut self, now: Instant) {
        let ids: Vec<SearchId> = self.searches.keys().copied().collect();
        for id in ids {
            self.step(now, id);
        }
        self.finish_ops(now);
        // Searches with no operation left end once they have done their lookup.
        let silent = &self.silent;
        self.searches
            .retain(|_, s| !s.ops.is_empty() || !(s.synced(now, silent) || s.exhausted()));
    }

    fn step(&mut self, now: Instant, sid: SearchId) {
        let (wants_values, puts, listening) = self.search_needs(sid);
        let Some(search) = self.searches.get_mut(&sid) else {
            return;
        };
        let v6 = search.v6;
        if now >= search.refresh_at && !search.ops.is_empty() {
            search.refresh_at = now + SEARCH_REFRESH;
            for n in &mut search.nodes {
                if n.state == NodeState::Replied {
                    n.state = NodeState::Fresh;
                }
            }
        }
        if search.live().next().is_none() {
            let key = search.key;
            for info in self.table(v6).closest(&key, SEARCH_NODES, now) {
                if let Some(s) = self.searches.get_mut(&sid) {
                    s.add_node(info, 1);
                }
            }
        }
        let Some(search) = self.searches.get_mut(&sid) else {
            return;
        };
        let key = search.key;
        // 1. Ask the closest nodes not asked yet.
        let mut to_ask = Vec::new();
        let in_flight = search
            .nodes
            .iter()
            .filter(|n| n.state == NodeState::Asked)
            .count();
        for n in search
            .nodes
            .iter_mut()
            .filter(|n| n.state != NodeState::Failed)
            .take(SEARCH_NODES)
        {
            if in_flight + to_ask.len() >= MAX_IN_FLIGHT {
                break;
            }
            if n.state == NodeState::Fresh {
                n.state = NodeState::Asked;
                n.asked_at = Some(now);
                to_ask.push(n.info.addr);
            }
        }
        let synced = search.synced(now, &self.silent);
        // 2. Once synced: puts to the closest nodes, listens to the very closest.
        let mut put_to = Vec::new();
        let mut listen_to = Vec::new();
        if synced {
            for n in search
                .nodes
                .iter_mut()
                .filter(|n| n.state == NodeState::Replied)
                .take(SYNC_NODES)
            {
                let Some(token) = n.token.clone() else {
                    continue;
                };
                for (value, _) in &puts {
                    if !n.acked.contains(&value.id)
                        && !n.put_in_flight.contains(&value.id)
                        && !n.put_failed.contains(&value.id)
                    {
                        n.put_in_flight.insert(value.id);
                        put_to.push((n.info.addr, token.clone(), value.clone()));
                    }
                }
            }
            if listening {
                for n in search
                    .nodes
                    .iter_mut()
                    .filter(|n| n.state == NodeState::Replied && n.token.is_some())
                    .take(LISTEN_NODES)
                {
                    let due = n.listened_at.is_none_or(|at| now >= at + LISTEN_PERIOD);
                    if due && !n.listen_in_flight {
                        n.listen_in_flight = true;
                        listen_to.push((
                            n.info.addr,
                            n.token.clone().unwrap_or_default(),
                            n.listen_sid,
                        ));
                    }
                }
            }
        }
        for addr in to_ask {
            let tid = self.new_tid();
            let kind = if wants_values { Kind::Get } else { Kind::Find };
            let mut msg = self.base(kind, tid);
            if wants_values {
                msg.info_hash = Some(key);
            } else {
                msg.target = Some(key);
            }
            msg.want = self.want();
            self.send_request(now, addr, msg, Purpose::Search(sid));
        }
        for (addr, token, value) in put_to {
            let tid = self.new_tid();
            let mut msg = self.base(Kind::Put, tid);
            msg.info_hash = Some(key);
            msg.token = Some(token);
            let value_id = value.id;
            msg.values = vec![WireValue::Inline(value)];
            self.send_request(
                now,
                addr,
                msg,
                Purpose::Put {
                    search: sid,
                    value_id,
                },
            );
        }
        for (addr, token, listen_sid) in listen_to {
            let tid = self.new_tid();
            let socket = match listen_sid {
                Some(s) => s,
                None => {
                    let s = self.new_tid();
                    if let Some(n) = self.searches.get_mut(&sid).and_then(|s| s.node_mut(addr)) {
                        n.listen_sid = Some(s);
                    }
                    s
                }
            };
            let mut msg = self.base(Kind::Listen, tid);
            msg.info_hash = Some(key);
            msg.token = Some(token);
            msg.socket_id = Some(socket);
            msg.version = Some(1);
            self.send_request(now, addr, msg, Purpose::Listen(sid));
        }
    }

    /// What the operations of a search need: values (get/listen), puts, listening.
    fn search_needs(&self, sid: SearchId) -> (bool, Vec<(Value, bool)>, bool) {
        let Some(search) = self.searches.get(&sid) else {
            return (false, vec![], false);
        };
        let mut wants_values = false;
        let mut puts = Vec::new();
        let mut listening = false;
        for op in &search.ops {
            match self.ops.get(op).map(|o| &o.kind) {
                Some(OpKind::Get { .. }) => wants_values = true,
                Some(OpKind::Listen) => {
                    wants_values = true;
                    listening = true;
                }
                Some(OpKind::Put {
                    value, permanent, ..
                }) => puts.push((value.clone(), *permanent)),
                None => {}
            }
        }
        // Puts and maintenance only need nodes and tokens, which `find` replies carry.
        (wants_values, puts, listening)
    }

    fn finish_ops(&mut self, now: Instant) {
        let ids: Vec<OpId> = self.ops.keys().copied().collect();
        for op in ids {
            let Some(o) = self.ops.get(&op) else { continue };
            let searches: Vec<&Search> = o
                .searches
                .iter()
                .filter_map(|s| self.searches.get(s))
                .collect();
            let all_settled = searches
                .iter()
                .all(|s| s.synced(now, &self.silent) || s.exhausted());
            let any_replied = searches
                .iter()
                .any(|s| s.nodes.iter().any(|n| n.state == NodeState::Replied));
            let timed_out = now >= o.deadline;
            match &o.kind {
                OpKind::Get { found } => {
                    if all_settled || timed_out {
                        let found = *found;
                        let hops = searches
                            .iter()
                            .flat_map(|s| s.live().take(SYNC_NODES).map(|n| u64::from(n.hop)))
                            .max()
                            .unwrap_or(0);
                        self.stats.lookups += 1;
                        self.stats.lookup_hops += hops;
                        let ok = any_replied || found > 0;
                        let detail = if ok {
                            format!("{found} value(s)")
                        } else {
                            "no DHT node answered".to_string()
                        };
                        self.cancel(op);
                        self.events.push_back(Event::Done { op, ok, detail });
                    }
                }
                OpKind::Put {
                    value,
                    permanent,
                    reported,
                    announce_at,
                } => {
                    let vid = value.id;
                    let (mut acked, mut pending, mut targets) = (0, 0, 0);
                    for s in &searches {
                        if !s.synced(now, &self.silent) {
                            if !s.exhausted() {
                                pending += 1;
                            }
                            continue;
                        }
                        for n in s
                            .nodes
                            .iter()
                            .filter(|n| n.state == NodeState::Replied && n.token.is_some())
                            .take(SYNC_NODES)
                        {
                            targets += 1;
                            if n.acked.contains(&vid) {
                                acked += 1;
                            } else if n.put_in_flight.contains(&vid) {
                                pending += 1;
                            }
                        }
                    }
                    let settled = pending == 0 && all_settled;
                    if !*reported && (settled || timed_out) {
                        let here = !self.config.client_only
                            && searches
                                .first()
                                .is_some_and(|s| self.storage.holds(&s.key, vid));
                        let ok = acked > 0 || here;
                        let detail = if acked > 0 {
                            format!("stored on {acked} of {targets} node(s)")
                        } else if here {
                            "stored on this node only: no other node took it yet".to_string()
                        } else if any_replied {
                            "no node accepted the value".to_string()
                        } else {
                            "no DHT node answered".to_string()
                        };
                        let permanent = *permanent;
                        let lifetime = expiration(value.value_type);
                        self.events.push_back(Event::Done { op, ok, detail });
                        if permanent {
                            if let Some(o) = self.ops.get_mut(&op) {
                                if let OpKind::Put {
                                    reported,
                                    announce_at,
                                    ..
                                } = &mut o.kind
                                {
                                    *reported = true;
                                    *announce_at =
                                        Some(now + lifetime.saturating_sub(REANNOUNCE_MARGIN));
                                }
                                o.deadline = now + Duration::from_secs(365 * 24 * 3600);
                            }
                        } else {
                            self.cancel(op);
                        }
                    } else if let Some(at) = announce_at {
                        if now >= *at {
                            // Announce again: forget acknowledgements so puts go out anew.
                            let searches = o.searches.clone();
                            let again = value.clone();
                            let key = searches
                                .first()
                                .and_then(|sid| self.searches.get(sid))
                                .map(|s| s.key);
                            for sid in searches {
                                if let Some(s) = self.searches.get_mut(&sid) {
                                    for n in &mut s.nodes {
                                        n.acked.remove(&vid);
                                        n.put_failed.remove(&vid);
                                        if n.state == NodeState::Replied {
                                            n.state = NodeState::Fresh;
                                        }
                                    }
                                }
                            }
                            if let Some(o) = self.ops.get_mut(&op) {
                                if let OpKind::Put {
                                    reported,
                                    announce_at,
                                    ..
                                } = &mut o.kind
                                {
                                    *reported = false;
                                    *announce_at = None;
                                }
                                o.deadline = now + OP_TIMEOUT;
                            }
                            if let Some(key) = key {
                                self.store_here(now, key, &again);
                            }
                        }
                    }
                }
                OpKind::Listen => {}
            }
        }
    }

    // ----- input ----------------------------------------------------------------------------

    /// One datagram from `from`.
    pub fn handle_datagram(&mut self, now: Instant, from: SocketAddr, bytes: &[u8]) {
        self.now = now;
        self.stats.received += 1;
        let from = match from {
            SocketAddr::V6(a) => match a.ip().to_ipv4_mapped() {
                Some(v4) => SocketAddr::new(IpAddr::V4(v4), a.port()),
                None => from,
            },
            v4 => v4,
        };
        if is_martian(&from) {
            self.stats.martian += 1;
            return;
        }
        let msg = match Message::decode(bytes) {
            Ok(msg) => msg,
            Err(_) => {
                self.stats.malformed += 1;
                return;
            }
        };
        if msg.network != self.config.network {
            self.stats.wrong_network += 1;
            return;
        }
        if msg.kind == Kind::ValueParts {
            self.add_parts(now, from, msg);
            return;
        }
        let sizes: Vec<usize> = msg
            .values
            .iter()
            .filter_map(|v| match v {
                WireValue::Size(n) => Some(*n),
                WireValue::Inline(_) => None,
            })
            .collect();
        if !sizes.is_empty() {
            self.start_assembly(now, from, msg, sizes);
            return;
        }
        self.process(now, from, msg, bytes.len());
        self.step_all(now);
    }

    /// A message whose values follow as parts. Only what the node would serve anyway may make
    /// it hold anything: a request within the rate limit that carries our token (a put) or comes
    /// from a node we listen on (an update), or a reply from the address the request went to.
    /// Then [`Assemblies`] bounds what it may hold, whatever sizes it declares.
    fn start_assembly(&mut self, now: Instant, from: SocketAddr, msg: Message, sizes: Vec<usize>) {
        let admitted = if msg.kind.is_request() {
            if !self.rate_ok(now, from.ip()) {
                self.stats.rate_limited += 1;
                return;
            }
            match msg.kind {
                Kind::Put => self.token_ok(&from, msg.token.as_ref()),
                Kind::Update => self.listening_at(from, msg.socket_id),
                _ => false,
            }
        } else {
            self.pending.get(&msg.tid).is_some_and(|p| p.to == from)
        };
        let key = (from, msg.tid);
        if !admitted || self.assemblies.start(now, key, msg, sizes).is_err() {
            self.stats.parts_dropped += 1;
            return;
        }
        self.complete_assembly(now, key);
    }

    /// Whether we listen at `from` with socket id `sid` (an update may come from there).
    fn listening_at(&self, from: SocketAddr, sid: Option<u32>) -> bool {
        sid.is_some_and(|sid| {
            self.searches.values().any(|s| {
                s.nodes
                    .iter()
                    .any(|n| n.listen_sid == Some(sid) && n.info.addr == from)
            })
        })
    }

    fn add_parts(&mut self, now: Instant, from: SocketAddr, msg: Message) {
        let key = (from, msg.tid);
        let reply_expected = self.pending.get(&msg.tid).is_some_and(|p| p.to == from);
        for part in msg.parts {
            if self
                .assemblies
                .add_part(now, key, part, reply_expected)
                .is_err()
            {
                self.stats.parts_dropped += 1;
            }
        }
        self.complete_assembly(now, key);
    }

    fn complete_assembly(&mut self, now: Instant, key: (SocketAddr, u32)) {
        let Some((mut msg, buffers)) = self.assemblies.take_complete(key) else {
            return;
        };
        let size = buffers.iter().map(Vec::len).sum();
        msg.values = buffers
            .iter()
            .filter_map(|b| Value::decode(b).ok())
            .map(WireValue::Inline)
            .collect();
        self.process(now, key.0, msg, size);
        self.step_all(now);
    }

    fn rate_ok(&mut self, now: Instant, ip: IpAddr) -> bool {
        if now >= self.rate.start + Duration::from_secs(1) {
            self.rate.start = now;
            self.rate.global = 0;
            self.rate.per_ip.clear();
        }
        let per_ip = self.rate.per_ip.entry(ip).or_insert(0);
        if self.rate.global >= RATE_GLOBAL || *per_ip >= RATE_PER_IP {
            return false;
        }
        self.rate.global += 1;
        *per_ip += 1;
        true
    }

    fn process(&mut self, now: Instant, from: SocketAddr, msg: Message, size: usize) {
        let Some(sender) = msg.id else {
            self.stats.malformed += 1;
            return;
        };
        if sender == self.config.id {
            self.stats.malformed += 1;
            return;
        }
        if msg.kind.is_request() {
            if !self.rate_ok(now, from.ip()) {
                self.stats.rate_limited += 1;
                return;
            }
            // As OpenDHT, a node keeps the flag it was first heard with: a request that claims
            // a known node's id as a client's does not stop that node's answers counting.
            if msg.is_client && !self.table(from.is_ipv6()).contains(&sender) {
                self.note_client(now, sender);
            }
            let new = !msg.is_client && self.table(from.is_ipv6()).heard(sender, from, now, false);
            let budget = if self.verified.is_verified(&from, now) {
                Budget::Whole
            } else {
                Budget::MayHold(size)
            };
            self.answer(now, from, sender, msg, budget);
            if new && !self.held.is_holding(from) {
                // A node we did not know: confirm it before giving it out (it is given out
                // only once it answered, as OpenDHT's `isGood`); a spoofed id never answers.
                let tid = self.new_tid();
                let ping = self.base(Kind::Ping, tid);
                self.send_request(now, from, ping, Purpose::Ping(None));
            }
            return;
        }
        if msg.kind == Kind::LegacyUpdate {
            return;
        }
        // A reply or an error: it must answer a request we sent to that address.
        let matches = self.pending.get(&msg.tid).is_some_and(|p| p.to == from);
        if !matches {
            self.stats.unexpected_replies += 1;
            return;
        }
        let Some(pending) = self.pending.remove(&msg.tid) else {
            return;
        };
        // A client answers what we send it (a proof, an update to its listen) and stays a
        // client: it is gone once its command ends, and given out it would make the lookups
        // after it wait on it. OpenDHT keeps the client flag of the node it first heard.
        if !msg.is_client && !self.is_client(sender, now) {
            self.table(from.is_ipv6()).heard(sender, from, now, true);
        }
        self.proven(now, from);
        self.silent.remove(&from);
        if let Some(ip) = msg.seen_addr {
            self.public_addr = Some(ip);
        }
        if msg.kind == Kind::Error {
            self.on_error(from, &pending, &msg);
            return;
        }
        self.on_reply(now, from, sender, pending.purpose, msg);
    }

    fn on_error(&mut self, from: SocketAddr, pending: &Pending, msg: &Message) {
        let code = msg.error.as_ref().map_or(0, |e| e.0);
        let sid = match pending.purpose {
            Purpose::Put { search, value_id } => {
                if let Some(n) = self
                    .searches
                    .get_mut(&search)
                    .and_then(|s| s.node_mut(from))
                {
                    n.put_in_flight.remove(&value_id);
                    if code != 401 {
                        n.put_failed.insert(value_id);
                    }
                }
                search
            }
            Purpose::Listen(search) => {
                if let Some(n) = self
                    .searches
                    .get_mut(&search)
                    .and_then(|s| s.node_mut(from))
                {
                    n.listen_in_flight = false;
                }
                search
            }
            Purpose::Search(search) => {
                if let Some(n) = self
                    .searches
                    .get_mut(&search)
                    .and_then(|s| s.node_mut(from))
                {
                    n.state = NodeState::Failed;
                }
                return;
            }
            _ => return,
        };
        if code == 401 {
            // Our token for that node is stale: ask it again for a fresh one.
            if let Some(n) = self.searches.get_mut(&sid).and_then(|s| s.node_mut(from)) {
                n.token = None;
                n.state = NodeState::Fresh;
            }
        }
    }

    fn on_reply(
        &mut self,
        now: Instant,
        from: SocketAddr,
        sender: InfoHash,
        purpose: Purpose,
        msg: Message,
    ) {
        match purpose {
            Purpose::Ping(op) => {
                if let Some(op) = op {
                    self.events.push_back(Event::Pong {
                        op,
                        from,
                        id: sender,
                    });
                }
                // A bootstrap node answered: look up our own neighbourhood through it.
                if op.is_none() && self.searches.values().all(|s| s.key != self.config.id) {
                    self.next_maintenance = now;
                }
            }
            Purpose::Search(sid) => {
                let Some(search) = self.searches.get_mut(&sid) else {
                    return;
                };
                let v6 = search.v6;
                let mut hop = 1;
                if let Some(n) = search.node_mut(from) {
                    hop = n.hop.saturating_add(1);
                    n.state = NodeState::Replied;
                    if msg.token.is_some() {
                        n.token = msg.token.clone();
                    }
                }
                let nodes = if v6 { &msg.nodes6 } else { &msg.nodes4 };
                for info in nodes {
                    let mut info = *info;
                    if info.addr.ip().is_loopback()
                        && !from.ip().is_loopback()
                        && info.addr.is_ipv6() == from.is_ipv6()
                    {
                        info.addr = SocketAddr::new(from.ip(), info.addr.port());
                    }
                    if info.id != self.config.id && !is_martian(&info.addr) {
                        search.add_node(info, hop);
                    }
                }
                let values: Vec<Value> = msg
                    .values
                    .into_iter()
                    .filter_map(|v| match v {
                        WireValue::Inline(v) => Some(v),
                        WireValue::Size(_) => None,
                    })
                    .collect();
                self.deliver(sid, values);
            }
            Purpose::Put { search, value_id } => {
                if let Some(n) = self
                    .searches
                    .get_mut(&search)
                    .and_then(|s| s.node_mut(from))
                {
                    n.put_in_flight.remove(&value_id);
                    n.acked.insert(value_id);
                }
            }
            Purpose::Listen(search) => {
                if let Some(n) = self
                    .searches
                    .get_mut(&search)
                    .and_then(|s| s.node_mut(from))
                {
                    n.listen_in_flight = false;
                    n.listened_at = Some(now);
                    if msg.token.is_some() {
                        n.token = msg.token;
                    }
                }
            }
            Purpose::Notify | Purpose::Proof => {}
        }
    }

    /// Values seen by a search: new or changed ones go to its gets and listens.
    fn deliver(&mut self, sid: SearchId, values: Vec<Value>) {
        let Some(search) = self.searches.get_mut(&sid) else {
            return;
        };
        let mut fresh = Vec::new();
        for v in values {
            if search.seen.get(&v.id).map(Vec::as_slice) != Some(v.packed()) {
                search.seen.insert(v.id, v.packed().to_vec());
                fresh.push(v);
            }
        }
        if fresh.is_empty() {
            return;
        }
        for op in search.ops.clone() {
            if let Some(o) = self.ops.get_mut(&op) {
                match &mut o.kind {
                    OpKind::Get { found } => *found += fresh.len(),
                    OpKind::Listen => {}
                    OpKind::Put { .. } => continue,
                }
                self.events.push_back(Event::Values {
                    op,
                    values: fresh.clone(),
                });
            }
        }
    }

    fn expire_seen(&mut self, sid: SearchId, ids: &[u64]) {
        let Some(search) = self.searches.get_mut(&sid) else {
            return;
        };
        let gone: Vec<u64> = ids
            .iter()
            .copied()
            .filter(|id| search.seen.remove(id).is_some())
            .collect();
        if gone.is_empty() {
            return;
        }
        for op in search.ops.clone() {
            if matches!(self.ops.get(&op).map(|o| &o.kind), Some(OpKind::Listen)) {
                self.events.push_back(Event::Expired {
                    op,
                    ids: gone.clone(),
                });
            }
        }
    }

    // ----- answering other nodes -------------------------------------------------------------

    fn reply_to(&self, tid: u32, from: SocketAddr) -> Message {
        let mut reply = self.base(Kind::Reply, tid);
        reply.is_client = false;
        reply.seen_addr = Some(from.ip());
        reply
    }

    fn error_to(&mut self, from: SocketAddr, tid: u32, code: u16, text: &str) {
        let mut e = self.base(Kind::Error, tid);
        e.is_client = false;
        e.error = Some((code, text.to_string()));
        self.send_reply(from, e);
    }

    fn add_nodes(
        &self,
        reply: &mut Message,
        target: &InfoHash,
        want: Option<&Vec<u64>>,
        from: SocketAddr,
    ) {
        let (v4, v6) = match want {
            Some(w) => (w.contains(&WANT_V4), w.contains(&WANT_V6)),
            None => (from.is_ipv4(), from.is_ipv6()),
        };
        let exclude = |n: &NodeInfo| n.addr != from;
        if v4 {
            reply.nodes4 = self
                .table4
                .closest_confirmed(target, SEND_NODES + 1, self.now)
                .into_iter()
                .filter(exclude)
                .take(SEND_NODES)
                .collect();
        }
        if v6 {
            reply.nodes6 = self
                .table6
                .closest_confirmed(target, SEND_NODES + 1, self.now)
                .into_iter()
                .filter(exclude)
                .take(SEND_NODES)
                .collect();
        }
    }

    /// `from` just proved it receives what we send there: answer what it was kept waiting for.
    fn proven(&mut self, now: Instant, from: SocketAddr) {
        self.verified.prove(from, now);
        for held in self.held.release(from) {
            self.answer(now, from, held.sender, held.msg, Budget::Whole);
        }
    }

    /// Answer a request within `budget` ([`amplification`]).
    fn answer(
        &mut self,
        now: Instant,
        from: SocketAddr,
        sender: InfoHash,
        msg: Message,
        budget: Budget,
    ) {
        let tid = msg.tid;
        match msg.kind {
            Kind::Ping => {
                let reply = self.reply_to(tid, from);
                self.send_reply(from, reply);
            }
            Kind::Find => {
                let Some(target) = msg.target else {
                    return self.error_to(from, tid, 203, "Find with no target");
                };
                let mut reply = self.reply_to(tid, from);
                self.add_nodes(&mut reply, &target, msg.want.as_ref(), from);
                reply.token = Some(self.token_for(&from, self.secret));
                if let Budget::MayHold(size) | Budget::Cut(size) = budget {
                    amplification::fit_to_budget(&mut reply, size * AMPLIFICATION_FACTOR);
                }
                self.send_reply(from, reply);
            }
            Kind::Get => {
                let Some(key) = msg.info_hash else {
                    return self.error_to(from, tid, 203, "Get_values with no info_hash");
                };
                let mut reply = self.reply_to(tid, from);
                self.add_nodes(&mut reply, &key, msg.want.as_ref(), from);
                reply.token = Some(self.token_for(&from, self.secret));
                let values = self.storage.get(&key, msg.query.as_ref());
                match msg.query.as_ref().filter(|q| !q.select.is_empty()) {
                    Some(q) if !values.is_empty() => {
                        reply.fields = Some(FieldsReply {
                            fields: q.select.clone(),
                            values: values
                                .iter()
                                .flat_map(|v| q.select.iter().map(|f| f.of(v)))
                                .collect(),
                        });
                    }
                    Some(_) => {}
                    None => reply.values = values.into_iter().map(WireValue::Inline).collect(),
                }
                if let Budget::MayHold(size) | Budget::Cut(size) = budget {
                    let limit = size * AMPLIFICATION_FACTOR;
                    if amplification::reply_cost(&mut reply) > limit {
                        if let Budget::MayHold(size) = budget {
                            match self.held.hold(from, now, HeldRequest { sender, msg, size }) {
                                Hold::AskForProof => {
                                    let tid = self.new_tid();
                                    let ping = self.base(Kind::Ping, tid);
                                    self.send_request(now, from, ping, Purpose::Proof);
                                    return;
                                }
                                Hold::Queued => return,
                                Hold::Full(_) => {}
                            }
                        }
                        self.stats.replies_cut += 1;
                        amplification::fit_to_budget(&mut reply, limit);
                    }
                }
                self.send_reply(from, reply);
            }
            Kind::Put => {
                let Some(key) = msg.info_hash else {
                    return self.error_to(from, tid, 203, "Put with no info_hash");
                };
                if !self.token_ok(&from, msg.token.as_ref()) {
                    self.stats.bad_tokens += 1;
                    return self.error_to(from, tid, 401, "Put with wrong token");
                }
                self.proven(now, from);
                let created = msg.created.map(|c| {
                    let age = (self.unix_seconds(now) - c).max(0) as u64;
                    now.checked_sub(Duration::from_secs(age)).unwrap_or(now)
                });
                for value in msg.values {
                    let WireValue::Inline(value) = value else {
                        continue;
                    };
                    let vid = value.id;
                    if self
                        .storage
                        .store(key, value.clone(), created, now, from.ip())
                        == StoreOutcome::New
                    {
                        self.stats.values_stored += 1;
                        self.notify_listeners(now, key, &value);
                    }
                    // Acknowledged even when refused, as OpenDHT does.
                    let mut reply = self.reply_to(tid, from);
                    reply.value_id = Some(vid);
                    self.send_reply(from, reply);
                }
            }
            Kind::Refresh => {
                let Some(key) = msg.info_hash else {
                    return self.error_to(from, tid, 203, "Refresh with no info_hash");
                };
                if !self.token_ok(&from, msg.token.as_ref()) {
                    self.stats.bad_tokens += 1;
                    return self.error_to(from, tid, 401, "Refresh with wrong token");
                }
                let vid = msg.value_id.unwrap_or(0);
                if self.storage.refresh(&key, vid, now).is_none() {
                    return self.error_to(from, tid, 404, "Access operation for unknown storage");
                }
                let mut reply = self.reply_to(tid, from);
                reply.value_id = Some(vid);
                self.send_reply(from, reply);
            }
            Kind::Listen => {
                let Some(key) = msg.info_hash else {
                    return self.error_to(from, tid, 203, "Listen with no info_hash");
                };
                if !self.token_ok(&from, msg.token.as_ref()) {
                    self.stats.bad_tokens += 1;
                    return self.error_to(from, tid, 401, "Listen with wrong token");
                }
                self.proven(now, from);
                let sid = msg.socket_id.unwrap_or(tid);
                let new = self
                    .storage
                    .listen(key, from, sender, sid, msg.query.clone(), now);
                let reply = self.reply_to(tid, from);
                self.send_reply(from, reply);
                if new {
                    let values = self.storage.get(&key, msg.query.as_ref());
                    if !values.is_empty() {
                        self.push_update(now, from, key, sid, values);
                    }
                }
            }
            Kind::Update => {
                let reply = self.reply_to(tid, from);
                self.send_reply(from, reply);
                let Some(sock) = msg.socket_id else { return };
                let found = self.searches.iter().find_map(|(id, s)| {
                    s.nodes
                        .iter()
                        .any(|n| n.listen_sid == Some(sock) && n.info.addr == from)
                        .then_some(*id)
                });
                let Some(sid) = found else { return };
                let values: Vec<Value> = msg
                    .values
                    .into_iter()
                    .filter_map(|v| match v {
                        WireValue::Inline(v) => Some(v),
                        WireValue::Size(_) => None,
                    })
                    .collect();
                self.deliver(sid, values);
                if !msg.expired.is_empty() {
                    self.expire_seen(sid, &msg.expired);
                }
            }
            _ => {}
        }
    }

    fn push_update(
        &mut self,
        now: Instant,
        to: SocketAddr,
        key: InfoHash,
        sid: u32,
        values: Vec<Value>,
    ) {
        let tid = self.new_tid();
        let mut msg = self.base(Kind::Update, tid);
        msg.version = Some(1);
        msg.info_hash = Some(key);
        msg.socket_id = Some(sid);
        msg.token = Some(self.token_for(&to, self.secret));
        msg.values = values.into_iter().map(WireValue::Inline).collect();
        self.send_request(now, to, msg, Purpose::Notify);
    }

    /// A value newly stored here: tell the nodes listening here, and this node's own gets and
    /// listens at that key.
    fn notify_listeners(&mut self, now: Instant, key: InfoHash, value: &Value) {
        for l in self.storage.listeners(&key) {
            if l.query.as_ref().is_none_or(|q| q.matches(value)) {
                self.push_update(now, l.addr, key, l.sid, vec![value.clone()]);
            }
        }
        let sids: Vec<SearchId> = self
            .searches
            .iter()
            .filter(|(_, s)| s.key == key)
            .map(|(id, _)| *id)
            .collect();
        self.deliver_once(&sids, vec![value.clone()]);
    }

    /// Values from this node's own storage, for the searches at one key (one per address
    /// family, each with the same operations): delivered through the first, and marked seen in
    /// the others, so that each operation hears of them once.
    fn deliver_once(&mut self, sids: &[SearchId], values: Vec<Value>) {
        let Some((first, others)) = sids.split_first() else {
            return;
        };
        // Seen by any of them (a copy that came from another node first): not again.
        let fresh: Vec<Value> = values
            .into_iter()
            .filter(|v| {
                !others.iter().any(|sid| {
                    self.searches
                        .get(sid)
                        .is_some_and(|s| s.seen.get(&v.id).map(Vec::as_slice) == Some(v.packed()))
                })
            })
            .collect();
        for sid in others {
            if let Some(s) = self.searches.get_mut(sid) {
                for v in &fresh {
                    s.seen.insert(v.id, v.packed().to_vec());
                }
            }
        }
        self.deliver(*first, fresh);
    }

    /// A full node that knows no other node keeps what it puts in its own storage: alone on a
    /// LAN, it serves its own values to whoever finds it (a client that found it by multicast).
    /// With other nodes around, values go to them as before.
    fn store_here(&mut self, now: Instant, key: InfoHash, value: &Value) {
        if self.config.client_only || self.table4.good_count(now) + self.table6.good_count(now) > 0
        {
            return;
        }
        if self
            .storage
            .store(key, value.clone(), None, now, OWN_SOURCE)
            == StoreOutcome::New
        {
            self.notify_listeners(now, key, value);
        }
    }
}

#[cfg(test)]
mod tests;
