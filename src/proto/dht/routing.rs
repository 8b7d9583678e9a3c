//! The routing table: Kademlia buckets of [`BUCKET_SIZE`] nodes by shared-prefix length with
//! our own id. Only nodes that talked to us (a request or a reply) are kept; a node that
//! misses [`MAX_FAILURES`] requests in a row is dropped.

use super::hash::InfoHash;
use super::message::NodeInfo;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

/// Nodes per bucket (`TARGET_NODES`).
pub const BUCKET_SIZE: usize = 8;
/// Requests a node may miss before it is dropped (`MAX_ATTEMPT_COUNT` of one request).
pub const MAX_FAILURES: u8 = 1;
/// A node not heard from for this long is questionable (`NODE_EXPIRE_TIME`).
pub const NODE_EXPIRE_TIME: Duration = Duration::from_secs(10 * 60);

#[derive(Debug, Clone)]
pub struct NodeEntry {
    pub id: InfoHash,
    pub addr: SocketAddr,
    pub last_heard: Instant,
    pub last_reply: Option<Instant>,
    pub failures: u8,
}

impl NodeEntry {
    pub fn is_good(&self, now: Instant) -> bool {
        self.failures < MAX_FAILURES && now.duration_since(self.last_heard) < NODE_EXPIRE_TIME
    }

    pub fn info(&self) -> NodeInfo {
        NodeInfo {
            id: self.id,
            addr: self.addr,
        }
    }
}

pub struct RoutingTable {
    own: InfoHash,
    buckets: Vec<Vec<NodeEntry>>,
}

impl RoutingTable {
    pub fn new(own: InfoHash) -> RoutingTable {
        RoutingTable {
            own,
            buckets: vec![Vec::new(); 161],
        }
    }

    fn bucket_of(&self, id: &InfoHash) -> usize {
        self.own.common_bits(id)
    }

    /// Record that `id` at `addr` talked to us (`replied`: it answered one of our requests).
    /// Returns whether it is a node we did not know.
    pub fn heard(&mut self, id: InfoHash, addr: SocketAddr, now: Instant, replied: bool) -> bool {
        if id == self.own {
            return false;
        }
        // One address is one node: a stranger claiming many ids from one socket must not fill
        // the table (searches would start from nodes that never answer). A node that restarted
        // under a new id proves it by answering.
        let elsewhere = self
            .buckets
            .iter()
            .flatten()
            .find(|e| e.addr == addr && e.id != id)
            .map(|e| e.id);
        if let Some(old) = elsewhere {
            if !replied {
                return false;
            }
            for bucket in &mut self.buckets {
                bucket.retain(|e| e.id != old);
            }
        }
        let index = self.bucket_of(&id);
        let bucket = &mut self.buckets[index];
        if let Some(entry) = bucket.iter_mut().find(|e| e.id == id) {
            // A request under a confirmed node's id from elsewhere does not move it: anyone
            // can claim an id, only an answer at the new address proves it.
            if replied || entry.last_reply.is_none() {
                entry.addr = addr;
            }
            entry.last_heard = now;
            if replied {
                entry.last_reply = Some(now);
                entry.failures = 0;
            }
            return false;
        }
        let entry = NodeEntry {
            id,
            addr,
            last_heard: now,
            last_reply: replied.then_some(now),
            failures: 0,
        };
        if bucket.len() < BUCKET_SIZE {
            bucket.push(entry);
            return true;
        }
        // A full bucket keeps its good nodes; a bad one makes room.
        if let Some(slot) = bucket.iter_mut().find(|e| !e.is_good(now)) {
            *slot = entry;
            return true;
        }
        false
    }

    /// Whether `id` is in the table.
    pub fn contains(&self, id: &InfoHash) -> bool {
        self.buckets[self.bucket_of(id)].iter().any(|e| e.id == *id)
    }

    /// A request to the node at `addr` went unanswered.
    pub fn failed(&mut self, addr: SocketAddr) {
        for bucket in &mut self.buckets {
            bucket.retain_mut(|e| {
                if e.addr == addr {
                    e.failures = e.failures.saturating_add(1);
                }
                e.failures < MAX_FAILURES
            });
        }
    }

    /// The `n` good nodes closest to `target`.
    pub fn closest(&self, target: &InfoHash, n: usize, now: Instant) -> Vec<NodeInfo> {
        let mut nodes: Vec<&NodeEntry> = self
            .buckets
            .iter()
            .flatten()
            .filter(|e| e.is_good(now))
            .collect();
        nodes.sort_by(|a, b| target.cmp_distance(&a.id, &b.id));
        nodes.into_iter().take(n).map(NodeEntry::info).collect()
    }

    /// The `n` good nodes closest to `target` that answered one of our requests: the only
    /// ones given out to others (anyone can send a request under any id).
    pub fn closest_confirmed(&self, target: &InfoHash, n: usize, now: Instant) -> Vec<NodeInfo> {
        let mut nodes: Vec<&NodeEntry> = self
            .buckets
            .iter()
            .flatten()
            .filter(|e| e.is_good(now) && e.last_reply.is_some())
            .collect();
        nodes.sort_by(|a, b| target.cmp_distance(&a.id, &b.id));
        nodes.into_iter().take(n).map(NodeEntry::info).collect()
    }

    pub fn len(&self) -> usize {
        self.buckets.iter().map(Vec::len).sum()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn good_count(&self, now: Instant) -> usize {
        self.buckets
            .iter()
            .flatten()
            .filter(|e| e.is_good(now))
            .count()
    }

    /// Nodes not heard from for a while, to ping.
    pub fn stale(&self, now: Instant, older_than: Duration) -> Vec<NodeInfo> {
        self.buckets
            .iter()
            .flatten()
            .filter(|e| now.duration_since(e.last_heard) >= older_than)
            .map(NodeEntry::info)
            .collect()
    }

    /// The deepest non-empty bucket index, to know how far maintenance should look.
    pub fn depth(&self) -> usize {
        self.buckets
            .iter()
            .rposition(|b| !b.is_empty())
            .unwrap_or(0)
    }

    pub fn all(&self) -> impl Iterator<Item = &NodeEntry> {
        self.buckets.iter().flatten()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(first: u8) -> InfoHash {
        let mut id = [0u8; 20];
        id[0] = first;
        InfoHash(id)
    }

    #[test]
    fn closest_orders_by_distance_and_skips_failed_nodes() {
        let now = Instant::now();
        let mut table = RoutingTable::new(id(0));
        for i in 1..=20u8 {
            let addr = SocketAddr::from(([127, 0, 0, 1], 4000 + u16::from(i)));
            table.heard(id(i), addr, now, true);
        }
        let closest = table.closest(&id(16), 3, now);
        assert_eq!(closest[0].id, id(16));
        table.failed(closest[0].addr);
        assert_ne!(table.closest(&id(16), 1, now)[0].id, id(16));
    }

    #[test]
    fn only_nodes_that_answered_are_given_out_and_requests_cannot_move_them() {
        let now = Instant::now();
        let mut table = RoutingTable::new(id(0));
        let real: SocketAddr = "127.0.0.1:4001".parse().unwrap();
        let spoofer: SocketAddr = "127.0.0.1:6666".parse().unwrap();
        table.heard(id(1), real, now, true);
        // Ids claimed in requests only, from one socket: one entry for that socket, no more
        // (a stranger claiming a thousand ids would otherwise seed every search).
        assert!(table.heard(id(2), spoofer, now, false));
        for i in 3..=9u8 {
            assert!(!table.heard(id(i), spoofer, now, false));
        }
        assert_eq!(table.len(), 2);
        let given = table.closest_confirmed(&id(5), 8, now);
        assert_eq!(given.iter().map(|n| n.addr).collect::<Vec<_>>(), vec![real]);
        // The spoofer claims the confirmed node's id: its address stays.
        table.heard(id(1), spoofer, now, false);
        assert_eq!(table.closest_confirmed(&id(1), 1, now)[0].addr, real);
        // Once a spoofed entry answers at its address, it is a node like any other.
        table.heard(id(2), spoofer, now, true);
        assert_eq!(table.closest_confirmed(&id(2), 1, now)[0].id, id(2));
    }

    #[test]
    fn full_buckets_keep_good_nodes_and_replace_stale_ones() {
        let now = Instant::now();
        let mut table = RoutingTable::new(id(0));
        // All ids with first byte >= 0x80 share no prefix with ours: one bucket.
        for i in 0..BUCKET_SIZE as u8 {
            table.heard(
                id(0x80 + i),
                SocketAddr::from(([127, 0, 0, 1], 5000 + u16::from(i))),
                now,
                true,
            );
        }
        assert!(!table.heard(id(0xf0), "127.0.0.1:6000".parse().unwrap(), now, true));
        let later = now + NODE_EXPIRE_TIME + Duration::from_secs(1);
        assert!(table.heard(id(0xf0), "127.0.0.1:6000".parse().unwrap(), later, true));
        assert_eq!(table.len(), BUCKET_SIZE);
    }
}
