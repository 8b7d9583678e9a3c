//! The admission policy in memory: offer fields, scopes, rates with a fake clock.

use super::*;

fn id(n: u8) -> Id {
    Id([n; 20])
}

fn peer(device: u8, account: u8) -> PeerIdentity {
    PeerIdentity {
        device: id(device),
        account: id(account),
    }
}

const PWD: &str = "abcdefghijklmnopqrstuv";

fn lines(n: usize) -> Vec<String> {
    (0..n)
        .map(|i| {
            format!(
                "H1 1 TCP 2130706431 127.0.0.1 {} typ host tcptype passive",
                1000 + i
            )
        })
        .collect()
}

#[test]
fn candidates_beyond_the_limit_are_refused() {
    assert_eq!(
        check_offer("ufra", PWD, &lines(MAX_CANDIDATES), &[]),
        Ok(())
    );
    assert_eq!(
        check_offer("ufra", PWD, &lines(900), &[]),
        Err(Refusal::TooManyCandidates { count: 900 })
    );
    assert_eq!(
        check_offer("ufra", PWD, &[], &vec!["1.2.3.4".into(); 5]),
        Err(Refusal::TooManyPublicAddrs { count: 5 })
    );
    assert_eq!(
        check_offer("ufra", PWD, &["x".repeat(300)], &[]),
        Err(Refusal::CandidateTooLong { len: 300 })
    );
}

#[test]
fn ice_credentials_are_ice_chars_of_legal_length() {
    assert_eq!(check_offer("aB3+/", PWD, &[], &[]), Ok(()));
    for bad in ["abc", "ab\r\ncd", "abcd efg", "abcé", &"a".repeat(257), ""] {
        assert_eq!(
            check_offer(bad, PWD, &[], &[]),
            Err(Refusal::BadUfrag),
            "{bad:?}"
        );
    }
    assert_eq!(check_offer("ufra", "short", &[], &[]), Err(Refusal::BadPwd));
    assert_eq!(
        check_offer("ufra", &format!("{PWD}\r\nHost: x"), &[], &[]),
        Err(Refusal::BadPwd)
    );
    assert_eq!(check_offer("ufra", &"p".repeat(256), &[], &[]), Ok(()));
}

#[test]
fn special_scopes_are_dialled_only_when_offered_here() {
    let ip = |s: &str| s.parse::<IpAddr>().unwrap();
    let public = [ip("192.0.2.7")];
    let with_loopback = [ip("192.0.2.7"), ip("127.0.0.1")];
    assert!(dialable(ip("198.51.100.1"), &public));
    assert!(dialable(ip("10.0.0.1"), &public));
    assert!(!dialable(ip("127.0.0.1"), &public));
    assert!(!dialable(ip("127.9.9.9"), &public));
    assert!(!dialable(ip("::1"), &public));
    assert!(!dialable(ip("::ffff:127.0.0.1"), &public));
    assert!(dialable(ip("127.0.0.1"), &with_loopback));
    assert!(dialable(ip("::1"), &with_loopback));
    assert!(!dialable(ip("169.254.1.1"), &with_loopback));
    assert!(dialable(ip("169.254.1.1"), &[ip("169.254.9.9")]));
    assert!(!dialable(ip("fe80::1"), &public));
    for never in ["224.0.0.1", "0.0.0.0", "255.255.255.255", "ff02::1", "::"] {
        assert!(!dialable(ip(never), &with_loopback), "{never}");
        assert!(!dialable(ip(never), &[ip(never)]), "{never}");
    }
}

#[test]
fn from_is_decided_first_and_refused_signers_cost_no_tokens() {
    let t0 = Instant::now();
    let mut admission = Admission::new(Pin::to([id(1)]));
    for _ in 0..100 {
        assert_eq!(
            admission.admit(&peer(2, 3), t0),
            Err(Refusal::NotAllowed { peer: peer(2, 3) })
        );
    }
    assert_eq!(admission.admit(&peer(1, 9), t0), Ok(()));
    // Allowed by account id too.
    let mut by_account = Admission::new(Pin::to([id(9)]));
    assert_eq!(by_account.admit(&peer(1, 9), t0), Ok(()));
}

#[test]
fn one_device_gets_a_burst_then_one_per_refill() {
    let t0 = Instant::now();
    let mut admission = Admission::new(Pin::any());
    for _ in 0..DEVICE_BURST {
        assert_eq!(admission.admit(&peer(1, 1), t0), Ok(()));
    }
    assert_eq!(
        admission.admit(&peer(1, 1), t0),
        Err(Refusal::DeviceRate { device: id(1) })
    );
    // Another device is not affected.
    assert_eq!(admission.admit(&peer(2, 2), t0), Ok(()));
    let later = t0 + DEVICE_REFILL;
    assert_eq!(admission.admit(&peer(1, 1), later), Ok(()));
    assert!(admission.admit(&peer(1, 1), later).is_err());
}

#[test]
fn many_devices_of_one_account_share_its_rate() {
    let t0 = Instant::now();
    let mut admission = Admission::new(Pin::any());
    for d in 0..ACCOUNT_BURST {
        assert_eq!(admission.admit(&peer(d as u8 + 10, 1), t0), Ok(()));
    }
    assert_eq!(
        admission.admit(&peer(200, 1), t0),
        Err(Refusal::AccountRate { account: id(1) })
    );
    assert_eq!(admission.admit(&peer(200, 1), t0 + ACCOUNT_REFILL), Ok(()));
}

#[test]
fn the_limiter_remembers_a_bounded_number_of_signers() {
    let t0 = Instant::now();
    let mut limiter = RateLimiter::new(1, Duration::from_secs(60));
    for n in 0..(MAX_TRACKED as u32 + 100) {
        assert!(limiter.allow(n, t0 + Duration::from_millis(u64::from(n))));
    }
    assert!(limiter.tracked() <= MAX_TRACKED);
    // A recent key is still limited.
    let last = MAX_TRACKED as u32 + 99;
    assert!(!limiter.allow(last, t0 + Duration::from_millis(u64::from(last))));
}

#[test]
fn refusals_are_told_within_a_small_budget_and_only_policy_ones() {
    let t0 = Instant::now();
    let mut admission = Admission::new(Pin::to([id(1)]));
    let not_allowed = Refusal::NotAllowed { peer: peer(2, 2) };
    for _ in 0..REFUSAL_BURST {
        assert!(admission.tell(&not_allowed, t0));
    }
    assert!(!admission.tell(&not_allowed, t0));
    assert!(admission.tell(&not_allowed, t0 + REFUSAL_REFILL));
    let later = t0 + REFUSAL_REFILL * 10;
    assert!(!admission.tell(&Refusal::BadUfrag, later));
    assert!(!admission.tell(&Refusal::TooManyCandidates { count: 900 }, later));
    assert!(admission.tell(&Refusal::Busy { peer: peer(1, 1) }, later));
}
