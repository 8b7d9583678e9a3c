//! The requester's side of `ferry rerequest`: ask the other member's devices from this process
//! ([`ask_here`]), or hand the request to the `ferry receive` running with the same home
//! ([`hand_over`]) and show what it does with it ([`follow`]).

use super::*;
use crate::connector::{self, Incoming};
use crate::events::{Event, Reporter};
use crate::history::{Interaction, Recorder};
use crate::identity::Id;
use crate::net::control::{self, Exchange, Reply};
use crate::net::transfer::{self, Received};
use crate::net::AbortOnDrop;
use crate::outcome::Stop;
use crate::proto::transfer::Digest;
use crate::session::Context;
use crate::session::SessionError;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::mpsc;

type Result<T, E = SessionError> = std::result::Result<T, E>;

/// How long `rerequest` waits for the running `receive` to take its request on.
pub(crate) const HANDOVER_ANSWER: Duration = Duration::from_secs(5);
/// How long past its timeout `rerequest` waits for the outcome of a handed-over request.
pub(crate) const HANDOVER_GRACE: Duration = Duration::from_secs(10);

/// Ask and receive in this process (no `ferry receive` runs with this home).
pub(crate) async fn ask_here(
    ctx: &Context,
    record: &Interaction,
    digest: Digest,
    member: Id,
    dir: &Path,
    timeout: Duration,
) -> Result<()> {
    let identity = Arc::new(ctx.identity()?);
    let dht = ctx.start_dht().await?;
    // Listen before asking, so that no answer is missed.
    let (incoming, mut connected) = mpsc::channel(4);
    let (messages, mut answers) = mpsc::channel(16);
    let serving = tokio::spawn(connector::serve_offers(
        dht.clone(),
        identity.clone(),
        incoming,
        Some(messages),
        // Only the member asked (or this account's own devices) may connect to send it again.
        connector::OfferPolicy {
            candidates: ctx.candidate_options(),
            from: crate::identity::Pin::to([member, identity.account]),
            ..connector::OfferPolicy::default()
        },
        ctx.console.clone(),
        ctx.interrupt.clone(),
    ));
    let _stop_serving = AbortOnDrop(serving);
    let mut asked = ask(&dht, &identity, member, record, ctx.console.as_ref()).await?;
    waiting(ctx.console.as_ref(), &asked, timeout);

    let decide = expect_offer(record.clone(), digest, [member, identity.account]);
    let recorder = Recorder {
        home: ctx.home.clone(),
        account: identity.account,
    };
    let deadline = tokio::time::Instant::now() + timeout;
    let mut interrupt = ctx.interrupt.clone();
    loop {
        tokio::select! {
            _ = tokio::time::sleep_until(deadline) => return Err(no_file_within(record, timeout)),
            _ = interrupt.wait() => return Err(Stop::Interrupted.into()),
            Some(answer) = answers.recv() => {
                if let Some(refusals) = asked.take(&answer, ctx.console.as_ref()) {
                    return Err(Stop::Refused(refusals).into());
                }
            }
            Some(connection) = connected.recv() => {
                tracing::info!("a member device connected");
                let Incoming { stream, peer, .. } = match connection {
                    Ok(incoming) => incoming,
                    Err(err) => {
                        tracing::info!("a connection failed: {err}");
                        continue;
                    }
                };
                let received = transfer::receive(
                    stream,
                    peer,
                    Some(dir),
                    decide.clone(),
                    ctx.console.as_ref(),
                    ctx.interrupt.clone(),
                )
                .await;
                match received {
                    Ok(Received::Kept { path, digest, size, .. }) => {
                        let path = std::fs::canonicalize(&path).unwrap_or(path);
                        recorder.record(
                            crate::history::Direction::Received,
                            &peer,
                            &record.interaction,
                            &record.name,
                            size,
                            Ok((Some(hex::encode(digest)), Some(path.display().to_string()))),
                        );
                        return Ok(());
                    }
                    Ok(Received::RefusedHere(reason)) => tracing::info!("refused an offer: {reason}"),
                    Ok(Received::Withdrawn(reason)) => tracing::info!("{reason}"),
                    Ok(Received::Text { .. }) => tracing::info!("a text arrived, not the file"),
                    Err(err) => ctx.console.report(Event::Error {
                        transfer_id: Some(record.interaction.clone()),
                        reason: format!("{err:#}"),
                    }),
                }
            }
        }
    }
}

/// Hand the re-request to the running `ferry receive` of this home: its outcome, or `None`
/// when none runs (or it cannot ask), so that this process asks itself.
pub(crate) async fn hand_over(
    ctx: &Context,
    record: &Interaction,
    dir: &Path,
    timeout: Duration,
) -> Option<Result<()>> {
    let request = control::Request::Rerequest {
        id: record.interaction.clone(),
        dir: Some(std::path::absolute(dir).unwrap_or_else(|_| dir.to_path_buf())),
        timeout: timeout.as_secs(),
    };
    let asks_itself = |reason: String| {
        ctx.console.report(Event::RerequestBy {
            by: "self",
            pid: None,
            reason,
        });
        None
    };
    let mut exchange = match Exchange::open(&ctx.home, &request).await {
        Ok(Some(exchange)) => exchange,
        Ok(None) => return asks_itself("no `ferry receive` runs with this home".into()),
        Err(err) => return asks_itself(format!("the running `ferry receive`: {err:#}")),
    };
    let pid = match tokio::time::timeout(HANDOVER_ANSWER, exchange.next()).await {
        Ok(Ok(Some(Reply::Handed { pid }))) => pid,
        Ok(Ok(Some(Reply::Unavailable { reason }))) => return asks_itself(reason),
        Ok(Ok(Some(Reply::Error { reason }))) => {
            return Some(Err(SessionError::HandoverNotTaken { reason }))
        }
        Ok(Ok(other)) => return Some(Err(SessionError::HandoverAnswered { reply: other })),
        Ok(Err(err)) => return Some(Err(err.into())),
        Err(_) => {
            return Some(Err(SessionError::HandoverNoAnswer {
                waited_secs: HANDOVER_ANSWER.as_secs(),
            }))
        }
    };
    ctx.console.report(Event::RerequestBy {
        by: "receive",
        pid: Some(pid),
        reason: String::new(),
    });
    Some(follow(ctx, record, exchange, pid, timeout).await)
}

/// Show what the running `receive` does with a handed-over re-request, until its outcome.
pub(crate) async fn follow(
    ctx: &Context,
    record: &Interaction,
    mut exchange: Exchange,
    pid: u32,
    timeout: Duration,
) -> Result<()> {
    let started = std::time::Instant::now();
    let deadline = tokio::time::Instant::now() + timeout + HANDOVER_GRACE;
    let mut interrupt = ctx.interrupt.clone();
    let interaction = &record.interaction;
    loop {
        let reply = tokio::select! {
            reply = exchange.next() => reply?,
            _ = tokio::time::sleep_until(deadline) => {
                return Err(SessionError::HandoverNoOutcome {
                    pid,
                    interaction: interaction.clone(),
                    waited_secs: timeout.as_secs(),
                })
            }
            // Dropping the exchange hangs up: receive abandons the re-request.
            _ = interrupt.wait() => return Err(Stop::Interrupted.into()),
        };
        let Some(reply) = reply else {
            return Err(SessionError::HandoverStopped {
                pid,
                interaction: interaction.clone(),
            });
        };
        match reply {
            Reply::Progress {
                outcome,
                peer_device,
                reason,
            } => show_progress(
                ctx.console.as_ref(),
                interaction,
                &outcome,
                peer_device,
                reason,
            ),
            Reply::Kept {
                path,
                name,
                size,
                sha3_256,
            } => {
                ctx.console.report(Event::Done {
                    transfer_id: interaction.clone(),
                    name,
                    size,
                    sha3_256,
                    path: Some(path),
                    seconds: started.elapsed().as_secs_f64(),
                    bytes_sent: None,
                });
                return Ok(());
            }
            Reply::Refused { reason } => return Err(Stop::Refused(reason).into()),
            Reply::Error { reason } => return Err(SessionError::HandoverFailed(reason)),
            other => tracing::debug!("ignored a reply of the running receive: {other:?}"),
        }
    }
}

/// One progress line of a handed-over re-request, as the events the requester shows itself.
pub(crate) fn show_progress(
    reporter: &dyn Reporter,
    interaction: &str,
    outcome: &str,
    peer_device: Option<String>,
    reason: String,
) {
    let outcome = match outcome {
        "asked" => "asked",
        "unreachable" => "unreachable",
        "refused" => "refused",
        "receiving" => "receiving",
        "waiting" => return crate::events::phase(reporter, reason),
        "failed" => {
            return reporter.report(Event::Error {
                transfer_id: Some(interaction.to_string()),
                reason,
            })
        }
        other => return tracing::debug!("ignored progress {other:?}: {reason}"),
    };
    reporter.report(Event::Rerequest {
        interaction: interaction.to_string(),
        peer_device: peer_device.unwrap_or_default(),
        outcome,
        reason,
    });
}
