//! Contacts: short aliases for account or device ids, kept in `FERRY_HOME/contacts.json`
//! (mode 0600), usable wherever a `PEER` is expected (`--to`, `--from`).

use crate::identity::{Id, IdentityError};
use std::collections::BTreeMap;
use std::io::{self, Write};
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};

const FILE: &str = "contacts.json";

/// Why the contacts could not be read, changed or used. As with `ConnectError`, the text ends
/// with its cause and no variant has a `source`: it reads the same with `{}` and `{:#}`.
#[derive(Debug, thiserror::Error)]
pub enum ContactsError {
    /// The contacts file exists but could not be read.
    #[error("reading {}: {cause}", path.display())]
    Read { path: PathBuf, cause: io::Error },
    /// The contacts file is not the JSON object of aliases to ids ferry writes.
    #[error("{} is not a contacts file: {cause}", path.display())]
    NotAContactsFile {
        path: PathBuf,
        cause: serde_json::Error,
    },
    /// An id stored in the contacts file is not an id.
    #[error("{0}")]
    BadId(IdentityError),
    /// The contacts file could not be replaced (`path` is the file being written: the
    /// temporary file, or the home it goes into). The text is the cause alone, as before.
    #[error("{cause}")]
    Save { path: PathBuf, cause: io::Error },
    /// The contacts could not be written as JSON (serde's words).
    #[error("{0}")]
    Encode(serde_json::Error),
    /// `contacts add` with an alias that could be mistaken for an id or is not a short name.
    #[error("{0:?} cannot be an alias: use a short name without spaces that is not an id")]
    BadAlias(String),
    /// `contacts remove` of an alias that is not there.
    #[error("no contact named {0:?}")]
    NoSuchContact(String),
    /// A `PEER` that is neither an id nor an alias.
    #[error("{0:?} is neither an id (40 hex digits) nor a contact (`ferry contacts list`)")]
    UnknownPeer(String),
}

fn path(home: &Path) -> PathBuf {
    home.join(FILE)
}

/// Aliases and the ids they stand for.
pub fn load(home: &Path) -> Result<BTreeMap<String, Id>, ContactsError> {
    let path = path(home);
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(BTreeMap::new()),
        Err(cause) => return Err(ContactsError::Read { path, cause }),
    };
    let raw: BTreeMap<String, String> = match serde_json::from_str(&text) {
        Ok(raw) => raw,
        Err(cause) => return Err(ContactsError::NotAContactsFile { path, cause }),
    };
    raw.into_iter()
        .map(|(alias, id)| Ok((alias, id.parse().map_err(ContactsError::BadId)?)))
        .collect()
}

fn save(home: &Path, contacts: &BTreeMap<String, Id>) -> Result<(), ContactsError> {
    let saving = |path: &Path| {
        let path = path.to_path_buf();
        move |cause| ContactsError::Save { path, cause }
    };
    std::fs::create_dir_all(home).map_err(saving(home))?;
    let raw: BTreeMap<&String, String> =
        contacts.iter().map(|(a, id)| (a, id.to_string())).collect();
    let text = serde_json::to_string_pretty(&raw).map_err(ContactsError::Encode)?;
    let tmp = home.join(format!(".{FILE}.tmp"));
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(&tmp)
        .map_err(saving(&tmp))?;
    f.write_all(text.as_bytes()).map_err(saving(&tmp))?;
    f.sync_all().map_err(saving(&tmp))?;
    std::fs::rename(&tmp, path(home)).map_err(saving(&tmp))?;
    Ok(())
}

pub fn add(home: &Path, alias: &str, id: Id) -> Result<(), ContactsError> {
    if alias.is_empty()
        || alias.len() > 64
        || alias.parse::<Id>().is_ok()
        || alias.chars().any(char::is_whitespace)
    {
        return Err(ContactsError::BadAlias(alias.to_string()));
    }
    let mut contacts = load(home)?;
    contacts.insert(alias.to_string(), id);
    save(home, &contacts)
}

pub fn remove(home: &Path, alias: &str) -> Result<(), ContactsError> {
    let mut contacts = load(home)?;
    if contacts.remove(alias).is_none() {
        return Err(ContactsError::NoSuchContact(alias.to_string()));
    }
    save(home, &contacts)
}

/// A `PEER` as given on the command line: an id, or a contact's alias.
pub fn resolve(home: &Path, peer: &str) -> Result<Id, ContactsError> {
    if let Ok(id) = peer.parse() {
        return Ok(id);
    }
    load(home)?
        .get(peer)
        .copied()
        .ok_or_else(|| ContactsError::UnknownPeer(peer.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aliases_resolve_and_ids_pass_through() {
        let home = tempfile::tempdir().unwrap();
        let id: Id = "00112233445566778899aabbccddeeff00112233".parse().unwrap();
        add(home.path(), "bob", id).unwrap();
        assert_eq!(resolve(home.path(), "bob").unwrap(), id);
        assert_eq!(resolve(home.path(), &id.to_string()).unwrap(), id);
        assert!(resolve(home.path(), "carol").is_err());
        assert!(add(home.path(), "has space", id).is_err());
        remove(home.path(), "bob").unwrap();
        assert!(resolve(home.path(), "bob").is_err());
        assert!(remove(home.path(), "bob").is_err());
    }

    #[test]
    fn a_damaged_contacts_file_is_named_and_an_unknown_peer_says_what_to_do() {
        let home = tempfile::tempdir().unwrap();
        let file = home.path().join(FILE);
        std::fs::write(&file, "not json").unwrap();
        let err = load(home.path()).unwrap_err();
        assert!(
            matches!(err, ContactsError::NotAContactsFile { .. }),
            "{err:?}"
        );
        let said = err.to_string();
        assert!(
            said.starts_with(&format!("{} is not a contacts file: ", file.display())),
            "{said}"
        );
        // Under a caller's context, as `main` prints it: the cause once.
        assert_eq!(
            format!("{:#}", anyhow::Error::from(err).context("CODE")),
            format!("CODE: {said}")
        );
        std::fs::remove_file(&file).unwrap();
        assert_eq!(
            resolve(home.path(), "carol").unwrap_err().to_string(),
            "\"carol\" is neither an id (40 hex digits) nor a contact (`ferry contacts list`)"
        );
        assert_eq!(
            add(home.path(), "has space", Id([1; 20]))
                .unwrap_err()
                .to_string(),
            "\"has space\" cannot be an alias: use a short name without spaces that is not an id"
        );
        assert_eq!(
            remove(home.path(), "bob").unwrap_err().to_string(),
            "no contact named \"bob\""
        );
    }
}
