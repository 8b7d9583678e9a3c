//! The serving side of a re-request, inside `ferry receive`: check the request against the
//! history, hash the file on disk again, and send it by an ordinary transfer.

use super::*;

/// Re-requests served at once by one `receive` (each hashes a whole file first).
pub(crate) const MAX_RESENDS: usize = 2;

/// What the serving side needs to send files again.
#[derive(Clone)]
pub struct Resender {
    pub home: PathBuf,
    pub identity: Arc<Identity>,
    pub dht: Dht,
    pub candidates: CandidateOptions,
    pub console: Arc<crate::cli::output::Console>,
    pub interrupt: Interrupt,
}

/// The serving side, inside `ferry receive`: answer each re-request that arrives. Admission
/// ([`rerequest::Gate`]) is decided on the signing device before any work, and this loop never
/// waits for a resend slot: it only reads messages, so the queue behind it (and the offers
/// served beside it) never stalls, however many valid re-requests come from a device that
/// never answers.
pub async fn answer_rerequests(resender: Resender, mut messages: mpsc::Receiver<InboundMessage>) {
    let slots = Arc::new(Semaphore::new(MAX_RESENDS));
    let gate = Arc::new(Mutex::new(rerequest::Gate::default()));
    while let Some(message) = messages.recv().await {
        if message.message.mime_type != REQUEST_TYPE {
            continue;
        }
        let requester = message.from.peer.device;
        let interaction = DataTransferRequest::parse(&message.message.payload)
            .map(|r| r.interaction)
            .unwrap_or_default();
        let admitted = gate.lock().unwrap_or_else(|e| e.into_inner()).admit(
            requester,
            &interaction,
            std::time::Instant::now(),
        );
        if let Err(why) = admitted {
            tracing::info!("dropped a re-request from device {requester}: {why}");
            continue;
        }
        let outstanding = Outstanding {
            gate: gate.clone(),
            requester,
            interaction,
        };
        let (resender, slots) = (resender.clone(), slots.clone());
        tokio::spawn(async move {
            let _outstanding = outstanding;
            let Ok(_slot) = slots.acquire_owned().await else {
                return;
            };
            resender.answer(message).await;
        });
    }
}

/// An admitted re-request: outstanding in the gate until dropped (answered, failed, aborted).
pub(crate) struct Outstanding {
    pub(crate) gate: Arc<Mutex<rerequest::Gate>>,
    pub(crate) requester: Id,
    pub(crate) interaction: String,
}

impl Drop for Outstanding {
    fn drop(&mut self) {
        self.gate
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .finish(self.requester, &self.interaction);
    }
}

impl Resender {
    async fn answer(&self, message: InboundMessage) {
        let requester = message.from;
        let request = DataTransferRequest::parse(&message.message.payload);
        let interaction = request
            .as_ref()
            .map(|r| r.interaction.clone())
            .unwrap_or_default();
        let history = match history::load(&self.home) {
            Ok(h) => h,
            Err(err) => return tracing::warn!("cannot read the history: {err:#}"),
        };
        let resendable = match request {
            Ok(request) => self.resendable(&history, &requester, &request).await,
            Err(refusal) => Err(refusal),
        };
        let (record, digest, path) = match resendable {
            Ok(found) => found,
            Err(refusal) => return self.refuse(&requester, &interaction, refusal).await,
        };
        self.report(&requester, &interaction, "sending", String::new());
        tracing::info!("sending {interaction} again to {}", requester.peer);
        let outgoing = Outgoing {
            source: Source::File(path),
            name: record.name.clone(),
            transfer_id: record.interaction.clone(),
            limit_rate: None,
            digest: Some(digest),
        };
        let sent = async {
            let (stream, peer) = connector::connect_via_dht(
                &self.dht,
                &self.identity,
                &requester,
                &self.candidates,
                self.console.as_ref(),
            )
            .await?;
            let sending = crate::session::send::Sending {
                console: self.console.clone(),
                interrupt: self.interrupt.clone(),
                recorder: Recorder {
                    home: self.home.clone(),
                    account: self.identity.account,
                },
            };
            sending.deliver(stream, peer, &outgoing).await
        };
        if let Err(err) = sent.await {
            self.console.report(Event::Error {
                transfer_id: Some(interaction.clone()),
                reason: format!("sending {interaction} again: {err:#}"),
            });
        }
    }

    /// The record `request` asks for, its digest and its file, still on disk with that digest.
    async fn resendable(
        &self,
        history: &[Interaction],
        requester: &DeviceInfo,
        request: &DataTransferRequest,
    ) -> Result<(Interaction, Digest, PathBuf), Refusal> {
        let record = rerequest::check(history, self.identity.account, &requester.peer, request)?;
        let interaction = record.interaction.clone();
        let (Some(path), Some(digest)) =
            (record.path.as_deref().map(PathBuf::from), record.digest())
        else {
            return Err(Refusal::NotResendable { interaction });
        };
        let hashed = {
            let path = path.clone();
            tokio::task::spawn_blocking(move || hash_file(&path)).await
        };
        match hashed {
            Ok(Ok(found)) if found == digest => Ok((record.clone(), digest, path)),
            Ok(Ok(_)) => Err(Refusal::FileChanged { interaction }),
            _ => Err(Refusal::FileMissing {
                interaction,
                path: path.display().to_string(),
            }),
        }
    }

    fn report(
        &self,
        requester: &DeviceInfo,
        interaction: &str,
        outcome: &'static str,
        reason: String,
    ) {
        self.console.report(Event::Rerequest {
            interaction: interaction.to_string(),
            peer_device: requester.peer.device.to_string(),
            outcome,
            reason,
        });
    }

    /// Log and show a refusal; tell the requester when it is a member.
    async fn refuse(&self, requester: &DeviceInfo, interaction: &str, refusal: Refusal) {
        tracing::warn!("refused a re-request from {}: {refusal}", requester.peer);
        self.report(requester, interaction, "refused", refusal.to_string());
        if refusal.tell_requester() {
            self.tell_refused(requester, interaction, &refusal).await;
        }
    }

    async fn tell_refused(&self, requester: &DeviceInfo, interaction: &str, refusal: &Refusal) {
        let status = Status {
            interaction: interaction.to_string(),
            status: "refused".into(),
            reason: refusal.to_string(),
        };
        let Ok(payload) = serde_json::to_vec(&status) else {
            return;
        };
        if let Err(err) =
            connector::send_message(&self.dht, &self.identity, requester, STATUS_TYPE, payload)
                .await
        {
            tracing::warn!("could not answer a re-request: {err:#}");
        }
    }
}
