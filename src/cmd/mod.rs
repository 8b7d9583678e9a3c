//! One file per subcommand: each turns parsed arguments into calls on the connector and the
//! transfer drivers, and reports through the console.

mod accept;
mod account;
mod dht;
mod doctor;
mod generate;
mod id;
mod receive;
mod rerequest;
mod send;

use crate::cli::output::Console;
use crate::cli::{Cli, Command};
use crate::net::Interrupt;
pub use crate::session::Context;
use anyhow::Result;
use std::sync::Arc;

/// `ferry history`: one line (or JSON object) per recorded transfer, oldest first. Lines
/// show local time (`TZ` honoured); JSON keeps the Unix time `at`.
fn history(ctx: &Context) -> Result<()> {
    for i in crate::history::load(&ctx.home)? {
        if ctx.console.json() {
            ctx.console.print_json(&serde_json::to_value(&i)?);
        } else {
            // Names, ids and interactions come from peers: shown escaped.
            let line = format!(
                "{}  {:<8} {:<9} {} ({} bytes)  device {}  {}",
                crate::cli::output::local_time(i.at),
                i.direction,
                i.outcome,
                i.name,
                i.size,
                &i.peer_device[..i.peer_device.len().min(12)],
                i.interaction
            );
            println!("{}", crate::proto::text::for_terminal(&line));
        }
    }
    Ok(())
}

/// `ferry contacts add|list|remove`.
fn contacts(ctx: &Context, command: crate::cli::ContactsCommand) -> Result<()> {
    use crate::cli::ContactsCommand::*;
    match command {
        Add { alias, id } => Ok(crate::contacts::add(&ctx.home, &alias, id)?),
        Remove { alias } => Ok(crate::contacts::remove(&ctx.home, &alias)?),
        List => {
            let all = crate::contacts::load(&ctx.home)?;
            if ctx.console.json() {
                let map: serde_json::Map<String, serde_json::Value> = all
                    .iter()
                    .map(|(a, id)| (a.clone(), id.to_string().into()))
                    .collect();
                ctx.console.print_json(&serde_json::Value::Object(map));
            } else {
                for (alias, id) in all {
                    println!("{alias}\t{id}");
                }
            }
            Ok(())
        }
    }
}

/// Run the parsed command line; `matches` tell a flag from an environment variable.
pub async fn run(
    cli: Cli,
    matches: &clap::ArgMatches,
    console: Arc<Console>,
    interrupt: Interrupt,
) -> Result<()> {
    let settings = crate::config::load(matches)?;
    let ctx = Context::new(settings, &cli, console, interrupt)?;
    match cli.command {
        Command::Id => id::run(&ctx),
        Command::Send(args) => send::run(&ctx, args).await,
        Command::Receive(args) => receive::run(&ctx, args).await,
        Command::Accept(args) => accept::run(&ctx, args).await,
        Command::Rerequest(args) => rerequest::run(&ctx, args).await,
        Command::Dht(command) => dht::run(&ctx, command).await,
        Command::Doctor(args) => doctor::run(&ctx, args).await,
        Command::Account(command) => account::run(&ctx, command),
        Command::Contacts(command) => contacts(&ctx, command),
        Command::History => history(&ctx),
        Command::Generate { what } => generate::run(what),
    }
}
