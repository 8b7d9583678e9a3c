//! `ferry doctor`: the effective settings and where each comes from (flag, environment
//! variable, configuration file, default); then is the DHT reachable, which candidates would be
//! offered, does a UPnP gateway answer, and does the TURN server accept the credentials and
//! grant a TCP allocation. `--config-only` stops after the settings, touching no network.
//!
//! With `--json` the settings are one `config` event, printed after the `doctor` event so that
//! the first line stays the network report, as it was before the configuration file existed.

use super::Context;
use crate::cli::DoctorArgs;
use crate::config::Settings;
use crate::net::ice::local_addresses;
use crate::net::{turn, upnp};
use anyhow::{bail, Result};
use serde_json::{json, Value};
use std::time::Duration;

/// Each check gets this long, and they run at once: offline, the whole report takes about
/// this long, not the sum of every timeout.
const CHECK_WAIT: Duration = Duration::from_millis(2500);

pub async fn run(ctx: &Context, args: DoctorArgs) -> Result<()> {
    if !ctx.console.json() {
        print_settings(&ctx.settings);
    }
    if args.config_only {
        if ctx.console.json() {
            ctx.console.emit_json(&ctx.settings.config_event());
        }
        return Ok(());
    }
    let identity = ctx.identity()?;
    if !ctx.console.json() {
        println!("device     {}", identity.device);
        println!(
            "checking the DHT, UPnP and TURN (at most {:.1} s)...",
            CHECK_WAIT.as_secs_f64()
        );
    }
    let mut config = ctx.dht.clone();
    config.client_only = true;
    let dht = crate::net::dht::Dht::start(config.clone()).await?;
    let candidates: Vec<String> = local_addresses(&ctx.candidate_ips)
        .iter()
        .map(ToString::to_string)
        .collect();
    let upnp_check = async {
        if !ctx.upnp {
            return None;
        }
        let mut watch = upnp::spawn_discovery(ctx.upnp);
        let _ = tokio::time::timeout(CHECK_WAIT, watch.wait_for(|d| !d.searching())).await;
        let gateway = watch.borrow().gateway();
        gateway
    };
    let turn_check = async {
        match &ctx.turn {
            None => None,
            Some(config) => Some(
                match tokio::time::timeout(CHECK_WAIT, turn::allocate(config, false)).await {
                    Ok(result) => result.map_err(|e| format!("{e:#}")),
                    Err(_) => Err(format!(
                        "{} did not grant an allocation within {:.1} s",
                        config.server,
                        CHECK_WAIT.as_secs_f64()
                    )),
                },
            ),
        }
    };
    let (nodes, gateway, turn_result) =
        tokio::join!(dht.wait_for_nodes(1, CHECK_WAIT), upnp_check, turn_check);
    // A proxy that does not answer is a finding here, not the end of the checks.
    let (nodes, proxy_problem) = match nodes {
        Ok(nodes) => (nodes, None),
        Err(err) => (0, Some(err)),
    };
    let status = dht.status().await?;

    // One line of advice per failed check.
    let mut problems = Vec::new();
    if nodes == 0 {
        problems.push(format!(
            "DHT: {:#}",
            proxy_problem.unwrap_or_else(|| crate::net::dht::no_node_answered(&config, CHECK_WAIT))
        ));
    }
    let dht_report = json!({
        "reachable": nodes > 0,
        "nodes": nodes,
        "bootstrap": config.bootstrap,
        "lan_discovery": config.discovery,
        "proxy": status.proxy,
        "public_address": status.public_addr,
    });
    let upnp_report = match (&gateway, ctx.upnp) {
        (_, false) => json!({"enabled": false}),
        (Some(g), true) => {
            json!({"enabled": true, "gateway": true, "external_ip": g.external_ip.to_string()})
        }
        (None, true) => json!({"enabled": true, "gateway": false}),
    };
    let turn_report = match (&ctx.turn, &turn_result) {
        (Some(config), Some(Ok(relay))) => json!({
            "enabled": true, "server": config.server, "user": config.username,
            "allocation": true, "relayed": relay.relayed.to_string(), "mapped": relay.mapped.to_string(),
        }),
        (Some(config), Some(Err(err))) => {
            problems.push(format!(
                "TURN {}: {err}: check --turn, --turn-user and the password, or use --no-turn \
                 (direct paths only)",
                config.server
            ));
            json!({"enabled": true, "server": config.server, "user": config.username,
                   "allocation": false, "error": err})
        }
        _ => json!({"enabled": false}),
    };

    if ctx.console.json() {
        ctx.console.emit_json(&crate::events::Event::Doctor {
            device_id: identity.device.to_string(),
            account_id: identity.account.to_string(),
            dht: dht_report,
            candidates: candidates.clone(),
            upnp: upnp_report,
            turn: turn_report,
        });
        ctx.console.emit_json(&ctx.settings.config_event());
    } else {
        println!(
            "DHT        {}",
            if nodes > 0 {
                format!("reachable, {nodes} node(s)")
            } else {
                "not reachable".into()
            }
        );
        println!("candidates {}", candidates.join(", "));
        let upnp_line = match (&gateway, ctx.upnp) {
            (_, false) => "off".to_string(),
            (Some(g), true) => format!("gateway found, external address {}", g.external_ip),
            (None, true) => "no gateway answered (peers outside the LAN reach this device \
                             through TURN)"
                .to_string(),
        };
        println!("UPnP       {upnp_line}");
        let turn_line = match (&ctx.turn, &turn_result) {
            (Some(c), Some(Ok(relay))) => format!(
                "{}: TCP allocation granted, relayed address {}",
                c.server, relay.relayed
            ),
            (Some(c), Some(Err(_))) => format!("{}: no allocation", c.server),
            _ => "off".to_string(),
        };
        println!("TURN       {turn_line}");
    }
    if !problems.is_empty() {
        bail!("{}", problems.join("\n"));
    }
    Ok(())
}

/// The settings as aligned lines: key, value, source (the password masked).
fn print_settings(settings: &Settings) {
    match (&settings.path, settings.file_read) {
        (Some(path), true) => println!("config     {}", path.display()),
        (Some(path), false) => println!("config     {} (none there)", path.display()),
        (None, _) => println!("config     none (no configuration directory)"),
    }
    let lines: Vec<(&str, String, String)> = settings
        .entries()
        .into_iter()
        .map(|(key, value, source)| (key, shown(key, value), source.to_string()))
        .collect();
    let width = lines.iter().map(|(_, v, _)| v.len()).max().unwrap_or(0);
    let key_width = lines
        .iter()
        .map(|(k, _, _)| k.len())
        .max()
        .unwrap_or(0)
        .max(15);
    for (key, value, source) in lines {
        println!("  {key:<key_width$} {value:<width$}  ({source})");
    }
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
