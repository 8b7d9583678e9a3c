//! The DHT node on real sockets: one IPv4 and one IPv6 UDP socket on the same port sharing
//! one node id, LAN multicast discovery, and a task that drives `proto::dht::engine`.
//!
//! [`Dht`] is a cheap handle: every call sends a command to the driver task, which owns the
//! engine and the sockets, so the protocol logic stays in the pure machine.
//!
//! Its calls fail with a [`DhtError`].

use crate::proto::dht::discovery::{self, Packet};
use crate::proto::dht::engine::{Config, Engine, Event, OpId, Stats};
use crate::proto::dht::proxy::{ProxyMode, ProxyUrl};
use crate::proto::dht::{value::Value, InfoHash};
use socket2::{Domain, Protocol, Socket, Type};
use std::collections::HashMap;
use std::io;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, SocketAddrV4, SocketAddrV6};
use std::time::{Duration, Instant};
use tokio::net::UdpSocket;
use tokio::sync::{mpsc, oneshot};

/// Jami's public bootstrap node, the default when none is given.
pub const DEFAULT_BOOTSTRAP: &str = "bootstrap.jami.net:4222";
/// Largest datagram read.
const MAX_DATAGRAM: usize = 64 * 1024;
/// Discovery announcements: first period, doubling up to the maximum.
const DISCOVERY_PERIOD: Duration = Duration::from_secs(10);
const DISCOVERY_PERIOD_MAX: Duration = Duration::from_secs(60);

/// How long a command waits for a first DHT node before it gives up on the network.
pub const JOIN_WAIT: Duration = Duration::from_secs(10);

/// Why the node could not start, or an operation on it failed. As with `ConnectError`, the
/// text ends with its cause and no variant has a `source`: it reads the same with `{}` and
/// `{:#}` (the connector quotes it inside its own errors, and logs it).
#[derive(Debug, thiserror::Error)]
pub enum DhtError {
    /// The IPv4 socket could not be bound at the address asked for.
    #[error("binding UDP {addr}: {cause}")]
    BindV4 { addr: SocketAddr, cause: io::Error },
    /// The IPv6 socket could not be bound, and there is no IPv4 socket to run on alone.
    #[error("binding the IPv6 DHT socket: {cause}")]
    BindV6 { addr: SocketAddr, cause: io::Error },
    /// Neither IPv4 nor IPv6 was asked for.
    #[error("the DHT needs at least one of IPv4 and IPv6")]
    NoFamily,
    /// A bound socket could not say its address (the kernel's words).
    #[error("{0}")]
    Socket(io::Error),
    /// The node's task has ended: no command reaches it any more.
    #[error("the DHT node stopped")]
    Stopped,
    /// The node's task ended before it answered a command.
    #[error("the DHT node stopped: {0}")]
    StoppedAnswering(oneshot::error::RecvError),
    /// A get found no value, and the lookup itself failed: how (the engine's words).
    #[error("get {key}: {detail}")]
    Get { key: InfoHash, detail: String },
    /// A put was not stored: why (the engine's words).
    #[error("put {key}: {detail}")]
    Put { key: InfoHash, detail: String },
    /// A ping was not answered after its retries.
    #[error("no answer from {0}")]
    NoAnswer(SocketAddr),
    /// The only way to the DHT is a proxy, and it failed: its error.
    #[error(
        "{0}: check that the proxy runs and its URL (--dht-proxy, FERRY_DHT_PROXY or [dht] \
         proxy in the configuration file), or use UDP (--dht-proxy off)"
    )]
    ProxyFailed(String),
    /// `--dht-proxy URL`: the proxy did not answer in time.
    #[error(
        "the DHT proxy {url} did not answer within {waited_secs}s: check that it runs and its \
         URL (--dht-proxy), or use UDP (--dht-proxy off)"
    )]
    ProxyDidNotAnswer { url: ProxyUrl, waited_secs: u64 },
    /// No other node answered in time: what was tried (bootstrap nodes, LAN discovery, a
    /// proxy).
    #[error(
        "no DHT node answered within {waited_secs}s (tried {tried}): check the network, name \
         a reachable node with --bootstrap HOST:PORT, use a DHT proxy where UDP is blocked \
         (--dht-proxy auto or URL), or use direct mode (receive --listen, send --peer-addr)"
    )]
    NoNodeAnswered { waited_secs: u64, tried: String },
}

impl DhtError {
    /// A node that heard from no other within `waited`: what was tried, and what to do next.
    pub fn no_node_answered(config: &DhtConfig, waited: Duration) -> DhtError {
        let waited_secs = waited.as_secs();
        if let ProxyMode::Always(url) = &config.proxy {
            return DhtError::ProxyDidNotAnswer {
                url: url.clone(),
                waited_secs,
            };
        }
        let bootstrap = if config.bootstrap.is_empty() {
            "no bootstrap node".to_string()
        } else {
            format!("bootstrap {}", config.bootstrap.join(", "))
        };
        let proxy = match &config.proxy {
            ProxyMode::Auto(url) => format!("; then the DHT proxy {url}"),
            _ => String::new(),
        };
        let lan = if config.discovery {
            "LAN discovery on"
        } else {
            "LAN discovery off"
        };
        DhtError::NoNodeAnswered {
            waited_secs,
            tried: format!("{bootstrap}; {lan}{proxy}"),
        }
    }
}

/// How to run the node.
#[derive(Debug, Clone)]
pub struct DhtConfig {
    /// UDP port for both families (0: any free port).
    pub port: u16,
    /// Addresses to bind; loopback in tests, unspecified otherwise.
    pub bind4: Option<Ipv4Addr>,
    pub bind6: Option<Ipv6Addr>,
    /// `HOST:PORT` of nodes to join through.
    pub bootstrap: Vec<String>,
    pub network: u32,
    /// LAN multicast discovery.
    pub discovery: bool,
    /// A short-lived client: other nodes keep it out of their routing tables.
    pub client_only: bool,
    /// Whether the DHT goes through OpenDHT's REST proxy (`net::dht_proxy`).
    pub proxy: ProxyMode,
}

impl Default for DhtConfig {
    fn default() -> Self {
        DhtConfig {
            port: 0,
            bind4: Some(Ipv4Addr::UNSPECIFIED),
            bind6: Some(Ipv6Addr::UNSPECIFIED),
            bootstrap: vec![DEFAULT_BOOTSTRAP.to_string()],
            network: 0,
            discovery: true,
            client_only: false,
            proxy: ProxyMode::Off,
        }
    }
}

pub(super) enum Command {
    Get(InfoHash, mpsc::UnboundedSender<Event>),
    Put(
        InfoHash,
        Box<Value>,
        bool,
        mpsc::UnboundedSender<Event>,
        oneshot::Sender<OpId>,
    ),
    Listen(
        InfoHash,
        mpsc::UnboundedSender<Event>,
        oneshot::Sender<OpId>,
    ),
    Ping(SocketAddr, mpsc::UnboundedSender<Event>),
    Cancel(OpId),
    Bootstrap(Vec<SocketAddr>),
    Status(oneshot::Sender<Status>),
}

/// What the node knows, for `ferry dht` and `doctor`.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Status {
    pub id: String,
    pub ipv4: Option<String>,
    pub ipv6: Option<String>,
    pub nodes_ipv4: usize,
    pub nodes_ipv6: usize,
    pub public_addr: Option<String>,
    pub stored_values: usize,
    pub dropped_malformed: u64,
    pub dropped_other: u64,
    pub received: u64,
    /// The DHT proxy in use, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub proxy: Option<String>,
    /// Why the proxy does not answer, while it does not.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub proxy_error: Option<String>,
}

/// A handle to the running node.
#[derive(Clone)]
pub struct Dht {
    commands: mpsc::UnboundedSender<Command>,
    pub id: InfoHash,
    pub addr4: Option<SocketAddr>,
    pub addr6: Option<SocketAddr>,
    /// Whether bootstrap nodes were given (else only the LAN can bring other nodes).
    pub has_bootstrap: bool,
}

/// A value stored and kept alive until this is dropped or cancelled.
pub struct PutHandle {
    dht: Dht,
    op: OpId,
}

impl PutHandle {
    pub fn cancel(self) {}
}

impl Drop for PutHandle {
    fn drop(&mut self) {
        let _ = self.dht.commands.send(Command::Cancel(self.op));
    }
}

/// What a listen reports.
#[derive(Debug, Clone, PartialEq)]
pub enum ListenEvent {
    Values(Vec<Value>),
    Expired(Vec<u64>),
}

/// A running listen; dropping it stops listening.
pub struct Listening {
    dht: Dht,
    op: OpId,
    events: mpsc::UnboundedReceiver<Event>,
}

impl Listening {
    /// The next batch of new or expired values.
    pub async fn next(&mut self) -> Option<ListenEvent> {
        loop {
            match self.events.recv().await? {
                Event::Values { values, .. } => return Some(ListenEvent::Values(values)),
                Event::Expired { ids, .. } => return Some(ListenEvent::Expired(ids)),
                _ => continue,
            }
        }
    }
}

impl Drop for Listening {
    fn drop(&mut self) {
        let _ = self.dht.commands.send(Command::Cancel(self.op));
    }
}

/// The receive buffer asked of the kernel for each DHT socket. A node answers a `get` on a
/// busy key with every value at once, values over 600 bytes as a burst of 1280-byte parts
/// (120 values of 2 KiB: 240 datagrams in well under a millisecond on a LAN); the default
/// buffer (208 KiB on Linux) overflows before the driver drains it, the reply is lost, and
/// so is every retransmission of it. The kernel caps this at `net.core.rmem_max`.
const RECV_BUFFER: usize = 4 << 20;

fn udp_socket(addr: SocketAddr, v6only: bool, reuse: bool) -> io::Result<UdpSocket> {
    let domain = if addr.is_ipv4() {
        Domain::IPV4
    } else {
        Domain::IPV6
    };
    let socket = Socket::new(domain, Type::DGRAM, Some(Protocol::UDP))?;
    if addr.is_ipv6() {
        socket.set_only_v6(v6only)?;
    }
    if reuse {
        socket.set_reuse_address(true)?;
        socket.set_reuse_port(true)?;
    }
    if let Err(err) = socket.set_recv_buffer_size(RECV_BUFFER) {
        tracing::debug!("DHT socket receive buffer left as it was: {err}");
    }
    socket.set_nonblocking(true)?;
    socket.bind(&addr.into())?;
    UdpSocket::from_std(socket.into())
}

/// Resolve `HOST:PORT` strings, all at once; names that do not resolve are reported and skipped.
pub async fn resolve(hosts: &[String]) -> Vec<SocketAddr> {
    let lookups: Vec<_> = hosts
        .iter()
        .cloned()
        .map(|host| {
            tokio::spawn(async move {
                let outcome = super::dns::lookup_patient(&host).await;
                (host, outcome)
            })
        })
        .collect();
    let mut out = Vec::new();
    for lookup in lookups {
        match lookup.await {
            Ok((_, Ok(addrs))) => out.extend(addrs),
            Ok((host, Err(err))) => tracing::info!("bootstrap {host}: {err}"),
            Err(err) => tracing::info!("a bootstrap lookup stopped: {err}"),
        }
    }
    out
}

/// How often bootstrap names that did not resolve are tried again.
const BOOTSTRAP_RETRY: Duration = Duration::from_secs(30);

impl Dht {
    /// Bind the sockets, start the node and begin bootstrapping; or, with a proxy always in
    /// use, start the proxy client instead.
    pub async fn start(config: DhtConfig) -> Result<Dht, DhtError> {
        match &config.proxy {
            ProxyMode::Off => {}
            ProxyMode::Always(url) => return Ok(Dht::through_proxy(url.clone())),
            ProxyMode::Auto(url) => {
                let udp = Box::pin(Dht::start(DhtConfig {
                    proxy: ProxyMode::Off,
                    ..config.clone()
                }))
                .await?;
                return Ok(Dht::with_fallback(udp, url.clone()));
            }
        }
        let mut rng_seed = [0u8; 8];
        rand::RngCore::fill_bytes(&mut rand::thread_rng(), &mut rng_seed);
        let id = InfoHash::random(&mut rand::thread_rng());
        let sock4 = match config.bind4 {
            Some(ip) => {
                let addr = SocketAddr::new(IpAddr::V4(ip), config.port);
                Some(
                    udp_socket(addr, true, false)
                        .map_err(|cause| DhtError::BindV4 { addr, cause })?,
                )
            }
            None => None,
        };
        let port = match &sock4 {
            Some(s) => s.local_addr().map_err(DhtError::Socket)?.port(),
            None => config.port,
        };
        let sock6 = match config.bind6 {
            // IPv6 may be missing on the machine: then the node runs on IPv4 alone.
            Some(ip) => {
                let addr = SocketAddr::new(IpAddr::V6(ip), port);
                match udp_socket(addr, true, false) {
                    Ok(s) => Some(s),
                    Err(err) if sock4.is_some() => {
                        tracing::info!("no IPv6 DHT socket: {err}");
                        None
                    }
                    Err(cause) => return Err(DhtError::BindV6 { addr, cause }),
                }
            }
            None => None,
        };
        if sock4.is_none() && sock6.is_none() {
            return Err(DhtError::NoFamily);
        }
        let addr4 = sock4.as_ref().and_then(|s| s.local_addr().ok());
        let addr6 = sock6.as_ref().and_then(|s| s.local_addr().ok());
        let engine = Engine::new(
            Config {
                id,
                network: config.network,
                client_only: config.client_only,
                ipv4: sock4.is_some(),
                ipv6: sock6.is_some(),
                seed: u64::from_le_bytes(rng_seed),
                unix_at_start: std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map_or(0, |d| d.as_secs() as i64),
            },
            Instant::now(),
        );
        let discovery = if config.discovery {
            Discovery::open(sock4.is_some(), sock6.is_some())
        } else {
            Discovery::default()
        };
        let (commands, rx) = mpsc::unbounded_channel();
        let driver = Driver {
            engine,
            sock4,
            sock6,
            discovery,
            port,
            network: config.network,
            ops: HashMap::new(),
        };
        tokio::spawn(driver.run(rx));
        let dht = Dht {
            commands,
            id,
            addr4,
            addr6,
            has_bootstrap: !config.bootstrap.is_empty(),
        };
        // Names are resolved in the background: the node serves the LAN meanwhile, and an
        // offline machine does not wait on DNS before anything else can happen.
        if !config.bootstrap.is_empty() {
            let (node, hosts) = (dht.clone(), config.bootstrap.clone());
            tokio::spawn(async move {
                loop {
                    let addrs = resolve(&hosts).await;
                    if !addrs.is_empty() {
                        node.bootstrap(addrs);
                        return;
                    }
                    tokio::time::sleep(BOOTSTRAP_RETRY).await;
                    if node.commands.is_closed() {
                        return;
                    }
                }
            });
        }
        Ok(dht)
    }

    /// A node that reaches the DHT only through the proxy at `url` (no socket of its own).
    pub fn through_proxy(url: ProxyUrl) -> Dht {
        let id = InfoHash::random(&mut rand::thread_rng());
        let (commands, rx) = mpsc::unbounded_channel();
        super::dht_proxy::spawn(url, id, rx);
        Dht {
            commands,
            id,
            addr4: None,
            addr6: None,
            has_bootstrap: true,
        }
    }

    /// `udp`, and the proxy at `url` in its place once no UDP node answered within
    /// [`AUTO_SWITCH_AFTER`] (see [`Fallback`]).
    fn with_fallback(udp: Dht, url: ProxyUrl) -> Dht {
        let (commands, rx) = mpsc::unbounded_channel();
        let handle = Dht {
            commands,
            id: udp.id,
            addr4: udp.addr4,
            addr6: udp.addr6,
            has_bootstrap: udp.has_bootstrap,
        };
        tokio::spawn(
            Fallback {
                udp: udp.commands.clone(),
                proxy: None,
                url,
                ops: HashMap::new(),
                next_op: 1,
            }
            .run(udp, rx),
        );
        handle
    }

    fn send(&self, command: Command) -> Result<(), DhtError> {
        self.commands.send(command).map_err(|_| DhtError::Stopped)
    }

    pub fn bootstrap(&self, addrs: Vec<SocketAddr>) {
        let _ = self.send(Command::Bootstrap(addrs));
    }

    /// All values at `key` that the closest nodes hold.
    pub async fn get(&self, key: InfoHash) -> Result<Vec<Value>, DhtError> {
        let (tx, mut rx) = mpsc::unbounded_channel();
        self.send(Command::Get(key, tx))?;
        let mut values = Vec::new();
        while let Some(event) = rx.recv().await {
            match event {
                Event::Values { values: v, .. } => values.extend(v),
                Event::Done {
                    ok: false, detail, ..
                } if values.is_empty() => return Err(DhtError::Get { key, detail }),
                Event::Done { .. } => break,
                _ => {}
            }
        }
        Ok(values)
    }

    /// Store `value` at `key` and keep it alive (re-announced) until the handle is dropped.
    pub async fn put(&self, key: InfoHash, value: Value) -> Result<PutHandle, DhtError> {
        self.put_with(key, value, true).await
    }

    /// Store `value` at `key` once; it lives for its type's lifetime.
    pub async fn put_once(&self, key: InfoHash, value: Value) -> Result<(), DhtError> {
        self.put_with(key, value, false).await.map(|_| ())
    }

    async fn put_with(
        &self,
        key: InfoHash,
        value: Value,
        permanent: bool,
    ) -> Result<PutHandle, DhtError> {
        let (tx, mut rx) = mpsc::unbounded_channel();
        let (op_tx, op_rx) = oneshot::channel();
        self.send(Command::Put(key, Box::new(value), permanent, tx, op_tx))?;
        let op = op_rx.await.map_err(DhtError::StoppedAnswering)?;
        let handle = PutHandle {
            dht: self.clone(),
            op,
        };
        loop {
            match rx.recv().await {
                Some(Event::Done { ok: true, .. }) => return Ok(handle),
                Some(Event::Done { detail, .. }) => return Err(DhtError::Put { key, detail }),
                Some(_) => {}
                None => return Err(DhtError::Stopped),
            }
        }
    }

    /// Watch `key` for new and expired values.
    pub async fn listen(&self, key: InfoHash) -> Result<Listening, DhtError> {
        let (tx, events) = mpsc::unbounded_channel();
        let (op_tx, op_rx) = oneshot::channel();
        self.send(Command::Listen(key, tx, op_tx))?;
        let op = op_rx.await.map_err(DhtError::StoppedAnswering)?;
        Ok(Listening {
            dht: self.clone(),
            op,
            events,
        })
    }

    /// Ping a node: its id, or an error after the retries.
    pub async fn ping(&self, addr: SocketAddr) -> Result<InfoHash, DhtError> {
        let (tx, mut rx) = mpsc::unbounded_channel();
        self.send(Command::Ping(addr, tx))?;
        let wait = tokio::time::timeout(Duration::from_secs(5), rx.recv()).await;
        match wait {
            Ok(Some(Event::Pong { id, .. })) => Ok(id),
            _ => Err(DhtError::NoAnswer(addr)),
        }
    }

    pub async fn status(&self) -> Result<Status, DhtError> {
        let (tx, rx) = oneshot::channel();
        self.send(Command::Status(tx))?;
        rx.await.map_err(DhtError::StoppedAnswering)
    }

    /// Wait until the node knows at least `n` other nodes, or `limit` passes. Through a proxy
    /// that does not answer, the error says so at once: waiting longer would not help.
    pub async fn wait_for_nodes(&self, n: usize, limit: Duration) -> Result<usize, DhtError> {
        let deadline = tokio::time::Instant::now() + limit;
        loop {
            let s = self.status().await?;
            let known = s.nodes_ipv4 + s.nodes_ipv6;
            if let (0, Some(err)) = (known, s.proxy_error) {
                return Err(DhtError::ProxyFailed(err));
            }
            if known >= n || tokio::time::Instant::now() >= deadline {
                return Ok(known);
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

/// With `--dht-proxy auto`: how long UDP alone is given to reach a node before the proxy is
/// used (half the join wait, so that a command waiting [`JOIN_WAIT`] still sees the proxy).
pub const AUTO_SWITCH_AFTER: Duration = Duration::from_secs(5);

/// Where an operation runs, and what it takes to start it again elsewhere.
struct Routed {
    on_proxy: bool,
    op: OpId,
    /// A listen or a permanent put, started again on the proxy at the switch.
    again: Option<Again>,
}

enum Again {
    Listen(InfoHash, mpsc::UnboundedSender<Event>),
    Put(InfoHash, Box<Value>, mpsc::UnboundedSender<Event>),
}

/// `--dht-proxy auto`: commands go to the UDP node; when it knows no node after
/// [`AUTO_SWITCH_AFTER`], the proxy client starts, and from then on every command goes to it.
/// Listens and permanent puts running then are started again on the proxy, under the same
/// operation ids, so their owners see nothing but new events. The UDP node keeps running for
/// the LAN. [`Status::proxy`] says when the proxy is in use.
struct Fallback {
    udp: mpsc::UnboundedSender<Command>,
    proxy: Option<mpsc::UnboundedSender<Command>>,
    url: ProxyUrl,
    /// This handle's operation ids, to the node's.
    ops: HashMap<OpId, Routed>,
    next_op: OpId,
}

impl Fallback {
    async fn run(mut self, udp: Dht, mut commands: mpsc::UnboundedReceiver<Command>) {
        let switch = tokio::time::sleep(AUTO_SWITCH_AFTER);
        tokio::pin!(switch);
        let mut waiting = true;
        loop {
            tokio::select! {
                command = commands.recv() => {
                    let Some(command) = command else { return };
                    self.command(command).await;
                }
                _ = &mut switch, if waiting => {
                    waiting = false;
                    let nodes = udp.wait_for_nodes(1, Duration::ZERO).await.unwrap_or(0);
                    if nodes == 0 {
                        self.switch(udp.id).await;
                    }
                }
            }
        }
    }

    async fn switch(&mut self, id: InfoHash) {
        tracing::info!(
            "no DHT node answered over UDP within {}s: using the DHT proxy {}",
            AUTO_SWITCH_AFTER.as_secs(),
            self.url
        );
        let (tx, rx) = mpsc::unbounded_channel();
        super::dht_proxy::spawn(self.url.clone(), id, rx);
        let mut moved = Vec::new();
        for (op, routed) in &mut self.ops {
            if let Some(again) = routed.again.take() {
                let _ = self.udp.send(Command::Cancel(routed.op));
                moved.push((*op, again));
            }
        }
        self.proxy = Some(tx);
        for (op, again) in moved {
            let (op_tx, op_rx) = oneshot::channel();
            let command = match &again {
                Again::Listen(key, events) => Command::Listen(*key, events.clone(), op_tx),
                Again::Put(key, value, events) => {
                    Command::Put(*key, value.clone(), true, events.clone(), op_tx)
                }
            };
            if let Some(proxy_op) = self.forward(command, op_rx).await {
                self.ops.insert(
                    op,
                    Routed {
                        on_proxy: true,
                        op: proxy_op,
                        again: None,
                    },
                );
            }
        }
    }

    /// Send `command` to the node in use; for a put or listen, its id there.
    /// Forward an operation that lasts (a put, a listen) and answer `reply` with the id a later
    /// cancel names it by, remembering where it runs and how to start it again.
    async fn forward_routed(
        &mut self,
        command: Command,
        op: oneshot::Receiver<OpId>,
        again: Option<Again>,
        reply: oneshot::Sender<OpId>,
    ) {
        let on_proxy = self.proxy.is_some();
        if let Some(op) = self.forward(command, op).await {
            self.next_op += 1;
            self.ops.insert(
                self.next_op,
                Routed {
                    on_proxy,
                    op,
                    again,
                },
            );
            let _ = reply.send(self.next_op);
        }
    }

    async fn forward(&self, command: Command, op: oneshot::Receiver<OpId>) -> Option<OpId> {
        let target = self.proxy.as_ref().unwrap_or(&self.udp);
        target.send(command).ok()?;
        op.await.ok()
    }

    async fn command(&mut self, command: Command) {
        let on_proxy = self.proxy.is_some();
        match command {
            Command::Put(key, value, permanent, events, reply) => {
                let again = (permanent && !on_proxy)
                    .then(|| Again::Put(key, value.clone(), events.clone()));
                let (op_tx, op_rx) = oneshot::channel();
                let command = Command::Put(key, value, permanent, events, op_tx);
                self.forward_routed(command, op_rx, again, reply).await;
            }
            Command::Listen(key, events, reply) => {
                let again = (!on_proxy).then(|| Again::Listen(key, events.clone()));
                let (op_tx, op_rx) = oneshot::channel();
                let command = Command::Listen(key, events, op_tx);
                self.forward_routed(command, op_rx, again, reply).await;
            }
            Command::Cancel(op) => {
                if let Some(routed) = self.ops.remove(&op) {
                    let target = match (&self.proxy, routed.on_proxy) {
                        (Some(proxy), true) => proxy,
                        _ => &self.udp,
                    };
                    let _ = target.send(Command::Cancel(routed.op));
                }
            }
            // The UDP node serves the LAN whatever else is in use.
            Command::Bootstrap(addrs) => {
                let _ = self.udp.send(Command::Bootstrap(addrs));
            }
            // Only a UDP node can ping.
            Command::Ping(addr, events) => {
                let _ = self.udp.send(Command::Ping(addr, events));
            }
            command @ (Command::Get(..) | Command::Status(_)) => {
                let target = self.proxy.as_ref().unwrap_or(&self.udp);
                let _ = target.send(command);
            }
        }
    }
}

#[derive(Default)]
struct Discovery {
    v4: Option<UdpSocket>,
    v6: Option<UdpSocket>,
}

impl Discovery {
    /// Join the discovery groups; a LAN without multicast just has no discovery.
    fn open(v4: bool, v6: bool) -> Discovery {
        let mut d = Discovery::default();
        if v4 {
            let bind = SocketAddr::V4(SocketAddrV4::new(Ipv4Addr::UNSPECIFIED, discovery::PORT));
            d.v4 = udp_socket(bind, false, true)
                .and_then(|s| {
                    s.join_multicast_v4(discovery::GROUP_V4, Ipv4Addr::UNSPECIFIED)?;
                    s.set_multicast_loop_v4(true)?;
                    Ok(s)
                })
                .map_err(|e| tracing::info!("no IPv4 peer discovery: {e}"))
                .ok();
        }
        if v6 {
            let bind = SocketAddr::V6(SocketAddrV6::new(
                Ipv6Addr::UNSPECIFIED,
                discovery::PORT,
                0,
                0,
            ));
            d.v6 = udp_socket(bind, true, true)
                .and_then(|s| {
                    s.join_multicast_v6(&discovery::GROUP_V6, 0)?;
                    s.set_multicast_loop_v6(true)?;
                    Ok(s)
                })
                .map_err(|e| tracing::info!("no IPv6 peer discovery: {e}"))
                .ok();
        }
        d
    }

    async fn announce(&self, id: InfoHash, port: u16, network: u32) {
        let packet = discovery::encode_announce(id, port, network);
        if let Some(s) = &self.v4 {
            let _ = s
                .send_to(&packet, (discovery::GROUP_V4, discovery::PORT))
                .await;
        }
        if let Some(s) = &self.v6 {
            let _ = s
                .send_to(&packet, (discovery::GROUP_V6, discovery::PORT))
                .await;
        }
    }

    async fn query(&self) {
        let packet = discovery::encode_query();
        if let Some(s) = &self.v4 {
            let _ = s
                .send_to(&packet, (discovery::GROUP_V4, discovery::PORT))
                .await;
        }
        if let Some(s) = &self.v6 {
            let _ = s
                .send_to(&packet, (discovery::GROUP_V6, discovery::PORT))
                .await;
        }
    }
}

/// Each datagram in and out, at `trace` level (`FERRY_LOG=ferry::net::dht=trace`): its kind,
/// transaction id and the sender's node id, for timing a lookup message by message.
fn trace_datagram(dir: &str, peer: SocketAddr, bytes: &[u8]) {
    if !tracing::enabled!(tracing::Level::TRACE) {
        return;
    }
    match crate::proto::dht::message::Message::decode(bytes) {
        Ok(m) => tracing::trace!(
            "{dir} {peer} {:?} tid {} client {} id {} ({} bytes)",
            m.kind,
            m.tid,
            m.is_client,
            m.id.map(|id| id.to_string()).unwrap_or_default(),
            bytes.len()
        ),
        Err(_) => tracing::trace!("{dir} {peer} undecodable ({} bytes)", bytes.len()),
    }
}

async fn recv_opt(
    socket: Option<&UdpSocket>,
    buf: &mut [u8],
) -> std::io::Result<(usize, SocketAddr)> {
    match socket {
        Some(s) => s.recv_from(buf).await,
        None => std::future::pending().await,
    }
}

struct Driver {
    engine: Engine,
    sock4: Option<UdpSocket>,
    sock6: Option<UdpSocket>,
    discovery: Discovery,
    port: u16,
    network: u32,
    ops: HashMap<OpId, mpsc::UnboundedSender<Event>>,
}

impl Driver {
    async fn run(mut self, mut commands: mpsc::UnboundedReceiver<Command>) {
        let mut buf4 = vec![0u8; MAX_DATAGRAM];
        let mut buf6 = vec![0u8; MAX_DATAGRAM];
        let mut dbuf4 = vec![0u8; 1500];
        let mut dbuf6 = vec![0u8; 1500];
        let mut announce_wait = DISCOVERY_PERIOD;
        let mut next_announce = tokio::time::Instant::now();
        let id = self.engine.id();
        loop {
            let deadline = self
                .engine
                .poll_timeout()
                .map(|at| at.saturating_duration_since(Instant::now()))
                .unwrap_or(Duration::from_secs(60));
            let sleep = tokio::time::sleep(deadline);
            tokio::select! {
                r = recv_opt(self.sock4.as_ref(), &mut buf4) => {
                    if let Ok((n, from)) = r {
                        trace_datagram("in", from, &buf4[..n]);
                        self.engine.handle_datagram(Instant::now(), from, &buf4[..n]);
                    }
                }
                r = recv_opt(self.sock6.as_ref(), &mut buf6) => {
                    if let Ok((n, from)) = r {
                        trace_datagram("in", from, &buf6[..n]);
                        self.engine.handle_datagram(Instant::now(), from, &buf6[..n]);
                    }
                }
                r = recv_opt(self.discovery.v4.as_ref(), &mut dbuf4) => {
                    if let Ok((n, from)) = r {
                        self.on_discovery(id, from, &dbuf4[..n]).await;
                    }
                }
                r = recv_opt(self.discovery.v6.as_ref(), &mut dbuf6) => {
                    if let Ok((n, from)) = r {
                        self.on_discovery(id, from, &dbuf6[..n]).await;
                    }
                }
                _ = tokio::time::sleep_until(next_announce), if self.discovery.v4.is_some() || self.discovery.v6.is_some() => {
                    self.discovery.announce(id, self.port, self.network).await;
                    if announce_wait == DISCOVERY_PERIOD {
                        self.discovery.query().await;
                    }
                    next_announce = tokio::time::Instant::now() + announce_wait;
                    announce_wait = (announce_wait * 2).min(DISCOVERY_PERIOD_MAX);
                }
                command = commands.recv() => {
                    let Some(command) = command else { return };
                    self.command(command);
                }
                _ = sleep => {
                    self.engine.handle_timeout(Instant::now());
                }
            }
            self.flush().await;
        }
    }

    async fn on_discovery(&mut self, own: InfoHash, from: SocketAddr, bytes: &[u8]) {
        match discovery::decode(bytes) {
            Packet::Query => self.discovery.announce(own, self.port, self.network).await,
            Packet::Announce { id, port, network } if id != own && network == self.network => {
                let addr = SocketAddr::new(from.ip(), port);
                self.engine.bootstrap(Instant::now(), &[addr]);
            }
            _ => {}
        }
    }

    fn command(&mut self, command: Command) {
        let now = Instant::now();
        match command {
            Command::Get(key, tx) => {
                let op = self.engine.get(now, key);
                self.ops.insert(op, tx);
            }
            Command::Put(key, value, permanent, tx, op_tx) => {
                let op = self.engine.put(now, key, *value, permanent);
                self.ops.insert(op, tx);
                let _ = op_tx.send(op);
            }
            Command::Listen(key, tx, op_tx) => {
                let op = self.engine.listen(now, key);
                self.ops.insert(op, tx);
                let _ = op_tx.send(op);
            }
            Command::Ping(addr, tx) => {
                let op = self.engine.ping(now, addr);
                self.ops.insert(op, tx);
            }
            Command::Cancel(op) => {
                self.engine.cancel(op);
                self.ops.remove(&op);
            }
            Command::Bootstrap(addrs) => self.engine.bootstrap(now, &addrs),
            Command::Status(tx) => {
                let (n4, n6) = self.engine.node_counts();
                let s: &Stats = self.engine.stats();
                let _ = tx.send(Status {
                    id: self.engine.id().to_string(),
                    ipv4: self
                        .sock4
                        .as_ref()
                        .and_then(|s| s.local_addr().ok())
                        .map(|a| a.to_string()),
                    ipv6: self
                        .sock6
                        .as_ref()
                        .and_then(|s| s.local_addr().ok())
                        .map(|a| a.to_string()),
                    nodes_ipv4: n4,
                    nodes_ipv6: n6,
                    public_addr: self.engine.public_addr().map(|a| a.to_string()),
                    stored_values: self.engine.stored_values(),
                    dropped_malformed: s.malformed,
                    dropped_other: s.wrong_network
                        + s.martian
                        + s.rate_limited
                        + s.unexpected_replies
                        + s.parts_dropped,
                    received: s.received,
                    proxy: None,
                    proxy_error: None,
                });
            }
        }
    }

    async fn flush(&mut self) {
        while let Some(t) = self.engine.poll_transmit() {
            let socket = if t.to.is_ipv4() {
                self.sock4.as_ref()
            } else {
                self.sock6.as_ref()
            };
            if let Some(socket) = socket {
                trace_datagram("out", t.to, &t.bytes);
                if let Err(err) = socket.send_to(&t.bytes, t.to).await {
                    tracing::debug!("send to {}: {err}", t.to);
                }
            }
        }
        while let Some(event) = self.engine.poll_event() {
            let op = match &event {
                Event::Values { op, .. }
                | Event::Expired { op, .. }
                | Event::Done { op, .. }
                | Event::Pong { op, .. } => *op,
            };
            let finished = matches!(event, Event::Pong { .. })
                || matches!(&event, Event::Done { .. }) && !self.engine_keeps(op);
            if let Some(tx) = self.ops.get(&op) {
                let _ = tx.send(event);
            }
            if finished {
                self.ops.remove(&op);
            }
        }
    }

    /// Permanent puts stay registered after their first `Done`.
    fn engine_keeps(&self, op: OpId) -> bool {
        self.engine.is_active(op)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_port_in_use_is_named_and_no_node_says_what_was_tried() {
        let taken = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
        let port = taken.local_addr().unwrap().port();
        let config = DhtConfig {
            port,
            bind4: Some(Ipv4Addr::LOCALHOST),
            bind6: None,
            bootstrap: vec!["127.0.0.1:4222".into()],
            discovery: false,
            ..DhtConfig::default()
        };
        let Err(err) = Dht::start(config.clone()).await else {
            panic!("a second node bound the port in use");
        };
        assert!(matches!(err, DhtError::BindV4 { .. }), "{err:?}");
        let said = err.to_string();
        assert!(
            said.starts_with(&format!("binding UDP 127.0.0.1:{port}: ")),
            "{said}"
        );
        // Under a caller's context, as `main` prints it: the cause once.
        assert_eq!(
            format!("{:#}", anyhow::Error::from(err).context("joining the DHT")),
            format!("joining the DHT: {said}")
        );
        assert_eq!(
            DhtError::no_node_answered(&config, Duration::from_secs(10)).to_string(),
            "no DHT node answered within 10s (tried bootstrap 127.0.0.1:4222; LAN discovery \
             off): check the network, name a reachable node with --bootstrap HOST:PORT, use a \
             DHT proxy where UDP is blocked (--dht-proxy auto or URL), or use direct mode \
             (receive --listen, send --peer-addr)"
        );
    }
}
