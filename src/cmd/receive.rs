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
use crate::session::online::*;
use crate::session::rerequest::Handovers;
use crate::session::serve::*;
use anyhow::{Context as _, Result};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::mpsc;
use tokio::task::JoinSet;

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
            .collect::<Result<Vec<_>, _>>()?,
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
    let (arrivals, arriving) = mpsc::channel::<Arrival>(16);
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
        let dht = announce_and_serve(
            ctx,
            &mut background,
            &identity,
            &handovers,
            connector::OfferPolicy {
                candidates: ctx.candidate_options(),
                from: from.clone(),
                slots: Some(slots.clone()),
                replay_file: Some(connector::replay_file(&ctx.home)),
            },
            &arrivals,
        )
        .await?;
        announced_on = Some(dht);
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
    serve_arrivals(
        ctx,
        arriving,
        Serving {
            dir: (!args.stdout).then(|| dir.clone()),
            decide,
            keeper: Keeper {
                recorder,
                handovers,
            },
            gate: Gate { slots, from },
            once: args.once,
            paired: paired_code,
        },
        announced_on.map(|dht| (dht, identity)),
    )
    .await?;
    Ok(())
}
