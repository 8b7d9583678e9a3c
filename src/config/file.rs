//! The configuration file: its schema, and errors that name the file, the line and the column.
//! Knows TOML and serde, not clap; what a value in it means is [`super::merge`]'s business.
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

use super::{Accept, ConfigError};
use serde::Deserialize;
use std::path::{Path, PathBuf};

/// The file's name, in the home or in the platform configuration directory.
pub const FILE_NAME: &str = "config.toml";

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

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A file that sets every key but `password_file` and `ca`.
    pub(crate) const FULL: &str = r#"
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

    /// Where the test files are said to be.
    pub(crate) fn path() -> PathBuf {
        PathBuf::from("/etc/ferry-test/config.toml")
    }

    pub(crate) fn file(text: &str) -> ConfigFile {
        ConfigFile::parse(text, &path()).expect("valid file")
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
        let doc = include_str!("file.rs");
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
    fn a_password_and_a_password_file_in_one_file_is_an_error() {
        let (location, message, _) = invalid("[turn]\npassword = \"a\"\npassword_file = \"b\"");
        assert_eq!(location, None);
        assert!(message.contains("password_file"), "{message}");
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
}
