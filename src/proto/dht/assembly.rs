//! Reassembly of values that travel as parts (`opendht-wire.md` §1): a message whose `values`
//! are sizes, then `"v"` datagrams carrying `(index, offset, bytes)`.
//!
//! A datagram's source address is free to forge, so this is where a stranger could make the node
//! allocate: the sizes are only *declared*. The rules, each a named limit below:
//! - the engine admits an assembly only for a request it would serve anyway (a put with a valid
//!   token, an update from a node we listen on) or for a reply from the very address the request
//!   went to; this module then bounds what an admitted one may hold;
//! - a message declares at most [`MAX_REQUEST_VALUES`] (a request) or [`MAX_REPLY_VALUES`] (a
//!   reply) values, each at most [`MAX_PART_VALUE`] bytes, at most [`MAX_ASSEMBLY_BYTES`] in all;
//! - everything in progress, declared or buffered early, stays under [`MAX_TOTAL_BYTES`];
//! - buffers grow as parts arrive, never from a declared size alone;
//! - parts ahead of their header are kept only for replies we are waiting for.
//!
//! Pure: `now` is an argument.

use super::message::Message;
use super::value::MAX_VALUE_SIZE;
use std::collections::HashMap;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

/// A whole assembly must arrive within this (`RX_MAX_PACKET_TIME`).
pub const PARTS_TOTAL_TIMEOUT: Duration = Duration::from_secs(10);
/// ... and with no gap longer than this (`RX_TIMEOUT`).
pub const PARTS_IDLE_TIMEOUT: Duration = Duration::from_secs(3);
/// Assemblies in progress at once; beyond, new ones are dropped.
pub const MAX_ASSEMBLIES: usize = 128;
/// Parts buffered before their header arrives, per assembly.
pub const MAX_EARLY_PARTS: usize = 64;
/// Largest value a size may declare: the largest value plus its envelope.
pub const MAX_PART_VALUE: usize = MAX_VALUE_SIZE + 32;
/// Values one request may declare: OpenDHT puts one value a message, an update pushes a few.
pub const MAX_REQUEST_VALUES: usize = 64;
/// Values one reply may declare: a busy key holds at most this many at any node.
pub const MAX_REPLY_VALUES: usize = super::storage::MAX_VALUES_PER_KEY;
/// Declared bytes of one assembly: a busy key's whole answer (120 values of 2 KiB is 240 KiB).
pub const MAX_ASSEMBLY_BYTES: usize = 8 << 20;
/// Declared and early-buffered bytes across every assembly in progress: the most a flood of
/// admitted assemblies can make the node hold.
pub const MAX_TOTAL_BYTES: usize = 16 << 20;

/// Which message an assembly belongs to: its sender and transaction id.
pub type Key = (SocketAddr, u32);

/// Why a header or a part was not taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refused {
    TooManyValues,
    ValueTooLarge,
    AssemblyTooLarge,
    Busy,
    NotExpected,
    OutOfOrder,
}

struct Assembly {
    header: Option<Message>,
    sizes: Vec<usize>,
    early: Vec<(usize, usize, Vec<u8>)>,
    early_bytes: usize,
    buffers: Vec<Vec<u8>>,
    started: Instant,
    last: Instant,
}

impl Assembly {
    fn new(now: Instant) -> Assembly {
        Assembly {
            header: None,
            sizes: Vec::new(),
            early: Vec::new(),
            early_bytes: 0,
            buffers: Vec::new(),
            started: now,
            last: now,
        }
    }

    /// Bytes this assembly may come to hold.
    fn reserved(&self) -> usize {
        self.sizes.iter().sum::<usize>() + self.early_bytes
    }

    fn complete(&self) -> bool {
        self.header.is_some()
            && self
                .buffers
                .iter()
                .zip(&self.sizes)
                .all(|(b, s)| b.len() == *s)
    }

    fn apply(&mut self, (index, offset, data): (usize, usize, Vec<u8>)) -> Result<(), Refused> {
        let (Some(buf), Some(size)) = (self.buffers.get_mut(index), self.sizes.get(index)) else {
            return Err(Refused::NotExpected);
        };
        // Parts arrive in order of offset from real nodes; anything else (overlap, gap filled
        // twice, beyond the declared size) is refused.
        if offset != buf.len() || offset + data.len() > *size {
            return Err(Refused::OutOfOrder);
        }
        if buf.capacity() == 0 {
            // The first part of this value arrived: room for the value it declared (bounded by
            // MAX_PART_VALUE), not for every value of the message at once.
            buf.reserve_exact(*size);
        }
        buf.extend_from_slice(&data);
        Ok(())
    }
}

/// Every assembly in progress.
#[derive(Default)]
pub struct Assemblies {
    map: HashMap<Key, Assembly>,
}

impl Assemblies {
    /// Bytes every assembly in progress may come to hold.
    pub fn reserved(&self) -> usize {
        self.map.values().map(Assembly::reserved).sum()
    }

    pub fn len(&self) -> usize {
        self.map.len()
    }

    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }

    /// Take a header whose values are `sizes`, from a source the engine admitted.
    pub fn start(
        &mut self,
        now: Instant,
        key: Key,
        header: Message,
        sizes: Vec<usize>,
    ) -> Result<(), Refused> {
        let limit = if header.kind.is_request() {
            MAX_REQUEST_VALUES
        } else {
            MAX_REPLY_VALUES
        };
        if sizes.len() > limit {
            return Err(Refused::TooManyValues);
        }
        if sizes.iter().any(|s| *s > MAX_PART_VALUE) {
            return Err(Refused::ValueTooLarge);
        }
        let declared: usize = sizes.iter().sum();
        if declared > MAX_ASSEMBLY_BYTES {
            return Err(Refused::AssemblyTooLarge);
        }
        let others: usize = self
            .map
            .iter()
            .filter(|(k, _)| **k != key)
            .map(|(_, a)| a.reserved())
            .sum();
        if others + declared > MAX_TOTAL_BYTES
            || (!self.map.contains_key(&key) && self.map.len() >= MAX_ASSEMBLIES)
        {
            return Err(Refused::Busy);
        }
        let a = self.map.entry(key).or_insert_with(|| Assembly::new(now));
        if a.header.is_some() {
            return Err(Refused::NotExpected);
        }
        a.buffers = sizes.iter().map(|_| Vec::new()).collect();
        a.sizes = sizes;
        a.header = Some(header);
        a.last = now;
        a.early_bytes = 0;
        for part in std::mem::take(&mut a.early) {
            // A bad early part only costs itself.
            let _ = a.apply(part);
        }
        Ok(())
    }

    /// Take one part. `reply_expected`: the engine waits for a reply with this key's tid from
    /// this address, so parts may come before their header.
    pub fn add_part(
        &mut self,
        now: Instant,
        key: Key,
        part: (usize, usize, Vec<u8>),
        reply_expected: bool,
    ) -> Result<(), Refused> {
        if part.2.len() > MAX_PART_VALUE {
            return Err(Refused::ValueTooLarge);
        }
        if !self.map.contains_key(&key) {
            if !reply_expected {
                return Err(Refused::NotExpected);
            }
            if self.map.len() >= MAX_ASSEMBLIES {
                return Err(Refused::Busy);
            }
        }
        let room = MAX_TOTAL_BYTES.saturating_sub(self.reserved());
        let a = self.map.entry(key).or_insert_with(|| Assembly::new(now));
        a.last = now;
        if a.header.is_some() {
            return a.apply(part);
        }
        if a.early.len() >= MAX_EARLY_PARTS || part.2.len() > room {
            return Err(Refused::Busy);
        }
        a.early_bytes += part.2.len();
        a.early.push(part);
        Ok(())
    }

    /// The header and the values' bytes of a finished assembly, removed from the set.
    pub fn take_complete(&mut self, key: Key) -> Option<(Message, Vec<Vec<u8>>)> {
        if !self.map.get(&key).is_some_and(Assembly::complete) {
            return None;
        }
        let a = self.map.remove(&key)?;
        Some((a.header?, a.buffers))
    }

    /// Drop the assemblies that took too long or went quiet.
    pub fn expire(&mut self, now: Instant) {
        self.map.retain(|_, a| {
            now < a.started + PARTS_TOTAL_TIMEOUT && now < a.last + PARTS_IDLE_TIMEOUT
        });
    }

    /// When [`Assemblies::expire`] next has something to do.
    pub fn next_deadline(&self) -> Option<Instant> {
        self.map
            .values()
            .map(|a| (a.started + PARTS_TOTAL_TIMEOUT).min(a.last + PARTS_IDLE_TIMEOUT))
            .min()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::proto::dht::message::Kind;

    fn addr(port: u16) -> SocketAddr {
        SocketAddr::from(([192, 0, 2, 1], port))
    }

    fn header(kind: Kind) -> Message {
        Message {
            kind,
            tid: 7,
            ..Message::default()
        }
    }

    #[test]
    fn a_value_is_reassembled_from_parts_in_order() {
        let now = Instant::now();
        let mut set = Assemblies::default();
        let key = (addr(1), 7);
        set.start(now, key, header(Kind::Put), vec![5]).unwrap();
        set.add_part(now, key, (0, 0, b"abc".to_vec()), false)
            .unwrap();
        assert!(set.take_complete(key).is_none());
        assert_eq!(
            set.add_part(now, key, (0, 1, b"x".to_vec()), false),
            Err(Refused::OutOfOrder)
        );
        set.add_part(now, key, (0, 3, b"de".to_vec()), false)
            .unwrap();
        let (_, values) = set.take_complete(key).unwrap();
        assert_eq!(values, vec![b"abcde".to_vec()]);
        assert!(set.is_empty());
    }

    #[test]
    fn declared_sizes_allocate_nothing_and_are_bounded() {
        let now = Instant::now();
        let mut set = Assemblies::default();
        // The attack: 20,000 values of 65,000 bytes declared in one datagram.
        let sizes = vec![65_000; 20_000];
        assert_eq!(
            set.start(now, (addr(1), 1), header(Kind::Put), sizes.clone()),
            Err(Refused::TooManyValues)
        );
        assert_eq!(
            set.start(now, (addr(1), 2), header(Kind::Reply), sizes),
            Err(Refused::TooManyValues)
        );
        assert_eq!(
            set.start(
                now,
                (addr(1), 3),
                header(Kind::Put),
                vec![MAX_PART_VALUE + 1]
            ),
            Err(Refused::ValueTooLarge)
        );
        assert_eq!(
            set.start(now, (addr(1), 4), header(Kind::Reply), vec![60_000; 200]),
            Err(Refused::AssemblyTooLarge)
        );
        // Admitted assemblies together stay under the total, whatever they declare.
        let mut admitted = 0;
        for tid in 0..1000 {
            let key = (addr(2), 100 + tid);
            if set
                .start(now, key, header(Kind::Reply), vec![60_000; 100])
                .is_ok()
            {
                admitted += 1;
            }
        }
        assert!(set.reserved() <= MAX_TOTAL_BYTES);
        assert_eq!(admitted, MAX_TOTAL_BYTES / 6_000_000);
        // Nothing was allocated from the declared sizes.
        assert!(set
            .map
            .values()
            .all(|a| a.buffers.iter().all(|b| b.capacity() == 0)));
    }

    #[test]
    fn parts_nobody_waits_for_are_refused_and_early_ones_are_bounded() {
        let now = Instant::now();
        let mut set = Assemblies::default();
        assert_eq!(
            set.add_part(now, (addr(1), 1), (0, 0, vec![1; 100]), false),
            Err(Refused::NotExpected)
        );
        let key = (addr(1), 2);
        for n in 0..MAX_EARLY_PARTS {
            set.add_part(now, key, (0, n * 10, vec![1; 10]), true)
                .unwrap();
        }
        assert_eq!(
            set.add_part(now, key, (0, 0, vec![1; 10]), true),
            Err(Refused::Busy)
        );
        // The header arrives and the early parts count.
        set.start(now, key, header(Kind::Reply), vec![MAX_EARLY_PARTS * 10])
            .unwrap();
        assert!(set.take_complete(key).is_some());
    }

    #[test]
    fn quiet_or_slow_assemblies_expire() {
        let now = Instant::now();
        let mut set = Assemblies::default();
        let key = (addr(1), 1);
        set.start(now, key, header(Kind::Put), vec![10]).unwrap();
        assert_eq!(set.next_deadline(), Some(now + PARTS_IDLE_TIMEOUT));
        set.expire(now + PARTS_IDLE_TIMEOUT);
        assert!(set.is_empty());
    }
}
