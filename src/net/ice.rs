//! ICE over TCP (RFC 6544), the sockets side: gather host candidates (a listener per local
//! address, UPnP mappings, TURN relays), then drive `proto::ice_tcp::IceTcp` over real TCP
//! connections framed per RFC 4571, and hand the selected connection over to TLS
//! (`proto::framing`).
//!
//! The machine decides what to dial, when to dial again, where each STUN message goes and which
//! connection is selected; this module opens what it says: one listener per local address (a
//! passive candidate), dials from active candidates (port 9, as RFC 6544 writes them) to the
//! peer's passive ones, and one task per TCP connection that frames the agent's STUN out and
//! deframes the peer's in. Traps handled (DESIGN.md §4): checks from an active candidate arrive
//! from an ephemeral port, so connections are looked up by the peer's address; the
//! peer-reflexive nomination wait is zero; mDNS is off; data is never mistaken for STUN (the
//! handover frame).

use crate::net::conn::Conn;
use crate::net::turn::{Relay, RelayError, TurnConfig};
use crate::net::upnp::{Upnp, UpnpWatch};
use crate::net::AbortOnDrop;
use crate::proto::attempts::DialOutcome;
use crate::proto::framing::{frame, is_stun, Deframer, HANDOVER};
use crate::proto::ice_tcp::{
    candidate_with_priority, host_candidate, new_agent, Action, IceError, IceTcp, ACTIVE_PORT,
};
pub use crate::proto::ice_tcp::{RemoteParams, RELAY_PRIORITY};
use rtc_ice::candidate::unmarshal_candidate;
use rtc_ice::tcp_type::TcpType;
use rtc_ice::Agent;
use std::collections::HashMap;
use std::io;
use std::net::{IpAddr, SocketAddr};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context as TaskContext, Poll};
use std::time::{Duration, Instant};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, ReadBuf};
use tokio::net::{TcpListener, TcpSocket, TcpStream};
use tokio::sync::{mpsc, oneshot};

/// How long one TCP connection attempt to a candidate may take.
const DIAL_TIMEOUT: Duration = Duration::from_secs(5);
/// How long the handover may take once a pair is selected.
const HANDOVER_TIMEOUT: Duration = Duration::from_secs(5);

/// Why gathering found nothing to offer, or the checks no path to hand over. Each text ends
/// with its cause (no `source`), as [`RelayError`]'s do.
#[derive(Debug, thiserror::Error)]
pub enum IceFailure {
    /// The machine's verdict: no usable candidate, no path (what was tried), or the agent.
    #[error("{0}")]
    Ice(IceError),
    /// The agent refused one of our own candidates.
    #[error("{0}")]
    Candidate(String),
    /// Relay only (`--relay-only`), and the TURN server gave no allocation.
    #[error("TURN: {0}")]
    Relay(RelayError),
    #[error("no local address to offer as an ICE candidate, and no TURN relay")]
    NothingToOffer,
    #[error("ICE agent already used")]
    AgentUsed,
    #[error("the selected connection to {0} closed")]
    SelectedClosed(SocketAddr),
    #[error("handing the connection to {peer} over to TLS: {cause}")]
    Handover { peer: SocketAddr, cause: io::Error },
    #[error("ICE stopped without a result")]
    Stalled,
    #[error("ICE connections ended")]
    ConnectionsEnded,
    #[error("{0}")]
    Io(io::Error),
}

impl From<IceError> for IceFailure {
    fn from(err: IceError) -> IceFailure {
        IceFailure::Ice(err)
    }
}

impl From<io::Error> for IceFailure {
    fn from(err: io::Error) -> IceFailure {
        IceFailure::Io(err)
    }
}

type Result<T, E = IceFailure> = std::result::Result<T, E>;

fn candidate_refused(err: impl std::fmt::Display) -> IceFailure {
    IceFailure::Candidate(err.to_string())
}

/// A TCP connection whose first bytes may already have been read (after the handover).
#[derive(Debug)]
pub struct IceStream {
    inner: Conn,
    prefix: Vec<u8>,
    pos: usize,
    /// Whether the path goes through a TURN relay.
    pub relayed: bool,
    /// TURN allocations the path runs through, kept as long as the stream.
    _relays: Vec<Relay>,
}

impl std::fmt::Debug for Relay {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Relay({})", self.relayed)
    }
}

impl IceStream {
    /// A connection with nothing read ahead (direct mode).
    pub fn plain(inner: TcpStream) -> IceStream {
        IceStream {
            inner: Conn::Tcp(inner),
            prefix: Vec::new(),
            pos: 0,
            relayed: false,
            _relays: Vec::new(),
        }
    }

    pub fn peer_addr(&self) -> io::Result<SocketAddr> {
        self.inner.peer_addr()
    }
}

impl AsyncRead for IceStream {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut TaskContext<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        if self.pos < self.prefix.len() {
            let n = buf.remaining().min(self.prefix.len() - self.pos);
            let start = self.pos;
            buf.put_slice(&self.prefix[start..start + n]);
            self.pos += n;
            return Poll::Ready(Ok(()));
        }
        Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

impl AsyncWrite for IceStream {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut TaskContext<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut TaskContext<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut TaskContext<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

/// Which local addresses to offer, and the UPnP gateway if one answered.
#[derive(Clone, Default)]
pub struct CandidateOptions {
    /// Offer only these addresses (empty: every interface address).
    pub only: Vec<IpAddr>,
    pub upnp: Option<UpnpWatch>,
    /// The TURN server: the answering side allocates a relay, the offering side learns its
    /// public address there.
    pub turn: Option<TurnConfig>,
    /// Offer only the relayed address (no host candidates).
    pub relay_only: bool,
}

impl CandidateOptions {
    pub fn only(ips: &[IpAddr]) -> CandidateOptions {
        CandidateOptions {
            only: ips.to_vec(),
            ..CandidateOptions::default()
        }
    }
}

/// Local candidates, gathered and listening, ready to be offered.
pub struct Gathered {
    /// Taken by [`connect`].
    agent: Option<Agent>,
    relays: Vec<Relay>,
    /// Our public addresses as the TURN server reported them.
    pub public_addrs: Vec<String>,
    /// Gateway mappings made for this session, removed when it ends.
    mappings: Vec<(Arc<Upnp>, u16)>,
    /// What came of waiting for UPnP discovery, when gathering had to (a phase to report).
    pub upnp_wait: Option<String>,
    listeners: Vec<(TcpListener, SocketAddr)>,
    pub ufrag: String,
    pub pwd: String,
    /// Candidate lines, as carried in the offer or answer.
    pub candidates: Vec<String>,
    /// How each TURN allocation tried went, for the error when no path is found.
    relay_outcomes: Vec<String>,
}

/// The local addresses to offer: `only` when given, else every interface address except
/// IPv6 link-local ones (they need a scope the candidate line cannot carry) and loopback ones:
/// a remote peer would dial its own machine. Loopback is offered only by a machine with no
/// other address, where it is the one way two devices (two homes) on it can meet.
pub fn local_addresses(only: &[IpAddr]) -> Vec<IpAddr> {
    if !only.is_empty() {
        return only.to_vec();
    }
    let mut ips: Vec<IpAddr> = if_addrs::get_if_addrs()
        .map(|ifs| ifs.into_iter().map(|i| i.ip()).collect())
        .unwrap_or_default();
    ips.retain(|ip| match ip {
        IpAddr::V6(v6) => (v6.segments()[0] & 0xffc0) != 0xfe80 && !v6.is_unspecified(),
        IpAddr::V4(v4) => !v4.is_unspecified(),
    });
    if ips.iter().any(|ip| !ip.is_loopback()) {
        ips.retain(|ip| !ip.is_loopback());
    }
    ips.dedup();
    ips
}

impl Gathered {
    /// Whether a relayed address is among our candidates.
    pub fn relayed(&self) -> bool {
        !self.relays.is_empty()
    }

    /// Let the peer reach our relayed addresses from any of its candidate or public
    /// addresses. The answering side does it before its answer goes out: a peer that dials the
    /// relay before its permission exists is turned away, and under load its checks could run
    /// out first. A relay-only offering side does it as soon as the answer arrives (the peer
    /// redials what was turned away meanwhile).
    pub async fn permit_peer(&self, remote: &RemoteParams) {
        if self.relays.is_empty() {
            return;
        }
        let mut ips: Vec<IpAddr> = remote
            .candidates
            .iter()
            .filter_map(|line| unmarshal_candidate(line).ok())
            .map(|c| c.addr().ip())
            .chain(remote.public_addrs.iter().filter_map(|a| a.parse().ok()))
            .filter(|ip: &IpAddr| !ip.is_unspecified())
            .collect();
        ips.sort();
        ips.dedup();
        for relay in &self.relays {
            // One request per address, so that one the server refuses (a loopback address
            // towards a public relay, say) does not cost the others.
            let wanted = ips.iter().copied().filter(|ip| {
                ip.is_ipv4() == relay.relayed.is_ipv4()
                    && (relay.relayed.ip().is_loopback() || !ip.is_loopback())
            });
            for ip in wanted {
                if let Err(err) = relay.permit(vec![ip]).await {
                    tracing::info!("TURN permission for {ip} on {}: {err}", relay.relayed);
                }
            }
        }
    }
}

impl Drop for Gathered {
    fn drop(&mut self) {
        for (upnp, port) in self.mappings.drain(..) {
            upnp.unmap(port);
        }
    }
}

/// Open a passive candidate on each address and create the agent; with a UPnP gateway (waited
/// for briefly while discovery has just started: `upnp::gateway_for_session`), map the passive
/// candidate on our address towards it and offer the mapped address too.
pub async fn gather(controlling: bool, options: &CandidateOptions) -> Result<Gathered> {
    let mut agent = new_agent(Instant::now(), controlling)?;
    let mut listeners = Vec::new();
    let hosts = if options.relay_only {
        Vec::new()
    } else {
        local_addresses(&options.only)
    };
    for ip in hosts {
        let listener = match TcpListener::bind((ip, 0)).await {
            Ok(l) => l,
            Err(err) => {
                tracing::debug!("no passive candidate on {ip}: {err}");
                continue;
            }
        };
        let addr = listener.local_addr()?;
        agent
            .add_local_candidate(host_candidate(ip, addr.port(), TcpType::Passive)?)
            .map_err(candidate_refused)?;
        agent
            .add_local_candidate(host_candidate(ip, ACTIVE_PORT, TcpType::Active)?)
            .map_err(candidate_refused)?;
        listeners.push((listener, addr));
    }
    let mut relays = Vec::new();
    let mut public_addrs = Vec::new();
    let mut turn_errors = Vec::new();
    let mut relay_outcomes = Vec::new();
    if let Some(turn) = &options.turn {
        if controlling && !options.relay_only {
            // The offering side dials; the peer must permit our public address, which an
            // allocation reports (and which checks the credentials). It is released at once.
            // IPv4 is used when it works; IPv6 runs meanwhile (an IPv6-only host or server),
            // so a blackholed IPv4 costs one wait, not two; it is dropped when IPv4 answers.
            let mut v6 = {
                let turn = turn.clone();
                AbortOnDrop(tokio::spawn(async move {
                    crate::net::turn::allocate(&turn, true).await
                }))
            };
            let mut tried = vec![("IPv4", crate::net::turn::allocate(turn, false).await)];
            if tried[0].1.is_err() {
                let v6 = match (&mut v6.0).await {
                    Ok(result) => result,
                    Err(err) => Err(RelayError::Crashed {
                        family: "IPv6",
                        detail: err.to_string(),
                    }),
                };
                tried.push(("IPv6", v6));
            }
            for (family, result) in tried {
                match result {
                    Ok(relay) => {
                        relay_outcomes.push(format!(
                            "{} ({family}): works, our public address {}; the peer offers the \
                             relayed addresses",
                            turn.server, relay.mapped
                        ));
                        public_addrs.push(relay.mapped.ip().to_string());
                        turn_errors.clear();
                    }
                    Err(err) => {
                        relay_outcomes.push(format!("{} ({family}): {err}", turn.server));
                        turn_errors.push(err);
                    }
                }
            }
        } else {
            // The answering side offers a relayed address (IPv4 and IPv6: separate allocations);
            // so does a relay-only offering side, whose peer then dials it (see `permit_peer`).
            let (v4, v6) = tokio::join!(
                crate::net::turn::allocate(turn, false),
                crate::net::turn::allocate(turn, true)
            );
            for (result, family) in [(v4, "IPv4"), (v6, "IPv6")] {
                match result {
                    Ok(relay) => {
                        relay_outcomes.push(format!(
                            "{} ({family}): allocated {}",
                            turn.server, relay.relayed
                        ));
                        let candidate = candidate_with_priority(
                            relay.relayed.ip(),
                            relay.relayed.port(),
                            TcpType::Passive,
                            RELAY_PRIORITY,
                        )?;
                        agent
                            .add_local_candidate(candidate)
                            .map_err(candidate_refused)?;
                        public_addrs.push(relay.mapped.ip().to_string());
                        relays.push(relay);
                    }
                    Err(err) => {
                        relay_outcomes.push(format!("{} ({family}): {err}", turn.server));
                        turn_errors.push(err);
                    }
                }
            }
            if !relays.is_empty() {
                turn_errors.clear(); // One family is enough.
            }
        }
    }
    if let Some(first) = turn_errors.into_iter().next() {
        if options.relay_only {
            return Err(IceFailure::Relay(first));
        }
        tracing::warn!("TURN relay unavailable ({first}); direct paths only");
    }
    if listeners.is_empty() && relays.is_empty() {
        return Err(IceFailure::NothingToOffer);
    }
    let credentials = agent.get_local_credentials().clone();
    let mut candidates: Vec<String> = agent
        .get_local_candidates()
        .iter()
        .map(|c| c.marshal())
        .collect();
    let mut mappings = Vec::new();
    let (gateway, upnp_waited) = match &options.upnp {
        Some(watch) => crate::net::upnp::gateway_for_session(watch).await,
        None => (None, None),
    };
    let mut upnp_wait = upnp_waited.map(|waited| {
        format!(
            "waited {} ms for the UPnP gateway: {}",
            waited.as_millis(),
            match &gateway {
                Some(g) => format!("found, external address {}", g.external_ip),
                None => "none answered yet; going on without a port mapping".into(),
            }
        )
    });
    if let Some(upnp) = gateway {
        // The listener on our address towards the gateway (a LAN address need not be an
        // RFC 1918 one); else the first private IPv4 one.
        let addrs = || listeners.iter().map(|(_, a)| *a);
        let towards_gateway = addrs().find(|a| Some(a.ip()) == upnp.local_ip);
        let private = towards_gateway.or_else(|| {
            addrs().find(|a| match a.ip() {
                IpAddr::V4(v4) => v4.is_private(),
                IpAddr::V6(_) => false,
            })
        });
        if let Some(local) = private {
            if let Some(mapped) = upnp.map(local).await {
                // Offered to the peer only: inbound connections arrive on the local listener.
                let line = host_candidate(mapped.ip(), mapped.port(), TcpType::Passive)?.marshal();
                candidates.push(line);
                mappings.push((upnp.clone(), mapped.port()));
                if let Some(wait) = &mut upnp_wait {
                    wait.push_str(&format!("; offering {mapped}, mapped to {local}"));
                }
            }
        }
    }
    Ok(Gathered {
        agent: Some(agent),
        relays,
        public_addrs,
        mappings,
        upnp_wait,
        listeners,
        ufrag: credentials.ufrag,
        pwd: credentials.pwd,
        candidates,
        relay_outcomes,
    })
}

enum ConnMsg {
    Opened {
        peer: SocketAddr,
        local: SocketAddr,
        commands: mpsc::Sender<ConnCmd>,
    },
    Frame {
        peer: SocketAddr,
        local: SocketAddr,
        bytes: Vec<u8>,
    },
    Closed {
        peer: SocketAddr,
    },
    /// How dialling one of the peer's candidates ended.
    Dialled {
        peer: SocketAddr,
        outcome: DialOutcome,
    },
    /// The peer opened a connection to us (a listener or the relay).
    Inbound,
}

enum ConnCmd {
    Write(Vec<u8>),
    Handover(oneshot::Sender<io::Result<IceStream>>),
}

/// One TCP connection during the checks: STUN frames to and from the agent, then the handover.
async fn connection(
    mut stream: Conn,
    local: SocketAddr,
    peer: SocketAddr,
    to_agent: mpsc::Sender<ConnMsg>,
    mut commands: mpsc::Receiver<ConnCmd>,
) {
    let mut deframer = Deframer::default();
    let mut buf = vec![0u8; 4096];
    let mut peer_handed_over = false;
    loop {
        tokio::select! {
            n = stream.read(&mut buf), if !peer_handed_over => {
                let n = match n {
                    Ok(0) | Err(_) => {
                        let _ = to_agent.send(ConnMsg::Closed { peer }).await;
                        return;
                    }
                    Ok(n) => n,
                };
                deframer.push(&buf[..n]);
                while let Some(f) = deframer.next_frame() {
                    if f == HANDOVER {
                        peer_handed_over = true;
                        break;
                    }
                    if is_stun(&f) {
                        let _ = to_agent.send(ConnMsg::Frame { peer, local, bytes: f }).await;
                    }
                }
            }
            command = commands.recv() => match command {
                None => return,
                Some(ConnCmd::Write(bytes)) => {
                    if stream.write_all(&bytes).await.is_err() {
                        let _ = to_agent.send(ConnMsg::Closed { peer }).await;
                        return;
                    }
                }
                Some(ConnCmd::Handover(reply)) => {
                    let result = tokio::time::timeout(HANDOVER_TIMEOUT, async {
                        stream.write_all(&frame(HANDOVER)).await?;
                        while !peer_handed_over {
                            let n = stream.read(&mut buf).await?;
                            if n == 0 {
                                return Err(io::Error::new(io::ErrorKind::UnexpectedEof, "closed during the handover"));
                            }
                            deframer.push(&buf[..n]);
                            while let Some(f) = deframer.next_frame() {
                                if f == HANDOVER {
                                    peer_handed_over = true;
                                    break;
                                }
                            }
                        }
                        Ok(())
                    })
                    .await
                    .unwrap_or_else(|_| Err(io::Error::new(io::ErrorKind::TimedOut, "handover timed out")));
                    let _ = reply.send(result.map(|()| IceStream {
                        inner: stream,
                        prefix: deframer.into_rest(),
                        pos: 0,
                        relayed: false,
                        _relays: Vec::new(),
                    }));
                    return;
                }
            }
        }
    }
}

/// Announce a new connection to the agent loop, then serve it.
async fn run_connection(
    stream: Conn,
    local: SocketAddr,
    peer: SocketAddr,
    to_agent: mpsc::Sender<ConnMsg>,
) {
    let (commands, rx) = mpsc::channel(64);
    if to_agent
        .send(ConnMsg::Opened {
            peer,
            local,
            commands,
        })
        .await
        .is_ok()
    {
        connection(stream, local, peer, to_agent, rx).await;
    }
}

/// Run the checks against the peer's candidates and return the selected connection, after the
/// handover, ready for TLS. The offerer controls. [`IceTcp`] decides; this drives its sockets.
pub async fn connect(
    mut local: Gathered,
    remote: &RemoteParams,
    limit: Duration,
) -> Result<IceStream> {
    let offered: Vec<IpAddr> = local
        .listeners
        .iter()
        .map(|(_, a)| a.ip())
        .chain(local.relays.iter().map(|r| r.relayed.ip()))
        .collect();
    let mut relays = std::mem::take(&mut local.relays);
    let relayed_locals: Vec<SocketAddr> = relays.iter().map(|r| r.relayed).collect();
    let agent = local.agent.take().ok_or(IceFailure::AgentUsed)?;
    tracing::debug!("ICE: remote candidates {:?}", remote.candidates);
    let mut ice = IceTcp::new(
        agent,
        remote,
        offered,
        relayed_locals.clone(),
        std::mem::take(&mut local.relay_outcomes),
        Instant::now(),
        limit,
    )?;

    let (to_agent, mut from_conns) = mpsc::channel::<ConnMsg>(256);
    let mut tasks: Vec<AbortOnDrop<()>> = Vec::new();
    for relay in relays.iter_mut() {
        // Peer connections through the relay are served like accepted ones, on the relayed
        // address (which is our local candidate for them).
        let (tx, mut rx) = mpsc::channel(8);
        let relayed = relay.relayed;
        let to_agent = to_agent.clone();
        tasks.push(AbortOnDrop(tokio::spawn(async move {
            let mut conns = Vec::new();
            while let Some((stream, peer)) = rx.recv().await {
                let _ = to_agent.send(ConnMsg::Inbound).await;
                conns.push(AbortOnDrop(tokio::spawn(run_connection(
                    stream,
                    relayed,
                    peer,
                    to_agent.clone(),
                ))));
            }
        })));
        relay.forward_to(tx);
    }
    for (listener, addr) in std::mem::take(&mut local.listeners) {
        let to_agent = to_agent.clone();
        tasks.push(AbortOnDrop(tokio::spawn(async move {
            let mut conns = Vec::new();
            while let Ok((stream, peer)) = listener.accept().await {
                let _ = stream.set_nodelay(true);
                let _ = to_agent.send(ConnMsg::Inbound).await;
                conns.push(AbortOnDrop(tokio::spawn(run_connection(
                    stream.into(),
                    addr,
                    peer,
                    to_agent.clone(),
                ))));
            }
        })));
    }
    // The write side of each open connection, by the peer's address.
    let mut conns: HashMap<SocketAddr, mpsc::Sender<ConnCmd>> = HashMap::new();
    loop {
        while let Some(action) = ice.poll_action() {
            match action {
                Action::Dial { from, to } => {
                    let to_agent = to_agent.clone();
                    tasks.push(AbortOnDrop(tokio::spawn(async move {
                        match dial(from, to).await {
                            Ok(stream) => {
                                let outcome = DialOutcome::Connected;
                                let _ = to_agent.send(ConnMsg::Dialled { peer: to, outcome }).await;
                                let local = stream.local_addr().unwrap_or(SocketAddr::new(from, 0));
                                run_connection(stream.into(), local, to, to_agent).await;
                            }
                            Err(outcome) => {
                                let _ = to_agent.send(ConnMsg::Dialled { peer: to, outcome }).await;
                            }
                        }
                    })));
                }
                Action::Send { peer, message } => {
                    if let Some(tx) = conns.get(&peer) {
                        let _ = tx.try_send(ConnCmd::Write(frame(&message)));
                    }
                }
                Action::HandOver { peer, relayed } => {
                    let closed = || IceFailure::SelectedClosed(peer);
                    let tx = conns.get(&peer).ok_or_else(closed)?;
                    let (reply, result) = oneshot::channel();
                    tx.send(ConnCmd::Handover(reply))
                        .await
                        .map_err(|_| closed())?;
                    let mut stream = result
                        .await
                        .map_err(|_| closed())?
                        .map_err(|cause| IceFailure::Handover { peer, cause })?;
                    stream.relayed = relayed;
                    if relayed {
                        stream._relays = std::mem::take(&mut relays);
                    }
                    return Ok(stream);
                }
                Action::GiveUp(err) => return Err(err.into()),
            }
        }
        let wake = ice
            .poll_timeout()
            .map(tokio::time::Instant::from_std)
            .ok_or(IceFailure::Stalled)?;
        tokio::select! {
            msg = from_conns.recv() => match msg {
                Some(ConnMsg::Opened { peer, local, commands }) => {
                    tracing::debug!("ICE: connection {local} <-> {peer}");
                    conns.insert(peer, commands);
                    ice.connection_opened(peer, local);
                }
                Some(ConnMsg::Frame { peer, local, bytes }) => {
                    ice.handle_message(peer, local, &bytes, Instant::now());
                }
                Some(ConnMsg::Dialled { peer, outcome }) => {
                    ice.dial_ended(peer, outcome, Instant::now());
                }
                Some(ConnMsg::Inbound) => ice.inbound(),
                Some(ConnMsg::Closed { peer }) => {
                    tracing::debug!("ICE: connection to {peer} closed");
                    conns.remove(&peer);
                    ice.connection_closed(peer);
                }
                None => return Err(IceFailure::ConnectionsEnded),
            },
            _ = tokio::time::sleep_until(wake) => ice.handle_timeout(Instant::now()),
        }
    }
}

/// Connect from `from` to the peer's candidate `to`; how it failed when it did.
async fn dial(from: IpAddr, to: SocketAddr) -> Result<TcpStream, DialOutcome> {
    let failed = |err: io::Error| DialOutcome::of_io(&err);
    let socket = if to.is_ipv4() {
        TcpSocket::new_v4()
    } else {
        TcpSocket::new_v6()
    }
    .map_err(failed)?;
    socket.bind(SocketAddr::new(from, 0)).map_err(failed)?;
    let stream = tokio::time::timeout(DIAL_TIMEOUT, socket.connect(to))
        .await
        .map_err(|_| DialOutcome::TimedOut(DIAL_TIMEOUT))?
        .map_err(failed)?;
    let _ = stream.set_nodelay(true);
    Ok(stream)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(g: &Gathered) -> RemoteParams {
        RemoteParams {
            ufrag: g.ufrag.clone(),
            pwd: g.pwd.clone(),
            candidates: g.candidates.clone(),
            public_addrs: g.public_addrs.clone(),
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn two_agents_connect_over_loopback_tcp_and_hand_over() {
        let loopback = [IpAddr::from([127, 0, 0, 1])];
        let options = CandidateOptions::only(&loopback);
        let a = gather(true, &options).await.unwrap();
        let b = gather(false, &options).await.unwrap();
        assert!(a.candidates.iter().any(|c| c.contains("tcptype passive")));
        assert!(a.candidates.iter().any(|c| c.contains("tcptype active")));
        let (pa, pb) = (params(&a), params(&b));
        let limit = Duration::from_secs(10);
        let (sa, sb) = tokio::join!(connect(a, &pb, limit), connect(b, &pa, limit));
        let (mut sa, mut sb) = (sa.unwrap(), sb.unwrap());
        sa.write_all(b"after the handover").await.unwrap();
        let mut got = [0u8; 18];
        sb.read_exact(&mut got).await.unwrap();
        assert_eq!(&got, b"after the handover");
        sb.write_all(b"and back").await.unwrap();
        let mut back = [0u8; 8];
        sa.read_exact(&mut back).await.unwrap();
        assert_eq!(&back, b"and back");
    }

    /// The address of `g`'s passive (listening) candidate.
    fn passive_of(g: &Gathered) -> SocketAddr {
        g.candidates
            .iter()
            .map(|line| unmarshal_candidate(line).unwrap())
            .find(|c| c.addr().port() != ACTIVE_PORT)
            .unwrap()
            .addr()
    }

    /// What stands between a dialling agent and its peer's listener at `to`, on a port of
    /// its own: for the first `turned_away` it refuses connections (nothing listens yet) or,
    /// with `close`, accepts and closes them at once (a TURN relay before the permission
    /// exists); after that it forwards them.
    async fn late_gate(to: SocketAddr, turned_away: Duration, close: bool) -> SocketAddr {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        // Refusing: nothing listens on the port until it opens.
        let closing = close.then_some(listener);
        tokio::spawn(async move {
            let open_at = tokio::time::Instant::now() + turned_away;
            let listener = match closing {
                Some(listener) => {
                    while let Ok(Ok((tcp, _))) =
                        tokio::time::timeout_at(open_at, listener.accept()).await
                    {
                        drop(tcp);
                    }
                    listener
                }
                None => {
                    tokio::time::sleep_until(open_at).await;
                    TcpListener::bind(addr).await.unwrap()
                }
            };
            // Forward the connections that come from now on (the test's life at most).
            for _ in 0..16 {
                let Ok((mut inbound, _)) = listener.accept().await else {
                    return;
                };
                tokio::spawn(async move {
                    if let Ok(mut outbound) = TcpStream::connect(to).await {
                        let _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound).await;
                    }
                });
            }
        });
        addr
    }

    /// RFC 6544 gives a peer no way to say "not yet": a dial that fails or is closed at once
    /// must be tried again while the pair is checked, and a pair must be checked long enough
    /// to outlast a relay's set-up (rtc-ice's default gives up after 350 ms).
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_peer_that_turns_the_first_dials_away_is_reached_later() {
        let loopback = [IpAddr::from([127, 0, 0, 1])];
        let options = CandidateOptions::only(&loopback);
        for close in [false, true] {
            let a = gather(true, &options).await.unwrap();
            let b = gather(false, &options).await.unwrap();
            let gate = late_gate(passive_of(&b), Duration::from_millis(1500), close).await;
            // `a` knows `b` only behind the gate; `b` cannot dial `a` (active candidates only).
            let mut towards_b = params(&b);
            towards_b.candidates = vec![host_candidate(gate.ip(), gate.port(), TcpType::Passive)
                .unwrap()
                .marshal()];
            let mut towards_a = params(&a);
            towards_a
                .candidates
                .retain(|line| line.contains("tcptype active"));
            let limit = Duration::from_secs(10);
            let started = Instant::now();
            let (sa, sb) =
                tokio::join!(connect(a, &towards_b, limit), connect(b, &towards_a, limit));
            let (mut sa, mut sb) = (sa.unwrap(), sb.unwrap());
            assert!(started.elapsed() >= Duration::from_millis(1500));
            sa.write_all(b"through").await.unwrap();
            let mut got = [0u8; 7];
            sb.read_exact(&mut got).await.unwrap();
            assert_eq!(&got, b"through", "close: {close}");
        }
    }

    /// The relayed path answers at once, the direct one only after 100 ms (its first dial is
    /// refused): the direct pair must still be the one selected, on both sides.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_working_direct_pair_wins_over_a_relayed_one_that_answered_first() {
        let loopback = [IpAddr::from([127, 0, 0, 1])];
        let options = CandidateOptions::only(&loopback);
        let a = gather(true, &options).await.unwrap();
        let b = gather(false, &options).await.unwrap();
        let direct = late_gate(passive_of(&b), Duration::from_millis(100), false).await;
        let relay = late_gate(passive_of(&b), Duration::ZERO, false).await;
        let mut towards_b = params(&b);
        towards_b.candidates = vec![
            host_candidate(direct.ip(), direct.port(), TcpType::Passive)
                .unwrap()
                .marshal(),
            candidate_with_priority(relay.ip(), relay.port(), TcpType::Passive, RELAY_PRIORITY)
                .unwrap()
                .marshal(),
        ];
        let mut towards_a = params(&a);
        towards_a
            .candidates
            .retain(|line| line.contains("tcptype active"));
        let limit = Duration::from_secs(10);
        let (sa, sb) = tokio::join!(connect(a, &towards_b, limit), connect(b, &towards_a, limit));
        let (mut sa, mut sb) = (sa.unwrap(), sb.unwrap());
        assert_eq!(
            sa.peer_addr().unwrap(),
            direct,
            "the relayed pair was selected"
        );
        assert!(!sa.relayed);
        sa.write_all(b"direct").await.unwrap();
        let mut got = [0u8; 6];
        sb.read_exact(&mut got).await.unwrap();
        assert_eq!(&got, b"direct");
    }

    #[tokio::test]
    async fn no_usable_candidate_is_a_clear_error() {
        let g = gather(
            true,
            &CandidateOptions::only(&[IpAddr::from([127, 0, 0, 1])]),
        )
        .await
        .unwrap();
        let remote = RemoteParams {
            ufrag: "u".into(),
            pwd: "p".into(),
            candidates: vec!["garbage".into()],
            public_addrs: vec![],
        };
        let err = connect(g, &remote, Duration::from_secs(1))
            .await
            .unwrap_err();
        assert!(err.to_string().contains("no usable candidate"), "{err}");
    }
}
