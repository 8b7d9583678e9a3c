//! Where every effective setting comes from.
//!
//! A setting takes the first value found in: a flag on the command line, its environment
//! variable, the configuration file, ferry's default. Each value keeps its [`Source`], so that
//! `ferry doctor` can say why a value is what it is. Three parts, each with one job:
//!
//! - [`cli`] is the one place that reads clap's matches: clap parses a flag, else its variable
//!   (with the parsers, help and error texts the CLI defines), and says which one gave a value;
//!   `cli` turns that into a [`Given`].
//! - [`file`] is the TOML file: its schema, and errors that name the file, line and column.
//! - [`merge`] is pure: [`Given`] + the file + a [`Host`] snapshot (the user's directories) →
//!   [`Settings`]. Every setting is declared once there, in one table row (key, flag, value in
//!   the file, default); the merge, the [`Given`] and [`Settings`] fields and what `doctor`
//!   shows all come from that row.
//!
//! [`load`] wires them: `cli::given` → [`merge::locate`] → [`ConfigFile::read`] →
//! [`Settings::merge`] → the TURN password file, if one won. The commands see the result
//! through one conversion, `session::Context::new`.

pub mod cli;
pub mod file;
pub mod merge;

pub use file::{ConfigFile, FILE_NAME};
pub use merge::{Flag, Given, Host, Layer, Settings, NO_BOOTSTRAP};

use serde::{Deserialize, Serialize};
use std::fmt;
use std::path::{Path, PathBuf};

/// What a password looks like wherever settings are shown.
pub const MASK: &str = "***";

/// Which offers `ferry receive` accepts (among the senders `from` allows).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Accept {
    /// Ask on the terminal; with no terminal, wait for `ferry accept`.
    Ask,
    /// Accept every offer.
    All,
}

/// A password: never shown, never logged.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Secret(pub String);

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(MASK)
    }
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

    /// The layer's rank: a flag over its variable over the file over the default.
    pub fn rank(&self) -> u8 {
        match self {
            Source::Flag => 3,
            Source::Env(_) => 2,
            Source::File(_) => 1,
            Source::Default => 0,
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

impl Host {
    /// This machine's directories, read once.
    pub fn current() -> Host {
        Host {
            home_dir: dirs::home_dir(),
            config_dir: dirs::config_dir(),
            default_home: crate::identity::default_home(),
            // The platform's download folder when there is one, else where the user is.
            download_dir: dirs::download_dir()
                .filter(|d| d.is_dir())
                .or_else(|| std::env::current_dir().ok())
                .unwrap_or_else(|| PathBuf::from(".")),
        }
    }
}

/// Read the command line, the environment and the configuration file (once).
pub fn load(matches: &clap::ArgMatches) -> Result<Settings, ConfigError> {
    let given = cli::given(matches)?;
    let host = Host::current();
    let (path, file) = match merge::locate(&given, &host) {
        Some((path, required)) => {
            let file = ConfigFile::read(&path, required)?;
            (Some(path), file)
        }
        None => (None, None),
    };
    let mut settings = Settings::merge(given, path, file, &host)?;
    match &settings.turn_password_file.value {
        Some(file) => settings.turn_password.value = Secret(read_password_file(file)?),
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

#[cfg(test)]
mod tests {
    use super::*;

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

    #[test]
    fn a_password_file_is_read_to_its_first_line_and_never_shown() {
        assert_eq!(first_line("pw\r\nrest"), "pw");
        assert_eq!(first_line(""), "");
        assert!(readable_by_others(0o644) && readable_by_others(0o620));
        assert!(!readable_by_others(0o600) && !readable_by_others(0o400));
        assert_eq!(format!("{:?}", Secret("s3cret".into())), MASK);
    }

    #[test]
    fn a_password_file_is_read_by_load_only() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("turn.pass");
        std::fs::write(&file, "from-file\nignored\n").unwrap();
        assert_eq!(read_password_file(&file).unwrap(), "from-file");
        let err = read_password_file(&dir.path().join("missing")).unwrap_err();
        assert!(matches!(err, ConfigError::PasswordFile { .. }), "{err:?}");
    }
}
