//! The transfer machines, two peers in memory: the honest exchange and every misbehaviour.

use super::*;
use proptest::prelude::*;

fn header(size: u64) -> Header {
    Header {
        size: Some(size),
        name: "report.pdf".into(),
        transfer_id: "0123abcd".into(),
        ..Header::default()
    }
}

/// Feed `input` to the receiver until it is used up; collect owned events.
fn feed_receiver(rx: &mut Receiver, mut input: &[u8]) -> Result<Vec<Owned>, TransferError> {
    let mut events = Vec::new();
    // Bounded: every step consumes at least one byte or yields an event.
    for _ in 0..=(input.len() * 2 + 4) {
        if input.is_empty() {
            return Ok(events);
        }
        let (used, event) = rx.handle_read(input)?;
        if let Some(event) = event {
            events.push(Owned::from(event));
        }
        input = &input[used..];
    }
    panic!("receiver made no progress with {} bytes left", input.len());
}

fn feed_sender(tx: &mut Sender, mut input: &[u8]) -> Result<Vec<SenderEvent>, TransferError> {
    let mut events = Vec::new();
    for _ in 0..=(input.len() + 2) {
        if input.is_empty() {
            return Ok(events);
        }
        let (used, event) = tx.handle_read(input)?;
        events.extend(event);
        input = &input[used..];
    }
    panic!("sender made no progress");
}

#[derive(Debug, PartialEq, Eq)]
enum Owned {
    Offer(Header),
    Data(Vec<u8>),
    Finished(Digest),
    Cancelled(String),
    Start(u64),
    Entry(Header),
}

impl From<ReceiverEvent<'_>> for Owned {
    fn from(e: ReceiverEvent<'_>) -> Self {
        match e {
            ReceiverEvent::Offer(h) => Owned::Offer(h),
            ReceiverEvent::Data(d) => Owned::Data(d.to_vec()),
            ReceiverEvent::Finished(d) => Owned::Finished(d),
            ReceiverEvent::Cancelled(r) => Owned::Cancelled(r),
            ReceiverEvent::Start(s) => Owned::Start(s),
            ReceiverEvent::Entry(h) => Owned::Entry(h),
        }
    }
}

/// The sender's whole stream for `body` sent in `chunk`-byte records.
fn sender_body(tx: &mut Sender, body: &[u8], chunk: usize) -> Vec<u8> {
    let mut wire = Vec::new();
    for piece in body.chunks(chunk.max(1)) {
        wire.extend_from_slice(&tx.data_frame(piece).expect("frame"));
        wire.extend_from_slice(piece);
    }
    wire.extend(tx.end_frame().expect("end"));
    wire
}

fn body_of(events: &[Owned]) -> Vec<u8> {
    events
        .iter()
        .filter_map(|e| match e {
            Owned::Data(d) => Some(d.as_slice()),
            _ => None,
        })
        .flatten()
        .copied()
        .collect()
}

#[test]
fn honest_transfer_is_verified_on_both_sides() {
    let body: Vec<u8> = (0..100_000u32).map(|i| (i * 7) as u8).collect();
    let mut tx = Sender::new(header(body.len() as u64));
    let mut rx = Receiver::new();

    let events = feed_receiver(&mut rx, &tx.header_bytes()).unwrap();
    assert_eq!(events, vec![Owned::Offer(header(body.len() as u64))]);
    let go = rx.accept().unwrap();
    assert_eq!(
        feed_sender(&mut tx, &go).unwrap(),
        vec![SenderEvent::Accepted]
    );

    let wire = sender_body(&mut tx, &body, 4096);
    let events = feed_receiver(&mut rx, &wire).unwrap();
    assert_eq!(body_of(&events), body);
    let expected = sha3_256(&body);
    assert_eq!(events.last(), Some(&Owned::Finished(expected)));

    let ok = rx.confirm(&expected);
    assert_eq!(
        feed_sender(&mut tx, &ok).unwrap(),
        vec![SenderEvent::Confirmed(expected)]
    );
}

#[test]
fn bytes_split_anywhere_give_the_same_result() {
    let body = b"hello, split world".repeat(50);
    let mut tx = Sender::new(header(body.len() as u64));
    let mut wire = tx.header_bytes();
    let header_len = wire.len();
    feed_sender(&mut tx, b"GO\n").unwrap();
    wire.extend(sender_body(&mut tx, &body, 100));

    let mut rx = Receiver::new();
    let mut events = Vec::new();
    for (i, byte) in wire.iter().enumerate() {
        if i == header_len {
            rx.accept().unwrap();
        }
        events.extend(feed_receiver(&mut rx, std::slice::from_ref(byte)).unwrap());
    }
    assert_eq!(body_of(&events), body);
    assert!(matches!(events.last(), Some(Owned::Finished(_))));
}

#[test]
fn refusal_reaches_the_sender() {
    let mut tx = Sender::new(header(10));
    let mut rx = Receiver::new();
    feed_receiver(&mut rx, &tx.header_bytes()).unwrap();
    let no = rx.refuse("not from this sender").unwrap();
    assert_eq!(
        feed_sender(&mut tx, &no).unwrap(),
        vec![SenderEvent::Refused("not from this sender".into())]
    );
}

#[test]
fn any_answer_but_go_is_a_refusal() {
    let mut tx = Sender::new(header(10));
    assert_eq!(
        feed_sender(&mut tx, b"maybe later\n").unwrap(),
        vec![SenderEvent::Refused("maybe later".into())]
    );
}

#[test]
fn sender_cancel_mid_body() {
    let mut tx = Sender::new(header(1000));
    let mut rx = Receiver::new();
    feed_receiver(&mut rx, &tx.header_bytes()).unwrap();
    feed_sender(&mut tx, &rx.accept().unwrap()).unwrap();
    let mut wire = tx.data_frame(&[1; 10]).unwrap().to_vec();
    wire.extend_from_slice(&[1; 10]);
    wire.extend(tx.cancel_frame("interrupted"));
    let events = feed_receiver(&mut rx, &wire).unwrap();
    assert_eq!(events.last(), Some(&Owned::Cancelled("interrupted".into())));
    assert_eq!(rx.handle_eof(), Ok(()));
}

#[test]
fn receiver_cancel_mid_body() {
    let mut tx = Sender::new(header(1000));
    let mut rx = Receiver::new();
    feed_receiver(&mut rx, &tx.header_bytes()).unwrap();
    feed_sender(&mut tx, &rx.accept().unwrap()).unwrap();
    tx.data_frame(&[0; 10]).unwrap();
    let cancel = rx.cancel("disk full");
    assert_eq!(
        feed_sender(&mut tx, &cancel).unwrap(),
        vec![SenderEvent::Cancelled("disk full".into())]
    );
}

fn accepted_receiver(size: u64) -> Receiver {
    let mut rx = Receiver::new();
    feed_receiver(&mut rx, &header(size).encode()).unwrap();
    rx.accept().unwrap();
    rx
}

#[test]
fn content_length_lower_than_sent_is_caught() {
    let mut rx = accepted_receiver(5);
    let mut wire = vec![b'D', 0, 0, 0, 8];
    wire.extend_from_slice(b"12345678");
    assert_eq!(
        feed_receiver(&mut rx, &wire),
        Err(TransferError::BodyTooLong {
            declared: 5,
            received: 8
        })
    );
}

#[test]
fn content_length_higher_than_sent_is_caught() {
    let mut rx = accepted_receiver(50);
    let mut wire = vec![b'D', 0, 0, 0, 4];
    wire.extend_from_slice(b"1234");
    wire.push(b'E');
    wire.extend_from_slice(&sha3_256(b"1234"));
    assert_eq!(
        feed_receiver(&mut rx, &wire),
        Err(TransferError::BodyTooShort {
            declared: 50,
            received: 4
        })
    );
}

#[test]
fn connection_closed_mid_body_is_a_failure() {
    let mut rx = accepted_receiver(50);
    feed_receiver(&mut rx, &[b'D', 0, 0, 0, 4, 1, 2, 3, 4]).unwrap();
    assert_eq!(
        rx.handle_eof(),
        Err(TransferError::ConnectionClosed {
            stage: "before the end of the file",
            declared: 50,
            received: 4
        })
    );
}

#[test]
fn wrong_digest_is_caught() {
    let mut rx = accepted_receiver(4);
    let mut wire = vec![b'D', 0, 0, 0, 4];
    wire.extend_from_slice(b"1234");
    wire.push(b'E');
    wire.extend_from_slice(&sha3_256(b"9999"));
    assert!(matches!(
        feed_receiver(&mut rx, &wire),
        Err(TransferError::DigestMismatch { .. })
    ));
}

#[test]
fn announced_digest_must_also_match() {
    let mut announced = header(4);
    announced.sha3_256 = Some(sha3_256(b"abcd"));
    let mut rx = Receiver::new();
    feed_receiver(&mut rx, &announced.encode()).unwrap();
    rx.accept().unwrap();
    let mut wire = vec![b'D', 0, 0, 0, 4];
    wire.extend_from_slice(b"1234");
    wire.push(b'E');
    wire.extend_from_slice(&sha3_256(b"1234"));
    assert!(matches!(
        feed_receiver(&mut rx, &wire),
        Err(TransferError::DigestMismatch { .. })
    ));
}

#[test]
fn data_before_accept_is_refused() {
    let mut rx = Receiver::new();
    let mut wire = header(4).encode();
    wire.extend_from_slice(b"D\0\0\0\x04abcd");
    assert_eq!(
        feed_receiver(&mut rx, &wire),
        Err(TransferError::DataBeforeAccept)
    );
}

#[test]
fn a_header_that_never_ends_is_bounded() {
    let mut rx = Receiver::new();
    let endless = b"X-Padding: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n".repeat(1000);
    assert_eq!(
        feed_receiver(&mut rx, &endless),
        Err(TransferError::HeaderTooLarge {
            limit: MAX_HEADER_BYTES
        })
    );
}

#[test]
fn garbage_instead_of_a_header() {
    let mut rx = Receiver::new();
    assert!(matches!(
        feed_receiver(&mut rx, b"GET / HTTP/1.1\nHost: x\n\n"),
        Err(TransferError::MalformedHeaderLine { .. })
    ));
    let mut rx = Receiver::new();
    let mut binary = vec![0xff, 0xfe, 0x00, 0x80];
    binary.extend_from_slice(b"\n\n");
    assert_eq!(
        feed_receiver(&mut rx, &binary),
        Err(TransferError::HeaderNotText)
    );
}

#[test]
fn header_field_errors() {
    let cases: &[(&[u8], TransferError)] = &[
        (
            b"Display-Name: a\n\n",
            TransferError::MissingField {
                field: "Content-Length",
            },
        ),
        (
            b"Content-Length: -5\n\n",
            TransferError::InvalidField {
                field: "Content-Length",
                value: "-5".into(),
            },
        ),
        (
            b"Content-Length: 99999999999999999999999\n\n",
            TransferError::InvalidField {
                field: "Content-Length",
                value: "99999999999999999999999".into(),
            },
        ),
        (
            b"Content-Length: 5\nContent-Length: 6\n\n",
            TransferError::DuplicateField {
                field: "Content-Length",
            },
        ),
        (
            b"Content-Length: 5\nOffset: 9\n\n",
            TransferError::OffsetBeyondSize { offset: 9, size: 5 },
        ),
        (
            b"Content-Length: 5\nFerry-Sha3-256: zz\n\n",
            TransferError::InvalidField {
                field: "Ferry-Sha3-256",
                value: "zz".into(),
            },
        ),
    ];
    for (wire, expected) in cases {
        let mut rx = Receiver::new();
        assert_eq!(
            feed_receiver(&mut rx, wire).as_ref(),
            Err(expected),
            "{wire:?}"
        );
    }
}

#[test]
fn jami_style_header_without_ferry_fields_is_accepted() {
    let mut rx = Receiver::new();
    let events = feed_receiver(
        &mut rx,
        b"Content-Length: 3\r\nDisplay-Name: a.txt\r\nOffset: 0\r\n\r\n",
    )
    .unwrap();
    let Owned::Offer(h) = &events[0] else {
        panic!("{events:?}")
    };
    assert_eq!((h.size, h.name.as_str(), h.offset), (Some(3), "a.txt", 0));
}

#[test]
fn hostile_names_travel_as_one_line() {
    let mut h = header(1);
    h.name = "evil\nContent-Length: 999\n\nboom".into();
    let (parsed, _) = Header::parse(&h.encode()).unwrap().unwrap();
    assert_eq!(parsed.size, Some(1));
    assert_eq!(parsed.name, "evil_Content-Length: 999__boom");
}

#[test]
fn oversized_records_and_unknown_tags() {
    let mut rx = accepted_receiver(u64::MAX / 2);
    assert_eq!(
        feed_receiver(&mut rx, &[b'D', 0xff, 0xff, 0xff, 0xff]),
        Err(TransferError::RecordTooLarge {
            len: u32::MAX,
            limit: MAX_RECORD_BYTES
        })
    );
    let mut rx = accepted_receiver(10);
    assert_eq!(
        feed_receiver(&mut rx, b"Z"),
        Err(TransferError::UnknownRecord { tag: b'Z' })
    );
}

#[test]
fn sender_detects_a_source_that_changed_size() {
    let mut tx = Sender::new(header(4));
    feed_sender(&mut tx, b"GO\n").unwrap();
    assert_eq!(
        tx.data_frame(b"12345"),
        Err(TransferError::SourceGrew { declared: 4 })
    );
    tx.data_frame(b"12").unwrap();
    assert_eq!(
        tx.end_frame(),
        Err(TransferError::SourceShrank {
            declared: 4,
            sent: 2
        })
    );
}

#[test]
fn sender_rejects_a_confirmation_of_another_digest() {
    let mut tx = Sender::new(header(1));
    feed_sender(&mut tx, b"GO\n").unwrap();
    tx.data_frame(b"x").unwrap();
    tx.end_frame().unwrap();
    let other = format!("OK {}\n", hex::encode(sha3_256(b"y")));
    assert!(matches!(
        feed_sender(&mut tx, other.as_bytes()),
        Err(TransferError::ConfirmationMismatch { .. })
    ));
}

#[test]
fn sender_bounds_reply_lines() {
    let mut tx = Sender::new(header(1));
    assert_eq!(
        feed_sender(&mut tx, &[b'x'; MAX_LINE_BYTES + 10]),
        Err(TransferError::ReplyTooLong {
            limit: MAX_LINE_BYTES
        })
    );
}

proptest! {
    #[test]
    fn header_round_trips(size in any::<u64>(), name in "[^\\p{Cc}]{0,300}", digest in proptest::option::of(any::<[u8; 32]>()), entries in proptest::option::of(any::<u64>()), dir in any::<bool>()) {
        let kind = if dir { EntryKind::Directory } else { EntryKind::File };
        let h = Header { size: Some(size), name: name.trim().to_string(), offset: size / 3, transfer_id: "ab-12".into(), sha3_256: digest, entries, kind };
        let wire = h.encode();
        let (parsed, used) = Header::parse(&wire).unwrap().unwrap();
        prop_assert_eq!(used, wire.len());
        prop_assert_eq!(parsed, h);
    }

    #[test]
    fn receiver_never_panics_on_random_input(bytes in proptest::collection::vec(any::<u8>(), 0..4096), accept_after in 0usize..64) {
        let mut rx = Receiver::new();
        let mut input = bytes.as_slice();
        for _ in 0..(bytes.len() * 2 + 4) {
            if input.is_empty() { break; }
            match rx.handle_read(input) {
                Ok((used, event)) => {
                    if matches!(event, Some(ReceiverEvent::Offer(_))) && accept_after % 2 == 0 {
                        rx.accept().unwrap();
                    }
                    input = &input[used..];
                }
                Err(_) => break,
            }
        }
        let _ = rx.handle_eof();
    }

    #[test]
    fn body_in_random_chunks_arrives_intact(body in proptest::collection::vec(any::<u8>(), 0..20_000), chunk in 1usize..5000, split in 1usize..3000) {
        let mut tx = Sender::new(header(body.len() as u64));
        let mut rx = Receiver::new();
        feed_receiver(&mut rx, &tx.header_bytes()).unwrap();
        feed_sender(&mut tx, &rx.accept().unwrap()).unwrap();
        let wire = sender_body(&mut tx, &body, chunk);
        let mut events = Vec::new();
        for piece in wire.chunks(split) {
            events.extend(feed_receiver(&mut rx, piece).unwrap());
        }
        prop_assert_eq!(body_of(&events), body.clone());
        prop_assert_eq!(events.last(), Some(&Owned::Finished(sha3_256(&body))));
    }
}
