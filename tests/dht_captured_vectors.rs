//! Every message captured from real OpenDHT 2.4.12 nodes (`../shared/vectors/opendht`) decodes
//! to the structure recorded beside it, is classified as the kind its name says, and re-encodes
//! to a message that decodes to the same fields.

use ferry::proto::dht::message::{read_msgpack, Kind, Message, WireValue};
use ferry::proto::dht::value::Value;
use rmpv::Value as Mp;
use serde_json::{json, Value as Json};
use std::path::PathBuf;

fn vectors_dir() -> PathBuf {
    PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/vectors/opendht"
    ))
}

/// The vectors' JSON convention: bin as {"$bin": hex}, integer map keys as "$int:N".
fn to_json(v: &Mp) -> Json {
    match v {
        Mp::Nil => Json::Null,
        Mp::Boolean(b) => json!(b),
        Mp::Integer(i) => i.as_u64().map_or_else(|| json!(i.as_i64()), |u| json!(u)),
        Mp::F32(f) => json!(f),
        Mp::F64(f) => json!(f),
        Mp::String(s) => json!(s.as_str().unwrap_or_default()),
        Mp::Binary(b) => json!({"$bin": hex::encode(b)}),
        Mp::Array(a) => Json::Array(a.iter().map(to_json).collect()),
        Mp::Map(m) => Json::Object(
            m.iter()
                .map(|(k, v)| {
                    let key = match k {
                        Mp::String(s) => s.as_str().unwrap_or_default().to_string(),
                        Mp::Integer(i) => format!("$int:{i}"),
                        other => other.to_string(),
                    };
                    (key, to_json(v))
                })
                .collect(),
        ),
        Mp::Ext(_, b) => json!({"$ext": hex::encode(b)}),
    }
}

fn vectors() -> Vec<(String, Vec<u8>, Json)> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(vectors_dir()).expect("the shared vectors") {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "bin") {
            let name = path.file_stem().unwrap().to_string_lossy().to_string();
            let meta: Json =
                serde_json::from_slice(&std::fs::read(path.with_extension("json")).unwrap())
                    .unwrap();
            out.push((name, std::fs::read(&path).unwrap(), meta));
        }
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

fn expected_kind(name: &str) -> Kind {
    let rules: &[(&str, Kind)] = &[
        ("error-", Kind::Error),
        ("value-part", Kind::ValueParts),
        ("-reply", Kind::Reply),
        ("update", Kind::Update),
        ("ping", Kind::Ping),
        ("find", Kind::Find),
        ("get", Kind::Get),
        ("put", Kind::Put),
        ("refresh", Kind::Refresh),
        ("listen", Kind::Listen),
    ];
    rules
        .iter()
        .find(|(pattern, _)| name.contains(pattern))
        .map(|(_, k)| *k)
        .unwrap_or_else(|| panic!("no kind for {name}"))
}

#[test]
fn every_vector_decodes_to_its_recorded_structure() {
    let all = vectors();
    assert!(all.len() >= 40, "only {} vectors found", all.len());
    for (name, bytes, meta) in &all {
        if name == "get-reply-fields-truncated" {
            assert!(
                read_msgpack(bytes).is_err(),
                "truncated msgpack must not decode"
            );
            assert!(Message::decode(bytes).is_err());
            continue;
        }
        let decoded = read_msgpack(bytes).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(to_json(&decoded), meta["decoded"], "{name}");
    }
}

#[test]
fn every_vector_is_the_kind_its_name_says_and_round_trips() {
    for (name, bytes, _) in vectors() {
        if name == "get-reply-fields-truncated" {
            continue;
        }
        let msg = Message::decode(&bytes).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(msg.kind, expected_kind(&name), "{name}");
        if name == "client-ping-wrong-network" {
            assert_eq!(msg.network, 5);
        }
        if let Some(code) = name
            .strip_prefix("error-")
            .and_then(|r| r.split('-').next())
        {
            assert_eq!(msg.error.as_ref().unwrap().0.to_string(), code, "{name}");
        }
        if msg.kind != Kind::ValueParts {
            assert!(
                msg.id.is_some(),
                "{name}: every request and reply carries id"
            );
        }
        let again = Message::decode(&msg.encode_with_parts()[0]).unwrap();
        assert_eq!(again.kind, msg.kind, "{name}");
        assert_eq!(again.tid, msg.tid, "{name}");
        assert_eq!(again.id, msg.id, "{name}");
        assert_eq!(again.info_hash, msg.info_hash, "{name}");
        assert_eq!(again.target, msg.target, "{name}");
        assert_eq!(again.token, msg.token, "{name}");
        assert_eq!(again.value_id, msg.value_id, "{name}");
        assert_eq!(again.nodes4, msg.nodes4, "{name}");
        assert_eq!(again.nodes6, msg.nodes6, "{name}");
        assert_eq!(again.error, msg.error, "{name}");
        assert_eq!(again.refreshed, msg.refreshed, "{name}");
        assert_eq!(again.expired, msg.expired, "{name}");
        assert_eq!(again.parts, msg.parts, "{name}");
        assert_eq!(again.query, msg.query, "{name}");
        // Inline values come back inline; sizes stay sizes.
        assert_eq!(again.values.len(), msg.values.len(), "{name}");
    }
}

#[test]
fn specific_fields_of_captured_messages() {
    let get = |n: &str| {
        let bytes = std::fs::read(vectors_dir().join(format!("{n}.bin"))).unwrap();
        Message::decode(&bytes).unwrap()
    };
    let find = get("find-reply");
    assert_eq!(find.nodes4[0].addr.to_string(), "127.0.0.1:4223");
    assert_eq!(find.nodes6[0].addr.to_string(), "[::1]:4224");
    assert_eq!(find.token.as_ref().unwrap().len(), 32);
    assert_eq!(
        get("ping-reply").seen_addr.unwrap().to_string(),
        "127.0.0.1"
    );
    assert_eq!(get("ping-reply-ipv6").seen_addr.unwrap().to_string(), "::1");
    let values = get("get-reply-values");
    let WireValue::Inline(v) = &values.values[0] else {
        panic!("inline value expected")
    };
    assert_eq!(v.data, b"hello from raw client");
    let fields = get("get-reply-fields").fields.unwrap();
    assert_eq!(fields.fields.len(), 2);
    assert!(matches!(
        get("put-request-parts-header-type0").values[0],
        WireValue::Size(_)
    ));
    let update = get("update-request-expired");
    assert_eq!(update.expired, vec![77]);
    assert_eq!(get("listen-request").version, Some(1));
}

/// Back from the vectors' JSON convention to msgpack (map order aside).
fn from_json(v: &Json) -> Mp {
    match v {
        Json::Null => Mp::Nil,
        Json::Bool(b) => Mp::from(*b),
        Json::Number(n) => n
            .as_u64()
            .map(Mp::from)
            .or_else(|| n.as_i64().map(Mp::from))
            .unwrap_or_else(|| Mp::from(n.as_f64().unwrap_or_default())),
        Json::String(s) => Mp::from(s.as_str()),
        Json::Array(a) => Mp::Array(a.iter().map(from_json).collect()),
        Json::Object(o) => {
            if let Some(Json::String(h)) = o.get("$bin") {
                return Mp::Binary(hex::decode(h).unwrap());
            }
            Mp::Map(
                o.iter()
                    .map(|(k, v)| {
                        let key = match k.strip_prefix("$int:") {
                            Some(n) => Mp::from(n.parse::<u64>().unwrap()),
                            None => Mp::from(k.as_str()),
                        };
                        (key, from_json(v))
                    })
                    .collect(),
            )
        }
    }
}

#[test]
fn reassembled_values_of_parts_vectors_decode() {
    let mut checked = 0;
    for (name, bytes, meta) in vectors() {
        let Some(values) = meta.get("reassembled_values").and_then(Json::as_array) else {
            continue;
        };
        let header = Message::decode(&bytes).unwrap();
        for (i, v) in values.iter().enumerate() {
            let value =
                Value::from_msgpack(&from_json(v)).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_eq!(Some(value.id), v["id"].as_u64(), "{name}");
            if let Some(data) = v["dat"]["body"]["data"]["$bin"].as_str() {
                assert_eq!(hex::encode(&value.data), data, "{name}");
            }
            if v["dat"].get("$bin").is_some() {
                assert!(value.cypher.is_some(), "{name}: an encrypted value");
            }
            // The header announced this value's packed size.
            assert!(
                matches!(header.values[i], WireValue::Size(n) if n > 0),
                "{name}"
            );
            checked += 1;
        }
    }
    println!("{checked} reassembled values decoded");
    assert!(checked >= 5, "only {checked} reassembled values checked");
}
