//! The configuration file, and where every effective setting comes from.
//!
//! A setting takes the first value found in: a flag on the command line, its environment
//! variable, the configuration file, ferry's default. clap reads the first two and says which
//! it used (`ArgMatches::value_source`); this module reads the file, merges the layers and keeps
//! each value's [`Source`], so that `ferry doctor` can say why a value is what it is.
//!
//! The file is `config.toml` in the home when `--home` / `FERRY_HOME` is given, else in the
//! platform configuration directory (`~/.config/ferry/config.toml` on Linux, which is also the
//! default home); `--config FILE` / `FERRY_CONFIG` names another one. A missing file is no file,
//! unless it was named with `--config`. Unknown keys and malformed TOML are errors naming the
//! file, the line and the column. Every key is optional:
//!
//! ```toml
//! bootstrap = ["bootstrap.jami.net:4222"]  # DHT nodes; [] or ["none"]: LAN discovery only
//! discovery = true                         # OpenDHT multicast discovery on the LAN
//!
//! [dht]
//! proxy = "off"   # or "http://HOST:PORT" (OpenDHT's REST proxy, for networks without UDP),
//!                 # "auto" (UDP, then Jami's proxy if no node answers), "auto:URL"
//!
//! [turn]
//! enabled = true
//! server = "turn:turn.jami.net:3478"
//! user = "ring"
//! password = "ring"                       # or password_file = "turn.pass" (its first line)
//! realm = "ring"
//! ca = "turn-ca.pem"                       # for a turns: server with a private CA
//!
//! [receive]
//! dir = "~/Downloads"   # `~/` is the user's home; a relative path is relative to this file
//! accept = "ask"        # or "all" (as `--yes`)
//! from = ["alice"]      # accept only these device ids, account ids or contact aliases
//! ```
//!
//! Flow: [`load`] = [`Given::from_matches`] (clap's view of flags and variables) → [`locate`]
//! → [`ConfigFile::read`] → [`Settings::merge`], which is pure and where precedence lives.

use crate::cli::Cli;
use crate::identity::default_home;
use crate::net::dht::DEFAULT_BOOTSTRAP;
use crate::net::turn;
use clap::parser::ValueSource;
use clap::{ArgMatches, CommandFactory};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use std::fmt;
use std::path::{Path, PathBuf};

/// The file's name, in the home or in the platform configuration directory.
pub const FILE_NAME: &str = "config.toml";
/// The bootstrap list `["none"]` means no node at all: LAN discovery only.
pub const NO_BOOTSTRAP: &str = "none";
/// What a password looks like wherever settings are shown.
pub const MASK: &str = "***";

/// The file as written: every key optional, any other key an error.
#[derive(Debug, Default, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConfigFile {
    pub bootstrap: Option<Vec<String>>,
    pub discovery: Option<bool>,
    #[serde(default)]
    pub dht: DhtSection,
    #[serde(default)]
    pub turn: TurnSection,
    #[serde(default)]
    pub receive: ReceiveSection,
}

/// `[dht]`: how the DHT is reached.
#[derive(Debug, Default, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DhtSection {
    /// `off`, a proxy URL, `auto` or `auto:URL` (`proto::dht::proxy::ProxyMode`).
    pub proxy: Option<String>,
}

/// `[turn]`: the relay used when no direct path exists.
#[derive(Debug, Default, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TurnSection {
    pub enabled: Option<bool>,
    pub server: Option<String>,
    pub user: Option<String>,
    pub password: Option<String>,
    /// A file whose first line is the password (relative to this file), instead of `password`.
    pub password_file: Option<PathBuf>,
    pub realm: Option<String>,
    /// PEM certificates trusted for a `turns:` server (relative to this file).
    pub ca: Option<PathBuf>,
}

/// `[receive]`: where `ferry receive` saves files and which offers it takes.
#[derive(Debug, Default, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReceiveSection {
    pub dir: Option<PathBuf>,
    pub accept: Option<Accept>,
    pub from: Option<Vec<String>>,
}

/// Which offers `ferry receive` accepts (among the senders `from` allows).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Accept {
    /// Ask on the terminal; with no terminal, wait for `ferry accept`.
    Ask,
    /// Accept every offer.
    All,
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file exists but cannot be read, or `--config` names a missing file.
    #[error("cannot read the configuration file {}: {error}", path.display())]
    Read {
        path: PathBuf,
        error: std::io::Error,
    },
    /// Not TOML, an unknown key, or a value of the wrong kind.
    #[error("configuration file {}: {message}", at(path, *location))]
    Invalid {
        path: PathBuf,
        /// Line and column, from 1.
        location: Option<(usize, usize)>,
        message: String,
    },
    /// The TURN password file cannot be read.
    #[error("cannot read the TURN password file {}: {error}", path.display())]
    PasswordFile {
        path: PathBuf,
        error: std::io::Error,
    },
    /// Flags that do not go together, or a variable clap refused.
    #[error("{0}")]
    Usage(String),
}

fn at(path: &Path, location: Option<(usize, usize)>) -> String {
    match location {
        Some((line, column)) => format!("{}:{line}:{column}", path.display()),
        None => path.display().to_string(),
    }
}

impl ConfigFile {
    /// Parse the text of the file at `path` (named in errors).
    pub fn parse(text: &str, path: &Path) -> Result<ConfigFile, ConfigError> {
        let file: ConfigFile = toml::from_str(text).map_err(|err| ConfigError::Invalid {
            path: path.to_path_buf(),
            location: err.span().map(|span| line_column(text, span.start)),
            message: err.message().trim().lines().collect::<Vec<_>>().join("; "),
        })?;
        if file.turn.password.is_some() && file.turn.password_file.is_some() {
            return Err(ConfigError::Invalid {
                path: path.to_path_buf(),
                location: None,
                message: "[turn] has both `password` and `password_file`: give one".into(),
            });
        }
        Ok(file)
    }

    /// Read and parse the file; a missing file is `None` unless `required`.
    pub fn read(path: &Path, required: bool) -> Result<Option<ConfigFile>, ConfigError> {
        match std::fs::read_to_string(path) {
            Ok(text) => ConfigFile::parse(&text, path).map(Some),
            Err(err) if err.kind() == std::io::ErrorKind::NotFound && !required => Ok(None),
            Err(error) => Err(ConfigError::Read {
                path: path.to_path_buf(),
                error,
            }),
        }
    }
}

/// Line and column (from 1, in characters) of byte `offset` in `text`.
fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let before = text.get(..offset).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().unwrap_or("").chars().count() + 1;
    (line, column)
}

/// Where an effective value came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// A flag on the command line.
    Flag,
    /// This environment variable.
    Env(String),
    /// This configuration file.
    File(PathBuf),
    Default,
}

impl Source {
    /// `flag`, `env`, `file` or `default`, for JSON.
    pub fn kind(&self) -> &'static str {
        match self {
            Source::Flag => "flag",
            Source::Env(_) => "env",
            Source::File(_) => "file",
            Source::Default => "default",
        }
    }
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Source::Env(name) => write!(f, "env {name}"),
            Source::File(path) => write!(f, "file {}", path.display()),
            other => f.write_str(other.kind()),
        }
    }
}

/// An effective value and where it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Setting<T> {
    pub value: T,
    pub source: Source,
}

/// Flag or variable (`given`) > file (`file`, read at `at`) > default.
fn pick<T>(
    given: Option<Setting<T>>,
    file: Option<T>,
    at: Option<&Path>,
    default: impl FnOnce() -> T,
) -> Setting<T> {
    match (given, file.zip(at)) {
        (Some(given), _) => given,
        (None, Some((value, at))) => Setting {
            value,
            source: Source::File(at.to_path_buf()),
        },
        (None, None) => Setting {
            value: default(),
            source: Source::Default,
        },
    }
}

/// The command line's (and the environment's) part of every setting: `Some` when its flag or
/// its variable gave it. clap reads the variable only when the flag is absent, so a flag always
/// wins over its variable before [`Settings::merge`] sees either.
#[derive(Debug, Default, Clone)]
pub struct Given {
    pub home: Option<Setting<PathBuf>>,
    pub config: Option<Setting<PathBuf>>,
    pub bootstrap: Option<Setting<Vec<String>>>,
    pub discovery: Option<Setting<bool>>,
    pub dht_proxy: Option<Setting<String>>,
    pub turn_enabled: Option<Setting<bool>>,
    pub turn_server: Option<Setting<String>>,
    pub turn_user: Option<Setting<String>>,
    pub turn_password: Option<Setting<String>>,
    /// At most one of `turn_password` and this is `Some` (the one from the higher layer).
    pub turn_password_file: Option<Setting<PathBuf>>,
    pub turn_realm: Option<Setting<String>>,
    pub turn_ca: Option<Setting<PathBuf>>,
    pub dir: Option<Setting<PathBuf>>,
    pub accept: Option<Setting<Accept>>,
    pub from: Option<Setting<Vec<String>>>,
}

impl Given {
    /// Read clap's matches for the whole command line. The `receive` options come from the
    /// `receive` subcommand; for any other command (`doctor` shows them, `rerequest` falls
    /// back on the receive directory) clap reads their variables by parsing the `receive`
    /// subcommand alone with no arguments, so that their names, parsers and errors stay where
    /// the CLI defines them.
    pub fn from_matches(matches: &ArgMatches) -> Result<Given, ConfigError> {
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
        let top = Reader {
            matches,
            command: &command,
        };
        let sub = Reader {
            matches: receive,
            command: receive_command,
        };
        let not = |given: Option<Setting<bool>>| {
            given.map(|setting| Setting {
                value: !setting.value,
                ..setting
            })
        };
        let mut accept = sub.one::<Accept>("accept");
        if sub.on_command_line("yes") {
            if sub.on_command_line("accept") {
                return Err(ConfigError::Usage(
                    "--yes is --accept all: give one of them".into(),
                ));
            }
            accept = Some(Setting {
                value: Accept::All,
                source: Source::Flag,
            });
        }
        let dir = sub.one::<PathBuf>("dir");
        if sub.on_command_line("stdout") && sub.on_command_line("dir") {
            return Err(ConfigError::Usage(
                "--stdout writes the file to standard output: --dir does not go with it".into(),
            ));
        }
        let (turn_password, turn_password_file) =
            one_password(top.one("turn_password"), top.one("turn_password_file"))?;
        Ok(Given {
            home: top.one("home"),
            config: top.one("config"),
            bootstrap: top.many("bootstrap"),
            discovery: not(top.one("no_discovery")),
            dht_proxy: top.one("dht_proxy"),
            turn_enabled: not(top.one("no_turn")),
            turn_server: top.one("turn"),
            turn_user: top.one("turn_user"),
            turn_password,
            turn_password_file,
            turn_realm: top.one("turn_realm"),
            turn_ca: top.one("turn_ca"),
            dir,
            accept,
            from: sub.many("from"),
        })
    }
}

/// The password or the password file, whichever the higher layer gave (a flag over a
/// variable); both from one layer is a usage error.
#[allow(clippy::type_complexity)]
fn one_password(
    password: Option<Setting<String>>,
    file: Option<Setting<PathBuf>>,
) -> Result<(Option<Setting<String>>, Option<Setting<PathBuf>>), ConfigError> {
    match (password, file) {
        (Some(p), Some(f)) => match (&p.source, &f.source) {
            (Source::Flag, Source::Env(_)) => Ok((Some(p), None)),
            (Source::Env(_), Source::Flag) => Ok((None, Some(f))),
            _ => Err(ConfigError::Usage(format!(
                "the TURN password is given twice ({} and {}): give the password or the \
                 password file",
                p.source, f.source
            ))),
        },
        other => Ok(other),
    }
}

/// The first line of a clap error, without its `error: ` prefix.
fn clap_message(err: &clap::Error) -> String {
    let text = err.to_string();
    let first = text.lines().next().unwrap_or_default();
    first.trim_start_matches("error: ").to_string()
}

/// Reads one command's matches, telling a flag from a variable.
struct Reader<'a> {
    matches: &'a ArgMatches,
    command: &'a clap::Command,
}

impl Reader<'_> {
    /// `value` with its source, when a flag or its variable gave it.
    fn setting<T>(&self, id: &str, value: Option<T>) -> Option<Setting<T>> {
        let source = match self.matches.value_source(id)? {
            ValueSource::CommandLine => Source::Flag,
            ValueSource::EnvVariable => {
                let arg = self.command.get_arguments().find(|arg| arg.get_id() == id);
                let name = arg.and_then(clap::Arg::get_env);
                Source::Env(name.map_or_else(String::new, |n| n.to_string_lossy().into_owned()))
            }
            _ => return None,
        };
        Some(Setting {
            value: value?,
            source,
        })
    }

    /// A single value. An id that is not an argument of this type reads as absent (a unit
    /// test reads every id through the real command line).
    fn one<T: Clone + Send + Sync + 'static>(&self, id: &str) -> Option<Setting<T>> {
        let value = self.matches.try_get_one::<T>(id).ok().flatten().cloned();
        self.setting(id, value)
    }

    fn many(&self, id: &str) -> Option<Setting<Vec<String>>> {
        let values = self
            .matches
            .try_get_many::<String>(id)
            .ok()
            .flatten()
            .map(|values| values.cloned().collect());
        self.setting(id, values)
    }

    /// Whether `id` is on the command line (for a switch: whether it is on).
    fn on_command_line(&self, id: &str) -> bool {
        self.matches.value_source(id) == Some(ValueSource::CommandLine)
    }
}

/// The home, and the configuration file to read with whether it must exist (named by
/// `--config` / `FERRY_CONFIG`). `None`: no platform configuration directory, so no file.
pub fn locate(given: &Given) -> (Setting<PathBuf>, Option<(PathBuf, bool)>) {
    let home = pick(given.home.clone(), None, None, default_home);
    let named = given.config.as_ref().map(|config| config.value.clone());
    let file = match (named, &home.source) {
        (Some(path), _) => Some((path, true)),
        (None, Source::Default) => {
            dirs::config_dir().map(|dir| (dir.join("ferry").join(FILE_NAME), false))
        }
        (None, _) => Some((home.value.join(FILE_NAME), false)),
    };
    (home, file)
}

/// Read the command line, the environment and the configuration file (once).
pub fn load(matches: &ArgMatches) -> Result<Settings, ConfigError> {
    let given = Given::from_matches(matches)?;
    let (path, file) = match locate(&given).1 {
        Some((path, required)) => {
            let file = ConfigFile::read(&path, required)?;
            (Some(path), file)
        }
        None => (None, None),
    };
    let mut settings = Settings::merge(given, path, file);
    match &settings.turn_password_file {
        Some(file) => settings.turn_password.value = read_password_file(&file.value)?,
        None if settings.turn_password.source == Source::Flag => tracing::warn!(
            "--turn-password is visible to other users in the process list: prefer \
             --turn-password-file FILE"
        ),
        None => {}
    }
    Ok(settings)
}

/// The first line of a password file (without its line break). A file others may read works,
/// with a warning.
fn read_password_file(path: &Path) -> Result<String, ConfigError> {
    use std::os::unix::fs::PermissionsExt;
    let read_error = |error| ConfigError::PasswordFile {
        path: path.to_path_buf(),
        error,
    };
    let text = std::fs::read_to_string(path).map_err(read_error)?;
    let mode = std::fs::metadata(path)
        .map_err(read_error)?
        .permissions()
        .mode();
    if readable_by_others(mode) {
        tracing::warn!(
            "the TURN password file {} can be read by other users (mode {:o}): chmod 600 it",
            path.display(),
            mode & 0o777
        );
    }
    Ok(first_line(&text).to_string())
}

/// Whether a file's mode lets its group or anyone else read or change it.
fn readable_by_others(mode: u32) -> bool {
    mode & 0o077 != 0
}

/// A secret file's first line, without `\n` or `\r\n`.
fn first_line(text: &str) -> &str {
    text.lines().next().unwrap_or_default()
}

/// One setting as shown: its key as in the file, its value, its source.
pub type Entry<'a> = (&'static str, Value, &'a Source);

/// Every setting that the configuration file can hold, with its source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    pub home: Setting<PathBuf>,
    /// Where the configuration file was looked for.
    pub path: Option<PathBuf>,
    /// Whether it was there and read.
    pub file_read: bool,
    /// DHT nodes to join through; empty: LAN discovery only.
    pub bootstrap: Setting<Vec<String>>,
    pub discovery: Setting<bool>,
    /// `off`, a proxy URL, `auto` or `auto:URL`.
    pub dht_proxy: Setting<String>,
    pub turn_enabled: Setting<bool>,
    pub turn_server: Setting<String>,
    pub turn_user: Setting<String>,
    /// Read from [`Settings::turn_password_file`] by [`load`] when that is `Some`.
    pub turn_password: Setting<String>,
    /// The file the password is read from, when one was named and won.
    pub turn_password_file: Option<Setting<PathBuf>>,
    pub turn_realm: Setting<String>,
    /// Trusted for a `turns:` server besides the public roots, when one was named.
    pub turn_ca: Option<Setting<PathBuf>>,
    pub dir: Setting<PathBuf>,
    pub accept: Setting<Accept>,
    pub from: Setting<Vec<String>>,
}

impl Settings {
    /// Merge the layers: flag > environment > file (`file` read at `path`) > default.
    pub fn merge(given: Given, path: Option<PathBuf>, file: Option<ConfigFile>) -> Settings {
        let home = pick(given.home, None, None, default_home);
        let file_read = file.is_some() && path.is_some();
        let at = path.as_deref().filter(|_| file_read);
        let f = file.unwrap_or_default();
        let mut bootstrap = pick(given.bootstrap, f.bootstrap, at, || {
            vec![DEFAULT_BOOTSTRAP.to_string()]
        });
        if bootstrap.value == [NO_BOOTSTRAP] {
            bootstrap.value.clear();
        }
        let base = at.and_then(Path::parent);
        let dir = pick(
            given.dir,
            f.receive.dir.map(|dir| in_file(&dir, base)),
            at,
            // The platform's download folder when there is one, else where the user is.
            || {
                dirs::download_dir()
                    .filter(|d| d.is_dir())
                    .or_else(|| std::env::current_dir().ok())
                    .unwrap_or_else(|| PathBuf::from("."))
            },
        );
        let t = f.turn;
        let (turn_password, turn_password_file) =
            match (given.turn_password, given.turn_password_file) {
                (Some(password), _) => (password, None),
                (None, Some(file)) => (unread(&file.source), Some(file)),
                (None, None) => match t.password_file.zip(at) {
                    Some((file, at)) => {
                        let source = Source::File(at.to_path_buf());
                        let file = Setting {
                            value: in_file(&file, base),
                            source: source.clone(),
                        };
                        (unread(&source), Some(file))
                    }
                    None => (
                        pick(None, t.password, at, || turn::DEFAULT_PASSWORD.into()),
                        None,
                    ),
                },
            };
        Settings {
            bootstrap,
            discovery: pick(given.discovery, f.discovery, at, || true),
            dht_proxy: pick(given.dht_proxy, f.dht.proxy, at, || "off".into()),
            turn_enabled: pick(given.turn_enabled, t.enabled, at, || true),
            turn_server: pick(given.turn_server, t.server, at, || {
                turn::DEFAULT_SERVER.into()
            }),
            turn_user: pick(given.turn_user, t.user, at, || turn::DEFAULT_USER.into()),
            turn_password,
            turn_password_file,
            turn_realm: pick(given.turn_realm, t.realm, at, || turn::DEFAULT_REALM.into()),
            turn_ca: given.turn_ca.or_else(|| {
                let (ca, at) = t.ca.zip(at)?;
                Some(Setting {
                    value: in_file(&ca, base),
                    source: Source::File(at.to_path_buf()),
                })
            }),
            dir,
            accept: pick(given.accept, f.receive.accept, at, || Accept::Ask),
            from: pick(given.from, f.receive.from, at, Vec::new),
            home,
            path,
            file_read,
        }
    }

    /// The TURN server to use, unless turned off.
    pub fn turn(&self) -> Option<turn::TurnConfig> {
        self.turn_enabled.value.then(|| turn::TurnConfig {
            server: self.turn_server.value.clone(),
            username: self.turn_user.value.clone(),
            password: self.turn_password.value.clone(),
            realm: self.turn_realm.value.clone(),
            ca: self.turn_ca.as_ref().map(|ca| ca.value.clone()),
        })
    }

    /// Each setting as (key as in the file, value, source), in the file's order; the
    /// password is always [`MASK`].
    pub fn entries(&self) -> Vec<Entry<'_>> {
        fn entry<'a, T: Serialize>(key: &'static str, s: &'a Setting<T>) -> Entry<'a> {
            (key, json!(s.value), &s.source)
        }
        fn path<'a>(key: &'static str, s: &'a Setting<PathBuf>) -> Entry<'a> {
            (key, json!(s.value.display().to_string()), &s.source)
        }
        let mut entries = vec![
            path("home", &self.home),
            entry("bootstrap", &self.bootstrap),
            entry("discovery", &self.discovery),
            entry("dht.proxy", &self.dht_proxy),
            entry("turn.enabled", &self.turn_enabled),
            entry("turn.server", &self.turn_server),
            entry("turn.user", &self.turn_user),
            ("turn.password", json!(MASK), &self.turn_password.source),
        ];
        if let Some(file) = &self.turn_password_file {
            entries.push(path("turn.password_file", file));
        }
        entries.push(entry("turn.realm", &self.turn_realm));
        if let Some(ca) = &self.turn_ca {
            entries.push(path("turn.ca", ca));
        }
        entries.extend([
            path("receive.dir", &self.dir),
            entry("receive.accept", &self.accept),
            entry("receive.from", &self.from),
        ]);
        entries
    }

    /// [`Settings::config_event`] as JSON.
    pub fn report(&self) -> Value {
        serde_json::to_value(self.config_event()).unwrap_or_default()
    }

    /// The `config` event: `file` is the file read (or null), `path` where it was looked
    /// for, and each setting `{"value", "source"}` (plus `"env"`: the variable's name).
    pub fn config_event(&self) -> crate::events::Event {
        let settings: serde_json::Map<String, Value> = self
            .entries()
            .into_iter()
            .map(|(key, value, source)| {
                let mut entry = json!({"value": value, "source": source.kind()});
                if let Source::Env(name) = source {
                    entry["env"] = json!(name);
                }
                (key.to_string(), entry)
            })
            .collect();
        let shown = |p: &PathBuf| p.display().to_string();
        crate::events::Event::Config {
            file: self.path.as_ref().filter(|_| self.file_read).map(shown),
            path: self.path.as_ref().map(shown),
            settings,
        }
    }
}

/// The password until [`load`] reads it from its file, which came from `source`.
fn unread(source: &Source) -> Setting<String> {
    Setting {
        value: String::new(),
        source: source.clone(),
    }
}

/// A path written in the file: `~` and `~/...` start at the user's home directory, relative
/// paths at the file's directory.
fn in_file(path: &Path, base: Option<&Path>) -> PathBuf {
    if let Ok(rest) = path.strip_prefix("~") {
        if let Some(home) = dirs::home_dir() {
            return home.join(rest);
        }
    }
    match base {
        Some(base) if path.is_relative() => base.join(path),
        _ => path.to_path_buf(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FULL: &str = r#"
bootstrap = ["192.0.2.1:4222", "192.0.2.2:4222"]
discovery = false

[turn]
enabled = false
server = "turn:192.0.2.3:3478"
user = "alice"
password = "s3cret"
realm = "example"

[receive]
dir = "/srv/inbox"
accept = "all"
from = ["bob"]
"#;

    fn path() -> PathBuf {
        PathBuf::from("/etc/ferry-test/config.toml")
    }

    fn file(text: &str) -> ConfigFile {
        ConfigFile::parse(text, &path()).expect("valid file")
    }

    fn merged(given: Given, text: Option<&str>) -> Settings {
        Settings::merge(given, Some(path()), text.map(file))
    }

    /// What a flag on the command line gives.
    fn flag<T>(value: T) -> Option<Setting<T>> {
        Some(Setting {
            value,
            source: Source::Flag,
        })
    }

    /// What the variable `name` gives.
    fn env<T>(name: &str, value: T) -> Option<Setting<T>> {
        Some(Setting {
            value,
            source: Source::Env(name.into()),
        })
    }

    fn invalid(text: &str) -> (Option<(usize, usize)>, String, String) {
        let err = ConfigFile::parse(text, &path()).expect_err("invalid file");
        let shown = err.to_string();
        match err {
            ConfigError::Invalid {
                location, message, ..
            } => (location, message, shown),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn the_whole_schema_parses() {
        let f = file(FULL);
        assert_eq!(
            f.bootstrap,
            Some(vec!["192.0.2.1:4222".into(), "192.0.2.2:4222".into()])
        );
        assert_eq!(f.discovery, Some(false));
        assert_eq!(
            f.turn,
            TurnSection {
                enabled: Some(false),
                server: Some("turn:192.0.2.3:3478".into()),
                user: Some("alice".into()),
                password: Some("s3cret".into()),
                password_file: None,
                realm: Some("example".into()),
                ca: None,
            }
        );
        assert_eq!(
            f.receive,
            ReceiveSection {
                dir: Some("/srv/inbox".into()),
                accept: Some(Accept::All),
                from: Some(vec!["bob".into()]),
            }
        );
        assert_eq!(file(""), ConfigFile::default());
    }

    #[test]
    fn the_example_in_the_module_doc_parses() {
        let doc = include_str!("config.rs");
        let start = doc.find("//! ```toml\n").expect("example") + "//! ```toml\n".len();
        let end = start + doc[start..].find("//! ```\n").expect("end of example");
        let text: String = doc[start..end]
            .lines()
            .map(|l| l.trim_start_matches("//!").trim_start_matches(' '))
            .collect::<Vec<_>>()
            .join("\n");
        let f = file(&text);
        assert_eq!(f.receive.accept, Some(Accept::Ask));
        assert_eq!(f.turn.enabled, Some(true));
    }

    #[test]
    fn an_unknown_key_names_the_key_the_file_and_the_place() {
        let (location, message, shown) = invalid("bootstrap = []\ncolour = \"blue\"\n");
        assert_eq!(location, Some((2, 1)));
        assert!(message.contains("unknown field `colour`"), "{message}");
        assert!(
            shown.starts_with("configuration file /etc/ferry-test/config.toml:2:1: "),
            "{shown}"
        );
        let (location, message, _) = invalid("[turn]\nserver = \"x\"\npasword = \"y\"\n");
        assert_eq!(location, Some((3, 1)));
        assert!(message.contains("unknown field `pasword`"), "{message}");
        let (_, message, _) = invalid("[sending]\nrate = 1\n");
        assert!(message.contains("unknown field `sending`"), "{message}");
    }

    #[test]
    fn malformed_toml_and_wrong_values_give_line_and_column() {
        // toml points just after the last value of the unclosed array.
        let (location, message, _) = invalid("discovery = true\nbootstrap = [\"a:1\"\n");
        assert_eq!(location, Some((2, 19)));
        assert!(message.contains("unclosed array"), "{message}");
        let (location, message, _) = invalid("[receive]\naccept = \"maybe\"\n");
        assert_eq!(location, Some((2, 10)));
        assert!(message.contains("maybe"), "{message}");
        let (location, _, _) = invalid("discovery = \"yes\"\n");
        assert_eq!(location, Some((1, 13)));
        let (location, _, _) = invalid("bootstrap = \"a:1\"\n");
        assert_eq!(location, Some((1, 13)));
        assert!(!invalid("= 1").2.contains('\n'), "one line");
    }

    #[test]
    fn a_missing_file_is_no_file_unless_named() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join(FILE_NAME);
        assert!(ConfigFile::read(&missing, false).unwrap().is_none());
        let err = ConfigFile::read(&missing, true).unwrap_err();
        assert!(matches!(err, ConfigError::Read { .. }), "{err:?}");
        assert!(err.to_string().contains(&*missing.to_string_lossy()));
        std::fs::write(&missing, "discovery = false\n").unwrap();
        let read = ConfigFile::read(&missing, false).unwrap().unwrap();
        assert_eq!(read.discovery, Some(false));
    }

    /// Every precedence case for one setting: `get` picks it out of the merged settings,
    /// `set` puts what the command line gave into `Given`, `file` writes a file holding
    /// `in_file`. (A flag over its own variable is clap's doing: `tests/config_file.rs`.)
    fn precedence<T: Clone + PartialEq + fmt::Debug>(
        get: impl Fn(&Settings) -> Setting<T>,
        set: impl Fn(&mut Given, Option<Setting<T>>),
        file: &str,
        (from_flag, from_env, in_file): (T, T, T),
        env_name: &str,
    ) {
        let merge = |given: Option<Setting<T>>, text: Option<&str>| {
            let mut g = Given::default();
            set(&mut g, given);
            get(&merged(g, text))
        };
        let flag_beats_file = merge(flag(from_flag.clone()), Some(file));
        assert_eq!(
            (flag_beats_file.value, flag_beats_file.source),
            (from_flag.clone(), Source::Flag)
        );
        let env_beats_file = merge(env(env_name, from_env.clone()), Some(file));
        assert_eq!(
            (env_beats_file.value, env_beats_file.source),
            (from_env, Source::Env(env_name.into()))
        );
        let file_beats_default = merge(None, Some(file));
        assert_eq!(
            (file_beats_default.value, file_beats_default.source),
            (in_file.clone(), Source::File(path()))
        );
        let default = merge(None, None);
        assert_eq!(default.source, Source::Default);
        assert_ne!(default.value, in_file);
        let flag_without_file = merge(flag(from_flag.clone()), None);
        assert_eq!(flag_without_file.value, from_flag);
    }

    #[test]
    fn dht_proxy_flag_env_file_default() {
        precedence(
            |s| s.dht_proxy.clone(),
            |g, l| g.dht_proxy = l,
            "[dht]\nproxy = \"http://192.0.2.9:8080\"",
            (
                "http://127.0.0.1:1".into(),
                "auto".into(),
                "http://192.0.2.9:8080".into(),
            ),
            "FERRY_DHT_PROXY",
        );
        assert_eq!(merged(Given::default(), None).dht_proxy.value, "off");
    }

    #[test]
    fn bootstrap_a_list_flag_env_file_default() {
        precedence(
            |s| s.bootstrap.clone(),
            |g, l| g.bootstrap = l,
            "bootstrap = [\"192.0.2.9:1\", \"192.0.2.9:2\"]",
            (
                vec!["127.0.0.1:1".into()],
                vec!["127.0.0.1:2".into(), "127.0.0.1:3".into()],
                vec!["192.0.2.9:1".into(), "192.0.2.9:2".into()],
            ),
            "FERRY_BOOTSTRAP",
        );
        assert_eq!(
            merged(Given::default(), None).bootstrap.value,
            [DEFAULT_BOOTSTRAP]
        );
    }

    #[test]
    fn bootstrap_none_means_lan_only_from_any_layer() {
        let none = || vec![NO_BOOTSTRAP.to_string()];
        let by_flag = Given {
            bootstrap: flag(none()),
            ..Given::default()
        };
        assert_eq!(
            merged(by_flag, Some(FULL)).bootstrap.value,
            Vec::<String>::new()
        );
        let by_env = Given {
            bootstrap: env("FERRY_BOOTSTRAP", none()),
            ..Given::default()
        };
        assert_eq!(
            merged(by_env, Some(FULL)).bootstrap.value,
            Vec::<String>::new()
        );
        for text in ["bootstrap = [\"none\"]", "bootstrap = []"] {
            let s = merged(Given::default(), Some(text));
            assert_eq!(s.bootstrap.value, Vec::<String>::new(), "{text}");
            assert_eq!(s.bootstrap.source, Source::File(path()));
        }
    }

    #[test]
    fn turn_server_a_string_flag_env_file_default() {
        precedence(
            |s| s.turn_server.clone(),
            |g, l| g.turn_server = l,
            "[turn]\nserver = \"turn:192.0.2.3:3478\"",
            (
                "turn:127.0.0.1:1".to_string(),
                "turn:127.0.0.1:2".to_string(),
                "turn:192.0.2.3:3478".to_string(),
            ),
            "FERRY_TURN",
        );
    }

    #[test]
    fn receive_dir_a_path_flag_env_file_default() {
        precedence(
            |s| s.dir.clone(),
            |g, l| g.dir = l,
            "[receive]\ndir = \"/srv/inbox\"",
            (
                PathBuf::from("flag-dir"),
                PathBuf::from("/env/dir"),
                PathBuf::from("/srv/inbox"),
            ),
            "FERRY_RECEIVE_DIR",
        );
    }

    #[test]
    fn accept_a_policy_flag_env_file_default() {
        precedence(
            |s| s.accept.clone(),
            |g, l| g.accept = l,
            "[receive]\naccept = \"all\"",
            (Accept::All, Accept::Ask, Accept::All),
            "FERRY_ACCEPT",
        );
        // The other way round: a flag or a variable can say `ask` over a file's `all`.
        let by_env = Given {
            accept: env("FERRY_ACCEPT", Accept::Ask),
            ..Given::default()
        };
        assert_eq!(merged(by_env, Some(FULL)).accept.value, Accept::Ask);
        assert_eq!(merged(Given::default(), None).accept.value, Accept::Ask);
    }

    #[test]
    fn switches_and_the_rest_of_turn_follow_the_same_rule() {
        let s = merged(Given::default(), Some(FULL));
        assert!(!s.discovery.value && !s.turn_enabled.value);
        assert!(s.turn().is_none());
        assert_eq!(
            (
                &*s.turn_user.value,
                &*s.turn_password.value,
                &*s.turn_realm.value
            ),
            ("alice", "s3cret", "example")
        );
        assert_eq!(s.from.value, ["bob"]);
        // FERRY_NO_TURN=0 turns the relay back on over the file.
        let given = Given {
            turn_enabled: env("FERRY_NO_TURN", true),
            discovery: flag(false),
            ..Given::default()
        };
        let s = merged(given, Some("discovery = true\n[turn]\nenabled = false"));
        assert_eq!(s.turn_enabled.source, Source::Env("FERRY_NO_TURN".into()));
        assert_eq!(s.discovery.source, Source::Flag);
        let turn = s.turn().expect("enabled");
        assert_eq!(turn.server, turn::DEFAULT_SERVER);
        assert_eq!(turn.password, turn::DEFAULT_PASSWORD);
    }

    #[test]
    fn paths_in_the_file_are_relative_to_it() {
        let s = merged(Given::default(), Some("[receive]\ndir = \"inbox\""));
        assert_eq!(s.dir.value, Path::new("/etc/ferry-test/inbox"));
        if let Some(home) = dirs::home_dir() {
            let s = merged(Given::default(), Some("[receive]\ndir = \"~/inbox\""));
            assert_eq!(s.dir.value, home.join("inbox"));
        }
        // A flag's relative path stays relative to the working directory.
        let by_flag = Given {
            dir: flag(PathBuf::from("inbox")),
            ..Given::default()
        };
        assert_eq!(merged(by_flag, Some(FULL)).dir.value, Path::new("inbox"));
    }

    #[test]
    fn the_file_lives_in_the_home_given_or_the_platform_config_dir() {
        let given = Given {
            home: env("FERRY_HOME", PathBuf::from("/h")),
            ..Given::default()
        };
        let (home, file) = locate(&given);
        assert_eq!(home.source, Source::Env("FERRY_HOME".into()));
        assert_eq!(file, Some((PathBuf::from("/h/config.toml"), false)));
        let named = Given {
            config: flag(PathBuf::from("/c.toml")),
            ..given
        };
        assert_eq!(locate(&named).1, Some((PathBuf::from("/c.toml"), true)));
        let (home, file) = locate(&Given::default());
        assert_eq!((home.value, home.source), (default_home(), Source::Default));
        assert_eq!(
            file,
            dirs::config_dir().map(|d| (d.join("ferry").join(FILE_NAME), false))
        );
    }

    #[test]
    fn the_password_is_never_shown() {
        let s = merged(Given::default(), Some(FULL));
        let report = s.report().to_string();
        assert!(!report.contains("s3cret"), "{report}");
        assert_eq!(s.report()["settings"]["turn.password"]["value"], MASK);
        assert_eq!(s.report()["file"], "/etc/ferry-test/config.toml");
        assert_eq!(s.report()["settings"]["receive.accept"]["value"], "all");
        let by_env = Given {
            turn_server: env("FERRY_TURN", "turn:x:1".into()),
            ..Given::default()
        };
        let report = merged(by_env, None).report();
        assert_eq!(report["file"], serde_json::Value::Null);
        assert_eq!(report["path"], "/etc/ferry-test/config.toml");
        assert_eq!(report["settings"]["turn.server"]["source"], "env");
        assert_eq!(report["settings"]["turn.server"]["env"], "FERRY_TURN");
        assert_eq!(report["settings"]["bootstrap"]["source"], "default");
    }

    #[test]
    fn a_password_file_takes_the_passwords_place_in_its_layer() {
        // In the file, relative to it; the password itself is read later, by `load`.
        let s = merged(
            Given::default(),
            Some("[turn]\npassword_file = \"turn.pass\""),
        );
        let file = s.turn_password_file.clone().expect("a password file");
        assert_eq!(file.value, Path::new("/etc/ferry-test/turn.pass"));
        assert_eq!(file.source, Source::File(path()));
        assert_eq!(s.turn_password.source, Source::File(path()));
        assert_eq!(
            s.report()["settings"]["turn.password_file"]["value"],
            "/etc/ferry-test/turn.pass"
        );
        // A flag's password file beats the file's password, and a flag's password its file.
        let by_flag = Given {
            turn_password_file: flag(PathBuf::from("p")),
            ..Given::default()
        };
        let s = merged(by_flag, Some(FULL));
        assert_eq!(
            s.turn_password_file.map(|f| f.value),
            Some(PathBuf::from("p"))
        );
        assert_eq!(s.turn_password.source, Source::Flag);
        let by_env = Given {
            turn_password: env("FERRY_TURN_PASSWORD", "e".into()),
            ..Given::default()
        };
        let s = merged(by_env, Some("[turn]\npassword_file = \"x\""));
        assert_eq!(
            (s.turn_password.value.as_str(), s.turn_password_file),
            ("e", None)
        );
        // Both in one layer is an error; across layers the higher one wins.
        let err = ConfigFile::parse("[turn]\npassword = \"a\"\npassword_file = \"b\"", &path())
            .unwrap_err();
        assert!(err.to_string().contains("password_file"), "{err}");
        assert!(one_password(flag("a".into()), flag(PathBuf::from("b"))).is_err());
        let (p, f) = one_password(
            env("FERRY_TURN_PASSWORD", "a".into()),
            flag(PathBuf::from("b")),
        )
        .unwrap();
        assert_eq!((p, f), (None, flag(PathBuf::from("b"))));
        assert_eq!(first_line("pw\r\nrest"), "pw");
        assert_eq!(first_line(""), "");
        assert!(readable_by_others(0o644) && readable_by_others(0o620));
        assert!(!readable_by_others(0o600) && !readable_by_others(0o400));
    }

    #[test]
    fn sources_read_as_doctor_shows_them() {
        assert_eq!(Source::Flag.to_string(), "flag");
        assert_eq!(
            Source::Env("FERRY_TURN".into()).to_string(),
            "env FERRY_TURN"
        );
        assert_eq!(
            Source::File(PathBuf::from("/a/config.toml")).to_string(),
            "file /a/config.toml"
        );
        assert_eq!(Source::Default.to_string(), "default");
    }

    fn given(args: &[&str]) -> Result<Given, ConfigError> {
        let matches = Cli::command()
            .try_get_matches_from(std::iter::once("ferry").chain(args.iter().copied()))
            .expect("valid command line");
        Given::from_matches(&matches)
    }

    #[test]
    fn flags_on_the_real_command_line_are_read_as_flags() {
        let g = given(&[
            "--home=/h",
            "--config=/c.toml",
            "--bootstrap=127.0.0.1:1,127.0.0.1:2",
            "--no-discovery",
            "--no-turn",
            "--turn=turn:127.0.0.1:3",
            "--turn-user=u",
            "--turn-password=p",
            "--turn-realm=r",
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
        assert_eq!(g.turn_enabled, flag(false));
        assert_eq!(g.turn_server, flag("turn:127.0.0.1:3".into()));
        assert_eq!(g.turn_user, flag("u".into()));
        assert_eq!(g.turn_password, flag("p".into()));
        assert_eq!(g.turn_realm, flag("r".into()));
        assert_eq!(g.dir, flag(PathBuf::from("d")));
        assert_eq!(g.accept, flag(Accept::All));
        assert_eq!(g.from, flag(vec!["a".into(), "b".into()]));
        let g = given(&["--turn-password-file=/run/pw", "doctor"]).unwrap();
        assert_eq!(g.turn_password_file, flag(PathBuf::from("/run/pw")));
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
