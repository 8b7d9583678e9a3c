//! One-shot pairing with a short code: `ferry send` (no `--to`) shows a code such as
//! `7-guitar-orbit-lunch`, `ferry receive CODE` types it, and the two devices learn each
//! other's verified identity (certificate chain and X25519 key) from it. After that the
//! ordinary connector takes over: an offer sealed to the receiver, ICE-TCP, TLS 1.3 pinned to
//! the identities learned here, the transfer verified with SHA3-256.
//!
//! This module owns the code (its words, parsing, the rendezvous key) and the two pairing
//! machines, [`Sender`] and [`Receiver`]. It does no I/O: values read at the rendezvous key and
//! the time (unix microseconds) go in; values to put there, events and the next deadline come
//! out (`net::pairing` drives them on the DHT).
//!
//! ## The code
//! `N-word-word-word`: N in 1..=999 and three words of the BIP39 English list (2048 words, from
//! the `bip39` crate): log2(999) + 3 x 11 = 43 bits. Typed leniently (any case, dashes, spaces
//! or dots between parts); an unknown word is refused with the nearest word of the list.
//! The public part `N-word1` locates the rendezvous: `InfoHash("ferry:code:" + N + "-" +
//! word1)`. The whole normalised code is the SPAKE2 password. Whoever watches the DHT can find
//! the public part by trying its 2 million values; the two other words (22 bits) are the
//! secret, and a guesser gets one online attempt per code (the sender answers the first reply
//! only), so a guess succeeds once in four million, and the honest parties see it fail.
//!
//! ## The flow (values at the rendezvous key, user type `ferry/code`, msgpack [`Wire`])
//! ```text
//! sender (SPAKE2 side A)                          receiver (side B)
//!   start   {session, expires, pake: X}  ──►
//!                                          ◄──  reply {session, reply, pake: Y,
//!                                                      ct: AEAD(k_ba, hello_B)}
//!   confirm {session, reply, ct: AEAD(k_ab, hello_A),
//!            mac: HMAC(m_a, T, H(hello_B), H(hello_A))} ──►
//!                                          ◄──  ack {session, reply,
//!                                                    mac: HMAC(m_b, T, H(hello_B), H(hello_A))}
//!   closed  {session}                       ──►  (the code is spent)
//! ```
//! `K` = SPAKE2(X, Y) (Ed25519 group, identities `ferry-code-sender`/`ferry-code-receiver`);
//! `T` = SHA-256 of the transcript (rendezvous, session, reply, X, Y); the keys `k_ba`, `k_ab`,
//! `m_a`, `m_b` = HKDF-SHA256(K, salt T) with one label each (each key encrypts one message,
//! so the nonce is fixed). A hello is msgpack `{role, chain, enc_key, transcript: T, created}`
//! signed by the device key (`signal::sign_body`): the identity is bound to this very PAKE
//! run, and the two MACs cover both hellos, so a man in the middle who learnt `K` but not the
//! device keys can neither substitute an identity nor replay one from another run.
//!
//! A reply that does not decrypt (a wrong code, or a guess) makes the sender put
//! `abort {session, reply, reason: "wrong-code"}` and stop: the receiver reads it and stops
//! too. Any reply after the first is ignored (one attempt per code). A receiver that finds the
//! session already answered, aborted or closed stops with [`PairingError::AlreadyUsed`]; past
//! `expires` with [`PairingError::Expired`]. Values live on the DHT for 10 minutes, so a
//! finished code keeps refusing second uses for at least that long, and after it finds
//! nobody ([`PairingError::NoSender`]).
//!
//! Polling order for both machines: feed `handle_value` (and `handle_snapshot` for the
//! receiver) and `handle_timeout`, then drain `poll_write` (put each, in order), then
//! `poll_event`, then sleep until `poll_timeout`.

use crate::proto::dht::InfoHash;
use crate::proto::identity::{Id, PeerIdentity};
use crate::proto::signal::{open_signed, sign_body, DeviceInfo, SignalError, Signer};
use chacha20poly1305::aead::{Aead, KeyInit};
use chacha20poly1305::{ChaCha20Poly1305, Key, Nonce};
use hkdf::Hkdf;
use hmac::{Hmac, Mac};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use rustls::pki_types::UnixTime;
use serde::{Deserialize, Serialize};
use serde_bytes::ByteBuf;
use sha2::{Digest, Sha256};
use spake2::{Ed25519Group, Identity as PakeIdentity, Password, Spake2};
use std::collections::{HashSet, VecDeque};
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

/// DHT user type of pairing values.
pub const CODE_USER_TYPE: &str = "ferry/code";
/// Largest code number: a short number to read aloud, about 10 bits.
pub const MAX_NUMBER: u16 = 999;
/// Words in a code (besides the number): 33 bits.
pub const WORDS: usize = 3;
/// How long a code is valid by default (`--code-timeout`): the DHT keeps values 10 minutes.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(600);
/// How long a receiver looks for the sender's start before saying nobody waits there (the
/// sender put it before showing the code, so it is normally found at once).
pub const NO_SENDER_WAIT: Duration = Duration::from_secs(10);
/// How long either side waits for the other's next pairing message.
pub const STEP_WAIT: Duration = Duration::from_secs(30);
/// Largest pairing value accepted (two certificates and a few keys fit in 4 KiB).
pub const MAX_WIRE: usize = 16 * 1024;
/// The abort reason for a reply that did not decrypt.
const WRONG_CODE: &str = "wrong-code";
const PAKE_SENDER: &[u8] = b"ferry-code-sender";
const PAKE_RECEIVER: &[u8] = b"ferry-code-receiver";

/// The BIP39 English word list, as the `bip39` crate ships it.
fn word_list() -> &'static [&'static str; 2048] {
    bip39::Language::English.word_list()
}

/// A pairing code: a number and three word indices.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Code {
    pub number: u16,
    pub words: [u16; WORDS],
}

/// Why a typed code is not a code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CodeError {
    #[error("a code is a number and {WORDS} words, like 7-guitar-orbit-lunch; got {0:?}")]
    Shape(String),
    #[error("the code must start with a number from 1 to {MAX_NUMBER}, not {0:?}")]
    Number(String),
    #[error("{word:?} is not a code word; did you mean {suggestion:?}?")]
    UnknownWord { word: String, suggestion: String },
}

impl Code {
    /// A fresh random code.
    pub fn generate(rng: &mut impl Rng) -> Code {
        Code {
            number: rng.gen_range(1..=MAX_NUMBER),
            words: [(); WORDS].map(|_| rng.gen_range(0..2048u16)),
        }
    }

    /// Parse a typed code: any case, parts separated by dashes, spaces, dots or commas.
    pub fn parse(text: &str) -> Result<Code, CodeError> {
        let parts: Vec<String> = text
            .split(|c: char| c == '-' || c == '.' || c == ',' || c.is_whitespace())
            .filter(|p| !p.is_empty())
            .map(|p| p.to_lowercase())
            .collect();
        let [number, words @ ..] = parts.as_slice() else {
            return Err(CodeError::Shape(shown(text)));
        };
        let number = match number.parse::<u16>() {
            Ok(n) if (1..=MAX_NUMBER).contains(&n) => n,
            _ => return Err(CodeError::Number(shown(number))),
        };
        if words.len() != WORDS {
            return Err(CodeError::Shape(shown(text)));
        }
        let mut indices = [0u16; WORDS];
        for (slot, word) in indices.iter_mut().zip(words) {
            *slot =
                bip39::Language::English
                    .find_word(word)
                    .ok_or_else(|| CodeError::UnknownWord {
                        word: shown(word),
                        suggestion: nearest_word(word).to_string(),
                    })?;
        }
        Ok(Code {
            number,
            words: indices,
        })
    }

    fn word(&self, i: usize) -> &'static str {
        word_list()[usize::from(self.words[i]) % 2048]
    }

    /// The public part, `N-word1`: where the two devices meet.
    pub fn public_part(&self) -> String {
        format!("{}-{}", self.number, self.word(0))
    }

    /// The DHT key both sides put and listen at.
    pub fn rendezvous_key(&self) -> InfoHash {
        InfoHash::of(format!("ferry:code:{}", self.public_part()))
    }
}

impl fmt::Display for Code {
    /// The normalised code, `N-word-word-word` (the SPAKE2 password).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.number)?;
        for i in 0..WORDS {
            write!(f, "-{}", self.word(i))?;
        }
        Ok(())
    }
}

/// Typed text quoted back in an error: printable, and not much of it.
fn shown(text: &str) -> String {
    text.chars().filter(|c| !c.is_control()).take(60).collect()
}

/// The word of the list closest to `typed` (edit distance; the first on a tie).
fn nearest_word(typed: &str) -> &'static str {
    let typed: Vec<char> = typed.chars().take(32).collect();
    word_list()
        .iter()
        .min_by_key(|w| edit_distance(&typed, &w.chars().collect::<Vec<_>>()))
        .copied()
        .unwrap_or("abandon")
}

fn edit_distance(a: &[char], b: &[char]) -> usize {
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = (diagonal + usize::from(ca != cb))
                .min(row[j] + 1)
                .min(above + 1);
            diagonal = above;
        }
    }
    row[b.len()]
}

/// One pairing value, msgpack with named fields; which fields matter depends on `kind`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Wire {
    /// `start`, `reply`, `confirm`, `ack`, `abort` or `closed`.
    pub kind: String,
    /// The sender's session id (one per code shown).
    pub session: u64,
    /// The receiver's id for its reply (0 in `start` and `closed`).
    #[serde(default)]
    pub reply: u64,
    /// `start`: when the code stops being valid, unix seconds.
    #[serde(default)]
    pub expires: u64,
    /// SPAKE2 message (`start`, `reply`).
    #[serde(default)]
    pub pake: ByteBuf,
    /// A hello sealed under the PAKE key (`reply`, `confirm`).
    #[serde(default)]
    pub ct: ByteBuf,
    /// Key confirmation (`confirm`, `ack`).
    #[serde(default)]
    pub mac: ByteBuf,
    /// `abort`: why (`wrong-code`, or a short text).
    #[serde(default)]
    pub reason: String,
}

impl Wire {
    fn new(kind: &str, session: u64, reply: u64) -> Wire {
        Wire {
            kind: kind.into(),
            session,
            reply,
            ..Wire::default()
        }
    }

    pub fn encode(&self) -> Vec<u8> {
        rmp_serde::to_vec_named(self).unwrap_or_default()
    }

    pub fn decode(bytes: &[u8]) -> Option<Wire> {
        if bytes.len() > MAX_WIRE {
            return None;
        }
        rmp_serde::from_slice(bytes).ok()
    }
}

/// What a device says about itself under the PAKE key, signed by its device key.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Hello {
    /// `sender` or `receiver`: a hello is never taken for the other side's.
    role: String,
    chain: Vec<ByteBuf>,
    enc_key: ByteBuf,
    /// The transcript hash of this pairing run.
    transcript: ByteBuf,
    created: u64,
}

/// This device, as the pairing presents it.
#[derive(Clone)]
pub struct Own {
    /// `[device certificate, account certificate]`, DER.
    pub chain: Vec<ByteBuf>,
    /// This device's X25519 public key (offers are sealed to it).
    pub enc_key: [u8; 32],
    pub signer: Arc<dyn Signer + Send + Sync>,
    /// This device's id: a value carrying our own identity back is refused.
    pub device: Id,
}

/// Every way a pairing ends without a peer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PairingError {
    /// Receiver: the sender could not open our reply (or our code's secret words differ).
    #[error(
        "wrong code (or someone tried to guess it): no file sent. Check the code with the \
         sender; its code is now spent, so it needs a new one (run `ferry send` again)"
    )]
    WrongCode,
    /// Sender: the first reply did not open: a mistyped code or a guess; the code is spent.
    #[error(
        "wrong code (or someone tried to guess it): no file sent. A receiver typed a code \
         whose secret words differ from this one; a code allows one attempt, so run `ferry \
         send` again for a new code and read it out carefully"
    )]
    GuessedOrMistyped,
    #[error(
        "this code was already used (a code works once, and someone else answered it first, \
         possibly a guess): ask the sender for a new code"
    )]
    AlreadyUsed,
    #[error("this code expired {ago_secs} s ago: ask the sender for a new code")]
    Expired { ago_secs: u64 },
    /// Sender: nobody used the code in time.
    #[error(
        "nobody used the code within {secs} s; it is no longer valid (run `ferry send` again, \
         or give a longer --code-timeout)"
    )]
    Unused { secs: u64 },
    #[error(
        "no sender is waiting for code {public_part}-... (looked for {secs} s on the DHT): \
         check the number and the first word, and that `ferry send` still runs there"
    )]
    NoSender { public_part: String, secs: u64 },
    #[error("the other device stopped answering during pairing (waited {secs} s)")]
    Timeout { secs: u64 },
    #[error("the other device's identity does not verify: {0}")]
    BadIdentity(SignalError),
    #[error(
        "the pairing confirmation does not match what this device sent (tampered with in \
         transit?); nothing was sent"
    )]
    BadConfirmation,
    #[error("the other device stopped the pairing: {0}")]
    Aborted(String),
}

/// What a pairing machine reports.
#[derive(Debug, Clone, PartialEq)]
pub enum PairingEvent {
    /// The other device, verified: connect to it (sender) or accept it only (receiver).
    Paired(DeviceInfo),
    Failed(PairingError),
}

/// The keys of one pairing run, all derived from the PAKE key and the transcript.
struct Keys {
    transcript: [u8; 32],
    /// Encrypts the receiver's hello (in `reply`).
    receiver_seal: [u8; 32],
    /// Encrypts the sender's hello (in `confirm`).
    sender_seal: [u8; 32],
    sender_mac: [u8; 32],
    receiver_mac: [u8; 32],
}

impl Keys {
    fn derive(key: &[u8], rendezvous: &str, session: u64, reply: u64, x: &[u8], y: &[u8]) -> Keys {
        let mut t = Sha256::new();
        for part in [
            b"ferry code v1".as_slice(),
            rendezvous.as_bytes(),
            &session.to_be_bytes(),
            &reply.to_be_bytes(),
            x,
            y,
        ] {
            t.update((part.len() as u64).to_be_bytes());
            t.update(part);
        }
        let transcript: [u8; 32] = t.finalize().into();
        let hk = Hkdf::<Sha256>::new(Some(&transcript), key);
        let expand = |label: &[u8]| {
            let mut out = [0u8; 32];
            // 32 bytes is a valid HKDF-SHA256 output length.
            let _ = hk.expand(label, &mut out);
            out
        };
        Keys {
            transcript,
            receiver_seal: expand(b"ferry code v1 receiver hello"),
            sender_seal: expand(b"ferry code v1 sender hello"),
            sender_mac: expand(b"ferry code v1 sender confirm"),
            receiver_mac: expand(b"ferry code v1 receiver confirm"),
        }
    }

    /// The confirmation a side sends: both hellos as they were sealed, under its MAC key.
    fn confirmation(
        &self,
        mac_key: &[u8; 32],
        hello_receiver: &[u8],
        hello_sender: &[u8],
    ) -> Vec<u8> {
        // HMAC takes any key length.
        let Ok(mut mac) = <Hmac<Sha256> as Mac>::new_from_slice(mac_key) else {
            return Vec::new();
        };
        mac.update(&self.transcript);
        mac.update(&Sha256::digest(hello_receiver));
        mac.update(&Sha256::digest(hello_sender));
        mac.finalize().into_bytes().to_vec()
    }

    fn check(&self, mac_key: &[u8; 32], hr: &[u8], hs: &[u8], got: &[u8]) -> bool {
        let Ok(mut mac) = <Hmac<Sha256> as Mac>::new_from_slice(mac_key) else {
            return false;
        };
        mac.update(&self.transcript);
        mac.update(&Sha256::digest(hr));
        mac.update(&Sha256::digest(hs));
        mac.verify_slice(got).is_ok()
    }
}

fn seal(key: &[u8; 32], plain: &[u8]) -> Vec<u8> {
    // Each key seals one message only: a fixed nonce is safe.
    ChaCha20Poly1305::new(Key::from_slice(key))
        .encrypt(Nonce::from_slice(&[0u8; 12]), plain)
        .unwrap_or_default()
}

fn open(key: &[u8; 32], ct: &[u8]) -> Option<Vec<u8>> {
    ChaCha20Poly1305::new(Key::from_slice(key))
        .decrypt(Nonce::from_slice(&[0u8; 12]), ct)
        .ok()
}

fn hello(own: &Own, role: &str, keys: &Keys, now_us: u64) -> Vec<u8> {
    sign_body(
        &Hello {
            role: role.into(),
            chain: own.chain.clone(),
            enc_key: ByteBuf::from(own.enc_key.to_vec()),
            transcript: ByteBuf::from(keys.transcript.to_vec()),
            created: now_us / 1_000_000,
        },
        own.signer.as_ref(),
    )
}

/// Open the other side's hello: its chain and signature verify, it is of `role`, bound to this
/// transcript, and not our own identity.
fn open_hello(
    bytes: &[u8],
    role: &str,
    keys: &Keys,
    own: &Own,
    now_us: u64,
) -> Result<DeviceInfo, PairingError> {
    let now = UnixTime::since_unix_epoch(Duration::from_micros(now_us));
    let (hello, peer): (Hello, PeerIdentity) =
        open_signed(bytes, |h: &Hello| &h.chain, now).map_err(PairingError::BadIdentity)?;
    if hello.role != role
        || hello.transcript.as_ref() != keys.transcript.as_slice()
        || peer.device == own.device
    {
        return Err(PairingError::BadConfirmation);
    }
    let enc_key: [u8; 32] = hello
        .enc_key
        .as_ref()
        .try_into()
        .map_err(|_| PairingError::BadIdentity(SignalError::Malformed))?;
    Ok(DeviceInfo {
        peer,
        enc_key,
        created: hello.created,
        created_ms: hello.created.saturating_mul(1000),
        stopped: false,
    })
}

fn secs(d: Duration) -> u64 {
    d.as_secs()
}

fn micros(d: Duration) -> u64 {
    u64::try_from(d.as_micros()).unwrap_or(u64::MAX)
}

/// The sending side (SPAKE2 side A): shows the code, answers the first reply only.
///
/// Inputs: [`Sender::handle_value`] (every value read at the rendezvous key, in any order,
/// repeats included), [`Sender::handle_timeout`]. Outputs: [`Sender::poll_write`] (values to
/// put, in order; the first is the `start` that must be stored before the code is shown),
/// [`Sender::poll_event`], [`Sender::poll_timeout`].
pub struct Sender {
    code: Code,
    own: Own,
    session: u64,
    expires_us: u64,
    timeout_secs: u64,
    state: SenderState,
    out: VecDeque<Vec<u8>>,
    events: VecDeque<PairingEvent>,
    /// Replies that came after the first (each an attempt that was not allowed).
    pub ignored_replies: u32,
}

enum SenderState {
    ExpectReply {
        pake: Box<Spake2<Ed25519Group>>,
        x: Vec<u8>,
    },
    ExpectAck {
        reply: u64,
        keys: Box<Keys>,
        peer: DeviceInfo,
        hello_receiver: Vec<u8>,
        hello_sender: Vec<u8>,
        deadline_us: u64,
    },
    Done,
}

impl Sender {
    /// Start pairing on `code`, valid for `timeout` from `now_us`; `seed` is fresh randomness.
    pub fn new(code: Code, own: Own, timeout: Duration, seed: [u8; 32], now_us: u64) -> Sender {
        let mut rng = StdRng::from_seed(seed);
        let session = rng.gen::<u64>() | 1;
        let (pake, x) = Spake2::<Ed25519Group>::start_a_with_rng(
            &Password::new(code.to_string().as_bytes()),
            &PakeIdentity::new(PAKE_SENDER),
            &PakeIdentity::new(PAKE_RECEIVER),
            &mut rng,
        );
        let expires_us = now_us.saturating_add(micros(timeout));
        let mut start = Wire::new("start", session, 0);
        start.expires = expires_us.div_ceil(1_000_000);
        start.pake = ByteBuf::from(x.clone());
        Sender {
            code,
            own,
            session,
            expires_us,
            timeout_secs: secs(timeout),
            state: SenderState::ExpectReply {
                pake: Box::new(pake),
                x,
            },
            out: VecDeque::from([start.encode()]),
            events: VecDeque::new(),
            ignored_replies: 0,
        }
    }

    /// When the code stops being valid, unix microseconds.
    pub fn expires_us(&self) -> u64 {
        self.expires_us
    }

    fn fail(&mut self, error: PairingError, tell: Option<(u64, &str)>) {
        // An abort marks the session spent for later receivers as a `closed` does.
        let last = match tell {
            Some((reply, reason)) => {
                let mut abort = Wire::new("abort", self.session, reply);
                abort.reason = reason.into();
                abort
            }
            None => Wire::new("closed", self.session, 0),
        };
        self.out.push_back(last.encode());
        self.events.push_back(PairingEvent::Failed(error));
        self.state = SenderState::Done;
    }

    pub fn handle_value(&mut self, bytes: &[u8], now_us: u64) {
        let Some(wire) = Wire::decode(bytes) else {
            return;
        };
        if wire.session != self.session {
            return;
        }
        match (&mut self.state, wire.kind.as_str()) {
            (SenderState::ExpectReply { .. }, "reply") => self.first_reply(wire, now_us),
            (SenderState::ExpectAck { reply, .. }, "reply") if wire.reply != *reply => {
                self.ignored_replies += 1;
            }
            (SenderState::Done, "reply") => self.ignored_replies += 1,
            (SenderState::ExpectAck { reply, .. }, "ack") if wire.reply == *reply => self.ack(wire),
            (SenderState::ExpectAck { reply, .. }, "abort") if wire.reply == *reply => {
                let reason = shown(&wire.reason);
                self.fail(PairingError::Aborted(reason), None);
            }
            _ => {}
        }
    }

    fn first_reply(&mut self, wire: Wire, now_us: u64) {
        let SenderState::ExpectReply { pake, x } =
            std::mem::replace(&mut self.state, SenderState::Done)
        else {
            return;
        };
        let reply = wire.reply;
        let Ok(key) = pake.finish(&wire.pake) else {
            return self.fail(PairingError::GuessedOrMistyped, Some((reply, WRONG_CODE)));
        };
        let keys = Keys::derive(
            &key,
            &self.code.public_part(),
            self.session,
            reply,
            &x,
            &wire.pake,
        );
        let Some(hello_receiver) = open(&keys.receiver_seal, &wire.ct) else {
            return self.fail(PairingError::GuessedOrMistyped, Some((reply, WRONG_CODE)));
        };
        let peer = match open_hello(&hello_receiver, "receiver", &keys, &self.own, now_us) {
            Ok(peer) => peer,
            Err(err) => return self.fail(err, Some((reply, "identity"))),
        };
        let hello_sender = hello(&self.own, "sender", &keys, now_us);
        let mut confirm = Wire::new("confirm", self.session, reply);
        confirm.ct = ByteBuf::from(seal(&keys.sender_seal, &hello_sender));
        confirm.mac =
            ByteBuf::from(keys.confirmation(&keys.sender_mac, &hello_receiver, &hello_sender));
        self.out.push_back(confirm.encode());
        self.state = SenderState::ExpectAck {
            reply,
            keys: Box::new(keys),
            peer,
            hello_receiver,
            hello_sender,
            deadline_us: now_us.saturating_add(micros(STEP_WAIT)),
        };
    }

    fn ack(&mut self, wire: Wire) {
        let SenderState::ExpectAck {
            reply,
            keys,
            peer,
            hello_receiver,
            hello_sender,
            ..
        } = std::mem::replace(&mut self.state, SenderState::Done)
        else {
            return;
        };
        if !keys.check(
            &keys.receiver_mac,
            &hello_receiver,
            &hello_sender,
            &wire.mac,
        ) {
            return self.fail(PairingError::BadConfirmation, Some((reply, "confirmation")));
        }
        self.out
            .push_back(Wire::new("closed", self.session, 0).encode());
        self.events.push_back(PairingEvent::Paired(peer));
    }

    pub fn handle_timeout(&mut self, now_us: u64) {
        match &self.state {
            SenderState::ExpectReply { .. } if now_us >= self.expires_us => {
                let secs = self.timeout_secs;
                self.fail(PairingError::Unused { secs }, None)
            }
            SenderState::ExpectAck {
                reply, deadline_us, ..
            } if now_us >= *deadline_us => {
                let reply = *reply;
                self.fail(
                    PairingError::Timeout {
                        secs: secs(STEP_WAIT),
                    },
                    Some((reply, "timeout")),
                )
            }
            _ => {}
        }
    }

    /// Stop now (Ctrl-C): the code is closed for any receiver.
    pub fn close(&mut self) {
        if !matches!(self.state, SenderState::Done) {
            self.out
                .push_back(Wire::new("closed", self.session, 0).encode());
            self.state = SenderState::Done;
        }
    }

    pub fn poll_write(&mut self) -> Option<Vec<u8>> {
        self.out.pop_front()
    }

    pub fn poll_event(&mut self) -> Option<PairingEvent> {
        self.events.pop_front()
    }

    pub fn poll_timeout(&self) -> Option<u64> {
        match &self.state {
            SenderState::ExpectReply { .. } => Some(self.expires_us),
            SenderState::ExpectAck { deadline_us, .. } => Some(*deadline_us),
            SenderState::Done => None,
        }
    }
}

/// A sender's `start`, as a receiver saw it.
#[derive(Debug, Clone)]
struct Start {
    session: u64,
    x: Vec<u8>,
    expires_us: u64,
}

/// Most `start` values a receiver keeps track of (junk at a public key is bounded).
const MAX_STARTS: usize = 16;

/// The receiving side (SPAKE2 side B): finds the sender's `start`, replies once, and learns
/// the sender from its `confirm`.
///
/// Inputs: [`Receiver::handle_value`] (values read at the rendezvous key, repeats included),
/// [`Receiver::handle_snapshot`] once every value stored there when it started has been fed
/// (a `get` done), [`Receiver::handle_timeout`]. Outputs as for [`Sender`].
pub struct Receiver {
    code: Code,
    own: Own,
    /// Our reply's id.
    reply: u64,
    rng: StdRng,
    starts: Vec<Start>,
    /// Sessions someone else replied to, or that were aborted, acknowledged or closed.
    used: HashSet<u64>,
    state: ReceiverState,
    out: VecDeque<Vec<u8>>,
    events: VecDeque<PairingEvent>,
}

enum ReceiverState {
    /// Reading what is stored at the rendezvous key.
    ExpectSnapshot {
        deadline_us: u64,
    },
    /// Nothing usable stored: waiting for a `start` to arrive.
    ExpectStart {
        deadline_us: u64,
    },
    ExpectConfirm {
        session: u64,
        keys: Box<Keys>,
        hello_receiver: Vec<u8>,
        deadline_us: u64,
    },
    Done,
}

impl Receiver {
    pub fn new(code: Code, own: Own, seed: [u8; 32], now_us: u64) -> Receiver {
        let mut rng = StdRng::from_seed(seed);
        Receiver {
            code,
            own,
            reply: rng.gen::<u64>() | 1,
            rng,
            starts: Vec::new(),
            used: HashSet::new(),
            state: ReceiverState::ExpectSnapshot {
                deadline_us: now_us.saturating_add(micros(NO_SENDER_WAIT)),
            },
            out: VecDeque::new(),
            events: VecDeque::new(),
        }
    }

    fn fail(&mut self, error: PairingError, tell: Option<(u64, &str)>) {
        if let Some((session, reason)) = tell {
            let mut abort = Wire::new("abort", session, self.reply);
            abort.reason = reason.into();
            self.out.push_back(abort.encode());
        }
        self.events.push_back(PairingEvent::Failed(error));
        self.state = ReceiverState::Done;
    }

    fn waiting_on(&self) -> Option<u64> {
        match &self.state {
            ReceiverState::ExpectConfirm { session, .. } => Some(*session),
            _ => None,
        }
    }

    pub fn handle_value(&mut self, bytes: &[u8], now_us: u64) {
        let Some(wire) = Wire::decode(bytes) else {
            return;
        };
        let ours = wire.reply == self.reply;
        let waiting = self.waiting_on() == Some(wire.session);
        match wire.kind.as_str() {
            "start" => {
                let known = self.starts.iter().any(|s| s.session == wire.session);
                if !known && self.starts.len() < MAX_STARTS {
                    self.starts.push(Start {
                        session: wire.session,
                        x: wire.pake.into_vec(),
                        expires_us: wire.expires.saturating_mul(1_000_000),
                    });
                }
            }
            "reply" if !ours => {
                // Another receiver (or a guess) replied too: the sender answers the first
                // only, and tells which by its confirm or abort.
                self.used.insert(wire.session);
            }
            "confirm" if waiting && ours => return self.confirm(wire, now_us),
            "abort" if waiting && ours => {
                let error = if wire.reason == WRONG_CODE {
                    PairingError::WrongCode
                } else {
                    PairingError::Aborted(shown(&wire.reason))
                };
                return self.fail(error, None);
            }
            // The sender answered someone else, or stopped.
            "confirm" | "abort" | "ack" | "closed" if !ours => {
                self.used.insert(wire.session);
                if waiting {
                    return self.fail(PairingError::AlreadyUsed, None);
                }
            }
            _ => {}
        }
        if matches!(self.state, ReceiverState::ExpectStart { .. }) {
            self.choose(now_us, false);
        }
    }

    /// Every value stored at the key when we started has been fed: decide.
    pub fn handle_snapshot(&mut self, now_us: u64) {
        if matches!(self.state, ReceiverState::ExpectSnapshot { .. }) {
            self.choose(now_us, true);
        }
    }

    /// Reply to the newest open session; with none, after the snapshot or at the deadline,
    /// say why (used, expired, nobody).
    fn choose(&mut self, now_us: u64, decide: bool) {
        loop {
            let open = self
                .starts
                .iter()
                .rev()
                .find(|s| s.expires_us > now_us && !self.used.contains(&s.session))
                .cloned();
            let Some(start) = open else { break };
            if self.reply_to(&start, now_us) {
                return;
            }
            // A malformed start (junk at a public key): try another.
            self.used.insert(start.session);
        }
        if !decide {
            return;
        }
        if self.starts.iter().any(|s| s.expires_us > now_us) {
            return self.fail(PairingError::AlreadyUsed, None);
        }
        if let Some(last) = self.starts.iter().map(|s| s.expires_us).max() {
            let ago_secs = now_us.saturating_sub(last) / 1_000_000;
            return self.fail(PairingError::Expired { ago_secs }, None);
        }
        if let ReceiverState::ExpectSnapshot { deadline_us } = self.state {
            self.state = ReceiverState::ExpectStart { deadline_us };
        } else {
            self.fail(
                PairingError::NoSender {
                    public_part: self.code.public_part(),
                    secs: secs(NO_SENDER_WAIT),
                },
                None,
            );
        }
    }

    /// Run SPAKE2 against `start` and put our reply; false if its message is unusable.
    fn reply_to(&mut self, start: &Start, now_us: u64) -> bool {
        let (pake, y) = Spake2::<Ed25519Group>::start_b_with_rng(
            &Password::new(self.code.to_string().as_bytes()),
            &PakeIdentity::new(PAKE_SENDER),
            &PakeIdentity::new(PAKE_RECEIVER),
            &mut self.rng,
        );
        let Ok(key) = pake.finish(&start.x) else {
            return false;
        };
        let keys = Keys::derive(
            &key,
            &self.code.public_part(),
            start.session,
            self.reply,
            &start.x,
            &y,
        );
        let hello_receiver = hello(&self.own, "receiver", &keys, now_us);
        let mut reply = Wire::new("reply", start.session, self.reply);
        reply.pake = ByteBuf::from(y);
        reply.ct = ByteBuf::from(seal(&keys.receiver_seal, &hello_receiver));
        self.out.push_back(reply.encode());
        self.state = ReceiverState::ExpectConfirm {
            session: start.session,
            keys: Box::new(keys),
            hello_receiver,
            deadline_us: now_us.saturating_add(micros(STEP_WAIT)),
        };
        true
    }

    fn confirm(&mut self, wire: Wire, now_us: u64) {
        let ReceiverState::ExpectConfirm {
            session,
            keys,
            hello_receiver,
            ..
        } = std::mem::replace(&mut self.state, ReceiverState::Done)
        else {
            return;
        };
        let Some(hello_sender) = open(&keys.sender_seal, &wire.ct) else {
            return self.fail(PairingError::WrongCode, Some((session, WRONG_CODE)));
        };
        let peer = match open_hello(&hello_sender, "sender", &keys, &self.own, now_us) {
            Ok(peer) => peer,
            Err(err) => return self.fail(err, Some((session, "identity"))),
        };
        if !keys.check(&keys.sender_mac, &hello_receiver, &hello_sender, &wire.mac) {
            return self.fail(
                PairingError::BadConfirmation,
                Some((session, "confirmation")),
            );
        }
        let mut ack = Wire::new("ack", session, self.reply);
        ack.mac =
            ByteBuf::from(keys.confirmation(&keys.receiver_mac, &hello_receiver, &hello_sender));
        self.out.push_back(ack.encode());
        self.events.push_back(PairingEvent::Paired(peer));
    }

    pub fn handle_timeout(&mut self, now_us: u64) {
        match &self.state {
            ReceiverState::ExpectSnapshot { deadline_us }
            | ReceiverState::ExpectStart { deadline_us }
                if now_us >= *deadline_us =>
            {
                self.state = ReceiverState::ExpectStart {
                    deadline_us: *deadline_us,
                };
                self.choose(now_us, true);
            }
            ReceiverState::ExpectConfirm {
                session,
                deadline_us,
                ..
            } if now_us >= *deadline_us => {
                let session = *session;
                self.fail(
                    PairingError::Timeout {
                        secs: secs(STEP_WAIT),
                    },
                    Some((session, "timeout")),
                )
            }
            _ => {}
        }
    }

    pub fn poll_write(&mut self) -> Option<Vec<u8>> {
        self.out.pop_front()
    }

    pub fn poll_event(&mut self) -> Option<PairingEvent> {
        self.events.pop_front()
    }

    pub fn poll_timeout(&self) -> Option<u64> {
        match &self.state {
            ReceiverState::ExpectSnapshot { deadline_us }
            | ReceiverState::ExpectStart { deadline_us }
            | ReceiverState::ExpectConfirm { deadline_us, .. } => Some(*deadline_us),
            ReceiverState::Done => None,
        }
    }
}

#[cfg(test)]
mod tests;
