//! Contacts: short aliases for account or device ids, kept in `FERRY_HOME/contacts.json`
//! (mode 0600), usable wherever a `PEER` is expected (`--to`, `--from`).

use crate::identity::Id;
use anyhow::{bail, Context, Result};
use std::collections::BTreeMap;
use std::io::Write;
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};

const FILE: &str = "contacts.json";

fn path(home: &Path) -> PathBuf {
    home.join(FILE)
}

/// Aliases and the ids they stand for.
pub fn load(home: &Path) -> Result<BTreeMap<String, Id>> {
    let file = path(home);
    let text = match std::fs::read_to_string(&file) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(BTreeMap::new()),
        Err(e) => return Err(e).with_context(|| format!("reading {}", file.display())),
    };
    let raw: BTreeMap<String, String> = serde_json::from_str(&text)
        .with_context(|| format!("{} is not a contacts file", file.display()))?;
    raw.into_iter()
        .map(|(alias, id)| Ok((alias, id.parse()?)))
        .collect()
}

fn save(home: &Path, contacts: &BTreeMap<String, Id>) -> Result<()> {
    std::fs::create_dir_all(home)?;
    let raw: BTreeMap<&String, String> =
        contacts.iter().map(|(a, id)| (a, id.to_string())).collect();
    let tmp = home.join(format!(".{FILE}.tmp"));
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(&tmp)?;
    f.write_all(serde_json::to_string_pretty(&raw)?.as_bytes())?;
    f.sync_all()?;
    std::fs::rename(&tmp, path(home))?;
    Ok(())
}

pub fn add(home: &Path, alias: &str, id: Id) -> Result<()> {
    if alias.is_empty()
        || alias.len() > 64
        || alias.parse::<Id>().is_ok()
        || alias.chars().any(char::is_whitespace)
    {
        bail!("{alias:?} cannot be an alias: use a short name without spaces that is not an id");
    }
    let mut contacts = load(home)?;
    contacts.insert(alias.to_string(), id);
    save(home, &contacts)
}

pub fn remove(home: &Path, alias: &str) -> Result<()> {
    let mut contacts = load(home)?;
    if contacts.remove(alias).is_none() {
        bail!("no contact named {alias:?}");
    }
    save(home, &contacts)
}

/// A `PEER` as given on the command line: an id, or a contact's alias.
pub fn resolve(home: &Path, peer: &str) -> Result<Id> {
    if let Ok(id) = peer.parse() {
        return Ok(id);
    }
    load(home)?.get(peer).copied().with_context(|| {
        format!("{peer:?} is neither an id (40 hex digits) nor a contact (`ferry contacts list`)")
    })
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
}
