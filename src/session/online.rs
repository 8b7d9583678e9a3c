//! A receiving device on the DHT: joining as a short-lived client, pairing with a code,
//! saying when no node answers and when one does, and withdrawing the announcement when it
//! stops.

use crate::connector;
use crate::events::{Event, Reporter};
use crate::identity::Identity;
use crate::net::dht::Dht;
use crate::outcome::Stop;
use crate::session::rerequest::{Handovers, Online};
use crate::session::serve::{serve_offers, Arrival};
use crate::session::Context;
use crate::session::SessionError;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::mpsc;

type Result<T, E = SessionError> = std::result::Result<T, E>;
use tokio::task::JoinSet;

/// How long a stopping `receive` waits for the DHT to take its withdrawal.
pub(crate) const WITHDRAW_WAIT: Duration = Duration::from_secs(2);

/// Withdraw this device's announcement (bounded: a stopping receiver does not hang on an
/// unreachable DHT; the announcement then expires on its own).
pub(crate) async fn withdraw(
    dht: &crate::net::dht::Dht,
    identity: &Identity,
    console: &crate::cli::output::Console,
) {
    let detail = match tokio::time::timeout(WITHDRAW_WAIT, connector::withdraw(dht, identity)).await
    {
        Ok(Ok(())) => String::new(),
        Ok(Err(err)) => format!("{err:#}; it expires on its own within minutes"),
        Err(_) => format!(
            "the DHT did not take it within {}s; it expires on its own within minutes",
            WITHDRAW_WAIT.as_secs()
        ),
    };
    console.report(Event::Dht {
        state: "withdrawn",
        nodes: 0,
        detail,
    });
}

/// A client DHT node for a receive with a code, once it knows another node (the sender's
/// own node on an offline LAN, found by multicast).
pub(crate) async fn join_as_client(ctx: &Context) -> Result<crate::net::dht::Dht> {
    ctx.join_dht().await
}

/// Pair with the device that shows `code` (`proto::pairing`): who it is, verified.
pub(crate) async fn pair(
    ctx: &Context,
    dht: &crate::net::dht::Dht,
    identity: &Arc<Identity>,
    code: crate::proto::pairing::Code,
) -> Result<crate::identity::PeerIdentity> {
    use crate::net::pairing::{feed, now_us, own, Rendezvous};
    let mut rendezvous = Rendezvous::new(dht.clone(), code.rendezvous_key());
    let mut machine =
        crate::proto::pairing::Receiver::new(code, own(identity), rand::random(), now_us());
    // Listening first, so that nothing put after the snapshot is missed.
    let mut listening = rendezvous.listen().await?;
    feed(&mut machine, &rendezvous.get().await?);
    machine.handle_snapshot(now_us());
    let mut interrupt = ctx.interrupt.clone();
    let peer = rendezvous
        .drive(&mut machine, &mut listening, &mut interrupt)
        .await?;
    ctx.console.report(Event::Paired {
        peer_device: peer.peer.device.to_string(),
        peer_account: peer.peer.account.to_string(),
    });
    Ok(peer.peer)
}

/// How long `receive` waits for a first DHT node before saying it has none.
pub(crate) const DHT_ALONE_AFTER: Duration = Duration::from_secs(5);

/// Say when no DHT node answered within [`DHT_ALONE_AFTER`] (and what still works), then when
/// one does.
pub(crate) async fn report_dht_state(
    dht: crate::net::dht::Dht,
    config: crate::net::dht::DhtConfig,
    console: Arc<crate::cli::output::Console>,
) {
    let mut nodes = dht.wait_for_nodes(1, DHT_ALONE_AFTER).await.unwrap_or(0);
    if nodes == 0 {
        console.report(Event::Dht {
            state: "alone",
            nodes,
            detail: format!(
                "{:#}",
                crate::net::dht::DhtError::no_node_answered(&config, DHT_ALONE_AFTER)
            ),
        });
        while nodes == 0 {
            nodes = match dht.wait_for_nodes(1, Duration::from_secs(30)).await {
                Ok(n) => n,
                Err(_) => return,
            };
        }
    }
    console.report(Event::Dht {
        state: "joined",
        nodes,
        detail: String::new(),
    });
}

/// Fail at start, not when the first file arrives, when `dir` cannot take files.
pub(crate) fn check_writable(dir: &std::path::Path) -> Result<()> {
    let probe = dir.join(format!(".ferry-write-test-{}", std::process::id()));
    match std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&probe)
    {
        Ok(_) => {
            let _ = std::fs::remove_file(&probe);
            Ok(())
        }
        Err(cause) => Err(SessionError::NotWritable {
            dir: dir.to_path_buf(),
            cause,
        }),
    }
}

/// Announce this device on the DHT (started here), say when it is online, serve its offers
/// under `policy` as arrivals, answer its messages (statuses of re-requests handed over here,
/// re-requests from members of its conversations); the node, to withdraw from when stopping.
pub(crate) async fn announce_and_serve(
    ctx: &Context,
    background: &mut JoinSet<()>,
    identity: &Arc<Identity>,
    handovers: &Arc<Handovers>,
    policy: connector::OfferPolicy,
    arrivals: &mpsc::Sender<Arrival>,
) -> Result<Dht> {
    let dht = ctx.start_dht().await?;
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
            withdraw(&dht, identity, ctx.console.as_ref()).await;
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
            candidates: policy.candidates.clone(),
            console: ctx.console.clone(),
            interrupt: ctx.interrupt.clone(),
        },
        rerequests,
    ));
    serve_offers(
        ctx,
        background,
        dht.clone(),
        identity,
        Some(messages),
        policy,
        arrivals,
    );
    Ok(dht)
}
