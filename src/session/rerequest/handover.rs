//! Re-requests handed by `ferry rerequest` to the `ferry receive` running with the same home, so
//! that one listener, not two, takes the file sent again.

use super::*;

/// Re-requests handed over to one `receive` at once (each waits for its file up to its timeout).
pub(crate) const MAX_HANDED: usize = 4;

/// Re-requests handed over by `ferry rerequest` to this `ferry receive` through the control
/// socket. Each is asked from here ([`ask`]); the offer that answers it reaches receive's own
/// decider, which asks [`Handovers::decide`] first; receive's `serve` keeps the file, records
/// it, and tells [`Handovers::settle`]; members' refusals come through
/// [`Handovers::status`]. At most [`MAX_HANDED`] at once, one per interaction.
pub struct Handovers {
    pub(crate) home: PathBuf,
    /// Where a re-request with no directory of its own keeps the file (receive's `--dir`).
    pub(crate) download_dir: PathBuf,
    pub(crate) console: Arc<Console>,
    pub(crate) interrupt: Interrupt,
    /// Whether this receive uses the DHT (not `--listen`): without, it cannot ask.
    pub(crate) uses_dht: bool,
    /// The DHT and identity to ask with, once receive is online.
    pub(crate) online: watch::Sender<Option<Online>>,
    pub(crate) slots: Arc<Semaphore>,
    pub(crate) expected: Mutex<HashMap<String, Expected>>,
}

/// What asking needs, known once `receive` is online.
#[derive(Clone)]
pub struct Online {
    pub dht: Dht,
    pub identity: Arc<Identity>,
}

/// A handed-over re-request waiting for its file.
pub(crate) struct Expected {
    pub(crate) record: Interaction,
    pub(crate) digest: Digest,
    pub(crate) members: [Id; 2],
    pub(crate) dir: PathBuf,
    /// The device whose offer of it was accepted, while that transfer runs.
    pub(crate) receiving: Option<Id>,
    pub(crate) replies: mpsc::Sender<Reply>,
    pub(crate) statuses: mpsc::Sender<InboundMessage>,
    pub(crate) arrivals: mpsc::Sender<Arrived>,
}

/// How the transfer of an expected file ended.
pub(crate) enum Arrived {
    Kept {
        path: PathBuf,
        digest: Digest,
        size: u64,
    },
    Failed(String),
}

impl Handovers {
    pub fn new(
        home: PathBuf,
        download_dir: PathBuf,
        console: Arc<Console>,
        interrupt: Interrupt,
        uses_dht: bool,
    ) -> Arc<Handovers> {
        Arc::new(Handovers {
            home,
            download_dir,
            console,
            interrupt,
            uses_dht,
            online: watch::Sender::new(None),
            slots: Arc::new(Semaphore::new(MAX_HANDED)),
            expected: Mutex::new(HashMap::new()),
        })
    }

    /// Receive is online: handed-over re-requests can ask from now on.
    pub fn go_online(&self, online: Online) {
        self.online.send_replace(Some(online));
    }

    fn expected(&self) -> std::sync::MutexGuard<'_, HashMap<String, Expected>> {
        self.expected.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The decision on `offer` when it is for a handed-over re-request; `None` otherwise.
    pub fn decide(&self, offer: &IncomingOffer) -> Option<Decision> {
        let mut expected = self.expected();
        let waiting = expected.get_mut(&offer.header.transfer_id)?;
        let decision = match check_offer(&waiting.record, waiting.digest, waiting.members, offer) {
            Decision::AcceptAs(_) if waiting.receiving.is_some() => {
                Decision::Refuse("another device is sending this file already".into())
            }
            Decision::AcceptAs(name) => {
                waiting.receiving = Some(offer.peer.device);
                let _ = waiting.replies.try_send(Reply::Progress {
                    outcome: "receiving".into(),
                    peer_device: Some(offer.peer.device.to_string()),
                    reason: String::new(),
                });
                Decision::AcceptInto {
                    dir: waiting.dir.clone(),
                    name,
                }
            }
            refusal => refusal,
        };
        Some(decision)
    }

    /// The transfer of the offer of `transfer_id` from `peer` ended with `result` (already
    /// recorded in the history when kept): tell the re-request that accepted it, if one did.
    pub fn settle(
        &self,
        transfer_id: &str,
        peer: &PeerIdentity,
        result: &std::result::Result<Received, crate::net::transfer::TransferFailure>,
    ) {
        let mut expected = self.expected();
        let Some(waiting) = expected.get_mut(transfer_id) else {
            return;
        };
        if waiting.receiving != Some(peer.device) {
            return;
        }
        waiting.receiving = None;
        let arrived = match result {
            Ok(Received::Kept {
                path, digest, size, ..
            }) => Arrived::Kept {
                path: std::fs::canonicalize(path).unwrap_or_else(|_| path.clone()),
                digest: *digest,
                size: *size,
            },
            Ok(Received::RefusedHere(reason)) | Ok(Received::Withdrawn(reason)) => {
                Arrived::Failed(reason.clone())
            }
            // Refused by `check_offer` before it could arrive.
            Ok(Received::Text { .. }) => Arrived::Failed("a text, not the file".into()),
            Err(err) => Arrived::Failed(format!("{err:#}")),
        };
        // One transfer at a time per re-request: the channel has room for its outcome.
        let _ = waiting.arrivals.try_send(arrived);
    }

    /// A message to this device: a status answering a handed-over re-request goes to it.
    /// `false` when it is not one (for the other readers of messages).
    pub fn status(&self, message: &InboundMessage) -> bool {
        if message.message.mime_type != STATUS_TYPE {
            return false;
        }
        let Ok(status) = serde_json::from_slice::<Status>(&message.message.payload) else {
            return true;
        };
        if let Some(waiting) = self.expected().get(&status.interaction) {
            // Full only under a flood from a member; that refusal is then lost (timeout).
            let _ = waiting.statuses.try_send(message.clone());
        }
        true
    }

    fn take_on(
        self: &Arc<Self>,
        id: &str,
        dir: Option<PathBuf>,
        replies: &mpsc::Sender<Reply>,
    ) -> Result<Handed, Reply> {
        let error = |reason: String| Reply::Error { reason };
        if !self.uses_dht {
            return Err(Reply::Unavailable {
                reason:
                    "the running `ferry receive` does not take re-requests: it listens without \
                         the DHT (--listen), or receives with a code"
                        .into(),
            });
        }
        let slot = self.slots.clone().try_acquire_owned().map_err(|_| {
            error(format!(
                "the running `ferry receive` already serves {MAX_HANDED} re-requests; \
                 try again when one has ended"
            ))
        })?;
        let history = history::load(&self.home).map_err(|e| error(format!("{e:#}")))?;
        let (record, digest) = find_record(&history, id).map_err(|e| error(format!("{e:#}")))?;
        let member = member_of(&record).map_err(|e| error(format!("{e:#}")))?;
        let dir = destination(&self.download_dir, dir.as_deref(), &record);
        std::fs::create_dir_all(&dir)
            .map_err(|e| error(format!("creating {}: {e}", dir.display())))?;
        let (statuses, statuses_in) = mpsc::channel(16);
        let (arrivals, arrivals_in) = mpsc::channel(1);
        let mut expected = self.expected();
        if expected.contains_key(id) {
            return Err(error(format!(
                "the running `ferry receive` is already re-requesting {id}"
            )));
        }
        // Filled in once online: until then no offer can answer it anyway.
        let own = self
            .online
            .borrow()
            .as_ref()
            .map_or(member, |o| o.identity.account);
        expected.insert(
            id.to_string(),
            Expected {
                record: record.clone(),
                digest,
                members: [member, own],
                dir,
                receiving: None,
                replies: replies.clone(),
                statuses,
                arrivals,
            },
        );
        Ok(Handed {
            handovers: self.clone(),
            record,
            member,
            statuses: statuses_in,
            arrivals: arrivals_in,
            _slot: slot,
        })
    }
}

impl control::Rerequests for Handovers {
    fn start(
        self: Arc<Self>,
        id: String,
        dir: Option<PathBuf>,
        timeout: Duration,
        replies: mpsc::Sender<Reply>,
    ) -> Result<(), Reply> {
        let handed = self.take_on(&id, dir, &replies)?;
        tracing::info!("re-requesting {id} for `ferry rerequest`");
        tokio::spawn(handed.run(timeout, replies));
        Ok(())
    }
}

/// A re-request taken on; it leaves the expected ones when dropped.
pub(crate) struct Handed {
    pub(crate) handovers: Arc<Handovers>,
    pub(crate) record: Interaction,
    pub(crate) member: Id,
    pub(crate) statuses: mpsc::Receiver<InboundMessage>,
    pub(crate) arrivals: mpsc::Receiver<Arrived>,
    pub(crate) _slot: OwnedSemaphorePermit,
}

impl Drop for Handed {
    fn drop(&mut self) {
        self.handovers.expected().remove(&self.record.interaction);
    }
}

impl Handed {
    /// Ask, wait, and send the outcome to the client; give up when it hangs up.
    async fn run(mut self, timeout: Duration, replies: mpsc::Sender<Reply>) {
        let interaction = self.record.interaction.clone();
        let deadline = tokio::time::Instant::now() + timeout;
        let mut interrupt = self.handovers.interrupt.clone();
        let reporter = ToClient {
            replies: replies.clone(),
            console: self.handovers.console.clone(),
        };
        let timed_out = no_file_within(&self.record, timeout).to_string();
        let outcome = tokio::select! {
            outcome = self.ask_and_wait(&reporter, timeout) => outcome,
            _ = tokio::time::sleep_until(deadline) => Reply::Error { reason: timed_out },
            _ = replies.closed() => {
                return tracing::info!("`ferry rerequest` of {interaction} hung up; given up");
            }
            _ = interrupt.wait() => Reply::Error {
                reason: "the running `ferry receive` was stopped".into(),
            },
        };
        tracing::info!("re-request of {interaction}: {outcome:?}");
        let _ = replies.send(outcome).await;
    }

    async fn ask_and_wait(&mut self, reporter: &ToClient, timeout: Duration) -> Reply {
        let mut online = self.handovers.online.subscribe();
        let online = match online.wait_for(Option::is_some).await {
            Ok(online) => online.clone(),
            Err(_) => None,
        };
        let Some(Online { dht, identity }) = online else {
            return Reply::Error {
                reason: "the running `ferry receive` never came online".into(),
            };
        };
        if let Some(waiting) = self.handovers.expected().get_mut(&self.record.interaction) {
            waiting.members = [self.member, identity.account];
        }
        let mut asked = match ask(&dht, &identity, self.member, &self.record, reporter).await {
            Ok(asked) => asked,
            Err(err) => {
                return Reply::Error {
                    reason: format!("{err:#}"),
                }
            }
        };
        waiting(reporter, &asked, timeout);
        loop {
            tokio::select! {
                Some(answer) = self.statuses.recv() => {
                    if let Some(reasons) = asked.take(&answer, reporter) {
                        return Reply::Refused { reason: reasons };
                    }
                }
                Some(arrived) = self.arrivals.recv() => match arrived {
                    Arrived::Kept { path, digest, size } => {
                        return Reply::Kept {
                            name: path
                                .file_name()
                                .map(|n| n.to_string_lossy().into_owned())
                                .unwrap_or_else(|| self.record.name.clone()),
                            path: path.display().to_string(),
                            size,
                            sha3_256: hex::encode(digest),
                        }
                    }
                    Arrived::Failed(reason) => reporter.report(Event::Error {
                        transfer_id: Some(self.record.interaction.clone()),
                        reason,
                    }),
                },
            }
        }
    }
}

/// Events of a handed-over re-request: shown by receive, and streamed to the client as
/// progress.
pub(crate) struct ToClient {
    pub(crate) replies: mpsc::Sender<Reply>,
    pub(crate) console: Arc<Console>,
}

impl Reporter for ToClient {
    fn report(&self, event: Event) {
        let progress = match &event {
            Event::Rerequest {
                peer_device,
                outcome,
                reason,
                ..
            } => Some((*outcome, Some(peer_device.clone()), reason.clone())),
            Event::Phase { what, .. } => Some(("waiting", None, what.clone())),
            Event::Error { reason, .. } => Some(("failed", None, reason.clone())),
            _ => None,
        };
        if let Some((outcome, peer_device, reason)) = progress {
            // A few lines per device asked: room enough unless the client stopped reading.
            let _ = self.replies.try_send(Reply::Progress {
                outcome: outcome.into(),
                peer_device,
                reason,
            });
        }
        self.console.report(event);
    }
}
