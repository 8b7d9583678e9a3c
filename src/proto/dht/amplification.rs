//! Anti-amplification: a datagram's source address is free to forge, so a node that answers a
//! small request with a large reply is a weapon pointed at whoever's address was forged
//! (an 81-byte `get` used to bring 24.7 MB back to it).
//!
//! An address is *verified* once it proved it receives what we send there: it answered one of
//! our requests, or presented a write token (which only travels in our replies to it).
//! A verified address gets its answers whole. An unverified one gets at most
//! [`AMPLIFICATION_FACTOR`] times the bytes of its request; when the whole answer is larger, the
//! request is *held* ([`Held`]) while the node pings the address: an honest node answers the ping
//! within a round trip and then gets the whole answer; a victim never asked anything and is
//! sent one ping. Held requests that see no proof within [`HOLD_WAIT`] get the answer cut to
//! the budget ([`fit_to_budget`]).
//!
//! Pure: `now` is an argument.

use super::message::{Message, WireValue, PART_SIZE};
use std::collections::{HashMap, VecDeque};
use std::net::SocketAddr;
use std::time::{Duration, Instant};

/// An unverified address gets at most this many times the bytes it sent (dhtnode gives up to
/// ×37,000).
pub const AMPLIFICATION_FACTOR: usize = 10;
/// Verified addresses remembered; the one heard from longest ago is forgotten first.
pub const MAX_VERIFIED: usize = 16_384;
/// A proof lasts this long after the address last gave one.
pub const VERIFIED_FOR: Duration = Duration::from_secs(30 * 60);
/// How long a held request waits for its source to answer our ping (several round trips).
pub const HOLD_WAIT: Duration = Duration::from_secs(2);
/// Requests held at once, and per source address: beyond, they get the budget at once.
pub const MAX_HELD: usize = 256;
pub const MAX_HELD_PER_SOURCE: usize = 4;
/// Bytes a value part costs beyond its data (envelope, tid, index, offset), rounded up.
const PART_OVERHEAD: usize = 64;

/// Addresses that proved they receive what we send them.
#[derive(Default)]
pub struct Verified {
    map: HashMap<SocketAddr, Instant>,
}

impl Verified {
    /// `addr` just proved itself.
    pub fn prove(&mut self, addr: SocketAddr, now: Instant) {
        if !self.map.contains_key(&addr) && self.map.len() >= MAX_VERIFIED {
            self.forget_stale(now);
            if self.map.len() >= MAX_VERIFIED {
                if let Some(oldest) = self.map.iter().min_by_key(|(_, t)| **t).map(|(a, _)| *a) {
                    self.map.remove(&oldest);
                }
            }
        }
        self.map.insert(addr, now);
    }

    pub fn is_verified(&self, addr: &SocketAddr, now: Instant) -> bool {
        self.map
            .get(addr)
            .is_some_and(|at| now < *at + VERIFIED_FOR)
    }

    /// Forget the proofs that lapsed.
    pub fn forget_stale(&mut self, now: Instant) {
        self.map.retain(|_, at| now < *at + VERIFIED_FOR);
    }
}

/// Requests held until their source proves its address.
pub struct Held<T> {
    queue: VecDeque<(SocketAddr, Instant, T)>,
}

impl<T> Default for Held<T> {
    fn default() -> Self {
        Held {
            queue: VecDeque::new(),
        }
    }
}

/// What [`Held::hold`] did.
#[derive(Debug, PartialEq, Eq)]
pub enum Hold<T> {
    /// Held; the first for this source, so ask it for a proof.
    AskForProof,
    /// Held behind an earlier request from the same source.
    Queued,
    /// No room: answer within the budget now.
    Full(T),
}

impl<T> Held<T> {
    pub fn hold(&mut self, from: SocketAddr, now: Instant, item: T) -> Hold<T> {
        let mine = self.queue.iter().filter(|(a, _, _)| *a == from).count();
        if self.queue.len() >= MAX_HELD || mine >= MAX_HELD_PER_SOURCE {
            return Hold::Full(item);
        }
        self.queue.push_back((from, now + HOLD_WAIT, item));
        if mine == 0 {
            Hold::AskForProof
        } else {
            Hold::Queued
        }
    }

    /// The requests of `from`, which just proved its address.
    pub fn release(&mut self, from: SocketAddr) -> Vec<T> {
        let mut out = Vec::new();
        let mut keep = VecDeque::with_capacity(self.queue.len());
        for (addr, until, item) in self.queue.drain(..) {
            if addr == from {
                out.push(item);
            } else {
                keep.push_back((addr, until, item));
            }
        }
        self.queue = keep;
        out
    }

    /// The requests whose wait is over.
    pub fn expired(&mut self, now: Instant) -> Vec<(SocketAddr, T)> {
        let mut out = Vec::new();
        while self
            .queue
            .front()
            .is_some_and(|(_, until, _)| *until <= now)
        {
            if let Some((addr, _, item)) = self.queue.pop_front() {
                out.push((addr, item));
            }
        }
        out
    }

    pub fn next_deadline(&self) -> Option<Instant> {
        self.queue.front().map(|(_, until, _)| *until)
    }

    pub fn is_holding(&self, from: SocketAddr) -> bool {
        self.queue.iter().any(|(a, _, _)| *a == from)
    }
}

/// Bytes `value` costs in a reply: inline, or as a size plus its parts.
fn value_cost(packed_len: usize) -> usize {
    packed_len + 8 + packed_len.div_ceil(PART_SIZE) * PART_OVERHEAD
}

/// Bytes the whole reply costs on the wire (an upper bound for values, exact for the rest).
/// The values are set aside while the rest is encoded, never copied: this runs for every
/// unverified `get`.
pub fn reply_cost(reply: &mut Message) -> usize {
    let values = std::mem::take(&mut reply.values);
    let bare = reply.encode().len();
    reply.values = values;
    bare + values_cost(&reply.values)
}

fn values_cost(values: &[WireValue]) -> usize {
    values
        .iter()
        .map(|v| match v {
            WireValue::Inline(v) => value_cost(v.packed().len()),
            WireValue::Size(n) => value_cost(*n),
        })
        .sum()
}

/// Cut `reply` to at most `budget` bytes: values first (those that fit are kept, in order),
/// then selected fields, then the IPv6 and IPv4 node lists. Returns how many values were cut.
pub fn fit_to_budget(reply: &mut Message, budget: usize) -> usize {
    let values = std::mem::take(&mut reply.values);
    let mut spent = reply.encode().len();
    while spent > budget {
        let cut = reply.fields.take().is_some()
            || reply.nodes6.pop().is_some()
            || reply.nodes4.pop().is_some();
        if !cut {
            break;
        }
        spent = reply.encode().len();
    }
    let total = values.len();
    for v in values {
        let cost = values_cost(std::slice::from_ref(&v));
        if spent + cost > budget {
            continue;
        }
        spent += cost;
        reply.values.push(v);
    }
    total - reply.values.len()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::proto::dht::message::Kind;
    use crate::proto::dht::value::Value;

    fn addr(port: u16) -> SocketAddr {
        SocketAddr::from(([198, 51, 100, 7], port))
    }

    #[test]
    fn a_proof_lasts_its_time_and_the_set_is_bounded() {
        let now = Instant::now();
        let mut v = Verified::default();
        v.prove(addr(1), now);
        assert!(v.is_verified(&addr(1), now + VERIFIED_FOR - Duration::from_secs(1)));
        assert!(!v.is_verified(&addr(1), now + VERIFIED_FOR));
        assert!(!v.is_verified(&addr(2), now));
        for i in 0..(MAX_VERIFIED + 10) {
            v.prove(
                SocketAddr::from(([203, 0, 113, (i % 250) as u8], 1000 + (i / 250) as u16)),
                now + Duration::from_millis(i as u64),
            );
        }
        assert!(v.map.len() <= MAX_VERIFIED);
    }

    #[test]
    fn held_requests_are_released_by_a_proof_or_expire() {
        let now = Instant::now();
        let mut held = Held::default();
        assert_eq!(held.hold(addr(1), now, 1), Hold::AskForProof);
        assert_eq!(held.hold(addr(1), now, 2), Hold::Queued);
        assert_eq!(held.hold(addr(2), now, 3), Hold::AskForProof);
        for n in 0..MAX_HELD_PER_SOURCE - 2 {
            assert_eq!(held.hold(addr(1), now, 10 + n), Hold::Queued);
        }
        assert_eq!(held.hold(addr(1), now, 99), Hold::Full(99));
        assert_eq!(held.release(addr(1)).len(), MAX_HELD_PER_SOURCE);
        assert_eq!(held.next_deadline(), Some(now + HOLD_WAIT));
        assert!(held
            .expired(now + HOLD_WAIT - Duration::from_millis(1))
            .is_empty());
        assert_eq!(held.expired(now + HOLD_WAIT), vec![(addr(2), 3)]);
    }

    #[test]
    fn a_cut_reply_stays_within_the_budget() {
        let mut reply = Message {
            kind: Kind::Reply,
            tid: 1,
            ..Message::default()
        };
        reply.values = (0..50)
            .map(|i| WireValue::Inline(Value::new(i + 1, 0, vec![7; 60_000], "")))
            .collect();
        let full = reply_cost(&mut reply);
        assert!(full > 50 * 60_000);
        let budget = 81 * AMPLIFICATION_FACTOR;
        let cut = fit_to_budget(&mut reply, budget);
        assert_eq!(cut, 50);
        let sent: usize = reply.encode_with_parts().iter().map(Vec::len).sum();
        assert!(sent <= budget, "{sent} > {budget}");
        // A small value still fits.
        reply.values = vec![WireValue::Inline(Value::new(1, 0, vec![7; 100], ""))];
        assert_eq!(fit_to_budget(&mut reply, budget), 0);
        let sent: usize = reply.encode_with_parts().iter().map(Vec::len).sum();
        assert!(sent <= budget && sent <= reply_cost(&mut reply));
    }
}
