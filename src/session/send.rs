//! Sending on a running device: one transfer on a verified connection, recorded in the history
//! ([`deliver`]), and the fan-out to every device of a contact ([`to_devices`]): one
//! sub-transfer each, accepted, refused or failing on its own; success when any device
//! verified the file (the optimistic combined view, as jami-daemon's); once one has, devices
//! that have not even answered get a short grace period, then are given up.

use crate::connector::{self, PeerStream};
use crate::events::{Event, Reporter};
use crate::history::Recorder;
use crate::identity::{Id, Identity, PeerIdentity};
use crate::net::dht::Dht;
use crate::net::ice::CandidateOptions;
use crate::net::transfer::{self, Outgoing, Source};
use crate::outcome::Stop;
use crate::proto::signal::DeviceInfo;
use crate::session::Context;
use anyhow::{anyhow, bail, Result};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::watch;

/// This device's history recorder.
pub fn recorder(ctx: &Context, identity: &Identity) -> Recorder {
    Recorder {
        home: ctx.home.clone(),
        account: identity.account,
    }
}

/// Once one device has the file, how long the others still get to answer.
const GRACE_AFTER_SUCCESS: Duration = Duration::from_secs(3);

/// Report the connection, run one transfer on it, and record it in the history.
pub async fn deliver(
    console: &crate::cli::output::Console,
    interrupt: crate::net::Interrupt,
    recorder: &Recorder,
    stream: PeerStream,
    peer: PeerIdentity,
    outgoing: &Outgoing,
) -> Result<()> {
    let io = stream.get_ref().0;
    console.report(Event::Connected {
        addr: io.peer_addr().map(|a| a.to_string()).unwrap_or_default(),
        peer_device: peer.device.to_string(),
        peer_account: peer.account.to_string(),
        path: if io.relayed { "relay" } else { "direct" },
    });
    let result = transfer::send(stream, outgoing, &peer, console, interrupt).await;
    // The source path lets a re-request find the file again; only single files can.
    let source = match &outgoing.source {
        Source::File(path) => std::fs::canonicalize(path)
            .ok()
            .map(|p| p.display().to_string()),
        _ => None,
    };
    recorder.record(
        crate::history::Direction::Sent,
        &peer,
        &outgoing.transfer_id,
        &outgoing.name,
        result.as_ref().map_or(0, |d| d.size),
        result
            .as_ref()
            .map(|delivered| (Some(hex::encode(delivered.digest)), source)),
    );
    result.map(|_| ())
}

/// Send to `devices`, the announced devices of `to`, found on `dht`; `candidates` were
/// started before the DHT was joined (UPnP discovery runs meanwhile).
pub async fn to_devices(
    ctx: &Context,
    dht: Dht,
    identity: Arc<Identity>,
    to: Id,
    devices: Vec<DeviceInfo>,
    outgoing: Arc<Outgoing>,
    candidates: CandidateOptions,
) -> Result<()> {
    let recorder = recorder(ctx, &identity);
    if let [only] = devices.as_slice() {
        let (stream, peer) =
            connector::connect_via_dht(&dht, &identity, only, &candidates, ctx.console.as_ref())
                .await
                .inspect_err(|err| report_refused(&ctx.console, &outgoing.transfer_id, err))?;
        return deliver(
            &ctx.console,
            ctx.interrupt.clone(),
            &recorder,
            stream,
            peer,
            &outgoing,
        )
        .await;
    }
    // Several devices: one sub-transfer each, concurrently.
    if matches!(outgoing.source, Source::Stdin) {
        bail!(
            "{to} has {} devices, and standard input can be read only once: send a file, or \
             pick one device with --to DEVICE_ID",
            devices.len()
        );
    }
    ctx.console.group(&outgoing.transfer_id);
    let (succeeded, first_success) = watch::channel(false);
    let succeeded = Arc::new(succeeded);
    let mut set = tokio::task::JoinSet::new();
    for (n, device) in devices.into_iter().enumerate() {
        let (dht, identity, candidates, succeeded, mut first_success) = (
            dht.clone(),
            identity.clone(),
            candidates.clone(),
            succeeded.clone(),
            first_success.clone(),
        );
        let outgoing = Arc::new(Outgoing {
            transfer_id: format!("{}-{n}", outgoing.transfer_id),
            ..Outgoing::clone(&outgoing)
        });
        let console = ctx.console.clone();
        let interrupt = ctx.interrupt.clone();
        let recorder = recorder.clone();
        set.spawn(async move {
            if let Some(stopped) = connector::stopped_receiving(&device) {
                return (device, Err(Stop::Unreachable(stopped).into()));
            }
            let connect =
                connector::connect_via_dht(&dht, &identity, &device, &candidates, console.as_ref());
            let gave_up = async {
                let _ = first_success.wait_for(|done| *done).await;
                tokio::time::sleep(GRACE_AFTER_SUCCESS).await;
            };
            let connected = tokio::select! {
                c = connect => c,
                _ = gave_up => Err(Stop::NoAnswer(
                    "no answer before the other devices were done".into(),
                )
                .into()),
            };
            let result = match connected {
                Ok((stream, peer)) => {
                    deliver(&console, interrupt, &recorder, stream, peer, &outgoing).await
                }
                Err(err) => {
                    report_refused(&console, &outgoing.transfer_id, &err);
                    Err(err)
                }
            };
            if result.is_ok() {
                let _ = succeeded.send(true);
            }
            (device, result)
        });
    }
    let mut outcomes = Vec::new();
    while let Some(joined) = set.join_next().await {
        let (device, result) = joined.map_err(|e| anyhow!("a sub-transfer crashed: {e}"))?;
        outcomes.push((device, result));
    }
    ctx.console.finish_group(&outgoing.transfer_id);
    summarize(ctx, outcomes)
}

/// A refusal the receiver sent in answer to the offer (`--from`, busy), as the `refused` event
/// a refusal in the transfer gives.
pub(crate) fn report_refused(
    console: &crate::cli::output::Console,
    transfer_id: &str,
    err: &anyhow::Error,
) {
    if let Some(Stop::Refused(reason)) = err.downcast_ref::<Stop>() {
        console.report(Event::Refused {
            transfer_id: transfer_id.to_string(),
            reason: reason.clone(),
        });
    }
}

/// The combined view: success if any device verified the file; otherwise 1 when every device
/// refused, never answered or had stopped receiving, 2 when something else went wrong.
fn summarize(ctx: &Context, outcomes: Vec<(DeviceInfo, Result<()>)>) -> Result<()> {
    let mut rows = Vec::new();
    let (mut done, mut refused, mut errors) = (0, 0, 0);
    for (device, result) in &outcomes {
        let (state, reason) = match result {
            Ok(()) => {
                done += 1;
                ("done", String::new())
            }
            Err(err) => match err.downcast_ref::<Stop>() {
                Some(Stop::Interrupted) => return Err(Stop::Interrupted.into()),
                Some(Stop::Refused(r)) | Some(Stop::PeerCancelled(r)) => {
                    refused += 1;
                    ("refused", r.clone())
                }
                Some(Stop::Unreachable(r)) if device.stopped => {
                    refused += 1;
                    ("stopped", r.clone())
                }
                Some(Stop::NoAnswer(r)) | Some(Stop::Unreachable(r)) => {
                    refused += 1;
                    ("no answer", r.clone())
                }
                _ => {
                    errors += 1;
                    ("error", format!("{err:#}"))
                }
            },
        };
        if !ctx.console.json() {
            ctx.console.say(&format!(
                "  device {}: {state} {reason}",
                device.peer.device
            ));
        }
        rows.push(crate::events::DeviceOutcome {
            device: device.peer.device.to_string(),
            outcome: state,
            reason,
        });
    }
    ctx.console.emit_json(&Event::Summary {
        devices: rows,
        done,
        refused,
        errors,
    });
    if done > 0 {
        Ok(())
    } else if errors == 0 {
        Err(Stop::Refused(format!("none of the {refused} device(s) accepted")).into())
    } else {
        bail!("no device received the file ({errors} error(s), {refused} refusal(s))")
    }
}
