//! The service's state: the replayed [`Ledger`], the head of the chain, and the writer that
//! makes entries durable in batches (group commit).
//!
//! Writing an event:
//! 1. under the ledger's lock, check the event against the rules, seal it onto the chain and
//!    apply it, then hand it to the writer (still under the lock, so entries reach the writer
//!    in chain order);
//! 2. the writer takes every entry waiting, writes them in one transaction, and acknowledges
//!    each request only after the commit is durable.
//!
//! If a write fails the in-memory state is ahead of the database, so the service stops
//! (fail-stop) rather than answer from a state it cannot keep; on restart it replays the
//! database, which holds exactly the acknowledged entries.
//!
//! The log is also a Merkle tree ([`plenty_ledger::merkle`]): each sealed entry's hash is
//! appended to it (at most `log₂ n` hashes). After each commit the writer signs one
//! checkpoint of the durable size with the log's key ([`crate::log_key`], a file outside the
//! database) and hands it to every request of the batch, which answers with an inclusion
//! receipt against it. One signature per batch, not per entry, keeps the hot path cheap.

use crate::store::{Account, Store};
use plenty_ledger::{
    Checkpoint, Entry, Event, Hash, InclusionReceipt, Ledger, LogSigningKey, MerkleTree,
    ProofError, Rejected, SignedCheckpoint, GENESIS,
};
use std::sync::{Arc, Mutex};
use tokio::sync::{mpsc, oneshot};

/// The writer's work item.
struct Write {
    entries: Vec<Entry>,
    accounts: Vec<Account>,
    done: oneshot::Sender<Arc<SignedCheckpoint>>,
}

/// The ledger, the chain's head and the Merkle tree of its entries.
pub struct Chain {
    /// The replayed state.
    pub ledger: Ledger,
    /// Entries so far.
    pub seq: u64,
    /// Hash of the last entry.
    pub head: String,
    /// The Merkle tree of the entries' hashes (sealed ones: some may not be durable yet).
    pub tree: MerkleTree,
}

/// What the writer and the handlers share: the chain, the key, the latest checkpoint.
struct Shared {
    chain: Mutex<Chain>,
    key: LogSigningKey,
    /// Signed at the durable size: every entry it covers is committed.
    latest: Mutex<Arc<SignedCheckpoint>>,
}

impl Shared {
    /// Signs the checkpoint of the first `size` entries (sealed, so in the tree).
    fn sign(&self, size: u64) -> Arc<SignedCheckpoint> {
        let (root, head) = {
            let c = self.chain.lock().unwrap_or_else(|e| e.into_inner());
            let root = c
                .tree
                .root(size)
                .expect("the durable size is at most the sealed size");
            let head = match size {
                0 => Hash::default(),
                n => c.tree.leaf(n - 1).unwrap_or_default(),
            };
            (root, head)
        };
        Arc::new(self.key.sign(Checkpoint {
            origin: self.key.name().to_string(),
            size,
            root,
            head,
        }))
    }
}

/// The log, in memory and on disk.
pub struct Log {
    shared: Arc<Shared>,
    writer: mpsc::UnboundedSender<Write>,
    /// The store.
    pub store: Arc<dyn Store>,
}

/// Where an append's entries went: their positions and hashes, and the checkpoint signed
/// after they were committed (its size includes them).
#[derive(Debug, Clone)]
pub struct Appended {
    /// Position and hash of each entry written, in order.
    pub entries: Vec<(u64, Hash)>,
    /// The checkpoint the writer signed after the commit.
    pub checkpoint: Arc<SignedCheckpoint>,
}

/// Why an append did not happen.
#[derive(Debug)]
pub enum AppendError {
    /// The rules refuse it.
    Rejected(Rejected),
    /// The store failed (the service is stopping).
    Storage,
}

fn now_ms() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or(0)
}

impl Log {
    /// Replays the store's log (checking the chain and every rule), rebuilds its Merkle tree,
    /// then loads the log's key (`key` is called only once the log verifies), signs a
    /// checkpoint of the log as it is, and starts the writer.
    pub async fn open(
        store: Arc<dyn Store>,
        key: impl FnOnce() -> anyhow::Result<LogSigningKey>,
    ) -> anyhow::Result<Arc<Log>> {
        let entries = store.log().await?;
        // One replay both verifies the log and rebuilds the state.
        let (report, ledger) = plenty_ledger::verify_and_replay(&entries, false);
        if let Some(plenty_ledger::BadEntry { seq, reason: why }) = &report.first_bad {
            anyhow::bail!(
                "the log in the {} database does not verify at entry {seq}: {why}. It was changed behind the service's back; `plenty audit verify` on an export tells more",
                store.backend()
            );
        }
        let key = key()?;
        let chain = Chain {
            ledger,
            seq: entries.len() as u64,
            head: entries
                .last()
                .map(|e| e.hash.clone())
                .unwrap_or_else(|| GENESIS.to_string()),
            tree: plenty_ledger::tree_of(&entries),
        };
        let size = chain.seq;
        let placeholder = Arc::new(key.sign(Checkpoint {
            origin: key.name().to_string(),
            size: 0,
            root: plenty_ledger::merkle::empty_root(),
            head: Hash::default(),
        }));
        let shared = Arc::new(Shared {
            chain: Mutex::new(chain),
            key,
            latest: Mutex::new(placeholder),
        });
        *shared.latest.lock().unwrap_or_else(|e| e.into_inner()) = shared.sign(size);
        let (tx, rx) = mpsc::unbounded_channel();
        tokio::spawn(writer(store.clone(), shared.clone(), rx));
        Ok(Arc::new(Log {
            shared,
            writer: tx,
            store,
        }))
    }

    /// Reads the state.
    pub fn read<R>(&self, f: impl FnOnce(&Chain) -> R) -> R {
        let c = self.shared.chain.lock().unwrap_or_else(|e| e.into_inner());
        f(&c)
    }

    /// The latest checkpoint: signed after the last commit, at the durable size (every entry
    /// it covers is in the database).
    pub fn checkpoint(&self) -> Arc<SignedCheckpoint> {
        self.shared
            .latest
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// The log's key (its verifying half is published).
    pub fn key(&self) -> &LogSigningKey {
        &self.shared.key
    }

    /// The inclusion proof of entry `seq` in the tree of `size` entries.
    pub fn inclusion_proof(&self, seq: u64, size: u64) -> Result<Vec<Hash>, ProofError> {
        if seq == 0 {
            return Err(ProofError::OutOfRange {
                what: "seq",
                value: 0,
                size,
            });
        }
        self.read(|c| c.tree.inclusion_proof(seq - 1, size))
    }

    /// The consistency proof from `from` entries to `to`.
    pub fn consistency_proof(&self, from: u64, to: u64) -> Result<Vec<Hash>, ProofError> {
        self.read(|c| c.tree.consistency_proof(from, to))
    }

    /// The receipt of the last entry of an append: its position and hash, the checkpoint
    /// signed after its commit, and the inclusion proof against it.
    pub fn receipt(&self, a: &Appended) -> Option<InclusionReceipt> {
        let &(seq, hash) = a.entries.last()?;
        let proof = self
            .inclusion_proof(seq, a.checkpoint.checkpoint.size)
            .ok()?;
        Some(InclusionReceipt {
            seq,
            hash,
            checkpoint: (*a.checkpoint).clone(),
            proof,
        })
    }

    /// Appends events built from the current state, atomically: `build` sees the state and
    /// returns the events (or a refusal); all are checked, sealed and applied together, then
    /// written in one transaction with `accounts`. Returns what `build` returned beside the
    /// events, once durable.
    pub async fn append_with<T>(
        &self,
        accounts: Vec<Account>,
        build: impl FnOnce(&Ledger) -> Result<(Vec<Event>, T), Rejected>,
    ) -> Result<T, AppendError> {
        Ok(self.append_sealed(accounts, build).await?.0)
    }

    /// As [`Log::append_with`], also returning the entries' receipt (of the last entry,
    /// `None` when `build` returned no event).
    pub async fn append_with_receipt<T>(
        &self,
        accounts: Vec<Account>,
        build: impl FnOnce(&Ledger) -> Result<(Vec<Event>, T), Rejected>,
    ) -> Result<(T, Option<InclusionReceipt>), AppendError> {
        let (out, appended) = self.append_sealed(accounts, build).await?;
        let receipt = self.receipt(&appended);
        Ok((out, receipt))
    }

    /// As [`Log::append_with`], also returning where the entries went.
    pub async fn append_sealed<T>(
        &self,
        accounts: Vec<Account>,
        build: impl FnOnce(&Ledger) -> Result<(Vec<Event>, T), Rejected>,
    ) -> Result<(T, Appended), AppendError> {
        let (rx, out, written) = {
            let mut c = self.shared.chain.lock().unwrap_or_else(|e| e.into_inner());
            let (events, out) = build(&c.ledger).map_err(AppendError::Rejected)?;
            // All or nothing: a single event is checked and applied in one step (a refused one
            // leaves the state as it was); several are applied to a copy that replaces the
            // state only if every one is accepted (rare: closing a round).
            if let [event] = events.as_slice() {
                c.ledger.apply(event).map_err(AppendError::Rejected)?;
            } else {
                let mut trial = c.ledger.clone();
                for e in &events {
                    trial.apply(e).map_err(AppendError::Rejected)?;
                }
                c.ledger = trial;
            }
            let mut sealed = Vec::with_capacity(events.len());
            let mut written = Vec::with_capacity(events.len());
            let at = now_ms();
            for e in events {
                c.seq += 1;
                let entry = Entry::seal(c.seq, at, &c.head, e);
                c.head = entry.hash.clone();
                let hash = Hash::from_hex(&entry.hash).expect("entry hashes are SHA-256 in hex");
                c.tree.push(hash);
                written.push((entry.seq, hash));
                sealed.push(entry);
            }
            let (done, rx) = oneshot::channel();
            if self
                .writer
                .send(Write {
                    entries: sealed,
                    accounts,
                    done,
                })
                .is_err()
            {
                return Err(AppendError::Storage);
            }
            (rx, out, written)
        };
        let checkpoint = rx.await.map_err(|_| AppendError::Storage)?;
        Ok((
            out,
            Appended {
                entries: written,
                checkpoint,
            },
        ))
    }

    /// Appends one event.
    pub async fn append(&self, event: Event) -> Result<(), AppendError> {
        self.append_with(Vec::new(), |_| Ok((vec![event], ())))
            .await
    }
}

/// Group commit: take everything waiting, write it in one transaction, sign one checkpoint
/// of the durable size, acknowledge with it.
async fn writer(
    store: Arc<dyn Store>,
    shared: Arc<Shared>,
    mut rx: mpsc::UnboundedReceiver<Write>,
) {
    while let Some(first) = rx.recv().await {
        let mut batch = vec![first];
        while batch.len() < 1024 {
            match rx.try_recv() {
                Ok(w) => batch.push(w),
                Err(_) => break,
            }
        }
        let entries: Vec<Entry> = batch
            .iter()
            .flat_map(|w| w.entries.iter().cloned())
            .collect();
        let accounts: Vec<Account> = batch
            .iter()
            .flat_map(|w| w.accounts.iter().cloned())
            .collect();
        if let Err(e) = store.append(&entries, &accounts).await {
            tracing::error!(
                entries = entries.len(),
                backend = store.backend(),
                error = %e,
                "writing log entries failed. Stopping: nothing unacknowledged is lost, and a restart replays the database"
            );
            std::process::exit(3);
        }
        // Entries reach the writer in chain order, so the last one's position is the
        // durable size.
        let checkpoint = match entries.last() {
            Some(last) => {
                let cp = shared.sign(last.seq);
                *shared.latest.lock().unwrap_or_else(|e| e.into_inner()) = cp.clone();
                cp
            }
            None => shared
                .latest
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .clone(),
        };
        for w in batch {
            let _ = w.done.send(checkpoint.clone());
        }
    }
}
