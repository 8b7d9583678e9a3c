//! `ferry rerequest ID`, both sides of it (the messages and the decision are in
//! `crate::rerequest`).
//!
//! The requester finds interaction ID in its own history, asks every announced device of the
//! conversation's other member with a sealed `application/data-transfer-request+json`
//! message, and waits: a transfer offered by a member device for exactly that interaction,
//! announcing exactly the recorded SHA3-256, is accepted without asking and kept only if the
//! body hashes to it; anything else is refused. It ends when the file is back (exit 0), when
//! every device asked refused (exit 1), or after `--timeout` (exit 2).
//!
//! When a `ferry receive` runs with the same home, it answers this device's offers: a second
//! listener would race it for the file sent again. So `rerequest` hands the request to it
//! through the control socket (`session::rerequest::Handovers`, `net::control`'s `rerequest`
//! op) and shows the progress and outcome it streams back; receive asks with the same functions
//! (`session::rerequest::ask`), takes the offer with the same checks (`check_offer`) into the
//! requester's directory, and records it in the history once, as every file it keeps.
//!
//! The serving side runs inside `ferry receive` (`session::rerequest::answer_rerequests`): it
//! checks the request against its history, hashes the file on disk again, and sends it by an
//! ordinary transfer.

use super::Context;
use crate::cli::RerequestArgs;
use crate::history::{self};
use crate::session::rerequest::*;
use anyhow::{Context as _, Result};
use std::path::Path;
use std::time::Duration;

/// The requester's side: `ferry rerequest ID`.
pub async fn run(ctx: &Context, args: RerequestArgs) -> Result<()> {
    let history = history::load(&ctx.home)?;
    let (record, digest) = find_record(&history, &args.id)?;
    let member = member_of(&record)?;
    let dir = destination(&ctx.settings.dir.value, args.dir.as_deref(), &record);
    std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
    if let Some(path) = record.path.as_deref().map(Path::new) {
        if hash_file(path).ok() == Some(digest) {
            ctx.console.say(&format!(
                "{} is still here and verified; nothing to ask",
                path.display()
            ));
            return Ok(());
        }
    }
    let timeout = Duration::from_secs(args.timeout);
    if let Some(outcome) = hand_over(ctx, &record, &dir, timeout).await {
        return Ok(outcome?);
    }
    Ok(ask_here(ctx, &record, digest, member, &dir, timeout).await?)
}
