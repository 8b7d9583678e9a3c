//! The TURN client against scripted server replies, on a fake clock.

use super::*;
use rtc_stun::error_code::ErrorCode;

const USER: &str = "user";
const PASS: &str = "password";
const REALM: &str = "realm";

fn provider() -> Arc<dyn rtc_ice::crypto::RTCCryptoProvider> {
    rtc_ice::crypto::default_provider().unwrap()
}

fn client(password: &str) -> Client {
    Client::new(
        Credentials {
            username: USER.into(),
            password: password.into(),
        },
        provider(),
    )
}

fn parse(raw: &[u8]) -> Message {
    let mut m = Message::new();
    m.unmarshal_binary(raw).unwrap();
    m
}

/// A reply from the server to `request`, built attribute by attribute.
fn reply(request: &Message, class: MessageClass, build: impl FnOnce(&mut Message)) -> Vec<u8> {
    let mut m = Message::new();
    m.set_type(MessageType::new(request.typ.method, class));
    m.transaction_id = request.transaction_id;
    m.write_header();
    build(&mut m);
    m.write_length();
    m.raw
}

fn error(request: &Message, code: u16, nonce: Option<&str>) -> Vec<u8> {
    reply(request, CLASS_ERROR_RESPONSE, |m| {
        ErrorCodeAttribute {
            code: ErrorCode(code),
            reason: b"scripted".to_vec(),
        }
        .add_to(m)
        .unwrap();
        if let Some(nonce) = nonce {
            TextAttribute::new(ATTR_REALM, REALM.into())
                .add_to(m)
                .unwrap();
            TextAttribute::new(ATTR_NONCE, nonce.into())
                .add_to(m)
                .unwrap();
        }
    })
}

fn signed_success(request: &Message, build: impl FnOnce(&mut Message)) -> Vec<u8> {
    let p = provider();
    reply(request, CLASS_SUCCESS_RESPONSE, |m| {
        build(m);
        MessageIntegrity::new_long_term_integrity_with_provider(
            USER.into(),
            REALM.into(),
            PASS.into(),
            p.crypto(),
        )
        .unwrap()
        .add_to(m)
        .unwrap();
    })
}

fn allocation_success(request: &Message) -> Vec<u8> {
    signed_success(request, |m| {
        XorMappedAddress {
            ip: "203.0.113.10".parse().unwrap(),
            port: 50000,
        }
        .add_to_as(m, ATTR_XOR_RELAYED_ADDRESS)
        .unwrap();
        XorMappedAddress {
            ip: "203.0.113.1".parse().unwrap(),
            port: 41000,
        }
        .add_to_as(m, ATTR_XORMAPPED_ADDRESS)
        .unwrap();
        m.add(ATTR_LIFETIME, &600u32.to_be_bytes());
    })
}

fn events(c: &mut Client) -> Vec<TurnEvent> {
    std::iter::from_fn(|| c.poll_event()).collect()
}

/// Allocate through the 401 challenge; returns the client and the clock.
fn allocated() -> (Client, Instant) {
    let now = Instant::now();
    let mut c = client(PASS);
    c.allocate(now);
    let first = parse(&c.poll_write().unwrap());
    assert!(
        !first.contains(ATTR_MESSAGE_INTEGRITY),
        "the first Allocate carries no credentials"
    );
    assert_eq!(
        first.get(ATTR_REQUESTED_TRANSPORT).unwrap(),
        vec![6, 0, 0, 0]
    );
    c.handle_read(now, &error(&first, 401, Some("nonce-1")));
    let second = parse(&c.poll_write().unwrap());
    assert!(second.contains(ATTR_MESSAGE_INTEGRITY));
    assert_eq!(
        TextAttribute::get_from_as(&second, ATTR_NONCE)
            .unwrap()
            .to_string(),
        "nonce-1"
    );
    c.handle_read(now, &allocation_success(&second));
    (c, now)
}

#[test]
fn allocate_answers_the_challenge_and_reports_the_relay() {
    let (mut c, _) = allocated();
    assert_eq!(
        events(&mut c),
        vec![TurnEvent::Allocated {
            relayed: "203.0.113.10:50000".parse().unwrap(),
            mapped: "203.0.113.1:41000".parse().unwrap(),
            lifetime: Duration::from_secs(600),
        }]
    );
}

#[test]
fn wrong_credentials_fail_clearly() {
    let now = Instant::now();
    let mut c = client("not-the-password");
    c.allocate(now);
    let first = parse(&c.poll_write().unwrap());
    c.handle_read(now, &error(&first, 401, Some("n")));
    let second = parse(&c.poll_write().unwrap());
    c.handle_read(now, &error(&second, 401, Some("n")));
    assert_eq!(
        events(&mut c),
        vec![TurnEvent::Failed(TurnError::Unauthorized)]
    );
    assert!(c.poll_write().is_none(), "no third attempt");
}

#[test]
fn a_stale_nonce_is_retried_once_with_the_new_one() {
    let now = Instant::now();
    let mut c = client(PASS);
    c.allocate(now);
    let first = parse(&c.poll_write().unwrap());
    c.handle_read(now, &error(&first, 401, Some("old")));
    let second = parse(&c.poll_write().unwrap());
    c.handle_read(now, &error(&second, 438, Some("fresh")));
    let third = parse(&c.poll_write().unwrap());
    assert_eq!(
        TextAttribute::get_from_as(&third, ATTR_NONCE)
            .unwrap()
            .to_string(),
        "fresh"
    );
    c.handle_read(now, &error(&third, 438, Some("again")));
    assert!(matches!(
        events(&mut c)[..],
        [TurnEvent::Failed(TurnError::Refused { code: 438, .. })]
    ));
}

#[test]
fn allocation_mismatch_is_its_own_error() {
    let now = Instant::now();
    let mut c = client(PASS);
    c.allocate(now);
    let first = parse(&c.poll_write().unwrap());
    c.handle_read(now, &error(&first, 437, None));
    assert_eq!(
        events(&mut c),
        vec![TurnEvent::Failed(TurnError::AllocationMismatch)]
    );
}

#[test]
fn a_forged_success_without_the_key_is_refused() {
    let now = Instant::now();
    let mut c = client(PASS);
    c.allocate(now);
    let first = parse(&c.poll_write().unwrap());
    c.handle_read(now, &error(&first, 401, Some("n")));
    let second = parse(&c.poll_write().unwrap());
    let unsigned = reply(&second, CLASS_SUCCESS_RESPONSE, |m| {
        XorMappedAddress {
            ip: "192.0.2.99".parse().unwrap(),
            port: 1,
        }
        .add_to_as(m, ATTR_XOR_RELAYED_ADDRESS)
        .unwrap();
    });
    c.handle_read(now, &unsigned);
    assert_eq!(
        events(&mut c),
        vec![TurnEvent::Failed(TurnError::Malformed)]
    );
}

#[test]
fn refresh_goes_out_before_expiry_and_its_failure_is_reported() {
    let (mut c, now) = allocated();
    events(&mut c);
    let due = c.poll_timeout().unwrap();
    assert_eq!(due, now + LIFETIME - REFRESH_MARGIN);
    c.handle_timeout(due);
    let refresh = parse(&c.poll_write().unwrap());
    assert_eq!(refresh.typ.method, METHOD_REFRESH);
    c.handle_read(
        due,
        &signed_success(&refresh, |m| m.add(ATTR_LIFETIME, &600u32.to_be_bytes())),
    );
    assert_eq!(
        events(&mut c),
        vec![TurnEvent::Refreshed {
            lifetime: Duration::from_secs(600)
        }]
    );
    let due = c.poll_timeout().unwrap();
    c.handle_timeout(due);
    let refresh = parse(&c.poll_write().unwrap());
    c.handle_read(due, &error(&refresh, 508, None));
    assert!(matches!(
        events(&mut c)[..],
        [TurnEvent::Failed(TurnError::Refused {
            request: Request::Refresh,
            code: 508,
            ..
        })]
    ));
}

#[test]
fn server_silence_times_out() {
    let now = Instant::now();
    let mut c = client(PASS);
    c.allocate(now);
    c.poll_write().unwrap();
    c.handle_timeout(now + REQUEST_TIMEOUT);
    assert_eq!(
        events(&mut c),
        vec![TurnEvent::Failed(TurnError::Timeout {
            request: Request::Allocate,
            secs: 5
        })]
    );
}

#[test]
fn permissions_attempts_and_binds() {
    let (mut c, now) = allocated();
    events(&mut c);
    c.create_permission(now, &["203.0.113.1".parse().unwrap()]);
    let perm = parse(&c.poll_write().unwrap());
    assert_eq!(perm.typ.method, METHOD_CREATE_PERMISSION);
    c.handle_read(now, &signed_success(&perm, |_| {}));
    assert_eq!(
        events(&mut c),
        vec![TurnEvent::PermissionGranted(vec!["203.0.113.1"
            .parse()
            .unwrap()])]
    );
    // The server announces a peer's connection, split across two reads.
    let mut ind = Message::new();
    ind.set_type(MessageType::new(
        METHOD_CONNECTION_ATTEMPT,
        CLASS_INDICATION,
    ));
    ind.write_header();
    ind.add(ATTR_CONNECTION_ID, &7u32.to_be_bytes());
    XorMappedAddress {
        ip: "203.0.113.1".parse().unwrap(),
        port: 40000,
    }
    .add_to_as(&mut ind, ATTR_XOR_PEER_ADDRESS)
    .unwrap();
    ind.write_length();
    c.handle_read(now, &ind.raw[..10]);
    c.handle_read(now, &ind.raw[10..]);
    assert_eq!(
        events(&mut c),
        vec![TurnEvent::ConnectionAttempt {
            id: 7,
            peer: "203.0.113.1:40000".parse().unwrap()
        }]
    );
    let bind = parse(&c.connection_bind(7));
    assert_eq!(bind.typ.method, METHOD_CONNECTION_BIND);
    assert_eq!(bind.get(ATTR_CONNECTION_ID).unwrap(), 7u32.to_be_bytes());
    assert!(bind.contains(ATTR_MESSAGE_INTEGRITY));
    let ok = reply(&bind, CLASS_SUCCESS_RESPONSE, |_| {});
    assert_eq!(connection_bind_result(&ok), Ok(()));
}

#[test]
fn garbage_from_the_server_fails_cleanly() {
    let now = Instant::now();
    let mut c = client(PASS);
    c.allocate(now);
    c.handle_read(now, &[0xff; 40]);
    assert_eq!(
        events(&mut c),
        vec![TurnEvent::Failed(TurnError::Malformed)]
    );
}

#[test]
fn connect_opens_the_outgoing_direction() {
    let (mut c, now) = allocated();
    events(&mut c);
    let peer: SocketAddr = "203.0.113.2:45000".parse().unwrap();
    c.connect(now, peer);
    let request = parse(&c.poll_write().unwrap());
    assert_eq!(request.typ.method, METHOD_CONNECT);
    let mut asked = XorMappedAddress::default();
    asked.get_from_as(&request, ATTR_XOR_PEER_ADDRESS).unwrap();
    assert_eq!(SocketAddr::new(asked.ip, asked.port), peer);
    c.handle_read(
        now,
        &signed_success(&request, |m| m.add(ATTR_CONNECTION_ID, &9u32.to_be_bytes())),
    );
    assert_eq!(events(&mut c), vec![TurnEvent::Connected { id: 9, peer }]);
    // Refused: reported, and the allocation lives on.
    c.connect(now, peer);
    let request = parse(&c.poll_write().unwrap());
    c.handle_read(now, &error(&request, 447, None));
    assert!(matches!(
        events(&mut c)[..],
        [TurnEvent::Failed(TurnError::Refused {
            request: Request::Connect,
            code: 447,
            ..
        })]
    ));
    c.create_permission(now, &["203.0.113.1".parse().unwrap()]);
    assert!(
        c.poll_write().is_some(),
        "the client still works after a refused Connect"
    );
}

#[test]
fn an_ipv6_allocation_asks_for_the_ipv6_family_also_after_the_challenge() {
    let now = Instant::now();
    let mut c = client(PASS);
    c.allocate_ipv6(now);
    let first = parse(&c.poll_write().unwrap());
    assert_eq!(
        first.get(ATTR_REQUESTED_ADDRESS_FAMILY).unwrap(),
        vec![2, 0, 0, 0]
    );
    c.handle_read(now, &error(&first, 401, Some("nonce-1")));
    let second = parse(&c.poll_write().unwrap());
    assert!(second.contains(ATTR_MESSAGE_INTEGRITY));
    assert_eq!(
        second.get(ATTR_REQUESTED_ADDRESS_FAMILY).unwrap(),
        vec![2, 0, 0, 0]
    );
    // An IPv4 allocation leaves the family to the default.
    let mut v4 = client(PASS);
    v4.allocate(now);
    assert!(!parse(&v4.poll_write().unwrap()).contains(ATTR_REQUESTED_ADDRESS_FAMILY));
}

#[test]
fn only_a_refused_permission_leaves_the_allocation_standing() {
    let refused = |request| TurnError::Refused {
        request,
        code: 403,
        reason: "Forbidden IP".into(),
    };
    assert!(!refused(Request::Permission).ends_allocation());
    assert!(refused(Request::Refresh).ends_allocation());
    assert!(refused(Request::Connect).ends_allocation());
    assert!(TurnError::Closed.ends_allocation());
    assert_eq!(
        refused(Request::Permission).to_string(),
        "the TURN server refused CreatePermission: 403 Forbidden IP"
    );
}
