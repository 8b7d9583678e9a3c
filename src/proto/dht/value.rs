//! DHT values in OpenDHT's format, stored and forwarded opaquely.
//!
//! ```text
//! value    = { "id": u64, "dat": dat, ["p": uint], ["pt": str] }
//! dat      = { "body": body, ["sig": bin] }  |  bin (encrypted)
//! body     = { ["seq": u16, "owner": bin, ["to": bin20]], "type": u16, "data": bin, ["utype": str] }
//! ```
//! A storing node keeps the whole value as it came (re-packed canonically, which gives the same
//! bytes for canonical input) and reads only what expiry, queries and limits need: id, type,
//! owner, seq, user type and size.

use super::hash::InfoHash;
use rmpv::Value as Mp;

/// Largest value accepted (`MAX_VALUE_SIZE`).
pub const MAX_VALUE_SIZE: usize = 64 * 1024;

/// Why a value could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ValueError {
    #[error("a value must be a map with id and dat")]
    NotAValue,
    #[error("value id 0 is invalid")]
    ZeroId,
    #[error("the value body lacks {0}")]
    MissingField(&'static str),
    #[error("a signed value lacks its seq or signature")]
    IncompleteSignature,
    #[error("not msgpack: {0}")]
    Msgpack(String),
}

/// One value, with the fields ferry reads and its canonical packed form.
#[derive(Debug, Clone, PartialEq)]
pub struct Value {
    pub id: u64,
    pub value_type: u16,
    pub user_type: String,
    /// The payload; empty for encrypted values (see `cypher`).
    pub data: Vec<u8>,
    /// Publisher's public key (SubjectPublicKeyInfo DER) for signed values.
    pub owner: Option<Vec<u8>>,
    pub seq: u16,
    pub signature: Option<Vec<u8>>,
    pub cypher: Option<Vec<u8>>,
    pub push_type: Option<String>,
    msgpack: Mp,
    packed: Vec<u8>,
}

pub(crate) fn map_get<'a>(map: &'a [(Mp, Mp)], key: &str) -> Option<&'a Mp> {
    map.iter()
        .find(|(k, _)| k.as_str() == Some(key))
        .map(|(_, v)| v)
}

fn bin(v: &Mp) -> Option<&[u8]> {
    match v {
        Mp::Binary(b) => Some(b),
        Mp::String(s) => Some(s.as_bytes()),
        _ => None,
    }
}

impl Value {
    /// A new plain (unsigned, unencrypted) value.
    pub fn new(id: u64, value_type: u16, data: Vec<u8>, user_type: &str) -> Value {
        let mut body = vec![
            (Mp::from("type"), Mp::from(value_type)),
            (Mp::from("data"), Mp::Binary(data)),
        ];
        if !user_type.is_empty() {
            body.push((Mp::from("utype"), Mp::from(user_type)));
        }
        let msgpack = Mp::Map(vec![
            (Mp::from("id"), Mp::from(id)),
            (
                Mp::from("dat"),
                Mp::Map(vec![(Mp::from("body"), Mp::Map(body))]),
            ),
        ]);
        // Built from valid parts: reading it back cannot fail.
        Value::from_msgpack(&msgpack).unwrap_or_else(|_| unreachable!("a fresh value parses"))
    }

    /// Read a value from its msgpack form.
    pub fn from_msgpack(v: &Mp) -> Result<Value, ValueError> {
        let Mp::Map(outer) = v else {
            return Err(ValueError::NotAValue);
        };
        let id = map_get(outer, "id")
            .and_then(Mp::as_u64)
            .ok_or(ValueError::NotAValue)?;
        if id == 0 {
            return Err(ValueError::ZeroId);
        }
        let dat = map_get(outer, "dat").ok_or(ValueError::NotAValue)?;
        let push_type = map_get(outer, "pt")
            .and_then(Mp::as_str)
            .map(str::to_string);
        let mut value = Value {
            id,
            value_type: 0,
            user_type: String::new(),
            data: Vec::new(),
            owner: None,
            seq: 0,
            signature: None,
            cypher: None,
            push_type,
            msgpack: v.clone(),
            packed: Vec::new(),
        };
        match dat {
            Mp::Binary(cypher) => value.cypher = Some(cypher.clone()),
            Mp::Map(dat) => {
                let Some(Mp::Map(body)) = map_get(dat, "body") else {
                    return Err(ValueError::MissingField("body"));
                };
                value.data = map_get(body, "data")
                    .and_then(bin)
                    .ok_or(ValueError::MissingField("data"))?
                    .to_vec();
                value.value_type = map_get(body, "type")
                    .and_then(Mp::as_u64)
                    .and_then(|t| u16::try_from(t).ok())
                    .ok_or(ValueError::MissingField("type"))?;
                value.user_type = map_get(body, "utype")
                    .and_then(Mp::as_str)
                    .unwrap_or_default()
                    .to_string();
                if let Some(owner) = map_get(body, "owner").and_then(bin) {
                    value.owner = Some(owner.to_vec());
                    value.seq = map_get(body, "seq")
                        .and_then(Mp::as_u64)
                        .and_then(|s| u16::try_from(s).ok())
                        .ok_or(ValueError::IncompleteSignature)?;
                    value.signature = Some(
                        map_get(dat, "sig")
                            .and_then(bin)
                            .ok_or(ValueError::IncompleteSignature)?
                            .to_vec(),
                    );
                }
            }
            _ => return Err(ValueError::NotAValue),
        }
        let mut packed = Vec::new();
        rmpv::encode::write_value(&mut packed, v)
            .map_err(|e| ValueError::Msgpack(e.to_string()))?;
        value.packed = packed;
        Ok(value)
    }

    /// Read a value from packed bytes (as reassembled from value parts).
    pub fn decode(bytes: &[u8]) -> Result<Value, ValueError> {
        let v = super::message::read_msgpack(bytes).map_err(ValueError::Msgpack)?;
        Value::from_msgpack(&v)
    }

    pub fn msgpack(&self) -> &Mp {
        &self.msgpack
    }

    /// The canonical packed bytes.
    pub fn packed(&self) -> &[u8] {
        &self.packed
    }

    /// Size counted against storage limits (as OpenDHT's `Value::size`).
    pub fn size(&self) -> usize {
        self.cypher.as_ref().map_or(0, Vec::len)
            + self.data.len()
            + self.signature.as_ref().map_or(0, Vec::len)
            + self.user_type.len()
            + self.push_type.as_ref().map_or(0, String::len)
    }

    /// The owner's key id (SHA-1 of the key), zero for unsigned values.
    pub fn owner_id(&self) -> InfoHash {
        self.owner.as_ref().map(InfoHash::of).unwrap_or_default()
    }
}

/// Query fields (`Value::Field`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Id = 1,
    ValueType = 2,
    OwnerPk = 3,
    SeqNum = 4,
    UserType = 5,
}

impl Field {
    pub fn from_code(code: u64) -> Option<Field> {
        Some(match code {
            1 => Field::Id,
            2 => Field::ValueType,
            3 => Field::OwnerPk,
            4 => Field::SeqNum,
            5 => Field::UserType,
            _ => return None,
        })
    }

    /// This field of `value` as a select reply writes it.
    pub fn of(self, value: &Value) -> Mp {
        match self {
            Field::Id => Mp::from(value.id),
            Field::ValueType => Mp::from(value.value_type),
            Field::OwnerPk => Mp::Binary(value.owner_id().0.to_vec()),
            Field::SeqNum => Mp::from(value.seq),
            Field::UserType => Mp::from(value.user_type.as_str()),
        }
    }
}

/// A `q` query: `SELECT fields WHERE field = value AND ...`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Query {
    pub select: Vec<Field>,
    pub conditions: Vec<(Field, Mp)>,
}

impl Query {
    pub fn select_ids() -> Query {
        Query {
            select: vec![Field::Id],
            conditions: vec![],
        }
    }

    pub fn where_id(id: u64) -> Query {
        Query {
            select: vec![],
            conditions: vec![(Field::Id, Mp::from(id))],
        }
    }

    pub fn is_empty(&self) -> bool {
        self.select.is_empty() && self.conditions.is_empty()
    }

    /// Whether `value` satisfies every condition.
    pub fn matches(&self, value: &Value) -> bool {
        self.conditions.iter().all(|(field, wanted)| {
            let have = field.of(value);
            match (field, wanted) {
                (Field::UserType, Mp::Binary(b)) => have.as_str().map(str::as_bytes) == Some(b),
                (Field::OwnerPk, Mp::Binary(b)) => have.as_slice() == Some(b.as_slice()),
                _ => have.as_u64().is_some() && have.as_u64() == wanted.as_u64(),
            }
        })
    }

    pub fn to_msgpack(&self) -> Mp {
        let select = self.select.iter().map(|f| Mp::from(*f as u8)).collect();
        let conditions = self
            .conditions
            .iter()
            .map(|(f, v)| {
                let v = match (f, v) {
                    (Field::UserType, Mp::String(s)) => Mp::Binary(s.as_bytes().to_vec()),
                    _ => v.clone(),
                };
                Mp::Map(vec![
                    (Mp::from("f"), Mp::from(*f as u8)),
                    (Mp::from("v"), v),
                ])
            })
            .collect();
        Mp::Map(vec![
            (Mp::from("s"), Mp::Array(select)),
            (Mp::from("w"), Mp::Array(conditions)),
        ])
    }

    /// Read a query; `None` when it is malformed (OpenDHT rejects the whole message then).
    pub fn from_msgpack(v: &Mp) -> Option<Query> {
        let Mp::Map(map) = v else { return None };
        let mut query = Query::default();
        if let Some(Mp::Array(select)) = map_get(map, "s") {
            for f in select {
                query.select.push(Field::from_code(f.as_u64()?)?);
            }
        }
        if let Some(Mp::Array(conditions)) = map_get(map, "w") {
            for c in conditions {
                let Mp::Map(c) = c else { return None };
                let field = Field::from_code(map_get(c, "f")?.as_u64()?)?;
                if field == Field::SeqNum {
                    return None;
                }
                query.conditions.push((field, map_get(c, "v")?.clone()));
            }
        }
        Some(query)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_plain_value_round_trips() {
        let v = Value::new(42, 0, b"hello".to_vec(), "text/plain");
        let back = Value::decode(v.packed()).unwrap();
        assert_eq!(back, v);
        assert_eq!(back.data, b"hello");
        assert_eq!(back.user_type, "text/plain");
        assert_eq!(v.size(), 5 + 10);
    }

    #[test]
    fn queries_filter_by_id_and_user_type() {
        let v = Value::new(7, 0, vec![], "peer_request");
        assert!(Query::where_id(7).matches(&v));
        assert!(!Query::where_id(8).matches(&v));
        let by_type = Query {
            select: vec![],
            conditions: vec![(Field::UserType, Mp::Binary(b"peer_request".to_vec()))],
        };
        assert!(by_type.matches(&v));
        let q = Query::from_msgpack(&by_type.to_msgpack()).unwrap();
        assert_eq!(q, by_type);
    }

    #[test]
    fn bad_values_are_rejected() {
        let zero = Mp::Map(vec![
            (Mp::from("id"), Mp::from(0)),
            (Mp::from("dat"), Mp::Binary(vec![1])),
        ]);
        assert_eq!(Value::from_msgpack(&zero), Err(ValueError::ZeroId));
        assert_eq!(
            Value::from_msgpack(&Mp::from(3)),
            Err(ValueError::NotAValue)
        );
    }
}
