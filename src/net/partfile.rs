//! Where a received body goes before it is verified: a temporary file beside its destination
//! (`.NAME.KEY.ferry-part`), standard output, or a file inside a set's temporary directory.
//!
//! Writes happen on a thread of their own, fed blocks of [`WRITE_BUFFER_BYTES`] through a
//! bounded channel, so disk time overlaps with decryption and hashing instead of adding to
//! them; blocks are recycled, so memory stays flat whatever the file size. A part file is
//! removed when dropped unless it was kept (linked under its final name) or preserved for a
//! later resume (the connection broke: the verified-later prefix is worth keeping).

use crate::proto::name::numbered;
use anyhow::{anyhow, bail, Context, Result};
use sha3::{Digest as _, Sha3_256};
use std::collections::HashSet;
use std::io::{ErrorKind, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use tokio::sync::mpsc;

/// Size of the disk write blocks.
const WRITE_BUFFER_BYTES: usize = 1024 * 1024;
/// Highest `name (n).ext` tried before giving up.
const MAX_NAME_ATTEMPTS: u32 = 10_000;

/// The temporary file a body is written to; removed on drop unless kept or preserved.
pub struct PartFile {
    path: PathBuf,
    /// The body goes to standard output (`receive --stdout`), not to a file.
    to_stdout: bool,
    /// Left on disk when dropped (a resumable prefix, or a file inside a set's directory).
    preserved: bool,
    /// Releases the claim on a resumable name when dropped.
    claim: Option<Claim>,
    block: Vec<u8>,
    to_disk: Option<mpsc::Sender<Vec<u8>>>,
    recycled: std::sync::mpsc::Receiver<Vec<u8>>,
    writer: Option<std::thread::JoinHandle<std::io::Result<()>>>,
}

/// Blocks in flight between the network task and the disk thread.
const BLOCKS_IN_FLIGHT: usize = 4;

impl PartFile {
    /// A new file at `path`, which must not exist.
    pub fn create(path: &Path) -> Result<PartFile> {
        let file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(path)
            .with_context(|| format!("creating {}", path.display()))?;
        PartFile::start(path.to_path_buf(), false, file, |f| f.sync_all())
    }

    /// The part file of a resumable transfer, continuing after its first `have` bytes
    /// (anything beyond is cut off; 0 starts it over).
    pub fn resume(resumable: Resumable, have: u64) -> Result<PartFile> {
        let path = resumable.path.clone();
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .with_context(|| format!("opening {}", path.display()))?;
        file.set_len(have)?;
        file.seek(SeekFrom::Start(have))?;
        let mut part = PartFile::start(path, false, file, |f| f.sync_all())?;
        part.claim = Some(resumable.claim);
        Ok(part)
    }

    /// The body written to standard output as it arrives (verified only at the end).
    pub fn stdout() -> Result<PartFile> {
        PartFile::start(PathBuf::from("-"), true, std::io::stdout(), |out| {
            std::io::Write::flush(out)
        })
    }

    fn start<W: std::io::Write + Send + 'static>(
        path: PathBuf,
        to_stdout: bool,
        mut out: W,
        finish: fn(&mut W) -> std::io::Result<()>,
    ) -> Result<PartFile> {
        let (to_disk, mut blocks) = mpsc::channel::<Vec<u8>>(BLOCKS_IN_FLIGHT);
        let (give_back, recycled) = std::sync::mpsc::channel();
        let writer = std::thread::Builder::new()
            .name("ferry-disk".into())
            .spawn(move || -> std::io::Result<()> {
                while let Some(mut block) = blocks.blocking_recv() {
                    out.write_all(&block)?;
                    block.clear();
                    let _ = give_back.send(block);
                }
                finish(&mut out)
            })
            .context("starting the disk writer")?;
        Ok(PartFile {
            path,
            to_stdout,
            preserved: false,
            claim: None,
            block: Vec::with_capacity(WRITE_BUFFER_BYTES),
            to_disk: Some(to_disk),
            recycled,
            writer: Some(writer),
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// After a broken connection: write out what arrived and leave it for a later resume
    /// (the claim on its name is released only once it is complete on disk). A file that
    /// cannot resume is removed as usual.
    pub async fn preserve_if_resumable(mut self) {
        if self.claim.is_some() && self.flush_all().await.is_ok() {
            self.preserved = true;
        }
    }

    pub async fn write(&mut self, mut data: &[u8]) -> Result<()> {
        while !data.is_empty() {
            let room = WRITE_BUFFER_BYTES - self.block.len();
            let take = room.min(data.len());
            self.block.extend_from_slice(&data[..take]);
            data = &data[take..];
            if self.block.len() == WRITE_BUFFER_BYTES {
                self.flush_block().await?;
            }
        }
        Ok(())
    }

    async fn flush_block(&mut self) -> Result<()> {
        let next = self
            .recycled
            .try_recv()
            .unwrap_or_else(|_| Vec::with_capacity(WRITE_BUFFER_BYTES));
        let full = std::mem::replace(&mut self.block, next);
        let sender = self
            .to_disk
            .as_ref()
            .context("the file is already closed")?;
        if sender.send(full).await.is_err() {
            // The disk thread stopped: its error says why.
            return Err(self.finish_writer().await.err().unwrap_or_else(|| {
                anyhow!("the disk writer stopped for {}", self.path.display())
            }));
        }
        Ok(())
    }

    /// Close the channel and wait for the disk thread to write, sync and report.
    async fn finish_writer(&mut self) -> Result<()> {
        self.to_disk = None;
        let Some(writer) = self.writer.take() else {
            return Ok(());
        };
        let joined = tokio::task::spawn_blocking(move || writer.join())
            .await
            .context("waiting for the disk writer")?;
        match joined {
            Ok(Ok(())) => Ok(()),
            Ok(Err(err)) => Err(self.io_error(err)),
            Err(_) => bail!("the disk writer crashed for {}", self.path.display()),
        }
    }

    fn io_error(&self, err: std::io::Error) -> anyhow::Error {
        let what = if err.raw_os_error() == Some(28) {
            "the disk is full"
        } else {
            "cannot write"
        };
        anyhow!(err).context(format!("{what}: {}", self.path.display()))
    }

    /// Write the rest and sync; the file stays where it is (an entry inside a set's directory).
    pub async fn finish_in_place(mut self) -> Result<()> {
        self.flush_all().await?;
        self.preserved = true;
        Ok(())
    }

    async fn flush_all(&mut self) -> Result<()> {
        if !self.block.is_empty() {
            self.flush_block().await?;
        }
        self.finish_writer().await
    }

    /// Write the rest, sync, and link under the first free name in `dir`; the temporary
    /// name goes.
    pub async fn keep(mut self, dir: &Path, name: &str) -> Result<PathBuf> {
        self.flush_all().await?;
        if self.to_stdout {
            return Ok(self.path.clone());
        }
        let path = self.path.clone();
        let kept = move_to_free_name(&path, dir, name);
        if kept.is_ok() {
            self.preserved = true;
        }
        kept
    }
}

/// Move `from` (a file or a directory) into `dir` under `name`, or `name (n)` when taken;
/// nothing existing is ever replaced.
pub fn move_to_free_name(from: &Path, dir: &Path, name: &str) -> Result<PathBuf> {
    let is_dir = from.is_dir();
    for n in 0..MAX_NAME_ATTEMPTS {
        let candidate = if n == 0 {
            name.to_string()
        } else {
            numbered(name, n)
        };
        let target = dir.join(&candidate);
        if is_dir {
            // No exclusive rename for directories: renaming onto an empty directory would
            // replace it, so check first (the window is as small as it gets).
            if target.symlink_metadata().is_ok() {
                continue;
            }
            std::fs::rename(from, &target)
                .with_context(|| format!("renaming into {}", target.display()))?;
            return Ok(target);
        }
        match std::fs::hard_link(from, &target) {
            Ok(()) => {
                let _ = std::fs::remove_file(from);
                return Ok(target);
            }
            Err(e) if e.kind() == ErrorKind::AlreadyExists => continue,
            Err(_) if !target.exists() => {
                // Filesystems without hard links: a rename, after the existence check.
                std::fs::rename(from, &target)
                    .with_context(|| format!("renaming into {}", target.display()))?;
                return Ok(target);
            }
            Err(e) => return Err(e.into()),
        }
    }
    bail!("no free name for {name:?} in {}", dir.display())
}

impl Drop for PartFile {
    fn drop(&mut self) {
        // Every path that does not keep the file removes it; an error here leaves nothing
        // under a final name, only the hidden `.ferry-part`.
        if !self.to_stdout && !self.preserved {
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

/// Part files of resumable transfers currently being written by this process.
static CLAIMED: Mutex<Option<HashSet<PathBuf>>> = Mutex::new(None);

/// This process's exclusive use of a resumable part-file name, released on drop.
pub struct Claim(PathBuf);

impl Drop for Claim {
    fn drop(&mut self) {
        if let Some(set) = CLAIMED.lock().unwrap_or_else(|e| e.into_inner()).as_mut() {
            set.remove(&self.0);
        }
    }
}

/// A resumable part file found (or to be created) for an offer.
pub struct Resumable {
    pub path: PathBuf,
    /// Bytes already held (at most the offered size).
    pub have: u64,
    /// The hash state after those bytes.
    pub prefix: Sha3_256,
    claim: Claim,
}

impl Resumable {
    /// Claim `path` for one transfer and hash what it already holds, up to `size` bytes.
    /// `None` when another transfer of this process is writing it.
    pub fn open(path: PathBuf, size: u64) -> Result<Option<Resumable>> {
        {
            let mut claimed = CLAIMED.lock().unwrap_or_else(|e| e.into_inner());
            if !claimed
                .get_or_insert_with(HashSet::new)
                .insert(path.clone())
            {
                return Ok(None);
            }
        }
        let claim = Claim(path.clone());
        let (mut have, mut prefix) = (0, Sha3_256::new());
        match std::fs::File::open(&path) {
            Ok(file) => (have, prefix) = hash_prefix(file, size)?,
            Err(e) if e.kind() == ErrorKind::NotFound => {}
            Err(e) => return Err(anyhow!(e).context(format!("reading {}", path.display()))),
        }
        Ok(Some(Resumable {
            path,
            have,
            prefix,
            claim,
        }))
    }
}

/// Hash at most the first `limit` bytes of `source`: how many there were, and the hash state
/// after them (to compare, or to continue hashing from).
pub fn hash_prefix(source: impl Read, limit: u64) -> std::io::Result<(u64, Sha3_256)> {
    let mut hasher = Sha3_256::new();
    let mut reader = std::io::BufReader::with_capacity(1 << 20, source.take(limit));
    let read = std::io::copy(&mut reader, &mut hasher)?;
    Ok((read, hasher))
}

/// A set's temporary directory (`.NAME.ID.ferry-part/`): removed with its contents when
/// dropped, unless everything in it was moved to its final place.
pub struct PartDir {
    pub path: PathBuf,
}

impl PartDir {
    pub fn create(path: PathBuf) -> Result<PartDir> {
        std::fs::create_dir(&path).with_context(|| format!("creating {}", path.display()))?;
        Ok(PartDir { path })
    }
}

impl Drop for PartDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.path);
    }
}

/// How long an interrupted transfer's part file waits for its resume before `receive` removes
/// it.
pub const PART_MAX_AGE: std::time::Duration = std::time::Duration::from_secs(7 * 24 * 3600);

/// Remove the part files and part directories in `dir` (`.NAME.KEY.ferry-part`) untouched for
/// longer than `max_age`: resumes that never came. Returns how many went.
pub fn remove_stale(dir: &Path, max_age: std::time::Duration) -> usize {
    let Ok(listing) = std::fs::read_dir(dir) else {
        return 0;
    };
    let now = std::time::SystemTime::now();
    let mut removed = 0;
    for entry in listing.flatten() {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if !(name.starts_with('.') && name.ends_with(".ferry-part")) {
            continue;
        }
        let Ok(meta) = entry.path().symlink_metadata() else {
            continue;
        };
        let age = meta
            .modified()
            .ok()
            .and_then(|m| now.duration_since(m).ok())
            .unwrap_or_default();
        if age <= max_age {
            continue;
        }
        let gone = if meta.is_dir() {
            std::fs::remove_dir_all(entry.path())
        } else {
            std::fs::remove_file(entry.path())
        };
        if gone.is_ok() {
            removed += 1;
        }
    }
    removed
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_old_part_files_are_removed() {
        let dir = tempfile::tempdir().unwrap();
        let old = std::time::SystemTime::now() - PART_MAX_AGE - std::time::Duration::from_secs(60);
        for name in [".a.bin.1.ferry-part", "kept.bin", ".fresh.bin.2.ferry-part"] {
            std::fs::write(dir.path().join(name), b"x").unwrap();
        }
        std::fs::create_dir(dir.path().join(".set.3.ferry-part")).unwrap();
        for name in [".a.bin.1.ferry-part", "kept.bin"] {
            let f = std::fs::File::options()
                .write(true)
                .open(dir.path().join(name))
                .unwrap();
            f.set_modified(old).unwrap();
        }
        std::fs::File::open(dir.path().join(".set.3.ferry-part"))
            .unwrap()
            .set_modified(old)
            .unwrap();
        assert_eq!(remove_stale(dir.path(), PART_MAX_AGE), 2);
        let mut left: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        left.sort();
        assert_eq!(left, [".fresh.bin.2.ferry-part", "kept.bin"]);
    }
}
