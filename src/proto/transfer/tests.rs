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
        let (used, event) = rx.handle_read(input, 0)?;
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
        let (used, event) = tx.handle_read(input, 0)?;
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

/// The receiver of `offer`, past the offer and its `GO`.
fn accepted(offer: Header) -> Receiver {
    let mut rx = Receiver::new(0);
    feed_receiver(&mut rx, &offer.encode()).unwrap();
    assert_eq!(rx.accept(0).unwrap(), b"GO\n");
    rx
}

/// A sender of `offer` and its receiver, past the offer and its `GO`.
fn accepted_pair(offer: Header) -> (Sender, Receiver) {
    let mut tx = Sender::new(offer, 0);
    let mut rx = Receiver::new(0);
    feed_receiver(&mut rx, &tx.header_bytes()).unwrap();
    assert_eq!(
        feed_sender(&mut tx, &rx.accept(0).unwrap()).unwrap(),
        vec![SenderEvent::Accepted]
    );
    (tx, rx)
}

/// A `D` record carrying `data`, written by hand.
fn data_record(data: &[u8]) -> Vec<u8> {
    let mut out = vec![b'D'];
    out.extend_from_slice(&(data.len() as u32).to_be_bytes());
    out.extend_from_slice(data);
    out
}

/// An `E` record declaring `digest`, written by hand.
fn end_record(digest: Digest) -> Vec<u8> {
    let mut out = vec![b'E'];
    out.extend_from_slice(&digest);
    out
}

/// Each header on its own is refused by a fresh receiver with its error.
fn refused_headers(cases: &[(&[u8], TransferError)]) {
    for (wire, expected) in cases {
        let mut rx = Receiver::new(0);
        assert_eq!(
            feed_receiver(&mut rx, wire).as_ref(),
            Err(expected),
            "{}",
            String::from_utf8_lossy(wire)
        );
    }
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
    let mut tx = Sender::new(header(body.len() as u64), 0);
    let mut rx = Receiver::new(0);

    let events = feed_receiver(&mut rx, &tx.header_bytes()).unwrap();
    assert_eq!(events, vec![Owned::Offer(header(body.len() as u64))]);
    let go = rx.accept(0).unwrap();
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
    let mut tx = Sender::new(header(body.len() as u64), 0);
    let mut wire = tx.header_bytes();
    let header_len = wire.len();
    feed_sender(&mut tx, b"GO\n").unwrap();
    wire.extend(sender_body(&mut tx, &body, 100));

    let mut rx = Receiver::new(0);
    let mut events = Vec::new();
    for (i, byte) in wire.iter().enumerate() {
        if i == header_len {
            rx.accept(0).unwrap();
        }
        events.extend(feed_receiver(&mut rx, std::slice::from_ref(byte)).unwrap());
    }
    assert_eq!(body_of(&events), body);
    assert!(matches!(events.last(), Some(Owned::Finished(_))));
}

#[test]
fn refusal_reaches_the_sender() {
    let mut tx = Sender::new(header(10), 0);
    let mut rx = Receiver::new(0);
    feed_receiver(&mut rx, &tx.header_bytes()).unwrap();
    let no = rx.refuse("not from this sender").unwrap();
    assert_eq!(
        feed_sender(&mut tx, &no).unwrap(),
        vec![SenderEvent::Refused("not from this sender".into())]
    );
}

#[test]
fn any_answer_but_go_is_a_refusal() {
    let mut tx = Sender::new(header(10), 0);
    assert_eq!(
        feed_sender(&mut tx, b"maybe later\n").unwrap(),
        vec![SenderEvent::Refused("maybe later".into())]
    );
}

#[test]
fn sender_cancel_mid_body() {
    let (mut tx, mut rx) = accepted_pair(header(1000));
    let mut wire = tx.data_frame(&[1; 10]).unwrap().to_vec();
    wire.extend_from_slice(&[1; 10]);
    wire.extend(tx.cancel_frame("interrupted"));
    let events = feed_receiver(&mut rx, &wire).unwrap();
    assert_eq!(events.last(), Some(&Owned::Cancelled("interrupted".into())));
    assert_eq!(rx.handle_eof(), Ok(()));
}

#[test]
fn receiver_cancel_mid_body() {
    let (mut tx, mut rx) = accepted_pair(header(1000));
    tx.data_frame(&[0; 10]).unwrap();
    let cancel = rx.cancel("disk full");
    assert_eq!(
        feed_sender(&mut tx, &cancel).unwrap(),
        vec![SenderEvent::Cancelled("disk full".into())]
    );
}

#[test]
fn content_length_lower_than_sent_is_caught() {
    let mut rx = accepted(header(5));
    let wire = data_record(b"12345678");
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
    let mut rx = accepted(header(50));
    let mut wire = data_record(b"1234");
    wire.extend(end_record(sha3_256(b"1234")));
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
    let mut rx = accepted(header(50));
    feed_receiver(&mut rx, &data_record(&[1, 2, 3, 4])).unwrap();
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
    let mut rx = accepted(header(4));
    let mut wire = data_record(b"1234");
    wire.extend(end_record(sha3_256(b"9999")));
    assert!(matches!(
        feed_receiver(&mut rx, &wire),
        Err(TransferError::DigestMismatch { .. })
    ));
}

#[test]
fn announced_digest_must_also_match() {
    let mut announced = header(4);
    announced.sha3_256 = Some(sha3_256(b"abcd"));
    let mut rx = accepted(announced);
    let mut wire = data_record(b"1234");
    wire.extend(end_record(sha3_256(b"1234")));
    assert!(matches!(
        feed_receiver(&mut rx, &wire),
        Err(TransferError::DigestMismatch { .. })
    ));
}

#[test]
fn data_before_accept_is_refused() {
    let mut rx = Receiver::new(0);
    let mut wire = header(4).encode();
    wire.extend_from_slice(b"D\0\0\0\x04abcd");
    assert_eq!(
        feed_receiver(&mut rx, &wire),
        Err(TransferError::DataBeforeAccept)
    );
}

#[test]
fn a_sender_may_withdraw_its_offer_while_the_receiver_decides() {
    let mut tx = Sender::new(header(4), 0);
    let mut wire = tx.header_bytes();
    wire.extend(tx.cancel_frame("gave up waiting"));
    // Byte by byte too: the record may arrive split across reads.
    for chunk in [wire.len(), 1] {
        let mut rx = Receiver::new(0);
        let mut events = Vec::new();
        for piece in wire.chunks(chunk) {
            events.extend(feed_receiver(&mut rx, piece).unwrap());
        }
        assert_eq!(events.len(), 2, "{events:?}");
        assert_eq!(events[1], Owned::Cancelled("gave up waiting".into()));
        // Nothing is left to decide on.
        assert!(rx.accept(0).is_err());
        assert!(rx.handle_eof().is_ok());
    }
}

#[test]
fn a_header_that_never_ends_is_bounded() {
    let mut rx = Receiver::new(0);
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
    let mut rx = Receiver::new(0);
    assert!(matches!(
        feed_receiver(&mut rx, b"GET / HTTP/1.1\nHost: x\n\n"),
        Err(TransferError::MalformedHeaderLine { .. })
    ));
    let mut rx = Receiver::new(0);
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
    refused_headers(cases);
}

#[test]
fn a_text_travels_marked_and_bounded() {
    let h = Header {
        text: true,
        ..header(MAX_TEXT_BYTES)
    };
    let wire = h.encode();
    assert!(String::from_utf8_lossy(&wire).contains("\nFerry-Text: yes\n"));
    let (parsed, _) = Header::parse(&wire).unwrap().unwrap();
    assert_eq!(parsed, h);
    let invalid = |value: &str| TransferError::InvalidField {
        field: "Ferry-Text",
        value: value.into(),
    };
    let too_long = format!(
        "Content-Length: {}\nFerry-Text: yes\n\n",
        MAX_TEXT_BYTES + 1
    );
    let cases: &[(&[u8], TransferError)] = &[
        (
            too_long.as_bytes(),
            invalid(&format!(
                "a text of {} bytes (at most {MAX_TEXT_BYTES})",
                MAX_TEXT_BYTES + 1
            )),
        ),
        (
            b"Ferry-Streamed: yes\nFerry-Text: yes\n\n",
            invalid("a text must declare its size"),
        ),
        (
            b"Content-Length: 5\nFerry-Entries: 1\nFerry-Text: yes\n\n",
            invalid("a text is not a set"),
        ),
        (
            b"Content-Length: 5\nFerry-Text: maybe\n\n",
            invalid("maybe"),
        ),
        (
            b"Content-Length: 5\nFerry-Text: yes\nFerry-Text: yes\n\n",
            TransferError::DuplicateField {
                field: "Ferry-Text",
            },
        ),
    ];
    refused_headers(cases);
}

#[test]
fn modes_and_times_are_encoded_as_octal_and_seconds_dot_nanos() {
    let h = Header {
        mode: Some(0o755),
        mtime: Some(Mtime {
            secs: 1_700_000_000,
            nanos: 123_456_789,
        }),
        ..header(1)
    };
    let text = String::from_utf8(h.encode()).unwrap();
    assert!(text.contains("\nFerry-Mode: 755\n"), "{text}");
    assert!(
        text.contains("\nFerry-Mtime: 1700000000.123456789\n"),
        "{text}"
    );
    let (parsed, _) = Header::parse(text.as_bytes()).unwrap().unwrap();
    assert_eq!(parsed, h);
    // Whole seconds travel without a fraction; a short fraction is read as written.
    let whole = Mtime {
        secs: 1_000_000_000,
        nanos: 0,
    };
    assert_eq!(whole.encode(), "1000000000");
    assert_eq!(Mtime::parse("1000000000"), Some(whole));
    assert_eq!(
        Mtime::parse("12.5"),
        Some(Mtime {
            secs: 12,
            nanos: 500_000_000
        })
    );
    assert_eq!(Mtime::parse("0.000000001").map(|m| m.nanos), Some(1));
    // Only the permission bits are ever kept.
    assert_eq!(parse_mode("4755"), Some(0o755));
    assert_eq!(parse_mode("7777"), Some(0o777));
    assert_eq!(parse_mode("0"), Some(0));
    let setuid = Header {
        mode: Some(0o4755),
        ..header(1)
    };
    assert!(String::from_utf8(setuid.encode())
        .unwrap()
        .contains("Ferry-Mode: 755\n"));
    // A time the sender's clock cannot carry is not sent.
    let before_epoch = std::time::UNIX_EPOCH - std::time::Duration::from_secs(1);
    assert_eq!(Mtime::from_system_time(before_epoch), None);
    let t = std::time::UNIX_EPOCH + std::time::Duration::new(1_000_000_000, 7);
    assert_eq!(Mtime::from_system_time(t).unwrap().to_system_time(), t);
}

#[test]
fn malformed_modes_and_times_are_ignored_not_fatal() {
    let bad_modes = [
        "", "8", "-755", "+755", "0x1ed", "75 5", "17777", "7558", "rwx", "٧٥٥",
    ];
    let bad_times = [
        "",
        "-1",
        "+5",
        "1e9",
        "1.",
        ".5",
        "1.1234567890",
        "1.-5",
        "1.5.5",
        "253402300800",
        "99999999999999999999999",
        "0x10",
    ];
    for value in bad_modes {
        let wire = format!("Content-Length: 1\nFerry-Mode: {value}\n\n");
        let (h, _) = Header::parse(wire.as_bytes()).unwrap().unwrap();
        assert_eq!(h.mode, None, "{value:?}");
        assert_eq!(h.ignored, [("Ferry-Mode", value.trim().to_string())]);
    }
    for value in bad_times {
        assert_eq!(Mtime::parse(value), None, "{value:?}");
        let wire = format!("Content-Length: 1\nFerry-Mtime: {value}\n\n");
        let (h, _) = Header::parse(wire.as_bytes()).unwrap().unwrap();
        assert_eq!((h.mtime, h.size), (None, Some(1)), "{value:?}");
        assert_eq!(h.ignored.len(), 1, "{value:?}");
    }
    // A repeated field keeps the first value; the list of what was ignored is bounded.
    let mut wire = "Content-Length: 1\nFerry-Mode: 644\nFerry-Mtime: 5\n".to_string();
    for _ in 0..100 {
        wire.push_str("Ferry-Mode: 777\nFerry-Mtime: 6\n");
    }
    wire.push('\n');
    let (h, _) = Header::parse(wire.as_bytes()).unwrap().unwrap();
    assert_eq!(h.mode, Some(0o644));
    assert_eq!(h.mtime, Some(Mtime { secs: 5, nanos: 0 }));
    assert_eq!(h.ignored.len(), MAX_IGNORED);
    // A set entry with a bad hint still arrives, without it.
    let offer = set_header(1, 3);
    let mut rx = accepted(offer);
    let mut wire =
        b"Content-Length: 3\nDisplay-Name: build/x\nFerry-Mode: 999\nFerry-Mtime: 7\n\n".to_vec();
    wire.extend(data_record(b"abc"));
    wire.extend(end_record(sha3_256(b"abc")));
    let events = feed_receiver(&mut rx, &wire).unwrap();
    let Owned::Entry(entry) = &events[0] else {
        panic!("{events:?}")
    };
    assert_eq!(entry.mode, None);
    assert_eq!(entry.mtime, Some(Mtime { secs: 7, nanos: 0 }));
    assert_eq!(entry.ignored, [("Ferry-Mode", "999".to_string())]);
    assert_eq!(events.last(), Some(&Owned::Finished(sha3_256(b"abc"))));
}

#[test]
fn jami_style_header_without_ferry_fields_is_accepted() {
    let mut rx = Receiver::new(0);
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
    let mut rx = accepted(header(u64::MAX / 2));
    assert_eq!(
        feed_receiver(&mut rx, &[b'D', 0xff, 0xff, 0xff, 0xff]),
        Err(TransferError::RecordTooLarge {
            len: u32::MAX,
            limit: MAX_RECORD_BYTES
        })
    );
    let mut rx = accepted(header(10));
    assert_eq!(
        feed_receiver(&mut rx, b"Z"),
        Err(TransferError::UnknownRecord { tag: b'Z' })
    );
}

#[test]
fn sender_detects_a_source_that_changed_size() {
    let mut tx = Sender::new(header(4), 0);
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
    let mut tx = Sender::new(header(1), 0);
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
    let mut tx = Sender::new(header(1), 0);
    assert_eq!(
        feed_sender(&mut tx, &[b'x'; MAX_LINE_BYTES + 10]),
        Err(TransferError::ReplyTooLong {
            limit: MAX_LINE_BYTES
        })
    );
}

proptest! {
    #[test]
    fn header_round_trips(size in any::<u64>(), name in "[^\\p{Cc}]{0,300}", digest in proptest::option::of(any::<[u8; 32]>()), entries in proptest::option::of(1..=u64::MAX), dir in any::<bool>(), mode in proptest::option::of(0u32..=0o777), mtime in proptest::option::of((0..=MAX_MTIME_SECS, 0u32..1_000_000_000))) {
        let kind = if dir { EntryKind::Directory } else { EntryKind::File };
        let mtime = mtime.map(|(secs, nanos)| Mtime { secs, nanos });
        let h = Header { size: Some(size), name: name.trim().to_string(), offset: size / 3, transfer_id: "ab-12".into(), sha3_256: digest, entries, kind, mode, mtime, text: false, ignored: vec![] };
        let wire = h.encode();
        let (parsed, used) = Header::parse(&wire).unwrap().unwrap();
        prop_assert_eq!(used, wire.len());
        prop_assert_eq!(parsed, h);
    }

    #[test]
    fn names_read_back_as_wire_name_says(name in any::<String>()) {
        let h = Header { name: name.clone(), ..header(1) };
        let (parsed, _) = Header::parse(&h.encode()).unwrap().unwrap();
        prop_assert_eq!(parsed.name, Header::wire_name(&name));
    }

    #[test]
    fn receiver_never_panics_on_random_input(bytes in proptest::collection::vec(any::<u8>(), 0..4096), accept_after in 0usize..64) {
        let mut rx = Receiver::new(0);
        let mut input = bytes.as_slice();
        for _ in 0..(bytes.len() * 2 + 4) {
            if input.is_empty() { break; }
            match rx.handle_read(input, 0) {
                Ok((used, event)) => {
                    if matches!(event, Some(ReceiverEvent::Offer(_))) && accept_after % 2 == 0 {
                        rx.accept(0).unwrap();
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
        let (mut tx, mut rx) = accepted_pair(header(body.len() as u64));
        let wire = sender_body(&mut tx, &body, chunk);
        let mut events = Vec::new();
        for piece in wire.chunks(split) {
            events.extend(feed_receiver(&mut rx, piece).unwrap());
        }
        prop_assert_eq!(body_of(&events), body.clone());
        prop_assert_eq!(events.last(), Some(&Owned::Finished(sha3_256(&body))));
    }
}

// ---- Streamed bodies (`send -`) ------------------------------------------------------------

fn streamed_header() -> Header {
    Header {
        size: None,
        name: "stdin".into(),
        transfer_id: "57ea3".into(),
        ..Header::default()
    }
}

#[test]
fn streamed_header_and_body_round_trip() {
    let header = streamed_header();
    let wire = header.encode();
    let text = String::from_utf8(wire.clone()).unwrap();
    assert!(text.starts_with("Ferry-Streamed: yes\n"), "{text}");
    assert!(!text.contains("Content-Length"), "{text}");
    assert_eq!(
        Header::parse(&wire).unwrap(),
        Some((header.clone(), wire.len()))
    );

    // Odd sizes and a record size that does not divide them: the stream ends with `E` alone.
    let body: Vec<u8> = (0..77_777u32).map(|i| (i % 251) as u8).collect();
    let mut tx = Sender::new(header.clone(), 0);
    let mut rx = Receiver::new(0);
    assert_eq!(
        feed_receiver(&mut rx, &tx.header_bytes()).unwrap(),
        vec![Owned::Offer(header)]
    );
    assert_eq!(rx.declared(), None);
    feed_sender(&mut tx, &rx.accept(0).unwrap()).unwrap();
    assert_eq!(tx.declared(), None);
    let wire = sender_body(&mut tx, &body, 3000);
    let events = feed_receiver(&mut rx, &wire).unwrap();
    assert_eq!(body_of(&events), body);
    assert_eq!(events.last(), Some(&Owned::Finished(sha3_256(&body))));
    assert_eq!((rx.received(), tx.sent()), (77_777, 77_777));
    assert_eq!(
        feed_sender(&mut tx, &rx.confirm(&sha3_256(&body))).unwrap(),
        vec![SenderEvent::Confirmed(sha3_256(&body))]
    );
    assert_eq!(rx.handle_eof(), Ok(()));
}

#[test]
fn an_empty_stream_is_a_verified_empty_file() {
    let (mut tx, mut rx) = accepted_pair(streamed_header());
    let events = feed_receiver(&mut rx, &tx.end_frame().unwrap()).unwrap();
    assert_eq!(events, vec![Owned::Finished(sha3_256(b""))]);
}

#[test]
fn empty_records_keep_a_silent_stream_alive_without_events() {
    // What a stream's sender writes while its input is silent: records of no data.
    let (mut tx, mut rx) = accepted_pair(streamed_header());
    let mut wire = Vec::new();
    for piece in [&b""[..], b"a", b"", b"", b"bc", b""] {
        wire.extend(tx.data_frame(piece).unwrap());
        wire.extend_from_slice(piece);
    }
    wire.extend(tx.end_frame().unwrap());
    assert_eq!(tx.sent(), 3);
    let events = feed_receiver(&mut rx, &wire).unwrap();
    assert_eq!(
        events,
        vec![
            Owned::Data(b"a".to_vec()),
            Owned::Data(b"bc".to_vec()),
            Owned::Finished(sha3_256(b"abc")),
        ]
    );
}

#[test]
fn a_streamed_body_with_a_wrong_digest_is_caught() {
    let mut rx = accepted(streamed_header());
    let mut wire = data_record(b"hello");
    wire.extend(end_record(sha3_256(b"hellO")));
    assert_eq!(
        feed_receiver(&mut rx, &wire),
        Err(TransferError::DigestMismatch {
            declared: hex::encode(sha3_256(b"hellO")),
            computed: hex::encode(sha3_256(b"hello")),
        })
    );
}

#[test]
fn a_stream_cut_short_is_a_failure() {
    let mut rx = accepted(streamed_header());
    feed_receiver(&mut rx, &data_record(&[1, 2, 3])).unwrap();
    assert_eq!(
        rx.handle_eof(),
        Err(TransferError::ConnectionClosed {
            stage: "before the end of the file",
            declared: 3,
            received: 3
        })
    );
}

#[test]
fn streamed_with_a_content_length_or_as_a_set_is_refused() {
    let cases: &[(&[u8], TransferError)] = &[
        (
            b"Content-Length: 5\nFerry-Streamed: yes\n\n",
            TransferError::InvalidField {
                field: "Ferry-Streamed",
                value: "yes (with a Content-Length)".into(),
            },
        ),
        (
            b"Ferry-Streamed: yes\nFerry-Entries: 2\n\n",
            TransferError::InvalidField {
                field: "Ferry-Entries",
                value: "a set must declare its size".into(),
            },
        ),
        (
            b"Ferry-Streamed: maybe\n\n",
            TransferError::InvalidField {
                field: "Ferry-Streamed",
                value: "maybe".into(),
            },
        ),
        (
            b"Ferry-Streamed: no\n\n",
            TransferError::MissingField {
                field: "Content-Length",
            },
        ),
        (
            b"Content-Length: 9\nFerry-Entries: 0\n\n",
            TransferError::InvalidField {
                field: "Ferry-Entries",
                value: "0 (a set has at least one entry)".into(),
            },
        ),
    ];
    refused_headers(cases);
}

// ---- Resume ---------------------------------------------------------------------------------

fn hash_state(bytes: &[u8]) -> Sha3_256 {
    let mut h = Sha3_256::new();
    h.update(bytes);
    h
}

fn resume_body() -> Vec<u8> {
    (0..50_000u32).map(|i| (i * 31 % 253) as u8).collect()
}

/// The sender's stream after a resume offer it takes: the `O` record for `have`, then the
/// rest of `body` in `chunk`-byte records.
fn resumed_wire(tx: &mut Sender, body: &[u8], have: usize, chunk: usize) -> Vec<u8> {
    let mut wire = tx
        .start_at(have as u64, hash_state(&body[..have]))
        .unwrap()
        .to_vec();
    wire.extend(sender_body(tx, &body[have..], chunk));
    wire
}

/// A resumed receiver's events: the start at `have`, the rest of `body`, and the digest of the
/// whole file, prefix included.
fn assert_resumed(events: &[Owned], body: &[u8], have: usize) {
    assert_eq!(events.first(), Some(&Owned::Start(have as u64)));
    assert_eq!(body_of(events), &body[have..]);
    assert_eq!(events.last(), Some(&Owned::Finished(sha3_256(body))));
}

/// A sender and receiver after the offer, the receiver holding `held`, the sender having
/// seen `GO HAVE DIGEST`.
fn resume_offered(body: &[u8], held: &[u8]) -> (Sender, Receiver) {
    let mut tx = Sender::new(header(body.len() as u64), 0);
    let mut rx = Receiver::new(0);
    feed_receiver(&mut rx, &tx.header_bytes()).unwrap();
    let go = rx
        .accept_resume(held.len() as u64, hash_state(held), 0)
        .unwrap();
    assert_eq!(
        String::from_utf8(go.clone()).unwrap(),
        format!("GO {} {}\n", held.len(), hex::encode(sha3_256(held)))
    );
    assert_eq!(
        feed_sender(&mut tx, &go).unwrap(),
        vec![SenderEvent::ResumeOffered {
            have: held.len() as u64,
            prefix: sha3_256(held)
        }]
    );
    (tx, rx)
}

#[test]
fn resume_sends_only_the_rest_and_verifies_the_whole_file() {
    let body = resume_body();
    let have = 20_000;
    let (mut tx, mut rx) = resume_offered(&body, &body[..have]);

    let start = tx.start_at(have as u64, hash_state(&body[..have])).unwrap();
    assert_eq!(start[0], b'O');
    assert_eq!(
        u64::from_be_bytes(start[1..].try_into().unwrap()),
        have as u64
    );
    assert_eq!(tx.sent(), have as u64);
    let mut wire = start.to_vec();
    wire.extend(sender_body(&mut tx, &body[have..], 4096));
    assert_eq!(
        wire.len(),
        9 + (body.len() - have) + 5 * 8 + 33,
        "only the rest travels"
    );

    let events = feed_receiver(&mut rx, &wire).unwrap();
    assert_resumed(&events, &body, have);
    assert_eq!(rx.received(), body.len() as u64);
    assert_eq!(tx.digest(), Some(sha3_256(&body)));
    assert_eq!(
        feed_sender(&mut tx, &rx.confirm(&sha3_256(&body))).unwrap(),
        vec![SenderEvent::Confirmed(sha3_256(&body))]
    );
}

#[test]
fn a_receiver_holding_the_whole_file_gets_only_the_digest() {
    let body = resume_body();
    let (mut tx, mut rx) = resume_offered(&body, &body);
    let wire = resumed_wire(&mut tx, &body, body.len(), 4096);
    assert_eq!(wire.len(), 9 + 33);
    let events = feed_receiver(&mut rx, &wire).unwrap();
    assert_eq!(
        events,
        vec![
            Owned::Start(body.len() as u64),
            Owned::Finished(sha3_256(&body))
        ]
    );
}

#[test]
fn resume_split_byte_by_byte_gives_the_same_result() {
    let body = resume_body();
    let (mut tx, mut rx) = resume_offered(&body, &body[..1234]);
    let wire = resumed_wire(&mut tx, &body, 1234, 999);
    let mut events = Vec::new();
    for byte in &wire {
        events.extend(feed_receiver(&mut rx, std::slice::from_ref(byte)).unwrap());
    }
    assert_resumed(&events, &body, 1234);
}

#[test]
fn after_a_mismatch_start_at_zero_sends_everything() {
    let body = resume_body();
    // The receiver holds bytes the sender's file does not start with.
    let mut held = body[..10_000].to_vec();
    held[5000] ^= 1;
    let (mut tx, mut rx) = resume_offered(&body, &held);
    // Whatever hash state is given, 0 starts from scratch.
    let mut wire = tx.start_at(0, hash_state(b"ignored")).unwrap().to_vec();
    assert_eq!(tx.sent(), 0);
    wire.extend(sender_body(&mut tx, &body, 8192));
    let events = feed_receiver(&mut rx, &wire).unwrap();
    assert_resumed(&events, &body, 0);
}

#[test]
fn a_resumed_prefix_that_is_wrong_fails_the_whole_file() {
    // A sender that claims a match it does not have: the whole-file digest still catches it.
    let body = resume_body();
    let mut held = body[..10_000].to_vec();
    held[0] ^= 0xff;
    let (mut tx, mut rx) = resume_offered(&body, &held);
    let wire = resumed_wire(&mut tx, &body, 10_000, 8192);
    assert!(matches!(
        feed_receiver(&mut rx, &wire),
        Err(TransferError::DigestMismatch { .. })
    ));
}

#[test]
fn an_invalid_start_is_refused_on_both_sides() {
    let body = resume_body();
    let (mut tx, mut rx) = resume_offered(&body, &body[..4000]);
    assert_eq!(
        tx.start_at(1234, hash_state(b"")),
        Err(TransferError::InvalidStart {
            have: 4000,
            start: 1234
        })
    );
    let mut record = vec![b'O'];
    record.extend_from_slice(&4001u64.to_be_bytes());
    assert_eq!(
        feed_receiver(&mut rx, &record),
        Err(TransferError::InvalidStart {
            have: 4000,
            start: 4001
        })
    );

    // Data instead of the `O` record.
    let (_, mut rx) = resume_offered(&body, &body[..4000]);
    assert_eq!(
        feed_receiver(&mut rx, b"D\0\0\0\x04abcd"),
        Err(TransferError::UnknownRecord { tag: b'D' })
    );

    // `start_at` only answers a resume offer.
    let mut tx = Sender::new(header(10), 0);
    feed_sender(&mut tx, b"GO\n").unwrap();
    assert!(matches!(
        tx.start_at(0, hash_state(b"")),
        Err(TransferError::WrongState { .. })
    ));
}

#[test]
fn a_resume_offer_beyond_the_file_or_malformed_is_refused_by_the_sender() {
    let digest = hex::encode(sha3_256(b"x"));
    for reply in [
        format!("GO 11 {digest}\n"),
        format!("GO x {digest}\n"),
        "GO 5 not-a-digest\n".to_string(),
        "GO 5\n".to_string(),
    ] {
        let mut tx = Sender::new(header(10), 0);
        assert!(
            matches!(
                feed_sender(&mut tx, reply.as_bytes()),
                Err(TransferError::UnexpectedReply { .. })
            ),
            "{reply:?}"
        );
    }
}

#[test]
fn no_resume_is_offered_or_taken_for_sets_streams_or_nothing_held() {
    let mut set = header(10);
    set.entries = Some(2);
    let mut from_middle = header(10);
    from_middle.offset = 3;
    for offered in [set.clone(), streamed_header(), from_middle] {
        let mut rx = Receiver::new(0);
        feed_receiver(&mut rx, &offered.encode()).unwrap();
        assert_eq!(
            rx.accept_resume(2, hash_state(b"ab"), 0).unwrap(),
            b"GO\n",
            "{offered:?}"
        );
    }
    // Nothing held, or more held than offered: a plain `GO`.
    for have in [0u64, 11] {
        let mut rx = Receiver::new(0);
        feed_receiver(&mut rx, &header(10).encode()).unwrap();
        assert_eq!(rx.accept_resume(have, hash_state(b""), 0).unwrap(), b"GO\n");
    }
    // A set's or a stream's sender does not take a resume offer either.
    let go = format!("GO 2 {}\n", hex::encode(sha3_256(b"ab")));
    for offered in [set, streamed_header()] {
        let mut tx = Sender::new(offered, 0);
        assert!(matches!(
            feed_sender(&mut tx, go.as_bytes()),
            Err(TransferError::UnexpectedReply { .. })
        ));
    }
}

// ---- Sets -----------------------------------------------------------------------------------

fn set_header(entries: u64, size: u64) -> Header {
    Header {
        size: Some(size),
        name: "build".into(),
        transfer_id: "5e7".into(),
        entries: Some(entries),
        ..Header::default()
    }
}

fn entry(name: &str, size: u64, kind: EntryKind) -> Header {
    Header {
        size: Some(size),
        name: name.into(),
        transfer_id: "5e7".into(),
        kind,
        ..Header::default()
    }
}

#[test]
fn a_set_with_a_directory_arrives_entry_by_entry_each_verified() {
    let a = b"first file".to_vec();
    let b: Vec<u8> = (0..30_000u32).map(|i| i as u8).collect();
    let files: Vec<(Header, Vec<u8>)> = vec![
        (entry("build", 0, EntryKind::Directory), vec![]),
        (entry("build/a.txt", a.len() as u64, EntryKind::File), a),
        (entry("build/empty", 0, EntryKind::Directory), vec![]),
        (entry("build/lib/b.bin", b.len() as u64, EntryKind::File), b),
        (entry("zero", 0, EntryKind::File), vec![]),
    ];
    let total: u64 = files.iter().map(|(h, _)| h.size.unwrap()).sum();
    let offer = set_header(files.len() as u64, total);
    let mut tx = Sender::new(offer.clone(), 0);
    let mut rx = Receiver::new(0);
    assert_eq!(
        feed_receiver(&mut rx, &tx.header_bytes()).unwrap(),
        vec![Owned::Offer(offer)]
    );
    assert_eq!(
        feed_sender(&mut tx, &rx.accept(0).unwrap()).unwrap(),
        vec![SenderEvent::Accepted]
    );
    for (n, (head, body)) in files.iter().enumerate() {
        assert_eq!(tx.entries_left(), (files.len() - n) as u64);
        let mut wire = tx.begin_entry(head.clone()).unwrap();
        wire.extend(sender_body(&mut tx, body, 7000));
        let events = feed_receiver(&mut rx, &wire).unwrap();
        assert_eq!(
            events.first(),
            Some(&Owned::Entry(head.clone())),
            "entry {n}"
        );
        assert_eq!(body_of(&events), *body, "entry {n}");
        let digest = sha3_256(body);
        assert_eq!(events.last(), Some(&Owned::Finished(digest)), "entry {n}");
        assert_eq!(tx.unconfirmed(), 1);
        assert!(!tx.finished());
        assert_eq!(
            feed_sender(&mut tx, &rx.confirm(&digest)).unwrap(),
            vec![SenderEvent::EntryConfirmed(SentEntry {
                name: head.name.clone(),
                kind: head.kind,
                size: body.len() as u64,
                digest
            })],
            "entry {n}"
        );
    }
    assert_eq!(tx.entries_left(), 0);
    assert!(tx.finished());
    // Both are done: nothing more may come, and the end of the stream is clean.
    assert!(tx.begin_entry(entry("more", 0, EntryKind::File)).is_err());
    assert_eq!(
        feed_receiver(&mut rx, b"x"),
        Err(TransferError::DataAfterEnd)
    );
    let mut rx_done = accepted(set_header(1, 0));
    feed_receiver(&mut rx_done, &entry("d", 0, EntryKind::Directory).encode()).unwrap();
    feed_receiver(&mut rx_done, &end_record(sha3_256(b""))).unwrap();
    assert_eq!(rx_done.handle_eof(), Ok(()));
}

#[test]
fn entries_may_not_carry_more_than_the_set_declared() {
    // One entry bigger than the whole set.
    let mut rx = accepted(set_header(2, 10));
    assert_eq!(
        feed_receiver(&mut rx, &entry("big", 11, EntryKind::File).encode()),
        Err(TransferError::InvalidEntry {
            name: "big".into(),
            why: "the set carries more than it declared"
        })
    );
    // Entries that together exceed it.
    let mut rx = accepted(set_header(2, 10));
    let mut wire = entry("a", 6, EntryKind::File).encode();
    wire.extend(data_record(b"123456"));
    wire.extend(end_record(sha3_256(b"123456")));
    wire.extend(entry("b", 6, EntryKind::File).encode());
    assert_eq!(
        feed_receiver(&mut rx, &wire),
        Err(TransferError::InvalidEntry {
            name: "b".into(),
            why: "the set carries more than it declared"
        })
    );
    // An entry sending more than its own header declared.
    let mut rx = accepted(set_header(1, 100));
    let mut wire = entry("c", 5, EntryKind::File).encode();
    wire.extend(data_record(b"12345678"));
    assert_eq!(
        feed_receiver(&mut rx, &wire),
        Err(TransferError::BodyTooLong {
            declared: 5,
            received: 8
        })
    );
    // An entry ending before its declared size.
    let mut rx = accepted(set_header(1, 100));
    let mut wire = entry("c", 5, EntryKind::File).encode();
    wire.extend(data_record(b"123"));
    wire.extend(end_record(sha3_256(b"123")));
    assert_eq!(
        feed_receiver(&mut rx, &wire),
        Err(TransferError::BodyTooShort {
            declared: 5,
            received: 3
        })
    );
}

#[test]
fn malformed_entries_are_refused() {
    let mut nested = entry("inner", 0, EntryKind::File);
    nested.entries = Some(1);
    let dir_with_body = entry("d", 5, EntryKind::Directory);
    let mut streamed = entry("s", 0, EntryKind::File);
    streamed.size = None;
    let mut from_middle = entry("m", 5, EntryKind::File);
    from_middle.offset = 2;
    let cases = [
        (nested, "sets do not nest"),
        (dir_with_body, "a directory has no body"),
        (streamed, "an entry must declare its size"),
        (from_middle, "entries start at 0"),
    ];
    for (head, why) in cases {
        let mut rx = accepted(set_header(3, 100));
        assert_eq!(
            feed_receiver(&mut rx, &head.encode()),
            Err(TransferError::InvalidEntry {
                name: head.name.clone(),
                why
            }),
            "{head:?}"
        );
    }
    // A directory that declares no body but sends one anyway.
    let mut rx = accepted(set_header(1, 100));
    let mut wire = entry("d", 0, EntryKind::Directory).encode();
    wire.extend(data_record(b"x"));
    assert_eq!(
        feed_receiver(&mut rx, &wire),
        Err(TransferError::BodyTooLong {
            declared: 0,
            received: 1
        })
    );
    // The sender's side will not produce such entries either.
    let mut tx = Sender::new(set_header(2, 10), 0);
    feed_sender(&mut tx, b"GO\n").unwrap();
    let mut nested = entry("inner", 0, EntryKind::File);
    nested.entries = Some(1);
    assert!(matches!(
        tx.begin_entry(nested),
        Err(TransferError::InvalidEntry { .. })
    ));
    let mut streamed = entry("s", 0, EntryKind::File);
    streamed.size = None;
    assert!(matches!(
        tx.begin_entry(streamed),
        Err(TransferError::InvalidEntry { .. })
    ));
}

#[test]
fn a_set_cut_short_after_fewer_entries_than_declared_fails() {
    let mut rx = accepted(set_header(3, 10));
    let mut wire = entry("a", 4, EntryKind::File).encode();
    wire.extend(data_record(b"abcd"));
    wire.extend(end_record(sha3_256(b"abcd")));
    wire.extend(entry("b", 0, EntryKind::Directory).encode());
    wire.extend(end_record(sha3_256(b"")));
    let events = feed_receiver(&mut rx, &wire).unwrap();
    let finished = events
        .iter()
        .filter(|e| matches!(e, Owned::Finished(_)))
        .count();
    assert_eq!(finished, 2);
    assert_eq!(
        rx.handle_eof(),
        Err(TransferError::ConnectionClosed {
            stage: "before the set's last entry",
            declared: 0,
            received: 0
        })
    );
    // Cut in the middle of an entry's header.
    let mut rx = accepted(set_header(2, 10));
    feed_receiver(&mut rx, b"Content-Length: 3\nDisplay-Na").unwrap();
    assert!(matches!(
        rx.handle_eof(),
        Err(TransferError::ConnectionClosed {
            stage: "before the set's last entry",
            ..
        })
    ));
}

#[test]
fn a_long_cancel_reason_is_read_whole() {
    let mut rx = accepted(header(100));
    let reason = "r".repeat(3000);
    let mut wire = vec![b'C'];
    wire.extend_from_slice(&(reason.len() as u16).to_be_bytes());
    wire.extend_from_slice(reason.as_bytes());
    let events = feed_receiver(&mut rx, &wire).unwrap();
    assert_eq!(events, vec![Owned::Cancelled("r".repeat(MAX_REASON_BYTES))]);
    assert_eq!(rx.handle_eof(), Ok(()));
}

// ---- Sets, pipelined --------------------------------------------------------------------------

/// A set of `n` one-byte files named `f0`, `f1`, ... (byte `i` for file `i`), its sender past
/// `GO`, and its receiver past the offer.
fn small_set(n: usize) -> (Sender, Receiver, Vec<(Header, Vec<u8>)>) {
    let files: Vec<(Header, Vec<u8>)> = (0..n)
        .map(|i| (entry(&format!("f{i}"), 1, EntryKind::File), vec![i as u8]))
        .collect();
    let (tx, rx) = accepted_pair(set_header(n as u64, n as u64));
    (tx, rx, files)
}

/// Begin `head` and send `body` in one record: the entry's bytes on the wire.
fn send_entry(tx: &mut Sender, head: &Header, body: &[u8]) -> Vec<u8> {
    let mut wire = tx.begin_entry(head.clone()).unwrap();
    wire.extend(sender_body(tx, body, 1 << 20));
    wire
}

/// The `OK` line the receiver writes for `body`.
fn ok(body: &[u8]) -> Vec<u8> {
    format!("OK {}\n", hex::encode(sha3_256(body))).into_bytes()
}

/// The names of the entries a list of sender events confirmed, in order.
fn confirmed_names(events: &[SenderEvent]) -> Vec<String> {
    events
        .iter()
        .map(|e| match e {
            SenderEvent::EntryConfirmed(entry) => entry.name.clone(),
            other => panic!("not a confirmation: {other:?}"),
        })
        .collect()
}

#[test]
fn entries_go_out_back_to_back_and_late_batched_oks_confirm_them_in_order() {
    let (mut tx, mut rx, files) = small_set(10);
    // All ten entries leave before any `OK` came back.
    let mut wire = Vec::new();
    for (head, body) in &files {
        assert!(tx.window_open());
        wire.extend(send_entry(&mut tx, head, body));
    }
    assert_eq!((tx.entries_left(), tx.unconfirmed()), (0, 10));
    assert!(!tx.window_open() && !tx.finished());
    // The receiver reads them all in one go: each verified on its own.
    let finished: Vec<_> = feed_receiver(&mut rx, &wire)
        .unwrap()
        .into_iter()
        .filter_map(|e| match e {
            Owned::Finished(d) => Some(d),
            _ => None,
        })
        .collect();
    assert_eq!(
        finished,
        files.iter().map(|(_, b)| sha3_256(b)).collect::<Vec<_>>()
    );
    // Three `OK`s in one read, then one split across reads, then the rest at once.
    let oks: Vec<Vec<u8>> = files.iter().map(|(_, b)| ok(b)).collect();
    let first = oks[..3].concat();
    let events = feed_sender(&mut tx, &first).unwrap();
    assert_eq!(confirmed_names(&events), ["f0", "f1", "f2"]);
    let (a, b) = oks[3].split_at(20);
    assert_eq!(feed_sender(&mut tx, a).unwrap(), vec![]);
    assert_eq!(confirmed_names(&feed_sender(&mut tx, b).unwrap()), ["f3"]);
    assert!(!tx.finished());
    let events = feed_sender(&mut tx, &oks[4..].concat()).unwrap();
    assert_eq!(
        confirmed_names(&events),
        ["f4", "f5", "f6", "f7", "f8", "f9"]
    );
    assert!(tx.finished());
    assert_eq!(tx.unconfirmed(), 0);
    // Nothing is left to confirm: one more `OK` is a protocol error.
    assert!(matches!(
        feed_sender(&mut tx, &oks[0]),
        Err(TransferError::UnexpectedReply { .. })
    ));
}

#[test]
fn oks_may_come_while_the_next_entry_is_being_sent() {
    let (mut tx, _, files) = small_set(3);
    send_entry(&mut tx, &files[0].0, &files[0].1);
    tx.begin_entry(files[1].0.clone()).unwrap();
    // Mid-body of entry 1, the `OK` of entry 0 arrives.
    assert_eq!(
        confirmed_names(&feed_sender(&mut tx, &ok(&files[0].1)).unwrap()),
        ["f0"]
    );
    tx.data_frame(&files[1].1).unwrap();
    tx.end_frame().unwrap();
    send_entry(&mut tx, &files[2].0, &files[2].1);
    let events = feed_sender(&mut tx, &[ok(&files[1].1), ok(&files[2].1)].concat()).unwrap();
    assert_eq!(confirmed_names(&events), ["f1", "f2"]);
    assert!(tx.finished());
}

#[test]
fn an_ok_for_another_entry_than_the_oldest_is_a_mismatch_naming_it() {
    let (mut tx, _, files) = small_set(3);
    for (head, body) in &files[..2] {
        send_entry(&mut tx, head, body);
    }
    // The receiver answers for f1 first (or for something never sent): not f0's digest.
    for wrong in [ok(&files[1].1), ok(b"never sent")] {
        let mut tx2 = Sender::new(set_header(3, 3), 0);
        feed_sender(&mut tx2, b"GO\n").unwrap();
        for (head, body) in &files[..2] {
            send_entry(&mut tx2, head, body);
        }
        let digest = String::from_utf8(wrong.clone()).unwrap()[3..67].to_string();
        assert_eq!(
            feed_sender(&mut tx2, &wrong),
            Err(TransferError::ConfirmationMismatch {
                name: "f0".into(),
                confirmed: digest,
                sent: hex::encode(sha3_256(&files[0].1)),
            })
        );
        // The sender is closed: no further entry.
        assert!(!tx2.window_open());
        assert!(tx2.begin_entry(files[2].0.clone()).is_err());
    }
    // In order, the same two lines confirm both.
    let events = feed_sender(&mut tx, &[ok(&files[0].1), ok(&files[1].1)].concat()).unwrap();
    assert_eq!(confirmed_names(&events), ["f0", "f1"]);
    // An `OK` with nothing sent and unconfirmed, or not a digest.
    let (mut tx, _, _) = small_set(2);
    assert!(matches!(
        feed_sender(&mut tx, &ok(b"x")),
        Err(TransferError::UnexpectedReply { .. })
    ));
    let (mut tx, _, files) = small_set(2);
    send_entry(&mut tx, &files[0].0, &files[0].1);
    assert!(matches!(
        feed_sender(&mut tx, b"OK not-a-digest\n"),
        Err(TransferError::UnexpectedReply { .. })
    ));
}

#[test]
fn a_full_window_of_entries_blocks_the_next_until_the_oldest_is_confirmed() {
    let n = WINDOW_ENTRIES + 2;
    let (mut tx, _, files) = small_set(n);
    for (head, body) in &files[..WINDOW_ENTRIES] {
        assert!(tx.window_open(), "{}", head.name);
        send_entry(&mut tx, head, body);
    }
    assert!(!tx.window_open());
    assert_eq!(
        tx.begin_entry(files[WINDOW_ENTRIES].0.clone()),
        Err(TransferError::WrongState {
            action: "starting an entry",
            state: "waiting for confirmations: the window is full"
        })
    );
    assert_eq!(tx.entries_left(), 2, "the refused entry was not counted");
    // One `OK` makes room for exactly one more.
    feed_sender(&mut tx, &ok(&files[0].1)).unwrap();
    assert!(tx.window_open());
    send_entry(&mut tx, &files[WINDOW_ENTRIES].0, &files[WINDOW_ENTRIES].1);
    assert!(!tx.window_open());
}

#[test]
fn a_window_of_bytes_blocks_the_next_entry_until_confirmed() {
    // Entries of a quarter of the byte window: four fill it, whatever the count.
    let quarter = (WINDOW_BYTES / 4) as usize;
    let body = vec![7u8; quarter];
    let files: Vec<Header> = (0..6)
        .map(|i| entry(&format!("big{i}"), quarter as u64, EntryKind::File))
        .collect();
    let (mut tx, _) = accepted_pair(set_header(6, 6 * quarter as u64));
    for head in &files[..4] {
        assert!(tx.window_open());
        tx.begin_entry(head.clone()).unwrap();
        for piece in body.chunks(MAX_RECORD_BYTES as usize) {
            tx.data_frame(piece).unwrap();
        }
        tx.end_frame().unwrap();
    }
    assert_eq!(tx.unconfirmed(), 4);
    assert!(!tx.window_open(), "{} bytes unconfirmed", WINDOW_BYTES);
    assert!(tx.begin_entry(files[4].clone()).is_err());
    let events = feed_sender(&mut tx, &ok(&body)).unwrap();
    assert_eq!(confirmed_names(&events), ["big0"]);
    assert!(tx.window_open());
}

#[test]
fn an_err_or_cancel_in_the_middle_stops_a_pipelined_set() {
    for (line, expected) in [
        (
            &b"ERR cannot write: the disk is full\n"[..],
            SenderEvent::ReceiverFailed("cannot write: the disk is full".into()),
        ),
        (
            b"CANCEL the receiver interrupted the transfer\n",
            SenderEvent::Cancelled("the receiver interrupted the transfer".into()),
        ),
    ] {
        let (mut tx, _, files) = small_set(6);
        for (head, body) in &files[..4] {
            send_entry(&mut tx, head, body);
        }
        tx.begin_entry(files[4].0.clone()).unwrap();
        // f0 and f1 were kept; then the receiver stops, while f4 is being sent.
        let mut input = [ok(&files[0].1), ok(&files[1].1)].concat();
        input.extend_from_slice(line);
        let events = feed_sender(&mut tx, &input).unwrap();
        assert_eq!(events.len(), 3, "{events:?}");
        assert_eq!(confirmed_names(&events[..2]), ["f0", "f1"]);
        assert_eq!(events[2], expected);
        assert!(!tx.finished());
        assert!(!tx.window_open());
        assert!(matches!(
            tx.data_frame(&files[4].1),
            Err(TransferError::WrongState { .. })
        ));
        // Whatever else the receiver says afterwards is not taken for a confirmation.
        assert!(feed_sender(&mut tx, &ok(&files[2].1)).is_err());
        assert!(!tx.finished());
    }
}

#[test]
fn a_pipelined_set_through_the_receiver_machine_with_answers_in_random_batches() {
    // Two peers in memory: the sender writes whatever its window allows, the receiver reads
    // whatever arrived and answers every entry, the answers come back in batches.
    let n = 3 * WINDOW_ENTRIES + 7;
    let (mut tx, mut rx, files) = small_set(n);
    let mut next = 0;
    let mut answers: Vec<u8> = Vec::new();
    let mut confirmed = Vec::new();
    let mut round_trips = 0;
    // Bounded: each round moves at least one entry or one answer.
    for _ in 0..=(2 * n) {
        if tx.finished() {
            break;
        }
        let mut wire = Vec::new();
        while next < n && tx.window_open() {
            wire.extend(send_entry(&mut tx, &files[next].0, &files[next].1));
            next += 1;
        }
        for event in feed_receiver(&mut rx, &wire).unwrap() {
            if let Owned::Finished(digest) = event {
                answers.extend(rx.confirm(&digest));
            }
        }
        // Half of what is in flight comes back this round (a line may be cut).
        let take = answers.len().div_ceil(2);
        let back: Vec<u8> = answers.drain(..take).collect();
        confirmed.extend(confirmed_names(&feed_sender(&mut tx, &back).unwrap()));
        round_trips += 1;
    }
    assert!(tx.finished(), "stuck after {next} entries sent");
    let names: Vec<String> = files.iter().map(|(h, _)| h.name.clone()).collect();
    assert_eq!(confirmed, names);
    assert!(
        round_trips < n / 10,
        "{round_trips} rounds for {n} entries: not pipelined"
    );
    assert_eq!(rx.handle_eof(), Ok(()));
}

proptest! {
    #[test]
    fn a_set_of_random_files_split_anywhere_arrives_intact(
        files in proptest::collection::vec(
            (any::<bool>(), proptest::collection::vec(any::<u8>(), 0..6000)), 1..8),
        chunk in 1usize..3000,
        cuts in proptest::collection::vec(any::<prop::sample::Index>(), 0..40),
    ) {
        // Some entries are directories (no body); the rest are files.
        let entries: Vec<(Header, Vec<u8>)> = files
            .into_iter()
            .enumerate()
            .map(|(n, (dir, body))| {
                if dir {
                    (entry(&format!("d{n}"), 0, EntryKind::Directory), Vec::new())
                } else {
                    (entry(&format!("d/f{n}"), body.len() as u64, EntryKind::File), body)
                }
            })
            .collect();
        let total = entries.iter().map(|(h, _)| h.size.unwrap()).sum();
        let mut tx = Sender::new(set_header(entries.len() as u64, total), 0);
        let mut wire = tx.header_bytes();
        let header_len = wire.len();
        feed_sender(&mut tx, b"GO\n").unwrap();
        for (head, body) in &entries {
            wire.extend(tx.begin_entry(head.clone()).unwrap());
            wire.extend(sender_body(&mut tx, body, chunk));
            // The receiver's answer, as it will compute it.
            let ok = format!("OK {}\n", hex::encode(sha3_256(body)));
            let events = feed_sender(&mut tx, ok.as_bytes()).unwrap();
            prop_assert!(
                matches!(&events[..], [SenderEvent::EntryConfirmed(e)] if e.digest == sha3_256(body)),
                "{:?}", events
            );
        }

        // The receiver reads the whole stream cut at random points.
        let mut points: Vec<usize> = cuts.iter().map(|i| i.index(wire.len())).collect();
        points.extend([header_len, wire.len()]);
        points.sort_unstable();
        points.dedup();
        let mut rx = Receiver::new(0);
        let mut events = Vec::new();
        let mut from = 0;
        for to in points {
            events.extend(feed_receiver(&mut rx, &wire[from..to]).unwrap());
            if to == header_len {
                rx.accept(0).unwrap();
            }
            from = to;
        }
        prop_assert_eq!(rx.handle_eof(), Ok(()));

        // Regroup: each entry's header, its data, its verified digest, in order.
        let mut got: Vec<(Header, Vec<u8>, Option<Digest>)> = Vec::new();
        for event in events {
            match event {
                Owned::Offer(_) => {}
                Owned::Entry(h) => got.push((h, Vec::new(), None)),
                Owned::Data(d) => got.last_mut().unwrap().1.extend(d),
                Owned::Finished(d) => got.last_mut().unwrap().2 = Some(d),
                other => prop_assert!(false, "unexpected {:?}", other),
            }
        }
        prop_assert_eq!(got.len(), entries.len());
        for ((head, body, digest), (sent_head, sent_body)) in got.iter().zip(&entries) {
            prop_assert_eq!(head, sent_head);
            prop_assert_eq!(body, sent_body);
            prop_assert_eq!(*digest, Some(sha3_256(sent_body)));
        }
    }
}

/// The sender's stream for `body` hashed by the caller (as the reading thread does): the
/// chunks hashed into the state [`Sender::hash_elsewhere`] gave out, framed without hashing,
/// ended with that state.
fn sender_body_hashed_outside(tx: &mut Sender, body: &[u8], chunk: usize) -> Vec<u8> {
    let mut hasher = tx.hash_elsewhere().expect("hash elsewhere");
    let mut wire = Vec::new();
    for piece in body.chunks(chunk.max(1)) {
        hasher.update(piece);
        wire.extend_from_slice(&tx.data_frame(piece).expect("frame"));
        wire.extend_from_slice(piece);
    }
    wire.extend(tx.end_frame_hashed(hasher).expect("end"));
    wire
}

#[test]
fn a_body_hashed_outside_the_machine_is_the_same_on_the_wire() {
    let body: Vec<u8> = (0..70_000u32).map(|i| (i * 13) as u8).collect();
    let (mut inside, _) = accepted_pair(header(body.len() as u64));
    let (mut outside, mut rx) = accepted_pair(header(body.len() as u64));
    let wire = sender_body_hashed_outside(&mut outside, &body, 4096);
    assert_eq!(wire, sender_body(&mut inside, &body, 4096));
    let events = feed_receiver(&mut rx, &wire).unwrap();
    let digest = sha3_256(&body);
    assert_eq!(events.last(), Some(&Owned::Finished(digest)));
    assert_eq!(
        feed_sender(&mut outside, &rx.confirm(&digest)).unwrap(),
        vec![SenderEvent::Confirmed(digest)]
    );
}

#[test]
fn a_resumed_body_hashed_outside_continues_from_the_prefix() {
    let body = resume_body();
    let have = 20_000;
    let (mut tx, mut rx) = resume_offered(&body, &body[..have]);
    let mut wire = tx
        .start_at(have as u64, hash_state(&body[..have]))
        .unwrap()
        .to_vec();
    wire.extend(sender_body_hashed_outside(&mut tx, &body[have..], 3000));
    assert_resumed(&feed_receiver(&mut rx, &wire).unwrap(), &body, have);
}

#[test]
fn a_body_hashed_outside_must_end_with_that_hash() {
    let (mut tx, _) = accepted_pair(header(4));
    // Not before the body starts being sent, and only once.
    let mut fresh = Sender::new(header(4), 0);
    assert!(matches!(
        fresh.hash_elsewhere(),
        Err(TransferError::WrongState { .. })
    ));
    let mut hasher = tx.hash_elsewhere().unwrap();
    assert!(matches!(
        tx.hash_elsewhere(),
        Err(TransferError::WrongState { .. })
    ));
    hasher.update(b"abcd");
    tx.data_frame(b"abcd").unwrap();
    // The machine holds no hash of the body: ending without the outside one is refused.
    assert!(matches!(
        tx.end_frame(),
        Err(TransferError::WrongState { .. })
    ));
    assert_eq!(
        tx.end_frame_hashed(hasher).unwrap(),
        end_record(sha3_256(b"abcd"))
    );
    // And a body hashed inside cannot be ended with an outside hash.
    let (mut inside, _) = accepted_pair(header(1));
    inside.data_frame(b"x").unwrap();
    assert!(matches!(
        inside.end_frame_hashed(Sha3_256::new()),
        Err(TransferError::WrongState { .. })
    ));
}

#[test]
fn a_set_entry_after_one_hashed_outside_is_hashed_inside_again() {
    let mut offer = header(6);
    offer.entries = Some(2);
    let (mut tx, mut rx) = accepted_pair(offer);
    let entry = |name: &str| Header {
        size: Some(3),
        name: name.into(),
        transfer_id: "t".into(),
        ..Header::default()
    };
    let mut wire = tx.begin_entry(entry("a")).unwrap();
    wire.extend(sender_body_hashed_outside(&mut tx, b"abc", 2));
    wire.extend(tx.begin_entry(entry("b")).unwrap());
    wire.extend(sender_body(&mut tx, b"def", 2));
    let events = feed_receiver(&mut rx, &wire).unwrap();
    let finished: Vec<_> = events
        .iter()
        .filter(|e| matches!(e, Owned::Finished(_)))
        .collect();
    assert_eq!(
        finished,
        vec![
            &Owned::Finished(sha3_256(b"abc")),
            &Owned::Finished(sha3_256(b"def"))
        ]
    );
}

mod deadlines;
