//! What this node stores for others: values by key with per-type expiry and limits, and the
//! listeners to tell when they change (`opendht-wire.md` §3.6-3.7, §5.5-5.6). Pure: `now` is
//! always an argument.

use super::hash::InfoHash;
use super::value::{Query, Value, MAX_VALUE_SIZE};
use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::time::{Duration, Instant};

/// Total bytes stored for others (`STORAGE_LIMIT_DEFAULT`).
pub const STORAGE_LIMIT: usize = 64 << 20;
/// Values per key.
pub const MAX_VALUES_PER_KEY: usize = 1024;
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
            existing.value = value;
            existing.expires = expires;
            existing.source = source;
            return StoreOutcome::New;
        }
        if store.values.len() >= MAX_VALUES_PER_KEY {
            return StoreOutcome::Refused("too many values at this key");
        }
        if self.total + value.size() > STORAGE_LIMIT {
            return StoreOutcome::Refused("storage full");
        }
        self.total += value.size();
        store.values.push(Stored {
            value,
            expires,
            source,
        });
        StoreOutcome::New
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
        self.keys.retain(|key, store| {
            store.listeners.retain(|l| l.expires > now);
            let mut gone = Vec::new();
            store.values.retain(|s| {
                let keep = s.expires > now;
                if !keep {
                    gone.push(s.value.id);
                    freed += s.value.size();
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

    /// Bytes stored on behalf of `ip` (for per-source quotas and diagnostics).
    pub fn bytes_from(&self, ip: IpAddr) -> usize {
        self.keys
            .values()
            .flat_map(|s| s.values.iter())
            .filter(|s| s.source == ip)
            .map(|s| s.value.size())
            .sum()
    }
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
