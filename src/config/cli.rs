//! The one place that reads clap's matches into a [`Given`].
//!
//! clap parses a flag, else its variable, with the parsers and error texts the CLI defines,
//! and says which one gave a value (`ArgMatches::value_source`); this module adds the
//! variable's name and hands each setting's flag id (from the table in [`super::merge`]) to
//! clap. The `receive` options come from the `receive` subcommand; for any other command
//! (`doctor` shows them, `rerequest` falls back on the receive directory) clap reads their
//! variables by parsing the `receive` subcommand alone with no arguments, so that their
//! names, parsers and errors stay where the CLI defines them. The flags that do not go
//! together across layers (`--yes` and `--accept`, `--stdout` and `--dir`) are checked here.

use super::merge::{Given, Layer};
use super::{Accept, ConfigError, Setting, Source};
use crate::cli::Cli;
use clap::parser::ValueSource;
use clap::{ArgMatches, Command, CommandFactory};

/// What the command line and its variables gave for every setting.
pub fn given(matches: &ArgMatches) -> Result<Given, ConfigError> {
    let command = Cli::command();
    let receive_command = command
        .find_subcommand("receive")
        .ok_or_else(|| ConfigError::Usage("no `receive` subcommand".into()))?;
    let bare;
    let receive = match matches.subcommand_matches("receive") {
        Some(receive) => receive,
        None => {
            bare = receive_command
                .clone()
                .try_get_matches_from(["receive"])
                .map_err(|err| {
                    ConfigError::Usage(format!("{} (from the environment)", clap_message(&err)))
                })?;
            &bare
        }
    };
    let reader = Reader {
        commands: [(matches, &command), (receive, receive_command)],
    };
    let mut given = Given::read(&reader);
    if reader.on_command_line("yes") {
        if reader.on_command_line("accept") {
            return Err(ConfigError::Usage(
                "--yes is --accept all: give one of them".into(),
            ));
        }
        given.accept = Some(Setting {
            value: Accept::All,
            source: Source::Flag,
        });
    }
    if reader.on_command_line("stdout") && reader.on_command_line("dir") {
        return Err(ConfigError::Usage(
            "--stdout writes the file to standard output: --dir does not go with it".into(),
        ));
    }
    Ok(given)
}

/// The first line of a clap error, without its `error: ` prefix.
fn clap_message(err: &clap::Error) -> String {
    let text = err.to_string();
    let first = text.lines().next().unwrap_or_default();
    first.trim_start_matches("error: ").to_string()
}

/// Reads the matches of the top command and of `receive`, telling a flag from a variable.
struct Reader<'a> {
    commands: [(&'a ArgMatches, &'a Command); 2],
}

impl Reader<'_> {
    /// The matches and the definition of the argument `id`, from the command that has it.
    fn find(&self, id: &str) -> Option<(&ArgMatches, &clap::Arg)> {
        self.commands.iter().find_map(|(matches, command)| {
            let arg = command.get_arguments().find(|arg| arg.get_id() == id)?;
            Some((*matches, arg))
        })
    }

    /// `id`'s value with its source, when its flag or its variable gave it.
    fn setting<T>(
        &self,
        id: &str,
        value: impl FnOnce(&ArgMatches) -> Option<T>,
    ) -> Option<Setting<T>> {
        let (matches, arg) = self.find(id)?;
        let source = match matches.value_source(id)? {
            ValueSource::CommandLine => Source::Flag,
            ValueSource::EnvVariable => Source::Env(
                arg.get_env()
                    .map_or_else(String::new, |n| n.to_string_lossy().into_owned()),
            ),
            _ => return None,
        };
        Some(Setting {
            value: value(matches)?,
            source,
        })
    }

    /// Whether `id` is on the command line (for a switch: whether it is on).
    fn on_command_line(&self, id: &str) -> bool {
        self.find(id)
            .is_some_and(|(matches, _)| matches.value_source(id) == Some(ValueSource::CommandLine))
    }
}

impl Layer for Reader<'_> {
    fn one<T: Clone + Send + Sync + 'static>(&self, id: &str) -> Option<Setting<T>> {
        self.setting(id, |m| m.try_get_one::<T>(id).ok().flatten().cloned())
    }

    fn many(&self, id: &str) -> Option<Setting<Vec<String>>> {
        self.setting(id, |m| {
            let values = m.try_get_many::<String>(id).ok().flatten()?;
            Some(values.cloned().collect())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::super::merge::FLAGS;
    use super::super::Secret;
    use super::*;
    use std::path::PathBuf;

    fn given(args: &[&str]) -> Result<Given, ConfigError> {
        let matches = Cli::command()
            .try_get_matches_from(std::iter::once("ferry").chain(args.iter().copied()))
            .expect("valid command line");
        super::given(&matches)
    }

    /// What a flag on the command line gives.
    fn flag<T>(value: T) -> Option<Setting<T>> {
        Some(Setting {
            value,
            source: Source::Flag,
        })
    }

    #[test]
    fn every_flag_in_the_table_is_an_argument_of_the_cli() {
        let command = Cli::command();
        let receive = command.find_subcommand("receive").expect("receive");
        for flag in FLAGS {
            let known = |c: &Command| c.get_arguments().any(|a| a.get_id() == flag.id);
            assert!(known(&command) || known(receive), "{flag:?}");
        }
    }

    #[test]
    fn flags_on_the_real_command_line_are_read_as_flags() {
        let g = given(&[
            "--home=/h",
            "--config=/c.toml",
            "--bootstrap=127.0.0.1:1,127.0.0.1:2",
            "--no-discovery",
            "--dht-proxy=auto",
            "--no-turn",
            "--turn=turn:127.0.0.1:3",
            "--turn-user=u",
            "--turn-password=p",
            "--turn-realm=r",
            "--turn-ca=ca.pem",
            "receive",
            "--dir=d",
            "--accept=all",
            "--from=a,b",
        ])
        .unwrap();
        assert_eq!(g.home, flag(PathBuf::from("/h")));
        assert_eq!(g.config, flag(PathBuf::from("/c.toml")));
        assert_eq!(
            g.bootstrap,
            flag(vec!["127.0.0.1:1".into(), "127.0.0.1:2".into()])
        );
        assert_eq!(g.discovery, flag(false));
        assert_eq!(g.dht_proxy, flag("auto".into()));
        assert_eq!(g.turn_enabled, flag(false));
        assert_eq!(g.turn_server, flag("turn:127.0.0.1:3".into()));
        assert_eq!(g.turn_user, flag("u".into()));
        assert_eq!(g.turn_password, flag(Secret("p".into())));
        assert_eq!(g.turn_realm, flag("r".into()));
        assert_eq!(g.turn_ca, flag(Some(PathBuf::from("ca.pem"))));
        assert_eq!(g.dir, flag(PathBuf::from("d")));
        assert_eq!(g.accept, flag(Accept::All));
        assert_eq!(g.from, flag(vec!["a".into(), "b".into()]));
        let g = given(&["--turn-password-file=/run/pw", "doctor"]).unwrap();
        assert_eq!(g.turn_password_file, flag(Some(PathBuf::from("/run/pw"))));
        assert_eq!(g.turn_password, None);
        // Global flags after the subcommand count as well.
        let g = given(&["doctor", "--bootstrap", "none"]).unwrap();
        assert_eq!(g.bootstrap, flag(vec!["none".into()]));
        assert_eq!(
            given(&["receive", "--yes"]).unwrap().accept,
            flag(Accept::All)
        );
        assert_eq!(
            given(&["receive", "--accept", "ask"]).unwrap().accept,
            flag(Accept::Ask)
        );
    }

    #[test]
    fn flags_that_do_not_go_together() {
        let err = given(&["receive", "--yes", "--accept", "ask"]).unwrap_err();
        assert!(err.to_string().contains("--yes"), "{err}");
        let err = given(&["receive", "--once", "--stdout", "--dir", "d"]).unwrap_err();
        assert!(err.to_string().contains("--stdout"), "{err}");
        assert!(given(&["receive", "--once", "--stdout"]).is_ok());
    }
}
