//! `ferry doctor`'s verdicts and text, apart from the checks that gather them
//! (`cmd/doctor.rs`): from what the checks found ([`Findings`]) to the `doctor` event's
//! parts, the text lines and one line of advice per failed check; and the settings as
//! aligned lines with their sources. Pure, so that every verdict is a unit test.

use crate::config::Settings;
use serde_json::{json, Value};
use std::net::{IpAddr, SocketAddr};

/// What the UPnP check found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Upnp {
    /// `--no-upnp`: not asked.
    Off,
    NoGateway,
    Gateway {
        external_ip: IpAddr,
    },
}

/// What the TURN check found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Turn {
    /// `--no-turn`: not asked.
    Off,
    Granted {
        server: String,
        user: String,
        relayed: SocketAddr,
        mapped: SocketAddr,
    },
    Refused {
        server: String,
        user: String,
        error: String,
    },
}

/// What the checks found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Findings {
    /// DHT nodes that answered.
    pub nodes: usize,
    /// Why no node answered (what was tried, or the proxy's error); `None` when one did.
    pub dht_problem: Option<String>,
    pub bootstrap: Vec<String>,
    pub lan_discovery: bool,
    /// The DHT proxy in use, if any.
    pub proxy: Option<String>,
    pub public_address: Option<String>,
    /// The addresses that would be offered as ICE candidates.
    pub candidates: Vec<String>,
    pub upnp: Upnp,
    pub turn: Turn,
}

impl Findings {
    /// One line of advice per failed check.
    pub fn problems(&self) -> Vec<String> {
        let mut problems = Vec::new();
        if let Some(problem) = &self.dht_problem {
            problems.push(format!("DHT: {problem}"));
        }
        if let Turn::Refused { server, error, .. } = &self.turn {
            problems.push(format!(
                "TURN {server}: {error}: check --turn, --turn-user and the password, or use \
                 --no-turn (direct paths only)"
            ));
        }
        problems
    }

    /// The `doctor` event's `dht` part.
    pub fn dht_report(&self) -> Value {
        json!({
            "reachable": self.nodes > 0,
            "nodes": self.nodes,
            "bootstrap": self.bootstrap,
            "lan_discovery": self.lan_discovery,
            "proxy": self.proxy,
            "public_address": self.public_address,
        })
    }

    /// The `doctor` event's `upnp` part.
    pub fn upnp_report(&self) -> Value {
        match &self.upnp {
            Upnp::Off => json!({"enabled": false}),
            Upnp::Gateway { external_ip } => {
                json!({"enabled": true, "gateway": true, "external_ip": external_ip.to_string()})
            }
            Upnp::NoGateway => json!({"enabled": true, "gateway": false}),
        }
    }

    /// The `doctor` event's `turn` part.
    pub fn turn_report(&self) -> Value {
        match &self.turn {
            Turn::Off => json!({"enabled": false}),
            Turn::Granted {
                server,
                user,
                relayed,
                mapped,
            } => json!({
                "enabled": true, "server": server, "user": user, "allocation": true,
                "relayed": relayed.to_string(), "mapped": mapped.to_string(),
            }),
            Turn::Refused {
                server,
                user,
                error,
            } => json!({"enabled": true, "server": server, "user": user,
                        "allocation": false, "error": error}),
        }
    }

    /// The findings as text, one line per check.
    pub fn lines(&self) -> Vec<String> {
        let dht = if self.nodes > 0 {
            format!("reachable, {} node(s)", self.nodes)
        } else {
            "not reachable".into()
        };
        let upnp = match &self.upnp {
            Upnp::Off => "off".to_string(),
            Upnp::Gateway { external_ip } => {
                format!("gateway found, external address {external_ip}")
            }
            Upnp::NoGateway => "no gateway answered (peers outside the LAN reach this device \
                                through TURN)"
                .to_string(),
        };
        let turn = match &self.turn {
            Turn::Off => "off".to_string(),
            Turn::Granted {
                server, relayed, ..
            } => format!("{server}: TCP allocation granted, relayed address {relayed}"),
            Turn::Refused { server, .. } => format!("{server}: no allocation"),
        };
        vec![
            format!("DHT        {dht}"),
            format!("candidates {}", self.candidates.join(", ")),
            format!("UPnP       {upnp}"),
            format!("TURN       {turn}"),
        ]
    }
}

/// The settings as aligned lines: where the file is, then key, value, source (the password
/// masked).
pub fn settings_lines(settings: &Settings) -> Vec<String> {
    let file = match (&settings.path, settings.file_read) {
        (Some(path), true) => format!("config     {}", path.display()),
        (Some(path), false) => format!("config     {} (none there)", path.display()),
        (None, _) => "config     none (no configuration directory)".to_string(),
    };
    let entries: Vec<(&str, String, String)> = settings
        .entries()
        .into_iter()
        .map(|(key, value, source)| (key, shown(key, value), source.to_string()))
        .collect();
    let width = entries.iter().map(|(_, v, _)| v.len()).max().unwrap_or(0);
    let key_width = entries
        .iter()
        .map(|(k, _, _)| k.len())
        .max()
        .unwrap_or(0)
        .max(15);
    std::iter::once(file)
        .chain(
            entries.into_iter().map(|(key, value, source)| {
                format!("  {key:<key_width$} {value:<width$}  ({source})")
            }),
        )
        .collect()
}

/// A setting's value as text: a list joined with commas, an empty one as what it means.
fn shown(key: &str, value: Value) -> String {
    match value {
        Value::String(text) => text,
        Value::Array(items) if items.is_empty() && key == "bootstrap" => {
            "none (LAN discovery only)".into()
        }
        Value::Array(items) if items.is_empty() => "anyone".into(),
        Value::Array(items) => items
            .iter()
            .map(|i| i.as_str().map_or_else(|| i.to_string(), str::to_string))
            .collect::<Vec<_>>()
            .join(", "),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn offline() -> Findings {
        Findings {
            nodes: 0,
            dht_problem: Some("no DHT node answered within 2.5 s".into()),
            bootstrap: vec!["127.0.0.1:1".into()],
            lan_discovery: false,
            proxy: None,
            public_address: None,
            candidates: vec!["127.0.0.1".into()],
            upnp: Upnp::NoGateway,
            turn: Turn::Refused {
                server: "turn:127.0.0.1:2".into(),
                user: "ring".into(),
                error: "connection refused".into(),
            },
        }
    }

    fn online() -> Findings {
        Findings {
            nodes: 3,
            dht_problem: None,
            upnp: Upnp::Gateway {
                external_ip: "192.0.2.1".parse().unwrap(),
            },
            turn: Turn::Granted {
                server: "turn:127.0.0.1:2".into(),
                user: "ring".into(),
                relayed: "192.0.2.2:50000".parse().unwrap(),
                mapped: "192.0.2.1:40000".parse().unwrap(),
            },
            ..offline()
        }
    }

    #[test]
    fn each_failed_check_gives_one_line_of_advice() {
        let problems = offline().problems();
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert_eq!(problems[0], "DHT: no DHT node answered within 2.5 s");
        assert!(
            problems[1].starts_with("TURN turn:127.0.0.1:2: connection refused: check --turn"),
            "{}",
            problems[1]
        );
        assert!(online().problems().is_empty());
        let off = Findings {
            turn: Turn::Off,
            upnp: Upnp::Off,
            ..online()
        };
        assert!(off.problems().is_empty());
    }

    #[test]
    fn the_report_says_what_each_check_found() {
        let (bad, good) = (offline(), online());
        assert_eq!(bad.dht_report()["reachable"], false);
        assert_eq!(good.dht_report()["nodes"], 3);
        assert_eq!(good.dht_report()["bootstrap"], json!(["127.0.0.1:1"]));
        assert_eq!(
            bad.upnp_report(),
            json!({"enabled": true, "gateway": false})
        );
        assert_eq!(good.upnp_report()["external_ip"], "192.0.2.1");
        assert_eq!(bad.turn_report()["allocation"], false);
        assert_eq!(bad.turn_report()["error"], "connection refused");
        assert_eq!(good.turn_report()["relayed"], "192.0.2.2:50000");
        let off = Findings {
            turn: Turn::Off,
            upnp: Upnp::Off,
            ..online()
        };
        assert_eq!(off.turn_report(), json!({"enabled": false}));
        assert_eq!(off.upnp_report(), json!({"enabled": false}));
    }

    #[test]
    fn the_text_has_one_line_per_check() {
        assert_eq!(
            offline().lines(),
            [
                "DHT        not reachable",
                "candidates 127.0.0.1",
                "UPnP       no gateway answered (peers outside the LAN reach this device \
                 through TURN)",
                "TURN       turn:127.0.0.1:2: no allocation",
            ]
        );
        let good = online().lines();
        assert_eq!(good[0], "DHT        reachable, 3 node(s)");
        assert_eq!(
            good[2],
            "UPnP       gateway found, external address 192.0.2.1"
        );
        assert_eq!(
            good[3],
            "TURN       turn:127.0.0.1:2: TCP allocation granted, relayed address 192.0.2.2:50000"
        );
    }

    #[test]
    fn values_read_as_what_they_mean() {
        assert_eq!(shown("bootstrap", json!([])), "none (LAN discovery only)");
        assert_eq!(shown("receive.from", json!([])), "anyone");
        assert_eq!(shown("receive.from", json!(["a", "b"])), "a, b");
        assert_eq!(shown("discovery", json!(false)), "false");
        assert_eq!(shown("turn.server", json!("turn:x:1")), "turn:x:1");
    }
}
