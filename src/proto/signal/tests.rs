//! Sealing and opening signalling values between real identities, and every way to break one.

use super::*;
use crate::identity::Identity;

fn device() -> (tempfile::TempDir, Identity) {
    let dir = tempfile::tempdir().unwrap();
    let id = Identity::create(dir.path()).unwrap();
    (dir, id)
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
    let (_a, alice) = device();
    let (_b, bob) = device();
    let (_c, carol) = device();
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
    let (_a, alice) = device();
    let (_b, bob) = device();
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
    let (_a, alice) = device();
    let (_b, bob) = device();
    let (_m, mallory) = device();
    // Mallory presents Alice's chain but can only sign with her own key.
    let sealed = seal_to(&request(&alice, &bob, now().as_secs()), &mallory, &bob);
    assert_eq!(
        open_request_once(&sealed, &bob),
        Err(SignalError::BadSignature)
    );
}

#[test]
fn replays_and_stale_requests_are_refused() {
    let (_a, alice) = device();
    let (_b, bob) = device();
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
    let (_a, alice) = device();
    let (_b, bob) = device();
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
    let (_a, alice) = device();
    let (_m, mallory) = device();
    let a = Announcement {
        chain: chain_of(&alice),
        enc_key: ByteBuf::from(alice.enc_public().to_vec()),
        created: 1,
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
fn keys_follow_dhtnet_for_requests() {
    let id: Id = "00112233445566778899aabbccddeeff00112233".parse().unwrap();
    assert_eq!(
        peer_key(&id),
        InfoHash::of("peer:00112233445566778899aabbccddeeff00112233")
    );
    assert_ne!(account_key(&id), device_key(&id));
}

fn message(from: &Identity, to: &Identity, id: u64, payload: &[u8]) -> Message {
    Message {
        id,
        ts: now().as_secs(),
        chain: chain_of(from),
        enc_key: ByteBuf::from(from.enc_public().to_vec()),
        mime_type: "application/data-transfer-request+json".into(),
        payload: ByteBuf::from(payload.to_vec()),
        to: to.device.to_string(),
    }
}

/// `sealed` opened as `to` with a replay guard of its own: a first delivery.
fn open_message_once(sealed: &[u8], to: &Identity) -> Result<(Message, PeerIdentity), SignalError> {
    open_message(
        sealed,
        to.enc_secret(),
        &to.device,
        now(),
        &mut ReplayGuard::default(),
    )
}

#[test]
fn a_message_opens_for_its_recipient_once_and_names_its_signer() {
    let (_a, alice) = device();
    let (_b, bob) = device();
    let (_c, carol) = device();
    let msg = message(&alice, &bob, 9, br#"{"interaction":"x"}"#);
    let sealed = seal_to(&msg, &alice, &bob);
    let mut guard = ReplayGuard::default();
    let (opened, peer) =
        open_message(&sealed, bob.enc_secret(), &bob.device, now(), &mut guard).unwrap();
    assert_eq!((opened, peer), (msg.clone(), alice.as_peer()));
    assert_eq!(
        open_message(&sealed, bob.enc_secret(), &bob.device, now(), &mut guard),
        Err(SignalError::Replay { id: 9 })
    );
    assert_eq!(
        open_message_once(&sealed, &carol),
        Err(SignalError::Decrypt)
    );
    // An offer may reuse a message's id (42, as `request` gives it): the guard keeps kinds
    // apart.
    let offer42 = offer(&alice, &bob);
    let mut guard = ReplayGuard::default();
    let sealed42 = seal_to(&Message { id: 42, ..msg }, &alice, &bob);
    assert!(open_message(&sealed42, bob.enc_secret(), &bob.device, now(), &mut guard).is_ok());
    assert!(open_request(&offer42, bob.enc_secret(), &bob.device, now(), &mut guard).is_ok());
}

#[test]
fn messages_that_are_forged_stale_oversized_or_requests_are_refused() {
    let (_a, alice) = device();
    let (_b, bob) = device();
    let (_m, mallory) = device();
    // Signed by Mallory while claiming Alice's chain.
    let forged = seal_to(&message(&alice, &bob, 1, b"{}"), &mallory, &bob);
    assert_eq!(
        open_message_once(&forged, &bob),
        Err(SignalError::BadSignature)
    );
    let mut old = message(&alice, &bob, 2, b"{}");
    old.ts -= MAX_REQUEST_AGE_SECS + 5;
    let stale = seal_to(&old, &alice, &bob);
    assert!(matches!(
        open_message_once(&stale, &bob),
        Err(SignalError::Stale { .. })
    ));
    let big = seal_to(
        &message(&alice, &bob, 3, &vec![b'x'; MAX_MESSAGE_PAYLOAD + 1]),
        &alice,
        &bob,
    );
    assert_eq!(open_message_once(&big, &bob), Err(SignalError::Malformed));
    // A connection request is not a message, nor the other way round.
    assert_eq!(
        open_message_once(&offer(&alice, &bob), &bob),
        Err(SignalError::Malformed)
    );
    let msg = seal_to(&message(&alice, &bob, 4, b"{}"), &alice, &bob);
    assert_eq!(open_request_once(&msg, &bob), Err(SignalError::Malformed));
}

#[test]
fn a_value_signed_for_another_device_is_refused_even_resealed_to_us() {
    let (_a, alice) = device();
    let (_b, bob) = device();
    let (_c, carol) = device();
    // Signed by Alice for Carol; Carol (or anyone who learnt the signed bytes) re-seals it to
    // Bob. Bob decrypts it, the signature holds, but it names Carol.
    let for_carol = request(&alice, &carol, now().as_secs());
    let resealed = seal_to(&for_carol, &alice, &bob);
    assert_eq!(
        open_request_once(&resealed, &bob),
        Err(SignalError::NotForUs {
            to: carol.device.to_string()
        })
    );
    let msg = Message {
        to: carol.device.to_string(),
        ..message(&alice, &bob, 5, b"{}")
    };
    assert!(matches!(
        open_message_once(&seal_to(&msg, &alice, &bob), &bob),
        Err(SignalError::NotForUs { .. })
    ));
    // An older sender names no recipient: refused as well.
    let unnamed = Request {
        to: String::new(),
        ..request(&alice, &bob, now().as_secs())
    };
    assert!(matches!(
        open_request_once(&seal_to(&unnamed, &alice, &bob), &bob),
        Err(SignalError::NotForUs { .. })
    ));
}

#[test]
fn the_replay_guard_survives_a_restart_within_the_window() {
    let (_a, alice) = device();
    let (_b, bob) = device();
    let sealed = offer(&alice, &bob);
    let mut guard = ReplayGuard::default();
    assert!(!guard.take_changed());
    open_request(&sealed, bob.enc_secret(), &bob.device, now(), &mut guard).unwrap();
    assert!(guard.take_changed());
    let kept = guard.encode();
    let mut restarted = ReplayGuard::decode(&kept, now().as_secs());
    assert_eq!(
        open_request(
            &sealed,
            bob.enc_secret(),
            &bob.device,
            now(),
            &mut restarted
        ),
        Err(SignalError::Replay { id: 42 })
    );
    // Long after, the entry is gone (the offer is stale by then anyway).
    let later = ReplayGuard::decode(&kept, now().as_secs() + 3600);
    assert!(later.seen.is_empty());
    // Junk gives an empty guard, not an error.
    assert!(ReplayGuard::decode(b"junk", now().as_secs())
        .seen
        .is_empty());
}

#[test]
fn the_replay_guard_is_bounded() {
    let mut guard = ReplayGuard::default();
    let now_secs = now().as_secs();
    for i in 0..(MAX_SEEN as u64 + 50) {
        guard
            .check(
                Id([1; 20]),
                Kind::Offer,
                i,
                now_secs - 30 + i / 1000,
                now_secs,
            )
            .unwrap();
    }
    assert_eq!(guard.seen.len(), MAX_SEEN);
    let decoded = ReplayGuard::decode(&guard.encode(), now_secs);
    assert_eq!(decoded.seen.len(), MAX_SEEN);
}
