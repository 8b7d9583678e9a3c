//! `ferry send PATH --to PEER`: reach the peer through the connector, offer, stream, and succeed
//! only when a receiver confirms the SHA3-256 of what it kept.
//!
//! `PEER` may be an account: the file is offered to every announced device of it at once, one
//! sub-transfer each, accepted, refused or failing on its own. The combined outcome is
//! optimistic, as jami-daemon's: success when any device verified the file; once one has,
//! devices that have not even answered get a short grace period, then are given up.
//!
//! Without `--to`, a one-time code is shown instead (`proto::pairing`): the device that types
//! it with `ferry receive CODE` is learnt and verified through the DHT, and the file goes to
//! it exactly as to `--to DEVICE`.

use super::Context;
use crate::cli::SendArgs;
use crate::connector;
use crate::events::{Event, Reporter};
use crate::identity::Pin;
use crate::net::transfer::{Outgoing, Source};
use crate::proto::pairing::Code;
use crate::session::send::{to_contact, with_code, Sending};
use crate::set;
use anyhow::{bail, Context as _, Result};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

/// What the paths given to `send` amount to, the name offered for it, and how many paths
/// under them are left out.
fn source_of(ctx: &Context, paths: &[PathBuf]) -> Result<(Source, String, usize)> {
    if let [only] = paths {
        if only.as_os_str() == "-" {
            return Ok((Source::Stdin, "stdin".into(), 0));
        }
        let meta =
            std::fs::metadata(only).with_context(|| format!("cannot send {}", only.display()))?;
        if meta.is_file() {
            let name = only
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_else(|| "file".into());
            return Ok((Source::File(only.clone()), name, 0));
        }
    }
    if paths.iter().any(|p| p.as_os_str() == "-") {
        bail!("`-` (standard input) can only be sent alone");
    }
    let (entries, skipped) = set::collect(paths)?;
    for skip in &skipped {
        ctx.console.report(Event::Skipped {
            path: skip.path.display().to_string(),
            reason: skip.why.to_string(),
        });
    }
    let roots: Vec<&str> = entries
        .iter()
        .map(|e| e.relative.split('/').next().unwrap_or_default())
        .fold(Vec::new(), |mut roots, root| {
            if roots.last() != Some(&root) {
                roots.push(root);
            }
            roots
        });
    let name = match roots.as_slice() {
        [only] => only.to_string(),
        _ => format!("{} items", roots.len()),
    };
    Ok((Source::Set(entries), name, skipped.len()))
}

/// A text to send (`--text`), within what a receiver holds in memory.
fn text_source(text: &str) -> Result<Source> {
    let limit = crate::proto::transfer::MAX_TEXT_BYTES;
    if text.len() as u64 > limit {
        bail!(
            "the text is {} bytes; --text carries at most {limit}: put it in a file and send that",
            text.len()
        );
    }
    Ok(Source::Text(text.to_string()))
}

/// The line that ends a set's send: what went, each file verified by the receiver.
fn set_summary(entries: &[set::SetEntry], skipped: usize) -> String {
    let files: Vec<_> = entries
        .iter()
        .filter(|e| e.kind == crate::proto::transfer::EntryKind::File)
        .collect();
    let bytes: u64 = files.iter().map(|e| e.size).sum();
    format!(
        "{} file(s), {bytes} bytes, and {} directory(ies) sent, each file verified by the \
         receiver; {skipped} path(s) skipped",
        files.len(),
        entries.len() - files.len()
    )
}

pub async fn run(ctx: &Context, args: SendArgs) -> Result<()> {
    let (source, name, skipped) = match &args.text {
        Some(text) => (text_source(text)?, "text".to_string(), 0),
        None => source_of(ctx, &args.paths)?,
    };
    let name = args.name.clone().unwrap_or(name);
    let identity = Arc::new(ctx.identity()?);
    let outgoing = Arc::new(Outgoing {
        source,
        name,
        transfer_id: hex::encode(rand::random::<[u8; 8]>()),
        limit_rate: args.limit_rate,
        digest: None,
    });
    let sent = match (&args.to, args.peer_addr) {
        (None, _) => {
            let code = args
                .code
                .as_deref()
                .map(Code::parse)
                .transpose()
                .context("--code")?;
            let timeout = Duration::from_secs(args.code_timeout);
            with_code(ctx, identity, code, timeout, outgoing.clone()).await
        }
        (Some(to), None) => {
            let to = crate::contacts::resolve(&ctx.home, to)?;
            to_contact(ctx, identity, to, outgoing.clone()).await
        }
        (Some(to), Some(addr)) => {
            let to = crate::contacts::resolve(&ctx.home, to)?;
            let (stream, peer) = connector::connect_direct(&identity, addr, Pin::to([to])).await?;
            Sending::new(ctx, &identity)
                .deliver(stream, peer, &outgoing)
                .await
        }
    };
    if let (Ok(()), Source::Set(entries)) = (&sent, &outgoing.source) {
        ctx.console.say(&set_summary(entries, skipped));
    }
    Ok(sent?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::proto::transfer::EntryKind;

    #[test]
    fn a_set_summary_counts_files_bytes_directories_and_skips() {
        let entry = |relative: &str, kind, size| set::SetEntry {
            relative: relative.into(),
            kind,
            size,
            source: None,
            mode: None,
            mtime: None,
        };
        let entries = [
            entry("build", EntryKind::Directory, 0),
            entry("build/a", EntryKind::File, 3),
            entry("build/empty", EntryKind::Directory, 0),
            entry("build/b", EntryKind::File, 4),
        ];
        assert_eq!(
            set_summary(&entries, 1),
            "2 file(s), 7 bytes, and 2 directory(ies) sent, each file verified by the receiver; \
             1 path(s) skipped"
        );
    }
}
