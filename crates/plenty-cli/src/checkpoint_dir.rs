//! `--checkpoint DIR` of a distributed solve: where each rank's state goes, and how a resumed
//! run finds the last state every rank saved. The state itself and the promise that a resumed
//! solve has the uninterrupted bits are the core's ([`plenty_core::checkpoint`]).
//!
//! ```text
//!   DIR/latest.json            {"step": S, "ranks": P, "key": "<input hash>/<settings>"}
//!   DIR/step-00000040/rank-0.ckpt, rank-1.ckpt, …
//! ```
//!
//! Each rank writes its file (to a temporary name, flushed, then renamed); once every rank has,
//! rank 0 replaces `latest.json` the same way and removes the older steps. A run killed at any
//! moment therefore leaves a `latest.json` naming a step whose files are all complete. The
//! folder must be shared by the ranks (the working directory of a cluster job usually is).

use anyhow::{anyhow, bail, Context, Result};
use plenty_core::checkpoint::IterationState;
use plenty_core::dist::Communicator;
use serde_json::json;
use std::io::Write;
use std::path::{Path, PathBuf};

/// A checkpoint folder as one rank sees it.
pub struct CheckpointDir {
    dir: PathBuf,
    /// What the run depends on (input hash, settings, ranks): a resumed run must match it.
    key: String,
}

impl CheckpointDir {
    /// The folder (created if missing) for a run identified by `key`.
    pub fn new(dir: &Path, key: String) -> Result<Self> {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("--checkpoint {}: cannot create the folder", dir.display()))?;
        Ok(Self {
            dir: dir.to_path_buf(),
            key,
        })
    }

    fn step_dir(&self, step: usize) -> PathBuf {
        self.dir.join(format!("step-{step:08}"))
    }

    /// Saves this rank's state; collective (every rank calls it at the same step).
    pub fn save(&self, comm: &dyn Communicator, state: &IterationState) -> Result<(), String> {
        self.save_with(comm, state.step, |w| state.write_to(w))
    }

    /// Saves this rank's state of step `step`, written by `write`; collective.
    pub fn save_with(
        &self,
        comm: &dyn Communicator,
        step: usize,
        write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
    ) -> Result<(), String> {
        let mine = self.write_rank(comm.rank(), step, write);
        // Everyone must have written before latest.json may name this step.
        let (all, _) = comm.all_gather_u64(&[u64::from(mine.is_ok())]);
        mine?;
        if all.contains(&0) {
            return Err("another rank could not write its checkpoint".into());
        }
        if comm.rank() == 0 {
            self.publish(step, comm.size())
                .map_err(|e| format!("{e:#}"))?;
        }
        Ok(())
    }

    fn write_rank(
        &self,
        rank: usize,
        step: usize,
        write_state: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
    ) -> Result<(), String> {
        let dir = self.step_dir(step);
        let path = dir.join(format!("rank-{rank}.ckpt"));
        let write = || -> std::io::Result<()> {
            std::fs::create_dir_all(&dir)?;
            let tmp = path.with_extension("ckpt.tmp");
            let mut f = std::io::BufWriter::new(std::fs::File::create(&tmp)?);
            write_state(&mut f)?;
            f.flush()?;
            f.into_inner().map_err(|e| e.into_error())?.sync_all()?;
            std::fs::rename(&tmp, &path)
        };
        write().map_err(|e| format!("{}: {e}", path.display()))
    }

    /// Rank 0: names `step` in latest.json and removes the older steps.
    fn publish(&self, step: usize, ranks: usize) -> Result<()> {
        let latest = self.dir.join("latest.json");
        let tmp = self.dir.join("latest.json.tmp");
        let body = json!({"step": step, "ranks": ranks, "key": self.key});
        std::fs::write(&tmp, serde_json::to_vec_pretty(&body)?)
            .with_context(|| format!("{}", tmp.display()))?;
        std::fs::File::open(&tmp).and_then(|f| f.sync_all()).ok();
        std::fs::rename(&tmp, &latest).with_context(|| format!("{}", latest.display()))?;
        for entry in std::fs::read_dir(&self.dir)?.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if let Some(s) = name.strip_prefix("step-") {
                if s.parse::<usize>().is_ok_and(|s| s != step) {
                    let _ = std::fs::remove_dir_all(entry.path());
                }
            }
        }
        Ok(())
    }

    /// This rank's state of the last complete checkpoint, read by `read`, after checking that
    /// it is of this run (same inputs, settings and number of ranks).
    pub fn load_with<T>(
        &self,
        rank: usize,
        ranks: usize,
        read: impl FnOnce(&mut dyn std::io::Read) -> Result<T, String>,
    ) -> Result<T> {
        let latest = self.dir.join("latest.json");
        let text = std::fs::read_to_string(&latest).with_context(|| {
            format!(
                "--resume: {} is missing: no complete checkpoint in this folder (run without --resume to start afresh)",
                latest.display()
            )
        })?;
        let v: serde_json::Value = serde_json::from_str(&text)
            .with_context(|| format!("{}: not JSON", latest.display()))?;
        let step = v["step"]
            .as_u64()
            .ok_or_else(|| anyhow!("{}: no step", latest.display()))? as usize;
        if v["ranks"].as_u64() != Some(ranks as u64) {
            bail!(
                "--resume: the checkpoint in {} was made on {} ranks, this run has {ranks}; resume on the same number of ranks",
                self.dir.display(),
                v["ranks"]
            );
        }
        if v["key"].as_str() != Some(self.key.as_str()) {
            bail!(
                "--resume: the checkpoint in {} is of another run (other inputs or settings: {} there, {} here)",
                self.dir.display(),
                v["key"],
                self.key
            );
        }
        let path = self.step_dir(step).join(format!("rank-{rank}.ckpt"));
        let mut f = std::io::BufReader::new(
            std::fs::File::open(&path).with_context(|| format!("--resume: {}", path.display()))?,
        );
        read(&mut f).map_err(|e| anyhow!("{}: {e}", path.display()))
    }
}
