//! The merge, pure: what the command line gave ([`Given`]), the configuration file and a
//! snapshot of this machine's directories ([`Host`]) in; [`Settings`], each value with its
//! [`Source`], out. No clap, no environment, no file system here, so every precedence rule is
//! a unit test.
//!
//! Precedence: a flag, else its variable (clap reads a variable only when its flag is absent,
//! so [`Given`] holds whichever won), else the file, else the default. Two rules cross
//! settings: `bootstrap = ["none"]` means no node at all, and the TURN password and its
//! password file are one setting, where the higher layer wins.
//!
//! Every setting is one row of [`settings!`]: its field, type, key (as in the file and in
//! `ferry doctor`), flag, value in the file and default. The row makes the [`Given`] field, the
//! [`Settings`] field, the pick and the shown entry; what the type means (a path in the file is
//! relative to it, a password is masked) is the type's [`Kind`].

use super::file::{ConfigFile, FILE_NAME};
use super::{Accept, ConfigError, Secret, Setting, Source, MASK};
use crate::net::dht::DEFAULT_BOOTSTRAP;
use crate::net::turn;
use serde_json::{json, Value};
use std::path::{Path, PathBuf};

/// The bootstrap list `["none"]` means no node at all: LAN discovery only.
pub const NO_BOOTSTRAP: &str = "none";

/// Where a setting is on the command line: clap's id of its flag, and whether the flag says
/// the opposite of the setting (`--no-turn` for `turn.enabled`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Flag {
    pub id: &'static str,
    pub negated: bool,
}

impl Flag {
    const fn is(id: &'static str) -> Flag {
        Flag { id, negated: false }
    }

    const fn no(id: &'static str) -> Flag {
        Flag { id, negated: true }
    }
}

/// `--config` / `FERRY_CONFIG`: not a setting, but where the settings are.
const CONFIG: Flag = Flag::is("config");

/// The command line and its variables, as read by [`super::cli`]: `Some` when a flag or its
/// variable gave `id`, with which one did.
pub trait Layer {
    fn one<T: Clone + Send + Sync + 'static>(&self, id: &str) -> Option<Setting<T>>;
    fn many(&self, id: &str) -> Option<Setting<Vec<String>>>;
}

/// What the merge needs to know about this machine, read once by [`Host::current`] so that
/// the merge itself reads nothing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Host {
    /// The user's home directory, for `~/` in the file.
    pub home_dir: Option<PathBuf>,
    /// The platform configuration directory, where the file is without `--home`.
    pub config_dir: Option<PathBuf>,
    /// ferry's home when none is given.
    pub default_home: PathBuf,
    /// Where received files go by default: the download folder, else the working directory.
    pub download_dir: PathBuf,
}

/// A type a setting holds: how the command line gives it, what the file means by it, and
/// how it is shown (`None`: not shown).
pub trait Kind: Sized {
    fn given(layer: &impl Layer, flag: Flag) -> Option<Setting<Self>>;
    /// A value as written in the file at `base` (its directory).
    fn in_file(self, _base: Option<&Path>, _host: &Host) -> Self {
        self
    }
    fn shown(&self) -> Option<Value>;
}

impl Kind for String {
    fn given(layer: &impl Layer, flag: Flag) -> Option<Setting<Self>> {
        layer.one(flag.id)
    }
    fn shown(&self) -> Option<Value> {
        Some(json!(self))
    }
}

impl Kind for bool {
    fn given(layer: &impl Layer, flag: Flag) -> Option<Setting<Self>> {
        let given = layer.one::<bool>(flag.id)?;
        Some(Setting {
            value: given.value != flag.negated,
            ..given
        })
    }
    fn shown(&self) -> Option<Value> {
        Some(json!(self))
    }
}

impl Kind for Vec<String> {
    fn given(layer: &impl Layer, flag: Flag) -> Option<Setting<Self>> {
        layer.many(flag.id)
    }
    fn shown(&self) -> Option<Value> {
        Some(json!(self))
    }
}

impl Kind for Accept {
    fn given(layer: &impl Layer, flag: Flag) -> Option<Setting<Self>> {
        layer.one(flag.id)
    }
    fn shown(&self) -> Option<Value> {
        Some(json!(self))
    }
}

impl Kind for Secret {
    fn given(layer: &impl Layer, flag: Flag) -> Option<Setting<Self>> {
        let given = layer.one::<String>(flag.id)?;
        Some(Setting {
            value: Secret(given.value),
            source: given.source,
        })
    }
    fn shown(&self) -> Option<Value> {
        Some(json!(MASK))
    }
}

impl Kind for PathBuf {
    fn given(layer: &impl Layer, flag: Flag) -> Option<Setting<Self>> {
        layer.one(flag.id)
    }
    fn in_file(self, base: Option<&Path>, host: &Host) -> Self {
        in_file(&self, base, host)
    }
    fn shown(&self) -> Option<Value> {
        Some(json!(self.display().to_string()))
    }
}

/// A path that only some configurations name (a CA file, a password file).
impl Kind for Option<PathBuf> {
    fn given(layer: &impl Layer, flag: Flag) -> Option<Setting<Self>> {
        let given = PathBuf::given(layer, flag)?;
        Some(Setting {
            value: Some(given.value),
            source: given.source,
        })
    }
    fn in_file(self, base: Option<&Path>, host: &Host) -> Self {
        self.map(|path| in_file(&path, base, host))
    }
    fn shown(&self) -> Option<Value> {
        self.as_ref().and_then(PathBuf::shown)
    }
}

/// One setting as shown: its key as in the file, its value, its source.
pub type Entry<'a> = (&'static str, Value, &'a Source);

/// Declares every setting, one row each (see the module doc):
/// `field: Type = "key", flag, file |f| value in the file, default |host| value;`
macro_rules! settings {
    ($(
        $(#[doc = $doc:literal])*
        $field:ident: $ty:ty = $key:literal, $flag:expr,
            file $file:expr, default $default:expr;
    )*) => {
        /// What the command line gave for each setting: `Some` when its flag or its variable
        /// did (see [`Layer`]).
        #[derive(Debug, Default, Clone, PartialEq, Eq)]
        pub struct Given {
            /// `--config` / `FERRY_CONFIG`: the file to read, which must then exist.
            pub config: Option<Setting<PathBuf>>,
            $($(#[doc = $doc])* pub $field: Option<Setting<$ty>>,)*
        }

        /// Every flag the settings are read from.
        pub const FLAGS: &[Flag] = &[CONFIG, $($flag,)*];

        impl Given {
            /// Each setting's flag or variable, from `layer`.
            pub fn read(layer: &impl Layer) -> Given {
                Given {
                    config: PathBuf::given(layer, CONFIG),
                    $($field: <$ty as Kind>::given(layer, $flag),)*
                }
            }
        }

        /// Every setting that the configuration file can hold, with its source.
        #[derive(Debug, Clone, PartialEq, Eq)]
        pub struct Settings {
            /// Where the configuration file was looked for.
            pub path: Option<PathBuf>,
            /// Whether it was there and read.
            pub file_read: bool,
            $($(#[doc = $doc])* pub $field: Setting<$ty>,)*
        }

        impl Settings {
            /// Each setting from the highest layer that has it.
            fn pick_each(
                given: Given,
                path: Option<PathBuf>,
                file: Option<ConfigFile>,
                host: &Host,
            ) -> Settings {
                let file_read = file.is_some() && path.is_some();
                let at = path.clone().filter(|_| file_read);
                let base = at.as_deref().and_then(Path::parent);
                let file = file.unwrap_or_default();
                Settings {
                    $($field: {
                        let in_file: fn(&ConfigFile) -> Option<$ty> = $file;
                        let default: fn(&Host) -> $ty = $default;
                        pick(
                            given.$field,
                            in_file(&file).map(|value| value.in_file(base, host)),
                            at.as_deref(),
                            || default(host),
                        )
                    },)*
                    path,
                    file_read,
                }
            }

            /// Each setting as (key as in the file, value, source), in the file's order; the
            /// password is always [`MASK`], a path nobody named is left out.
            pub fn entries(&self) -> Vec<Entry<'_>> {
                let mut entries = Vec::new();
                $(if let Some(value) = self.$field.value.shown() {
                    entries.push(($key, value, &self.$field.source));
                })*
                entries
            }
        }
    };
}

settings! {
    /// Where this device's keys and state live.
    home: PathBuf = "home", Flag::is("home"),
        file |_| None, default |host| host.default_home.clone();
    /// DHT nodes to join through; empty: LAN discovery only.
    bootstrap: Vec<String> = "bootstrap", Flag::is("bootstrap"),
        file |f| f.bootstrap.clone(), default |_| vec![DEFAULT_BOOTSTRAP.to_string()];
    /// OpenDHT multicast discovery on the LAN.
    discovery: bool = "discovery", Flag::no("no_discovery"),
        file |f| f.discovery, default |_| true;
    /// `off`, a proxy URL, `auto` or `auto:URL`.
    dht_proxy: String = "dht.proxy", Flag::is("dht_proxy"),
        file |f| f.dht.proxy.clone(), default |_| "off".into();
    turn_enabled: bool = "turn.enabled", Flag::no("no_turn"),
        file |f| f.turn.enabled, default |_| true;
    turn_server: String = "turn.server", Flag::is("turn"),
        file |f| f.turn.server.clone(), default |_| turn::DEFAULT_SERVER.into();
    turn_user: String = "turn.user", Flag::is("turn_user"),
        file |f| f.turn.user.clone(), default |_| turn::DEFAULT_USER.into();
    /// Read from `turn_password_file` by [`super::load`] when that won.
    turn_password: Secret = "turn.password", Flag::is("turn_password"),
        file |f| f.turn.password.clone().map(Secret),
        default |_| Secret(turn::DEFAULT_PASSWORD.into());
    /// The file the password is read from, when one was named and won.
    turn_password_file: Option<PathBuf> = "turn.password_file", Flag::is("turn_password_file"),
        file |f| f.turn.password_file.clone().map(Some), default |_| None;
    turn_realm: String = "turn.realm", Flag::is("turn_realm"),
        file |f| f.turn.realm.clone(), default |_| turn::DEFAULT_REALM.into();
    /// Trusted for a `turns:` server besides the public roots, when one was named.
    turn_ca: Option<PathBuf> = "turn.ca", Flag::is("turn_ca"),
        file |f| f.turn.ca.clone().map(Some), default |_| None;
    /// Where `ferry receive` saves files.
    dir: PathBuf = "receive.dir", Flag::is("dir"),
        file |f| f.receive.dir.clone(), default |host| host.download_dir.clone();
    accept: Accept = "receive.accept", Flag::is("accept"),
        file |f| f.receive.accept, default |_| Accept::Ask;
    /// Senders `ferry receive` accepts offers from; empty: anyone.
    from: Vec<String> = "receive.from", Flag::is("from"),
        file |f| f.receive.from.clone(), default |_| Vec::new();
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

/// The configuration file to read, and whether it must exist (named by `--config` /
/// `FERRY_CONFIG`): else `config.toml` in the home given, else in the platform
/// configuration directory. `None`: no such directory, so no file.
pub fn locate(given: &Given, host: &Host) -> Option<(PathBuf, bool)> {
    match (&given.config, &given.home) {
        (Some(config), _) => Some((config.value.clone(), true)),
        (None, Some(home)) => Some((home.value.join(FILE_NAME), false)),
        (None, None) => {
            (host.config_dir.as_ref()).map(|dir| (dir.join("ferry").join(FILE_NAME), false))
        }
    }
}

impl Settings {
    /// Merge the layers: flag > environment > file (`file` read at `path`) > default.
    pub fn merge(
        given: Given,
        path: Option<PathBuf>,
        file: Option<ConfigFile>,
        host: &Host,
    ) -> Result<Settings, ConfigError> {
        let mut settings = Settings::pick_each(given, path, file, host);
        if settings.bootstrap.value == [NO_BOOTSTRAP] {
            settings.bootstrap.value.clear();
        }
        settings.one_password()?;
        Ok(settings)
    }

    /// The password and the password file are one setting: the higher layer's wins (the
    /// password then waits for [`super::load`] to read its file). Both from one layer is
    /// an error (from the file: [`ConfigFile::parse`] says so).
    fn one_password(&mut self) -> Result<(), ConfigError> {
        let (password, file) = (&self.turn_password, &self.turn_password_file);
        if file.value.is_none() {
            return Ok(());
        }
        match file.source.rank().cmp(&password.source.rank()) {
            std::cmp::Ordering::Greater => {
                self.turn_password = Setting {
                    value: Secret::default(),
                    source: file.source.clone(),
                }
            }
            std::cmp::Ordering::Less => {
                self.turn_password_file = Setting {
                    value: None,
                    source: Source::Default,
                }
            }
            std::cmp::Ordering::Equal => {
                return Err(ConfigError::Usage(format!(
                    "the TURN password is given twice ({} and {}): give the password or the \
                     password file",
                    password.source, file.source
                )))
            }
        }
        Ok(())
    }

    /// The TURN server to use, unless turned off.
    pub fn turn(&self) -> Option<turn::TurnConfig> {
        self.turn_enabled.value.then(|| turn::TurnConfig {
            server: self.turn_server.value.clone(),
            username: self.turn_user.value.clone(),
            password: self.turn_password.value.0.clone(),
            realm: self.turn_realm.value.clone(),
            ca: self.turn_ca.value.clone(),
        })
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

/// A path written in the file: `~` and `~/...` start at the user's home directory, relative
/// paths at the file's directory.
fn in_file(path: &Path, base: Option<&Path>, host: &Host) -> PathBuf {
    if let Ok(rest) = path.strip_prefix("~") {
        if let Some(home) = &host.home_dir {
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
    use super::super::file::tests::{file, path, FULL};
    use super::*;
    use std::fmt;

    /// A machine where every directory is known and nothing is read.
    fn host() -> Host {
        Host {
            home_dir: Some(PathBuf::from("/home/test")),
            config_dir: Some(PathBuf::from("/home/test/.config")),
            default_home: PathBuf::from("/home/test/.config/ferry"),
            download_dir: PathBuf::from("/home/test/Downloads"),
        }
    }

    fn try_merged(given: Given, text: Option<&str>) -> Result<Settings, ConfigError> {
        Settings::merge(given, Some(path()), text.map(file), &host())
    }

    fn merged(given: Given, text: Option<&str>) -> Settings {
        try_merged(given, text).expect("the layers merge")
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
        // A file that was not read (no such file) gives nothing.
        let mut g = Given::default();
        set(&mut g, None);
        let unread = Settings::merge(g, Some(path()), None, &host()).unwrap();
        assert_eq!(get(&unread).source, Source::Default);
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
    fn turn_server_user_and_realm_flag_env_file_default() {
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
        precedence(
            |s| s.turn_user.clone(),
            |g, l| g.turn_user = l,
            "[turn]\nuser = \"alice\"",
            ("u1".to_string(), "u2".to_string(), "alice".to_string()),
            "FERRY_TURN_USER",
        );
        precedence(
            |s| s.turn_realm.clone(),
            |g, l| g.turn_realm = l,
            "[turn]\nrealm = \"example\"",
            ("r1".to_string(), "r2".to_string(), "example".to_string()),
            "FERRY_TURN_REALM",
        );
    }

    #[test]
    fn switches_flag_env_file_default() {
        precedence(
            |s| s.discovery.clone(),
            |g, l| g.discovery = l,
            "discovery = false",
            (true, true, false),
            "FERRY_NO_DISCOVERY",
        );
        precedence(
            |s| s.turn_enabled.clone(),
            |g, l| g.turn_enabled = l,
            "[turn]\nenabled = false",
            (true, true, false),
            "FERRY_NO_TURN",
        );
    }

    #[test]
    fn the_password_and_the_ca_flag_env_file_default() {
        precedence(
            |s| s.turn_password.clone(),
            |g, l| g.turn_password = l,
            "[turn]\npassword = \"s3cret\"",
            (
                Secret("p1".into()),
                Secret("p2".into()),
                Secret("s3cret".into()),
            ),
            "FERRY_TURN_PASSWORD",
        );
        precedence(
            |s| s.turn_ca.clone(),
            |g, l| g.turn_ca = l,
            "[turn]\nca = \"/etc/ca.pem\"",
            (
                Some(PathBuf::from("f.pem")),
                Some(PathBuf::from("/e.pem")),
                Some(PathBuf::from("/etc/ca.pem")),
            ),
            "FERRY_TURN_CA",
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
        assert_eq!(
            merged(Given::default(), None).dir.value,
            host().download_dir
        );
    }

    #[test]
    fn accept_and_from_flag_env_file_default() {
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
        precedence(
            |s| s.from.clone(),
            |g, l| g.from = l,
            "[receive]\nfrom = [\"bob\"]",
            (
                vec!["a".into()],
                vec!["b".into(), "c".into()],
                vec!["bob".into()],
            ),
            "FERRY_FROM",
        );
    }

    #[test]
    fn the_home_is_never_in_the_file() {
        let s = merged(Given::default(), Some(FULL));
        assert_eq!(
            (s.home.value, s.home.source),
            (host().default_home, Source::Default)
        );
        let given = Given {
            home: env("FERRY_HOME", PathBuf::from("/h")),
            ..Given::default()
        };
        assert_eq!(merged(given, Some(FULL)).home.value, Path::new("/h"));
    }

    #[test]
    fn the_whole_file_and_turn_follow_the_same_rule() {
        let s = merged(Given::default(), Some(FULL));
        assert!(!s.discovery.value && !s.turn_enabled.value);
        assert!(s.turn().is_none());
        assert_eq!(
            (
                &*s.turn_user.value,
                &*s.turn_password.value.0,
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
        let s = merged(Given::default(), Some("[receive]\ndir = \"~/inbox\""));
        assert_eq!(s.dir.value, Path::new("/home/test/inbox"));
        let s = merged(Given::default(), Some("[turn]\nca = \"ca.pem\""));
        assert_eq!(
            s.turn_ca.value.as_deref(),
            Some(Path::new("/etc/ferry-test/ca.pem"))
        );
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
        assert_eq!(
            locate(&given, &host()),
            Some((PathBuf::from("/h/config.toml"), false))
        );
        let named = Given {
            config: flag(PathBuf::from("/c.toml")),
            ..given
        };
        assert_eq!(
            locate(&named, &host()),
            Some((PathBuf::from("/c.toml"), true))
        );
        assert_eq!(
            locate(&Given::default(), &host()),
            Some((PathBuf::from("/home/test/.config/ferry/config.toml"), false))
        );
        let no_dirs = Host {
            config_dir: None,
            ..host()
        };
        assert_eq!(locate(&Given::default(), &no_dirs), None);
    }

    #[test]
    fn the_password_is_never_shown() {
        let s = merged(Given::default(), Some(FULL));
        let report = s.report().to_string();
        assert!(!report.contains("s3cret"), "{report}");
        assert!(!format!("{s:?}").contains("s3cret"), "not in logs either");
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
    fn entries_come_in_the_files_order_and_leave_out_paths_nobody_named() {
        let keys = |s: &Settings| s.entries().iter().map(|e| e.0).collect::<Vec<_>>();
        assert_eq!(
            keys(&merged(Given::default(), None)),
            [
                "home",
                "bootstrap",
                "discovery",
                "dht.proxy",
                "turn.enabled",
                "turn.server",
                "turn.user",
                "turn.password",
                "turn.realm",
                "receive.dir",
                "receive.accept",
                "receive.from",
            ]
        );
        let named = merged(
            Given::default(),
            Some("[turn]\npassword_file = \"p\"\nca = \"c\""),
        );
        let keys = keys(&named);
        assert_eq!(
            keys[7..11],
            [
                "turn.password",
                "turn.password_file",
                "turn.realm",
                "turn.ca"
            ]
        );
    }

    #[test]
    fn a_password_file_takes_the_passwords_place_in_its_layer() {
        // In the file, relative to it; the password itself is read later, by `load`.
        let s = merged(
            Given::default(),
            Some("[turn]\npassword_file = \"turn.pass\""),
        );
        let file = s.turn_password_file.clone();
        assert_eq!(
            file.value.as_deref(),
            Some(Path::new("/etc/ferry-test/turn.pass"))
        );
        assert_eq!(file.source, Source::File(path()));
        assert_eq!(s.turn_password.source, Source::File(path()));
        assert_eq!(
            s.report()["settings"]["turn.password_file"]["value"],
            "/etc/ferry-test/turn.pass"
        );
        // A flag's password file beats the file's password, and a flag's password its file.
        let by_flag = Given {
            turn_password_file: flag(Some(PathBuf::from("p"))),
            ..Given::default()
        };
        let s = merged(by_flag, Some(FULL));
        assert_eq!(s.turn_password_file.value, Some(PathBuf::from("p")));
        assert_eq!(s.turn_password.source, Source::Flag);
        let by_env = Given {
            turn_password: env("FERRY_TURN_PASSWORD", Secret("e".into())),
            ..Given::default()
        };
        let s = merged(by_env, Some("[turn]\npassword_file = \"x\""));
        assert_eq!(
            (s.turn_password.value.0.as_str(), s.turn_password_file.value),
            ("e", None)
        );
        // A flag over a variable, whichever of the two each one gives.
        let flag_password = Given {
            turn_password: flag(Secret("a".into())),
            turn_password_file: env("FERRY_TURN_PASSWORD_FILE", Some(PathBuf::from("b"))),
            ..Given::default()
        };
        let s = merged(flag_password, None);
        assert_eq!(
            (s.turn_password.value.0.as_str(), s.turn_password_file.value),
            ("a", None)
        );
        let flag_file = Given {
            turn_password: env("FERRY_TURN_PASSWORD", Secret("a".into())),
            turn_password_file: flag(Some(PathBuf::from("b"))),
            ..Given::default()
        };
        let s = merged(flag_file, None);
        assert_eq!(
            s.turn_password_file,
            flag(Some(PathBuf::from("b"))).unwrap()
        );
        assert_eq!(s.turn_password.source, Source::Flag);
        // Both from one layer is an error.
        let both = Given {
            turn_password: flag(Secret("a".into())),
            turn_password_file: flag(Some(PathBuf::from("b"))),
            ..Given::default()
        };
        let err = try_merged(both, None).unwrap_err();
        assert_eq!(
            err.to_string(),
            "the TURN password is given twice (flag and flag): give the password or the \
             password file"
        );
    }

    #[test]
    fn a_bad_value_in_the_file_names_the_file_line_and_column() {
        // What `load` does, without the disk: parse, then merge.
        let err = ConfigFile::parse("discovery = true\n[receive]\naccept = \"maybe\"\n", &path())
            .unwrap_err();
        let shown = err.to_string();
        assert!(
            shown.starts_with("configuration file /etc/ferry-test/config.toml:3:10: "),
            "{shown}"
        );
        assert!(shown.contains("maybe"), "{shown}");
        let err = ConfigFile::parse("[turn]\nrelam = \"x\"\n", &path()).unwrap_err();
        assert!(
            err.to_string().starts_with(
                "configuration file /etc/ferry-test/config.toml:2:1: unknown field `relam`"
            ),
            "{err}"
        );
    }

    /// A command line kept in a map: what `cli` would read from clap.
    #[derive(Default)]
    struct Map(std::collections::HashMap<&'static str, (Source, Box<dyn std::any::Any>)>);

    impl Map {
        fn with<T: 'static>(mut self, id: &'static str, source: Source, value: T) -> Map {
            self.0.insert(id, (source, Box::new(value)));
            self
        }
    }

    impl Layer for Map {
        fn one<T: Clone + Send + Sync + 'static>(&self, id: &str) -> Option<Setting<T>> {
            let (source, value) = self.0.get(id)?;
            Some(Setting {
                value: value.downcast_ref::<T>()?.clone(),
                source: source.clone(),
            })
        }
        fn many(&self, id: &str) -> Option<Setting<Vec<String>>> {
            self.one(id)
        }
    }

    #[test]
    fn each_row_reads_its_own_flag_and_a_no_flag_says_the_opposite() {
        let layer = Map::default()
            .with("no_turn", Source::Flag, true)
            .with(
                "no_discovery",
                Source::Env("FERRY_NO_DISCOVERY".into()),
                false,
            )
            .with("turn", Source::Flag, String::from("turn:127.0.0.1:1"))
            .with("turn_password", Source::Flag, String::from("pw"))
            .with("turn_ca", Source::Flag, PathBuf::from("ca.pem"))
            .with("dir", Source::Flag, PathBuf::from("d"))
            .with("accept", Source::Flag, Accept::All)
            .with("from", Source::Flag, vec![String::from("bob")])
            .with("config", Source::Flag, PathBuf::from("c.toml"));
        let given = Given::read(&layer);
        assert_eq!(given.turn_enabled, flag(false));
        assert_eq!(given.discovery, env("FERRY_NO_DISCOVERY", true));
        assert_eq!(given.turn_server, flag("turn:127.0.0.1:1".into()));
        assert_eq!(given.turn_password, flag(Secret("pw".into())));
        assert_eq!(given.turn_ca, flag(Some(PathBuf::from("ca.pem"))));
        assert_eq!(given.dir, flag(PathBuf::from("d")));
        assert_eq!(given.accept, flag(Accept::All));
        assert_eq!(given.from, flag(vec!["bob".into()]));
        assert_eq!(given.config, flag(PathBuf::from("c.toml")));
        assert_eq!(
            (given.home, given.bootstrap, given.turn_user),
            (None, None, None)
        );
        // Every flag is named once.
        let mut ids: Vec<_> = FLAGS.iter().map(|f| f.id).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), FLAGS.len());
    }
}
