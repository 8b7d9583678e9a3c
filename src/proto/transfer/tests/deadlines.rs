//! The timing rules of both machines, with time as an input: each deadline fires exactly when
//! it is due, not a microsecond before, and only the inputs that should move it do.

use super::*;
use crate::proto::transfer::deadline::*;

/// Microseconds in a second: the machines' unit of time.
const S: u64 = 1_000_000;
/// An arbitrary start, so that nothing passes by counting from zero.
const T0: u64 = 1_000 * S;

fn micros(d: std::time::Duration) -> u64 {
    d.as_micros() as u64
}

/// Feed `input` to the receiver at `now`, until it is used up.
fn feed_receiver_at(rx: &mut Receiver, mut input: &[u8], now: u64) -> Vec<Owned> {
    let mut events = Vec::new();
    for _ in 0..=(input.len() * 2 + 4) {
        if input.is_empty() {
            return events;
        }
        let (used, event) = rx.handle_read(input, now).expect("accepted input");
        events.extend(event.map(Owned::from));
        input = &input[used..];
    }
    panic!("receiver made no progress with {} bytes left", input.len());
}

fn feed_sender_at(tx: &mut Sender, mut input: &[u8], now: u64) -> Vec<SenderEvent> {
    let mut events = Vec::new();
    for _ in 0..=(input.len() + 2) {
        if input.is_empty() {
            return events;
        }
        let (used, event) = tx.handle_read(input, now).expect("accepted input");
        events.extend(event);
        input = &input[used..];
    }
    panic!("sender made no progress");
}

/// The receiver times out at `due` exactly (and not at `due - 1`) with `expected`, whose text
/// is `text`; afterwards it is closed and waits for nothing.
fn receiver_times_out(rx: &mut Receiver, due: u64, expected: TransferError, text: &str) {
    assert_eq!(rx.poll_timeout(), Some(due));
    assert_eq!(rx.handle_timeout(due - 1), Ok(()));
    assert_eq!(rx.handle_timeout(due), Err(expected.clone()));
    assert_eq!(expected.to_string(), text);
    assert_eq!(rx.poll_timeout(), None);
}

/// The sender's counterpart of [`receiver_times_out`].
fn sender_times_out(tx: &mut Sender, due: u64, expected: TransferError, text: &str) {
    assert_eq!(tx.poll_timeout(), Some(due));
    assert_eq!(tx.handle_timeout(due - 1), Ok(None));
    assert_eq!(tx.handle_timeout(due), Err(expected.clone()));
    assert_eq!(expected.to_string(), text);
    assert_eq!(tx.poll_timeout(), None);
}

#[test]
fn the_header_is_due_20_s_after_the_connection_exactly() {
    let mut rx = Receiver::new(T0);
    receiver_times_out(
        &mut rx,
        T0 + 20 * S,
        TransferError::Timeout {
            phase: Phase::Header,
            after_secs: 20,
            bytes: 0,
        },
        "no complete header within 20s",
    );
    assert_eq!(micros(HEADER_TIMEOUT), 20 * S);
}

#[test]
fn a_header_trickled_in_a_byte_a_second_does_not_move_its_deadline() {
    let wire = header(10).encode();
    assert!(wire.len() > 20, "the header must outlast the deadline");
    let mut rx = Receiver::new(T0);
    // A byte a second, for 19 seconds: the header is still incomplete.
    for (i, byte) in wire.iter().take(19).enumerate() {
        assert!(feed_receiver_at(&mut rx, &[*byte], T0 + i as u64 * S).is_empty());
        rx.note_activity(T0 + i as u64 * S); // Not even this side's work moves it.
        assert_eq!(rx.poll_timeout(), Some(T0 + 20 * S));
    }
    assert_eq!(rx.handle_timeout(T0 + 20 * S - 1), Ok(()));
    assert!(matches!(
        rx.handle_timeout(T0 + 20 * S),
        Err(TransferError::Timeout {
            phase: Phase::Header,
            after_secs: 20,
            ..
        })
    ));

    // The same header complete a microsecond before the deadline: no deadline while the
    // receiver decides (the decision bounds itself).
    let mut rx = Receiver::new(T0);
    let events = feed_receiver_at(&mut rx, &wire, T0 + 20 * S - 1);
    assert!(matches!(events.as_slice(), [Owned::Offer(_)]));
    assert_eq!(rx.poll_timeout(), None);
    assert_eq!(rx.handle_timeout(T0 + 3600 * S), Ok(()));
}

#[test]
fn the_idle_deadline_restarts_with_every_body_byte_and_this_sides_own_work() {
    let mut rx = Receiver::new(T0);
    feed_receiver_at(&mut rx, &header(10).encode(), T0);
    // A person took five minutes to decide: the body's clock starts at the answer.
    let accepted_at = T0 + 300 * S;
    rx.accept(accepted_at).unwrap();
    assert_eq!(rx.poll_timeout(), Some(accepted_at + 30 * S));

    // Half a record header, then the rest of a record a few seconds apart: each byte counts.
    let record = data_record(b"abcd");
    let t1 = accepted_at + 29 * S;
    feed_receiver_at(&mut rx, &record[..2], t1);
    assert_eq!(rx.poll_timeout(), Some(t1 + 30 * S));
    let t2 = t1 + 29 * S;
    let events = feed_receiver_at(&mut rx, &record[2..], t2);
    assert_eq!(events, vec![Owned::Data(b"abcd".to_vec())]);
    assert_eq!(rx.poll_timeout(), Some(t2 + 30 * S));

    // Time this side spent on its disk is not the sender's silence.
    let t3 = t2 + 25 * S;
    rx.note_activity(t3);
    receiver_times_out(
        &mut rx,
        t3 + 30 * S,
        TransferError::Timeout {
            phase: Phase::Body,
            after_secs: 30,
            bytes: 4,
        },
        "the sender went silent for 30s after 4 bytes",
    );
}

#[test]
fn answers_the_sender_does_not_take_stall_after_30_s_whatever_it_sends() {
    let mut rx = Receiver::new(T0);
    feed_receiver_at(&mut rx, &header(10).encode(), T0);
    rx.accept(T0).unwrap();
    feed_receiver_at(&mut rx, &data_record(b"abcd"), T0 + S);
    // Writing answers: the wait is for the sender to take them, from the write's start.
    let t1 = T0 + 2 * S;
    rx.note_replying(t1);
    assert_eq!(rx.poll_timeout(), Some(t1 + 30 * S));
    // Written a second later: the sender's silence counts from there.
    rx.handle_replied(t1 + S);
    assert_eq!(rx.poll_timeout(), Some(t1 + 31 * S));

    // The next answers are never taken; body bytes arriving meanwhile do not move the limit
    // (a sender that writes and never reads is cut off all the same).
    let t2 = t1 + 10 * S;
    rx.note_replying(t2);
    feed_receiver_at(&mut rx, &data_record(b"ef"), t2 + 29 * S);
    receiver_times_out(
        &mut rx,
        t2 + 30 * S,
        TransferError::Timeout {
            phase: Phase::Replying,
            after_secs: 30,
            bytes: 6,
        },
        "the sender stopped reading for 30s (6 bytes received)",
    );
}

#[test]
fn a_resume_offer_waits_longer_by_the_time_to_hash_the_prefix() {
    // 100 s of hashing at the slowest rate assumed.
    let have = 100 * MIN_PREFIX_HASH_RATE;
    let mut rx = Receiver::new(T0);
    feed_receiver_at(&mut rx, &header(4 * have).encode(), T0);
    rx.accept_resume(have, hash_state(b""), T0 + S).unwrap();
    let allowed = T0 + S + 130 * S;
    assert_eq!(rx.poll_timeout(), Some(allowed));
    assert_eq!(rx.handle_timeout(allowed - 1), Ok(()));

    // Once the `O` record came, the usual 30 s again.
    let mut start = vec![b'O'];
    start.extend_from_slice(&have.to_be_bytes());
    let t1 = T0 + 50 * S;
    assert_eq!(
        feed_receiver_at(&mut rx, &start, t1),
        vec![Owned::Start(have)]
    );
    assert_eq!(rx.poll_timeout(), Some(t1 + 30 * S));

    // A sender that never answers the resume offer.
    let mut rx = Receiver::new(T0);
    feed_receiver_at(&mut rx, &header(4 * have).encode(), T0);
    rx.accept_resume(have, hash_state(b""), T0).unwrap();
    receiver_times_out(
        &mut rx,
        T0 + 130 * S,
        TransferError::Timeout {
            phase: Phase::Body,
            after_secs: 130,
            bytes: 0,
        },
        "the sender went silent for 130s after 0 bytes",
    );
}

#[test]
fn the_answer_is_due_600_s_after_the_offer_whatever_trickles_in() {
    let mut tx = Sender::new(header(10), T0);
    // Half a line says nothing yet.
    assert!(feed_sender_at(&mut tx, b"G", T0 + 500 * S).is_empty());
    sender_times_out(
        &mut tx,
        T0 + 600 * S,
        TransferError::Timeout {
            phase: Phase::Answer,
            after_secs: 600,
            bytes: 0,
        },
        "no GO from the receiver within 600s",
    );
    assert_eq!(micros(ANSWER_TIMEOUT), 600 * S);
}

#[test]
fn a_write_the_receiver_does_not_take_stalls_after_30_s() {
    let mut tx = Sender::new(header(10), T0);
    feed_sender_at(&mut tx, b"GO\n", T0 + 60 * S);
    // Sending a file of known size, no write under way: nothing to wait for.
    assert_eq!(tx.poll_timeout(), None);
    let t1 = T0 + 61 * S;
    tx.data_frame(b"abcd").unwrap();
    tx.note_writing(t1);
    assert_eq!(tx.poll_timeout(), Some(t1 + 30 * S));
    tx.handle_written(t1 + S);
    assert_eq!(tx.written(), 4);
    assert_eq!(tx.poll_timeout(), None);

    // The next record is never taken: the bytes sent are those before it.
    let t2 = t1 + 100 * S;
    tx.data_frame(b"efgh").unwrap();
    tx.note_writing(t2);
    sender_times_out(
        &mut tx,
        t2 + 30 * S,
        TransferError::Timeout {
            phase: Phase::Writing,
            after_secs: 30,
            bytes: 4,
        },
        "the receiver stopped reading for 30s (4 bytes sent)",
    );
}

#[test]
fn the_verdict_is_due_120_s_after_the_end_record_went_out() {
    let mut tx = Sender::new(header(4), T0);
    feed_sender_at(&mut tx, b"GO\n", T0);
    tx.data_frame(b"abcd").unwrap();
    tx.end_frame().unwrap();
    // While the end record is being written, the write's limit applies.
    tx.note_writing(T0 + S);
    assert_eq!(tx.poll_timeout(), Some(T0 + 31 * S));
    let written = T0 + 20 * S;
    tx.handle_written(written);
    sender_times_out(
        &mut tx,
        written + 120 * S,
        TransferError::Timeout {
            phase: Phase::Verdict,
            after_secs: 120,
            bytes: 4,
        },
        "no OK from the receiver within 120s",
    );
}

#[test]
fn in_a_set_each_ok_restarts_the_wait_for_the_next() {
    let mut tx = Sender::new(set_header(3, 3), T0);
    feed_sender_at(&mut tx, b"GO\n", T0);
    let mut digests = Vec::new();
    for name in ["a", "b", "c"] {
        tx.begin_entry(entry(name, 1, EntryKind::File)).unwrap();
        tx.data_frame(name.as_bytes()).unwrap();
        tx.end_frame().unwrap();
        digests.push(sha3_256(name.as_bytes()));
    }
    let flushed = T0 + S;
    tx.handle_written(flushed);
    assert_eq!(tx.poll_timeout(), Some(flushed + 120 * S));
    let ok_at = flushed + 100 * S;
    let ok = format!("OK {}\n", hex::encode(digests[0]));
    assert_eq!(feed_sender_at(&mut tx, ok.as_bytes(), ok_at).len(), 1);
    assert_eq!(tx.poll_timeout(), Some(ok_at + 120 * S));
    assert_eq!(tx.handle_timeout(ok_at + 120 * S - 1), Ok(None));
    assert!(matches!(
        tx.handle_timeout(ok_at + 120 * S),
        Err(TransferError::Timeout {
            phase: Phase::Verdict,
            ..
        })
    ));
}

#[test]
fn a_silent_stream_sends_an_empty_record_every_10_s() {
    let mut tx = Sender::new(streamed_header(), T0);
    feed_sender_at(&mut tx, b"GO\n", T0);
    assert_eq!(tx.poll_timeout(), Some(T0 + 10 * S));
    tx.data_frame(b"first").unwrap();
    tx.note_writing(T0 + S);
    // No keepalive while a write is under way: its own limit.
    assert_eq!(tx.poll_timeout(), Some(T0 + 31 * S));
    let t1 = T0 + 2 * S;
    tx.handle_written(t1);

    // The producer is silent from here.
    let due = t1 + 10 * S;
    assert_eq!(tx.poll_timeout(), Some(due));
    assert_eq!(tx.handle_timeout(due - 1), Ok(None));
    assert_eq!(tx.handle_timeout(due), Ok(Some([b'D', 0, 0, 0, 0])));
    // The keepalive is being written: taken within 30 s, or a stall.
    assert_eq!(tx.poll_timeout(), Some(due + 30 * S));
    assert_eq!(tx.handle_timeout(due + S), Ok(None));
    tx.handle_written(due + S);
    assert_eq!(tx.poll_timeout(), Some(due + 11 * S));
    assert_eq!(tx.sent(), 5, "a keepalive carries no data");

    // A file of known size is never kept alive: its bytes are at hand.
    let mut file = Sender::new(header(10), T0);
    feed_sender_at(&mut file, b"GO\n", T0);
    assert_eq!(file.poll_timeout(), None);
    assert_eq!(file.handle_timeout(T0 + 3600 * S), Ok(None));
    assert_eq!(micros(STREAM_KEEPALIVE), 10 * S);
}

#[test]
fn after_the_end_nothing_is_awaited() {
    let (mut tx, mut rx) = accepted_pair(header(3));
    let wire = sender_body(&mut tx, b"abc", 2);
    let events = feed_receiver_at(&mut rx, &wire, T0);
    let Some(Owned::Finished(digest)) = events.last() else {
        panic!("not finished: {events:?}");
    };
    assert_eq!(rx.poll_timeout(), None);
    feed_sender_at(&mut tx, &rx.confirm(digest), T0);
    assert!(tx.finished());
    assert_eq!(tx.poll_timeout(), None);
}
