//! `ferry doctor`: the effective settings and where each comes from (flag, environment
//! variable, configuration file, default); then is the DHT reachable, which candidates would be
//! offered, does a UPnP gateway answer, and does the TURN server accept the credentials and
//! grant a TCP allocation. `--config-only` stops after the settings, touching no network.
//! This file runs the checks and prints; what they mean and how they read is `crate::doctor`.
//!
//! With `--json` the settings are one `config` event, printed after the `doctor` event so that
//! the first line stays the network report, as it was before the configuration file existed.

use super::Context;
use crate::cli::DoctorArgs;
use crate::doctor::{settings_lines, Findings, Turn, Upnp};
use crate::net::ice::local_addresses;
use crate::net::{turn, upnp};
use anyhow::{bail, Result};
use std::time::Duration;

/// Each check gets this long, and they run at once: offline, the whole report takes about
/// this long, not the sum of every timeout.
const CHECK_WAIT: Duration = Duration::from_millis(2500);

pub async fn run(ctx: &Context, args: DoctorArgs) -> Result<()> {
    let json = ctx.console.json();
    if !json {
        settings_lines(&ctx.settings)
            .iter()
            .for_each(|line| println!("{line}"));
    }
    if args.config_only {
        if json {
            ctx.console.emit_json(&ctx.settings.config_event());
        }
        return Ok(());
    }
    let identity = ctx.identity()?;
    if !json {
        println!("device     {}", identity.device);
        println!(
            "checking the DHT, UPnP and TURN (at most {:.1} s)...",
            CHECK_WAIT.as_secs_f64()
        );
    }
    let findings = check(ctx).await?;
    if json {
        ctx.console.emit_json(&crate::events::Event::Doctor {
            device_id: identity.device.to_string(),
            account_id: identity.account.to_string(),
            dht: findings.dht_report(),
            candidates: findings.candidates.clone(),
            upnp: findings.upnp_report(),
            turn: findings.turn_report(),
        });
        ctx.console.emit_json(&ctx.settings.config_event());
    } else {
        findings.lines().iter().for_each(|line| println!("{line}"));
    }
    let problems = findings.problems();
    if !problems.is_empty() {
        bail!("{}", problems.join("\n"));
    }
    Ok(())
}

/// Run the DHT, UPnP and TURN checks at once, each bounded by [`CHECK_WAIT`].
async fn check(ctx: &Context) -> Result<Findings> {
    let mut config = ctx.dht.clone();
    config.client_only = true;
    let dht = crate::net::dht::Dht::start(config.clone()).await?;
    let upnp_check = async {
        if !ctx.upnp {
            return Upnp::Off;
        }
        let mut watch = upnp::spawn_discovery(ctx.upnp);
        let _ = tokio::time::timeout(CHECK_WAIT, watch.wait_for(|d| !d.searching())).await;
        let gateway = watch.borrow().gateway();
        match gateway {
            Some(g) => Upnp::Gateway {
                external_ip: g.external_ip,
            },
            None => Upnp::NoGateway,
        }
    };
    let turn_check = async {
        let Some(config) = &ctx.turn else {
            return Turn::Off;
        };
        let (server, user) = (config.server.clone(), config.username.clone());
        match tokio::time::timeout(CHECK_WAIT, turn::allocate(config, false)).await {
            Ok(Ok(relay)) => Turn::Granted {
                server,
                user,
                relayed: relay.relayed,
                mapped: relay.mapped,
            },
            Ok(Err(e)) => Turn::Refused {
                server,
                user,
                error: format!("{e:#}"),
            },
            Err(_) => Turn::Refused {
                error: format!(
                    "{server} did not grant an allocation within {:.1} s",
                    CHECK_WAIT.as_secs_f64()
                ),
                server,
                user,
            },
        }
    };
    let (nodes, upnp, turn) =
        tokio::join!(dht.wait_for_nodes(1, CHECK_WAIT), upnp_check, turn_check);
    // A proxy that does not answer is a finding here, not the end of the checks.
    let (nodes, dht_problem) = match nodes {
        Ok(0) => (
            0,
            Some(crate::net::dht::DhtError::no_node_answered(
                &config, CHECK_WAIT,
            )),
        ),
        Ok(nodes) => (nodes, None),
        Err(err) => (0, Some(err)),
    };
    let status = dht.status().await?;
    Ok(Findings {
        nodes,
        dht_problem: dht_problem.map(|err| format!("{err:#}")),
        bootstrap: config.bootstrap,
        lan_discovery: config.discovery,
        proxy: status.proxy,
        public_address: status.public_addr,
        candidates: local_addresses(&ctx.candidate_ips)
            .iter()
            .map(ToString::to_string)
            .collect(),
        upnp,
        turn,
    })
}
