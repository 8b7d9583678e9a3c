//! `ferry receive`: stay online, verify each connecting device, decide on each offer
//! (`--from`, `--yes`, or a y/N prompt on a terminal) and keep only verified files.
//! Transfers run concurrently; a failed one is reported and the receiver goes on, unless
//! `--once`, where the first offer's outcome is the exit status.

use super::Context;
use crate::cli::ReceiveArgs;
use crate::connector::{DirectListener, Handshake};
use crate::events::{Event, Reporter};
use crate::identity::{Identity, Pin};
use crate::net::transfer::{self, Decide, Decision, IncomingOffer, Received};
use crate::net::Interrupt;
use crate::outcome::Stop;
use anyhow::{Context as _, Result};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;
use tokio::task::JoinSet;

/// How long running transfers get to tell their peers after Ctrl-C.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(3);

pub async fn run(ctx: &Context, args: ReceiveArgs) -> Result<()> {
    let identity = Identity::load_or_create(&ctx.home)?;
    let dir = match &args.dir {
        Some(dir) => dir.clone(),
        None => dirs::download_dir().unwrap_or_else(|| ctx.home.join("downloads")),
    };
    std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
    let Some(listen) = args.listen else {
        return Err(
            Stop::NotAvailable("receiving through the DHT (give --listen ADDR:PORT)").into(),
        );
    };
    let listener = DirectListener::bind(&identity, listen).await?;
    ctx.console.report(Event::Listening {
        addr: listener.local_addr()?.to_string(),
    });
    let decide = decider(Pin::to(args.from.iter().copied()), args.yes);
    let mut interrupt = ctx.interrupt.clone();
    let mut running = JoinSet::new();
    loop {
        let handshake = tokio::select! {
            h = listener.accept() => h,
            _ = interrupt.wait() => break,
            Some(_) = running.join_next(), if !running.is_empty() => continue,
        };
        let handshake = match handshake {
            Ok(h) => h,
            Err(err) => {
                report_error(ctx.console.as_ref(), None, &err);
                continue;
            }
        };
        let serve = serve(
            handshake,
            dir.clone(),
            decide.clone(),
            ctx.console.clone(),
            ctx.interrupt.clone(),
        );
        if args.once {
            match serve.await {
                Served::NotAPeer(err) => report_error(ctx.console.as_ref(), None, &err),
                Served::Transfer(Ok(Received::Kept { .. })) => return Ok(()),
                Served::Transfer(Ok(Received::RefusedHere(reason))) => {
                    return Err(Stop::Declined(reason).into())
                }
                Served::Transfer(Err(err)) => return Err(err),
            }
        } else {
            let console = ctx.console.clone();
            running.spawn(async move {
                match serve.await {
                    Served::NotAPeer(err) | Served::Transfer(Err(err)) => {
                        report_error(console.as_ref(), None, &err)
                    }
                    Served::Transfer(Ok(_)) => {}
                }
            });
        }
    }
    let _ = tokio::time::timeout(SHUTDOWN_GRACE, async {
        while running.join_next().await.is_some() {}
    })
    .await;
    Err(Stop::Interrupted.into())
}

enum Served {
    /// The connection never became a verified TLS session (scanner, wrong identity).
    NotAPeer(anyhow::Error),
    Transfer(Result<Received>),
}

async fn serve(
    handshake: Handshake,
    dir: PathBuf,
    decide: Decide,
    console: Arc<crate::cli::output::Console>,
    interrupt: Interrupt,
) -> Served {
    let addr = handshake.addr;
    let (stream, peer) = match handshake.complete().await {
        Ok(done) => done,
        Err(err) => return Served::NotAPeer(err),
    };
    console.report(Event::Connected {
        addr: addr.to_string(),
        peer_device: peer.device.to_string(),
        peer_account: peer.account.to_string(),
    });
    Served::Transfer(
        transfer::receive(
            stream,
            peer,
            Path::new(&dir),
            decide,
            console.as_ref(),
            interrupt,
        )
        .await,
    )
}

fn report_error(reporter: &dyn Reporter, transfer_id: Option<String>, err: &anyhow::Error) {
    if matches!(err.downcast_ref::<Stop>(), Some(Stop::Interrupted)) {
        return;
    }
    reporter.report(Event::Error {
        transfer_id,
        reason: format!("{err:#}"),
    });
}

/// The decision policy: senders outside `--from` are refused; then `--yes`, a terminal
/// prompt, or a refusal explaining how to accept.
fn decider(from: Pin, yes: bool) -> Decide {
    let prompt_lock = Arc::new(tokio::sync::Mutex::new(()));
    Arc::new(move |offer: IncomingOffer| {
        let from = from.clone();
        let prompt_lock = prompt_lock.clone();
        Box::pin(async move {
            if !from.allows(&offer.peer) {
                return Decision::Refuse(format!(
                    "this receiver does not accept files from {}",
                    offer.peer
                ));
            }
            if yes {
                return Decision::Accept;
            }
            if !std::io::stdin().is_terminal() {
                return Decision::Refuse(
                    "no one is there to accept (the receiver runs without --yes and without a terminal)"
                        .into(),
                );
            }
            let _one_question_at_a_time = prompt_lock.lock().await;
            let question = format!(
                "Accept {:?} ({} bytes) from {}? [y/N] ",
                offer.safe_name, offer.header.size, offer.peer
            );
            let answer = tokio::task::spawn_blocking(move || {
                eprint!("{question}");
                let mut line = String::new();
                std::io::stdin().read_line(&mut line).map(|_| line)
            })
            .await;
            match answer {
                Ok(Ok(line)) if matches!(line.trim(), "y" | "Y" | "yes") => Decision::Accept,
                _ => Decision::Refuse("declined by the user".into()),
            }
        })
    })
}
