//! `ferry generate man|completions SHELL`: the files committed under `man/` and `completions/`
//! come from here, from the one CLI definition.

use crate::cli::{Cli, Generate};
use anyhow::{Context, Result};
use clap::CommandFactory;
use std::io::Write;

pub fn run(what: Generate) -> Result<()> {
    let mut out = std::io::stdout().lock();
    out.write_all(&render(&what)?)?;
    Ok(())
}

/// The bytes of a generated file.
pub fn render(what: &Generate) -> Result<Vec<u8>> {
    let mut buf = Vec::new();
    let mut cmd = Cli::command();
    match what {
        Generate::Man { command } => {
            let name = match command {
                Some(sub) => format!("ferry-{sub}"),
                None => "ferry".to_string(),
            };
            let page = man_pages()
                .into_iter()
                .find(|c| c.get_name() == name)
                .with_context(|| format!("no man page {name}: see `ferry generate man-pages`"))?;
            clap_mangen::Man::new(page).render(&mut buf)?
        }
        Generate::ManPages => {
            for page in man_pages() {
                writeln!(buf, "{}", page.get_name())?;
            }
        }
        Generate::Completions { shell } => {
            clap_complete::generate(*shell, &mut cmd, "ferry", &mut buf)
        }
    }
    Ok(buf)
}

/// `ferry` and every visible subcommand, at any depth, named as their man pages are
/// (`ferry-dht-get`): each page lists its subcommands as `ferry-...(1)`, so each must exist.
fn man_pages() -> Vec<clap::Command> {
    fn walk(cmd: clap::Command, name: String, out: &mut Vec<clap::Command>) {
        // `help` is clap's own, documented by every page's --help: no page of its own.
        let cmd = cmd.disable_help_subcommand(true);
        let subs: Vec<clap::Command> = cmd
            .get_subcommands()
            .filter(|c| !c.is_hide_set() && c.get_name() != "help")
            .cloned()
            .collect();
        out.push(cmd.name(name.clone()).bin_name(name.replace('-', " ")));
        for sub in subs {
            let sub_name = format!("{name}-{}", sub.get_name());
            walk(sub, sub_name, out);
        }
    }
    let mut out = Vec::new();
    walk(Cli::command(), "ferry".to_string(), &mut out);
    out
}
