//! Sealing and opening signalling values between real identities, and every way to break one.

use super::*;
use crate::identity::Identity;

/// A new account and device, in memory: nothing is written.
fn device() -> Identity {
    Identity::in_memory().unwrap()
}

fn chain_of(id: &Identity) -> Vec<ByteBuf> {
    id.tls_chain()
        .iter()
        .map(|c| ByteBuf::from(c.to_vec()))
        .collect()
}

fn request(from: &Identity, to: &Identity, ts: u64) -> Request {
    Request {
        id: 42,
        ts,
        is_answer: false,
        chain: chain_of(from),
        enc_key: ByteBuf::from(from.enc_public().to_vec()),
        ufrag: "ufrag".into(),
        pwd: "password-of-22-chars!!".into(),
        candidates: vec![
            "H6e6ca682 1 TCP 2130706431 127.0.0.1 4300 typ host tcptype passive".into(),
        ],
        conn_type: "ferry".into(),
        public_addrs: vec![],
        to: to.device.to_string(),
        refused: String::new(),
    }
}

fn now() -> UnixTime {
    UnixTime::now()
}

/// The ephemeral key and nonce of every sealing here (fresh random bytes in real use).
const EPHEMERAL: [u8; 32] = [7; 32];
const NONCE: [u8; 12] = [1; 12];

/// `body` (a request or a message) signed by `signer` and sealed to `to`.
fn seal_to<T: Serialize>(body: &T, signer: &Identity, to: &Identity) -> Vec<u8> {
    seal(body, signer, &to.enc_public(), EPHEMERAL, NONCE)
}

/// A fresh offer from `from`, sealed to `to`.
fn offer(from: &Identity, to: &Identity) -> Vec<u8> {
    seal_to(&request(from, to, now().as_secs()), from, to)
}

/// `sealed` opened as `to` with a replay guard of its own: a first delivery.
fn open_request_once(sealed: &[u8], to: &Identity) -> Result<(Request, PeerIdentity), SignalError> {
    open_request(
        sealed,
        to.enc_secret(),
        &to.device,
        now(),
        &mut ReplayGuard::default(),
    )
}

#[test]
fn a_request_opens_for_its_recipient_only() {
    let alice = device();
    let bob = device();
    let carol = device();
    let req = request(&alice, &bob, now().as_secs());
    let sealed = seal_to(&req, &alice, &bob);
    let (opened, peer) = open_request_once(&sealed, &bob).unwrap();
    assert_eq!(opened, req);
    assert_eq!(peer, alice.as_peer());
    assert_eq!(
        open_request_once(&sealed, &carol),
        Err(SignalError::Decrypt)
    );
}

#[test]
fn a_flipped_bit_anywhere_is_refused() {
    let alice = device();
    let bob = device();
    let sealed = offer(&alice, &bob);
    for i in (0..sealed.len()).step_by(7) {
        let mut tampered = sealed.clone();
        tampered[i] ^= 0x10;
        let result = open_request_once(&tampered, &bob);
        assert!(result.is_err(), "bit flip at {i} was accepted");
    }
}

#[test]
fn a_request_signed_by_another_device_is_refused() {
    let alice = device();
    let bob = device();
    let mallory = device();
    // Mallory presents Alice's chain but can only sign with her own key.
    let sealed = seal_to(&request(&alice, &bob, now().as_secs()), &mallory, &bob);
    assert_eq!(
        open_request_once(&sealed, &bob),
        Err(SignalError::BadSignature)
    );
}

#[test]
fn replays_and_stale_requests_are_refused() {
    let alice = device();
    let bob = device();
    let mut guard = ReplayGuard::default();
    let sealed = offer(&alice, &bob);
    open_request(&sealed, bob.enc_secret(), &bob.device, now(), &mut guard).unwrap();
    assert_eq!(
        open_request(&sealed, bob.enc_secret(), &bob.device, now(), &mut guard),
        Err(SignalError::Replay { id: 42 })
    );
    let old = seal_to(&request(&alice, &bob, now().as_secs() - 600), &alice, &bob);
    assert!(matches!(
        open_request(&old, bob.enc_secret(), &bob.device, now(), &mut guard),
        Err(SignalError::Stale { .. })
    ));
}

#[test]
fn an_offer_nobody_waits_for_is_stale_before_an_answer_is() {
    let alice = device();
    let bob = device();
    let at = |age: u64, is_answer: bool| {
        let mut r = request(&alice, &bob, now().as_secs() - age);
        r.is_answer = is_answer;
        r.id = age * 2 + u64::from(is_answer);
        open_request_once(&seal_to(&r, &alice, &bob), &bob)
    };
    assert!(at(MAX_OFFER_AGE_SECS - 5, false).is_ok());
    assert!(matches!(
        at(MAX_OFFER_AGE_SECS + 5, false),
        Err(SignalError::Stale { .. })
    ));
    assert!(at(MAX_OFFER_AGE_SECS + 5, true).is_ok());
    assert!(matches!(
        at(MAX_REQUEST_AGE_SECS + 5, true),
        Err(SignalError::Stale { .. })
    ));
}

#[test]
fn announcements_verify_and_forgeries_do_not() {
    let alice = device();
    let mallory = device();
    let a = Announcement {
        chain: chain_of(&alice),
        enc_key: ByteBuf::from(alice.enc_public().to_vec()),
        created: 1,
        created_ms: 1_000,
        stopped: false,
    };
    let info = open_announcement(&seal_announcement(&a, &alice), now()).unwrap();
    assert_eq!(info.peer, alice.as_peer());
    assert_eq!(info.enc_key, alice.enc_public());
    // Mallory announcing her own encryption key under Alice's certificate.
    let forged = Announcement {
        enc_key: ByteBuf::from(mallory.enc_public().to_vec()),
        ..a
    };
    assert_eq!(
        open_announcement(&seal_announcement(&forged, &mallory), now()),
        Err(SignalError::BadSignature)
    );
    assert_eq!(
        open_announcement(b"junk", now()),
        Err(SignalError::Malformed)
    );
}

#[test]
fn a_stopped_announcement_says_so_and_older_announcements_order_by_seconds() {
    let alice = device();
    let live = Announcement {
        chain: chain_of(&alice),
        enc_key: ByteBuf::from(alice.enc_public().to_vec()),
        created: 5,
        created_ms: 5_250,
        stopped: false,
    };
    let info = open_announcement(&seal_announcement(&live, &alice), now()).unwrap();
    assert!(!info.stopped);
    assert_eq!(info.created_ms, 5_250);
    // Stopped 500 ms after it started: within the same second, still later.
    let stopped = Announcement {
        stopped: true,
        created_ms: 5_750,
        ..live.clone()
    };
    let info = open_announcement(&seal_announcement(&stopped, &alice), now()).unwrap();
    assert!(info.stopped);
    assert_eq!((info.created, info.created_ms), (5, 5_750));
    // What older versions wrote (no `created_ms`, no `stopped`) opens, ordered by its seconds.
    let mut older =
        rmpv::decode::read_value(&mut rmp_serde::to_vec_named(&live).unwrap().as_slice()).unwrap();
    if let rmpv::Value::Map(fields) = &mut older {
        fields.retain(|(k, _)| {
            k.as_str() == Some("chain")
                || k.as_str() == Some("enc_key")
                || k.as_str() == Some("created")
        });
        assert_eq!(fields.len(), 3);
    }
    let mut body = Vec::new();
    rmpv::encode::write_value(&mut body, &older).unwrap();
    let sealed = sign(body, &alice);
    let info = open_announcement(&sealed, now()).unwrap();
    assert!(!info.stopped);
    assert_eq!(info.created_ms, 5_000);
}
