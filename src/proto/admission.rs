//! Who a receiver does work for: the admission policy for connection offers, decided on the
//! signer and the offer's own fields before anything is allocated, listened on or dialled.
//!
//! Anyone can make an identity whose offers verify, so an opened offer is only a claim that
//! costs its sender nothing. Answering it costs the receiver TURN allocations, listeners, a
//! UPnP mapping and 15 s of dials to every candidate it lists. The signer is decided on first:
//! `--from`, then the per-device and per-account rates ([`Admission::admit`]); then the offer's
//! fields ([`check_offer`]: candidate count, ICE credentials); the connector then takes a
//! transfer slot (`--max-concurrent`) and a bounded answer slot. Refusals a person can act on
//! (`--from`, busy) are told to the sender within a small global budget ([`Admission::tell`]). Candidates that pass
//! are dialled only within the scopes this side offers itself ([`dialable`]).
//!
//! Pure: time is an argument; nothing here touches a socket or the clock.

use crate::proto::identity::{Id, PeerIdentity, Pin};
use std::collections::HashMap;
use std::net::IpAddr;
use std::time::{Duration, Instant};

/// Most candidates an offer may list: ferry offers one passive and one active candidate per
/// address, a relay per family and a UPnP mapping; 16 leaves room for a multi-homed host, and
/// a stranger cannot make us dial hundreds of addresses.
pub const MAX_CANDIDATES: usize = 16;
/// Most public addresses an offer may list (TURN permissions are asked for each).
pub const MAX_PUBLIC_ADDRS: usize = 4;
/// Longest candidate line accepted (a real one is under 120 characters).
pub const MAX_CANDIDATE_LINE: usize = 256;
/// ICE credential lengths (RFC 8445 §5.3: ufrag 4 to 256 ice-chars, pwd 22 to 256).
pub const UFRAG_LEN: std::ops::RangeInclusive<usize> = 4..=256;
pub const PWD_LEN: std::ops::RangeInclusive<usize> = 22..=256;
/// Offers one device may have answered in a burst, then one per [`DEVICE_REFILL`]: a person
/// sending files one after another never meets it.
pub const DEVICE_BURST: u32 = 8;
pub const DEVICE_REFILL: Duration = Duration::from_secs(2);
/// The same for all devices of one account together.
pub const ACCOUNT_BURST: u32 = 16;
pub const ACCOUNT_REFILL: Duration = Duration::from_secs(1);
/// Refusals told to their senders (a signed answer saying so, one DHT put each), across all
/// senders: a person refused by `--from` or as busy hears it at once instead of waiting 30 s
/// for an answer, and a flood of strangers' offers gets at most this many puts.
pub const REFUSAL_BURST: u32 = 16;
pub const REFUSAL_REFILL: Duration = Duration::from_millis(250);
/// Signers remembered by each rate limiter; beyond, the ones whose bucket is full again are
/// forgotten first (forgetting them changes nothing), then the longest idle.
pub const MAX_TRACKED: usize = 4096;

/// Why an offer is dropped before any work is done for it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    #[error("offer lists {count} candidates (at most {MAX_CANDIDATES})")]
    TooManyCandidates { count: usize },
    #[error("offer lists {count} public addresses (at most {MAX_PUBLIC_ADDRS})")]
    TooManyPublicAddrs { count: usize },
    #[error("offer has a candidate line of {len} bytes (at most {MAX_CANDIDATE_LINE})")]
    CandidateTooLong { len: usize },
    #[error("offer's ICE ufrag is not 4 to 256 ICE characters")]
    BadUfrag,
    #[error("offer's ICE pwd is not 22 to 256 ICE characters")]
    BadPwd,
    #[error("offer from {peer}, which --from does not allow")]
    NotAllowed { peer: PeerIdentity },
    #[error("too many offers from device {device}; dropped")]
    DeviceRate { device: Id },
    #[error("too many offers from account {account}; dropped")]
    AccountRate { account: Id },
    #[error("busy: every transfer slot is taken; offer from {peer} dropped")]
    Busy { peer: PeerIdentity },
    #[error("{limit} offers are being answered already; offer from {peer} dropped")]
    TooManyAnswers { limit: usize, peer: PeerIdentity },
}

impl Refusal {
    /// Whether the sender may be told (within [`REFUSAL_BURST`]): a refusal by policy that a
    /// real person can act on. Malformed or flooding offers are only dropped.
    pub fn worth_telling(&self) -> bool {
        matches!(self, Refusal::NotAllowed { .. } | Refusal::Busy { .. })
    }
}

/// RFC 8445 ice-char: ALPHA / DIGIT / "+" / "/".
fn is_ice_chars(s: &str, len: std::ops::RangeInclusive<usize>) -> bool {
    len.contains(&s.len())
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'+' || b == b'/')
}

/// The checks on an offer's own fields, before its signer is even considered.
pub fn check_offer(
    ufrag: &str,
    pwd: &str,
    candidates: &[String],
    public_addrs: &[String],
) -> Result<(), Refusal> {
    if candidates.len() > MAX_CANDIDATES {
        return Err(Refusal::TooManyCandidates {
            count: candidates.len(),
        });
    }
    if public_addrs.len() > MAX_PUBLIC_ADDRS {
        return Err(Refusal::TooManyPublicAddrs {
            count: public_addrs.len(),
        });
    }
    if let Some(line) = candidates
        .iter()
        .chain(public_addrs)
        .find(|l| l.len() > MAX_CANDIDATE_LINE)
    {
        return Err(Refusal::CandidateTooLong { len: line.len() });
    }
    if !is_ice_chars(ufrag, UFRAG_LEN) {
        return Err(Refusal::BadUfrag);
    }
    if !is_ice_chars(pwd, PWD_LEN) {
        return Err(Refusal::BadPwd);
    }
    Ok(())
}

/// An address scope that only makes sense if this side is in it too.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    Loopback,
    LinkLocal,
    /// Multicast, unspecified, broadcast: never a peer.
    Never,
    /// Anything else (private or public): routable as far as we can tell.
    Routable,
}

pub fn scope(ip: IpAddr) -> Scope {
    match ip.to_canonical() {
        IpAddr::V4(v4) => {
            if v4.is_loopback() {
                Scope::Loopback
            } else if v4.is_link_local() {
                Scope::LinkLocal
            } else if v4.is_multicast() || v4.is_unspecified() || v4.is_broadcast() {
                Scope::Never
            } else {
                Scope::Routable
            }
        }
        IpAddr::V6(v6) => {
            if v6.is_loopback() {
                Scope::Loopback
            } else if (v6.segments()[0] & 0xffc0) == 0xfe80 {
                Scope::LinkLocal
            } else if v6.is_multicast() || v6.is_unspecified() {
                Scope::Never
            } else {
                Scope::Routable
            }
        }
    }
}

/// Whether a peer's candidate at `ip` may be dialled, given the addresses `offered` by this
/// side: loopback and link-local only if we offer that scope ourselves (two devices on one
/// host or one link), multicast, unspecified and broadcast never.
pub fn dialable(ip: IpAddr, offered: &[IpAddr]) -> bool {
    match scope(ip) {
        Scope::Routable => true,
        Scope::Never => false,
        own => offered.iter().any(|o| scope(*o) == own),
    }
}

/// A token bucket per key: `burst` at once, then one per `refill`. Time is an argument.
#[derive(Debug)]
pub struct RateLimiter<K> {
    burst: u32,
    refill: Duration,
    buckets: HashMap<K, (f64, Instant)>,
}

impl<K: std::hash::Hash + Eq + Copy> RateLimiter<K> {
    pub fn new(burst: u32, refill: Duration) -> Self {
        RateLimiter {
            burst,
            refill,
            buckets: HashMap::new(),
        }
    }

    fn level(&self, tokens: f64, since: Instant, now: Instant) -> f64 {
        let refilled =
            now.saturating_duration_since(since).as_secs_f64() / self.refill.as_secs_f64();
        (tokens + refilled).min(f64::from(self.burst))
    }

    /// Whether `key` may do one more now (it is then counted).
    pub fn allow(&mut self, key: K, now: Instant) -> bool {
        if !self.buckets.contains_key(&key) && self.buckets.len() >= MAX_TRACKED {
            self.forget(now);
        }
        let burst = f64::from(self.burst);
        let (tokens, since) = self.buckets.get(&key).copied().unwrap_or((burst, now));
        let tokens = self.level(tokens, since, now);
        if tokens < 1.0 {
            self.buckets.insert(key, (tokens, now));
            return false;
        }
        self.buckets.insert(key, (tokens - 1.0, now));
        true
    }

    /// Make room: drop the keys whose bucket is full again, and if none, the longest idle.
    fn forget(&mut self, now: Instant) {
        let burst = f64::from(self.burst);
        let full: Vec<K> = self
            .buckets
            .iter()
            .filter(|(_, (t, s))| self.level(*t, *s, now) >= burst)
            .map(|(k, _)| *k)
            .collect();
        for k in &full {
            self.buckets.remove(k);
        }
        if full.is_empty() {
            if let Some(oldest) = self
                .buckets
                .iter()
                .min_by_key(|(_, (_, since))| *since)
                .map(|(k, _)| *k)
            {
                self.buckets.remove(&oldest);
            }
        }
    }

    pub fn tracked(&self) -> usize {
        self.buckets.len()
    }
}

/// The signer checks: `--from`, then the per-device and per-account rates; and the budget
/// of refusals told.
#[derive(Debug)]
pub struct Admission {
    from: Pin,
    devices: RateLimiter<Id>,
    accounts: RateLimiter<Id>,
    told: RateLimiter<()>,
}

impl Admission {
    pub fn new(from: Pin) -> Self {
        Admission {
            from,
            devices: RateLimiter::new(DEVICE_BURST, DEVICE_REFILL),
            accounts: RateLimiter::new(ACCOUNT_BURST, ACCOUNT_REFILL),
            told: RateLimiter::new(REFUSAL_BURST, REFUSAL_REFILL),
        }
    }

    /// Whether `refusal` should be told to its sender now (and is counted if so).
    pub fn tell(&mut self, refusal: &Refusal, now: Instant) -> bool {
        refusal.worth_telling() && self.told.allow((), now)
    }

    /// Whether an offer signed by `peer` may be answered; a refused signer is not counted
    /// against the rates (it costs nothing).
    pub fn admit(&mut self, peer: &PeerIdentity, now: Instant) -> Result<(), Refusal> {
        if !self.from.allows(peer) {
            return Err(Refusal::NotAllowed { peer: *peer });
        }
        if !self.devices.allow(peer.device, now) {
            return Err(Refusal::DeviceRate {
                device: peer.device,
            });
        }
        if !self.accounts.allow(peer.account, now) {
            return Err(Refusal::AccountRate {
                account: peer.account,
            });
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests;
