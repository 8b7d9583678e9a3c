//! A TURN client for TCP allocations (RFC 6062 on RFC 5766/8656), as a pure machine over STUN
//! messages (`rtc-stun`), for one control connection.
//!
//! ```text
//! control connection                               server
//!   Allocate(REQUESTED-TRANSPORT=TCP)         ───▶
//!                                   ◀─── 401 (REALM, NONCE)
//!   Allocate + USERNAME REALM NONCE MESSAGE-INTEGRITY ───▶
//!                                   ◀─── success (XOR-RELAYED-ADDRESS, XOR-MAPPED-ADDRESS, LIFETIME)
//!   CreatePermission(XOR-PEER-ADDRESS...)     ───▶   ◀─── success
//!                                   ◀─── ConnectionAttempt(CONNECTION-ID, XOR-PEER-ADDRESS)
//!   [new data connection] ConnectionBind(CONNECTION-ID) ───▶  ◀─── success; then raw bytes
//!   Connect(XOR-PEER-ADDRESS) (outgoing)      ───▶   ◀─── success (CONNECTION-ID)
//!   Refresh(LIFETIME) before expiry; LIFETIME=0 to release
//! ```
//! A stale nonce (438) is retried once with the new nonce; 401 after credentials were sent means
//! they are wrong. Feed bytes from the control connection to [`Client::handle_read`], call
//! [`Client::handle_timeout`] at [`Client::poll_timeout`], write what [`Client::poll_write`]
//! returns, act on [`Client::poll_event`]. Time is an argument: tests jump a fake clock.

use rtc_stun::attributes::*;
use rtc_stun::error_code::ErrorCodeAttribute;
use rtc_stun::integrity::MessageIntegrity;
use rtc_stun::message::*;
use rtc_stun::textattrs::TextAttribute;
use rtc_stun::xoraddr::XorMappedAddress;
use std::collections::{HashMap, VecDeque};
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Requested lifetime of the allocation.
pub const LIFETIME: Duration = Duration::from_secs(600);
/// Refresh this long before the allocation expires.
pub const REFRESH_MARGIN: Duration = Duration::from_secs(60);
/// A request without a response for this long fails (TCP: no retransmission).
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(5);
/// Longest STUN message accepted.
const MAX_MESSAGE: usize = 64 * 1024;
const PROTO_TCP: u8 = 6;
/// REQUESTED-ADDRESS-FAMILY's value for IPv6 (RFC 6156 §4.1.1).
const FAMILY_IPV6: u8 = 2;

/// Long-term credentials.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Credentials {
    pub username: String,
    pub password: String,
}

/// Why the TURN client gave up.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TurnError {
    #[error("the TURN server refused the credentials (401 after authenticating)")]
    Unauthorized,
    #[error("the TURN server reports an allocation mismatch (437)")]
    AllocationMismatch,
    #[error("the TURN server refused {request}: {code} {reason}")]
    Refused {
        request: Request,
        code: u16,
        reason: String,
    },
    #[error("the TURN server did not answer {request} within {secs}s")]
    Timeout { request: Request, secs: u64 },
    #[error("the TURN server sent a malformed message")]
    Malformed,
    #[error("the TURN server closed the control connection")]
    Closed,
}

impl TurnError {
    /// Whether the allocation is over: a refused permission costs only the peers it named
    /// (a loopback address towards a public relay, say); anything else ends the allocation.
    pub fn ends_allocation(&self) -> bool {
        !matches!(
            self,
            TurnError::Refused {
                request: Request::Permission,
                ..
            }
        )
    }
}

/// What the client reports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TurnEvent {
    /// A public address as the server sees us (Binding or Allocate response).
    Mapped(SocketAddr),
    Allocated {
        relayed: SocketAddr,
        mapped: SocketAddr,
        lifetime: Duration,
    },
    Refreshed {
        lifetime: Duration,
    },
    PermissionGranted(Vec<IpAddr>),
    /// A peer connected to the relayed address: bind a new data connection with this id.
    ConnectionAttempt {
        id: u32,
        peer: SocketAddr,
    },
    /// Our Connect to a peer succeeded: bind a new data connection with this id.
    Connected {
        id: u32,
        peer: SocketAddr,
    },
    Failed(TurnError),
}

/// A request to the TURN server, named in errors.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Request {
    Binding,
    Allocate,
    Refresh,
    Permission,
    Connect,
    /// On a data connection (RFC 6062 §4.3), outside the control connection's machine.
    ConnectionBind,
}

impl std::fmt::Display for Request {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

impl Request {
    fn name(self) -> &'static str {
        match self {
            Request::Binding => "Binding",
            Request::Allocate => "Allocate",
            Request::Refresh => "Refresh",
            Request::Permission => "CreatePermission",
            Request::Connect => "Connect",
            Request::ConnectionBind => "ConnectionBind",
        }
    }

    fn method(self) -> Method {
        match self {
            Request::Binding => METHOD_BINDING,
            Request::Allocate => METHOD_ALLOCATE,
            Request::Refresh => METHOD_REFRESH,
            Request::Permission => METHOD_CREATE_PERMISSION,
            Request::Connect => METHOD_CONNECT,
            Request::ConnectionBind => METHOD_CONNECTION_BIND,
        }
    }
}

#[derive(Debug, Clone)]
struct Pending {
    kind: Request,
    /// Allocate: ask for an IPv6 relayed address (REQUESTED-ADDRESS-FAMILY, RFC 6156).
    ipv6_relay: bool,
    peers: Vec<SocketAddr>,
    lifetime: Option<u32>,
    deadline: Instant,
    authenticated: bool,
    retried_nonce: bool,
}

/// The TURN client of one control connection.
pub struct Client {
    credentials: Credentials,
    crypto: Arc<dyn rtc_ice::crypto::RTCCryptoProvider>,
    realm: Option<String>,
    nonce: Option<String>,
    pending: HashMap<TransactionId, Pending>,
    relayed: Option<SocketAddr>,
    expires: Option<Instant>,
    input: Vec<u8>,
    out: VecDeque<Vec<u8>>,
    events: VecDeque<TurnEvent>,
    failed: bool,
}

fn error_of(m: &Message) -> (u16, String) {
    let mut e = ErrorCodeAttribute::default();
    match e.get_from(m) {
        Ok(()) => (e.code.0, String::from_utf8_lossy(&e.reason).into_owned()),
        Err(_) => (0, String::new()),
    }
}

fn xor_addr(m: &Message, attr: AttrType) -> Option<SocketAddr> {
    let mut a = XorMappedAddress::default();
    a.get_from_as(m, attr).ok()?;
    Some(SocketAddr::new(a.ip, a.port))
}

fn u32_attr(m: &Message, attr: AttrType) -> Option<u32> {
    let v = m.get(attr).ok()?;
    Some(u32::from_be_bytes(v.get(..4)?.try_into().ok()?))
}

impl Client {
    pub fn new(
        credentials: Credentials,
        crypto: Arc<dyn rtc_ice::crypto::RTCCryptoProvider>,
    ) -> Client {
        Client {
            credentials,
            crypto,
            realm: None,
            nonce: None,
            pending: HashMap::new(),
            relayed: None,
            expires: None,
            input: Vec::new(),
            out: VecDeque::new(),
            events: VecDeque::new(),
            failed: false,
        }
    }

    pub fn relayed(&self) -> Option<SocketAddr> {
        self.relayed
    }

    fn key(&self) -> Option<Vec<u8>> {
        let realm = self.realm.clone()?;
        MessageIntegrity::long_term_integrity_key(
            self.credentials.username.clone(),
            realm,
            self.credentials.password.clone(),
            self.crypto.crypto(),
        )
        .ok()
    }

    fn transaction_id(&self) -> TransactionId {
        let mut id = TransactionId::default();
        let _ = self.crypto.random().fill(&mut id.0);
        id
    }

    /// Build a request; authenticated once the server has told us its realm and nonce.
    fn build(
        &self,
        kind: Request,
        id: TransactionId,
        p: &Pending,
        class: MessageClass,
    ) -> Option<(Vec<u8>, bool)> {
        let mut m = Message::new();
        m.set_type(MessageType::new(kind.method(), class));
        m.transaction_id = id;
        m.write_header();
        if kind == Request::Allocate {
            m.add(ATTR_REQUESTED_TRANSPORT, &[PROTO_TCP, 0, 0, 0]);
            if p.ipv6_relay {
                m.add(ATTR_REQUESTED_ADDRESS_FAMILY, &[FAMILY_IPV6, 0, 0, 0]);
            }
        }
        if let Some(lifetime) = p.lifetime {
            m.add(ATTR_LIFETIME, &lifetime.to_be_bytes());
        }
        for peer in &p.peers {
            XorMappedAddress {
                ip: peer.ip(),
                port: peer.port(),
            }
            .add_to_as(&mut m, ATTR_XOR_PEER_ADDRESS)
            .ok()?;
        }
        let authenticated =
            kind != Request::Binding && self.realm.is_some() && self.nonce.is_some();
        if authenticated {
            TextAttribute::new(ATTR_USERNAME, self.credentials.username.clone())
                .add_to(&mut m)
                .ok()?;
            TextAttribute::new(ATTR_REALM, self.realm.clone()?)
                .add_to(&mut m)
                .ok()?;
            TextAttribute::new(ATTR_NONCE, self.nonce.clone()?)
                .add_to(&mut m)
                .ok()?;
            MessageIntegrity::new_long_term_integrity_with_provider(
                self.credentials.username.clone(),
                self.realm.clone()?,
                self.credentials.password.clone(),
                self.crypto.crypto(),
            )
            .ok()?
            .add_to(&mut m)
            .ok()?;
        }
        m.write_length();
        Some((m.raw.clone(), authenticated))
    }

    fn request(
        &mut self,
        now: Instant,
        kind: Request,
        peers: Vec<SocketAddr>,
        lifetime: Option<u32>,
    ) {
        self.queue(now, kind, peers, lifetime, false);
    }

    fn request_with(
        &mut self,
        now: Instant,
        kind: Request,
        lifetime: Option<u32>,
        ipv6_relay: bool,
    ) {
        self.queue(now, kind, vec![], lifetime, ipv6_relay);
    }

    fn queue(
        &mut self,
        now: Instant,
        kind: Request,
        peers: Vec<SocketAddr>,
        lifetime: Option<u32>,
        ipv6_relay: bool,
    ) {
        let mut p = Pending {
            kind,
            ipv6_relay,
            peers,
            lifetime,
            deadline: now + REQUEST_TIMEOUT,
            authenticated: false,
            retried_nonce: false,
        };
        let id = self.transaction_id();
        if let Some((bytes, authenticated)) = self.build(kind, id, &p, CLASS_REQUEST) {
            p.authenticated = authenticated;
            self.out.push_back(bytes);
            self.pending.insert(id, p);
        }
    }

    /// Ask for our public address (a Binding request, no credentials needed).
    pub fn binding(&mut self, now: Instant) {
        self.request(now, Request::Binding, vec![], None);
    }

    /// Ask for a TCP allocation with an IPv4 relayed address (RFC 6156's default, whatever
    /// the family of the connection to the server).
    pub fn allocate(&mut self, now: Instant) {
        self.request(
            now,
            Request::Allocate,
            vec![],
            Some(LIFETIME.as_secs() as u32),
        );
    }

    /// Ask for a TCP allocation with an IPv6 relayed address: REQUESTED-ADDRESS-FAMILY IPv6
    /// (RFC 6156 §4.1.1), which a server without IPv6 relays answers with 440.
    pub fn allocate_ipv6(&mut self, now: Instant) {
        self.request_with(
            now,
            Request::Allocate,
            Some(LIFETIME.as_secs() as u32),
            true,
        );
    }

    /// Allow peers at these addresses (only the IP counts) to connect to the relayed address.
    pub fn create_permission(&mut self, now: Instant, ips: &[IpAddr]) {
        if ips.is_empty() {
            return;
        }
        let peers = ips.iter().map(|ip| SocketAddr::new(*ip, 0)).collect();
        self.request(now, Request::Permission, peers, None);
    }

    /// Open a connection from the relay to `peer` (the outgoing direction).
    pub fn connect(&mut self, now: Instant, peer: SocketAddr) {
        self.request(now, Request::Connect, vec![peer], None);
    }

    /// Release the allocation (Refresh with LIFETIME 0).
    pub fn release(&mut self, now: Instant) {
        if self.relayed.is_some() {
            self.request(now, Request::Refresh, vec![], Some(0));
            self.relayed = None;
            self.expires = None;
        }
    }

    /// The first message of a new data connection for connection `id`.
    pub fn connection_bind(&self, id: u32) -> Vec<u8> {
        let mut m = Message::new();
        m.set_type(MessageType::new(METHOD_CONNECTION_BIND, CLASS_REQUEST));
        m.transaction_id = self.transaction_id();
        m.write_header();
        m.add(ATTR_CONNECTION_ID, &id.to_be_bytes());
        if let (Some(realm), Some(nonce)) = (self.realm.clone(), self.nonce.clone()) {
            let _ =
                TextAttribute::new(ATTR_USERNAME, self.credentials.username.clone()).add_to(&mut m);
            let _ = TextAttribute::new(ATTR_REALM, realm.clone()).add_to(&mut m);
            let _ = TextAttribute::new(ATTR_NONCE, nonce).add_to(&mut m);
            if let Ok(mi) = MessageIntegrity::new_long_term_integrity_with_provider(
                self.credentials.username.clone(),
                realm,
                self.credentials.password.clone(),
                self.crypto.crypto(),
            ) {
                let _ = mi.add_to(&mut m);
            }
        }
        m.write_length();
        m.raw
    }

    /// Bytes from the control connection.
    pub fn handle_read(&mut self, now: Instant, bytes: &[u8]) {
        self.input.extend_from_slice(bytes);
        while let Some(len) = message_len(&self.input) {
            if len > MAX_MESSAGE {
                self.fail(TurnError::Malformed);
                return;
            }
            if self.input.len() < len {
                return;
            }
            let raw: Vec<u8> = self.input.drain(..len).collect();
            let mut m = Message::new();
            if m.unmarshal_binary(&raw).is_err() {
                self.fail(TurnError::Malformed);
                return;
            }
            self.handle_message(now, m);
        }
    }

    /// The control connection closed.
    pub fn handle_close(&mut self) {
        self.fail(TurnError::Closed);
    }

    fn fail(&mut self, err: TurnError) {
        if !self.failed {
            self.failed = true;
            self.events.push_back(TurnEvent::Failed(err));
        }
    }

    fn handle_message(&mut self, now: Instant, m: Message) {
        if m.typ.method == METHOD_CONNECTION_ATTEMPT && m.typ.class == CLASS_INDICATION {
            if let (Some(id), Some(peer)) = (
                u32_attr(&m, ATTR_CONNECTION_ID),
                xor_addr(&m, ATTR_XOR_PEER_ADDRESS),
            ) {
                self.events
                    .push_back(TurnEvent::ConnectionAttempt { id, peer });
            }
            return;
        }
        let Some(p) = self.pending.remove(&m.transaction_id) else {
            return; // Not ours, or already timed out.
        };
        if m.typ.class == CLASS_ERROR_RESPONSE {
            let (code, reason) = error_of(&m);
            if let Ok(nonce) = TextAttribute::get_from_as(&m, ATTR_NONCE) {
                let nonce = nonce.to_string();
                if let Ok(realm) = TextAttribute::get_from_as(&m, ATTR_REALM) {
                    self.realm = Some(realm.to_string());
                }
                let retry = match code {
                    401 => !p.authenticated,
                    438 => !p.retried_nonce,
                    _ => false,
                };
                if retry {
                    self.nonce = Some(nonce);
                    let id = self.transaction_id();
                    let mut again = p.clone();
                    again.retried_nonce |= code == 438;
                    again.deadline = now + REQUEST_TIMEOUT;
                    if let Some((bytes, authenticated)) =
                        self.build(p.kind, id, &again, CLASS_REQUEST)
                    {
                        again.authenticated = authenticated;
                        self.out.push_back(bytes);
                        self.pending.insert(id, again);
                    }
                    return;
                }
            }
            let err = match code {
                401 => TurnError::Unauthorized,
                437 => TurnError::AllocationMismatch,
                _ => TurnError::Refused {
                    request: p.kind,
                    code,
                    reason,
                },
            };
            if p.kind == Request::Permission || p.kind == Request::Connect {
                self.events.push_back(TurnEvent::Failed(err));
            } else {
                self.fail(err);
            }
            return;
        }
        if m.typ.class != CLASS_SUCCESS_RESPONSE {
            return;
        }
        // Authenticated responses must carry the server's proof of the shared key.
        if p.authenticated {
            let mut check = m.clone();
            let ok = self.key().is_some_and(|key| {
                MessageIntegrity::check(&mut check, &key, self.crypto.crypto()).is_ok()
            });
            if !ok {
                self.fail(TurnError::Malformed);
                return;
            }
        }
        match p.kind {
            Request::Binding => {
                if let Some(mapped) = xor_addr(&m, ATTR_XORMAPPED_ADDRESS) {
                    self.events.push_back(TurnEvent::Mapped(mapped));
                }
            }
            Request::Allocate => {
                let (Some(relayed), Some(mapped)) = (
                    xor_addr(&m, ATTR_XOR_RELAYED_ADDRESS),
                    xor_addr(&m, ATTR_XORMAPPED_ADDRESS),
                ) else {
                    self.fail(TurnError::Malformed);
                    return;
                };
                let lifetime =
                    Duration::from_secs(u64::from(u32_attr(&m, ATTR_LIFETIME).unwrap_or(600)));
                self.relayed = Some(relayed);
                self.expires = Some(now + lifetime);
                self.events.push_back(TurnEvent::Allocated {
                    relayed,
                    mapped,
                    lifetime,
                });
            }
            Request::Refresh => {
                if p.lifetime == Some(0) {
                    return;
                }
                let lifetime =
                    Duration::from_secs(u64::from(u32_attr(&m, ATTR_LIFETIME).unwrap_or(600)));
                self.expires = Some(now + lifetime);
                self.events.push_back(TurnEvent::Refreshed { lifetime });
            }
            Request::Permission => {
                let ips = p.peers.iter().map(SocketAddr::ip).collect();
                self.events.push_back(TurnEvent::PermissionGranted(ips));
            }
            Request::Connect => {
                if let (Some(id), Some(peer)) = (u32_attr(&m, ATTR_CONNECTION_ID), p.peers.first())
                {
                    self.events
                        .push_back(TurnEvent::Connected { id, peer: *peer });
                }
            }
            // Never sent on the control connection: see `connection_bind_result`.
            Request::ConnectionBind => {}
        }
    }

    pub fn handle_timeout(&mut self, now: Instant) {
        let expired: Vec<TransactionId> = self
            .pending
            .iter()
            .filter(|(_, p)| p.deadline <= now)
            .map(|(id, _)| *id)
            .collect();
        for id in expired {
            if let Some(p) = self.pending.remove(&id) {
                self.fail(TurnError::Timeout {
                    request: p.kind,
                    secs: REQUEST_TIMEOUT.as_secs(),
                });
            }
        }
        if let Some(expires) = self.expires {
            let refresh_at = expires.checked_sub(REFRESH_MARGIN).unwrap_or(expires);
            let refreshing = self.pending.values().any(|p| p.kind == Request::Refresh);
            if now >= refresh_at && !refreshing && !self.failed {
                self.request(
                    now,
                    Request::Refresh,
                    vec![],
                    Some(LIFETIME.as_secs() as u32),
                );
            }
        }
    }

    pub fn poll_write(&mut self) -> Option<Vec<u8>> {
        self.out.pop_front()
    }

    pub fn poll_event(&mut self) -> Option<TurnEvent> {
        self.events.pop_front()
    }

    pub fn poll_timeout(&self) -> Option<Instant> {
        let requests = self.pending.values().map(|p| p.deadline).min();
        let refresh = self
            .expires
            .map(|e| e.checked_sub(REFRESH_MARGIN).unwrap_or(e));
        [requests, refresh].into_iter().flatten().min()
    }
}

/// Length of the STUN message at the start of `buf`, once its header is there.
pub fn message_len(buf: &[u8]) -> Option<usize> {
    if buf.len() < MESSAGE_HEADER_SIZE {
        return None;
    }
    Some(MESSAGE_HEADER_SIZE + usize::from(u16::from_be_bytes([buf[2], buf[3]])))
}

/// Read the server's answer to a ConnectionBind on a data connection.
pub fn connection_bind_result(raw: &[u8]) -> Result<(), TurnError> {
    let mut m = Message::new();
    m.unmarshal_binary(raw).map_err(|_| TurnError::Malformed)?;
    if m.typ.method != METHOD_CONNECTION_BIND {
        return Err(TurnError::Malformed);
    }
    if m.typ.class == CLASS_SUCCESS_RESPONSE {
        return Ok(());
    }
    let (code, reason) = error_of(&m);
    Err(TurnError::Refused {
        request: Request::ConnectionBind,
        code,
        reason,
    })
}

#[cfg(test)]
mod tests;
