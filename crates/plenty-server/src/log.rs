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
//! ## When a write fails
//!
//! The in-memory state runs ahead of the database by the entries waiting to be written. The
//! writer keeps a second copy of the state, the *durable* one: exactly the entries the
//! database holds. When a batch fails (`recover`):
//! 1. the writer reads what the database holds after the durable state. A commit whose answer
//!    was lost (the connection dropped at the commit) is found there, and its requests are
//!    acknowledged after all;
//! 2. otherwise the batch is written again one request at a time, each re-sealed onto the
//!    durable state (`rebase`), so that a request the database refuses (a disk that is
//!    full, a value it cannot store) fails alone: the requests after it are re-checked against
//!    the rules and written, or refused if they depended on it (a ballot of a member whose
//!    sign-up failed);
//! 3. if the database cannot be reached at all (PostgreSQL restarting), every waiting request
//!    is answered "not saved" ([`StorageFailure::Unavailable`]) and the in-memory state is put
//!    back to the durable one; the next write tries the database again, so the service
//!    recovers by itself once the database is back.
//!
//! Nothing acknowledged is lost (an acknowledgement follows a commit), and nothing refused is
//! reported as saved. The only fail-stop left is a database whose log no longer extends the
//! durable state (changed behind the service's back): the service stops rather than guess,
//! and refuses to start on it until an auditor has looked.
//!
//! ## Checkpoints
//!
//! The log is also a Merkle tree ([`plenty_ledger::merkle`]): each sealed entry's hash is
//! appended to it (at most `log₂ n` hashes). After each commit the writer signs one checkpoint
//! of the durable size with the log's key ([`crate::log_key`], a file outside the database) and
//! hands it to every request of the batch, which answers with an inclusion receipt against it.
//! One signature per batch, not per entry, keeps the hot path cheap.

use crate::store::{Account, Store, StoreError};
use plenty_ledger::{
    Checkpoint, Entry, Event, Hash, InclusionReceipt, Ledger, LogSigningKey, MerkleTree,
    ProofError, Rejected, SignedCheckpoint, GENESIS,
};
use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use tokio::sync::{mpsc, oneshot};

/// Why a write was not saved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StorageFailure {
    /// The database could not be reached, or could not confirm the write: try again.
    Unavailable,
    /// The database refused this request's rows (its message: a full disk, a value it
    /// cannot store).
    Refused(String),
    /// Not written because a request before it was not saved and the rules, checked again
    /// without that one, now refuse it (why): sent again, it is checked afresh.
    Dropped(String),
}

impl StorageFailure {
    /// Whether a database error means the database could not be reached (rather than that it
    /// refused a statement).
    pub fn is_unreachable(e: &sqlx::Error) -> bool {
        matches!(
            e,
            sqlx::Error::Io(_)
                | sqlx::Error::PoolTimedOut
                | sqlx::Error::PoolClosed
                | sqlx::Error::Tls(_)
                | sqlx::Error::Protocol(_)
                | sqlx::Error::WorkerCrashed
        )
    }

    /// Whether the refusal is a full disk or database (SQLite's `SQLITE_FULL`, PostgreSQL's
    /// class 53 "insufficient resources").
    pub fn is_full(&self) -> bool {
        matches!(self, StorageFailure::Refused(m) if m.contains("full") || m.contains("No space"))
    }
}

/// The writer's work item: one request's entries (and account), and where to answer.
struct Write {
    entries: Vec<Entry>,
    accounts: Vec<Account>,
    done: oneshot::Sender<Result<Written, StorageFailure>>,
}

/// What a request hears when its entries are durable: the checkpoint signed after the commit,
/// and each entry's position and hash.
type Written = (Arc<SignedCheckpoint>, Vec<(u64, Hash)>);

impl Write {
    fn answer(self, result: Result<Arc<SignedCheckpoint>, StorageFailure>) {
        let written = result.map(|cp| {
            let positions = self.entries.iter().map(|e| (e.seq, tree_hash(e))).collect();
            (cp, positions)
        });
        // The request may have gone (its client hung up): nothing to tell it.
        let _ = self.done.send(written);
    }
}

/// The ledger, the chain's head and the Merkle tree of its entries.
#[derive(Clone)]
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

fn tree_hash(entry: &Entry) -> Hash {
    Hash::from_hex(&entry.hash).expect("entry hashes are SHA-256 in hex")
}

impl Chain {
    /// Seals events onto the chain (they must have been applied to the ledger already).
    fn seal(&mut self, events: Vec<Event>, at: u64) -> Vec<Entry> {
        let mut sealed = Vec::with_capacity(events.len());
        for e in events {
            self.seq += 1;
            let at = plenty_ledger::chain::recorded_time(&e, at);
            let entry = Entry::seal(self.seq, at, &self.head, e);
            self.head = entry.hash.clone();
            self.tree.push(tree_hash(&entry));
            sealed.push(entry);
        }
        sealed
    }

    /// Checks and applies events all or nothing: a single event in one step (a refused one
    /// leaves the state as it was); several on a copy that replaces the state only if every
    /// one is accepted (rare: closing a round).
    fn apply_all(&mut self, events: &[Event]) -> Result<(), Rejected> {
        if let [event] = events {
            return self.ledger.apply(event);
        }
        let mut trial = self.ledger.clone();
        for e in events {
            trial.apply(e)?;
        }
        self.ledger = trial;
        Ok(())
    }

    /// Moves the state forward by entries read from the database, checking each links to the
    /// last and keeps the rules.
    fn extend_with(&mut self, entries: &[Entry]) -> Result<(), String> {
        for e in entries {
            if e.seq != self.seq + 1 || e.prev != self.head || !e.hash_is_valid() {
                return Err(format!(
                    "entry {} in the database does not extend entry {} that the service wrote",
                    e.seq, self.seq
                ));
            }
            self.ledger
                .apply(&e.event)
                .map_err(|r| format!("entry {} breaks a rule: {}", e.seq, r.message))?;
            self.seq = e.seq;
            self.head = e.hash.clone();
            self.tree.push(tree_hash(e));
        }
        Ok(())
    }

    /// The checkpoint of this chain, signed: the writer signs its durable chain.
    fn sign(&self, key: &LogSigningKey) -> Arc<SignedCheckpoint> {
        let size = self.seq;
        let root = self
            .tree
            .root(size)
            .expect("the tree holds every entry of its chain");
        let head = match size {
            0 => Hash::default(),
            n => self.tree.leaf(n - 1).unwrap_or_default(),
        };
        Arc::new(key.sign(Checkpoint {
            origin: key.name().to_string(),
            size,
            root,
            head,
        }))
    }
}

/// What the writer and the handlers share: the chain, the key, the latest checkpoint.
struct Shared {
    chain: Mutex<Chain>,
    key: LogSigningKey,
    /// Signed at the durable size: every entry it covers is committed.
    latest: Mutex<Arc<SignedCheckpoint>>,
}

impl Shared {
    /// Signs the durable chain's checkpoint and makes it the latest.
    fn publish(&self, durable: &Chain) -> Arc<SignedCheckpoint> {
        let cp = durable.sign(&self.key);
        *self.latest.lock().unwrap_or_else(|e| e.into_inner()) = cp.clone();
        cp
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
    /// The store did not save it.
    Storage(StorageFailure),
}

fn now_ms() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or(0)
}

fn lock(chain: &Mutex<Chain>) -> std::sync::MutexGuard<'_, Chain> {
    chain.lock().unwrap_or_else(|e| e.into_inner())
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
        let durable = chain.clone();
        let latest = chain.sign(&key);
        let shared = Arc::new(Shared {
            chain: Mutex::new(chain),
            key,
            latest: Mutex::new(latest),
        });
        let (tx, rx) = mpsc::unbounded_channel();
        tokio::spawn(writer(store.clone(), shared.clone(), durable, rx));
        Ok(Arc::new(Log {
            shared,
            writer: tx,
            store,
        }))
    }

    /// Reads the state.
    pub fn read<R>(&self, f: impl FnOnce(&Chain) -> R) -> R {
        f(&lock(&self.shared.chain))
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

    /// As [`Log::append_with`], also returning where the entries went (after a failed batch
    /// the writer may have re-sealed them onto the durable state: the positions are the ones
    /// written).
    pub async fn append_sealed<T>(
        &self,
        accounts: Vec<Account>,
        build: impl FnOnce(&Ledger) -> Result<(Vec<Event>, T), Rejected>,
    ) -> Result<(T, Appended), AppendError> {
        let (rx, out) = {
            let mut c = lock(&self.shared.chain);
            let (events, out) = build(&c.ledger).map_err(AppendError::Rejected)?;
            c.apply_all(&events).map_err(AppendError::Rejected)?;
            let entries = c.seal(events, now_ms());
            let (done, rx) = oneshot::channel();
            let write = Write {
                entries,
                accounts,
                done,
            };
            if self.writer.send(write).is_err() {
                return Err(AppendError::Storage(StorageFailure::Unavailable));
            }
            (rx, out)
        };
        match rx.await {
            Ok(Ok((checkpoint, entries))) => Ok((
                out,
                Appended {
                    entries,
                    checkpoint,
                },
            )),
            Ok(Err(f)) => Err(AppendError::Storage(f)),
            Err(_) => Err(AppendError::Storage(StorageFailure::Unavailable)),
        }
    }

    /// Appends one event.
    pub async fn append(&self, event: Event) -> Result<(), AppendError> {
        self.append_with(Vec::new(), |_| Ok((vec![event], ())))
            .await
    }
}

/// Fault injection for the tests that kill the service between a commit and its answer:
/// with the `test-support` feature, `PLENTY_FAULT_ABORT_AFTER_BALLOTS=K` aborts the process
/// right after the commit that holds the K-th ballot written since it started, before any
/// request of that batch hears of it.
#[cfg(feature = "test-support")]
fn after_commit_fault(ballots: &mut u64, entries: &[Entry]) {
    let abort_at = std::env::var("PLENTY_FAULT_ABORT_AFTER_BALLOTS")
        .ok()
        .and_then(|v| v.parse::<u64>().ok());
    let before = *ballots;
    *ballots += entries
        .iter()
        .filter(|e| matches!(e.event, Event::BallotCast { .. }))
        .count() as u64;
    if abort_at.is_some_and(|k| before < k && k <= *ballots) {
        eprintln!(
            "fault injection: aborting after the commit of ballot {ballots}, before answering"
        );
        std::process::abort();
    }
}

#[cfg(not(feature = "test-support"))]
fn after_commit_fault(_: &mut u64, _: &[Entry]) {}

/// Group commit: take everything waiting, write it in one transaction, acknowledge; on a
/// failure, [`recover`].
async fn writer(
    store: Arc<dyn Store>,
    shared: Arc<Shared>,
    mut durable: Chain,
    mut rx: mpsc::UnboundedReceiver<Write>,
) {
    let mut pending: VecDeque<Write> = VecDeque::new();
    let mut ballots = 0;
    loop {
        if pending.is_empty() {
            match rx.recv().await {
                Some(w) => pending.push_back(w),
                None => return,
            }
        }
        while pending.len() < 1024 {
            match rx.try_recv() {
                Ok(w) => pending.push_back(w),
                Err(_) => break,
            }
        }
        let batch: Vec<Write> = pending.drain(..).collect();
        let entries: Vec<Entry> = batch
            .iter()
            .flat_map(|w| w.entries.iter().cloned())
            .collect();
        let accounts: Vec<Account> = batch
            .iter()
            .flat_map(|w| w.accounts.iter().cloned())
            .collect();
        match store.append(&entries, &accounts).await {
            Ok(()) => {
                after_commit_fault(&mut ballots, &entries);
                advance(&mut durable, &entries);
                let checkpoint = shared.publish(&durable);
                for w in batch {
                    w.answer(Ok(checkpoint.clone()));
                }
            }
            Err(e) => {
                tracing::warn!(
                    entries = entries.len(),
                    backend = store.backend(),
                    error = %e,
                    "writing log entries failed; finding what the database holds and writing the requests one by one"
                );
                pending = recover(&*store, &shared, &mut durable, batch, &mut rx).await;
            }
        }
    }
}

/// Moves the durable state over entries the database has just committed.
fn advance(durable: &mut Chain, entries: &[Entry]) {
    if let Err(why) = durable.extend_with(entries) {
        // The entries were checked against the same rules a moment ago, on a state that
        // extends this one; this cannot happen unless memory is corrupt.
        tracing::error!(%why, "the durable state does not follow the committed entries; stopping");
        std::process::exit(3);
    }
}

/// What a database error means for the request whose rows it refused.
fn failure_of(e: &StoreError) -> StorageFailure {
    match e {
        StoreError::Database(e) if StorageFailure::is_unreachable(e) => StorageFailure::Unavailable,
        StoreError::Database(sqlx::Error::Database(d)) => {
            StorageFailure::Refused(d.message().to_string())
        }
        StoreError::Conflict(m) | StoreError::Corrupt(m) => StorageFailure::Refused(m.clone()),
        _ => StorageFailure::Unavailable,
    }
}

/// After a failed batch (see the [module documentation](self)): returns the requests left to
/// write, re-sealed onto the durable state.
async fn recover(
    store: &dyn Store,
    shared: &Shared,
    durable: &mut Chain,
    batch: Vec<Write>,
    rx: &mut mpsc::UnboundedReceiver<Write>,
) -> VecDeque<Write> {
    let mut rest: VecDeque<Write> = batch.into();
    // 1. What does the database hold beyond the durable state?
    let newer = match store.log().await {
        Ok(all) => all
            .into_iter()
            .skip(durable.seq as usize)
            .collect::<Vec<_>>(),
        Err(e) => {
            tracing::warn!(error = %e, "the database cannot be reached; answering every waiting request \"not saved\"");
            give_up(
                &shared.chain,
                durable,
                rest,
                rx,
                StorageFailure::Unavailable,
            );
            return VecDeque::new();
        }
    };
    if !newer.is_empty() {
        if let Err(why) = durable.extend_with(&newer) {
            tracing::error!(%why, "the database's log no longer extends what the service wrote; stopping");
            std::process::exit(3);
        }
        // The batch is one transaction: it is in whole (its commit's answer was lost) or not
        // at all.
        let committed = rest
            .back()
            .and_then(|w| w.entries.last())
            .is_some_and(|last| {
                last.seq <= durable.seq && newer.iter().any(|e| e.hash == last.hash)
            });
        let checkpoint = shared.publish(durable);
        if committed {
            for w in rest {
                w.answer(Ok(checkpoint.clone()));
            }
            return VecDeque::new();
        }
    }
    // 2. One request at a time, each re-sealed onto the durable state.
    loop {
        rest = rebase(&shared.chain, durable, rest, rx);
        let Some(w) = rest.pop_front() else {
            return rest;
        };
        match store.append(&w.entries, &w.accounts).await {
            Ok(()) => {
                advance(durable, &w.entries);
                w.answer(Ok(shared.publish(durable)));
                // The others are sealed onto it: back to batches.
                return rest;
            }
            Err(e) => match failure_of(&e) {
                StorageFailure::Unavailable => {
                    tracing::warn!(error = %e, "the database cannot be reached; answering every waiting request \"not saved\"");
                    rest.push_front(w);
                    give_up(
                        &shared.chain,
                        durable,
                        rest,
                        rx,
                        StorageFailure::Unavailable,
                    );
                    return VecDeque::new();
                }
                refused => {
                    tracing::warn!(error = %e, entries = w.entries.len(), "the database refused one request's rows; that request fails alone");
                    w.answer(Err(refused));
                }
            },
        }
    }
}

/// Puts the in-memory state back to the durable one and re-seals the waiting requests onto it
/// (those still in the channel too: they were sealed onto the state being dropped). A request
/// the rules now refuse (it depended on one that failed) is answered "not saved".
fn rebase(
    chain: &Mutex<Chain>,
    durable: &Chain,
    rest: VecDeque<Write>,
    rx: &mut mpsc::UnboundedReceiver<Write>,
) -> VecDeque<Write> {
    let mut c = lock(chain);
    let mut waiting = rest;
    // Under the lock no request can be sealed, so the channel holds all the others.
    while let Ok(w) = rx.try_recv() {
        waiting.push_back(w);
    }
    *c = durable.clone();
    let mut out = VecDeque::with_capacity(waiting.len());
    for w in waiting {
        let at = w.entries.first().map_or(0, |e| e.at);
        let events: Vec<Event> = w.entries.iter().map(|e| e.event.clone()).collect();
        match c.apply_all(&events) {
            Ok(()) => {
                let entries = c.seal(events, at);
                out.push_back(Write {
                    entries,
                    accounts: w.accounts,
                    done: w.done,
                });
            }
            Err(r) => {
                tracing::info!(reason = %r.message, "a waiting request depended on one that was not saved");
                w.answer(Err(StorageFailure::Dropped(r.message)));
            }
        }
    }
    out
}

/// Answers every waiting request with `failure` and puts the state back to the durable one.
fn give_up(
    chain: &Mutex<Chain>,
    durable: &Chain,
    rest: VecDeque<Write>,
    rx: &mut mpsc::UnboundedReceiver<Write>,
    failure: StorageFailure,
) {
    let mut c = lock(chain);
    for w in rest {
        w.answer(Err(failure.clone()));
    }
    while let Ok(w) = rx.try_recv() {
        w.answer(Err(failure.clone()));
    }
    *c = durable.clone();
}
