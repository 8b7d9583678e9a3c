//! Signalling on the DHT: device announcements and connection requests, sealed and opened.
//!
//! ```text
//! announcement at InfoHash("ferry:account:" + account id) and ("ferry:device:" + device id),
//!   user type "ferry/device", re-put before it expires:
//!     Signed { body: msgpack Announcement { chain: [device cert, account cert],
//!                                           enc_key: X25519 public key, created,
//!                                           created_ms, stopped (absent: false) },
//!              sig: Ed25519(device key, body) }
//!   A receiver that stops puts one more, with `stopped: true`: the newest announcement of a
//!   device (by `created_ms`, else `created`) says whether it still receives, so a sender learns at once that it
//!   left instead of waiting for an answer that cannot come.
//! request (offer or answer) at InfoHash("peer:" + receiving device id), user type
//!   "peer_request" (dhtnet's key scheme):
//!     Sealed { epk: ephemeral X25519 public key, nonce, ct: ChaCha20-Poly1305(
//!                key = HKDF-SHA256(X25519(ephemeral, recipient), salt = epk || recipient key),
//!                plaintext = msgpack Signed { body: msgpack Request { id, ts, is_answer, chain,
//!                            enc_key, ufrag, pwd, candidates, conn_type,
//!                            public_addrs, to, refused }, sig }) }
//! message at the same key, user type = its MIME type (for example
//!   `application/data-transfer-request+json`), sealed exactly like a request, whose signed body
//!   is msgpack Message { id, ts, chain, enc_key, mime_type, payload, to }
//! ```
//! Opening checks, in order: it decrypts with our key; the chain verifies (device issued by its
//! account); the signature is the device's; the signed recipient (`to`) is this device, so a
//! value re-sealed to another device is refused there; the timestamp is recent and the (device, id,
//! direction) was not seen before. Each failure is one [`SignalError`]; callers drop and count.

use crate::proto::dht::InfoHash;
use crate::proto::identity::{device_signing_key, verify_chain, Id, IdentityError, PeerIdentity};
use chacha20poly1305::aead::{Aead, KeyInit};
use chacha20poly1305::{ChaCha20Poly1305, Key, Nonce};
use hkdf::Hkdf;
use rustls::pki_types::{CertificateDer, UnixTime};
use serde::{Deserialize, Serialize};
use serde_bytes::ByteBuf;
use sha2::Sha256;
use std::collections::HashMap;
use x25519_dalek::{PublicKey, StaticSecret};

pub const ANNOUNCE_USER_TYPE: &str = "ferry/device";
pub const REQUEST_USER_TYPE: &str = "peer_request";
/// Answers and messages older than this are stale (clocks drift between devices).
pub const MAX_REQUEST_AGE_SECS: u64 = 120;
/// Offers older than this are stale: their sender stopped waiting for an answer after 30 s
/// (dhtnet's `DHT_MSG_TIMEOUT`, ferry's too), and 30 s more allow for drift. A receiver that
/// starts finds every offer still stored at its key; answering the ones nobody waits for
/// would cost a TURN allocation and 15 s of ICE each, and end in an error.
pub const MAX_OFFER_AGE_SECS: u64 = 60;
/// Requests from further in the future than this are refused.
pub const MAX_CLOCK_SKEW_SECS: u64 = 60;
const HKDF_INFO: &[u8] = b"ferry request v1";

pub fn account_key(account: &Id) -> InfoHash {
    InfoHash::of(format!("ferry:account:{account}"))
}

pub fn device_key(device: &Id) -> InfoHash {
    InfoHash::of(format!("ferry:device:{device}"))
}

/// Where requests for `device` are put (dhtnet: `"peer:" + device id`).
pub fn peer_key(device: &Id) -> InfoHash {
    InfoHash::of(format!("peer:{device}"))
}

/// Every way a signalling value can be refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignalError {
    #[error("not a ferry signalling value")]
    Malformed,
    #[error("cannot decrypt: not for this device, or tampered with")]
    Decrypt,
    #[error("the signature is not the presented device's")]
    BadSignature,
    #[error("the presented identity is invalid: {0}")]
    Identity(#[from] IdentityError),
    #[error("stale request ({age_secs} s old)")]
    Stale { age_secs: i64 },
    #[error("replayed request {id:016x}")]
    Replay { id: u64 },
    #[error("signed for device {to:?}, not this one (re-sealed to us?)")]
    NotForUs { to: String },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Signed {
    body: ByteBuf,
    sig: ByteBuf,
}

/// What a device publishes about itself.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Announcement {
    pub chain: Vec<ByteBuf>,
    pub enc_key: ByteBuf,
    pub created: u64,
    /// `created` in milliseconds, which orders a device's announcements (a receiver stopped
    /// within the second it started, or started again within the second it stopped). Older
    /// versions wrote no such field: their order is `created` in seconds.
    #[serde(default)]
    pub created_ms: u64,
    /// The device stopped receiving at `created` (its `ferry receive` exited).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub stopped: bool,
}

/// A verified announcement.
#[derive(Debug, Clone, PartialEq)]
pub struct DeviceInfo {
    pub peer: PeerIdentity,
    pub enc_key: [u8; 32],
    pub created: u64,
    /// Orders this device's announcements: milliseconds since the epoch.
    pub created_ms: u64,
    /// Its newest announcement says it stopped receiving (at `created`).
    pub stopped: bool,
}

/// A connection request (offer) or its answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Request {
    pub id: u64,
    pub ts: u64,
    pub is_answer: bool,
    pub chain: Vec<ByteBuf>,
    /// The sender's X25519 key, so the answer can be sealed to it.
    pub enc_key: ByteBuf,
    pub ufrag: String,
    pub pwd: String,
    pub candidates: Vec<String>,
    pub conn_type: String,
    /// Addresses the sender is seen from on the Internet (its TURN server's view).
    #[serde(default)]
    pub public_addrs: Vec<String>,
    /// The device this is for (its id): signed, so a value re-sealed to another device is
    /// refused there. A value without it (an older ferry) is refused too.
    #[serde(default)]
    pub to: String,
    /// In an answer: why the offer is refused (empty: it is accepted, connect).
    #[serde(default)]
    pub refused: String,
}

/// A small message between devices (Jami sends its data-transfer re-requests this way):
/// `payload` is interpreted according to `mime_type`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Message {
    pub id: u64,
    pub ts: u64,
    pub chain: Vec<ByteBuf>,
    /// The sender's X25519 key, so a reply (or a connection request) can be sealed to it.
    pub enc_key: ByteBuf,
    pub mime_type: String,
    pub payload: ByteBuf,
    /// The device this is for, as in [`Request::to`].
    #[serde(default)]
    pub to: String,
}

/// Longest message payload accepted: these are small JSON documents.
pub const MAX_MESSAGE_PAYLOAD: usize = 4096;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Sealed {
    epk: ByteBuf,
    nonce: ByteBuf,
    ct: ByteBuf,
}

/// Signs with this device's key.
pub trait Signer {
    fn sign(&self, message: &[u8]) -> Vec<u8>;
}

fn chain_ders(chain: &[ByteBuf]) -> Vec<CertificateDer<'static>> {
    chain
        .iter()
        .map(|c| CertificateDer::from(c.to_vec()))
        .collect()
}

fn sign(body: Vec<u8>, signer: &dyn Signer) -> Vec<u8> {
    let sig = signer.sign(&body);
    rmp_serde::to_vec_named(&Signed {
        body: ByteBuf::from(body),
        sig: ByteBuf::from(sig),
    })
    .unwrap_or_default()
}

/// Verify a signed body against the device of `chain`; return who signed.
fn verify_signed(
    signed: &Signed,
    chain: &[ByteBuf],
    now: UnixTime,
) -> Result<PeerIdentity, SignalError> {
    let ders = chain_ders(chain);
    let peer = verify_chain(&ders, now)?;
    let key = device_signing_key(&ders[0])?;
    ring::signature::UnparsedPublicKey::new(&ring::signature::ED25519, key)
        .verify(&signed.body, &signed.sig)
        .map_err(|_| SignalError::BadSignature)?;
    Ok(peer)
}

/// `body` signed by this device: msgpack `Signed { body: msgpack body, sig }` (what a pairing
/// hello is, `proto::pairing`).
pub fn sign_body<T: Serialize>(body: &T, signer: &dyn Signer) -> Vec<u8> {
    sign(rmp_serde::to_vec_named(body).unwrap_or_default(), signer)
}

/// Open bytes made by [`sign_body`] whose body names its signer's certificate chain (`chain`):
/// the body, once the chain verifies and the signature is that device's, and who signed it.
pub fn open_signed<T: serde::de::DeserializeOwned>(
    bytes: &[u8],
    chain: impl Fn(&T) -> &[ByteBuf],
    now: UnixTime,
) -> Result<(T, PeerIdentity), SignalError> {
    let signed: Signed = rmp_serde::from_slice(bytes).map_err(|_| SignalError::Malformed)?;
    let body: T = rmp_serde::from_slice(&signed.body).map_err(|_| SignalError::Malformed)?;
    let peer = verify_signed(&signed, chain(&body), now)?;
    Ok((body, peer))
}

pub fn seal_announcement(announcement: &Announcement, signer: &dyn Signer) -> Vec<u8> {
    sign(
        rmp_serde::to_vec_named(announcement).unwrap_or_default(),
        signer,
    )
}

pub fn open_announcement(bytes: &[u8], now: UnixTime) -> Result<DeviceInfo, SignalError> {
    let signed: Signed = rmp_serde::from_slice(bytes).map_err(|_| SignalError::Malformed)?;
    let a: Announcement =
        rmp_serde::from_slice(&signed.body).map_err(|_| SignalError::Malformed)?;
    let peer = verify_signed(&signed, &a.chain, now)?;
    let enc_key: [u8; 32] = a
        .enc_key
        .as_ref()
        .try_into()
        .map_err(|_| SignalError::Malformed)?;
    Ok(DeviceInfo {
        peer,
        enc_key,
        created: a.created,
        created_ms: match a.created_ms {
            0 => a.created.saturating_mul(1000),
            ms => ms,
        },
        stopped: a.stopped,
    })
}

fn cipher(shared: &[u8; 32], epk: &[u8; 32], recipient: &[u8; 32]) -> ChaCha20Poly1305 {
    let salt = [epk.as_slice(), recipient.as_slice()].concat();
    let hk = Hkdf::<Sha256>::new(Some(&salt), shared);
    let mut key = [0u8; 32];
    // 32 bytes is a valid HKDF-SHA256 output length.
    let _ = hk.expand(HKDF_INFO, &mut key);
    ChaCha20Poly1305::new(Key::from_slice(&key))
}

/// Sign `body` (a [`Request`] or a [`Message`]) as this device and encrypt it to `recipient`
/// (its announced X25519 key). `ephemeral` and `nonce` are fresh random bytes from the caller.
pub fn seal<T: Serialize>(
    body: &T,
    signer: &dyn Signer,
    recipient: &[u8; 32],
    ephemeral: [u8; 32],
    nonce: [u8; 12],
) -> Vec<u8> {
    let plain = sign(rmp_serde::to_vec_named(body).unwrap_or_default(), signer);
    encrypt_to(&plain, recipient, ephemeral, nonce)
}

fn encrypt_to(plain: &[u8], recipient: &[u8; 32], ephemeral: [u8; 32], nonce: [u8; 12]) -> Vec<u8> {
    let secret = StaticSecret::from(ephemeral);
    let epk = PublicKey::from(&secret).to_bytes();
    let shared = secret
        .diffie_hellman(&PublicKey::from(*recipient))
        .to_bytes();
    let ct = cipher(&shared, &epk, recipient)
        .encrypt(Nonce::from_slice(&nonce), plain)
        .unwrap_or_default();
    rmp_serde::to_vec_named(&Sealed {
        epk: ByteBuf::from(epk.to_vec()),
        nonce: ByteBuf::from(nonce.to_vec()),
        ct: ByteBuf::from(ct),
    })
    .unwrap_or_default()
}

/// Remembers recent requests so that none is accepted twice. A receiver keeps it in its home
/// ([`ReplayGuard::encode`], [`ReplayGuard::decode`]) so that a restart within the freshness
/// window does not make an offer it already answered new again.
#[derive(Default)]
pub struct ReplayGuard {
    seen: HashMap<(Id, u64, Kind), u64>,
    /// Whether `seen` changed since the last [`ReplayGuard::take_changed`].
    changed: bool,
}

/// Most values a replay guard remembers: beyond, the oldest are forgotten (they are the first
/// to turn stale anyway). 4096 entries are about 150 KB on disk.
pub const MAX_SEEN: usize = 4096;
/// How long a seen value must be remembered: past this it is refused as stale anyway.
const REMEMBER_SECS: u64 = MAX_REQUEST_AGE_SECS + MAX_CLOCK_SKEW_SECS;

/// What a signalling value is, for the replay guard (the same id may be used by each).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Kind {
    Offer,
    Answer,
    Message,
}

impl Kind {
    fn code(self) -> u8 {
        match self {
            Kind::Offer => 0,
            Kind::Answer => 1,
            Kind::Message => 2,
        }
    }

    fn from_code(code: u8) -> Option<Kind> {
        [Kind::Offer, Kind::Answer, Kind::Message]
            .into_iter()
            .find(|k| k.code() == code)
    }
}

/// One remembered value, as stored: (device id, value id, kind, its timestamp).
type SeenEntry = (ByteBuf, u64, u8, u64);

impl ReplayGuard {
    fn check(
        &mut self,
        device: Id,
        kind: Kind,
        id: u64,
        ts: u64,
        now_secs: u64,
    ) -> Result<(), SignalError> {
        let age = now_secs as i64 - ts as i64;
        let max_age = match kind {
            Kind::Offer => MAX_OFFER_AGE_SECS,
            Kind::Answer | Kind::Message => MAX_REQUEST_AGE_SECS,
        };
        if age > max_age as i64 || -age > MAX_CLOCK_SKEW_SECS as i64 {
            return Err(SignalError::Stale { age_secs: age });
        }
        self.seen
            .retain(|_, ts| now_secs.saturating_sub(*ts) <= REMEMBER_SECS);
        if self.seen.insert((device, id, kind), ts).is_some() {
            return Err(SignalError::Replay { id });
        }
        while self.seen.len() > MAX_SEEN {
            let oldest = self.seen.iter().min_by_key(|(_, ts)| **ts).map(|(k, _)| *k);
            match oldest {
                Some(k) => self.seen.remove(&k),
                None => break,
            };
        }
        self.changed = true;
        Ok(())
    }

    /// Whether something was remembered since the last call (time to save it).
    pub fn take_changed(&mut self) -> bool {
        std::mem::take(&mut self.changed)
    }

    /// The guard as bytes to keep (msgpack).
    pub fn encode(&self) -> Vec<u8> {
        let entries: Vec<SeenEntry> = self
            .seen
            .iter()
            .map(|((device, id, kind), ts)| {
                (ByteBuf::from(device.0.to_vec()), *id, kind.code(), *ts)
            })
            .collect();
        rmp_serde::to_vec(&entries).unwrap_or_default()
    }

    /// A guard from kept bytes: entries still within the freshness window at `now_secs`, at
    /// most [`MAX_SEEN`] of them; bytes that do not parse give an empty guard.
    pub fn decode(bytes: &[u8], now_secs: u64) -> ReplayGuard {
        let entries: Vec<SeenEntry> = rmp_serde::from_slice(bytes).unwrap_or_default();
        let mut fresh: Vec<((Id, u64, Kind), u64)> = entries
            .into_iter()
            .filter_map(|(device, id, kind, ts)| {
                let device: [u8; 20] = device.as_ref().try_into().ok()?;
                let kind = Kind::from_code(kind)?;
                let recent = now_secs.saturating_sub(ts) <= REMEMBER_SECS
                    && ts <= now_secs + MAX_CLOCK_SKEW_SECS;
                recent.then_some(((Id(device), id, kind), ts))
            })
            .collect();
        fresh.sort_by_key(|(_, ts)| std::cmp::Reverse(*ts));
        fresh.truncate(MAX_SEEN);
        ReplayGuard {
            seen: fresh.into_iter().collect(),
            changed: false,
        }
    }
}

/// Decrypt a request sent to us, verify its sender and freshness.
pub fn open_request(
    bytes: &[u8],
    own: &StaticSecret,
    own_device: &Id,
    now: UnixTime,
    guard: &mut ReplayGuard,
) -> Result<(Request, PeerIdentity), SignalError> {
    let signed = unseal(bytes, own)?;
    let request: Request =
        rmp_serde::from_slice(&signed.body).map_err(|_| SignalError::Malformed)?;
    let peer = verify_signed(&signed, &request.chain, now)?;
    addressed_to(&request.to, own_device)?;
    let kind = if request.is_answer {
        Kind::Answer
    } else {
        Kind::Offer
    };
    guard.check(peer.device, kind, request.id, request.ts, now.as_secs())?;
    Ok((request, peer))
}

/// Decrypt a message sent to us, verify its sender, freshness and size.
pub fn open_message(
    bytes: &[u8],
    own: &StaticSecret,
    own_device: &Id,
    now: UnixTime,
    guard: &mut ReplayGuard,
) -> Result<(Message, PeerIdentity), SignalError> {
    let signed = unseal(bytes, own)?;
    let message: Message =
        rmp_serde::from_slice(&signed.body).map_err(|_| SignalError::Malformed)?;
    if message.payload.len() > MAX_MESSAGE_PAYLOAD || message.enc_key.len() != 32 {
        return Err(SignalError::Malformed);
    }
    let peer = verify_signed(&signed, &message.chain, now)?;
    addressed_to(&message.to, own_device)?;
    guard.check(
        peer.device,
        Kind::Message,
        message.id,
        message.ts,
        now.as_secs(),
    )?;
    Ok((message, peer))
}

/// The signed recipient must be this device.
fn addressed_to(to: &str, own_device: &Id) -> Result<(), SignalError> {
    if to.parse::<Id>().ok().as_ref() != Some(own_device) {
        return Err(SignalError::NotForUs {
            to: to.chars().take(40).collect(),
        });
    }
    Ok(())
}

fn unseal(bytes: &[u8], own: &StaticSecret) -> Result<Signed, SignalError> {
    let sealed: Sealed = rmp_serde::from_slice(bytes).map_err(|_| SignalError::Malformed)?;
    let epk: [u8; 32] = sealed
        .epk
        .as_ref()
        .try_into()
        .map_err(|_| SignalError::Malformed)?;
    if sealed.nonce.len() != 12 {
        return Err(SignalError::Malformed);
    }
    let recipient = PublicKey::from(own).to_bytes();
    let shared = own.diffie_hellman(&PublicKey::from(epk)).to_bytes();
    let plain = cipher(&shared, &epk, &recipient)
        .decrypt(Nonce::from_slice(&sealed.nonce), sealed.ct.as_ref())
        .map_err(|_| SignalError::Decrypt)?;
    rmp_serde::from_slice(&plain).map_err(|_| SignalError::Malformed)
}

#[cfg(test)]
mod tests;
