//! `ferry send PATH --to PEER`: connect to the peer through the connector, offer, stream,
//! and succeed only when the receiver confirms the SHA3-256 of what it kept.

use super::Context;
use crate::cli::SendArgs;
use crate::connector;
use crate::events::{Event, Reporter};
use crate::identity::{Identity, Pin};
use crate::net::transfer::{self, Outgoing};
use crate::outcome::Stop;
use anyhow::{bail, Context as _, Result};

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
    let Some(addr) = args.peer_addr else {
        return Err(
            Stop::NotAvailable("finding the peer on the DHT (give --peer-addr ADDR:PORT)").into(),
        );
    };
    let (stream, peer) = connector::connect_direct(&identity, addr, Pin::to([args.to])).await?;
    ctx.console.report(Event::Connected {
        addr: addr.to_string(),
        peer_device: peer.device.to_string(),
        peer_account: peer.account.to_string(),
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
