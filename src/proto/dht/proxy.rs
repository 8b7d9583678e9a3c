//! OpenDHT's REST proxy ("DHT proxy" in Jami), the client's pure half: the proxy's URL, the
//! requests, values as the proxy's JSON, and a bounded reader for its streamed answers.
//!
//! A device that cannot use UDP reaches the DHT through a node that serves HTTP
//! (`dhtnode --proxyserver PORT`, `src/dht_proxy_server.cpp` in OpenDHT). The routes used:
//!
//! ```text
//! GET  /                       node info: {"node_id": ..., "ipv4": {"good": n, ...}, "public_ip": ...}
//! GET  /key/{hash}             the values at hash, one JSON value per line, streamed as found
//! POST /key/{hash}             body: one JSON value, with "permanent": true for a put the proxy
//!                              keeps alive (for OP_TIMEOUT, 24 h; the client posts it again
//!                              before that); answer: the value as stored; 502 if no node took it
//! GET  /key/{hash}/listen      a stream that stays open: one JSON value per line as values
//!                              arrive, with "expired": true when one expires
//! ```
//!
//! A value (`Value::toJson`/`Value(Json)` in OpenDHT's `src/value.cpp`):
//! `{"id": "decimal u64", "data": base64, "type": n, "utype": str}`, signed values add
//! `"seq"`, `"owner"` (the public key, PEM) and `"sig"` (base64), and `"to"` (hex) when
//! addressed; an encrypted value is `{"id", "cypher": base64}`; `"prio"` when set.
//!
//! Flow: the driver (`net::dht_proxy`) builds a [`Request`], sends it, feeds each chunk of the
//! answer to a [`LineReader`] and turns each [`Line`] into DHT events. Nothing here does I/O.

use super::hash::InfoHash;
use super::value::{Value, MAX_VALUE_SIZE};
use base64::Engine as _;
use rmpv::Value as Mp;
use serde_json::{json, Map, Value as Json};
use std::fmt;

/// Jami's public DHT proxy, used by `auto` when no other URL is given.
pub const DEFAULT_PROXY: &str = "http://dhtproxy.jami.net:80";
/// Longest line accepted: the largest value, base64 (4/3) with its JSON around it and a PEM
/// owner key.
pub const MAX_LINE: usize = MAX_VALUE_SIZE * 4 / 3 + 8 * 1024;
/// Most values taken from one answer (a get, or one connection of a listen): a key with more
/// is hostile or broken, and a listen reconnects past it.
pub const MAX_VALUES: usize = 1024;
/// Largest answer to a request that is not a stream (node info, a put).
pub const MAX_REPLY: usize = MAX_LINE;
/// How long a permanent put lives on the proxy (`proxy::OP_TIMEOUT`), and how long before
/// its end the client posts it again (`OP_TIMEOUT - OP_MARGIN`).
pub const PERMANENT_LIFETIME_S: u64 = 24 * 3600;
pub const PERMANENT_REFRESH_S: u64 = 22 * 3600;

/// What went wrong with a proxy URL or a proxy's answer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProxyError {
    #[error("{given:?} is not a DHT proxy URL ({why}); expected http://HOST:PORT, https://HOST:PORT or HOST:PORT")]
    BadUrl { given: String, why: &'static str },
    #[error("line {line} of the answer is longer than {limit} bytes")]
    LineTooLong { line: usize, limit: usize },
    #[error("the answer holds more than {limit} values")]
    TooManyValues { limit: usize },
    #[error("line {line} of the answer is not JSON ({error})")]
    NotJson { line: usize, error: String },
    #[error("line {line} of the answer is not a DHT value ({why})")]
    NotAValue { line: usize, why: String },
}

/// Where the proxy is: `http://HOST[:PORT][/PATH]`, `https://...`, or `HOST:PORT` (http).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProxyUrl {
    pub tls: bool,
    /// A name or an address (IPv6 without brackets).
    pub host: String,
    pub port: u16,
    /// A path prefix without its trailing `/` (usually empty).
    pub base: String,
}

impl ProxyUrl {
    pub fn parse(given: &str) -> Result<ProxyUrl, ProxyError> {
        let bad = |why| ProxyError::BadUrl {
            given: given.to_string(),
            why,
        };
        let text = given.trim();
        let (tls, rest) = if let Some(rest) = text.strip_prefix("https://") {
            (true, rest)
        } else if let Some(rest) = text.strip_prefix("http://") {
            (false, rest)
        } else if text.contains("://") {
            return Err(bad("only http and https are spoken"));
        } else {
            (false, text)
        };
        let (authority, base) = match rest.find('/') {
            Some(at) => (&rest[..at], rest[at..].trim_end_matches('/')),
            None => (rest, ""),
        };
        if authority.contains('@') {
            return Err(bad("user names are not supported"));
        }
        let default_port = if tls { 443 } else { 80 };
        let (host, port) = if let Some(v6) = authority.strip_prefix('[') {
            let (host, after) = v6.split_once(']').ok_or_else(|| bad("unclosed ["))?;
            let port = match after.strip_prefix(':') {
                Some(p) => p.parse().map_err(|_| bad("the port is not a number"))?,
                None if after.is_empty() => default_port,
                None => return Err(bad("junk after ]")),
            };
            (host.to_string(), port)
        } else {
            match authority.rsplit_once(':') {
                Some((host, p)) => (
                    host.to_string(),
                    p.parse().map_err(|_| bad("the port is not a number"))?,
                ),
                None => (authority.to_string(), default_port),
            }
        };
        if host.is_empty() {
            return Err(bad("no host"));
        }
        if port == 0 {
            return Err(bad("port 0"));
        }
        Ok(ProxyUrl {
            tls,
            host,
            port,
            base: base.to_string(),
        })
    }

    /// `HOST:PORT` as a `Host` header and a socket address text take it.
    pub fn authority(&self) -> String {
        if self.host.contains(':') {
            format!("[{}]:{}", self.host, self.port)
        } else {
            format!("{}:{}", self.host, self.port)
        }
    }
}

impl fmt::Display for ProxyUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let scheme = if self.tls { "https" } else { "http" };
        write!(f, "{scheme}://{}{}", self.authority(), self.base)
    }
}

/// Whether and when the DHT goes through a proxy (`--dht-proxy`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum ProxyMode {
    /// UDP only (`off`, or nothing given).
    #[default]
    Off,
    /// Always through this proxy; no UDP at all.
    Always(ProxyUrl),
    /// UDP first; this proxy when no UDP node answered within the join wait (`auto`:
    /// [`DEFAULT_PROXY`], `auto:URL`: another one).
    Auto(ProxyUrl),
}

impl ProxyMode {
    pub fn parse(text: &str) -> Result<ProxyMode, ProxyError> {
        let text = text.trim();
        Ok(match text {
            "" | "off" | "none" => ProxyMode::Off,
            "auto" => ProxyMode::Auto(ProxyUrl::parse(DEFAULT_PROXY)?),
            _ => match text.strip_prefix("auto:") {
                Some(url) => ProxyMode::Auto(ProxyUrl::parse(url)?),
                None => ProxyMode::Always(ProxyUrl::parse(text)?),
            },
        })
    }
}

/// One HTTP request to the proxy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    pub method: &'static str,
    pub path: String,
    /// A JSON body ending with a line break, for a put.
    pub body: Option<String>,
}

impl Request {
    /// Node info, the health check.
    pub fn info(url: &ProxyUrl) -> Request {
        Request {
            method: "GET",
            path: format!("{}/", url.base),
            body: None,
        }
    }

    pub fn get(url: &ProxyUrl, key: &InfoHash) -> Request {
        Request {
            method: "GET",
            path: format!("{}/key/{key}", url.base),
            body: None,
        }
    }

    pub fn listen(url: &ProxyUrl, key: &InfoHash) -> Request {
        Request {
            method: "GET",
            path: format!("{}/key/{key}/listen", url.base),
            body: None,
        }
    }

    /// Store `value`; `permanent`: the proxy keeps it alive for [`PERMANENT_LIFETIME_S`].
    pub fn put(url: &ProxyUrl, key: &InfoHash, value: &Value, permanent: bool) -> Request {
        let mut json = value_to_json(value);
        if permanent {
            json.insert("permanent".into(), Json::Bool(true));
        }
        Request {
            method: "POST",
            path: format!("{}/key/{key}", url.base),
            body: Some(format!("{}\n", Json::Object(json))),
        }
    }
}

fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

fn unb64(text: &str) -> Option<Vec<u8>> {
    base64::engine::general_purpose::STANDARD.decode(text).ok()
}

/// A public key as OpenDHT's `PublicKey::toString` writes it (PEM) from its DER form.
fn pem(der: &[u8]) -> String {
    let body = b64(der);
    let mut out = String::from("-----BEGIN PUBLIC KEY-----\n");
    for chunk in body.as_bytes().chunks(64) {
        out.push_str(&String::from_utf8_lossy(chunk));
        out.push('\n');
    }
    out.push_str("-----END PUBLIC KEY-----\n");
    out
}

/// The DER bytes of a PEM public key (OpenDHT also accepts DER bytes as the string).
fn der(text: &str) -> Option<Vec<u8>> {
    if !text.contains("-----BEGIN") {
        return None;
    }
    let body: String = text
        .lines()
        .filter(|l| !l.starts_with("-----"))
        .map(str::trim)
        .collect();
    unb64(&body)
}

/// `Value::toJson`: the value as the proxy reads it.
pub fn value_to_json(value: &Value) -> Map<String, Json> {
    let mut out = Map::new();
    out.insert("id".into(), json!(value.id.to_string()));
    if let Some(cypher) = &value.cypher {
        out.insert("cypher".into(), json!(b64(cypher)));
        return out;
    }
    if let Some(sig) = &value.signature {
        out.insert("sig".into(), json!(b64(sig)));
    }
    if let Some(owner) = &value.owner {
        out.insert("seq".into(), json!(value.seq));
        out.insert("owner".into(), json!(pem(owner)));
        if let Some(to) = recipient(value) {
            out.insert("to".into(), json!(to.to_string()));
        }
    }
    out.insert("type".into(), json!(value.value_type));
    out.insert("data".into(), json!(b64(&value.data)));
    if !value.user_type.is_empty() {
        out.insert("utype".into(), json!(value.user_type));
    }
    out
}

/// The recipient (`to`) of a signed value, read from its packed body.
fn recipient(value: &Value) -> Option<InfoHash> {
    let Mp::Map(outer) = value.msgpack() else {
        return None;
    };
    let Some(Mp::Map(dat)) = super::value::map_get(outer, "dat") else {
        return None;
    };
    let Some(Mp::Map(body)) = super::value::map_get(dat, "body") else {
        return None;
    };
    match super::value::map_get(body, "to")? {
        Mp::Binary(b) => InfoHash::from_slice(b),
        _ => None,
    }
}

/// `Value(Json)`: a value from the proxy's JSON, rebuilt in its msgpack form (the form the
/// rest of ferry reads and a signature covers).
pub fn value_from_json(json: &Json) -> Result<Value, String> {
    let Json::Object(map) = json else {
        return Err("not an object".into());
    };
    let id = match map.get("id") {
        Some(Json::String(s)) => s.parse::<u64>().map_err(|_| format!("id {s:?}"))?,
        Some(Json::Number(n)) => n.as_u64().ok_or("id is not a u64")?,
        _ => return Err("no id".into()),
    };
    let text = |key: &str| map.get(key).and_then(Json::as_str);
    let bytes = |key: &'static str| -> Result<Option<Vec<u8>>, String> {
        match text(key) {
            Some(s) => unb64(s).map(Some).ok_or(format!("{key} is not base64")),
            None => Ok(None),
        }
    };
    let dat = if let Some(cypher) = bytes("cypher")? {
        Mp::Binary(cypher)
    } else {
        let data = bytes("data")?.ok_or("no data")?;
        let value_type = map.get("type").and_then(Json::as_u64).unwrap_or(0);
        let value_type = u16::try_from(value_type).map_err(|_| "type over 65535")?;
        let mut body = Vec::new();
        let owner =
            text("owner").map(|owner| der(owner).unwrap_or_else(|| owner.as_bytes().to_vec()));
        if let Some(owner) = owner {
            let seq = map.get("seq").and_then(Json::as_u64).unwrap_or(0);
            body.push((Mp::from("seq"), Mp::from(seq)));
            body.push((Mp::from("owner"), Mp::Binary(owner)));
            if let Some(to) = text("to") {
                let to: InfoHash = to.parse().map_err(|_| format!("to {to:?}"))?;
                body.push((Mp::from("to"), Mp::Binary(to.0.to_vec())));
            }
        }
        body.push((Mp::from("type"), Mp::from(value_type)));
        body.push((Mp::from("data"), Mp::Binary(data)));
        if let Some(utype) = text("utype").filter(|u| !u.is_empty()) {
            body.push((Mp::from("utype"), Mp::from(utype)));
        }
        let mut dat = vec![(Mp::from("body"), Mp::Map(body))];
        if let Some(sig) = bytes("sig")? {
            dat.push((Mp::from("sig"), Mp::Binary(sig)));
        }
        Mp::Map(dat)
    };
    let mut outer = vec![(Mp::from("id"), Mp::from(id)), (Mp::from("dat"), dat)];
    if let Some(prio) = map.get("prio").and_then(Json::as_u64).filter(|p| *p > 0) {
        outer.push((Mp::from("p"), Mp::from(prio)));
    }
    let value = Value::from_msgpack(&Mp::Map(outer)).map_err(|e| e.to_string())?;
    if value.size() > MAX_VALUE_SIZE {
        return Err(format!("{} bytes, over {MAX_VALUE_SIZE}", value.size()));
    }
    Ok(value)
}

/// One line of a streamed answer.
#[derive(Debug, Clone, PartialEq)]
pub enum Line {
    Value(Box<Value>),
    /// A listen's value that expired (`"expired": true`).
    Expired(u64),
}

/// Splits a streamed answer into values, one JSON object per line, within [`MAX_LINE`] and
/// [`MAX_VALUES`]. Empty lines (keep-alives) and `{}` are skipped, as OpenDHT's client does.
#[derive(Debug)]
pub struct LineReader {
    buf: Vec<u8>,
    max_line: usize,
    max_values: usize,
    lines: usize,
    values: usize,
}

impl Default for LineReader {
    fn default() -> Self {
        LineReader::new(MAX_LINE, MAX_VALUES)
    }
}

impl LineReader {
    pub fn new(max_line: usize, max_values: usize) -> LineReader {
        LineReader {
            buf: Vec::new(),
            max_line,
            max_values,
            lines: 0,
            values: 0,
        }
    }

    /// The complete lines in `chunk` (with what came before it); an error ends the answer.
    pub fn handle_data(&mut self, chunk: &[u8]) -> Result<Vec<Line>, ProxyError> {
        let mut out = Vec::new();
        let mut rest = chunk;
        while let Some(at) = rest.iter().position(|b| *b == b'\n') {
            self.push(&rest[..at])?;
            rest = &rest[at + 1..];
            let line = std::mem::take(&mut self.buf);
            out.extend(self.line(&line)?);
        }
        self.push(rest)?;
        Ok(out)
    }

    /// The end of the answer: a last line without its line break counts.
    pub fn finish(&mut self) -> Result<Vec<Line>, ProxyError> {
        let line = std::mem::take(&mut self.buf);
        Ok(self.line(&line)?.into_iter().collect())
    }

    fn push(&mut self, bytes: &[u8]) -> Result<(), ProxyError> {
        if self.buf.len() + bytes.len() > self.max_line {
            return Err(ProxyError::LineTooLong {
                line: self.lines + 1,
                limit: self.max_line,
            });
        }
        self.buf.extend_from_slice(bytes);
        Ok(())
    }

    fn line(&mut self, bytes: &[u8]) -> Result<Option<Line>, ProxyError> {
        self.lines += 1;
        let line = self.lines;
        let text = String::from_utf8_lossy(bytes);
        let text = text.trim();
        if text.is_empty() {
            return Ok(None);
        }
        let json: Json = serde_json::from_str(text).map_err(|e| ProxyError::NotJson {
            line,
            error: e.to_string(),
        })?;
        if json.as_object().is_some_and(Map::is_empty) {
            return Ok(None);
        }
        self.values += 1;
        if self.values > self.max_values {
            return Err(ProxyError::TooManyValues {
                limit: self.max_values,
            });
        }
        let value = value_from_json(&json).map_err(|why| ProxyError::NotAValue { line, why })?;
        if json.get("expired").and_then(Json::as_bool) == Some(true) {
            Ok(Some(Line::Expired(value.id)))
        } else {
            Ok(Some(Line::Value(Box::new(value))))
        }
    }
}

/// What the health check reads from node info: the node's id, how many nodes it knows, and the
/// address it sees this device at.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NodeInfo {
    pub node_id: String,
    pub nodes_ipv4: usize,
    pub nodes_ipv6: usize,
    pub public_ip: Option<String>,
}

/// Read node info (`GET /`).
pub fn node_info(body: &[u8]) -> Result<NodeInfo, ProxyError> {
    let json: Json = serde_json::from_slice(body).map_err(|e| ProxyError::NotJson {
        line: 1,
        error: e.to_string(),
    })?;
    let node_id = json
        .get("node_id")
        .and_then(Json::as_str)
        .ok_or_else(|| ProxyError::NotAValue {
            line: 1,
            why: "node info without node_id".into(),
        })?
        .to_string();
    let count = |family: &str| {
        let stats = json.get(family);
        let n = |k: &str| stats.and_then(|s| s.get(k)).and_then(Json::as_u64);
        (n("good").unwrap_or(0) + n("dubious").unwrap_or(0)) as usize
    };
    Ok(NodeInfo {
        node_id,
        nodes_ipv4: count("ipv4"),
        nodes_ipv6: count("ipv6"),
        public_ip: json
            .get("public_ip")
            .and_then(Json::as_str)
            .map(str::to_string),
    })
}

/// What a put's answer says went wrong, from its status and body (`{"err": "Put failed"}`).
pub fn put_refused(status: u16, body: &[u8]) -> String {
    let said = serde_json::from_slice::<Json>(body)
        .ok()
        .and_then(|j| {
            j.as_object()?
                .iter()
                .find(|(k, _)| k.starts_with("err"))
                .and_then(|(_, v)| v.as_str().map(str::to_string))
        })
        .unwrap_or_else(|| String::from_utf8_lossy(&body[..body.len().min(200)]).into_owned());
    match status {
        502 => format!("no DHT node took the value (HTTP 502: {said})"),
        _ => format!("HTTP {status}: {said}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Captured from `dhtnode --proxyserver 18080` (OpenDHT 2.4.12): `GET /key/{hash}` after
    /// a plain put and a permanent put with no id, and `GET /`.
    const CAPTURED_GET: &str = "{\"data\":\"aGVsbG8gZmVycnk=\",\"id\":\"12345\",\"type\":0,\"utype\":\"text/plain\"}\n{\"data\":\"cGVybWFuZW50\",\"id\":\"1479211980090486527\",\"type\":0}\n";
    const CAPTURED_INFO: &str = "{\"ipv4\":{\"dubious\":0,\"good\":0,\"incoming\":0},\"ipv6\":{\"dubious\":0,\"good\":0,\"incoming\":0},\"node_id\":\"7bf73fc3ffd6d30b01adb4d68e11843bd0cf0638\",\"ops\":1,\"public_ip\":\"::ffff:127.0.0.1\"}";

    fn url() -> ProxyUrl {
        ProxyUrl::parse("http://192.0.2.1:8080").unwrap()
    }

    #[test]
    fn captured_values_read_as_ferry_values() {
        let mut reader = LineReader::default();
        let lines = reader.handle_data(CAPTURED_GET.as_bytes()).unwrap();
        assert!(reader.finish().unwrap().is_empty());
        assert_eq!(
            lines,
            vec![
                Line::Value(Box::new(Value::new(
                    12345,
                    0,
                    b"hello ferry".to_vec(),
                    "text/plain"
                ))),
                Line::Value(Box::new(Value::new(
                    1479211980090486527,
                    0,
                    b"permanent".to_vec(),
                    ""
                ))),
            ]
        );
    }

    #[test]
    fn a_value_written_is_the_json_the_proxy_writes() {
        let v = Value::new(12345, 0, b"hello ferry".to_vec(), "text/plain");
        let line = CAPTURED_GET.lines().next().unwrap();
        let captured: Json = serde_json::from_str(line).unwrap();
        assert_eq!(Json::Object(value_to_json(&v)), captured);
    }

    #[test]
    fn signed_and_encrypted_values_round_trip() {
        let der_key: Vec<u8> = (0..91u8).collect();
        let body = Mp::Map(vec![
            (Mp::from("seq"), Mp::from(3)),
            (Mp::from("owner"), Mp::Binary(der_key.clone())),
            (Mp::from("to"), Mp::Binary(vec![7; 20])),
            (Mp::from("type"), Mp::from(1)),
            (Mp::from("data"), Mp::Binary(b"x".to_vec())),
            (Mp::from("utype"), Mp::from("u")),
        ]);
        let signed = Value::from_msgpack(&Mp::Map(vec![
            (Mp::from("id"), Mp::from(9)),
            (
                Mp::from("dat"),
                Mp::Map(vec![
                    (Mp::from("body"), body),
                    (Mp::from("sig"), Mp::Binary(vec![1; 64])),
                ]),
            ),
        ]))
        .unwrap();
        let json = Json::Object(value_to_json(&signed));
        assert!(json["owner"]
            .as_str()
            .unwrap()
            .starts_with("-----BEGIN PUBLIC KEY-----\n"));
        assert_eq!(json["to"], "07".repeat(20));
        let back = value_from_json(&json).unwrap();
        assert_eq!(back.packed(), signed.packed(), "the signed bytes survive");

        let encrypted = Value::from_msgpack(&Mp::Map(vec![
            (Mp::from("id"), Mp::from(10)),
            (Mp::from("dat"), Mp::Binary(vec![5; 40])),
        ]))
        .unwrap();
        let json = Json::Object(value_to_json(&encrypted));
        assert_eq!(json.as_object().unwrap().len(), 2);
        assert_eq!(value_from_json(&json).unwrap(), encrypted);
    }

    #[test]
    fn requests_follow_the_proxy_routes() {
        let key: InfoHash = "0123456789abcdef0123456789abcdef01234567".parse().unwrap();
        assert_eq!(Request::info(&url()).path, "/");
        assert_eq!(
            Request::get(&url(), &key).path,
            "/key/0123456789abcdef0123456789abcdef01234567"
        );
        assert_eq!(
            Request::listen(&url(), &key).path,
            "/key/0123456789abcdef0123456789abcdef01234567/listen"
        );
        let put = Request::put(&url(), &key, &Value::new(5, 0, b"a".to_vec(), ""), true);
        assert_eq!(put.method, "POST");
        let body: Json = serde_json::from_str(put.body.as_deref().unwrap()).unwrap();
        assert_eq!(
            body,
            json!({"id": "5", "type": 0, "data": "YQ==", "permanent": true})
        );
        let once = Request::put(&url(), &key, &Value::new(5, 0, b"a".to_vec(), ""), false);
        assert!(!once.body.unwrap().contains("permanent"));
    }

    #[test]
    fn proxy_modes_parse() {
        assert_eq!(ProxyMode::parse("off").unwrap(), ProxyMode::Off);
        assert_eq!(ProxyMode::parse("").unwrap(), ProxyMode::Off);
        assert_eq!(
            ProxyMode::parse("auto").unwrap(),
            ProxyMode::Auto(ProxyUrl::parse(DEFAULT_PROXY).unwrap())
        );
        assert_eq!(
            ProxyMode::parse("auto:http://192.0.2.1:8080").unwrap(),
            ProxyMode::Auto(url())
        );
        assert_eq!(
            ProxyMode::parse("http://192.0.2.1:8080").unwrap(),
            ProxyMode::Always(url())
        );
        assert!(ProxyMode::parse("auto:ftp://x").is_err());
    }

    #[test]
    fn urls_parse_with_their_defaults() {
        let p = |s| ProxyUrl::parse(s);
        assert_eq!(
            p("dhtproxy.jami.net:80").unwrap().to_string(),
            "http://dhtproxy.jami.net:80"
        );
        assert_eq!(p("https://proxy.example").unwrap().port, 443);
        assert_eq!(p("http://[2001:db8::1]:8080/dht/").unwrap().base, "/dht");
        assert_eq!(
            p("http://[2001:db8::1]:8080").unwrap().authority(),
            "[2001:db8::1]:8080"
        );
        for bad in [
            "ftp://x:1",
            "http://:80",
            "http://h:port",
            "http://u@h:1",
            "h:0",
        ] {
            assert!(
                matches!(p(bad), Err(ProxyError::BadUrl { .. })),
                "{bad} accepted"
            );
        }
    }

    #[test]
    fn a_stream_split_anywhere_gives_the_same_values() {
        let stream = format!(
            "{}\n{{\"data\":\"cGVybWFuZW50\",\"expired\":true,\"id\":\"77\",\"type\":0}}\n",
            CAPTURED_GET.lines().next().unwrap()
        );
        for cut in 0..stream.len() {
            let mut reader = LineReader::default();
            let mut lines = reader.handle_data(&stream.as_bytes()[..cut]).unwrap();
            lines.extend(reader.handle_data(&stream.as_bytes()[cut..]).unwrap());
            lines.extend(reader.finish().unwrap());
            assert_eq!(lines.len(), 2, "cut at {cut}");
            assert_eq!(lines[1], Line::Expired(77));
        }
    }

    #[test]
    fn keep_alives_and_a_last_line_without_break() {
        let mut reader = LineReader::default();
        assert!(reader.handle_data(b"\n\r\n{}\n").unwrap().is_empty());
        assert!(reader
            .handle_data(b"{\"id\":\"3\",\"data\":\"\",\"type\":0}")
            .unwrap()
            .is_empty());
        assert_eq!(reader.finish().unwrap().len(), 1);
    }

    #[test]
    fn hostile_answers_are_refused_with_what_was_wrong() {
        let mut reader = LineReader::new(64, 2);
        assert_eq!(
            reader.handle_data(&[b'x'; 65]),
            Err(ProxyError::LineTooLong { line: 1, limit: 64 })
        );
        let mut reader = LineReader::new(64, 2);
        let v = "{\"id\":\"3\",\"data\":\"\",\"type\":0}\n";
        assert_eq!(
            reader.handle_data(v.repeat(3).as_bytes()),
            Err(ProxyError::TooManyValues { limit: 2 })
        );
        let mut reader = LineReader::default();
        assert!(matches!(
            reader.handle_data(b"<html>oops</html>\n"),
            Err(ProxyError::NotJson { line: 1, .. })
        ));
        for bad in [
            "{\"data\":\"\"}",
            "{\"id\":\"0\",\"data\":\"\"}",
            "{\"id\":\"1\",\"data\":\"not base64!\"}",
            "{\"id\":\"1\",\"data\":\"\",\"type\":70000}",
            "[1,2]",
        ] {
            let mut reader = LineReader::default();
            assert!(
                matches!(
                    reader.handle_data(format!("\n{bad}\n").as_bytes()),
                    Err(ProxyError::NotAValue { line: 2, .. })
                ),
                "{bad}"
            );
        }
    }

    #[test]
    fn node_info_and_put_refusals_read() {
        let info = node_info(CAPTURED_INFO.as_bytes()).unwrap();
        assert_eq!(info.node_id, "7bf73fc3ffd6d30b01adb4d68e11843bd0cf0638");
        assert_eq!(info.public_ip.as_deref(), Some("::ffff:127.0.0.1"));
        assert!(node_info(b"<html>").is_err());
        assert_eq!(
            put_refused(502, b"{\"err\":\"Put failed\"}"),
            "no DHT node took the value (HTTP 502: Put failed)"
        );
        assert_eq!(
            put_refused(400, b"{\"err:\":\"Incorrect JSON\"}"),
            "HTTP 400: Incorrect JSON"
        );
    }
}
