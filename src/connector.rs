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
//!
//! Every failure is a [`ConnectError`] (`connector/error.rs`): one variant per thing a caller
//! tells apart (a refusal, a wrong identity, a device that never answered, no path), matched
//! where it is handled; `main` turns it into the exit code through `outcome::stop_of`.

use crate::events::{Event, Reporter};
use crate::identity::{Id, Identity, PeerIdentity, Pin};
use crate::net::dht::{Dht, DhtError, ListenEvent, PutHandle};
use crate::net::ice::{self, CandidateOptions, IceStream, RemoteParams};
use crate::net::tls;
use crate::net::Interrupt;
use crate::proto::admission::{check_offer, Admission, Refusal};
use crate::proto::dht::value::Value;
use crate::proto::ratelog::RateLog;
use crate::proto::rendezvous::{Answer, Answering, Offering, Step, Tick, ANSWER_TIMEOUT};
use crate::proto::signal::{
    account_key, device_key, open_announcement, open_message, open_request, peer_key, seal,
    seal_announcement, Announcement, DeviceInfo, Message, ReplayGuard, Request, ANNOUNCE_USER_TYPE,
    REQUEST_USER_TYPE,
};
use rustls::pki_types::UnixTime;
use serde_bytes::ByteBuf;
use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{mpsc, OwnedSemaphorePermit, Semaphore};
use tokio_rustls::{TlsAcceptor, TlsConnector, TlsStream};

mod error;
pub use error::ConnectError;

type Result<T, E = ConnectError> = std::result::Result<T, E>;

/// A DHT operation failed while doing `doing`.
fn dht_failed(doing: impl Into<String>) -> impl FnOnce(DhtError) -> ConnectError {
    let doing = doing.into();
    move |cause| ConnectError::Dht { doing, cause }
}

/// Longest wait for a TCP connection to open (direct mode).
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Longest wait for a TLS handshake to complete.
pub const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);
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
    let value = announcement_value(identity, false);
    let (a, d) = tokio::join!(
        dht.put(account_key(&identity.account), value.clone()),
        dht.put(device_key(&identity.device), value)
    );
    Ok(vec![
        a.map_err(dht_failed("announcing this device at its account's key"))?,
        d.map_err(dht_failed("announcing this device at its own key"))?,
    ])
}

/// Say on the DHT that this device stopped receiving: a newer announcement with `stopped` set,
/// at both keys, put once. Senders that look the device up then fail at once ("stopped
/// receiving N ago") instead of waiting for an answer; the next `receive` announces afresh.
pub async fn withdraw(dht: &Dht, identity: &Identity) -> Result<()> {
    let value = announcement_value(identity, true);
    let (a, d) = tokio::join!(
        dht.put_once(account_key(&identity.account), value.clone()),
        dht.put_once(device_key(&identity.device), value)
    );
    a.and(d)
        .map_err(dht_failed("withdrawing this device's announcement"))
}

fn announcement_value(identity: &Identity, stopped: bool) -> Value {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    let announcement = Announcement {
        chain: chain_bytes(identity),
        enc_key: ByteBuf::from(identity.enc_public().to_vec()),
        created: now.as_secs(),
        created_ms: now.as_millis() as u64,
        stopped,
    };
    let sealed = seal_announcement(&announcement, identity);
    Value::new(random_nonzero(), 0, sealed, ANNOUNCE_USER_TYPE)
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
                tracing::info!("not announced yet ({err}); retrying");
                tokio::time::sleep(ANNOUNCE_RETRY).await;
            }
        }
    }
}

/// The verified devices behind `id` (a device id, or an account id: all its devices), each as
/// its newest announcement says: [`DeviceInfo::stopped`] when that is a withdrawal (a tie goes
/// to the live one).
pub async fn resolve(dht: &Dht, id: Id) -> Result<Vec<DeviceInfo>> {
    let (by_device, by_account) = tokio::join!(dht.get(device_key(&id)), dht.get(account_key(&id)));
    let values = match (by_device, by_account) {
        // Both lookups failing is not "nothing announced": no node answered them.
        (Err(cause), Err(_)) => return Err(ConnectError::Lookup { id, cause }),
        (by_device, by_account) => by_device
            .unwrap_or_default()
            .into_iter()
            .chain(by_account.unwrap_or_default()),
    };
    let mut devices: HashMap<Id, DeviceInfo> = HashMap::new();
    for value in values {
        if value.user_type != ANNOUNCE_USER_TYPE {
            continue;
        }
        let Ok(info) = open_announcement(&value.data, UnixTime::now()) else {
            continue;
        };
        if info.peer.device != id && info.peer.account != id {
            continue;
        }
        let keep = devices.get(&info.peer.device).is_none_or(|known| {
            known.created_ms < info.created_ms
                || (known.created_ms == info.created_ms && !info.stopped)
        });
        if keep {
            devices.insert(info.peer.device, info);
        }
    }
    let mut devices: Vec<DeviceInfo> = devices.into_values().collect();
    devices.sort_by_key(|d| d.peer.device);
    Ok(devices)
}

/// Why `device` is not asked, if its newest announcement withdrew it: "device D stopped
/// receiving N ago".
pub fn stopped_receiving(device: &DeviceInfo) -> Option<String> {
    let now = UnixTime::now().as_secs();
    device.stopped.then(|| {
        format!(
            "device {} stopped receiving {} ago",
            device.peer.device,
            crate::cli::output::ago(now.saturating_sub(device.created))
        )
    })
}

/// Fails at once, saying when each stopped, when every device of `devices` withdrew its
/// announcement (its `ferry receive` exited): nothing could answer.
pub fn some_still_receive(devices: &[DeviceInfo]) -> Result<()> {
    let stopped: Vec<String> = devices.iter().filter_map(stopped_receiving).collect();
    if !devices.is_empty() && stopped.len() == devices.len() {
        return Err(ConnectError::AllStopped(stopped));
    }
    Ok(())
}

/// The devices of `devices` that still receive; those that withdrew are named (as a phase),
/// and when none is left, that is the error, at once.
pub fn still_receiving(
    devices: Vec<DeviceInfo>,
    reporter: &dyn Reporter,
) -> Result<Vec<DeviceInfo>> {
    some_still_receive(&devices)?;
    let (stopped, live): (Vec<_>, Vec<_>) = devices.into_iter().partition(|d| d.stopped);
    let left: Vec<String> = stopped.iter().filter_map(stopped_receiving).collect();
    if !left.is_empty() {
        crate::events::phase(reporter, format!("{} (not asked)", left.join("; ")));
    }
    Ok(live)
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
        to: to.peer.device.to_string(),
    };
    dht.put_once(
        peer_key(&to.peer.device),
        sealed_value(identity, &message, &to.enc_key, mime_type),
    )
    .await
    .map_err(dht_failed(format!(
        "sending a message to device {}",
        to.peer.device
    )))
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
    reporter: &dyn Reporter,
) -> Result<(PeerStream, PeerIdentity)> {
    let device = target.peer.device;
    if let Some(turn) = &candidates.turn {
        // Up to 10 s when the server does not answer: not in silence.
        crate::events::phase(
            reporter,
            format!(
                "asking the TURN server {} for our public address",
                turn.server
            ),
        );
    }
    let gathered = ice::gather(true, candidates)
        .await
        .map_err(ConnectError::Gather)?;
    if let Some(wait) = &gathered.upnp_wait {
        crate::events::phase(reporter, wait.clone());
    }
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
        to: target.peer.device.to_string(),
        refused: String::new(),
    };
    let mut answers = dht
        .listen(peer_key(&identity.device))
        .await
        .map_err(ConnectError::DhtListen)?;
    let sealed = sealed_value(identity, &offer, &target.enc_key, REQUEST_USER_TYPE);
    dht.put_once(peer_key(&target.peer.device), sealed)
        .await
        .map_err(dht_failed("publishing the connection request"))?;
    crate::events::phase(
        reporter,
        format!(
            "offer published to device {device} ({} candidate(s)); waiting for its answer",
            offer.candidates.len()
        ),
    );
    let mut waiting = Offering::new(Instant::now(), offer.id, device);
    let mut guard = ReplayGuard::default();
    let answer = loop {
        let Some(wake) = waiting.poll_timeout() else {
            return Err(ConnectError::AnswerWaitEnded);
        };
        let event = tokio::select! {
            e = answers.next() => e,
            _ = tokio::time::sleep_until(tokio::time::Instant::from_std(wake)) => {
                match waiting.handle_timeout(Instant::now()) {
                    Some(Tick::PublishAgain) => {
                        // A new value (new id), or storing nodes would take it as a refresh
                        // and tell no listener.
                        let value =
                            sealed_value(identity, &offer, &target.enc_key, REQUEST_USER_TYPE);
                        let (dht, key) = (dht.clone(), peer_key(&device));
                        tokio::spawn(async move {
                            if let Err(err) = dht.put_once(key, value).await {
                                tracing::debug!("publishing the offer again: {err:#}");
                            }
                        });
                    }
                    Some(Tick::GaveUp) => {
                        return Err(ConnectError::NoAnswer {
                            device,
                            waited_secs: ANSWER_TIMEOUT.as_secs(),
                            announced_ago_secs: UnixTime::now()
                                .as_secs()
                                .saturating_sub(target.created),
                        });
                    }
                    None => {}
                }
                continue;
            }
        };
        let Some(event) = event else {
            return Err(ConnectError::DhtStopped);
        };
        let ListenEvent::Values(values) = event else {
            continue;
        };
        let opened = values
            .iter()
            .filter(|value| value.user_type == REQUEST_USER_TYPE)
            .filter_map(|value| {
                open_request(
                    &value.data,
                    identity.enc_secret(),
                    &identity.device,
                    UnixTime::now(),
                    &mut guard,
                )
                .inspect_err(|err| tracing::debug!("ignoring a value at our key: {err}"))
                .ok()
            });
        let mut outcome = None;
        for (request, signer) in opened {
            outcome = waiting.handle_request(request, signer.device);
            if outcome.is_some() {
                break;
            }
        }
        if let Some(outcome) = outcome {
            break outcome;
        }
    };
    let answer = match answer {
        Answer::Accepted(answer) => *answer,
        Answer::Refused(reason) => return Err(ConnectError::Refused(reason)),
    };
    crate::events::phase(
        reporter,
        format!(
            "device {device} answered ({} candidate(s)); connecting (ICE over TCP)",
            answer.candidates.len()
        ),
    );
    let remote = RemoteParams {
        ufrag: answer.ufrag,
        pwd: answer.pwd,
        candidates: answer.candidates,
        public_addrs: answer.public_addrs,
    };
    // A relay-only sender offered its relayed address: let the answering device in.
    gathered.permit_peer(&remote).await;
    let stream = ice::connect(gathered, &remote, ICE_TIMEOUT)
        .await
        .map_err(|failure| ConnectError::ice(device, failure))?;
    let addr = stream.peer_addr()?;
    crate::events::phase(
        reporter,
        format!(
            "path to device {device} at {addr} ({}); TLS handshake",
            if stream.relayed { "relay" } else { "direct" }
        ),
    );
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
    .map_err(|_| ConnectError::HandshakeTimeout { addr })?
    .map_err(|e| ConnectError::handshake(tls::handshake_failure(e), addr))?;
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
        .map_err(|_| ConnectError::HandshakeTimeout { addr })?
        .map_err(|e| ConnectError::handshake(tls::handshake_failure(e), addr))?;
    let peer = tls::peer_of(stream.get_ref().1)?;
    Ok((TlsStream::Server(stream), peer))
}

/// A verified connection from a device that wants to send.
pub struct Incoming {
    pub stream: PeerStream,
    pub peer: PeerIdentity,
    pub addr: SocketAddr,
    /// The transfer slot taken when the offer was admitted (DHT path), held as long as the
    /// connection; `None` when the caller takes one itself (direct mode).
    pub slot: Option<OwnedSemaphorePermit>,
}

/// Most offers answered at once (gathering, TURN, ICE checks, TLS: a listener and at most 16
/// dials each), whatever the slots: a flood of admitted offers waits for nothing and grows
/// nothing, the excess is dropped. Fifty senders arriving together all get through.
pub const MAX_ANSWERS: usize = 64;

/// How [`serve_offers`] answers: what it applies to an opened offer before doing any work for
/// it, and the candidates it answers with.
#[derive(Default)]
pub struct OfferPolicy {
    /// The local candidates to answer with (gathered only for admitted offers).
    pub candidates: CandidateOptions,
    /// The signers allowed (`--from`); any verified device when empty.
    pub from: Pin,
    /// Transfer slots (`--max-concurrent`): one is taken when an offer is admitted and travels
    /// with its connection ([`Incoming::slot`]); none free, the offer is dropped as busy.
    pub slots: Option<Arc<Semaphore>>,
    /// Where the replay guard is kept across restarts (`None`: in memory only).
    pub replay_file: Option<PathBuf>,
}

/// Where `ferry receive` keeps the offers it has seen (see [`ReplayGuard`]).
pub fn replay_file(home: &Path) -> PathBuf {
    home.join("seen-offers")
}

fn load_guard(path: Option<&Path>) -> ReplayGuard {
    let Some(path) = path else {
        return ReplayGuard::default();
    };
    match std::fs::read(path) {
        Ok(bytes) => ReplayGuard::decode(&bytes, UnixTime::now().as_secs()),
        Err(_) => ReplayGuard::default(),
    }
}

/// Write the guard next to `path` and rename it over (atomic), readable by this user only.
fn save_guard(path: &Path, guard: &ReplayGuard) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let tmp = path.with_extension(format!("tmp{}", std::process::id()));
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        // A link planted at the temporary name is not followed.
        .custom_flags(nix::fcntl::OFlag::O_NOFOLLOW.bits())
        .open(&tmp)?;
    // No fsync: after a crash a torn file reads as an empty guard, and strangers' offers must
    // not cost a disk flush each.
    file.write_all(&guard.encode())?;
    std::fs::rename(&tmp, path)
}

/// Answer every valid connection request at this device's key; verified connections go to
/// `incoming`, verified messages to `messages` (when given; else they are ignored). Refused
/// requests and messages are reported as [`Event::Dropped`] and counted.
///
/// Each opened offer is decided on before anything is done for it (`proto::admission`): its
/// signer against `policy.from`, the per-device and per-account rates, its fields (at most
/// 16 candidates, ICE credentials), a transfer slot, an answer slot. A refusal by policy
/// (`--from`, busy) is told to the sender within a small global budget; everything refused is
/// counted as dropped. Only then are candidates gathered, TURN allocated, a UPnP
/// mapping made and the peer's candidates dialled.
pub async fn serve_offers(
    dht: Dht,
    identity: Arc<Identity>,
    incoming: mpsc::Sender<Result<Incoming>>,
    messages: Option<mpsc::Sender<InboundMessage>>,
    policy: OfferPolicy,
    reporter: Arc<dyn Reporter>,
    mut interrupt: Interrupt,
) -> Result<()> {
    let mut offers = dht
        .listen(peer_key(&identity.device))
        .await
        .map_err(ConnectError::DhtListen)?;
    let acceptor = TlsAcceptor::from(tls::server_config(&identity, Pin::any())?);
    let dropped = Arc::new(AtomicU64::new(0));
    let drop_one = {
        let reporter = reporter.clone();
        let dropped = dropped.clone();
        move |reason: String| {
            let total = dropped.fetch_add(1, Ordering::Relaxed) + 1;
            reporter.report(Event::Dropped { reason, total });
        }
    };
    let mut guard = load_guard(policy.replay_file.as_deref());
    let mut admission = Admission::new(policy.from.clone());
    let answering = Arc::new(Semaphore::new(MAX_ANSWERS));
    loop {
        let event = tokio::select! {
            e = offers.next() => e,
            _ = interrupt.wait() => return Ok(()),
        };
        let Some(event) = event else {
            return Err(ConnectError::DhtStopped);
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
                    &identity.device,
                    UnixTime::now(),
                    &mut guard,
                ) {
                    Ok((message, peer)) if message.mime_type == value.user_type => {
                        let Ok(enc_key) = <[u8; 32]>::try_from(message.enc_key.as_ref()) else {
                            tracing::debug!("dropped a message from {peer}: malformed key");
                            continue;
                        };
                        let from = DeviceInfo {
                            peer,
                            enc_key,
                            created: message.ts,
                            created_ms: message.ts.saturating_mul(1000),
                            stopped: false,
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
                &identity.device,
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
            let admitted = admission
                .admit(&peer, std::time::Instant::now())
                .and_then(|()| {
                    check_offer(
                        &offer.ufrag,
                        &offer.pwd,
                        &offer.candidates,
                        &offer.public_addrs,
                    )
                })
                .and_then(|()| match &policy.slots {
                    None => Ok(None),
                    Some(slots) => slots
                        .clone()
                        .try_acquire_owned()
                        .map(Some)
                        .map_err(|_| Refusal::Busy { peer }),
                })
                .and_then(|slot| {
                    answering
                        .clone()
                        .try_acquire_owned()
                        .map(|answer| (slot, answer))
                        .map_err(|_| Refusal::TooManyAnswers {
                            limit: MAX_ANSWERS,
                            peer,
                        })
                });
            let (slot, answer_permit) = match admitted {
                Ok(permits) => permits,
                Err(refusal) => {
                    if admission.tell(&refusal, std::time::Instant::now()) {
                        tokio::spawn(tell_refusal(
                            dht.clone(),
                            identity.clone(),
                            offer,
                            peer,
                            refusal_text(&refusal),
                        ));
                    }
                    drop_one(refusal.to_string());
                    continue;
                }
            };
            let (dht, identity, ips, incoming, acceptor, drop_one) = (
                dht.clone(),
                identity.clone(),
                policy.candidates.clone(),
                incoming.clone(),
                acceptor.clone(),
                drop_one.clone(),
            );
            tokio::spawn(async move {
                let result = answer(&dht, &identity, &ips, &acceptor, offer, peer).await;
                drop(answer_permit);
                match result {
                    Ok(mut conn) => {
                        conn.slot = slot;
                        let _ = incoming.send(Ok(conn)).await;
                    }
                    Err(err) => {
                        if err.is_wrong_identity() {
                            drop_one(err.to_string());
                        } else {
                            let _ = incoming.send(Err(err)).await;
                        }
                    }
                }
            });
        }
        if guard.take_changed() {
            if let Some(path) = &policy.replay_file {
                if let Err(err) = save_guard(path, &guard) {
                    tracing::debug!("keeping seen offers in {}: {err}", path.display());
                }
            }
        }
    }
}

/// What the sender of a refused offer is told.
fn refusal_text(refusal: &Refusal) -> String {
    match refusal {
        Refusal::NotAllowed { .. } => "this receiver does not accept files from this device".into(),
        Refusal::Busy { .. } => "the receiver is busy with other transfers; try again later".into(),
        other => other.to_string(),
    }
}

/// Answer `offer` with a refusal (no candidates, nothing gathered): one DHT put.
async fn tell_refusal(
    dht: Dht,
    identity: Arc<Identity>,
    offer: Request,
    peer: PeerIdentity,
    reason: String,
) {
    let Ok(their_key) = <[u8; 32]>::try_from(offer.enc_key.as_ref()) else {
        return;
    };
    let reply = Request {
        id: offer.id,
        ts: UnixTime::now().as_secs(),
        is_answer: true,
        chain: chain_bytes(&identity),
        enc_key: ByteBuf::from(identity.enc_public().to_vec()),
        ufrag: String::new(),
        pwd: String::new(),
        candidates: Vec::new(),
        conn_type: offer.conn_type,
        public_addrs: Vec::new(),
        to: peer.device.to_string(),
        refused: reason,
    };
    let value = sealed_value(&identity, &reply, &their_key, REQUEST_USER_TYPE);
    if let Err(err) = dht.put_once(peer_key(&peer.device), value).await {
        tracing::debug!("telling {peer} its offer is refused: {err:#}");
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
    let gathered = ice::gather(false, candidates)
        .await
        .map_err(ConnectError::Gather)?;
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
        to: peer.device.to_string(),
        refused: String::new(),
    };
    let their_key: [u8; 32] = offer
        .enc_key
        .as_ref()
        .try_into()
        .map_err(|_| ConnectError::NoEncryptionKey)?;
    let remote = RemoteParams {
        ufrag: offer.ufrag,
        pwd: offer.pwd,
        candidates: offer.candidates,
        public_addrs: offer.public_addrs,
    };
    // Permissions, then the answer, then ICE (`proto::rendezvous::Answering` says why).
    let mut steps = Answering::new(gathered.relayed());
    while let Some(step) = steps.next_step() {
        match step {
            Step::PermitPeer => gathered.permit_peer(&remote).await,
            Step::PublishAnswer => {
                // Once its datagrams are out, not when every storing node acknowledged it:
                // that held a reachable peer back for as long as the slowest node took (past
                // the sender's ICE deadline under load).
                let (publisher, key) = (dht.clone(), peer_key(&peer.device));
                let value = sealed_value(identity, &reply, &their_key, REQUEST_USER_TYPE);
                tokio::spawn(async move {
                    if let Err(err) = publisher.put_once(key, value).await {
                        tracing::warn!("publishing the answer: {err:#}");
                    }
                });
            }
            Step::ConnectIce => break,
        }
    }
    let stream = ice::connect(gathered, &remote, ICE_TIMEOUT)
        .await
        .map_err(|failure| ConnectError::ice(peer.device, failure))?;
    let addr = stream.peer_addr()?;
    let (stream, tls_peer) = tls_server(acceptor, stream, addr).await?;
    // The TLS peer must be the device that signed the request.
    Pin::to([peer.device]).check(&tls_peer)?;
    Ok(Incoming {
        stream,
        peer: tls_peer,
        addr,
        slot: None,
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
        .map_err(|_| ConnectError::ConnectTimeout {
            addr,
            secs: CONNECT_TIMEOUT.as_secs(),
        })?
        .map_err(|cause| ConnectError::Connect { addr, cause })?;
    tcp.set_nodelay(true)?;
    tls_client(identity, IceStream::plain(tcp), pin, addr).await
}

/// Most TLS handshakes in progress at once in direct mode: each is bounded by
/// [`HANDSHAKE_TIMEOUT`]; beyond, connections wait in the kernel's backlog instead of taking
/// descriptors and tasks here. Idle strangers cannot starve a legitimate sender below this.
pub const MAX_HANDSHAKES: usize = 32;
/// How long to wait before accepting again when out of descriptors (`EMFILE`/`ENFILE`): the
/// pending connection stays queued, so accepting at once would fail again at once.
pub const ACCEPT_BACKOFF: Duration = Duration::from_millis(100);

/// Listens for devices connecting directly.
pub struct DirectListener {
    listener: TcpListener,
    acceptor: TlsAcceptor,
    handshakes: Arc<Semaphore>,
    warnings: std::sync::Mutex<RateLog>,
}

impl DirectListener {
    /// Listen on `addr`; only devices allowed by `from` complete the TLS handshake.
    pub async fn bind(identity: &Identity, addr: SocketAddr, from: Pin) -> Result<DirectListener> {
        let listener = TcpListener::bind(addr)
            .await
            .map_err(|cause| ConnectError::Listen { addr, cause })?;
        Ok(DirectListener {
            listener,
            acceptor: TlsAcceptor::from(tls::server_config(identity, from)?),
            handshakes: Arc::new(Semaphore::new(MAX_HANDSHAKES)),
            warnings: std::sync::Mutex::new(RateLog::default()),
        })
    }

    pub fn local_addr(&self) -> Result<SocketAddr> {
        Ok(self.listener.local_addr()?)
    }

    /// Warn about `err` of `kind`, at most one line per kind every few seconds.
    fn warn(&self, kind: &'static str, err: &std::io::Error) {
        let mut log = self.warnings.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(n) = log.note(kind, std::time::Instant::now()) {
            tracing::warn!("accepting a connection: {err} ({n} time(s) since the last warning)");
        }
    }

    /// The next TCP connection, once fewer than [`MAX_HANDSHAKES`] are in progress; run
    /// [`Handshake::complete`] on it (in its own task). Errors are logged and retried:
    /// out of descriptors, after [`ACCEPT_BACKOFF`].
    pub async fn accept(&self) -> Handshake {
        let Ok(permit) = self.handshakes.clone().acquire_owned().await else {
            // The semaphore is never closed.
            return std::future::pending().await;
        };
        loop {
            match self.listener.accept().await {
                Ok((tcp, addr)) => {
                    let _ = tcp.set_nodelay(true);
                    return Handshake {
                        tcp,
                        addr,
                        acceptor: self.acceptor.clone(),
                        _permit: permit,
                    };
                }
                Err(err) => {
                    let out_of_descriptors = matches!(
                        err.raw_os_error(),
                        Some(code) if code == nix::libc::EMFILE || code == nix::libc::ENFILE
                    );
                    if out_of_descriptors {
                        self.warn("out of descriptors", &err);
                        tokio::time::sleep(ACCEPT_BACKOFF).await;
                    } else {
                        self.warn("other", &err);
                        // A connection reset before it was accepted, say: try the next one,
                        // without spinning if the error repeats.
                        tokio::time::sleep(Duration::from_millis(5)).await;
                    }
                }
            }
        }
    }
}

/// An accepted TCP connection whose TLS handshake is still to be done.
pub struct Handshake {
    tcp: TcpStream,
    pub addr: SocketAddr,
    acceptor: TlsAcceptor,
    /// One of [`MAX_HANDSHAKES`], given back when the handshake ends.
    _permit: OwnedSemaphorePermit,
}

impl Handshake {
    /// Run the TLS handshake (bounded by [`HANDSHAKE_TIMEOUT`]); the peer must present a
    /// verified device chain that the listener's pin allows.
    pub async fn complete(self) -> Result<Incoming> {
        let Handshake {
            tcp,
            addr,
            acceptor,
            _permit,
        } = self;
        let (stream, peer) = tls_server(&acceptor, IceStream::plain(tcp), addr).await?;
        Ok(Incoming {
            stream,
            peer,
            addr,
            slot: None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::identity::IdentityError;
    use crate::outcome::Stop;

    fn device() -> (tempfile::TempDir, Identity) {
        let home = tempfile::tempdir().unwrap();
        let identity = Identity::create(home.path()).unwrap();
        (home, identity)
    }

    fn loopback() -> SocketAddr {
        SocketAddr::from(([127, 0, 0, 1], 0))
    }

    /// A real handshake over loopback: a sender pinned to bob reaches mallory. The failure is
    /// the wrong-identity variant, naming who answered, not an error to be searched.
    #[tokio::test]
    async fn reaching_another_device_than_the_pinned_one_is_a_wrong_identity() {
        let ((_a, alice), (_b, bob), (_m, mallory)) = (device(), device(), device());
        let listener = DirectListener::bind(&mallory, loopback(), Pin::any())
            .await
            .unwrap();
        let addr = listener.local_addr().unwrap();
        let _served = crate::net::AbortOnDrop(tokio::spawn(async move {
            let _ = listener.accept().await.complete().await;
        }));
        let err = tokio::time::timeout(
            Duration::from_secs(10),
            connect_direct(&alice, addr, Pin::to([bob.device])),
        )
        .await
        .unwrap()
        .map(|(_, peer)| peer)
        .unwrap_err();
        match &err {
            ConnectError::WrongIdentity {
                addr: at,
                cause: IdentityError::Mismatch { got, .. },
            } => {
                assert_eq!(*at, addr);
                assert_eq!(got.device, mallory.device);
            }
            other => panic!("not a wrong identity: {other:?}"),
        }
        assert!(err.is_wrong_identity());
        assert!(err.to_string().contains("identity mismatch"), "{err}");
        let in_main = crate::outcome::exit_code(&Err(anyhow::Error::from(err)));
        assert_eq!(in_main, Stop::EXIT_ERROR);
    }

    /// A listener whose pin (`--from`) does not allow the sender refuses it in the handshake:
    /// on the listening side that is `NotAllowed`, not a wrong identity (the sender is a valid
    /// device) and not an error to report.
    #[tokio::test]
    async fn a_listener_turns_away_a_device_its_pin_does_not_allow() {
        let ((_a, alice), (_b, bob), (_m, mallory)) = (device(), device(), device());
        let listener = DirectListener::bind(&bob, loopback(), Pin::to([mallory.device]))
            .await
            .unwrap();
        let addr = listener.local_addr().unwrap();
        let bob_device = bob.device;
        let _sender = crate::net::AbortOnDrop(tokio::spawn(async move {
            let _ = connect_direct(&alice, addr, Pin::to([bob_device])).await;
        }));
        let served = tokio::time::timeout(Duration::from_secs(10), async {
            listener.accept().await.complete().await
        })
        .await
        .unwrap();
        let err = match served {
            Ok(incoming) => panic!("admitted {}", incoming.peer),
            Err(err) => err,
        };
        assert!(matches!(err, ConnectError::NotAllowed { .. }), "{err:?}");
        assert!(!err.is_wrong_identity());
        assert_eq!(err.stop(), None);
    }
}
