//! OpenDHT's UDP messages: one msgpack map per datagram, decoded into [`Message`] and written
//! back in the key order real nodes use (`opendht-wire.md` §2-3).
//!
//! Decoding never panics: anything that is not a well-formed message of a known kind is an
//! [`DecodeError`], and the node drops (and counts) it. Values too large for one datagram travel
//! as a header whose `values` holds their sizes, followed by `y:"p"` part datagrams
//! ([`encode_with_parts`], and the node's reassembly).

use super::hash::InfoHash;
use super::value::{map_get, Field, Query, Value};
use rmpv::Value as Mp;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

/// Size of each value fragment (`MTU`).
pub const PART_SIZE: usize = 1280;
/// Values go inline only when they total less than this (`MAX_PACKET_VALUE_SIZE`).
pub const MAX_INLINE_VALUES_BYTES: usize = 600;
/// At most this many values inline.
pub const MAX_INLINE_VALUES: usize = 50;
/// Deepest msgpack nesting accepted (real messages need 6).
const MAX_DEPTH: usize = 16;
/// Nodes in each list of a reply (`SEND_NODES`).
pub const SEND_NODES: usize = 8;
/// User agent ferry writes.
pub const USER_AGENT: &str = "RNG1";
/// `AF_INET` and `AF_INET6` as OpenDHT writes them in `w`.
pub const WANT_V4: u64 = 2;
pub const WANT_V6: u64 = 10;

/// What kind of datagram this is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Kind {
    #[default]
    Ping,
    Find,
    Get,
    Put,
    Refresh,
    Listen,
    Update,
    Reply,
    Error,
    ValueParts,
    /// Protocol-v0 listener update (`u`), accepted and acknowledged, never sent.
    LegacyUpdate,
}

impl Kind {
    fn request_name(self) -> Option<&'static str> {
        Some(match self {
            Kind::Ping => "ping",
            Kind::Find => "find",
            Kind::Get => "get",
            Kind::Put => "put",
            Kind::Refresh => "refresh",
            Kind::Listen => "listen",
            Kind::Update => "update",
            _ => return None,
        })
    }

    pub fn is_request(self) -> bool {
        self.request_name().is_some()
    }
}

/// A node as carried in `n4`/`n6`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct NodeInfo {
    pub id: InfoHash,
    pub addr: SocketAddr,
}

/// A value in a `values` array: the value itself, or its size when it follows as parts.
#[derive(Debug, Clone, PartialEq)]
// Values are moved through once per message, never kept in bulk: boxing buys nothing.
#[allow(clippy::large_enum_variant)]
pub enum WireValue {
    Inline(Value),
    Size(usize),
}

/// A select reply: the selected fields, then `fields.len()` items per value.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldsReply {
    pub fields: Vec<Field>,
    pub values: Vec<Mp>,
}

/// Every field any message can carry; which ones are set depends on [`Kind`].
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Message {
    pub kind: Kind,
    pub tid: u32,
    pub network: u32,
    pub is_client: bool,
    pub user_agent: Option<String>,
    pub id: Option<InfoHash>,
    pub info_hash: Option<InfoHash>,
    pub target: Option<InfoHash>,
    pub token: Option<Vec<u8>>,
    pub socket_id: Option<u32>,
    pub value_id: Option<u64>,
    pub created: Option<i64>,
    pub want: Option<Vec<u64>>,
    pub query: Option<Query>,
    pub version: Option<u64>,
    pub seen_addr: Option<IpAddr>,
    pub nodes4: Vec<NodeInfo>,
    pub nodes6: Vec<NodeInfo>,
    pub values: Vec<WireValue>,
    pub fields: Option<FieldsReply>,
    pub refreshed: Vec<u64>,
    pub expired: Vec<u64>,
    pub error: Option<(u16, String)>,
    /// Value parts: (index in `values`, offset, bytes).
    pub parts: Vec<(usize, usize, Vec<u8>)>,
}

/// Why a datagram was dropped.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    #[error("not msgpack: {0}")]
    Msgpack(String),
    #[error("not a map with string keys")]
    NotAMap,
    #[error("unknown message type {0:?}")]
    UnknownType(String),
    #[error("field {0} has the wrong type")]
    BadField(&'static str),
    #[error("node list {0} is not a whole number of entries")]
    BadNodeList(&'static str),
    #[error("malformed query")]
    BadQuery,
}

/// Read one msgpack value, bounded in depth.
pub fn read_msgpack(bytes: &[u8]) -> Result<Mp, String> {
    let mut cursor = bytes;
    rmpv::decode::read_value_with_max_depth(&mut cursor, MAX_DEPTH).map_err(|e| e.to_string())
}

fn hash_field(map: &[(Mp, Mp)], key: &'static str) -> Result<Option<InfoHash>, DecodeError> {
    match map_get(map, key) {
        None => Ok(None),
        Some(Mp::Binary(b)) => InfoHash::from_slice(b)
            .map(Some)
            .ok_or(DecodeError::BadField(key)),
        Some(_) => Err(DecodeError::BadField(key)),
    }
}

fn uint_field(map: &[(Mp, Mp)], key: &'static str) -> Result<Option<u64>, DecodeError> {
    match map_get(map, key) {
        None => Ok(None),
        Some(v) => v.as_u64().map(Some).ok_or(DecodeError::BadField(key)),
    }
}

fn u64_list(map: &[(Mp, Mp)], key: &'static str) -> Result<Vec<u64>, DecodeError> {
    match map_get(map, key) {
        None => Ok(vec![]),
        Some(Mp::Array(items)) => items
            .iter()
            .map(|v| v.as_u64().ok_or(DecodeError::BadField(key)))
            .collect(),
        Some(_) => Err(DecodeError::BadField(key)),
    }
}

fn tid_of(v: &Mp) -> Option<u32> {
    match v {
        Mp::Binary(b) if b.len() == 4 => Some(u32::from_be_bytes([b[0], b[1], b[2], b[3]])),
        Mp::String(s) if s.as_bytes().len() == 4 => {
            let b = s.as_bytes();
            Some(u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
        }
        v => v.as_u64().and_then(|t| u32::try_from(t).ok()),
    }
}

fn unpack_nodes(bytes: &[u8], v6: bool) -> Result<Vec<NodeInfo>, DecodeError> {
    let (size, name) = if v6 { (38, "n6") } else { (26, "n4") };
    if bytes.len() % size != 0 {
        return Err(DecodeError::BadNodeList(name));
    }
    Ok(bytes
        .chunks_exact(size)
        .map(|entry| {
            let mut id = [0u8; 20];
            id.copy_from_slice(&entry[..20]);
            let port = u16::from_be_bytes([entry[size - 2], entry[size - 1]]);
            let ip = if v6 {
                let mut a = [0u8; 16];
                a.copy_from_slice(&entry[20..36]);
                IpAddr::V6(Ipv6Addr::from(a))
            } else {
                IpAddr::V4(Ipv4Addr::new(entry[20], entry[21], entry[22], entry[23]))
            };
            NodeInfo {
                id: InfoHash(id),
                addr: SocketAddr::new(ip, port),
            }
        })
        .collect())
}

fn pack_nodes(nodes: &[NodeInfo]) -> Vec<u8> {
    let mut out = Vec::new();
    for node in nodes {
        out.extend_from_slice(&node.id.0);
        match node.addr.ip() {
            IpAddr::V4(ip) => out.extend_from_slice(&ip.octets()),
            IpAddr::V6(ip) => out.extend_from_slice(&ip.octets()),
        }
        out.extend_from_slice(&node.addr.port().to_be_bytes());
    }
    out
}

impl Message {
    /// Decode one datagram.
    pub fn decode(bytes: &[u8]) -> Result<Message, DecodeError> {
        let root = read_msgpack(bytes).map_err(DecodeError::Msgpack)?;
        let Mp::Map(root) = root else {
            return Err(DecodeError::NotAMap);
        };
        let mut msg = Message {
            tid: map_get(&root, "t").and_then(tid_of).unwrap_or(0),
            network: uint_field(&root, "n")?
                .and_then(|n| u32::try_from(n).ok())
                .unwrap_or(0),
            is_client: map_get(&root, "s").and_then(Mp::as_bool).unwrap_or(false),
            user_agent: map_get(&root, "v").and_then(Mp::as_str).map(str::to_string),
            ..Message::default()
        };
        let body = if let Some(e) = map_get(&root, "e") {
            msg.kind = Kind::Error;
            let Mp::Array(e) = e else {
                return Err(DecodeError::BadField("e"));
            };
            let code = e.first().and_then(Mp::as_u64).unwrap_or(0);
            let text = e.get(1).and_then(Mp::as_str).unwrap_or_default();
            msg.error = Some((u16::try_from(code).unwrap_or(0), text.to_string()));
            map_get(&root, "r")
        } else if let Some(r) = map_get(&root, "r") {
            msg.kind = Kind::Reply;
            Some(r)
        } else if let Some(p) = map_get(&root, "p") {
            msg.kind = Kind::ValueParts;
            let Mp::Map(parts) = p else {
                return Err(DecodeError::BadField("p"));
            };
            for (index, part) in parts {
                let index = index.as_u64().ok_or(DecodeError::BadField("p"))? as usize;
                let Mp::Map(part) = part else {
                    return Err(DecodeError::BadField("p"));
                };
                let offset = uint_field(part, "o")?.ok_or(DecodeError::BadField("o"))? as usize;
                let Some(Mp::Binary(data)) = map_get(part, "d") else {
                    return Err(DecodeError::BadField("d"));
                };
                msg.parts.push((index, offset, data.clone()));
            }
            return Ok(msg);
        } else if let Some(u) = map_get(&root, "u") {
            msg.kind = Kind::LegacyUpdate;
            Some(u)
        } else {
            if map_get(&root, "y").and_then(Mp::as_str) != Some("q") {
                return Err(DecodeError::UnknownType(
                    map_get(&root, "y")
                        .and_then(Mp::as_str)
                        .unwrap_or("")
                        .into(),
                ));
            }
            let name = map_get(&root, "q").and_then(Mp::as_str).unwrap_or("");
            msg.kind = match name {
                "ping" => Kind::Ping,
                "find" => Kind::Find,
                "get" => Kind::Get,
                "put" => Kind::Put,
                "refresh" => Kind::Refresh,
                "listen" => Kind::Listen,
                "update" => Kind::Update,
                other => return Err(DecodeError::UnknownType(other.chars().take(32).collect())),
            };
            map_get(&root, "a")
        };
        let Some(body) = body else {
            return Ok(msg);
        };
        let Mp::Map(body) = body else {
            return Err(DecodeError::NotAMap);
        };
        msg.read_body(body)?;
        Ok(msg)
    }

    fn read_body(&mut self, body: &[(Mp, Mp)]) -> Result<(), DecodeError> {
        self.id = hash_field(body, "id")?;
        self.info_hash = hash_field(body, "h")?;
        self.target = hash_field(body, "target")?;
        self.token = match map_get(body, "token") {
            None => None,
            Some(Mp::Binary(t)) => Some(t.clone()),
            Some(_) => return Err(DecodeError::BadField("token")),
        };
        self.socket_id = map_get(body, "sid").and_then(tid_of);
        self.value_id = uint_field(body, "vid")?;
        self.created = map_get(body, "c").and_then(Mp::as_i64);
        self.version = uint_field(body, "ve")?;
        if map_get(body, "w").is_some() {
            self.want = Some(u64_list(body, "w")?);
        }
        if let Some(q) = map_get(body, "q") {
            self.query = Some(Query::from_msgpack(q).ok_or(DecodeError::BadQuery)?);
        }
        self.seen_addr = match map_get(body, "sa") {
            Some(Mp::Binary(b)) if b.len() == 4 => {
                Some(IpAddr::V4(Ipv4Addr::new(b[0], b[1], b[2], b[3])))
            }
            Some(Mp::Binary(b)) if b.len() == 16 => {
                let mut a = [0u8; 16];
                a.copy_from_slice(b);
                Some(IpAddr::V6(Ipv6Addr::from(a)))
            }
            _ => None,
        };
        if let Some(n4) = map_get(body, "n4") {
            let Mp::Binary(b) = n4 else {
                return Err(DecodeError::BadField("n4"));
            };
            self.nodes4 = unpack_nodes(b, false)?;
        }
        if let Some(n6) = map_get(body, "n6") {
            let Mp::Binary(b) = n6 else {
                return Err(DecodeError::BadField("n6"));
            };
            self.nodes6 = unpack_nodes(b, true)?;
        }
        if let Some(Mp::Array(values)) = map_get(body, "values") {
            for v in values {
                if let Some(size) = v.as_u64() {
                    self.values.push(WireValue::Size(size as usize));
                } else if let Ok(value) = Value::from_msgpack(v) {
                    self.values.push(WireValue::Inline(value));
                }
                // A value that does not parse is dropped, as OpenDHT does.
            }
        }
        if let Some(Mp::Map(fields)) = map_get(body, "fileds") {
            let mut parsed = Vec::new();
            if let Some(Mp::Array(f)) = map_get(fields, "f") {
                for code in f {
                    parsed.push(
                        code.as_u64()
                            .and_then(Field::from_code)
                            .ok_or(DecodeError::BadField("fileds"))?,
                    );
                }
            }
            let values = match map_get(fields, "v") {
                Some(Mp::Array(v)) => v.clone(),
                _ => vec![],
            };
            self.fields = Some(FieldsReply {
                fields: parsed,
                values,
            });
        }
        self.refreshed = u64_list(body, "re")?;
        self.expired = u64_list(body, "exp")?;
        Ok(())
    }

    /// The body map (`a`, `r` or the `r` of an error), in the writer's key order.
    fn body(&self, values: &[Mp]) -> Mp {
        let mut b: Vec<(Mp, Mp)> = Vec::new();
        let mut put = |k: &str, v: Mp| b.push((Mp::from(k), v));
        if let Some(id) = &self.id {
            put("id", Mp::Binary(id.0.to_vec()));
        }
        if let Some(ve) = self.version {
            put("ve", Mp::from(ve));
        }
        if let Some(h) = &self.info_hash {
            put("h", Mp::Binary(h.0.to_vec()));
        }
        if let Some(t) = &self.target {
            put("target", Mp::Binary(t.0.to_vec()));
        }
        if self.kind == Kind::Update || self.kind == Kind::Listen {
            if let Some(sid) = self.socket_id {
                put("sid", Mp::from(sid));
            }
        }
        if let Some(vid) = self.value_id {
            put("vid", Mp::from(vid));
        }
        if let Some(sa) = &self.seen_addr {
            let bytes = match sa {
                IpAddr::V4(ip) => ip.octets().to_vec(),
                IpAddr::V6(ip) => ip.octets().to_vec(),
            };
            put("sa", Mp::Binary(bytes));
        }
        if !self.nodes4.is_empty() {
            put("n4", Mp::Binary(pack_nodes(&self.nodes4)));
        }
        if !self.nodes6.is_empty() {
            put("n6", Mp::Binary(pack_nodes(&self.nodes6)));
        }
        if !values.is_empty() {
            put("values", Mp::Array(values.to_vec()));
        }
        if let Some(fields) = &self.fields {
            put(
                "fileds",
                Mp::Map(vec![
                    (
                        Mp::from("f"),
                        Mp::Array(fields.fields.iter().map(|f| Mp::from(*f as u8)).collect()),
                    ),
                    (Mp::from("v"), Mp::Array(fields.values.clone())),
                ]),
            );
        }
        if let Some(c) = self.created {
            put("c", Mp::from(c));
        }
        if let Some(token) = &self.token {
            put("token", Mp::Binary(token.clone()));
        }
        if let Some(q) = &self.query {
            put("q", q.to_msgpack());
        }
        if let Some(w) = &self.want {
            put("w", Mp::Array(w.iter().map(|x| Mp::from(*x)).collect()));
        }
        if !self.refreshed.is_empty() {
            put(
                "re",
                Mp::Array(self.refreshed.iter().map(|x| Mp::from(*x)).collect()),
            );
        }
        if !self.expired.is_empty() {
            put(
                "exp",
                Mp::Array(self.expired.iter().map(|x| Mp::from(*x)).collect()),
            );
        }
        Mp::Map(b)
    }

    fn envelope(&self, values: &[Mp]) -> Mp {
        let mut m: Vec<(Mp, Mp)> = Vec::new();
        match self.kind {
            Kind::Error => {
                let (code, text) = self.error.clone().unwrap_or((0, String::new()));
                m.push((
                    Mp::from("e"),
                    Mp::Array(vec![Mp::from(code), Mp::from(text)]),
                ));
                m.push((Mp::from("r"), self.body(values)));
                m.push((Mp::from("t"), Mp::from(self.tid)));
                m.push((Mp::from("y"), Mp::from("e")));
            }
            Kind::Reply | Kind::LegacyUpdate => {
                m.push((Mp::from("r"), self.body(values)));
                m.push((Mp::from("t"), Mp::from(self.tid)));
                m.push((Mp::from("y"), Mp::from("r")));
            }
            Kind::ValueParts => {
                m.push((Mp::from("y"), Mp::from("p")));
                m.push((Mp::from("t"), Mp::from(self.tid)));
                let parts = self
                    .parts
                    .iter()
                    .map(|(index, offset, data)| {
                        (
                            Mp::from(*index as u64),
                            Mp::Map(vec![
                                (Mp::from("o"), Mp::from(*offset as u64)),
                                (Mp::from("d"), Mp::Binary(data.clone())),
                            ]),
                        )
                    })
                    .collect();
                m.push((Mp::from("p"), Mp::Map(parts)));
            }
            kind => {
                m.push((Mp::from("a"), self.body(values)));
                m.push((
                    Mp::from("q"),
                    Mp::from(kind.request_name().unwrap_or("ping")),
                ));
                m.push((Mp::from("t"), Mp::from(self.tid)));
                m.push((Mp::from("y"), Mp::from("q")));
            }
        }
        if self.kind != Kind::ValueParts {
            m.push((Mp::from("v"), Mp::from(USER_AGENT)));
        }
        if self.network != 0 {
            m.push((Mp::from("n"), Mp::from(self.network)));
        }
        if self.is_client {
            m.push((Mp::from("s"), Mp::from(true)));
        }
        Mp::Map(m)
    }

    /// Encode as datagrams: the message, then value parts when its values are too large to
    /// travel inline (`opendht-wire.md` §1).
    pub fn encode_with_parts(&self) -> Vec<Vec<u8>> {
        let inline_total: usize = self
            .values
            .iter()
            .map(|v| match v {
                WireValue::Inline(v) => v.packed().len(),
                WireValue::Size(_) => 0,
            })
            .sum();
        let has_sizes = self.values.iter().any(|v| matches!(v, WireValue::Size(_)));
        let as_parts = has_sizes
            || self.values.len() >= MAX_INLINE_VALUES
            || inline_total >= MAX_INLINE_VALUES_BYTES;
        let values: Vec<Mp> = self
            .values
            .iter()
            .map(|v| match (v, as_parts) {
                (WireValue::Inline(v), false) => v.msgpack().clone(),
                (WireValue::Inline(v), true) => Mp::from(v.packed().len() as u64),
                (WireValue::Size(n), _) => Mp::from(*n as u64),
            })
            .collect();
        let mut out = vec![write(&self.envelope(&values))];
        if as_parts {
            for (index, value) in self.values.iter().enumerate() {
                let WireValue::Inline(value) = value else {
                    continue; // Only its size is known: the bytes follow from elsewhere.
                };
                for (n, chunk) in value.packed().chunks(PART_SIZE).enumerate() {
                    let part = Message {
                        kind: Kind::ValueParts,
                        tid: self.tid,
                        network: self.network,
                        parts: vec![(index, n * PART_SIZE, chunk.to_vec())],
                        ..Message::default()
                    };
                    out.push(write(&part.envelope(&[])));
                }
            }
        }
        out
    }

    /// Encode a message that carries no large values (one datagram).
    pub fn encode(&self) -> Vec<u8> {
        let mut datagrams = self.encode_with_parts();
        datagrams.swap_remove(0)
    }
}

fn write(v: &Mp) -> Vec<u8> {
    let mut out = Vec::with_capacity(256);
    // Writing into a Vec cannot fail.
    let _ = rmpv::encode::write_value(&mut out, v);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn hash() -> impl Strategy<Value = InfoHash> {
        any::<[u8; 20]>().prop_map(InfoHash)
    }

    fn node(v6: bool) -> impl Strategy<Value = NodeInfo> {
        (hash(), any::<[u8; 16]>(), 1u16..).prop_map(move |(id, ip, port)| NodeInfo {
            id,
            addr: if v6 {
                SocketAddr::new(IpAddr::V6(Ipv6Addr::from(ip)), port)
            } else {
                SocketAddr::new(IpAddr::V4(Ipv4Addr::new(ip[0], ip[1], ip[2], ip[3])), port)
            },
        })
    }

    fn value() -> impl Strategy<Value = Value> {
        (
            1u64..,
            0u16..10,
            proptest::collection::vec(any::<u8>(), 0..3000),
            "[a-z/]{0,12}",
        )
            .prop_map(|(id, t, data, utype)| Value::new(id, t, data, &utype))
    }

    const KINDS: [Kind; 9] = [
        Kind::Ping,
        Kind::Find,
        Kind::Get,
        Kind::Put,
        Kind::Refresh,
        Kind::Listen,
        Kind::Update,
        Kind::Reply,
        Kind::Error,
    ];

    /// Decode datagrams as a node would: the header, then value parts by index.
    fn reassemble(datagrams: &[Vec<u8>]) -> Message {
        let mut header = Message::decode(&datagrams[0]).unwrap();
        let mut buffers: Vec<Vec<u8>> = vec![Vec::new(); header.values.len()];
        for d in &datagrams[1..] {
            let part = Message::decode(d).unwrap();
            for (index, offset, data) in part.parts {
                assert_eq!(buffers[index].len(), offset);
                buffers[index].extend_from_slice(&data);
            }
        }
        if datagrams.len() > 1 {
            header.values = buffers
                .iter()
                .map(|b| WireValue::Inline(Value::decode(b).unwrap()))
                .collect();
        }
        header
    }

    proptest! {
        #[test]
        fn every_message_kind_round_trips(
            kind in 0usize..KINDS.len(),
            tid in 1u32..,
            network in prop_oneof![Just(0u32), 1u32..],
            id in hash(),
            h in proptest::option::of(hash()),
            token in proptest::option::of(proptest::collection::vec(any::<u8>(), 32)),
            sid in proptest::option::of(1u32..),
            vid in proptest::option::of(1u64..),
            nodes4 in proptest::collection::vec(node(false), 0..8),
            nodes6 in proptest::collection::vec(node(true), 0..8),
            values in proptest::collection::vec(value(), 0..3),
            exp in proptest::collection::vec(1u64.., 0..4),
        ) {
            let kind = KINDS[kind];
            let msg = Message {
                kind,
                tid,
                network,
                id: Some(id),
                info_hash: h,
                target: (kind == Kind::Find).then_some(id),
                token,
                socket_id: sid.filter(|_| matches!(kind, Kind::Listen | Kind::Update)),
                value_id: vid,
                version: (kind == Kind::Listen).then_some(1),
                nodes4,
                nodes6,
                values: values.into_iter().map(WireValue::Inline).collect(),
                expired: exp,
                error: (kind == Kind::Error).then(|| (401, "Put with wrong token".to_string())),
                seen_addr: (kind == Kind::Reply).then(|| "192.0.2.1".parse().unwrap()),
                ..Message::default()
            };
            let back = reassemble(&msg.encode_with_parts());
            prop_assert_eq!(back.kind, msg.kind);
            prop_assert_eq!(back.tid, msg.tid);
            prop_assert_eq!(back.network, msg.network);
            prop_assert_eq!(back.id, msg.id);
            prop_assert_eq!(back.info_hash, msg.info_hash);
            prop_assert_eq!(back.target, msg.target);
            prop_assert_eq!(&back.token, &msg.token);
            prop_assert_eq!(back.socket_id, msg.socket_id);
            prop_assert_eq!(back.value_id, msg.value_id);
            prop_assert_eq!(back.version, msg.version);
            prop_assert_eq!(&back.nodes4, &msg.nodes4);
            prop_assert_eq!(&back.nodes6, &msg.nodes6);
            prop_assert_eq!(&back.values, &msg.values);
            prop_assert_eq!(&back.expired, &msg.expired);
            prop_assert_eq!(&back.error, &msg.error);
            prop_assert_eq!(back.seen_addr, msg.seen_addr);
        }
    }

    #[test]
    fn a_ping_round_trips() {
        let ping = Message {
            kind: Kind::Ping,
            tid: 77,
            id: Some(InfoHash([7; 20])),
            ..Message::default()
        };
        let back = Message::decode(&ping.encode()).unwrap();
        assert_eq!(back.kind, Kind::Ping);
        assert_eq!(back.tid, 77);
        assert_eq!(back.id, ping.id);
        assert_eq!(back.user_agent.as_deref(), Some(USER_AGENT));
    }

    #[test]
    fn large_values_go_as_parts_and_small_ones_inline() {
        let big = Value::new(5, 0, vec![9; 3000], "");
        let put = Message {
            kind: Kind::Put,
            tid: 3,
            id: Some(InfoHash([1; 20])),
            info_hash: Some(InfoHash([2; 20])),
            token: Some(vec![0; 32]),
            values: vec![WireValue::Inline(big.clone())],
            ..Message::default()
        };
        let datagrams = put.encode_with_parts();
        assert_eq!(datagrams.len(), 1 + 3);
        assert!(datagrams.iter().all(|d| d.len() <= PART_SIZE + 64));
        let header = Message::decode(&datagrams[0]).unwrap();
        assert_eq!(header.values, vec![WireValue::Size(big.packed().len())]);
        let part = Message::decode(&datagrams[2]).unwrap();
        assert_eq!(part.kind, Kind::ValueParts);
        assert_eq!(part.parts[0].1, PART_SIZE);

        let small = Value::new(6, 0, b"hi".to_vec(), "text/plain");
        let put = Message {
            values: vec![WireValue::Inline(small.clone())],
            ..put
        };
        let datagrams = put.encode_with_parts();
        assert_eq!(datagrams.len(), 1);
        let back = Message::decode(&datagrams[0]).unwrap();
        assert_eq!(back.values, vec![WireValue::Inline(small)]);
    }

    #[test]
    fn node_lists_round_trip() {
        let nodes4 = vec![NodeInfo {
            id: InfoHash([3; 20]),
            addr: "127.0.0.1:4223".parse().unwrap(),
        }];
        let nodes6 = vec![NodeInfo {
            id: InfoHash([4; 20]),
            addr: "[::1]:4224".parse().unwrap(),
        }];
        let reply = Message {
            kind: Kind::Reply,
            tid: 9,
            id: Some(InfoHash([1; 20])),
            nodes4: nodes4.clone(),
            nodes6: nodes6.clone(),
            token: Some(vec![1; 32]),
            seen_addr: Some("127.0.0.1".parse().unwrap()),
            ..Message::default()
        };
        let back = Message::decode(&reply.encode()).unwrap();
        assert_eq!(back.nodes4, nodes4);
        assert_eq!(back.nodes6, nodes6);
        assert_eq!(back.seen_addr, reply.seen_addr);
    }

    #[test]
    fn garbage_is_an_error_not_a_panic() {
        for bytes in [
            &b""[..],
            b"\xc1",
            b"\x93\x01\x02",
            b"\x81\xa1y\xa1z",
            b"\xdd\xff\xff\xff\xff",
        ] {
            assert!(Message::decode(bytes).is_err(), "{bytes:?}");
        }
        // Deep nesting is bounded.
        let deep = [vec![0x91u8; 10_000], vec![0x01]].concat();
        assert!(Message::decode(&deep).is_err());
    }
}
