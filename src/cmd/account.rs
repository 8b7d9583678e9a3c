//! `ferry account export|import`: link another machine to this account as a new device.
//! The archive holds the account key and certificate, sealed with a passphrase; the importing
//! machine makes its own device key and gets a certificate from the account key.
//! The passphrase of an export must be hard to guess (`identity::check_passphrase`); an import
//! checks the archive's scrypt cost before running scrypt and writes nothing unless the key,
//! the certificate and the new device certificate all belong together.

use super::Context;
use crate::cli::{AccountCommand, PassphraseArgs};
use crate::identity::{write_private, Identity};
use anyhow::{bail, Context as _, Result};
use std::io::IsTerminal;

fn passphrase(args: &PassphraseArgs, confirm: bool) -> Result<String> {
    if let Some(file) = &args.passphrase_file {
        let text =
            std::fs::read_to_string(file).with_context(|| format!("reading {}", file.display()))?;
        return Ok(text.lines().next().unwrap_or_default().to_string());
    }
    if let Some(p) = &args.passphrase_env {
        return Ok(p.clone());
    }
    if !std::io::stdin().is_terminal() {
        bail!(
            "no passphrase: give --passphrase-file FILE or FERRY_PASSPHRASE (no terminal to ask)"
        );
    }
    let first = rpassword::prompt_password("Passphrase: ")?;
    if confirm && rpassword::prompt_password("Again: ")? != first {
        bail!("the passphrases differ");
    }
    Ok(first)
}

pub fn run(ctx: &Context, command: AccountCommand) -> Result<()> {
    match command {
        AccountCommand::Export {
            out,
            passphrase: args,
        } => {
            ctx.identity()?;
            if out.exists() {
                bail!("{} exists: not overwriting it", out.display());
            }
            let pass = passphrase(&args, true)?;
            // Refuses a passphrase zxcvbn scores below 3 of 4, saying why.
            let archive = Identity::export_account(&ctx.home, &pass)?;
            write_private(&out, &archive)?;
            ctx.console
                .say(&format!("account written to {}", out.display()));
        }
        AccountCommand::Import {
            file,
            passphrase: args,
        } => {
            let archive =
                std::fs::read(&file).with_context(|| format!("reading {}", file.display()))?;
            let pass = passphrase(&args, false)?;
            let identity = Identity::import_account(&ctx.home, &archive, &pass)?;
            if ctx.console.json() {
                ctx.console.emit_json(&crate::events::Event::Imported {
                    account_id: identity.account.to_string(),
                    device_id: identity.device.to_string(),
                });
            } else {
                println!("account {}", identity.account);
                println!("device  {} (new)", identity.device);
            }
        }
    }
    Ok(())
}
