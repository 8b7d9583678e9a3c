//! Reading and hashing a file (or a set's large files, in order) on a blocking thread, a few
//! records ahead of the task that frames, encrypts and writes them.

use super::*;

/// Records of a file read (and hashed) ahead of the one being written: with the one being
/// read and the one being written, four buffers of [`SEND_RECORD_BYTES`] (1 MiB) per transfer.
pub(super) const READ_AHEAD_RECORDS: usize = 2;

/// Reads files' bodies on one blocking thread, one after the other, and hashes them there,
/// handing the records to the writing task through a bounded channel, each file's followed by
/// its hash ([`ReadItem::End`]); the buffers come back to be filled again, so memory stays at
/// [`READ_AHEAD_RECORDS`] + 2 buffers whatever the size or the number of files, and the reading
/// runs on across a file's end into the next (a set of 1 MiB files does not drain the pipeline
/// at each). Each buffer holds 5 bytes of room for the frame header before the data, so a
/// record goes out without another copy.
pub(super) struct FileReader {
    pub(super) items: mpsc::Receiver<ReadItem>,
    pub(super) recycle: std::sync::mpsc::Sender<Vec<u8>>,
}

/// What the reading thread hands over, in order.
pub(super) enum ReadItem {
    /// A buffer and how many bytes of data it holds (after its 5 bytes of room).
    Chunk(Vec<u8>, usize),
    /// The current file is read (to its declared size, or to its end if shorter): the hash of
    /// what was read (boxed: a hash state is many times a chunk's size, and comes once a
    /// file), or why reading failed.
    End(Result<Box<Sha3_256>>),
}

/// One file for the reading thread: where it is, how many bytes to read, and the hash state
/// to continue from (a resumed prefix's, or empty).
pub(super) struct ReadJob {
    source: ReadSource,
    left: u64,
    hasher: Sha3_256,
}

pub(super) enum ReadSource {
    Open(std::fs::File),
    Path(PathBuf),
}

impl ReadJob {
    pub(super) fn open(file: std::fs::File, left: u64, hasher: Sha3_256) -> ReadJob {
        ReadJob {
            source: ReadSource::Open(file),
            left,
            hasher,
        }
    }

    /// A file of a set: opened by the reading thread when its turn comes, read from the start.
    pub(super) fn path(path: PathBuf, size: u64) -> ReadJob {
        ReadJob {
            source: ReadSource::Path(path),
            left: size,
            hasher: Sha3_256::new(),
        }
    }
}

impl FileReader {
    pub(super) fn start(jobs: Vec<ReadJob>, record: usize) -> Self {
        let (to_writer, items) = mpsc::channel(READ_AHEAD_RECORDS);
        let (recycle, recycled) = std::sync::mpsc::channel::<Vec<u8>>();
        tokio::task::spawn_blocking(move || {
            for job in jobs {
                let hashed = read_job(job, record, &recycled, &to_writer).map(Box::new);
                let failed = hashed.is_err();
                // Gone: the writing task stopped, and it says why.
                if to_writer.blocking_send(ReadItem::End(hashed)).is_err() || failed {
                    return;
                }
            }
        });
        FileReader { items, recycle }
    }
}

/// Read and hash one file of a [`FileReader`], handing its records over: its hash, or why
/// reading failed (also when the writing task is gone: nothing is waiting for it then).
pub(super) fn read_job(
    job: ReadJob,
    record: usize,
    recycled: &std::sync::mpsc::Receiver<Vec<u8>>,
    to_writer: &mpsc::Sender<ReadItem>,
) -> Result<Sha3_256> {
    let ReadJob {
        source,
        mut left,
        mut hasher,
    } = job;
    let (mut file, path) = match source {
        ReadSource::Open(file) => (file, None),
        ReadSource::Path(path) => (
            std::fs::File::open(&path)
                .map_err(|cause| TransferFailure::file("opening", &path, cause))?,
            Some(path),
        ),
    };
    while left > 0 {
        let mut buf = recycled
            .try_recv()
            .unwrap_or_else(|_| vec![0u8; 5 + record]);
        let want = left.min(record as u64) as usize;
        let n = read_full(&mut file, &mut buf[5..5 + want]).map_err(|cause| match &path {
            Some(path) => TransferFailure::file("reading", path, cause),
            None => TransferFailure::Local {
                doing: "reading the source",
                cause,
            },
        })?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[5..5 + n]);
        left -= n as u64;
        if to_writer.blocking_send(ReadItem::Chunk(buf, n)).is_err() {
            return Err(TransferFailure::Internal("the writing task stopped"));
        }
        if n < want {
            break;
        }
    }
    Ok(hasher)
}

/// Read until `buf` is full or the file ends (blocking).
pub(super) fn read_full(file: &mut std::fs::File, buf: &mut [u8]) -> std::io::Result<usize> {
    use std::io::Read;
    let mut filled = 0;
    while filled < buf.len() {
        match file.read(&mut buf[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(filled)
}

/// Small files of a set read ahead of the one being sent.
pub(super) const READ_AHEAD_FILES: usize = 8;

/// Whether `entry` is a file read whole at once (read ahead): one record's worth at most.
pub(super) fn is_small(entry: &SetEntry) -> bool {
    entry.source.is_some() && entry.size <= SEND_RECORD_BYTES as u64
}

/// Start reading a small file of a set whole (its declared size at most: like a file read
/// record by record, what it grew by is not read; shorter, it is caught as shrunk).
pub(super) fn read_small(entry: &SetEntry) -> Option<tokio::task::JoinHandle<Result<Vec<u8>>>> {
    let path = entry.source.clone().filter(|_| is_small(entry))?;
    let size = entry.size;
    Some(tokio::task::spawn_blocking(move || {
        use std::io::Read;
        let file = std::fs::File::open(&path)
            .map_err(|cause| TransferFailure::file("opening", &path, cause))?;
        let mut data = Vec::with_capacity(size as usize);
        file.take(size)
            .read_to_end(&mut data)
            .map_err(|cause| TransferFailure::file("reading", &path, cause))?;
        Ok(data)
    }))
}
