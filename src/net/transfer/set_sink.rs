//! A set being received into its private directory: entries checked and placed, files handed
//! to the disk thread, their `OK`s released as they are written, the whole kept at the end.

use super::receive::*;
use super::*;

/// A set being received into its temporary directory.
pub(super) struct SetSink {
    /// Writes the files (declared before `part`: dropped, and so finished, before it).
    pub(super) writer: SetWriter,
    pub(super) part: PartDir,
    pub(super) total: u64,
    pub(super) entries: u64,
    pub(super) done_bytes: u64,
    /// The entry being received: offered path, safe components, whether it is a file (a
    /// directory has no body), what the sender said of its mode and time.
    pub(super) current: Option<(String, Vec<String>, bool, Hints)>,
    /// Directories with a modification time to set once their contents are in place: safe
    /// components, time.
    pub(super) dir_times: Vec<(Vec<String>, Mtime)>,
    /// Verified files: offered path, safe components, size, digest.
    pub(super) files: Vec<(String, Vec<String>, u64, Digest)>,
    /// Top-level names in order of arrival.
    pub(super) top: Vec<String>,
    /// The same, to look them up (a peer may send many).
    pub(super) top_seen: std::collections::HashSet<String>,
    /// Directories already made for files (most files share theirs with the one before).
    pub(super) made_dirs: std::collections::HashSet<PathBuf>,
    /// Files handed to the writer so far.
    pub(super) files_queued: u64,
    /// The `OK`s of verified entries, each sent once the writer has written the first `.0`
    /// files (all of the set's files up to that entry).
    pub(super) pending_oks: std::collections::VecDeque<(u64, Vec<u8>)>,
}

impl SetSink {
    pub(super) fn new(part: PartDir, header: &Header) -> Result<SetSink, PartError> {
        Ok(SetSink {
            writer: SetWriter::start()?,
            part,
            total: header.size.unwrap_or(0),
            entries: header.entries.unwrap_or(0),
            done_bytes: 0,
            current: None,
            files: Vec::new(),
            dir_times: Vec::new(),
            top: Vec::new(),
            top_seen: Default::default(),
            made_dirs: Default::default(),
            files_queued: 0,
            pending_oks: Default::default(),
        })
    }

    pub(super) async fn on(
        &mut self,
        rx: &Receiver,
        event: ReceiverEvent<'_>,
    ) -> Result<Step, BodyError> {
        match event {
            ReceiverEvent::Entry(entry) => {
                log_ignored(&entry);
                let parts = sanitise_relative(&entry.name).map_err(|why| {
                    BodyError::Protocol(TransferError::InvalidEntry {
                        name: entry.name.chars().take(80).collect(),
                        why: path_refusal(&why),
                    })
                })?;
                let target = parts.iter().fold(self.part.path.clone(), |p, c| p.join(c));
                if self.top_seen.insert(parts[0].clone()) {
                    self.top.push(parts[0].clone());
                }
                // Directories here, files on the writer's thread: a file's directory is
                // always made before the file is queued.
                let file = match entry.kind {
                    EntryKind::Directory => {
                        std::fs::create_dir_all(&target).map_err(|cause| {
                            BodyError::Local(TransferFailure::file("creating", &target, cause))
                        })?;
                        if let Some(mtime) = entry.mtime {
                            self.dir_times.push((parts.clone(), mtime));
                        }
                        false
                    }
                    EntryKind::File => {
                        if let Some(parent) = target.parent() {
                            if !self.made_dirs.contains(parent) {
                                std::fs::create_dir_all(parent).map_err(|cause| {
                                    BodyError::Local(TransferFailure::file(
                                        "creating", parent, cause,
                                    ))
                                })?;
                                self.made_dirs.insert(parent.to_path_buf());
                            }
                        }
                        self.writer.create(target).await.map_err(BodyError::local)?;
                        true
                    }
                };
                let hints = Hints::of(&entry);
                self.current = Some((entry.name, parts, file, hints));
                Ok(Step::Continue)
            }
            ReceiverEvent::Data(data) => match &mut self.current {
                Some((_, _, true, _)) => {
                    self.writer.write(data).await.map_err(BodyError::local)?;
                    Ok(Step::Continue)
                }
                _ => Err(BodyError::Local(TransferFailure::Internal(
                    "data for no file",
                ))),
            },
            ReceiverEvent::Finished(digest) => {
                let Some((offered, parts, file, hints)) = self.current.take() else {
                    return Err(BodyError::Local(TransferFailure::Internal(
                        "an entry ended that never began",
                    )));
                };
                let size = rx.received();
                self.done_bytes += size;
                self.entries -= 1;
                if file {
                    self.writer.close(hints).await.map_err(BodyError::local)?;
                    self.files.push((offered, parts, size, digest));
                    self.files_queued += 1;
                }
                // A file the disk failed on earlier stops the set here.
                self.writer.check().map_err(BodyError::local)?;
                if self.entries == 0 {
                    let listed: Vec<_> = self.files.iter().map(|f| (f.0.clone(), f.3)).collect();
                    return Ok(Step::End(BodyEnd::Finished {
                        digest: set_digest(&listed),
                        confirm: digest,
                    }));
                }
                // Its `OK` goes out once its file (and every one before) is written.
                self.pending_oks
                    .push_back((self.files_queued, rx.confirm(&digest)));
                Ok(Step::Continue)
            }
            _ => Ok(Step::Continue),
        }
    }

    /// Add to `out` the `OK`s whose files are written by now, in order.
    pub(super) fn ready_oks(&mut self, out: &mut Vec<u8>) -> Result<()> {
        self.writer.check()?;
        let written = self.writer.written();
        while let Some((needed, ok)) = self.pending_oks.pop_front() {
            if needed > written {
                self.pending_oks.push_front((needed, ok));
                break;
            }
            out.extend_from_slice(&ok);
        }
        Ok(())
    }

    /// Every `OK` still waiting (to send once the whole set is written and kept).
    pub(super) fn take_pending_oks(&mut self) -> Vec<u8> {
        self.pending_oks.drain(..).flat_map(|(_, ok)| ok).collect()
    }

    /// Wait for every file to be written, sync the set once, then move what arrived into
    /// `dir` (each top-level entry under a free name; `name` replaces the only one when there
    /// is just one) and report every file where it now is. Top-level names follow the rules
    /// of single files ([`sanitise`]: nothing hidden lands in `dir`); below them, a tree keeps
    /// its own names (`.gitignore` stays). Directories get their times last, where they now
    /// are (a move may touch one), deepest first.
    pub(super) async fn keep(
        self,
        dir: &Path,
        name: &str,
        tid: &str,
        reporter: &dyn Reporter,
    ) -> Result<PathBuf> {
        self.writer.finish().await?;
        self.part.sync().await?;
        let mut placed = std::collections::HashMap::new();
        for top in &self.top {
            let wanted = if self.top.len() == 1 {
                name.to_string()
            } else {
                sanitise(top).name
            };
            let path = move_to_free_name(&self.part.path.join(top), dir, &wanted)?;
            placed.insert(top.clone(), path);
        }
        let place = |parts: &[String]| {
            parts[1..]
                .iter()
                .fold(placed[&parts[0]].clone(), |p, c| p.join(c))
        };
        let mut dir_times = self.dir_times.iter().collect::<Vec<_>>();
        dir_times.sort_by_key(|(parts, _)| std::cmp::Reverse(parts.len()));
        for (parts, mtime) in dir_times {
            if let Err(err) = set_dir_mtime(&place(parts), *mtime) {
                tracing::warn!("{err:#}");
            }
        }
        for (_, parts, size, digest) in &self.files {
            let path = place(parts);
            reporter.report(Event::Entry {
                transfer_id: tid.to_string(),
                path: path.display().to_string(),
                size: *size,
                sha3_256: hex::encode(digest),
            });
        }
        Ok(match self.top.as_slice() {
            [only] => placed[only].clone(),
            _ => dir.to_path_buf(),
        })
    }
}
