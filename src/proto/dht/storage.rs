//! What this node stores for others: values by key with per-type expiry and limits, and the
//! listeners to tell when they change (`opendht-wire.md` §3.6-3.7, §5.5-5.6). Pure: `now` is
//! always an argument.
//!
//! Storage is shared by strangers, so it is shared fairly. Values are counted per *source* (the
//! IPv4 address, or the IPv6 /64, a put came from: puts need a token, so the source cannot be
//! forged). A source holds at most [`MAX_VALUES_PER_SOURCE_AT_KEY`] values at one key (its
//! newest; a new one pushes out its own oldest) and at most [`MAX_VALUES_PER_SOURCE`] values and
//! [`MAX_BYTES_PER_SOURCE`] bytes in all. A full key takes a new value by evicting the oldest
//! value of the source that holds most there, so a key filled by one party still takes a
//! device's fresh announcement or an offer from anyone else.

use super::hash::InfoHash;
use super::value::{Query, Value, MAX_VALUE_SIZE};
use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::time::{Duration, Instant};

/// Total bytes stored for others (`STORAGE_LIMIT_DEFAULT`).
pub const STORAGE_LIMIT: usize = 64 << 20;
/// Values per key.
pub const MAX_VALUES_PER_KEY: usize = 1024;
/// Values one source keeps at one key: a busy key's honest publisher puts a few (a test puts
/// 120), a flood is cut here.
pub const MAX_VALUES_PER_SOURCE_AT_KEY: usize = 128;
/// Values one source keeps in all.
pub const MAX_VALUES_PER_SOURCE: usize = 4096;
/// Bytes one source keeps in all: an eighth of [`STORAGE_LIMIT`].
pub const MAX_BYTES_PER_SOURCE: usize = STORAGE_LIMIT / 8;
/// Keys stored.
pub const MAX_KEYS: usize = 1 << 16;
/// A listener lasts this long after its last listen (`NODE_EXPIRE_TIME`).
pub const LISTENER_EXPIRE: Duration = Duration::from_secs(10 * 60);
/// Listeners per key.
pub const MAX_LISTENERS_PER_KEY: usize = 256;

/// How long a value of `value_type` lives (`opendht-wire.md` §5.5).
pub fn expiration(value_type: u16) -> Duration {
    let minutes = match value_type {
        1 | 3 => 5,
        2 => 15,
        4 | 8 => 7 * 24 * 60,
        5 => 1,
        _ => 10,
    };
    Duration::from_secs(minutes * 60)
}

#[derive(Debug, Clone)]
struct Stored {
    value: Value,
    expires: Instant,
    source: IpAddr,
}

/// A node listening on a key.
#[derive(Debug, Clone, PartialEq)]
pub struct Listener {
    pub addr: SocketAddr,
    pub node: InfoHash,
    pub sid: u32,
    pub query: Option<Query>,
    expires: Instant,
}

#[derive(Default)]
struct KeyStore {
    values: Vec<Stored>,
    listeners: Vec<Listener>,
}

/// What a store attempt did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoreOutcome {
    New,
    Refreshed,
    Refused(&'static str),
}

/// What expired at one key.
#[derive(Debug, Clone, PartialEq)]
pub struct Expired {
    pub key: InfoHash,
    pub value_ids: Vec<u64>,
    pub listeners: Vec<Listener>,
}

#[derive(Default)]
pub struct Storage {
    keys: HashMap<InfoHash, KeyStore>,
    total: usize,
    /// Values and bytes held per source.
    sources: HashMap<IpAddr, (usize, usize)>,
}

/// The party a put is counted against: an IPv4 address, or an IPv6 /64 (one subscriber's
/// prefix: its addresses are free to pick).
pub fn source_of(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V4(_) => ip,
        IpAddr::V6(v6) => {
            let mut o = v6.octets();
            o[8..].fill(0);
            IpAddr::V6(o.into())
        }
    }
}

impl Storage {
    /// Store `value` under `key`; `created` is when its publisher made it (`c`), if given.
    pub fn store(
        &mut self,
        key: InfoHash,
        value: Value,
        created: Option<Instant>,
        now: Instant,
        source: IpAddr,
    ) -> StoreOutcome {
        let source = source_of(source);
        if value.size() > MAX_VALUE_SIZE {
            return StoreOutcome::Refused("value too large");
        }
        if !self.keys.contains_key(&key) && self.keys.len() >= MAX_KEYS {
            return StoreOutcome::Refused("too many keys");
        }
        let born = created.map_or(now, |c| c.min(now));
        let expires = born + expiration(value.value_type);
        if expires <= now {
            return StoreOutcome::Refused("already expired");
        }
        let store = self.keys.entry(key).or_default();
        if let Some(existing) = store.values.iter_mut().find(|s| s.value.id == value.id) {
            if existing.value.packed() == value.packed() {
                existing.expires = existing.expires.max(expires);
                return StoreOutcome::Refreshed;
            }
            // Unsigned values cannot be edited; signed edits need the same owner and a
            // higher sequence number (signatures are not checked here: values are opaque).
            let allowed = existing.value.owner.is_some()
                && existing.value.owner == value.owner
                && value.seq > existing.value.seq;
            if !allowed {
                return StoreOutcome::Refused("edit not allowed");
            }
            let grow = value.size().saturating_sub(existing.value.size());
            if self.total + grow > STORAGE_LIMIT {
                return StoreOutcome::Refused("storage full");
            }
            self.total = self.total + value.size() - existing.value.size();
            let (old_source, old_size) = (existing.source, existing.value.size());
            let new_size = value.size();
            existing.value = value;
            existing.expires = expires;
            existing.source = source;
            self.uncount(old_source, old_size);
            self.count(source, new_size);
            return StoreOutcome::New;
        }
        let size = value.size();
        let (values, bytes) = self.sources.get(&source).copied().unwrap_or((0, 0));
        let mine_here = store.values.iter().filter(|s| s.source == source).count();
        if mine_here < MAX_VALUES_PER_SOURCE_AT_KEY
            && (values >= MAX_VALUES_PER_SOURCE || bytes + size > MAX_BYTES_PER_SOURCE)
        {
            return StoreOutcome::Refused("this source stores too much here");
        }
        if self.total + size > STORAGE_LIMIT {
            return StoreOutcome::Refused("storage full");
        }
        // Room at the key: a source at its share pushes out its own oldest value; a full key
        // pushes out the oldest value of whoever holds most there, unless that is the newcomer.
        let evict = if mine_here >= MAX_VALUES_PER_SOURCE_AT_KEY {
            oldest_of(&store.values, source)
        } else if store.values.len() >= MAX_VALUES_PER_KEY {
            let Some((top, held)) = largest_holder(&store.values) else {
                return StoreOutcome::Refused("too many values at this key");
            };
            if held <= mine_here + 1 {
                return StoreOutcome::Refused("too many values at this key");
            }
            oldest_of(&store.values, top)
        } else {
            None
        };
        if let Some(index) = evict {
            let gone = store.values.remove(index);
            self.total -= gone.value.size();
            self.uncount(gone.source, gone.value.size());
        }
        let store = self.keys.entry(key).or_default();
        self.total += size;
        store.values.push(Stored {
            value,
            expires,
            source,
        });
        self.count(source, size);
        StoreOutcome::New
    }

    fn count(&mut self, source: IpAddr, size: usize) {
        let e = self.sources.entry(source).or_insert((0, 0));
        e.0 += 1;
        e.1 += size;
    }

    fn uncount(&mut self, source: IpAddr, size: usize) {
        if let Some(e) = self.sources.get_mut(&source) {
            e.0 = e.0.saturating_sub(1);
            e.1 = e.1.saturating_sub(size);
            if e.0 == 0 {
                self.sources.remove(&source);
            }
        }
    }

    /// Extend value `id` under `key`: `None` when nothing is stored at `key`.
    pub fn refresh(&mut self, key: &InfoHash, id: u64, now: Instant) -> Option<bool> {
        let store = self.keys.get_mut(key)?;
        if store.values.is_empty() {
            return None;
        }
        let Some(stored) = store.values.iter_mut().find(|s| s.value.id == id) else {
            return Some(false);
        };
        stored.expires = stored
            .expires
            .max(now + expiration(stored.value.value_type));
        Some(true)
    }

    /// Whether value `id` is stored under `key`.
    pub fn holds(&self, key: &InfoHash, id: u64) -> bool {
        self.keys
            .get(key)
            .is_some_and(|s| s.values.iter().any(|v| v.value.id == id))
    }

    /// Values under `key` that match `query`.
    pub fn get(&self, key: &InfoHash, query: Option<&Query>) -> Vec<Value> {
        self.keys
            .get(key)
            .map(|s| {
                s.values
                    .iter()
                    .filter(|v| query.is_none_or(|q| q.matches(&v.value)))
                    .map(|v| v.value.clone())
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Add or refresh a listener; true when it is new (it then gets the current values).
    pub fn listen(
        &mut self,
        key: InfoHash,
        addr: SocketAddr,
        node: InfoHash,
        sid: u32,
        query: Option<Query>,
        now: Instant,
    ) -> bool {
        let store = self.keys.entry(key).or_default();
        let expires = now + LISTENER_EXPIRE;
        if let Some(l) = store
            .listeners
            .iter_mut()
            .find(|l| l.node == node && l.sid == sid)
        {
            l.expires = expires;
            l.addr = addr;
            return false;
        }
        if store.listeners.len() >= MAX_LISTENERS_PER_KEY {
            store.listeners.remove(0);
        }
        store.listeners.push(Listener {
            addr,
            node,
            sid,
            query,
            expires,
        });
        true
    }

    pub fn listeners(&self, key: &InfoHash) -> Vec<Listener> {
        self.keys
            .get(key)
            .map(|s| s.listeners.clone())
            .unwrap_or_default()
    }

    /// Drop expired values and listeners; report the values each listener must hear about.
    pub fn expire(&mut self, now: Instant) -> Vec<Expired> {
        let mut report = Vec::new();
        let mut freed = 0;
        let mut dropped = Vec::new();
        self.keys.retain(|key, store| {
            store.listeners.retain(|l| l.expires > now);
            let mut gone = Vec::new();
            store.values.retain(|s| {
                let keep = s.expires > now;
                if !keep {
                    gone.push(s.value.id);
                    freed += s.value.size();
                    dropped.push((s.source, s.value.size()));
                }
                keep
            });
            if !gone.is_empty() && !store.listeners.is_empty() {
                report.push(Expired {
                    key: *key,
                    value_ids: gone,
                    listeners: store.listeners.clone(),
                });
            }
            !(store.values.is_empty() && store.listeners.is_empty())
        });
        self.total -= freed;
        for (source, size) in dropped {
            self.uncount(source, size);
        }
        report
    }

    /// When the next value or listener expires.
    pub fn next_expiry(&self) -> Option<Instant> {
        self.keys
            .values()
            .flat_map(|s| {
                s.values
                    .iter()
                    .map(|v| v.expires)
                    .chain(s.listeners.iter().map(|l| l.expires))
            })
            .min()
    }

    pub fn total_bytes(&self) -> usize {
        self.total
    }

    pub fn value_count(&self) -> usize {
        self.keys.values().map(|s| s.values.len()).sum()
    }

    /// Values and bytes stored on behalf of the source `ip` belongs to.
    pub fn held_by(&self, ip: IpAddr) -> (usize, usize) {
        self.sources.get(&source_of(ip)).copied().unwrap_or((0, 0))
    }
}

/// Index of the oldest value `source` holds in `values` (values stay in order of arrival).
fn oldest_of(values: &[Stored], source: IpAddr) -> Option<usize> {
    values.iter().position(|s| s.source == source)
}

/// The source holding most values in `values`, and how many.
fn largest_holder(values: &[Stored]) -> Option<(IpAddr, usize)> {
    let mut counts: HashMap<IpAddr, usize> = HashMap::new();
    for s in values {
        *counts.entry(s.source).or_default() += 1;
    }
    counts.into_iter().max_by_key(|(_, n)| *n)
}

#[cfg(test)]
mod tests {
    use super::*;

    const IP: IpAddr = IpAddr::V4(std::net::Ipv4Addr::LOCALHOST);

    #[test]
    fn values_expire_by_type_without_waiting() {
        let now = Instant::now();
        let mut s = Storage::default();
        let key = InfoHash::of("k");
        let quick = Value::new(1, 5, b"ice".to_vec(), "");
        let slow = Value::new(2, 0, b"data".to_vec(), "");
        assert_eq!(s.store(key, quick, None, now, IP), StoreOutcome::New);
        assert_eq!(s.store(key, slow, None, now, IP), StoreOutcome::New);
        let addr = "127.0.0.1:9".parse().unwrap();
        assert!(s.listen(key, addr, InfoHash::of("n"), 7, None, now));
        let expired = s.expire(now + Duration::from_secs(61));
        assert_eq!(expired.len(), 1);
        assert_eq!(expired[0].value_ids, vec![1]);
        assert_eq!(expired[0].listeners[0].sid, 7);
        assert_eq!(s.get(&key, None).len(), 1);
        assert!(s.expire(now + Duration::from_secs(601)).is_empty());
        assert_eq!(s.value_count(), 0);
        assert_eq!(s.total_bytes(), 0);
        assert_eq!(s.next_expiry(), None);
    }

    #[test]
    fn identical_puts_refresh_and_unsigned_edits_are_refused() {
        let now = Instant::now();
        let mut s = Storage::default();
        let key = InfoHash::of("k");
        let v = Value::new(9, 0, b"one".to_vec(), "");
        assert_eq!(s.store(key, v.clone(), None, now, IP), StoreOutcome::New);
        let later = now + Duration::from_secs(500);
        assert_eq!(s.store(key, v, None, later, IP), StoreOutcome::Refreshed);
        assert!(s.expire(now + Duration::from_secs(700)).is_empty());
        assert_eq!(s.get(&key, None).len(), 1);
        let edit = Value::new(9, 0, b"two".to_vec(), "");
        assert!(matches!(
            s.store(key, edit, None, later, IP),
            StoreOutcome::Refused(_)
        ));
    }

    #[test]
    fn a_key_filled_by_one_source_still_takes_everyone_else() {
        let now = Instant::now();
        let mut s = Storage::default();
        let key = InfoHash::of("peer:device");
        let stranger: IpAddr = "203.0.113.9".parse().unwrap();
        // The attack: 1,030 junk puts at one key from one source.
        for id in 1..=1030 {
            let junk = Value::new(id, 0, vec![1; 40], "");
            assert_eq!(s.store(key, junk, None, now, stranger), StoreOutcome::New);
        }
        assert_eq!(s.get(&key, None).len(), MAX_VALUES_PER_SOURCE_AT_KEY);
        assert_eq!(s.held_by(stranger).0, MAX_VALUES_PER_SOURCE_AT_KEY);
        // Its newest are the ones kept.
        assert!(s.get(&key, None).iter().any(|v| v.id == 1030));
        assert!(!s.get(&key, None).iter().any(|v| v.id == 1));
        // Many sources fill the key; a new party still lands, evicting the largest holder's oldest.
        for n in 0..8u8 {
            let ip = IpAddr::from([198, 51, 100, n]);
            for id in 0..MAX_VALUES_PER_SOURCE_AT_KEY as u64 {
                let v = Value::new(10_000 + n as u64 * 1000 + id, 0, vec![2; 40], "");
                s.store(key, v, None, now, ip);
            }
        }
        assert_eq!(s.get(&key, None).len(), MAX_VALUES_PER_KEY);
        let device: IpAddr = "192.0.2.7".parse().unwrap();
        let offer = Value::new(99, 0, b"offer".to_vec(), "");
        assert_eq!(s.store(key, offer, None, now, device), StoreOutcome::New);
        assert!(s.get(&key, None).iter().any(|v| v.id == 99));
        assert_eq!(s.get(&key, None).len(), MAX_VALUES_PER_KEY);
        let total: usize = s.get(&key, None).iter().map(Value::size).sum();
        assert_eq!(s.total_bytes(), total);
    }

    #[test]
    fn a_source_is_capped_in_all_and_ipv6_counts_per_64() {
        let now = Instant::now();
        let mut s = Storage::default();
        let a: IpAddr = "2001:db8:1:2::1".parse().unwrap();
        let b: IpAddr = "2001:db8:1:2::ffff".parse().unwrap();
        let mut refused = 0;
        for id in 1..=(MAX_VALUES_PER_SOURCE as u64 + 10) {
            let key = InfoHash::of(format!("k{id}"));
            let ip = if id % 2 == 0 { a } else { b };
            if s.store(key, Value::new(id, 0, vec![3; 20], ""), None, now, ip) != StoreOutcome::New
            {
                refused += 1;
            }
        }
        assert_eq!(refused, 10);
        assert_eq!(s.held_by(a).0, MAX_VALUES_PER_SOURCE);
        s.expire(now + Duration::from_secs(601));
        assert_eq!(s.held_by(a), (0, 0));
    }

    #[test]
    fn listeners_expire_ten_minutes_after_their_last_listen() {
        let now = Instant::now();
        let mut s = Storage::default();
        let key = InfoHash::of("k");
        let addr = "127.0.0.1:9".parse().unwrap();
        let node = InfoHash::of("n");
        assert!(s.listen(key, addr, node, 1, None, now));
        assert!(!s.listen(key, addr, node, 1, None, now + Duration::from_secs(300)));
        s.expire(now + Duration::from_secs(700));
        assert_eq!(s.listeners(&key).len(), 1);
        s.expire(now + Duration::from_secs(901));
        assert!(s.listeners(&key).is_empty());
    }

    #[test]
    fn old_creation_times_shorten_life_and_limits_hold() {
        let now = Instant::now() + Duration::from_secs(3600);
        let mut s = Storage::default();
        let key = InfoHash::of("k");
        let old = now - Duration::from_secs(11 * 60);
        let v = Value::new(3, 0, b"x".to_vec(), "");
        assert_eq!(
            s.store(key, v, Some(old), now, IP),
            StoreOutcome::Refused("already expired")
        );
        let huge = Value::new(4, 0, vec![0; MAX_VALUE_SIZE + 1], "");
        assert!(matches!(
            s.store(key, huge, None, now, IP),
            StoreOutcome::Refused(_)
        ));
    }
}
