//! Where a received body goes before it is verified: a part file in the receive directory's
//! private `.ferry-parts/` directory, standard output, or a file inside a set's temporary
//! directory (itself inside `.ferry-parts/`).
//!
//! The receive directory may be shared (a group's inbox, `/tmp`), so nothing in it is trusted:
//! part files live in [`PARTS_DIR`], created mode 0700 and refused when it is a symbolic link,
//! not a directory, not ours, or writable by group or others. Inside it, names come in
//! separate namespaces: `resume-KEY.part` for resumable transfers (KEY from the sender's
//! account, the offered name and size, so that the next offer of the same file finds it),
//! `once-RANDOM.part` and `set-RANDOM/` for everything else (never named by a value the sender
//! chose). Every file is created with `O_CREAT|O_EXCL|O_NOFOLLOW`, mode 0600; a resume opens its
//! file with `O_NOFOLLOW` and uses it only when `fstat` says it is a regular file of ours with
//! one link. An in-process claim set keeps two transfers from ever holding one part file, and a
//! kept file is never reopened: its writer is finished and it is linked under its final name
//! before the sender hears `OK`.
//!
//! Writes happen on a thread of their own, fed blocks of [`WRITE_BUFFER_BYTES`] through a
//! bounded channel, so disk time overlaps with decryption and hashing instead of adding to
//! them; blocks are recycled, so memory stays flat whatever the file size. A part file's whole
//! pages are written with `O_DIRECT` where the file system allows it (and buffered where it
//! does not: the tail, an unaligned resume point, a file system that refuses it): copying a
//! large file into the page cache cost the receiver as much CPU as hashing it (37% of its
//! samples under `perf`, on the reference machine), and the final sync then has nothing left
//! to write back. The files of a set
//! share one such thread for the whole set ([`SetWriter`]), written the same way (aligned,
//! recycled blocks, whole pages direct: a large file in a set costs what it costs alone), are
//! not synced one by one, and the
//! set is synced once before it is moved into place ([`PartDir::sync`]). A part file is
//! removed when dropped unless it was kept (linked under its final name) or preserved for a
//! later resume (the connection broke: the verified-later prefix is worth keeping).
//!
//! A verified file gets the permission bits the sender gave, less this user's umask (as `tar`
//! does for ordinary users: a sender cannot make a file writable by others here; without bits,
//! those of any new file of this user) and its modification time, set on the part file before it is
//! linked under its final name ([`Hints`]).

use crate::proto::name::numbered;
use crate::proto::sha3::{Digest as _, Sha3_256};
use crate::proto::transfer::Mtime;
use std::collections::{HashMap, HashSet};
use std::fs::{File, FileTimes, OpenOptions};
use std::io::{ErrorKind, Read, Seek, SeekFrom};
use std::os::unix::fs::{DirBuilderExt, MetadataExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use tokio::sync::mpsc;

/// Size of the disk write blocks: large enough for direct writes to keep up with any network
/// (about 700 MB/s with 256 KiB blocks on the reference machine's disk), small enough that
/// [`BLOCKS_IN_FLIGHT`] + 2 of them keep a reception under 1 MiB (a set's writer queues up to
/// [`SET_OPS_IN_FLIGHT`] operations, so a set's blocks stay under 17 MiB).
const WRITE_BUFFER_BYTES: usize = 256 * 1024;
/// Alignment of direct (`O_DIRECT`) writes: of the buffer's address, the file offset and the
/// length (4096 covers both 512-byte and 4 KiB logical blocks).
const DIRECT_ALIGN: usize = 4096;
/// Highest `name (n).ext` tried before giving up.
const MAX_NAME_ATTEMPTS: u32 = 10_000;
/// The private directory, inside the receive directory, that holds every part file.
pub const PARTS_DIR: &str = ".ferry-parts";
/// Random names tried for a one-shot part file before giving up (64 random bits each: a
/// collision means something else is creating names there).
const RANDOM_NAME_ATTEMPTS: u32 = 16;
/// Flags for every part file opened: never through a symbolic link, never a controlling
/// terminal, never blocking on a FIFO (meaningless for the regular files we accept).
const OPEN_FLAGS: i32 = libc::O_NOFOLLOW | libc::O_CLOEXEC | libc::O_NONBLOCK | libc::O_NOCTTY;

/// Part files of this process in one receive directory ([`PARTS_DIR`], checked): removed
/// when the last user goes, if empty by then (a resumable prefix keeps it).
///
/// The directory is checked on its open descriptor and reached through it afterwards
/// (`/proc/self/fd/N`), so that renaming `.ferry-parts` away and planting a link in its place
/// after the check redirects nothing.
pub struct Parts {
    /// `DIR/.ferry-parts` as named in messages (and removed by, when empty).
    shown: PathBuf,
    /// The checked directory, through its descriptor (or by name where `/proc` is missing).
    path: PathBuf,
    _dir: File,
}

/// How many [`Parts`] of this process use each private directory (so that one removing it
/// when done never pulls it from under another).
static PARTS_USERS: Mutex<Option<HashMap<PathBuf, usize>>> = Mutex::new(None);

impl Parts {
    /// The private part-file directory of receive directory `dir`, created (0700) if missing;
    /// an error if it exists but is not safe to use: a symbolic link, not a directory, not
    /// ours, or writable by group or others.
    pub fn open(dir: &Path) -> Result<Arc<Parts>, PartError> {
        let shown = dir.join(PARTS_DIR);
        let mut users = PARTS_USERS.lock().unwrap_or_else(|e| e.into_inner());
        match std::fs::DirBuilder::new().mode(0o700).create(&shown) {
            Ok(()) => {}
            Err(e) if e.kind() == ErrorKind::AlreadyExists => {}
            Err(e) => return Err(PartError::io("creating", &shown, e)),
        }
        let (dir, path) = open_private(&shown)?;
        *users
            .get_or_insert_with(HashMap::new)
            .entry(shown.clone())
            .or_default() += 1;
        Ok(Arc::new(Parts {
            shown,
            path,
            _dir: dir,
        }))
    }

    /// The directory, to build the paths of its entries (valid while this lives).
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// A name in the one-shot namespace nobody chose: `PREFIX-RANDOM` + `suffix`.
    fn random_name(&self, prefix: &str, suffix: &str) -> String {
        format!("{prefix}-{:016x}{suffix}", rand::random::<u64>())
    }
}

impl Drop for Parts {
    fn drop(&mut self) {
        let mut users = PARTS_USERS.lock().unwrap_or_else(|e| e.into_inner());
        let Some(map) = users.as_mut() else { return };
        let Some(count) = map.get_mut(&self.shown) else {
            return;
        };
        *count -= 1;
        if *count == 0 {
            map.remove(&self.shown);
            // Fails (and stays) while it holds anything, such as a resumable prefix; a link
            // planted in its place is not a directory and stays too.
            let _ = std::fs::remove_dir(&self.shown);
        }
    }
}

/// Open `path` as a private directory: never through a symbolic link, then checked on the
/// descriptor (a directory, ours, not writable by group or others). The descriptor, and the
/// path that reaches the directory through it.
fn open_private(path: &Path) -> Result<(File, PathBuf), PartError> {
    let refuse = |why: &'static str| PartError::Unsafe {
        path: path.to_path_buf(),
        why,
    };
    let opened = OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_DIRECTORY | libc::O_NOFOLLOW | libc::O_CLOEXEC)
        .open(path);
    let dir = match opened {
        Ok(dir) => dir,
        // A link gives ELOOP or ENOTDIR (O_DIRECTORY is checked first): tell them apart.
        Err(e) if matches!(e.raw_os_error(), Some(libc::ELOOP | libc::ENOTDIR)) => {
            let link = path
                .symlink_metadata()
                .is_ok_and(|m| m.file_type().is_symlink());
            return Err(refuse(if link {
                "it is a symbolic link"
            } else {
                "it is not a directory"
            }));
        }
        Err(e) => return Err(PartError::io("opening", path, e)),
    };
    let meta = dir
        .metadata()
        .map_err(|e| PartError::io("reading", path, e))?;
    if meta.uid() != effective_uid() {
        return Err(refuse("it belongs to another user"));
    }
    if meta.permissions().mode() & 0o022 != 0 {
        return Err(refuse("group or others may write to it"));
    }
    use std::os::fd::AsRawFd;
    let via = PathBuf::from(format!("/proc/self/fd/{}", dir.as_raw_fd()));
    let same = via
        .metadata()
        .is_ok_and(|m| m.dev() == meta.dev() && m.ino() == meta.ino());
    let reach = if same { via } else { path.to_path_buf() };
    Ok((dir, reach))
}

fn effective_uid() -> u32 {
    // SAFETY: geteuid has no preconditions and cannot fail.
    unsafe { libc::geteuid() }
}

/// A new part file at `path` (which must not exist, not even as a symbolic link), mode 0600,
/// open for reading and writing.
fn create_exclusive(path: &Path) -> std::io::Result<File> {
    OpenOptions::new()
        .read(true)
        .write(true)
        .create_new(true)
        .mode(0o600)
        .custom_flags(OPEN_FLAGS)
        .open(path)
}

/// What the sender said about a file besides its bytes (`Ferry-Mode`, `Ferry-Mtime`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Hints {
    /// Permission bits; only `0o777` is ever applied.
    pub mode: Option<u32>,
    pub mtime: Option<Mtime>,
}

impl Hints {
    pub fn of(header: &crate::proto::transfer::Header) -> Hints {
        Hints {
            mode: header.mode,
            mtime: header.mtime,
        }
    }
}

/// Set the modification time of the directory `path` (not through a symbolic link).
pub fn set_dir_mtime(path: &Path, mtime: Mtime) -> Result<(), PartError> {
    let dir = OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_DIRECTORY | libc::O_NOFOLLOW | libc::O_CLOEXEC)
        .open(path)
        .map_err(|e| PartError::io("opening", path, e))?;
    dir.set_times(FileTimes::new().set_modified(mtime.to_system_time()))
        .map_err(|e| PartError::io("setting the time of", path, e))
}

/// The temporary file a body is written to; removed on drop unless kept or preserved.
pub struct PartFile {
    /// Where it is written, for every operation on it.
    path: PathBuf,
    /// How messages name it.
    shown: PathBuf,
    /// The body goes to standard output (`receive --stdout`), not to a file.
    to_stdout: bool,
    /// Left on disk when dropped (a resumable prefix, or a file inside a set's directory).
    preserved: bool,
    /// Whether this part file may be preserved for a later resume.
    resumable: bool,
    /// This transfer's exclusive use of the part file's name, released on drop.
    _claim: Option<Claim>,
    /// The private directory it lives in (dropped after the file is removed).
    _parts: Option<Arc<Parts>>,
    block: Block,
    /// Bytes the block being filled takes: the first one ends on a [`DIRECT_ALIGN`] boundary
    /// of the file (a resume may start anywhere), the others are [`WRITE_BUFFER_BYTES`].
    block_limit: usize,
    to_disk: Option<mpsc::Sender<Block>>,
    recycled: std::sync::mpsc::Receiver<Block>,
    writer: Option<std::thread::JoinHandle<std::io::Result<()>>>,
}

/// Blocks queued between the network task and the disk thread (besides the one being filled
/// and the one being written).
const BLOCKS_IN_FLIGHT: usize = 1;

/// A disk write block whose data starts at a [`DIRECT_ALIGN`]ed address.
struct Block {
    buf: Vec<u8>,
    start: usize,
    len: usize,
}

impl Block {
    fn new() -> Block {
        // Zeroed by the allocator (fresh pages): untouched memory until written.
        let buf = vec![0u8; WRITE_BUFFER_BYTES + DIRECT_ALIGN];
        let start = buf.as_ptr().align_offset(DIRECT_ALIGN).min(DIRECT_ALIGN);
        Block { buf, start, len: 0 }
    }

    fn data(&self) -> &[u8] {
        &self.buf[self.start..self.start + self.len]
    }

    /// Copy what fits of `data` (up to `limit` bytes in the block): how much was taken.
    fn fill(&mut self, data: &[u8], limit: usize) -> usize {
        let take = limit.saturating_sub(self.len).min(data.len());
        let at = self.start + self.len;
        self.buf[at..at + take].copy_from_slice(&data[..take]);
        self.len += take;
        take
    }
}

/// Where a part file's blocks go, on the disk thread.
enum Out {
    File(DiskFile),
    Stdout(std::io::Stdout),
}

impl Out {
    fn write_block(&mut self, data: &[u8]) -> std::io::Result<()> {
        match self {
            Out::File(file) => file.write(data),
            Out::Stdout(out) => std::io::Write::write_all(out, data),
        }
    }

    fn finish(&mut self) -> std::io::Result<()> {
        match self {
            Out::File(file) => file.file.sync_all(),
            Out::Stdout(out) => std::io::Write::flush(out),
        }
    }
}

/// A part file written at its own position: whole aligned pages with `O_DIRECT`, the rest
/// buffered; direct writes stop for good the first time the file system refuses them.
struct DiskFile {
    file: File,
    pos: u64,
    /// Whether direct writes may still be tried, and whether `O_DIRECT` is set now.
    direct_ok: bool,
    direct_on: bool,
}

impl DiskFile {
    fn new(mut file: File) -> std::io::Result<DiskFile> {
        let pos = file.stream_position()?;
        Ok(DiskFile {
            file,
            pos,
            direct_ok: true,
            direct_on: false,
        })
    }

    /// Turn `O_DIRECT` on or off; false when the file system does not take it.
    fn set_direct(&mut self, on: bool) -> bool {
        use nix::fcntl::{fcntl, FcntlArg, OFlag};
        if self.direct_on == on {
            return true;
        }
        let flags = fcntl(&self.file, FcntlArg::F_GETFL).map(OFlag::from_bits_truncate);
        let set = flags.and_then(|mut flags| {
            flags.set(OFlag::O_DIRECT, on);
            fcntl(&self.file, FcntlArg::F_SETFL(flags))
        });
        if set.is_ok() {
            self.direct_on = on;
        }
        set.is_ok()
    }

    fn write(&mut self, mut data: &[u8]) -> std::io::Result<()> {
        use std::os::unix::fs::FileExt;
        let align = DIRECT_ALIGN as u64;
        while !data.is_empty() {
            let aligned = self.pos % align == 0
                && (data.as_ptr() as usize) % DIRECT_ALIGN == 0
                && data.len() >= DIRECT_ALIGN;
            let mut direct = self.direct_ok && aligned;
            if !self.set_direct(direct) {
                if direct {
                    self.direct_ok = false;
                }
                direct = false;
                if self.direct_on && !self.set_direct(false) {
                    return Err(std::io::Error::other("cannot turn direct writes off"));
                }
            }
            let len = if direct {
                data.len() / DIRECT_ALIGN * DIRECT_ALIGN
            } else {
                data.len()
            };
            match self.file.write_at(&data[..len], self.pos) {
                Ok(0) => return Err(ErrorKind::WriteZero.into()),
                Ok(n) => {
                    self.pos += n as u64;
                    data = &data[n..];
                }
                Err(e) if e.kind() == ErrorKind::Interrupted => {}
                // This file system takes no direct writes (or not these): buffered from now.
                Err(e) if direct && e.raw_os_error() == Some(libc::EINVAL) => {
                    self.direct_ok = false;
                }
                Err(e) => return Err(e),
            }
        }
        Ok(())
    }
}

impl PartFile {
    /// A one-shot part file (not resumable) under a fresh random name in `parts`.
    pub fn create_once(parts: &Arc<Parts>) -> Result<PartFile, PartError> {
        for _ in 0..RANDOM_NAME_ATTEMPTS {
            let name = parts.random_name("once", ".part");
            let (path, shown) = (parts.path.join(&name), parts.shown.join(&name));
            let file = match create_exclusive(&path) {
                Ok(file) => file,
                Err(e) if e.kind() == ErrorKind::AlreadyExists => continue,
                Err(e) => return Err(PartError::io("creating", &shown, e)),
            };
            let Some(claim) = Claim::take(&path) else {
                let _ = std::fs::remove_file(&path);
                continue;
            };
            let out = Out::File(DiskFile::new(file).map_err(PartError::Other)?);
            let mut part = PartFile::start(path, shown, false, out, 0)?;
            part._claim = Some(claim);
            part._parts = Some(parts.clone());
            return Ok(part);
        }
        Err(PartError::NoFreeName {
            what: "part-file name".into(),
            dir: parts.shown.clone(),
        })
    }

    /// The part file of a resumable transfer, continuing after its first `have` bytes
    /// (anything beyond is cut off; 0 starts it over). Writes go to the file opened and
    /// checked by [`Resumable::open`], never to whatever its name points to now.
    pub fn resume(resumable: Resumable, have: u64) -> Result<PartFile, PartError> {
        let Resumable {
            path,
            shown,
            mut file,
            claim,
            parts,
            ..
        } = resumable;
        file.set_len(have)
            .map_err(|e| PartError::io("truncating", &shown, e))?;
        file.seek(SeekFrom::Start(have)).map_err(PartError::Other)?;
        let out = Out::File(DiskFile::new(file).map_err(PartError::Other)?);
        let mut part = PartFile::start(path, shown, false, out, have)?;
        part.resumable = true;
        part._claim = Some(claim);
        part._parts = Some(parts);
        Ok(part)
    }

    /// The body written to standard output as it arrives (verified only at the end).
    pub fn stdout() -> Result<PartFile, PartError> {
        let dash = PathBuf::from("-");
        PartFile::start(dash.clone(), dash, true, Out::Stdout(std::io::stdout()), 0)
    }

    /// A part file written by a disk thread of its own into `out`, whose first write is at
    /// byte `at` of the file.
    fn start(
        path: PathBuf,
        shown: PathBuf,
        to_stdout: bool,
        mut out: Out,
        at: u64,
    ) -> Result<PartFile, PartError> {
        let (to_disk, mut blocks) = mpsc::channel::<Block>(BLOCKS_IN_FLIGHT);
        let (give_back, recycled) = std::sync::mpsc::channel();
        let writer = std::thread::Builder::new()
            .name("ferry-disk".into())
            .stack_size(DISK_THREAD_STACK)
            .spawn(move || -> std::io::Result<()> {
                while let Some(mut block) = blocks.blocking_recv() {
                    out.write_block(block.data())?;
                    block.len = 0;
                    let _ = give_back.send(block);
                }
                out.finish()
            })
            .map_err(|e| PartError::thread("starting the disk writer", e))?;
        let misaligned = (at % DIRECT_ALIGN as u64) as usize;
        Ok(PartFile {
            path,
            shown,
            to_stdout,
            preserved: false,
            resumable: false,
            _claim: None,
            _parts: None,
            block: Block::new(),
            block_limit: WRITE_BUFFER_BYTES - misaligned,
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
        if self.resumable && self.flush_all().await.is_ok() {
            self.preserved = true;
        }
    }

    pub async fn write(&mut self, mut data: &[u8]) -> Result<(), PartError> {
        while !data.is_empty() {
            let take = self.block.fill(data, self.block_limit);
            data = &data[take..];
            if self.block.len == self.block_limit {
                self.flush_block().await?;
                self.block_limit = WRITE_BUFFER_BYTES;
            }
        }
        Ok(())
    }

    async fn flush_block(&mut self) -> Result<(), PartError> {
        let next = self.recycled.try_recv().unwrap_or_else(|_| Block::new());
        let full = std::mem::replace(&mut self.block, next);
        let sender = self
            .to_disk
            .as_ref()
            .ok_or(PartError::Broken("the file is already closed"))?;
        if sender.send(full).await.is_err() {
            // The disk thread stopped: its error says why.
            return Err(self
                .finish_writer()
                .await
                .err()
                .unwrap_or_else(|| PartError::Writer {
                    what: "stopped",
                    path: self.shown.clone(),
                }));
        }
        Ok(())
    }

    /// Close the channel and wait for the disk thread to write, sync and report.
    async fn finish_writer(&mut self) -> Result<(), PartError> {
        self.to_disk = None;
        let Some(writer) = self.writer.take() else {
            return Ok(());
        };
        let joined = tokio::task::spawn_blocking(move || writer.join())
            .await
            .map_err(|e| PartError::thread("waiting for the disk writer", e))?;
        match joined {
            Ok(Ok(())) => Ok(()),
            Ok(Err(err)) => Err(self.io_error(err)),
            Err(_) => Err(PartError::Writer {
                what: "crashed",
                path: self.shown.clone(),
            }),
        }
    }

    fn io_error(&self, err: std::io::Error) -> PartError {
        disk_error(err, &self.shown, "write")
    }

    /// A verified file gets the sender's time and permission bits (`& 0o777`, less the umask:
    /// the executable bits travel, write access for others only if this user allows it), or
    /// without them the mode any new file of this user gets (0666 less the umask): 0600 protected it
    /// only while it was a part file in the private directory, where no one else can swap the
    /// name this goes through. A time that cannot be set is logged, not fatal.
    fn open_up(&self, hints: Hints) -> Result<(), PartError> {
        // Opened before the mode changes: a mode without read permission is valid.
        let file = OpenOptions::new()
            .read(true)
            .custom_flags(OPEN_FLAGS)
            .open(&self.path)
            .map_err(|e| PartError::io("opening", &self.shown, e))?;
        apply_hints(&file, &self.shown, hints)
    }

    async fn flush_all(&mut self) -> Result<(), PartError> {
        if self.block.len > 0 {
            self.flush_block().await?;
        }
        self.finish_writer().await
    }

    /// Write the rest, sync, and link under the first free name in `dir`; the temporary
    /// name goes.
    pub async fn keep(
        mut self,
        dir: &Path,
        name: &str,
        hints: Hints,
    ) -> Result<PathBuf, PartError> {
        self.flush_all().await?;
        if self.to_stdout {
            return Ok(self.path.clone());
        }
        let path = self.path.clone();
        self.open_up(hints)?;
        let kept = move_to_free_name(&path, dir, name);
        if kept.is_ok() {
            self.preserved = true;
        }
        kept
    }
}

/// Give the open file `file` (named `shown` in messages) the sender's time and permission bits,
/// as [`PartFile`] explains.
fn apply_hints(file: &File, shown: &Path, hints: Hints) -> Result<(), PartError> {
    if let Some(mtime) = hints.mtime {
        let times = FileTimes::new().set_modified(mtime.to_system_time());
        if let Err(err) = file.set_times(times) {
            tracing::warn!("could not set the time of {}: {err}", shown.display());
        }
    }
    let mode = hints.mode.unwrap_or(0o666) & 0o777 & !process_umask();
    file.set_permissions(std::fs::Permissions::from_mode(mode))
        .map_err(|e| PartError::io("setting the mode of", shown, e))
}

/// This process's umask, read without changing it (`umask(2)` can only set it); 022 when
/// `/proc` does not say.
fn process_umask() -> u32 {
    // Read once: ferry never changes it, and a set applies it to every file.
    static UMASK: std::sync::OnceLock<u32> = std::sync::OnceLock::new();
    *UMASK.get_or_init(read_umask)
}

fn read_umask() -> u32 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find_map(|l| l.strip_prefix("Umask:"))
                .and_then(|v| u32::from_str_radix(v.trim(), 8).ok())
        })
        .unwrap_or(0o022)
}

/// Move `from` (a file or a directory) into `dir` under `name`, or `name (n)` when taken;
/// nothing existing is ever replaced, and a symbolic link planted under a candidate name is
/// an existing name like any other (`link` does not follow it; the checks use `lstat`).
pub fn move_to_free_name(from: &Path, dir: &Path, name: &str) -> Result<PathBuf, PartError> {
    let is_dir = from.is_dir();
    for n in 0..MAX_NAME_ATTEMPTS {
        let candidate = if n == 0 {
            name.to_string()
        } else {
            numbered(name, n)
        };
        let target = dir.join(&candidate);
        let moved = if is_dir {
            rename_no_replace(from, &target)
        } else {
            match std::fs::hard_link(from, &target) {
                Ok(()) => {
                    let _ = std::fs::remove_file(from);
                    Ok(())
                }
                Err(e) if e.kind() == ErrorKind::AlreadyExists => Err(e),
                // Filesystems without hard links.
                Err(_) => rename_no_replace(from, &target),
            }
        };
        match moved {
            Ok(()) => return Ok(target),
            Err(e) if e.kind() == ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(PartError::io("moving into", &target, e)),
        }
    }
    Err(PartError::NoFreeName {
        what: format!("name for {name:?}"),
        dir: dir.to_path_buf(),
    })
}

/// Rename `from` to `to` unless `to` exists as anything (a symbolic link included): atomic
/// with `RENAME_NOREPLACE`; on a filesystem without it, checked (`lstat`) just before.
fn rename_no_replace(from: &Path, to: &Path) -> std::io::Result<()> {
    use std::os::unix::ffi::OsStrExt;
    let c_path = |p: &Path| {
        std::ffi::CString::new(p.as_os_str().as_bytes())
            .map_err(|_| std::io::Error::from(ErrorKind::InvalidInput))
    };
    let (c_from, c_to) = (c_path(from)?, c_path(to)?);
    // SAFETY: both paths are NUL-terminated strings that outlive the call.
    let done = unsafe {
        libc::syscall(
            libc::SYS_renameat2,
            libc::AT_FDCWD,
            c_from.as_ptr(),
            libc::AT_FDCWD,
            c_to.as_ptr(),
            libc::RENAME_NOREPLACE,
        )
    };
    if done == 0 {
        return Ok(());
    }
    let err = std::io::Error::last_os_error();
    match err.raw_os_error() {
        Some(libc::EINVAL | libc::ENOSYS | libc::EOPNOTSUPP) => {
            if to.symlink_metadata().is_ok() {
                return Err(ErrorKind::AlreadyExists.into());
            }
            std::fs::rename(from, to)
        }
        _ => Err(err),
    }
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

/// Part files currently held by a transfer of this process.
static CLAIMED: Mutex<Option<HashSet<PathBuf>>> = Mutex::new(None);

/// This process's exclusive use of a part-file name, released on drop.
pub struct Claim(PathBuf);

impl Claim {
    /// Claim `path`; `None` when another transfer of this process holds it.
    fn take(path: &Path) -> Option<Claim> {
        let mut claimed = CLAIMED.lock().unwrap_or_else(|e| e.into_inner());
        claimed
            .get_or_insert_with(HashSet::new)
            .insert(path.to_path_buf())
            .then(|| Claim(path.to_path_buf()))
    }
}

impl Drop for Claim {
    fn drop(&mut self) {
        if let Some(set) = CLAIMED.lock().unwrap_or_else(|e| e.into_inner()).as_mut() {
            set.remove(&self.0);
        }
    }
}

/// The key of a resumable part file: who sends (account), what (offered name) and how much.
/// Anyone can compute it, so it only names a file in the resumable namespace, which a resume
/// checks before trusting ([`Resumable::open`]).
pub fn resume_key(account: &str, name: &str, size: u64) -> String {
    let mut hasher = Sha3_256::new();
    hasher.update(account.as_bytes());
    hasher.update([0]);
    hasher.update(name.as_bytes());
    hasher.update(size.to_be_bytes());
    hex::encode(&hasher.finalize()[..8])
}

/// A resumable part file found (or created) for an offer, open and claimed.
pub struct Resumable {
    /// Where it is (through the private directory's descriptor).
    pub path: PathBuf,
    /// How messages name it.
    shown: PathBuf,
    /// Bytes already held (at most the offered size).
    pub have: u64,
    /// The hash state after those bytes.
    pub prefix: Sha3_256,
    file: File,
    claim: Claim,
    parts: Arc<Parts>,
}

/// What became of an attempt to open a resumable part file.
pub enum Opened {
    Ready(Box<Resumable>),
    /// Another transfer of this process holds it.
    Busy,
    /// Something is there that must not be resumed (or written): why.
    Unusable(String),
}

impl Resumable {
    /// Claim the resumable part file `resume-KEY.part` in `parts` for one transfer, open it
    /// (creating it, empty, when missing) and hash what it already holds, up to `size` bytes.
    pub fn open(parts: &Arc<Parts>, key: &str, size: u64) -> Result<Opened, PartError> {
        let name = format!("resume-{key}.part");
        let (path, shown) = (parts.path.join(&name), parts.shown.join(&name));
        let Some(claim) = Claim::take(&path) else {
            return Ok(Opened::Busy);
        };
        let existing = OpenOptions::new()
            .read(true)
            .write(true)
            .custom_flags(OPEN_FLAGS)
            .open(&path);
        let (file, have, prefix) = match existing {
            Ok(file) => {
                let meta = file
                    .metadata()
                    .map_err(|e| PartError::io("reading", &shown, e))?;
                if let Some(why) = unusable(&meta) {
                    return Ok(Opened::Unusable(why.into()));
                }
                let (have, prefix) =
                    hash_prefix(&file, size).map_err(|e| PartError::io("reading", &shown, e))?;
                (file, have, prefix)
            }
            Err(e) if e.kind() == ErrorKind::NotFound => match create_exclusive(&path) {
                Ok(file) => (file, 0, Sha3_256::new()),
                Err(e) if e.kind() == ErrorKind::AlreadyExists => {
                    return Ok(Opened::Unusable("it appeared while being created".into()))
                }
                Err(e) => return Err(PartError::io("creating", &shown, e)),
            },
            Err(e) if e.raw_os_error() == Some(libc::ELOOP) => {
                return Ok(Opened::Unusable("it is a symbolic link".into()))
            }
            Err(e) => return Err(PartError::io("opening", &shown, e)),
        };
        Ok(Opened::Ready(Box::new(Resumable {
            path,
            shown,
            have,
            prefix,
            file,
            claim,
            parts: parts.clone(),
        })))
    }
}

/// Why an opened resumable part file must not be resumed: not a regular file, more than one
/// link (a hard link to a file someone else cares about), or not ours.
fn unusable(meta: &std::fs::Metadata) -> Option<&'static str> {
    if !meta.is_file() {
        Some("it is not a regular file")
    } else if meta.nlink() != 1 {
        Some("it has more than one link")
    } else if meta.uid() != effective_uid() {
        Some("it belongs to another user")
    } else {
        None
    }
}

/// Hash at most the first `limit` bytes of `source`: how many there were, and the hash state
/// after them (to compare, or to continue hashing from).
pub fn hash_prefix(source: impl Read, limit: u64) -> std::io::Result<(u64, Sha3_256)> {
    let mut hasher = Sha3_256::new();
    let mut source = source.take(limit);
    let mut buf = vec![0u8; 1 << 20];
    let mut read = 0u64;
    loop {
        match source.read(&mut buf) {
            Ok(0) => return Ok((read, hasher)),
            Ok(n) => {
                hasher.update(&buf[..n]);
                read += n as u64;
            }
            Err(e) if e.kind() == ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
}

/// Stack of a disk thread: it only loops over blocks (the default 2 MiB is address space, not
/// memory, but a smaller one keeps it obvious that a reception costs little).
const DISK_THREAD_STACK: usize = 128 * 1024;

/// Operations queued for a set's disk thread: enough that a run of small files never waits for
/// the disk (three each: create, write, close), few enough that the blocks they hold (one
/// [`WRITE_BUFFER_BYTES`] block per write at most) bound the memory a set holds (16 MiB).
const SET_OPS_IN_FLIGHT: usize = 64;

/// What a set's disk thread does, in order.
enum SetOp {
    /// Create this file (it must not exist), the next writes go to it.
    Create(PathBuf),
    /// The next bytes of the current file (whole pages of it written with `O_DIRECT`).
    Write(Block),
    /// The file is complete and verified: give it its mode and time, close it.
    Close(Hints),
    /// Everything before is done: say so.
    Settled(tokio::sync::oneshot::Sender<()>),
}

/// The files of a set, written by one thread for the whole set, in the order they come: the
/// network task hands each file's bytes over and goes on with the next entry at once (no thread
/// per file, no wait per file), and learns how many files are written so far
/// ([`SetWriter::written`], woken by [`SetWriter::progress_signal`]) to send their `OK`s. Files are
/// not synced one by one: [`PartDir::sync`] syncs the set once, after [`SetWriter::finish`].
/// The first failure stops the thread; it is seen by [`SetWriter::check`],
/// [`SetWriter::settle`] and [`SetWriter::finish`]. Dropped early (the set
/// failed), the thread skips what is queued and is waited for, so nothing is written into the
/// set's directory after it is removed.
pub struct SetWriter {
    ops: Option<mpsc::Sender<SetOp>>,
    /// The block being filled, and the written blocks the disk thread gives back.
    block: Block,
    recycled: std::sync::mpsc::Receiver<Block>,
    thread: Option<std::thread::JoinHandle<()>>,
    /// The thread's first error, as a message.
    failed: Arc<Mutex<Option<String>>>,
    /// Files written and closed so far, and the signal that this (or `failed`) changed.
    written: Arc<std::sync::atomic::AtomicU64>,
    progress: Arc<tokio::sync::Notify>,
    /// Set on drop: skip what is still queued.
    abandoned: Arc<std::sync::atomic::AtomicBool>,
}

impl SetWriter {
    pub fn start() -> Result<SetWriter, PartError> {
        let (ops, mut queue) = mpsc::channel::<SetOp>(SET_OPS_IN_FLIGHT);
        let failed = Arc::new(Mutex::new(None));
        let abandoned = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let written = Arc::new(std::sync::atomic::AtomicU64::new(0));
        let progress = Arc::new(tokio::sync::Notify::new());
        let (fail, abandon) = (failed.clone(), abandoned.clone());
        let (count, signal) = (written.clone(), progress.clone());
        // Written blocks come back to be filled again; beyond a few, they are freed.
        let (give_back, recycled) = std::sync::mpsc::sync_channel(BLOCKS_IN_FLIGHT + 2);
        let thread = std::thread::Builder::new()
            .name("ferry-set-disk".into())
            .spawn(move || {
                let mut current: Option<(DiskFile, PathBuf)> = None;
                while let Some(op) = queue.blocking_recv() {
                    if abandon.load(std::sync::atomic::Ordering::Relaxed) {
                        return;
                    }
                    let closing = matches!(op, SetOp::Close(_));
                    if let Err(err) = set_op(&mut current, op, &give_back) {
                        if let Ok(mut slot) = fail.lock() {
                            *slot = Some(format!("{err:#}"));
                        }
                        signal.notify_one();
                        return;
                    }
                    if closing {
                        count.fetch_add(1, std::sync::atomic::Ordering::Release);
                        signal.notify_one();
                    }
                }
            })
            .map_err(|e| PartError::thread("starting the disk writer", e))?;
        Ok(SetWriter {
            ops: Some(ops),
            block: Block::new(),
            recycled,
            thread: Some(thread),
            failed,
            written,
            progress,
            abandoned,
        })
    }

    /// Files written and closed so far, in the order they were handed over.
    pub fn written(&self) -> u64 {
        self.written.load(std::sync::atomic::Ordering::Acquire)
    }

    /// Signalled each time another file was written, or the thread failed (a signal given
    /// while nobody waits is kept for the next wait).
    pub fn progress_signal(&self) -> Arc<tokio::sync::Notify> {
        self.progress.clone()
    }

    /// The disk thread's error, if it failed.
    pub fn check(&self) -> Result<(), PartError> {
        match self.failed.lock().ok().and_then(|slot| slot.clone()) {
            Some(err) => Err(PartError::SetWriter(err)),
            None => Ok(()),
        }
    }

    async fn send(&mut self, op: SetOp) -> Result<(), PartError> {
        let sent = match &self.ops {
            Some(ops) => ops.send(op).await.is_ok(),
            None => false,
        };
        if !sent {
            // The thread stopped: its error says why.
            self.check()?;
            return Err(PartError::Broken("the disk writer stopped"));
        }
        Ok(())
    }

    /// Start the next file at `path` (which must not exist).
    pub async fn create(&mut self, path: PathBuf) -> Result<(), PartError> {
        self.send(SetOp::Create(path)).await
    }

    pub async fn write(&mut self, mut data: &[u8]) -> Result<(), PartError> {
        while !data.is_empty() {
            let take = self.block.fill(data, WRITE_BUFFER_BYTES);
            data = &data[take..];
            if self.block.len == WRITE_BUFFER_BYTES {
                self.hand_over_block().await?;
            }
        }
        Ok(())
    }

    /// Queue the block being filled for the disk thread; fill a written one (or a new one).
    async fn hand_over_block(&mut self) -> Result<(), PartError> {
        let next = self.recycled.try_recv().unwrap_or_else(|_| Block::new());
        let full = std::mem::replace(&mut self.block, next);
        self.send(SetOp::Write(full)).await
    }

    /// The current file is complete: what is left of it goes out, then its mode and time.
    pub async fn close(&mut self, hints: Hints) -> Result<(), PartError> {
        if self.block.len > 0 {
            self.hand_over_block().await?;
        }
        self.send(SetOp::Close(hints)).await
    }

    /// Wait until every file handed over so far is written and closed (not synced); the
    /// first error if any.
    pub async fn settle(&mut self) -> Result<(), PartError> {
        let (done, settled) = tokio::sync::oneshot::channel();
        self.send(SetOp::Settled(done)).await?;
        if settled.await.is_err() {
            // The thread stopped before: its error says why.
            self.check()?;
            return Err(PartError::Broken("the disk writer stopped"));
        }
        self.check()
    }

    /// Wait until everything queued is written (not synced); the first error if any.
    pub async fn finish(mut self) -> Result<(), PartError> {
        self.ops = None;
        if let Some(thread) = self.thread.take() {
            tokio::task::spawn_blocking(move || thread.join())
                .await
                .map_err(|e| PartError::thread("waiting for the disk writer", e))?
                .map_err(|_| PartError::Broken("the disk writer crashed"))?;
        }
        self.check()
    }
}

impl Drop for SetWriter {
    fn drop(&mut self) {
        self.abandoned
            .store(true, std::sync::atomic::Ordering::Relaxed);
        self.ops = None;
        if let Some(thread) = self.thread.take() {
            // Short: the operation under way, then the thread sees `abandoned`.
            let _ = thread.join();
        }
    }
}

/// One operation of a set's disk thread on its current file; a written block goes back
/// through `give_back` to be filled again.
fn set_op(
    current: &mut Option<(DiskFile, PathBuf)>,
    op: SetOp,
    give_back: &std::sync::mpsc::SyncSender<Block>,
) -> Result<(), PartError> {
    match op {
        SetOp::Create(path) => {
            let file = create_exclusive(&path)
                .and_then(DiskFile::new)
                .map_err(|e| disk_error(e, &path, "create"))?;
            *current = Some((file, path));
        }
        SetOp::Write(mut block) => {
            let (file, path) = current
                .as_mut()
                .ok_or(PartError::Broken("data for no file"))?;
            file.write(block.data())
                .map_err(|e| disk_error(e, path, "write"))?;
            block.len = 0;
            let _ = give_back.try_send(block);
        }
        SetOp::Close(hints) => {
            let (DiskFile { file, .. }, path) =
                current.take().ok_or(PartError::Broken("closing no file"))?;
            apply_hints(&file, &path, hints)?;
            // Closed here, not dropped: a network file system reports write errors on close.
            nix::unistd::close(file)
                .map_err(|errno| disk_error(std::io::Error::from(errno), &path, "close"))?;
        }
        SetOp::Settled(done) => {
            let _ = done.send(());
        }
    }
    Ok(())
}

/// An I/O error on `path`, saying so plainly when the disk is full.
fn disk_error(err: std::io::Error, path: &Path, doing: &'static str) -> PartError {
    PartError::Disk {
        doing,
        path: path.to_path_buf(),
        cause: err,
    }
}

/// A set's temporary directory (`set-RANDOM/` in [`PARTS_DIR`]): removed with its contents
/// when dropped, unless everything in it was moved to its final place.
pub struct PartDir {
    pub path: PathBuf,
    _parts: Arc<Parts>,
}

impl PartDir {
    pub fn create(parts: &Arc<Parts>) -> Result<PartDir, PartError> {
        for _ in 0..RANDOM_NAME_ATTEMPTS {
            let path = parts.path.join(parts.random_name("set", ""));
            match std::fs::DirBuilder::new().mode(0o700).create(&path) {
                Ok(()) => {
                    return Ok(PartDir {
                        path,
                        _parts: parts.clone(),
                    })
                }
                Err(e) if e.kind() == ErrorKind::AlreadyExists => continue,
                Err(e) => return Err(PartError::io("creating", &path, e)),
            }
        }
        Err(PartError::NoFreeName {
            what: "part-directory name".into(),
            dir: parts.shown.clone(),
        })
    }
}

impl PartDir {
    /// Make everything written into the set durable at once: `syncfs(2)` on the filesystem
    /// that holds it (one journal commit, where a sync per file costs one each), on a blocking
    /// thread. Its error (a failed writeback) is the set's.
    pub async fn sync(&self) -> Result<(), PartError> {
        let path = self.path.clone();
        tokio::task::spawn_blocking(move || -> Result<(), PartError> {
            let dir = OpenOptions::new()
                .read(true)
                .custom_flags(libc::O_DIRECTORY | libc::O_NOFOLLOW | libc::O_CLOEXEC)
                .open(&path)
                .map_err(|e| PartError::io("opening", &path, e))?;
            use std::os::fd::AsRawFd;
            // SAFETY: `dir` is an open descriptor for the duration of the call.
            if unsafe { libc::syncfs(dir.as_raw_fd()) } != 0 {
                let err = std::io::Error::last_os_error();
                return Err(PartError::io("syncing", &path, err));
            }
            Ok(())
        })
        .await
        .map_err(|e| PartError::thread("syncing the set", e))?
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

/// Remove the part files and set directories of `dir` untouched for longer than `max_age`:
/// resumes that never came. They are in its private [`PARTS_DIR`] (only when that is safe to
/// use, as [`Parts::open`] checks), or beside the files (`.NAME.KEY.ferry-part`, left by older versions).
/// Returns how many went.
pub fn remove_stale(dir: &Path, max_age: std::time::Duration) -> usize {
    let legacy = remove_old(dir, max_age, |name| {
        name.starts_with('.') && name.ends_with(".ferry-part")
    });
    let parts = dir.join(PARTS_DIR);
    let ours = if let Ok((_dir, parts)) = open_private(&parts) {
        remove_old(&parts, max_age, |name| {
            ["resume-", "once-", "set-"]
                .iter()
                .any(|p| name.starts_with(p))
        })
    } else {
        0
    };
    legacy + ours
}

/// Remove the entries of `dir` whose name passes `matches`, untouched for longer than
/// `max_age` (a symbolic link is removed, never followed).
fn remove_old(dir: &Path, max_age: std::time::Duration, matches: impl Fn(&str) -> bool) -> usize {
    let Ok(listing) = std::fs::read_dir(dir) else {
        return 0;
    };
    let now = std::time::SystemTime::now();
    let mut removed = 0;
    for entry in listing.flatten() {
        let name = entry.file_name();
        if !matches(&name.to_string_lossy()) {
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

/// How keeping a received body on disk can fail: each variant says what was being done and
/// names the file or directory, and its text ends with its cause (no `source`: it reads the
/// same with `{}` and `{:#}`, wherever it is quoted: an `ERR` to the sender, `main`'s chain).
#[derive(Debug, thiserror::Error)]
pub enum PartError {
    /// An operation on a named file or directory failed: "creating", "opening", "reading"...
    #[error("{doing} {}: {cause}", path.display())]
    Io {
        doing: &'static str,
        path: PathBuf,
        cause: std::io::Error,
    },
    /// Writing a file failed on the disk thread ("write", "create", "close"); its text says
    /// plainly when the disk is full.
    #[error("{}: {}: {cause}", disk_trouble(cause, doing), path.display())]
    Disk {
        doing: &'static str,
        path: PathBuf,
        cause: std::io::Error,
    },
    /// The private part-file directory is not safe to use.
    #[error(
        "refusing to keep part files in {}: {why} (remove it; ferry creates its own)",
        path.display()
    )]
    Unsafe { path: PathBuf, why: &'static str },
    /// Every name tried was taken.
    #[error("no free {what} in {}", dir.display())]
    NoFreeName { what: String, dir: PathBuf },
    /// A part file's disk thread stopped or crashed.
    #[error("the disk writer {what} for {}", path.display())]
    Writer { what: &'static str, path: PathBuf },
    /// A set's disk thread failed: its first error, as it said it.
    #[error("{0}")]
    SetWriter(String),
    /// A thread could not be started or waited for.
    #[error("{doing}: {cause}")]
    Thread { doing: &'static str, cause: String },
    /// An I/O error on a file already named by what was being done.
    #[error("{0}")]
    Other(std::io::Error),
    /// A writer used after it stopped, or out of order.
    #[error("{0}")]
    Broken(&'static str),
}

impl PartError {
    fn io(doing: &'static str, path: &Path, cause: std::io::Error) -> PartError {
        PartError::Io {
            doing,
            path: path.to_path_buf(),
            cause,
        }
    }

    fn thread(doing: &'static str, cause: impl std::fmt::Display) -> PartError {
        PartError::Thread {
            doing,
            cause: cause.to_string(),
        }
    }
}

/// What [`PartError::Disk`] says went wrong: plainly so when the disk is full.
fn disk_trouble(err: &std::io::Error, doing: &str) -> String {
    if err.raw_os_error() == Some(libc::ENOSPC) {
        "the disk is full".to_string()
    } else {
        format!("cannot {doing}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::symlink;

    fn set_old(path: &Path) {
        let old = std::time::SystemTime::now() - PART_MAX_AGE - std::time::Duration::from_secs(60);
        File::open(path).unwrap().set_modified(old).unwrap();
    }

    #[test]
    fn only_old_part_files_are_removed() {
        let dir = tempfile::tempdir().unwrap();
        for name in [".a.bin.1.ferry-part", "kept.bin", ".fresh.bin.2.ferry-part"] {
            std::fs::write(dir.path().join(name), b"x").unwrap();
        }
        std::fs::create_dir(dir.path().join(".set.3.ferry-part")).unwrap();
        for name in [".a.bin.1.ferry-part", "kept.bin", ".set.3.ferry-part"] {
            set_old(&dir.path().join(name));
        }
        let parts = Parts::open(dir.path()).unwrap();
        for name in ["resume-01.part", "once-02.part", "resume-03.part", "other"] {
            std::fs::write(parts.path().join(name), b"x").unwrap();
        }
        std::fs::create_dir(parts.path().join("set-04")).unwrap();
        for name in ["resume-01.part", "once-02.part", "set-04", "other"] {
            set_old(&parts.path().join(name));
        }
        assert_eq!(remove_stale(dir.path(), PART_MAX_AGE), 5);
        let mut left: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        left.sort();
        assert_eq!(
            left,
            [".ferry-parts", ".fresh.bin.2.ferry-part", "kept.bin"]
        );
        let mut inside: Vec<_> = std::fs::read_dir(parts.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        inside.sort();
        assert_eq!(inside, ["other", "resume-03.part"]);
    }

    #[test]
    fn stale_files_are_not_looked_for_through_a_planted_parts_link() {
        let (dir, elsewhere) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
        std::fs::write(elsewhere.path().join("resume-01.part"), b"x").unwrap();
        set_old(&elsewhere.path().join("resume-01.part"));
        symlink(elsewhere.path(), dir.path().join(PARTS_DIR)).unwrap();
        assert_eq!(remove_stale(dir.path(), PART_MAX_AGE), 0);
        assert!(elsewhere.path().join("resume-01.part").exists());
    }

    #[test]
    fn the_parts_directory_is_private_or_refused() {
        let dir = tempfile::tempdir().unwrap();
        let parts = Parts::open(dir.path()).unwrap();
        let mode = parts.path().metadata().unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o700);
        drop(parts);
        assert!(!dir.path().join(PARTS_DIR).exists(), "removed when empty");

        // A symbolic link, a file, a group-writable directory: refused, left as they are.
        let elsewhere = tempfile::tempdir().unwrap();
        symlink(elsewhere.path(), dir.path().join(PARTS_DIR)).unwrap();
        let err = Parts::open(dir.path()).err().unwrap();
        assert!(format!("{err:#}").contains("symbolic link"), "{err:#}");
        std::fs::remove_file(dir.path().join(PARTS_DIR)).unwrap();
        std::fs::write(dir.path().join(PARTS_DIR), b"").unwrap();
        let err = Parts::open(dir.path()).err().unwrap();
        assert!(format!("{err:#}").contains("not a directory"), "{err:#}");
        std::fs::remove_file(dir.path().join(PARTS_DIR)).unwrap();
        std::fs::create_dir(dir.path().join(PARTS_DIR)).unwrap();
        std::fs::set_permissions(
            dir.path().join(PARTS_DIR),
            std::fs::Permissions::from_mode(0o770),
        )
        .unwrap();
        let err = Parts::open(dir.path()).err().unwrap();
        assert!(format!("{err:#}").contains("may write"), "{err:#}");
        assert_eq!(std::fs::read_dir(elsewhere.path()).unwrap().count(), 0);
    }

    /// The victim of a planted link: its bytes, to check they never change.
    fn victim(dir: &Path) -> (PathBuf, Vec<u8>) {
        let path = dir.join("victim");
        let bytes = b"root-owned secret".to_vec();
        std::fs::write(&path, &bytes).unwrap();
        (path, bytes)
    }

    #[test]
    fn a_resume_never_uses_a_link_nor_a_file_with_other_links() {
        let (dir, outside) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
        let parts = Parts::open(dir.path()).unwrap();
        let (target, bytes) = victim(outside.path());
        symlink(&target, parts.path().join("resume-aa.part")).unwrap();
        assert!(matches!(
            Resumable::open(&parts, "aa", 100).unwrap(),
            Opened::Unusable(why) if why.contains("symbolic link")
        ));
        std::fs::hard_link(&target, parts.path().join("resume-bb.part")).unwrap();
        assert!(matches!(
            Resumable::open(&parts, "bb", 100).unwrap(),
            Opened::Unusable(why) if why.contains("more than one link")
        ));
        assert_eq!(std::fs::read(&target).unwrap(), bytes);
    }

    #[test]
    fn a_resumable_part_file_is_held_by_one_transfer_and_resumes_its_prefix() {
        let dir = tempfile::tempdir().unwrap();
        let parts = Parts::open(dir.path()).unwrap();
        let Opened::Ready(first) = Resumable::open(&parts, "cc", 10).unwrap() else {
            panic!("a missing part file is created");
        };
        assert_eq!(first.have, 0);
        let mode = first.path.metadata().unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
        assert!(matches!(
            Resumable::open(&parts, "cc", 10).unwrap(),
            Opened::Busy
        ));
        let path = first.path.clone();
        drop(first);
        std::fs::write(&path, b"abcdef").unwrap();
        let Opened::Ready(again) = Resumable::open(&parts, "cc", 4).unwrap() else {
            panic!("released on drop");
        };
        assert_eq!(again.have, 4);
        assert_eq!(
            again.prefix.clone().finalize()[..],
            Sha3_256::digest(b"abcd")[..]
        );
    }

    #[tokio::test]
    async fn one_shot_names_are_random_and_kept_files_never_replace_links() {
        let (dir, outside) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
        let parts = Parts::open(dir.path()).unwrap();
        let (target, bytes) = victim(outside.path());
        // A dangling link and a link to the victim under the final names.
        symlink(outside.path().join("nothing"), dir.path().join("a.bin")).unwrap();
        symlink(&target, dir.path().join("a (1).bin")).unwrap();
        let (mut one, two) = (
            PartFile::create_once(&parts).unwrap(),
            PartFile::create_once(&parts).unwrap(),
        );
        assert_ne!(one.path(), two.path());
        assert!(one.path().starts_with(parts.path()));
        one.write(b"data").await.unwrap();
        let kept = one
            .keep(dir.path(), "a.bin", Hints::default())
            .await
            .unwrap();
        assert_eq!(kept, dir.path().join("a (2).bin"));
        assert_eq!(std::fs::read(&kept).unwrap(), b"data");
        assert_eq!(std::fs::read(&target).unwrap(), bytes);
        assert!(dir
            .path()
            .join("a.bin")
            .symlink_metadata()
            .unwrap()
            .is_symlink());
    }

    #[test]
    fn a_directory_moved_into_place_replaces_neither_a_directory_nor_a_link() {
        let (dir, outside) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
        let from = dir.path().join("from");
        std::fs::create_dir(&from).unwrap();
        std::fs::write(from.join("inside"), b"x").unwrap();
        std::fs::create_dir(dir.path().join("tree")).unwrap();
        symlink(outside.path(), dir.path().join("tree (1)")).unwrap();
        let moved = move_to_free_name(&from, dir.path(), "tree").unwrap();
        assert_eq!(moved, dir.path().join("tree (2)"));
        assert_eq!(std::fs::read(moved.join("inside")).unwrap(), b"x");
        assert_eq!(std::fs::read_dir(outside.path()).unwrap().count(), 0);
        assert_eq!(
            std::fs::read_dir(dir.path().join("tree")).unwrap().count(),
            0
        );
    }

    #[test]
    fn a_parts_directory_swapped_for_a_link_after_the_check_redirects_nothing() {
        let (dir, outside) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
        let parts = Parts::open(dir.path()).unwrap();
        let moved = dir.path().join("moved");
        std::fs::rename(dir.path().join(PARTS_DIR), &moved).unwrap();
        symlink(outside.path(), dir.path().join(PARTS_DIR)).unwrap();
        let part = PartFile::create_once(&parts).unwrap();
        let name = part.path().file_name().unwrap().to_owned();
        assert!(moved.join(&name).is_file());
        assert_eq!(std::fs::read_dir(outside.path()).unwrap().count(), 0);
    }

    #[test]
    fn a_disk_error_names_the_file_and_says_when_the_disk_is_full() {
        let full = disk_error(
            std::io::Error::from_raw_os_error(libc::ENOSPC),
            Path::new("/r/.ferry-parts/set-1/a.bin"),
            "write",
        );
        let said = full.to_string();
        assert!(
            said.starts_with("the disk is full: /r/.ferry-parts/set-1/a.bin: "),
            "{said}"
        );
        assert_eq!(format!("{full:#}"), said);
        let denied = disk_error(
            std::io::Error::from(ErrorKind::PermissionDenied),
            Path::new("/r/x"),
            "create",
        );
        assert!(
            denied.to_string().starts_with("cannot create: /r/x: "),
            "{denied}"
        );
        let unsafe_dir = PartError::Unsafe {
            path: "/r/.ferry-parts".into(),
            why: "it is a symbolic link",
        };
        assert_eq!(
            unsafe_dir.to_string(),
            "refusing to keep part files in /r/.ferry-parts: it is a symbolic link (remove it; \
             ferry creates its own)"
        );
    }
}
