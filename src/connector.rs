//! The one path every command takes to reach a device, and to be reached.
//!
//! Through the DHT (the normal way):
//! 1. each receiving device keeps a signed announcement on the DHT ([`announce`]);
//! 2. the sender resolves the id it was given, device or account, into verified devices
//!    ([`resolve`]);
//! 3. it gathers ICE-TCP candidates and puts an encrypted, signed offer at
//!    `InfoHash("peer:" + device id)`; the receiver, listening there ([`serve_offers`]), opens
//!    it, gathers its own candidates and answers the same way at the sender's key;
//! 4. both run ICE over TCP (`net::ice`); the selected connection is handed over to TLS 1.3,
//!    the sender as client pinned to the device it resolved, the receiver as server requiring
//!    the device that signed the offer.
//!
//! Direct mode ([`connect_direct`], [`DirectListener`]) skips 1-4 when the address is known.
//!
//! Small messages between devices (a re-request, its refusal) travel the same way as offers:
//! sealed to the recipient and signed, at its `peer:` key ([`send_message`]); [`serve_offers`]
//! hands the ones it receives to the caller.

use crate::events::{Event, Reporter};
use crate::identity::{Id, Identity, IdentityError, PeerIdentity, Pin};
use crate::net::dht::{Dht, ListenEvent, PutHandle};
use crate::net::ice::{self, CandidateOptions, IceStream, RemoteParams};
use crate::net::tls;
use crate::net::Interrupt;
use crate::proto::dht::value::Value;
use crate::proto::signal::{
    account_key, device_key, open_announcement, open_message, open_request, peer_key, seal,
    seal_announcement, Announcement, DeviceInfo, Message, ReplayGuard, Request, ANNOUNCE_USER_TYPE,
    REQUEST_USER_TYPE,
};
use anyhow::{anyhow, bail, Context, Result};
use rustls::pki_types::UnixTime;
use serde_bytes::ByteBuf;
use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;
use tokio_rustls::{TlsAcceptor, TlsConnector, TlsStream};

/// Longest wait for a TCP connection to open (direct mode).
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Longest wait for a TLS handshake to complete.
pub const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);
/// How long a sender waits for the answer to its offer (dhtnet's `DHT_MSG_TIMEOUT`).
pub const ANSWER_TIMEOUT: Duration = Duration::from_secs(30);
/// How long ICE may take to find a path once both sides have each other's candidates.
pub const ICE_TIMEOUT: Duration = Duration::from_secs(15);

/// A verified TLS stream to a device, either direction.
pub type PeerStream = TlsStream<IceStream>;

fn chain_bytes(identity: &Identity) -> Vec<ByteBuf> {
    identity
        .tls_chain()
        .iter()
        .map(|c| ByteBuf::from(c.to_vec()))
        .collect()
}

fn random_nonzero() -> u64 {
    rand::random::<u64>() | 1
}

/// Keep this device's announcement on the DHT, at its account's key and its own; the
/// handles keep it alive.
pub async fn announce(dht: &Dht, identity: &Identity) -> Result<Vec<PutHandle>> {
    let announcement = Announcement {
        chain: chain_bytes(identity),
        enc_key: ByteBuf::from(identity.enc_public().to_vec()),
        created: UnixTime::now().as_secs(),
    };
    let sealed = seal_announcement(&announcement, identity);
    let value = Value::new(random_nonzero(), 0, sealed, ANNOUNCE_USER_TYPE);
    let (a, d) = tokio::join!(
        dht.put(account_key(&identity.account), value.clone()),
        dht.put(device_key(&identity.device), value)
    );
    Ok(vec![
        a.context("announcing this device at its account's key")?,
        d.context("announcing this device at its own key")?,
    ])
}

/// How long the first announcement waits for a bootstrap node to answer.
const FIRST_NODE_WAIT: Duration = Duration::from_secs(2);
/// How often to retry announcing while no DHT node takes the announcement.
const ANNOUNCE_RETRY: Duration = Duration::from_secs(15);

/// Announce this device and keep the announcement alive for as long as the task runs.
///
/// The first announcement goes out as soon as a bootstrap node answered, or after
/// [`FIRST_NODE_WAIT`] (at once with no bootstrap): a full node keeps its own values, so a peer
/// on the LAN that finds this node reads it here even when no other node answers (an offline
/// LAN). Until other nodes are known it is announced again each time they may have appeared,
/// so it reaches them as soon as they do.
pub async fn keep_announced(
    dht: Dht,
    identity: Arc<Identity>,
    announced: tokio::sync::oneshot::Sender<()>,
) {
    let mut announced = Some(announced);
    let mut _handles = Vec::new();
    if dht.has_bootstrap {
        // A reachable bootstrap node answers within a round trip or two: the first
        // announcement then reaches the network, not only this node.
        let _ = dht.wait_for_nodes(1, FIRST_NODE_WAIT).await;
    }
    loop {
        match announce(&dht, &identity).await {
            Ok(handles) => {
                // The handles keep the values re-announced until this task ends.
                _handles = handles;
                if let Some(tx) = announced.take() {
                    tracing::info!("announced device {} on the DHT", identity.device);
                    let _ = tx.send(());
                }
                if dht.wait_for_nodes(1, Duration::ZERO).await.unwrap_or(0) > 0 {
                    std::future::pending::<()>().await;
                }
                // Alone so far: announce again once a node shows up.
                let _ = dht.wait_for_nodes(1, ANNOUNCE_RETRY).await;
            }
            Err(err) => {
                tracing::info!("not announced yet ({err:#}); retrying");
                tokio::time::sleep(ANNOUNCE_RETRY).await;
            }
        }
    }
}

/// The verified devices behind `id` (a device id, or an account id: all its devices).
pub async fn resolve(dht: &Dht, id: Id) -> Result<Vec<DeviceInfo>> {
    let (by_device, by_account) = tokio::join!(dht.get(device_key(&id)), dht.get(account_key(&id)));
    // Both lookups failing is not "nothing announced": no node answered them.
    if let (Err(err), Err(_)) = (&by_device, &by_account) {
        bail!("looking {id} up on the DHT: {err:#}");
    }
    let mut devices: HashMap<Id, DeviceInfo> = HashMap::new();
    for value in by_device
        .unwrap_or_default()
        .into_iter()
        .chain(by_account.unwrap_or_default())
    {
        if value.user_type != ANNOUNCE_USER_TYPE {
            continue;
        }
        let Ok(info) = open_announcement(&value.data, UnixTime::now()) else {
            continue;
        };
        if info.peer.device != id && info.peer.account != id {
            continue;
        }
        let keep = devices
            .get(&info.peer.device)
            .is_none_or(|known| known.created <= info.created);
        if keep {
            devices.insert(info.peer.device, info);
        }
    }
    let mut devices: Vec<DeviceInfo> = devices.into_values().collect();
    devices.sort_by_key(|d| d.peer.device);
    Ok(devices)
}

/// `body` signed by this device and sealed to `to`, as a DHT value of `user_type`.
fn sealed_value<T: serde::Serialize>(
    identity: &Identity,
    body: &T,
    to: &[u8; 32],
    user_type: &str,
) -> Value {
    let sealed = seal(body, identity, to, rand::random(), rand::random());
    Value::new(random_nonzero(), 0, sealed, user_type)
}

/// Put a sealed, signed message for `to` at its `peer:` key (once; it lives as long as the
/// DHT keeps such values, a few minutes).
pub async fn send_message(
    dht: &Dht,
    identity: &Identity,
    to: &DeviceInfo,
    mime_type: &str,
    payload: Vec<u8>,
) -> Result<()> {
    let message = Message {
        id: random_nonzero(),
        ts: UnixTime::now().as_secs(),
        chain: chain_bytes(identity),
        enc_key: ByteBuf::from(identity.enc_public().to_vec()),
        mime_type: mime_type.to_string(),
        payload: ByteBuf::from(payload),
    };
    dht.put_once(
        peer_key(&to.peer.device),
        sealed_value(identity, &message, &to.enc_key, mime_type),
    )
    .await
    .with_context(|| format!("sending a message to device {}", to.peer.device))
}

/// A message received at this device's key, opened and verified.
#[derive(Debug, Clone)]
pub struct InboundMessage {
    pub message: Message,
    /// The device that signed it, and the key to seal an answer to it.
    pub from: DeviceInfo,
}

/// Offer a connection to `target` through the DHT, run ICE and TLS: a verified stream.
pub async fn connect_via_dht(
    dht: &Dht,
    identity: &Identity,
    target: &DeviceInfo,
    candidates: &CandidateOptions,
) -> Result<(PeerStream, PeerIdentity)> {
    let gathered = ice::gather(true, candidates).await?;
    let offer = Request {
        id: random_nonzero(),
        ts: UnixTime::now().as_secs(),
        is_answer: false,
        chain: chain_bytes(identity),
        enc_key: ByteBuf::from(identity.enc_public().to_vec()),
        ufrag: gathered.ufrag.clone(),
        pwd: gathered.pwd.clone(),
        candidates: gathered.candidates.clone(),
        conn_type: "ferry".into(),
        public_addrs: gathered.public_addrs.clone(),
    };
    let mut answers = dht.listen(peer_key(&identity.device)).await?;
    dht.put_once(
        peer_key(&target.peer.device),
        sealed_value(identity, &offer, &target.enc_key, REQUEST_USER_TYPE),
    )
    .await
    .context("publishing the connection request")?;
    let mut guard = ReplayGuard::default();
    let answer = tokio::time::timeout(ANSWER_TIMEOUT, async {
        loop {
            let Some(event) = answers.next().await else {
                bail!("the DHT node stopped");
            };
            let ListenEvent::Values(values) = event else {
                continue;
            };
            for value in values {
                if value.user_type != REQUEST_USER_TYPE {
                    continue;
                }
                match open_request(
                    &value.data,
                    identity.enc_secret(),
                    UnixTime::now(),
                    &mut guard,
                ) {
                    Ok((r, peer))
                        if r.is_answer && r.id == offer.id && peer.device == target.peer.device =>
                    {
                        return Ok(r);
                    }
                    Ok(_) => {}
                    Err(err) => tracing::debug!("ignoring a value at our key: {err}"),
                }
            }
        }
    })
    .await
    .map_err(|_| {
        crate::outcome::Stop::NoAnswer(format!(
            "device {} did not answer within {}s (is `ferry receive` running there?)",
            target.peer.device,
            ANSWER_TIMEOUT.as_secs()
        ))
    })??;
    let remote = RemoteParams {
        ufrag: answer.ufrag,
        pwd: answer.pwd,
        candidates: answer.candidates,
        public_addrs: answer.public_addrs,
    };
    let stream = ice::connect(gathered, &remote, ICE_TIMEOUT)
        .await
        .with_context(|| format!("connecting to device {}", target.peer.device))?;
    let addr = stream.peer_addr()?;
    tls_client(identity, stream, Pin::to([target.peer.device]), addr).await
}

async fn tls_client(
    identity: &Identity,
    stream: IceStream,
    pin: Pin,
    addr: SocketAddr,
) -> Result<(PeerStream, PeerIdentity)> {
    let connector = TlsConnector::from(tls::client_config(identity, pin)?);
    let stream = tokio::time::timeout(
        HANDSHAKE_TIMEOUT,
        connector.connect(tls::server_name(), stream),
    )
    .await
    .map_err(|_| anyhow!("TLS handshake with {addr} timed out"))?
    .map_err(|e| handshake_error(e, addr))?;
    let peer = tls::peer_of(stream.get_ref().1)?;
    Ok((TlsStream::Client(stream), peer))
}

async fn tls_server(
    acceptor: &TlsAcceptor,
    stream: IceStream,
    addr: SocketAddr,
) -> Result<(PeerStream, PeerIdentity)> {
    let stream = tokio::time::timeout(HANDSHAKE_TIMEOUT, acceptor.accept(stream))
        .await
        .map_err(|_| anyhow!("TLS handshake with {addr} timed out"))?
        .map_err(|e| handshake_error(e, addr))?;
    let peer = tls::peer_of(stream.get_ref().1)?;
    Ok((TlsStream::Server(stream), peer))
}

/// A verified connection from a device that wants to send.
pub struct Incoming {
    pub stream: PeerStream,
    pub peer: PeerIdentity,
    pub addr: SocketAddr,
}

/// Answer every valid connection request at this device's key; verified connections go to
/// `incoming`, verified messages to `messages` (when given; else they are ignored). Refused
/// requests and messages are reported as [`Event::Dropped`] and counted.
pub async fn serve_offers(
    dht: Dht,
    identity: Arc<Identity>,
    candidates: CandidateOptions,
    incoming: mpsc::Sender<Result<Incoming>>,
    messages: Option<mpsc::Sender<InboundMessage>>,
    reporter: Arc<dyn Reporter>,
    mut interrupt: Interrupt,
) -> Result<()> {
    let mut offers = dht.listen(peer_key(&identity.device)).await?;
    let acceptor = TlsAcceptor::from(tls::server_config(&identity)?);
    let dropped = Arc::new(AtomicU64::new(0));
    let drop_one = {
        let reporter = reporter.clone();
        let dropped = dropped.clone();
        move |reason: String| {
            let total = dropped.fetch_add(1, Ordering::Relaxed) + 1;
            reporter.report(Event::Dropped { reason, total });
        }
    };
    let mut guard = ReplayGuard::default();
    loop {
        let event = tokio::select! {
            e = offers.next() => e,
            _ = interrupt.wait() => return Ok(()),
        };
        let Some(event) = event else {
            bail!("the DHT node stopped");
        };
        let ListenEvent::Values(values) = event else {
            continue;
        };
        for value in values {
            if value.user_type.starts_with("application/") {
                let Some(messages) = &messages else { continue };
                match open_message(
                    &value.data,
                    identity.enc_secret(),
                    UnixTime::now(),
                    &mut guard,
                ) {
                    Ok((message, peer)) if message.mime_type == value.user_type => {
                        let enc_key = message.enc_key.as_ref().try_into().unwrap_or([0; 32]);
                        let from = DeviceInfo {
                            peer,
                            enc_key,
                            created: message.ts,
                        };
                        // Bounded channel, never waited on: when it is full the message is
                        // dropped and counted, and offers keep being served.
                        if messages.try_send(InboundMessage { message, from }).is_err() {
                            drop_one("a message arrived while the message queue was full".into());
                        }
                    }
                    Ok(_) => drop_one("a message whose type does not match its value".into()),
                    Err(err) => drop_one(err.to_string()),
                }
                continue;
            }
            if value.user_type != REQUEST_USER_TYPE {
                continue;
            }
            let (offer, peer) = match open_request(
                &value.data,
                identity.enc_secret(),
                UnixTime::now(),
                &mut guard,
            ) {
                Ok(opened) => opened,
                Err(err) => {
                    drop_one(err.to_string());
                    continue;
                }
            };
            if offer.is_answer {
                continue;
            }
            let (dht, identity, ips, incoming, acceptor, drop_one) = (
                dht.clone(),
                identity.clone(),
                candidates.clone(),
                incoming.clone(),
                acceptor.clone(),
                drop_one.clone(),
            );
            tokio::spawn(async move {
                let result = answer(&dht, &identity, &ips, &acceptor, offer, peer).await;
                match result {
                    Ok(conn) => {
                        let _ = incoming.send(Ok(conn)).await;
                    }
                    Err(err) => {
                        if err
                            .chain()
                            .any(|c| c.downcast_ref::<IdentityError>().is_some())
                        {
                            drop_one(format!("{err:#}"));
                        } else {
                            let _ = incoming.send(Err(err)).await;
                        }
                    }
                }
            });
        }
    }
}

async fn answer(
    dht: &Dht,
    identity: &Identity,
    candidates: &CandidateOptions,
    acceptor: &TlsAcceptor,
    offer: Request,
    peer: PeerIdentity,
) -> Result<Incoming> {
    let gathered = ice::gather(false, candidates).await?;
    let reply = Request {
        id: offer.id,
        ts: UnixTime::now().as_secs(),
        is_answer: true,
        chain: chain_bytes(identity),
        enc_key: ByteBuf::from(identity.enc_public().to_vec()),
        ufrag: gathered.ufrag.clone(),
        pwd: gathered.pwd.clone(),
        candidates: gathered.candidates.clone(),
        conn_type: offer.conn_type.clone(),
        public_addrs: gathered.public_addrs.clone(),
    };
    let their_key: [u8; 32] = offer
        .enc_key
        .as_ref()
        .try_into()
        .map_err(|_| anyhow!("the request carries no usable encryption key"))?;
    let remote = RemoteParams {
        ufrag: offer.ufrag,
        pwd: offer.pwd,
        candidates: offer.candidates,
        public_addrs: offer.public_addrs,
    };
    // The peer may dial our relayed address as soon as it reads the answer.
    gathered.permit_peer(&remote).await;
    dht.put_once(
        peer_key(&peer.device),
        sealed_value(identity, &reply, &their_key, REQUEST_USER_TYPE),
    )
    .await
    .context("publishing the answer")?;
    let stream = ice::connect(gathered, &remote, ICE_TIMEOUT)
        .await
        .with_context(|| format!("connecting to device {}", peer.device))?;
    let addr = stream.peer_addr()?;
    let (stream, tls_peer) = tls_server(acceptor, stream, addr).await?;
    // The TLS peer must be the device that signed the request.
    Pin::to([peer.device]).check(&tls_peer)?;
    Ok(Incoming {
        stream,
        peer: tls_peer,
        addr,
    })
}

/// Connect to `addr` and accept it only if it proves to be a device allowed by `pin`.
pub async fn connect_direct(
    identity: &Identity,
    addr: SocketAddr,
    pin: Pin,
) -> Result<(PeerStream, PeerIdentity)> {
    let tcp = tokio::time::timeout(CONNECT_TIMEOUT, TcpStream::connect(addr))
        .await
        .map_err(|_| {
            anyhow!(
                "no TCP connection to {addr} within {}s",
                CONNECT_TIMEOUT.as_secs()
            )
        })?
        .with_context(|| format!("connecting to {addr}"))?;
    tcp.set_nodelay(true)?;
    tls_client(identity, IceStream::plain(tcp), pin, addr).await
}

/// Listens for devices connecting directly.
pub struct DirectListener {
    listener: TcpListener,
    acceptor: TlsAcceptor,
}

impl DirectListener {
    pub async fn bind(identity: &Identity, addr: SocketAddr) -> Result<DirectListener> {
        let listener = TcpListener::bind(addr)
            .await
            .with_context(|| format!("listening on {addr}"))?;
        Ok(DirectListener {
            listener,
            acceptor: TlsAcceptor::from(tls::server_config(identity)?),
        })
    }

    pub fn local_addr(&self) -> Result<SocketAddr> {
        Ok(self.listener.local_addr()?)
    }

    /// The next TCP connection; run [`Handshake::complete`] on it (in its own task).
    pub async fn accept(&self) -> Result<Handshake> {
        let (tcp, addr) = self.listener.accept().await?;
        tcp.set_nodelay(true)?;
        Ok(Handshake {
            tcp,
            addr,
            acceptor: self.acceptor.clone(),
        })
    }
}

/// An accepted TCP connection whose TLS handshake is still to be done.
pub struct Handshake {
    tcp: TcpStream,
    pub addr: SocketAddr,
    acceptor: TlsAcceptor,
}

impl Handshake {
    /// Run the TLS handshake; the peer must present a verified device chain.
    pub async fn complete(self) -> Result<Incoming> {
        let (stream, peer) =
            tls_server(&self.acceptor, IceStream::plain(self.tcp), self.addr).await?;
        Ok(Incoming {
            stream,
            peer,
            addr: self.addr,
        })
    }
}

/// Turn a failed handshake into a clear error, surfacing identity problems as themselves.
fn handshake_error(err: std::io::Error, addr: SocketAddr) -> anyhow::Error {
    let identity = err
        .get_ref()
        .and_then(|inner| inner.downcast_ref::<rustls::Error>())
        .and_then(|tls| match tls {
            rustls::Error::InvalidCertificate(rustls::CertificateError::Other(other)) => {
                other.0.downcast_ref::<IdentityError>().cloned()
            }
            _ => None,
        });
    match identity {
        Some(identity) => anyhow!(identity).context(format!("TLS with {addr} refused")),
        None => anyhow!(err).context(format!("TLS handshake with {addr} failed")),
    }
}
