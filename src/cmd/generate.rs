//! `ferry generate man|completions SHELL`: the files committed under `man/` and `completions/`
//! come from here, from the one CLI definition.

use crate::cli::{Cli, Generate};
use anyhow::Result;
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
        Generate::Man => clap_mangen::Man::new(cmd).render(&mut buf)?,
        Generate::Completions { shell } => {
            clap_complete::generate(*shell, &mut cmd, "ferry", &mut buf)
        }
    }
    Ok(buf)
}
