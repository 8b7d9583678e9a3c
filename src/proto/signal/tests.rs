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

fn request(from: &Identity, ts: u64) -> Request {
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
    }
}

fn now() -> UnixTime {
    UnixTime::now()
}

#[test]
fn a_request_opens_for_its_recipient_only() {
    let (_a, alice) = device();
    let (_b, bob) = device();
    let (_c, carol) = device();
    let req = request(&alice, now().as_secs());
    let sealed = seal_request(&req, &alice, &bob.enc_public(), [7; 32], [1; 12]);
    let (opened, peer) = open_request(
        &sealed,
        bob.enc_secret(),
        now(),
        &mut ReplayGuard::default(),
    )
    .unwrap();
    assert_eq!(opened, req);
    assert_eq!(peer, alice.as_peer());
    assert_eq!(
        open_request(
            &sealed,
            carol.enc_secret(),
            now(),
            &mut ReplayGuard::default()
        ),
        Err(SignalError::Decrypt)
    );
}

#[test]
fn a_flipped_bit_anywhere_is_refused() {
    let (_a, alice) = device();
    let (_b, bob) = device();
    let sealed = seal_request(
        &request(&alice, now().as_secs()),
        &alice,
        &bob.enc_public(),
        [7; 32],
        [1; 12],
    );
    for i in (0..sealed.len()).step_by(7) {
        let mut tampered = sealed.clone();
        tampered[i] ^= 0x10;
        let result = open_request(
            &tampered,
            bob.enc_secret(),
            now(),
            &mut ReplayGuard::default(),
        );
        assert!(result.is_err(), "bit flip at {i} was accepted");
    }
}

#[test]
fn a_request_signed_by_another_device_is_refused() {
    let (_a, alice) = device();
    let (_b, bob) = device();
    let (_m, mallory) = device();
    // Mallory presents Alice's chain but can only sign with her own key.
    let req = request(&alice, now().as_secs());
    let sealed = seal_request(&req, &mallory, &bob.enc_public(), [9; 32], [2; 12]);
    assert_eq!(
        open_request(
            &sealed,
            bob.enc_secret(),
            now(),
            &mut ReplayGuard::default()
        ),
        Err(SignalError::BadSignature)
    );
}

#[test]
fn replays_and_stale_requests_are_refused() {
    let (_a, alice) = device();
    let (_b, bob) = device();
    let mut guard = ReplayGuard::default();
    let sealed = seal_request(
        &request(&alice, now().as_secs()),
        &alice,
        &bob.enc_public(),
        [7; 32],
        [1; 12],
    );
    open_request(&sealed, bob.enc_secret(), now(), &mut guard).unwrap();
    assert_eq!(
        open_request(&sealed, bob.enc_secret(), now(), &mut guard),
        Err(SignalError::Replay { id: 42 })
    );
    let old = seal_request(
        &request(&alice, now().as_secs() - 600),
        &alice,
        &bob.enc_public(),
        [7; 32],
        [1; 12],
    );
    assert!(matches!(
        open_request(&old, bob.enc_secret(), now(), &mut guard),
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

fn message(from: &Identity, id: u64, payload: &[u8]) -> Message {
    Message {
        id,
        ts: now().as_secs(),
        chain: chain_of(from),
        enc_key: ByteBuf::from(from.enc_public().to_vec()),
        mime_type: "application/data-transfer-request+json".into(),
        payload: ByteBuf::from(payload.to_vec()),
    }
}

#[test]
fn a_message_opens_for_its_recipient_once_and_names_its_signer() {
    let (_a, alice) = device();
    let (_b, bob) = device();
    let (_c, carol) = device();
    let msg = message(&alice, 9, br#"{"interaction":"x"}"#);
    let sealed = seal_message(&msg, &alice, &bob.enc_public(), [3; 32], [4; 12]);
    let mut guard = ReplayGuard::default();
    let (opened, peer) = open_message(&sealed, bob.enc_secret(), now(), &mut guard).unwrap();
    assert_eq!((opened, peer), (msg.clone(), alice.as_peer()));
    assert_eq!(
        open_message(&sealed, bob.enc_secret(), now(), &mut guard),
        Err(SignalError::Replay { id: 9 })
    );
    assert_eq!(
        open_message(
            &sealed,
            carol.enc_secret(),
            now(),
            &mut ReplayGuard::default()
        ),
        Err(SignalError::Decrypt)
    );
    // An offer may reuse a message's id: the guard keeps kinds apart.
    let offer = seal_request(
        &request(&alice, now().as_secs()),
        &alice,
        &bob.enc_public(),
        [5; 32],
        [6; 12],
    );
    let mut guard = ReplayGuard::default();
    let mut msg42 = msg.clone();
    msg42.id = 42;
    let sealed42 = seal_message(&msg42, &alice, &bob.enc_public(), [3; 32], [4; 12]);
    assert!(open_message(&sealed42, bob.enc_secret(), now(), &mut guard).is_ok());
    assert!(open_request(&offer, bob.enc_secret(), now(), &mut guard).is_ok());
}

#[test]
fn messages_that_are_forged_stale_oversized_or_requests_are_refused() {
    let (_a, alice) = device();
    let (_b, bob) = device();
    let (_m, mallory) = device();
    // Signed by Mallory while claiming Alice's chain.
    let forged = seal_message(
        &message(&alice, 1, b"{}"),
        &mallory,
        &bob.enc_public(),
        [1; 32],
        [1; 12],
    );
    assert_eq!(
        open_message(
            &forged,
            bob.enc_secret(),
            now(),
            &mut ReplayGuard::default()
        ),
        Err(SignalError::BadSignature)
    );
    let mut old = message(&alice, 2, b"{}");
    old.ts -= MAX_REQUEST_AGE_SECS + 5;
    let stale = seal_message(&old, &alice, &bob.enc_public(), [1; 32], [1; 12]);
    assert!(matches!(
        open_message(&stale, bob.enc_secret(), now(), &mut ReplayGuard::default()),
        Err(SignalError::Stale { .. })
    ));
    let big = seal_message(
        &message(&alice, 3, &vec![b'x'; MAX_MESSAGE_PAYLOAD + 1]),
        &alice,
        &bob.enc_public(),
        [1; 32],
        [1; 12],
    );
    assert_eq!(
        open_message(&big, bob.enc_secret(), now(), &mut ReplayGuard::default()),
        Err(SignalError::Malformed)
    );
    // A connection request is not a message, nor the other way round.
    let offer = seal_request(
        &request(&alice, now().as_secs()),
        &alice,
        &bob.enc_public(),
        [5; 32],
        [6; 12],
    );
    assert_eq!(
        open_message(&offer, bob.enc_secret(), now(), &mut ReplayGuard::default()),
        Err(SignalError::Malformed)
    );
    let msg = seal_message(
        &message(&alice, 4, b"{}"),
        &alice,
        &bob.enc_public(),
        [1; 32],
        [1; 12],
    );
    assert_eq!(
        open_request(&msg, bob.enc_secret(), now(), &mut ReplayGuard::default()),
        Err(SignalError::Malformed)
    );
}
