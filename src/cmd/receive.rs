//! `ferry receive`: stay online, verify each connecting device, decide on each offer
//! (`--from`, `--yes`, or a y/N prompt on a terminal) and keep only verified files.
//! Requests come through the DHT (the device announces itself and answers offers), or, with
//! `--listen`, as direct connections. Transfers run concurrently; a failed one is reported and
//! the receiver goes on, unless `--once`, where the first transfer the policy lets through
//! decides the exit status (refused, foreign and failed attempts leave it waiting).
//!
//! `receive CODE` pairs with the device showing the code (`proto::pairing`) instead of
//! announcing itself, then serves offers from that device alone, once: a failed connection
//! from it, or none within a minute, ends the command.

use super::Context;
use crate::cli::ReceiveArgs;
use crate::connector::{self, DirectListener};
use crate::events::{Event, Reporter};
use crate::history::Recorder;
use crate::identity::Pin;
use crate::net::control::{self, Pending};
use crate::net::transfer::Received;
use crate::outcome::Stop;
use crate::session::online::*;
use crate::session::rerequest::{Handovers, Online};
use crate::session::serve::*;
use anyhow::{Context as _, Result};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::mpsc;
use tokio::task::JoinSet;

/// With a code: how long the paired device has to connect (its offer waits up to 30 s for
/// an answer, then ICE up to 15 s).
const PAIRED_CONNECT_WAIT: Duration = Duration::from_secs(60);
/// How long running transfers get to tell their peers after Ctrl-C.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(3);

pub async fn run(ctx: &Context, args: ReceiveArgs) -> Result<()> {
    let identity = Arc::new(ctx.identity()?);
    // --dir, --accept (--yes) and --from as merged with FERRY_* and the configuration file.
    let dir = ctx.settings.dir.value.clone();
    let args = ReceiveArgs {
        yes: ctx.settings.accept.value == crate::config::Accept::All,
        from: ctx.settings.from.value.clone(),
        ..args
    };
    let code = match args.code.as_slice() {
        [] => None,
        parts => Some(crate::proto::pairing::Code::parse(&parts.join(" ")).context("CODE")?),
    };
    if args.stdout && !args.once && code.is_none() {
        anyhow::bail!("--stdout needs --once (or a CODE): it writes one file");
    }
    if args.save_as.is_some() && code.is_none() {
        anyhow::bail!("--save-as names the sender of a CODE: give the code too");
    }
    // A code is one transfer from one device.
    let args = ReceiveArgs {
        once: args.once || code.is_some(),
        ..args
    };
    let paired_code = code.is_some();
    std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
    check_writable(&dir)?;
    raise_descriptor_limit();
    // One receive per home, found out at once (not after joining the DHT).
    let pending = Arc::new(Pending::default());
    // `ferry rerequest` on this home hands its request over here (this receive takes the
    // offers that answer it); not to a receive with a code, which serves one device once.
    let handovers = Handovers::new(
        ctx.home.clone(),
        dir.clone(),
        ctx.console.clone(),
        ctx.interrupt.clone(),
        args.listen.is_none() && code.is_none(),
    );
    let _control = control::serve(&ctx.home, pending.clone(), handovers.clone()).await?;
    if code.is_none() {
        // Who senders name with --to (a code names nobody).
        ctx.console.report(Event::Starting {
            device_id: identity.device.to_string(),
            account_id: identity.account.to_string(),
        });
    }
    // --from is known before anything listens: strangers are refused in the TLS handshake
    // (direct mode) or when their offer is opened (DHT), before they can take a slot.
    let mut from = Pin::to(
        args.from
            .iter()
            .map(|peer| crate::contacts::resolve(&ctx.home, peer))
            .collect::<Result<Vec<_>>>()?,
    );
    // With --once, one transfer at a time: a second offer is refused as busy, not run
    // beside the one whose outcome is the exit status.
    let slots = Arc::new(tokio::sync::Semaphore::new(if args.once {
        1
    } else {
        args.max_concurrent as usize
    }));
    let stale = crate::net::partfile::remove_stale(&dir, crate::net::partfile::PART_MAX_AGE);
    if stale > 0 {
        tracing::info!("removed {stale} part file(s) of transfers never resumed");
    }
    let (arrivals, mut arriving) = mpsc::channel::<Arrival>(16);
    let mut background = JoinSet::new();
    // The DHT node this device is announced on, to withdraw the announcement when it stops.
    let mut announced_on = None;
    if let Some(listen) = args.listen {
        let listener = DirectListener::bind(&identity, listen, from.clone()).await?;
        ctx.console.report(Event::Listening {
            addr: listener.local_addr()?.to_string(),
        });
        let arrivals = arrivals.clone();
        background.spawn(async move {
            loop {
                let handshake = listener.accept().await;
                if arrivals.send(Arrival::Direct(handshake)).await.is_err() {
                    return;
                }
            }
        });
    } else if let Some(code) = code {
        let dht = join_as_client(ctx).await?;
        let paired = pair(ctx, &dht, &identity, code).await?;
        // Only the paired device, whatever --from says.
        from = Pin::to([paired.device]);
        if let Some(alias) = &args.save_as {
            crate::contacts::add(&ctx.home, alias, paired.account)
                .with_context(|| format!("saving the sender as contact {alias:?}"))?;
            ctx.console.say(&format!(
                "saved account {} as contact {alias:?}",
                paired.account
            ));
        }
        let policy = connector::OfferPolicy {
            candidates: ctx.candidate_options(),
            from: from.clone(),
            slots: Some(slots.clone()),
            replay_file: Some(connector::replay_file(&ctx.home)),
        };
        serve_offers(
            ctx,
            &mut background,
            dht,
            &identity,
            None,
            policy,
            &arrivals,
        );
    } else {
        let dht = ctx.start_dht().await?;
        announced_on = Some(dht.clone());
        // Announced as soon as a DHT node is reachable: a receiver on an empty LAN waits for
        // peers instead of failing.
        let (announced, is_announced) = tokio::sync::oneshot::channel();
        background.spawn(connector::keep_announced(
            dht.clone(),
            identity.clone(),
            announced,
        ));
        ctx.console.say("joining the DHT...");
        background.spawn(report_dht_state(
            dht.clone(),
            ctx.dht.clone(),
            ctx.console.clone(),
        ));
        let mut interrupt = ctx.interrupt.clone();
        tokio::select! {
            _ = is_announced => {}
            _ = interrupt.wait() => {
                withdraw(&dht, &identity, ctx.console.as_ref()).await;
                return Err(Stop::Interrupted.into());
            }
        }
        ctx.console.report(Event::Online {
            device_id: identity.device.to_string(),
            account_id: identity.account.to_string(),
            dht: [dht.addr4, dht.addr6]
                .iter()
                .flatten()
                .map(ToString::to_string)
                .collect(),
        });
        handovers.go_online(Online {
            dht: dht.clone(),
            identity: identity.clone(),
        });
        // One UPnP discovery for answering offers and for sending files again.
        let candidates = ctx.candidate_options();
        // Messages: answers to re-requests handed over here go to them; re-requests from
        // members of this device's conversations (`ferry rerequest`) are answered.
        let (messages, mut inbound) = mpsc::channel(16);
        let (to_answer, rerequests) = mpsc::channel(16);
        let statuses = handovers.clone();
        background.spawn(async move {
            while let Some(message) = inbound.recv().await {
                if !statuses.status(&message) {
                    // As the connector does: a full queue drops, never stalls the reader.
                    let _ = to_answer.try_send(message);
                }
            }
        });
        background.spawn(crate::session::rerequest::answer_rerequests(
            crate::session::rerequest::Resender {
                home: ctx.home.clone(),
                identity: identity.clone(),
                dht: dht.clone(),
                candidates: candidates.clone(),
                console: ctx.console.clone(),
                interrupt: ctx.interrupt.clone(),
            },
            rerequests,
        ));
        let policy = connector::OfferPolicy {
            candidates,
            from: from.clone(),
            slots: Some(slots.clone()),
            replay_file: Some(connector::replay_file(&ctx.home)),
        };
        serve_offers(
            ctx,
            &mut background,
            dht,
            &identity,
            Some(messages),
            policy,
            &arrivals,
        );
    }
    drop(arrivals);

    let recorder = Recorder {
        home: ctx.home.clone(),
        account: identity.account,
    };
    let decide = decider(
        from.clone(),
        args.yes,
        pending,
        handovers.clone(),
        Duration::from_secs(args.accept_timeout),
        ctx.console.clone(),
    );
    let mut interrupt = ctx.interrupt.clone();
    // Each arrival is served in a task of its own (handshakes are bounded by the listener);
    // with --once, a task's outcome may end the command: a kept file, or a refusal here by the
    // user. Refused (busy, --from), foreign and failed attempts leave it waiting.
    let mut running: JoinSet<Option<Result<()>>> = JoinSet::new();
    // With a code, the paired device alone may connect, and it does at once: bounded.
    let mut connect_by = paired_code.then(|| tokio::time::Instant::now() + PAIRED_CONNECT_WAIT);
    let outcome = loop {
        let arrival = tokio::select! {
            a = arriving.recv() => a,
            _ = interrupt.wait() => break Err(Stop::Interrupted.into()),
            _ = async {
                match connect_by {
                    Some(at) => tokio::time::sleep_until(at).await,
                    None => std::future::pending().await,
                }
            } => {
                break Err(anyhow::anyhow!(
                    "the paired device did not connect within {}s; nothing was received (is \
                     its `ferry send` still running?)",
                    PAIRED_CONNECT_WAIT.as_secs()
                ));
            }
            Some(done) = running.join_next(), if !running.is_empty() => {
                if let Ok(Some(outcome)) = done {
                    break outcome;
                }
                continue;
            }
        };
        let Some(arrival) = arrival else {
            break Err(Stop::Interrupted.into());
        };
        connect_by = None;
        let serve = serve(
            arrival,
            (!args.stdout).then(|| dir.clone()),
            decide.clone(),
            ctx.console.clone(),
            ctx.interrupt.clone(),
            Keeper {
                recorder: recorder.clone(),
                handovers: handovers.clone(),
            },
            Gate {
                slots: slots.clone(),
                from: from.clone(),
            },
        );
        let (console, once) = (ctx.console.clone(), args.once);
        running.spawn(async move {
            match serve.await {
                // The paired device failed to connect: nobody else will.
                Served::NotAPeer(err) if paired_code => Some(Err(err)),
                Served::NotAPeer(err) => {
                    report_error(console.as_ref(), &err);
                    None
                }
                Served::Refused(reason) => {
                    tracing::info!("refused an offer: {reason}");
                    None
                }
                Served::Transfer(Ok(Received::Kept { .. } | Received::Text { .. })) if once => {
                    Some(Ok(()))
                }
                Served::Transfer(Ok(Received::RefusedHere(reason))) if once => {
                    Some(Err(Stop::Declined(reason).into()))
                }
                Served::Transfer(Err(err)) if once => Some(Err(err)),
                Served::Transfer(Err(err)) => {
                    report_error(console.as_ref(), &err);
                    None
                }
                Served::Transfer(Ok(_)) => None,
            }
        });
    };
    // On Ctrl-C, running transfers get a moment to tell their peers (with --once, the
    // transfer that decided is over); meanwhile the announcement is withdrawn, so that senders
    // learn at once that this device stopped.
    let interrupted = matches!(
        outcome
            .as_ref()
            .err()
            .and_then(|e| e.downcast_ref::<Stop>()),
        Some(Stop::Interrupted)
    );
    let grace = if interrupted {
        SHUTDOWN_GRACE
    } else {
        Duration::ZERO
    };
    let finish_running = tokio::time::timeout(grace, async {
        while running.join_next().await.is_some() {}
    });
    let withdrawing = async {
        if let Some(dht) = &announced_on {
            withdraw(dht, &identity, ctx.console.as_ref()).await;
        }
    };
    let _ = tokio::join!(finish_running, withdrawing);
    outcome
}
