//! `ferry send PATH --to PEER`: connect to the peer through the connector, offer, stream,
//! and succeed only when the receiver confirms the SHA3-256 of what it kept.

use super::Context;
use crate::cli::SendArgs;
use crate::connector;
use crate::events::{Event, Reporter};
use crate::identity::{Identity, Pin};
use crate::net::dht::Dht;
use crate::net::transfer::{self, Outgoing};
use anyhow::{bail, Context as _, Result};
use std::time::Duration;

/// How long to wait for a first DHT node.
const JOIN_WAIT: Duration = Duration::from_secs(10);

pub async fn run(ctx: &Context, args: SendArgs) -> Result<()> {
    let meta = std::fs::metadata(&args.path)
        .with_context(|| format!("cannot send {}", args.path.display()))?;
    if !meta.is_file() {
        bail!("{} is not a regular file", args.path.display());
    }
    let name = match &args.name {
        Some(name) => name.clone(),
        None => args
            .path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "file".into()),
    };
    let identity = Identity::load_or_create(&ctx.home)?;
    let (stream, peer) = match args.peer_addr {
        Some(addr) => connector::connect_direct(&identity, addr, Pin::to([args.to])).await?,
        None => {
            let candidates = ctx.candidate_options();
            let mut config = ctx.dht.clone();
            config.client_only = true;
            let dht = Dht::start(config).await?;
            dht.wait_for_nodes(1, JOIN_WAIT).await?;
            let devices = connector::resolve(&dht, args.to).await?;
            let Some(target) = devices.first() else {
                bail!(
                    "no device of {} is announced on the DHT (is `ferry receive` running there?)",
                    args.to
                );
            };
            connector::connect_via_dht(&dht, &identity, target, &candidates).await?
        }
    };
    let addr = stream.get_ref().0.peer_addr()?;
    ctx.console.report(Event::Connected {
        addr: addr.to_string(),
        peer_device: peer.device.to_string(),
        peer_account: peer.account.to_string(),
        path: if stream.get_ref().0.relayed {
            "relay"
        } else {
            "direct"
        },
    });
    let outgoing = Outgoing {
        path: args.path,
        name,
        transfer_id: hex::encode(rand::random::<[u8; 8]>()),
        limit_rate: args.limit_rate,
    };
    transfer::send(
        stream,
        &outgoing,
        &peer,
        ctx.console.as_ref(),
        ctx.interrupt.clone(),
    )
    .await?;
    Ok(())
}
