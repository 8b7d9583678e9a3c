//! What a transfer reports as it goes: one type, shown as text and progress bars on a terminal
//! or as one JSON object per line with `--json` (see `cli::output`). The `event` field names
//! the kind; scripts should ignore fields they do not know.

use serde::Serialize;

/// One thing that happened, in the order it happened.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum Event {
    /// `receive` started: who it is, before any network is up (senders need the device id).
    Starting {
        device_id: String,
        account_id: String,
    },
    /// A new identity was made in `home` (the first command run with it): this device's
    /// keys, and a new account's, live there from now on.
    DeviceCreated {
        device_id: String,
        account_id: String,
        home: String,
    },
    /// How the DHT is doing: `alone` (no node answered yet; the LAN and direct connections
    /// still work, and it keeps trying), `joined` (`nodes` other nodes known), or `withdrawn`
    /// (a stopping `receive` told the DHT it no longer receives; `detail` says if that failed).
    Dht {
        state: &'static str,
        nodes: usize,
        #[serde(skip_serializing_if = "String::is_empty")]
        detail: String,
    },
    /// With `--dht-proxy auto`: no DHT node answered over UDP, so the DHT is now reached
    /// through the proxy at `url`; `detail` says why.
    DhtProxy {
        url: String,
        detail: String,
    },
    /// `receive` is announced on the DHT and answers connection requests.
    Online {
        device_id: String,
        account_id: String,
        dht: Vec<String>,
    },
    /// `send` without `--to`: the code to give the receiver (`ferry receive CODE`), valid
    /// once until `expires` (unix seconds), `expires_in` seconds from now.
    Code {
        code: String,
        expires: u64,
        expires_in: u64,
    },
    /// The code paired this device with another: the device, verified (its certificate chain
    /// and key), that the transfer is now pinned to.
    Paired {
        peer_device: String,
        peer_account: String,
    },
    /// `receive` is ready for connections on this address.
    Listening {
        addr: String,
    },
    /// A TLS session with a verified device is up.
    Connected {
        addr: String,
        peer_device: String,
        peer_account: String,
        /// `direct`, or `relay` when the path runs through a TURN server.
        path: &'static str,
    },
    /// An offer was sent (sender) or received (receiver).
    Offer {
        transfer_id: String,
        name: String,
        /// `null` when streamed (`send -`): known only at the end.
        size: Option<u64>,
        peer_device: String,
        peer_account: String,
        /// The name as the sender wrote it, when it had to be made safe.
        #[serde(skip_serializing_if = "Option::is_none")]
        offered_name: Option<String>,
    },
    /// An offer waits for `ferry accept ID` (or `ferry accept --reject ID`).
    Pending {
        id: String,
        transfer_id: String,
        name: String,
        size: Option<u64>,
        peer_device: String,
    },
    Accepted {
        transfer_id: String,
    },
    Refused {
        transfer_id: String,
        reason: String,
    },
    /// Body bytes so far; at most a few per second in JSON.
    Progress {
        transfer_id: String,
        bytes: u64,
        /// `null` when streamed.
        total: Option<u64>,
    },
    /// A text sent with `send --text`, verified (receiver). Without `--json` it is written to
    /// standard output: byte for byte into a pipe or file, escaped on a terminal.
    Text {
        transfer_id: String,
        text: String,
    },
    /// The transfer is complete and verified on both sides.
    Done {
        transfer_id: String,
        name: String,
        size: u64,
        sha3_256: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        path: Option<String>,
        seconds: f64,
        /// Sender: body bytes that travelled (less than `size` after a resume).
        #[serde(skip_serializing_if = "Option::is_none")]
        bytes_sent: Option<u64>,
    },
    /// Something under a path given to `send` that is not sent (a link leading out of the
    /// tree, a socket...).
    Skipped {
        path: String,
        reason: String,
    },
    /// One file of a set, verified (receiver: where it was kept; sender: its relative path).
    Entry {
        transfer_id: String,
        path: String,
        size: u64,
        sha3_256: String,
    },
    /// The transfer was cancelled; `by` is `local` or `peer`.
    Cancelled {
        transfer_id: String,
        by: &'static str,
        reason: String,
    },
    /// A re-request: sent (requester, `outcome` = `asked`, one event per device asked),
    /// answered (server: `sending` or `refused` with the reason; requester: `refused` by a
    /// member).
    Rerequest {
        interaction: String,
        peer_device: String,
        outcome: &'static str,
        #[serde(skip_serializing_if = "String::is_empty")]
        reason: String,
    },
    /// Who carries out `ferry rerequest`: `receive`, the running `ferry receive` of this home
    /// (process `pid`), which takes the offers that arrive for it; or `self`, with the
    /// `reason` none could.
    RerequestBy {
        by: &'static str,
        #[serde(skip_serializing_if = "Option::is_none")]
        pid: Option<u32>,
        #[serde(skip_serializing_if = "String::is_empty")]
        reason: String,
    },
    /// A signalling value or connection was refused (tampered, replayed, wrong identity).
    Dropped {
        reason: String,
        total: u64,
    },
    /// What a command is doing now (`send`: joining, resolving, offer published, answered,
    /// connected, waiting for the decision), `seconds` after it started.
    Phase {
        what: String,
        seconds: f64,
    },
    /// The transfer failed; the receiver keeps serving others unless `--once`.
    Error {
        #[serde(skip_serializing_if = "Option::is_none")]
        transfer_id: Option<String>,
        reason: String,
    },
    /// After a send to several devices: each device's outcome and the counts.
    Summary {
        devices: Vec<DeviceOutcome>,
        done: usize,
        refused: usize,
        errors: usize,
    },
    /// `ferry id`: this device's identity and where it lives.
    #[serde(rename = "id")]
    Identity {
        account_id: String,
        device_id: String,
        name: String,
        home: String,
    },
    /// `ferry account import`: the account imported and the new device made for it.
    Imported {
        account_id: String,
        device_id: String,
    },
    /// `ferry accept` with no id: the offers waiting for a decision.
    PendingOffers {
        offers: Vec<crate::net::control::PendingOffer>,
    },
    /// `ferry doctor`: each check's findings (`dht`, `upnp`, `turn` are objects whose fields
    /// the README's doctor section lists).
    Doctor {
        device_id: String,
        account_id: String,
        dht: serde_json::Value,
        candidates: Vec<String>,
        upnp: serde_json::Value,
        turn: serde_json::Value,
    },
    /// `ferry config` and `doctor`: the file read (`null` if none), where it was looked for,
    /// and each setting as `{"value", "source"}` (plus `"env"`, the variable's name).
    Config {
        file: Option<String>,
        path: Option<String>,
        settings: serde_json::Map<String, serde_json::Value>,
    },
    /// `ferry dht ping`: the node at `addr` answered with its `id` after `ms`.
    Pong {
        addr: String,
        id: String,
        ms: f64,
    },
    /// `ferry dht get` and `listen`: a value found at `key`.
    Value(DhtValue),
    /// `ferry dht put`: the value stored at `key`.
    Stored(DhtValue),
    /// `ferry dht listen`: watching `key` from now on.
    Watching {
        key: String,
    },
    /// `ferry dht listen`: the value `id` at `key` expired.
    Expired {
        key: String,
        id: u64,
    },
    /// `ferry dht node`: the node runs with this id on these addresses.
    Node {
        id: String,
        ipv4: Option<String>,
        ipv6: Option<String>,
    },
    /// `ferry dht node`, when it stops: what it saw and holds.
    Stats {
        status: crate::net::dht::Status,
    },
}

/// One device's outcome in a [`Event::Summary`].
#[derive(Debug, Clone, Serialize)]
pub struct DeviceOutcome {
    pub device: String,
    /// `done`, `refused`, `stopped`, `no answer` or `error`.
    pub outcome: &'static str,
    pub reason: String,
}

/// A DHT value as `ferry dht` shows it.
#[derive(Debug, Clone, Serialize)]
pub struct DhtValue {
    pub key: String,
    pub id: u64,
    #[serde(rename = "type")]
    pub value_type: u16,
    pub user_type: String,
    /// The data as text, `null` when it is not UTF-8.
    pub data: Option<String>,
    pub data_hex: String,
    pub encrypted: bool,
    pub signed: bool,
}

/// When the command started, for [`phase`] (set by its first phase).
static STARTED: std::sync::OnceLock<std::time::Instant> = std::sync::OnceLock::new();

/// Report a phase of the running command, with the seconds since its first phase.
pub fn phase(reporter: &dyn Reporter, what: impl Into<String>) {
    let started = *STARTED.get_or_init(std::time::Instant::now);
    reporter.report(Event::Phase {
        what: what.into(),
        seconds: started.elapsed().as_secs_f64(),
    });
}

/// Where events go. Implemented by the console in `cli::output`; tests may collect them.
pub trait Reporter: Send + Sync {
    fn report(&self, event: Event);
}

#[cfg(test)]
mod schema {
    //! The `--json` contract in one place: every event, the fields it carries, and that the
    //! README names it. A new variant does not compile until [`name`] knows it, and does not
    //! pass until it has an example and a schema line here.
    use super::*;
    use std::collections::BTreeSet;

    /// The `event` value of each variant (exhaustive: no wildcard).
    fn name(event: &Event) -> &'static str {
        match event {
            Event::Starting { .. } => "starting",
            Event::DeviceCreated { .. } => "device_created",
            Event::Dht { .. } => "dht",
            Event::DhtProxy { .. } => "dht_proxy",
            Event::Online { .. } => "online",
            Event::Code { .. } => "code",
            Event::Paired { .. } => "paired",
            Event::Listening { .. } => "listening",
            Event::Connected { .. } => "connected",
            Event::Offer { .. } => "offer",
            Event::Pending { .. } => "pending",
            Event::Accepted { .. } => "accepted",
            Event::Refused { .. } => "refused",
            Event::Progress { .. } => "progress",
            Event::Text { .. } => "text",
            Event::Done { .. } => "done",
            Event::Skipped { .. } => "skipped",
            Event::Entry { .. } => "entry",
            Event::Cancelled { .. } => "cancelled",
            Event::Rerequest { .. } => "rerequest",
            Event::RerequestBy { .. } => "rerequest_by",
            Event::Dropped { .. } => "dropped",
            Event::Phase { .. } => "phase",
            Event::Error { .. } => "error",
            Event::Summary { .. } => "summary",
            Event::Identity { .. } => "id",
            Event::Imported { .. } => "imported",
            Event::PendingOffers { .. } => "pending_offers",
            Event::Doctor { .. } => "doctor",
            Event::Config { .. } => "config",
            Event::Pong { .. } => "pong",
            Event::Value(_) => "value",
            Event::Stored(_) => "stored",
            Event::Watching { .. } => "watching",
            Event::Expired { .. } => "expired",
            Event::Node { .. } => "node",
            Event::Stats { .. } => "stats",
        }
    }

    /// The fields of a [`DhtValue`].
    const DHT_VALUE: &[&str] = &[
        "key",
        "id",
        "type",
        "user_type",
        "data",
        "data_hex",
        "encrypted",
        "signed",
    ];

    /// Each event's fields, `event` aside: (name, always present, present when known).
    const SCHEMA: &[(&str, &[&str], &[&str])] = &[
        ("starting", &["device_id", "account_id"], &[]),
        ("device_created", &["device_id", "account_id", "home"], &[]),
        ("dht", &["state", "nodes"], &["detail"]),
        ("dht_proxy", &["url", "detail"], &[]),
        ("online", &["device_id", "account_id", "dht"], &[]),
        ("code", &["code", "expires", "expires_in"], &[]),
        ("paired", &["peer_device", "peer_account"], &[]),
        ("listening", &["addr"], &[]),
        (
            "connected",
            &["addr", "peer_device", "peer_account", "path"],
            &[],
        ),
        (
            "offer",
            &["transfer_id", "name", "size", "peer_device", "peer_account"],
            &["offered_name"],
        ),
        (
            "pending",
            &["id", "transfer_id", "name", "size", "peer_device"],
            &[],
        ),
        ("accepted", &["transfer_id"], &[]),
        ("refused", &["transfer_id", "reason"], &[]),
        ("progress", &["transfer_id", "bytes", "total"], &[]),
        ("text", &["transfer_id", "text"], &[]),
        (
            "done",
            &["transfer_id", "name", "size", "sha3_256", "seconds"],
            &["path", "bytes_sent"],
        ),
        ("skipped", &["path", "reason"], &[]),
        ("entry", &["transfer_id", "path", "size", "sha3_256"], &[]),
        ("cancelled", &["transfer_id", "by", "reason"], &[]),
        (
            "rerequest",
            &["interaction", "peer_device", "outcome"],
            &["reason"],
        ),
        ("rerequest_by", &["by"], &["pid", "reason"]),
        ("dropped", &["reason", "total"], &[]),
        ("phase", &["what", "seconds"], &[]),
        ("error", &["reason"], &["transfer_id"]),
        ("summary", &["devices", "done", "refused", "errors"], &[]),
        ("id", &["account_id", "device_id", "name", "home"], &[]),
        ("imported", &["account_id", "device_id"], &[]),
        ("pending_offers", &["offers"], &[]),
        (
            "doctor",
            &[
                "device_id",
                "account_id",
                "dht",
                "candidates",
                "upnp",
                "turn",
            ],
            &[],
        ),
        ("config", &["file", "path", "settings"], &[]),
        ("pong", &["addr", "id", "ms"], &[]),
        ("value", DHT_VALUE, &[]),
        ("stored", DHT_VALUE, &[]),
        ("watching", &["key"], &[]),
        ("expired", &["key", "id"], &[]),
        ("node", &["id", "ipv4", "ipv6"], &[]),
        ("stats", &["status"], &[]),
    ];

    fn s(text: &str) -> String {
        text.to_string()
    }

    /// Every variant twice where it has optional fields: with all of them, then with none.
    fn examples() -> Vec<Event> {
        let value = DhtValue {
            key: s("k"),
            id: 1,
            value_type: 0,
            user_type: s("text/plain"),
            data: Some(s("x")),
            data_hex: s("78"),
            encrypted: false,
            signed: false,
        };
        vec![
            Event::Starting {
                device_id: s("d"),
                account_id: s("a"),
            },
            Event::DeviceCreated {
                device_id: s("d"),
                account_id: s("a"),
                home: s("/h"),
            },
            Event::Dht {
                state: "joined",
                nodes: 3,
                detail: s("why"),
            },
            Event::Dht {
                state: "joined",
                nodes: 3,
                detail: String::new(),
            },
            Event::DhtProxy {
                url: s("http://192.0.2.1:8080"),
                detail: s("why"),
            },
            Event::Online {
                device_id: s("d"),
                account_id: s("a"),
                dht: vec![s("x")],
            },
            Event::Code {
                code: s("1-a-b-c"),
                expires: 1,
                expires_in: 600,
            },
            Event::Paired {
                peer_device: s("d"),
                peer_account: s("a"),
            },
            Event::Listening {
                addr: s("127.0.0.1:1"),
            },
            Event::Connected {
                addr: s("127.0.0.1:1"),
                peer_device: s("d"),
                peer_account: s("a"),
                path: "direct",
            },
            Event::Offer {
                transfer_id: s("t"),
                name: s("n"),
                size: Some(1),
                peer_device: s("d"),
                peer_account: s("a"),
                offered_name: Some(s("../n")),
            },
            Event::Offer {
                transfer_id: s("t"),
                name: s("n"),
                size: None,
                peer_device: s("d"),
                peer_account: s("a"),
                offered_name: None,
            },
            Event::Pending {
                id: s("1"),
                transfer_id: s("t"),
                name: s("n"),
                size: None,
                peer_device: s("d"),
            },
            Event::Accepted {
                transfer_id: s("t"),
            },
            Event::Refused {
                transfer_id: s("t"),
                reason: s("r"),
            },
            Event::Progress {
                transfer_id: s("t"),
                bytes: 1,
                total: None,
            },
            Event::Text {
                transfer_id: s("t"),
                text: s("hello"),
            },
            Event::Done {
                transfer_id: s("t"),
                name: s("n"),
                size: 1,
                sha3_256: s("00"),
                path: Some(s("/p")),
                seconds: 0.5,
                bytes_sent: Some(1),
            },
            Event::Done {
                transfer_id: s("t"),
                name: s("n"),
                size: 1,
                sha3_256: s("00"),
                path: None,
                seconds: 0.5,
                bytes_sent: None,
            },
            Event::Skipped {
                path: s("p"),
                reason: s("r"),
            },
            Event::Entry {
                transfer_id: s("t"),
                path: s("p"),
                size: 1,
                sha3_256: s("00"),
            },
            Event::Cancelled {
                transfer_id: s("t"),
                by: "peer",
                reason: s("r"),
            },
            Event::Rerequest {
                interaction: s("i"),
                peer_device: s("d"),
                outcome: "refused",
                reason: s("r"),
            },
            Event::Rerequest {
                interaction: s("i"),
                peer_device: s("d"),
                outcome: "asked",
                reason: String::new(),
            },
            Event::RerequestBy {
                by: "receive",
                pid: Some(1),
                reason: s("r"),
            },
            Event::RerequestBy {
                by: "self",
                pid: None,
                reason: String::new(),
            },
            Event::Dropped {
                reason: s("r"),
                total: 1,
            },
            Event::Phase {
                what: s("w"),
                seconds: 0.1,
            },
            Event::Error {
                transfer_id: Some(s("t")),
                reason: s("r"),
            },
            Event::Error {
                transfer_id: None,
                reason: s("r"),
            },
            Event::Summary {
                devices: vec![DeviceOutcome {
                    device: s("d"),
                    outcome: "done",
                    reason: s(""),
                }],
                done: 1,
                refused: 0,
                errors: 0,
            },
            Event::Identity {
                account_id: s("a"),
                device_id: s("d"),
                name: s("n"),
                home: s("/h"),
            },
            Event::Imported {
                account_id: s("a"),
                device_id: s("d"),
            },
            Event::PendingOffers { offers: vec![] },
            Event::Doctor {
                device_id: s("d"),
                account_id: s("a"),
                dht: serde_json::json!({}),
                candidates: vec![],
                upnp: serde_json::json!({}),
                turn: serde_json::json!({}),
            },
            Event::Config {
                file: None,
                path: None,
                settings: serde_json::Map::new(),
            },
            Event::Pong {
                addr: s("a"),
                id: s("i"),
                ms: 1.0,
            },
            Event::Value(value.clone()),
            Event::Stored(value),
            Event::Watching { key: s("k") },
            Event::Expired { key: s("k"), id: 1 },
            Event::Node {
                id: s("i"),
                ipv4: None,
                ipv6: None,
            },
            Event::Stats {
                status: crate::net::dht::Status {
                    id: s("i"),
                    ipv4: None,
                    ipv6: None,
                    nodes_ipv4: 0,
                    nodes_ipv6: 0,
                    public_addr: None,
                    stored_values: 0,
                    dropped_malformed: 0,
                    dropped_other: 0,
                    received: 0,
                    proxy: Some(s("http://192.0.2.1:8080")),
                    proxy_error: None,
                },
            },
        ]
    }

    #[test]
    fn every_event_has_its_documented_fields_and_no_other() {
        let examples = examples();
        let covered: BTreeSet<&str> = examples.iter().map(name).collect();
        let documented: BTreeSet<&str> = SCHEMA.iter().map(|(n, _, _)| *n).collect();
        assert_eq!(
            covered, documented,
            "every event has an example and a schema line"
        );
        assert_eq!(documented.len(), SCHEMA.len(), "one schema line per event");
        for event in &examples {
            let json = serde_json::to_value(event).unwrap();
            let fields = json.as_object().expect("an object");
            assert_eq!(fields["event"], name(event), "{json}");
            let (_, always, optional) = SCHEMA.iter().find(|(n, _, _)| *n == name(event)).unwrap();
            for key in *always {
                assert!(
                    fields.contains_key(*key),
                    "{} lacks {key}: {json}",
                    name(event)
                );
            }
            for key in fields.keys().filter(|k| *k != "event") {
                assert!(
                    always.contains(&key.as_str()) || optional.contains(&key.as_str()),
                    "{} carries the undocumented field {key}: {json}",
                    name(event)
                );
            }
        }
    }

    #[test]
    fn the_readme_names_every_event() {
        let readme = include_str!("../README.md");
        let missing: Vec<&str> = SCHEMA
            .iter()
            .map(|(n, _, _)| *n)
            .filter(|n| !readme.contains(&format!("`{n}`")))
            .collect();
        assert!(missing.is_empty(), "README does not name {missing:?}");
    }
}
