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

use crate::store::{Account, Store};
use plenty_ledger::{Entry, Event, Ledger, Rejected, GENESIS};
use std::sync::{Arc, Mutex};
use tokio::sync::{mpsc, oneshot};

/// The writer's work item.
struct Write {
    entries: Vec<Entry>,
    accounts: Vec<Account>,
    done: oneshot::Sender<()>,
}

/// The ledger and the chain's head.
pub struct Chain {
    /// The replayed state.
    pub ledger: Ledger,
    /// Entries so far.
    pub seq: u64,
    /// Hash of the last entry.
    pub head: String,
}

/// The log, in memory and on disk.
pub struct Log {
    chain: Mutex<Chain>,
    writer: mpsc::UnboundedSender<Write>,
    /// The store.
    pub store: Arc<dyn Store>,
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
    /// Replays the store's log (checking the chain and every rule) and starts the writer.
    pub async fn open(store: Arc<dyn Store>) -> anyhow::Result<Arc<Log>> {
        let entries = store.log().await?;
        // One replay both verifies the log and rebuilds the state.
        let (report, ledger) = plenty_ledger::verify_and_replay(&entries, false);
        if let Some(plenty_ledger::BadEntry { seq, reason: why }) = &report.first_bad {
            anyhow::bail!(
                "the log in the {} database does not verify at entry {seq}: {why}. It was changed behind the service's back; `plenty audit verify` on an export tells more",
                store.backend()
            );
        }
        let chain = Chain {
            ledger,
            seq: entries.len() as u64,
            head: entries
                .last()
                .map(|e| e.hash.clone())
                .unwrap_or_else(|| GENESIS.to_string()),
        };
        let (tx, rx) = mpsc::unbounded_channel();
        tokio::spawn(writer(store.clone(), rx));
        Ok(Arc::new(Log {
            chain: Mutex::new(chain),
            writer: tx,
            store,
        }))
    }

    /// Reads the state.
    pub fn read<R>(&self, f: impl FnOnce(&Chain) -> R) -> R {
        let c = self.chain.lock().unwrap_or_else(|e| e.into_inner());
        f(&c)
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
        let rx = {
            let mut c = self.chain.lock().unwrap_or_else(|e| e.into_inner());
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
            let at = now_ms();
            for e in events {
                c.seq += 1;
                let entry = Entry::seal(c.seq, at, &c.head, e);
                c.head = entry.hash.clone();
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
            (rx, out)
        };
        let (rx, out) = rx;
        rx.await.map_err(|_| AppendError::Storage)?;
        Ok(out)
    }

    /// Appends one event.
    pub async fn append(&self, event: Event) -> Result<(), AppendError> {
        self.append_with(Vec::new(), |_| Ok((vec![event], ())))
            .await
    }
}

/// Group commit: take everything waiting, write it in one transaction, acknowledge.
async fn writer(store: Arc<dyn Store>, mut rx: mpsc::UnboundedReceiver<Write>) {
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
        for w in batch {
            let _ = w.done.send(());
        }
    }
}
