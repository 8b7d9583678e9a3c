//! Sending on a running device: one transfer on a verified connection, recorded in the history
//! ([`deliver`]), and the fan-out to every device of a contact ([`to_devices`]): one
//! sub-transfer each, accepted, refused or failing on its own; success when any device
//! verified the file (the optimistic combined view, as jami-daemon's); once one has, devices
//! that have not even answered get a short grace period, then are given up.

use crate::cli::output::Console;
use crate::connector::{self, ConnectError, PeerStream};
use crate::events::{Event, Reporter};
use crate::history::Recorder;
use crate::identity::{Id, Identity, PeerIdentity};
use crate::net::dht::Dht;
use crate::net::ice::CandidateOptions;
use crate::net::transfer::{self, Outgoing, Source};
use crate::outcome::Stop;
use crate::proto::pairing::Code;
use crate::proto::signal::DeviceInfo;
use crate::session::Context;
use crate::session::SessionError;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::watch;

type Result<T, E = SessionError> = std::result::Result<T, E>;

/// Once one device has the file, how long the others still get to answer.
const GRACE_AFTER_SUCCESS: Duration = Duration::from_secs(3);

/// What every transfer this device sends shares: where it reports, what interrupts it, and
/// the history it is recorded in.
#[derive(Clone)]
pub struct Sending {
    pub console: Arc<Console>,
    pub interrupt: crate::net::Interrupt,
    pub recorder: Recorder,
}

impl Sending {
    /// Sending as `identity`, reporting to the command's console.
    pub fn new(ctx: &Context, identity: &Identity) -> Sending {
        Sending {
            console: ctx.console.clone(),
            interrupt: ctx.interrupt.clone(),
            recorder: Recorder {
                home: ctx.home.clone(),
                account: identity.account,
            },
        }
    }

    /// Report the connection, run one transfer on it, and record it in the history.
    pub async fn deliver(
        &self,
        stream: PeerStream,
        peer: PeerIdentity,
        outgoing: &Outgoing,
    ) -> Result<()> {
        let io = stream.get_ref().0;
        self.console.report(Event::Connected {
            addr: io.peer_addr().map(|a| a.to_string()).unwrap_or_default(),
            peer_device: peer.device.to_string(),
            peer_account: peer.account.to_string(),
            path: if io.relayed { "relay" } else { "direct" },
        });
        let result = transfer::send(
            stream,
            outgoing,
            &peer,
            self.console.as_ref(),
            self.interrupt.clone(),
        )
        .await;
        // The source path lets a re-request find the file again; only single files can.
        let source = match &outgoing.source {
            Source::File(path) => std::fs::canonicalize(path)
                .ok()
                .map(|p| p.display().to_string()),
            _ => None,
        };
        self.recorder.record(
            crate::history::Direction::Sent,
            &peer,
            &outgoing.transfer_id,
            &outgoing.name,
            result.as_ref().map_or(0, |d| d.size),
            result
                .as_ref()
                .map(|delivered| (Some(hex::encode(delivered.digest)), source))
                .map_err(|err| crate::history::Outcome::of_stop(err.stop())),
        );
        result.map(|_| ()).map_err(Into::into)
    }
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
    let sending = Sending::new(ctx, &identity);
    if let [only] = devices.as_slice() {
        let (stream, peer) =
            connector::connect_via_dht(&dht, &identity, only, &candidates, ctx.console.as_ref())
                .await
                .inspect_err(|err| report_refused(&ctx.console, &outgoing.transfer_id, err))?;
        return sending.deliver(stream, peer, &outgoing).await;
    }
    // Several devices: one sub-transfer each, concurrently.
    if matches!(outgoing.source, Source::Stdin) {
        return Err(SessionError::StdinToDevices {
            to,
            devices: devices.len(),
        });
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
        let sending = sending.clone();
        set.spawn(async move {
            let console = &sending.console;
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
                _ = gave_up => {
                    let late = Stop::NoAnswer("no answer before the other devices were done".into());
                    return (device, Err(late.into()));
                }
            };
            let result = match connected {
                Ok((stream, peer)) => sending.deliver(stream, peer, &outgoing).await,
                Err(err) => {
                    report_refused(console, &outgoing.transfer_id, &err);
                    Err(err.into())
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
        let (device, result) = joined.map_err(SessionError::Crashed)?;
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
    err: &ConnectError,
) {
    if let ConnectError::Refused(reason) = err {
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
            // Connection failures, transfer failures and outcomes alike: the outcome each
            // sub-transfer's error stands for.
            Err(err) => match err.stop().as_ref() {
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
        Err(SessionError::NoDeviceReceived { errors, refused })
    }
}

/// Send to every announced device of `to` (a device or an account id), found on the DHT.
pub async fn to_contact(
    ctx: &Context,
    identity: Arc<Identity>,
    to: crate::identity::Id,
    outgoing: Arc<Outgoing>,
) -> Result<()> {
    let candidates = ctx.candidate_options();
    crate::events::phase(ctx.console.as_ref(), "joining the DHT");
    let dht = ctx.join_dht().await?;
    crate::events::phase(ctx.console.as_ref(), format!("looking up {to}"));
    // Devices that withdrew are not asked; they stay in the combined view, as stopped.
    let devices = connector::resolve(&dht, to).await?;
    connector::some_still_receive(&devices)?;
    if devices.is_empty() {
        return Err(SessionError::NotAnnounced { to });
    }
    to_devices(ctx, dht, identity, to, devices, outgoing, candidates).await
}

/// How long a sender showing a code waits for a first DHT node: past it the code is shown
/// anyway (alone, the node keeps its own values, so a receiver on the LAN still finds it).
pub(crate) const CODE_NODE_WAIT: Duration = Duration::from_secs(2);

/// `send` without `--to`: show a one-time code, pair with the device that types it
/// (`proto::pairing`), then the ordinary connector and transfer, pinned to that device.
pub async fn with_code(
    ctx: &Context,
    identity: Arc<Identity>,
    given: Option<Code>,
    timeout: Duration,
    outgoing: Arc<Outgoing>,
) -> Result<()> {
    use crate::net::pairing::{now_us, own, Rendezvous};
    use crate::proto::pairing::Sender;
    crate::events::phase(ctx.console.as_ref(), "joining the DHT");
    // A full node: it stays up as long as the code is valid, and alone on a LAN it is where
    // the receiver finds the code.
    let dht = ctx.start_dht().await?;
    if dht.has_bootstrap && dht.wait_for_nodes(1, CODE_NODE_WAIT).await? == 0 {
        crate::events::phase(
            ctx.console.as_ref(),
            "no DHT node answered yet: the code works for devices on this LAN (and on the \
             DHT as soon as a node answers)",
        );
    }
    // A chosen code must not be one another pairing uses right now. A random one is not
    // looked up first: two of 2 million rendezvous meeting by chance is rarer than a lookup
    // is slow on the public DHT, and a receiver takes the newest open start anyway.
    let code = match given {
        Some(code) => {
            let values = Rendezvous::new(dht.clone(), code.rendezvous_key())
                .get()
                .await
                .unwrap_or_default();
            if rendezvous_in_use(&values) {
                return Err(SessionError::CodeInUse {
                    public_part: code.public_part(),
                });
            }
            code
        }
        None => Code::generate(&mut rand::thread_rng()),
    };
    let mut machine = Sender::new(code, own(&identity), timeout, rand::random(), now_us());
    let mut rendezvous = Rendezvous::new(dht.clone(), code.rendezvous_key());
    let mut listening = rendezvous.listen().await?;
    // The start is stored before the code is shown.
    rendezvous.flush(&mut machine).await?;
    ctx.console.report(Event::Code {
        code: code.to_string(),
        expires: machine.expires_us() / 1_000_000,
        expires_in: timeout.as_secs(),
    });
    let mut interrupt = ctx.interrupt.clone();
    let peer = rendezvous
        .drive(&mut machine, &mut listening, &mut interrupt)
        .await?;
    drop(listening);
    ctx.console.report(Event::Paired {
        peer_device: peer.peer.device.to_string(),
        peer_account: peer.peer.account.to_string(),
    });
    let (stream, tls_peer) = connector::connect_via_dht(
        &dht,
        &identity,
        &peer,
        &ctx.candidate_options(),
        ctx.console.as_ref(),
    )
    .await
    .inspect_err(|err| report_refused(&ctx.console, &outgoing.transfer_id, err))?;
    Sending::new(ctx, &identity)
        .deliver(stream, tls_peer, &outgoing)
        .await
}

/// Whether the values at a rendezvous hold a pairing still open (a start not yet closed,
/// aborted or expired).
pub(crate) fn rendezvous_in_use(values: &[crate::proto::dht::value::Value]) -> bool {
    use crate::proto::pairing::{Wire, CODE_USER_TYPE};
    let wires: Vec<Wire> = values
        .iter()
        .filter(|v| v.user_type == CODE_USER_TYPE)
        .filter_map(|v| Wire::decode(&v.data))
        .collect();
    let now = crate::net::pairing::now_us() / 1_000_000;
    wires.iter().any(|start| {
        start.kind == "start"
            && start.expires > now
            && !wires.iter().any(|w| {
                w.session == start.session && matches!(w.kind.as_str(), "closed" | "abort")
            })
    })
}
