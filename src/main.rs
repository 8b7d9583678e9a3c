//! `ferry`: parse, run, print the error chain once, and turn the outcome into the exit code.
//! Nothing else in ferry exits the process.

use clap::{CommandFactory, FromArgMatches};
use ferry::cli::output::Console;
use ferry::cli::Cli;
use ferry::events::{Event, Reporter};
use ferry::net::Interrupt;
use ferry::outcome::{exit_code, stop_of, Stop};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

fn main() -> ExitCode {
    // The matches go along with the parsed command line: they tell a flag from an environment
    // variable, which the configuration file sits between (`ferry::config`).
    let matches = Cli::command().get_matches();
    let cli = Cli::from_arg_matches(&matches).unwrap_or_else(|err| err.exit());
    let filter = match (cli.quiet, cli.verbose) {
        (true, _) => "error",
        (false, 0) => "warn",
        (false, 1) => "info",
        _ => "debug",
    };
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("FERRY_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(filter)),
        )
        // Log lines can quote peers (names, reasons): no colours, and every line escaped.
        .with_ansi(false)
        .with_writer(|| ferry::cli::output::SafeStderr)
        .init();
    let data_on_stdout = matches!(&cli.command, ferry::cli::Command::Receive(args) if args.stdout);
    let console = Arc::new(Console::new(
        cli.json,
        cli.quiet,
        cli.verbose > 0,
        cli.no_progress,
        data_on_stdout,
    ));
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(err) => {
            eprintln!("ferry: error: cannot start: {err}");
            return ExitCode::from(Stop::EXIT_ERROR);
        }
    };
    let (trigger, interrupt) = Interrupt::new();
    let result = runtime.block_on(async {
        tokio::spawn(async move {
            if tokio::signal::ctrl_c().await.is_ok() {
                let _ = trigger.send(true);
                if tokio::signal::ctrl_c().await.is_ok() {
                    // The second Ctrl-C: the user does not want to wait for a clean cancel.
                    std::process::exit(i32::from(Stop::EXIT_INTERRUPTED));
                }
            }
        });
        ferry::cmd::run(cli, &matches, console.clone(), interrupt).await
    });
    if let Err(err) = &result {
        let interrupted = matches!(stop_of(err), Some(Stop::Interrupted));
        if console.json() {
            console.report(Event::Error {
                transfer_id: None,
                reason: format!("{err:#}"),
            });
        }
        if !interrupted || !console.json() {
            eprintln!(
                "ferry: error: {}",
                ferry::proto::text::for_terminal(&format!("{err:#}"))
            );
        }
    }
    // Port mappings the sessions made are removed before the runtime stops (bounded).
    runtime.block_on(ferry::net::upnp::removals_done(Duration::from_secs(1)));
    // A prompt may still be blocked reading stdin: do not wait for it.
    runtime.shutdown_timeout(Duration::from_millis(200));
    ExitCode::from(exit_code(&result))
}
