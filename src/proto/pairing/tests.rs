//! Two pairing machines over an in-memory rendezvous key, with a fake clock: honest pairs,
//! wrong codes, guesses, men in the middle, second uses and expiry.

use super::*;
use crate::identity::Identity;
use proptest::prelude::*;

const T0: u64 = 1_800_000_000_000_000;

/// A new account and device, in memory: nothing is written.
fn device() -> Arc<Identity> {
    let id = Identity::in_memory().unwrap();
    Arc::new(id)
}

fn own(id: &Arc<Identity>) -> Own {
    Own {
        chain: id
            .tls_chain()
            .iter()
            .map(|c| ByteBuf::from(c.to_vec()))
            .collect(),
        enc_key: id.enc_public(),
        signer: id.clone(),
        device: id.device,
    }
}

fn code(text: &str) -> Code {
    Code::parse(text).unwrap()
}

/// The values at the rendezvous key, in the order they were put.
#[derive(Default)]
struct Key {
    values: Vec<Vec<u8>>,
}

/// What a machine looks like to the test loop.
trait Side {
    fn feed(&mut self, bytes: &[u8], now: u64);
    fn timeout(&mut self, now: u64);
    fn write(&mut self) -> Option<Vec<u8>>;
    fn event(&mut self) -> Option<PairingEvent>;
    fn deadline(&self) -> Option<u64>;
}

impl Side for Sender {
    fn feed(&mut self, bytes: &[u8], now: u64) {
        self.handle_value(bytes, now)
    }
    fn timeout(&mut self, now: u64) {
        self.handle_timeout(now)
    }
    fn write(&mut self) -> Option<Vec<u8>> {
        self.poll_write()
    }
    fn event(&mut self) -> Option<PairingEvent> {
        self.poll_event()
    }
    fn deadline(&self) -> Option<u64> {
        self.poll_timeout()
    }
}

impl Side for Receiver {
    fn feed(&mut self, bytes: &[u8], now: u64) {
        self.handle_value(bytes, now)
    }
    fn timeout(&mut self, now: u64) {
        self.handle_timeout(now)
    }
    fn write(&mut self) -> Option<Vec<u8>> {
        self.poll_write()
    }
    fn event(&mut self) -> Option<PairingEvent> {
        self.poll_event()
    }
    fn deadline(&self) -> Option<u64> {
        self.poll_timeout()
    }
}

/// A receiver that joins: everything stored so far, then the snapshot is complete.
fn join(key: &Key, receiver: &mut Receiver, now: u64) {
    for v in &key.values {
        receiver.handle_value(v, now);
    }
    receiver.handle_snapshot(now);
}

/// Move values between the sides through `key` until every side has an event, with `tamper`
/// applied to each value before it is stored; the clock jumps to the next deadline when
/// nothing moves. At most 50 steps.
fn run(
    key: &mut Key,
    sides: &mut [&mut dyn Side],
    now: &mut u64,
    mut tamper: impl FnMut(Vec<u8>) -> Vec<u8>,
) -> Vec<PairingEvent> {
    let mut delivered = vec![0usize; sides.len()];
    let mut events: Vec<Option<PairingEvent>> = vec![None; sides.len()];
    for _ in 0..50 {
        let mut moved = false;
        for side in sides.iter_mut() {
            while let Some(v) = side.write() {
                key.values.push(tamper(v));
                moved = true;
            }
        }
        for (i, side) in sides.iter_mut().enumerate() {
            while delivered[i] < key.values.len() {
                side.feed(&key.values[delivered[i]], *now);
                delivered[i] += 1;
                moved = true;
            }
            if events[i].is_none() {
                events[i] = side.event();
            }
        }
        if events.iter().all(Option::is_some) {
            // Last writes (ack, closed) reach the key.
            for side in sides.iter_mut() {
                while let Some(v) = side.write() {
                    key.values.push(v);
                }
            }
            return events.into_iter().flatten().collect();
        }
        if !moved {
            let next = sides.iter().filter_map(|s| s.deadline()).min();
            let Some(next) = next else {
                panic!("stuck: no deadline, events so far {events:?}");
            };
            *now = next.max(*now);
            for side in sides.iter_mut() {
                side.timeout(*now);
            }
        }
    }
    panic!("no outcome in 50 steps: {events:?}");
}

fn paired(event: &PairingEvent) -> &DeviceInfo {
    match event {
        PairingEvent::Paired(info) => info,
        other => panic!("expected paired, got {other:?}"),
    }
}

fn failed(event: &PairingEvent) -> &PairingError {
    match event {
        PairingEvent::Failed(err) => err,
        other => panic!("expected a failure, got {other:?}"),
    }
}

/// The keys of a run as the sender seeded with `seed` computes them, from the receiver's reply
/// (what a man in the middle would need the code for).
/// Alice's sender (seed 1) has put its start; Bob's receiver (seed 2) read it and replied.
/// Returns both machines, the start and the reply.
fn replied(alice: &Arc<Identity>, bob: &Arc<Identity>, now: u64) -> (Sender, Receiver, Wire, Wire) {
    let mut key = Key::default();
    let mut sender = Sender::new(code(CODE), own(alice), DEFAULT_TIMEOUT, [1; 32], now);
    key.values.push(sender.poll_write().unwrap());
    let start = Wire::decode(&key.values[0]).unwrap();
    let mut receiver = Receiver::new(code(CODE), own(bob), [2; 32], now);
    join(&key, &mut receiver, now);
    let reply = Wire::decode(&receiver.poll_write().unwrap()).unwrap();
    (sender, receiver, start, reply)
}

fn sender_keys(seed: u8, start: &Wire, reply: &Wire) -> Keys {
    let mut rng = StdRng::from_seed([seed; 32]);
    let _session: u64 = rand::Rng::gen(&mut rng);
    let (a, x) = Spake2::<Ed25519Group>::start_a_with_rng(
        &Password::new(CODE.as_bytes()),
        &PakeIdentity::new(PAKE_SENDER),
        &PakeIdentity::new(PAKE_RECEIVER),
        &mut rng,
    );
    assert_eq!(
        x,
        start.pake.to_vec(),
        "the sender's first message is reproducible"
    );
    let k = a.finish(&reply.pake).unwrap();
    Keys::derive(&k, "7-guitar", start.session, reply.reply, &x, &reply.pake)
}

const CODE: &str = "7-guitar-orbit-lunch";

#[test]
fn an_honest_pair_agrees_and_learns_each_others_device() {
    let (alice, bob) = (device(), device());
    let mut key = Key::default();
    let mut now = T0;
    let mut sender = Sender::new(code(CODE), own(&alice), DEFAULT_TIMEOUT, [1; 32], now);
    let start = sender.poll_write().unwrap();
    key.values.push(start);
    let mut receiver = Receiver::new(code(" 7 Guitar ORBIT-lunch "), own(&bob), [2; 32], now);
    join(&key, &mut receiver, now);
    let events = run(&mut key, &mut [&mut sender, &mut receiver], &mut now, |v| v);
    let (learnt_by_sender, learnt_by_receiver) = (paired(&events[0]), paired(&events[1]));
    assert_eq!(learnt_by_sender.peer.device, bob.device);
    assert_eq!(learnt_by_sender.peer.account, bob.account);
    assert_eq!(learnt_by_sender.enc_key, bob.enc_public());
    assert_eq!(learnt_by_receiver.peer.device, alice.device);
    assert_eq!(learnt_by_receiver.enc_key, alice.enc_public());
    assert_eq!(now, T0, "no deadline was needed");
    // start, reply, confirm, ack, closed.
    let kinds: Vec<String> = key
        .values
        .iter()
        .map(|v| Wire::decode(v).unwrap().kind)
        .collect();
    assert_eq!(kinds, ["start", "reply", "confirm", "ack", "closed"]);
}

#[test]
fn a_receiver_waiting_for_the_start_pairs_when_it_arrives() {
    let (alice, bob) = (device(), device());
    let mut key = Key::default();
    let mut now = T0;
    let mut receiver = Receiver::new(code(CODE), own(&bob), [2; 32], now);
    join(&key, &mut receiver, now);
    assert!(receiver.poll_event().is_none(), "it waits for the sender");
    let mut sender = Sender::new(code(CODE), own(&alice), DEFAULT_TIMEOUT, [1; 32], now);
    let events = run(&mut key, &mut [&mut sender, &mut receiver], &mut now, |v| v);
    paired(&events[0]);
    paired(&events[1]);
}

#[test]
fn a_wrong_code_fails_on_both_sides() {
    let (alice, bob) = (device(), device());
    let mut key = Key::default();
    let mut now = T0;
    let mut sender = Sender::new(code(CODE), own(&alice), DEFAULT_TIMEOUT, [1; 32], now);
    key.values.push(sender.poll_write().unwrap());
    // Same number and first word (same rendezvous), one secret word changed.
    let mut receiver = Receiver::new(code("7-guitar-orbit-lunar"), own(&bob), [2; 32], now);
    join(&key, &mut receiver, now);
    let events = run(&mut key, &mut [&mut sender, &mut receiver], &mut now, |v| v);
    assert_eq!(failed(&events[0]), &PairingError::GuessedOrMistyped);
    assert_eq!(failed(&events[1]), &PairingError::WrongCode);
    assert_eq!(now, T0, "both learn it at once, not at a deadline");
}

#[test]
fn a_guess_spends_the_code_and_the_honest_receiver_is_told() {
    let (alice, bob, mallory) = (device(), device(), device());
    let mut key = Key::default();
    let mut now = T0;
    let mut sender = Sender::new(code(CODE), own(&alice), DEFAULT_TIMEOUT, [1; 32], now);
    key.values.push(sender.poll_write().unwrap());
    let mut guesser = Receiver::new(
        code("7-guitar-abandon-ability"),
        own(&mallory),
        [3; 32],
        now,
    );
    join(&key, &mut guesser, now);
    let events = run(&mut key, &mut [&mut sender, &mut guesser], &mut now, |v| v);
    assert_eq!(failed(&events[0]), &PairingError::GuessedOrMistyped);
    assert_eq!(failed(&events[1]), &PairingError::WrongCode);
    // The right code, too late: one attempt per code.
    let mut receiver = Receiver::new(code(CODE), own(&bob), [2; 32], now);
    join(&key, &mut receiver, now);
    assert_eq!(
        receiver.poll_event(),
        Some(PairingEvent::Failed(PairingError::AlreadyUsed))
    );
    assert!(
        receiver.poll_write().is_none(),
        "nothing is put for a spent code"
    );
}

#[test]
fn a_second_reply_is_ignored_and_its_receiver_learns_the_code_is_used() {
    let (alice, bob, carol) = (device(), device(), device());
    let mut key = Key::default();
    let mut now = T0;
    let mut sender = Sender::new(code(CODE), own(&alice), DEFAULT_TIMEOUT, [1; 32], now);
    key.values.push(sender.poll_write().unwrap());
    // Both read the start before either replied.
    let mut first = Receiver::new(code(CODE), own(&bob), [2; 32], now);
    let mut second = Receiver::new(code(CODE), own(&carol), [4; 32], now);
    join(&key, &mut first, now);
    join(&key, &mut second, now);
    let events = run(
        &mut key,
        &mut [&mut sender, &mut first, &mut second],
        &mut now,
        |v| v,
    );
    assert_eq!(paired(&events[0]).peer.device, bob.device);
    assert_eq!(paired(&events[1]).peer.device, alice.device);
    assert_eq!(failed(&events[2]), &PairingError::AlreadyUsed);
    assert_eq!(sender.ignored_replies, 1);
}

#[test]
fn a_finished_code_cannot_be_used_again() {
    let (alice, bob, carol) = (device(), device(), device());
    let mut key = Key::default();
    let mut now = T0;
    let mut sender = Sender::new(code(CODE), own(&alice), DEFAULT_TIMEOUT, [1; 32], now);
    key.values.push(sender.poll_write().unwrap());
    let mut receiver = Receiver::new(code(CODE), own(&bob), [2; 32], now);
    join(&key, &mut receiver, now);
    run(&mut key, &mut [&mut sender, &mut receiver], &mut now, |v| v);
    for (who, seed) in [(&carol, 5u8), (&bob, 6)] {
        let mut again = Receiver::new(code(CODE), own(who), [seed; 32], now);
        join(&key, &mut again, now);
        assert_eq!(
            again.poll_event(),
            Some(PairingEvent::Failed(PairingError::AlreadyUsed))
        );
    }
}

#[test]
fn a_tampered_reply_or_confirmation_fails_both_sides() {
    for target in ["reply", "confirm"] {
        let (alice, bob) = (device(), device());
        let mut key = Key::default();
        let mut now = T0;
        let mut sender = Sender::new(code(CODE), own(&alice), DEFAULT_TIMEOUT, [1; 32], now);
        key.values.push(sender.poll_write().unwrap());
        let mut receiver = Receiver::new(code(CODE), own(&bob), [2; 32], now);
        join(&key, &mut receiver, now);
        let events = run(&mut key, &mut [&mut sender, &mut receiver], &mut now, |v| {
            let mut wire = Wire::decode(&v).unwrap();
            if wire.kind == target {
                let mut ct = wire.ct.into_vec();
                ct[10] ^= 1;
                wire.ct = ByteBuf::from(ct);
            }
            wire.encode()
        });
        assert!(
            matches!(events[0], PairingEvent::Failed(_)),
            "{target}: {events:?}"
        );
        assert!(
            matches!(events[1], PairingEvent::Failed(_)),
            "{target}: {events:?}"
        );
    }
}

/// A man in the middle who could seal under the pairing key (it cannot: that needs the code)
/// and swaps the receiver's hello for another device's, validly signed in another run: the
/// hello is bound to its own run's transcript, so the sender refuses it.
#[test]
fn a_hello_from_another_run_is_refused() {
    let (alice, bob, mallory) = (device(), device(), device());
    let now = T0;
    let (mut sender, _receiver, start, reply) = replied(&alice, &bob, now);
    // Mallory's hello, validly signed, from a run of her own with the same code.
    let mut other_sender = Sender::new(code(CODE), own(&alice), DEFAULT_TIMEOUT, [8; 32], now);
    let other_start = other_sender.poll_write().unwrap();
    let mut her_receiver = Receiver::new(code(CODE), own(&mallory), [9; 32], now);
    her_receiver.handle_value(&other_start, now);
    her_receiver.handle_snapshot(now);
    let her_reply = Wire::decode(&her_receiver.poll_write().unwrap()).unwrap();
    let other_keys = sender_keys(8, &Wire::decode(&other_start).unwrap(), &her_reply);
    let her_hello = open(&other_keys.receiver_seal, &her_reply.ct).unwrap();
    // Sealed under this run's key and put in place of Bob's: refused.
    let keys = sender_keys(1, &start, &reply);
    let mut forged = reply.clone();
    forged.ct = ByteBuf::from(seal(&keys.receiver_seal, &her_hello));
    sender.handle_value(&forged.encode(), now);
    assert_eq!(
        sender.poll_event(),
        Some(PairingEvent::Failed(PairingError::BadConfirmation))
    );
    assert_eq!(
        Wire::decode(&sender.poll_write().unwrap()).unwrap().kind,
        "abort"
    );
}

/// The same MITM swaps the receiver's hello for one of its own bound to this run: the sender
/// is fooled only until the confirmations, which cover both hellos: the receiver checks the
/// sender's against its own hello and refuses, and the sender never gets an ack.
#[test]
fn a_swapped_identity_fails_the_confirmation() {
    let (alice, bob, mallory) = (device(), device(), device());
    let now = T0;
    let (mut sender, mut receiver, start, reply) = replied(&alice, &bob, now);
    let keys = sender_keys(1, &start, &reply);
    let mut forged = reply.clone();
    forged.ct = ByteBuf::from(seal(
        &keys.receiver_seal,
        &hello(&own(&mallory), "receiver", &keys, now),
    ));
    sender.handle_value(&forged.encode(), now);
    let confirm = sender.poll_write().unwrap();
    assert_eq!(Wire::decode(&confirm).unwrap().kind, "confirm");
    receiver.handle_value(&confirm, now);
    assert_eq!(
        receiver.poll_event(),
        Some(PairingEvent::Failed(PairingError::BadConfirmation))
    );
    let abort = receiver.poll_write().unwrap();
    sender.handle_value(&abort, now);
    assert!(matches!(
        sender.poll_event(),
        Some(PairingEvent::Failed(PairingError::Aborted(_)))
    ));
}

#[test]
fn an_unused_code_expires_and_a_late_receiver_is_told() {
    let (alice, bob) = (device(), device());
    let mut key = Key::default();
    let now = T0;
    let mut sender = Sender::new(
        code(CODE),
        own(&alice),
        Duration::from_secs(60),
        [1; 32],
        now,
    );
    key.values.push(sender.poll_write().unwrap());
    assert_eq!(sender.poll_timeout(), Some(T0 + 60_000_000));
    sender.handle_timeout(T0 + 59_999_999);
    assert!(sender.poll_event().is_none());
    sender.handle_timeout(T0 + 60_000_000);
    assert_eq!(
        sender.poll_event(),
        Some(PairingEvent::Failed(PairingError::Unused { secs: 60 }))
    );
    // Its start is still stored (a closed may not have reached the node): expired anyway.
    let mut late = Receiver::new(code(CODE), own(&bob), [2; 32], T0 + 90_000_000);
    for v in &key.values[..1] {
        late.handle_value(v, T0 + 90_000_000);
    }
    late.handle_snapshot(T0 + 90_000_000);
    assert_eq!(
        late.poll_event(),
        Some(PairingEvent::Failed(PairingError::Expired { ago_secs: 30 }))
    );
}

#[test]
fn nobody_at_the_code_is_said_after_the_wait() {
    let bob = device();
    let mut receiver = Receiver::new(code(CODE), own(&bob), [2; 32], T0);
    receiver.handle_snapshot(T0);
    assert!(receiver.poll_event().is_none());
    let deadline = receiver.poll_timeout().unwrap();
    assert_eq!(deadline, T0 + 10_000_000);
    receiver.handle_timeout(deadline);
    assert_eq!(
        receiver.poll_event(),
        Some(PairingEvent::Failed(PairingError::NoSender {
            public_part: "7-guitar".into(),
            secs: 10
        }))
    );
}

#[test]
fn a_sender_without_an_ack_gives_up_at_its_deadline() {
    let (alice, bob) = (device(), device());
    let mut key = Key::default();
    let mut sender = Sender::new(code(CODE), own(&alice), DEFAULT_TIMEOUT, [1; 32], T0);
    key.values.push(sender.poll_write().unwrap());
    let mut receiver = Receiver::new(code(CODE), own(&bob), [2; 32], T0);
    join(&key, &mut receiver, T0);
    sender.handle_value(&receiver.poll_write().unwrap(), T0);
    assert_eq!(
        Wire::decode(&sender.poll_write().unwrap()).unwrap().kind,
        "confirm"
    );
    // The receiver vanished.
    let deadline = sender.poll_timeout().unwrap();
    assert_eq!(deadline, T0 + 30_000_000);
    sender.handle_timeout(deadline);
    assert_eq!(
        sender.poll_event(),
        Some(PairingEvent::Failed(PairingError::Timeout { secs: 30 }))
    );
}

#[test]
fn codes_are_parsed_leniently_and_wrong_ones_explained() {
    let c = code(CODE);
    assert_eq!(c.to_string(), CODE);
    assert_eq!(Code::parse("7 GUITAR orbit.lunch").unwrap(), c);
    assert_eq!(Code::parse("  7--guitar, orbit lunch\n").unwrap(), c);
    assert_eq!(c.public_part(), "7-guitar");
    assert_eq!(c.rendezvous_key(), InfoHash::of("ferry:code:7-guitar"));
    assert_eq!(
        Code::parse("7-guitr-orbit-lunch"),
        Err(CodeError::UnknownWord {
            word: "guitr".into(),
            suggestion: "guitar".into()
        })
    );
    assert!(matches!(
        Code::parse("0-guitar-orbit-lunch"),
        Err(CodeError::Number(_))
    ));
    assert!(matches!(
        Code::parse("1000-guitar-orbit-lunch"),
        Err(CodeError::Number(_))
    ));
    assert!(matches!(
        Code::parse("guitar-orbit-lunch"),
        Err(CodeError::Number(_))
    ));
    assert!(matches!(
        Code::parse("7-guitar-orbit"),
        Err(CodeError::Shape(_))
    ));
    assert!(matches!(Code::parse(""), Err(CodeError::Shape(_))));
    // The list is BIP39's: 2048 words, 43 bits in all with the number.
    assert_eq!(word_list().len(), 2048);
    let bits = f64::from(MAX_NUMBER).log2() + 11.0 * WORDS as f64;
    assert!(bits > 42.9, "{bits}");
}

#[test]
fn junk_at_the_rendezvous_is_ignored() {
    let (alice, bob) = (device(), device());
    let mut key = Key::default();
    let mut now = T0;
    // A malformed start and random bytes before the real start.
    let mut junk = Wire::new("start", 5, 0);
    junk.expires = T0 / 1_000_000 + 600;
    junk.pake = ByteBuf::from(vec![1, 2, 3]);
    key.values.push(junk.encode());
    key.values.push(vec![0xc1; 40]);
    let mut sender = Sender::new(code(CODE), own(&alice), DEFAULT_TIMEOUT, [1; 32], now);
    key.values.push(sender.poll_write().unwrap());
    let mut receiver = Receiver::new(code(CODE), own(&bob), [2; 32], now);
    join(&key, &mut receiver, now);
    let events = run(&mut key, &mut [&mut sender, &mut receiver], &mut now, |v| v);
    paired(&events[0]);
    paired(&events[1]);
}

proptest! {
    #[test]
    fn every_code_reads_back(number in 1..=MAX_NUMBER, a in 0..2048u16, b in 0..2048u16, c in 0..2048u16) {
        let code = Code { number, words: [a, b, c] };
        prop_assert_eq!(Code::parse(&code.to_string()), Ok(code));
        prop_assert_eq!(Code::parse(&code.to_string().to_uppercase().replace('-', " ")), Ok(code));
    }

    #[test]
    fn wire_values_round_trip(kind in "[a-z]{1,8}", session: u64, reply: u64, expires: u64,
                              pake in proptest::collection::vec(any::<u8>(), 0..40)) {
        let wire = Wire { kind, session, reply, expires, pake: ByteBuf::from(pake), ..Wire::default() };
        prop_assert_eq!(Wire::decode(&wire.encode()), Some(wire));
    }
}
