//! `plenty serve` (the participatory service) and `plenty audit` (verify a log).

use crate::NoAnswer;
use anyhow::{Context, Result};
use clap::{Args, Subcommand};
use std::path::PathBuf;

/// `plenty serve`.
#[derive(Debug, Args, Clone)]
pub struct ServeArgs {
    /// Where the log and accounts live: a SQLite file (created if missing), `sqlite://PATH`,
    /// or `postgres://USER@HOST/DB`.
    #[arg(long, default_value = "plenty.sqlite3", env = "PLENTY_DATABASE")]
    pub db: String,
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub listen: String,
    /// Load the demo federation (valley economy, five accounts, an open round) into an empty
    /// log.
    #[arg(long)]
    pub demo: bool,
    /// Admit members only by invitation (the default; kept for scripts that say so).
    #[arg(long, conflicts_with = "open_signup")]
    pub invitation_only: bool,
    /// Let anyone sign up without an invitation, as an applicant who can do nothing until a
    /// facilitator admits them and assigns their councils.
    #[arg(long)]
    pub open_signup: bool,
    /// A reverse proxy whose `X-Forwarded-For` header names the client (repeatable). Without
    /// one, the header is ignored: sign-in limits count the connection's address.
    #[arg(long = "trusted-proxy", value_name = "ADDR")]
    pub trusted_proxies: Vec<std::net::IpAddr>,
    /// Seconds a request may take before it is answered 503.
    #[arg(long, default_value_t = 30, value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub request_timeout: u64,
    /// Seconds a connection may stay silent before it is closed (at least the request
    /// timeout).
    #[arg(long, default_value_t = 60, value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub idle_timeout: u64,
    /// Most connections open at once; more wait.
    #[arg(long, default_value_t = 512, value_parser = clap::value_parser!(u64).range(1..=100_000))]
    pub max_connections: u64,
    /// Minutes a CSRF token stays valid.
    #[arg(long, default_value_t = 120.0)]
    pub csrf_minutes: f64,
    /// Send cookies without `Secure` (only behind a plain-HTTP proxy on another host; browsers
    /// accept `Secure` cookies on localhost).
    #[arg(long)]
    pub insecure_cookies: bool,
    /// The file of the key that signs the log's checkpoints, made (mode 0600) on first start.
    /// Keep it outside the database and back it up apart from it. Default: next to a SQLite
    /// database (`DB.log-key`), `plenty-log.key` here for PostgreSQL.
    #[arg(long, env = "PLENTY_LOG_KEY")]
    pub log_key: Option<PathBuf>,
    /// The name of a new log key: the first line of every checkpoint (for example
    /// `valley.example/plenty`). Default: `plenty-log/` and the start of the public key.
    #[arg(long)]
    pub log_name: Option<String>,
    /// The file of the secret keys that make ballot pseudonyms and CSRF tokens, kept out of
    /// the database (created readable by its owner only). Default: beside a SQLite database,
    /// `DB.secret`; for PostgreSQL, `plenty-secret.key` in the working directory.
    #[arg(long, env = "PLENTY_SECRET_FILE")]
    pub secret_file: Option<PathBuf>,
    /// Add a new secret key for the rounds after the latest one, then serve (the rounds before
    /// keep theirs; see docs/service.md, "Ballot secrecy").
    #[arg(long)]
    pub rotate_secret: bool,
    /// The SMTP server that sends e-mail (notices, password resets): `smtp://HOST:PORT` in
    /// plain text to a relay on this machine or network, `smtp://HOST:PORT?tls=required` with
    /// STARTTLS, `smtps://HOST:PORT` over TLS; `USER:PASSWORD@` before the host signs in (give
    /// it in the environment, not on the command line). Without it no e-mail is sent.
    #[arg(long, env = "PLENTY_SMTP", value_name = "URL", hide_env_values = true)]
    pub smtp: Option<String>,
    /// The sender of the e-mails, e.g. `plenty <plenty@example.org>` (needed with --smtp).
    #[arg(long, env = "PLENTY_MAIL_FROM", value_name = "ADDRESS")]
    pub mail_from: Option<String>,
    /// The service's address as members reach it (e.g. `https://plan.example.org`): links in
    /// e-mails start with it.
    #[arg(long, env = "PLENTY_PUBLIC_URL", value_name = "URL")]
    pub public_url: Option<String>,
}

/// Where the secret keys live when `--secret-file` is not given.
fn default_secret_file(db: &str) -> PathBuf {
    plenty_server::keys::beside_database(db, "secret", "plenty-secret.key")
}

/// `plenty audit`.
#[derive(Debug, Args, Clone)]
pub struct AuditArgs {
    /// What to do.
    #[command(subcommand)]
    pub command: AuditCommand,
}

/// Audit jobs.
#[derive(Debug, Subcommand, Clone)]
pub enum AuditCommand {
    /// Verify a log: the hash chain, every rule, every count, and every plan recomputed bit
    /// for bit. Exit 0 when it verifies, 1 with the first bad entry when it does not.
    Verify {
        /// An export (`GET /api/audit/export`, JSON lines). Omit with --db.
        export: Option<PathBuf>,
        /// Read the log straight from the service's database instead.
        #[arg(long)]
        db: Option<String>,
        /// Skip recomputing plans (faster on big economies).
        #[arg(long)]
        no_plans: bool,
        /// A checkpoint the service signed earlier (`GET /api/v1/log/checkpoint`, or the one
        /// in a receipt): the log must extend it. Repeatable. Needs --key.
        #[arg(long = "checkpoint", value_name = "FILE")]
        checkpoints: Vec<PathBuf>,
        /// The log's verifying key: a file (`GET /api/v1/log/key`, or its `key` text), the
        /// text `NAME+KEYID+BASE64`, or the public key's 64 hexadecimal digits.
        #[arg(long, value_name = "FILE|KEY")]
        key: Option<String>,
        /// A head the log must contain (an entry's hash, as a checkpoint or the service
        /// showed it): the log must extend the log that ended there.
        #[arg(long, value_name = "HASH")]
        expect_head: Option<String>,
        /// The fewest entries the log may have.
        #[arg(long, value_name = "N")]
        min_size: Option<u64>,
    },
    /// Check that a newer checkpoint extends an older one: both signed by the log's key, and
    /// a consistency proof (computed from an export, or fetched from
    /// `GET /api/v1/log/proof/consistency?from=OLD&to=NEW`) joins them. Exit 0 when it does, 1
    /// when the log was rewritten or cut short in between.
    Consistency {
        /// The older checkpoint.
        old: PathBuf,
        /// The newer checkpoint.
        new: PathBuf,
        /// The log's verifying key (file, text or hexadecimal).
        #[arg(long, value_name = "FILE|KEY")]
        key: String,
        /// An export of the log, at least as long as the newer checkpoint.
        #[arg(long, conflicts_with = "proof")]
        export: Option<PathBuf>,
        /// A consistency proof as the service gives it (JSON).
        #[arg(long)]
        proof: Option<PathBuf>,
    },
    /// Check an inclusion receipt (the `inclusion` of a write's answer, or the whole answer):
    /// signed by the log's key and proving its entry; then, with --checkpoint, that a later
    /// checkpoint still holds it (by --export or --proof), or with --export alone that the
    /// export does. Exit 0 when it holds, 1 when the entry is gone or moved.
    Receipt {
        /// The receipt (JSON).
        receipt: PathBuf,
        /// The log's verifying key (file, text or hexadecimal).
        #[arg(long, value_name = "FILE|KEY")]
        key: String,
        /// A later checkpoint that must still hold the entry.
        #[arg(long, value_name = "FILE")]
        checkpoint: Option<PathBuf>,
        /// An export of the log.
        #[arg(long)]
        export: Option<PathBuf>,
        /// A consistency proof from the receipt's size to the later checkpoint's (JSON, as
        /// `GET /api/v1/log/proof/consistency` gives it).
        #[arg(long, conflicts_with = "export")]
        proof: Option<PathBuf>,
    },
    /// Write the log of a database as JSON lines.
    Export {
        /// The service's database.
        #[arg(long)]
        db: String,
        /// Output file.
        #[arg(short, long)]
        output: PathBuf,
    },
}

fn runtime() -> Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")
}

/// `plenty serve`.
pub fn serve(a: &ServeArgs) -> Result<()> {
    if a.idle_timeout < a.request_timeout {
        anyhow::bail!(
            "--idle-timeout ({} s) must be at least --request-timeout ({} s): a connection is idle while its request is computed",
            a.idle_timeout,
            a.request_timeout
        );
    }
    let settings = plenty_server::api::Settings {
        open_signup: a.open_signup,
        trusted_proxies: a.trusted_proxies.clone(),
        request_timeout_ms: a.request_timeout * 1000,
        idle_timeout_ms: a.idle_timeout * 1000,
        max_connections: a.max_connections as usize,
        csrf_ttl_ms: (a.csrf_minutes * 60_000.0) as i64,
        secure_cookies: !a.insecure_cookies,
        secret_file: Some(
            a.secret_file
                .clone()
                .unwrap_or_else(|| default_secret_file(&a.db)),
        ),
        log_key: a.log_key.clone(),
        log_name: a.log_name.clone(),
        smtp: a.smtp.clone(),
        mail_from: a.mail_from.clone(),
        public_url: a.public_url.clone(),
        ..Default::default()
    };
    // The service logs with `tracing`; its lines go to standard error. Standard output keeps
    // the lines a person (or a script) reads: the demo's accounts and the address.
    let _ = tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_target(false)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_max_level(tracing_subscriber::filter::LevelFilter::INFO)
        .try_init();
    runtime()?.block_on(async {
        let path = settings.secret_file.clone();
        let mut st = plenty_server::state(&a.db, settings).await?;
        if a.rotate_secret {
            let next = st.log.read(|c| c.ledger.next_round());
            let mut secrets = (*st.secrets).clone();
            if let Some(path) = &path {
                secrets.rotate(path, next)?;
                println!(
                    "plenty serve: a new secret key serves round {next} and the rounds after it"
                );
            }
            st.secret = std::sync::Arc::new(secrets.newest().to_vec());
            st.secrets = std::sync::Arc::new(secrets);
        }
        if a.demo {
            if plenty_server::demo::load(&st).await? {
                println!("plenty serve: demo federation loaded. Sign in as one of:");
                for (email, name, _, _) in plenty_server::demo::ACCOUNTS {
                    println!("  {email:<26} {name}");
                }
                println!("  password for all: {}", plenty_server::demo::PASSWORD);
            } else {
                println!("plenty serve: the log is not empty; the demo is not loaded again");
            }
        }
        let listener = tokio::net::TcpListener::bind(&a.listen)
            .await
            .with_context(|| format!("cannot listen on {}", a.listen))?;
        let local = listener.local_addr()?;
        println!(
            "plenty serve: listening on http://{local} ({} store, {} log entries)",
            st.log.store.backend(),
            st.log.read(|c| c.seq)
        );
        println!(
            "plenty serve: the log's verifying key is {}",
            st.log.key().verifier().to_text()
        );
        plenty_server::serve(listener, st, async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await?;
        Ok(())
    })
}

fn read_text(p: &std::path::Path, what: &str) -> Result<String> {
    std::fs::read_to_string(p).with_context(|| format!("{}: cannot read the {what}", p.display()))
}

fn read_export(p: &std::path::Path) -> Result<Vec<plenty_ledger::Entry>> {
    let text = read_text(p, "export")?;
    plenty_ledger::parse_export(&text).map_err(|e| anyhow::anyhow!("{}: {e}", p.display()))
}

/// A verifying key: a file (the text, or the JSON of `GET /log/key`), or the key itself.
fn read_key(arg: &str) -> Result<plenty_ledger::LogVerifier> {
    let path = std::path::Path::new(arg);
    let (text, from) = if path.is_file() {
        let t = read_text(path, "key")?;
        let t = match serde_json::from_str::<serde_json::Value>(&t) {
            Ok(v) if v["key"].is_string() => v["key"].as_str().unwrap_or_default().to_string(),
            _ => t,
        };
        (t, format!("{}: ", path.display()))
    } else {
        (arg.to_string(), "--key: ".to_string())
    };
    plenty_ledger::LogVerifier::parse(&text)
        .map_err(|e| anyhow::anyhow!("{from}{e} (GET /api/v1/log/key gives the log's key)"))
}

fn read_checkpoint(p: &std::path::Path) -> Result<plenty_ledger::SignedCheckpoint> {
    let text = read_text(p, "checkpoint")?;
    plenty_ledger::SignedCheckpoint::parse(&text).map_err(|e| {
        anyhow::anyhow!(
            "{}: {e}. A checkpoint is the text of GET /api/v1/log/checkpoint",
            p.display()
        )
    })
}

/// A receipt: the `inclusion` of a write's answer, or the receipt itself.
fn read_receipt(p: &std::path::Path) -> Result<plenty_ledger::InclusionReceipt> {
    let text = read_text(p, "receipt")?;
    let v: serde_json::Value = serde_json::from_str(&text)
        .with_context(|| format!("{}: the receipt is not JSON", p.display()))?;
    let v = if v.get("inclusion").is_some() {
        v["inclusion"].clone()
    } else {
        v
    };
    serde_json::from_value(v).with_context(|| {
        format!(
            "{}: not a receipt (the `inclusion` of a ballot's, need's or proposal's answer: seq, hash, checkpoint, proof)",
            p.display()
        )
    })
}

/// A consistency proof as the service gives it, for the sizes `from` → `to`.
fn read_proof(p: &std::path::Path, from: u64, to: u64) -> Result<Vec<plenty_ledger::Hash>> {
    #[derive(serde::Deserialize)]
    struct Proof {
        from: u64,
        to: u64,
        proof: Vec<plenty_ledger::Hash>,
    }
    let text = read_text(p, "proof")?;
    let proof: Proof = serde_json::from_str(&text).with_context(|| {
        format!(
            "{}: not a consistency proof (JSON with from, to, proof)",
            p.display()
        )
    })?;
    if (proof.from, proof.to) != (from, to) {
        anyhow::bail!(
            "{}: the proof is from {} to {}, but the checkpoints are of {from} and {to} entries: fetch GET /api/v1/log/proof/consistency?from={from}&to={to}",
            p.display(),
            proof.from,
            proof.to
        );
    }
    Ok(proof.proof)
}

/// `plenty audit`.
pub fn audit(a: &AuditArgs) -> Result<()> {
    match &a.command {
        AuditCommand::Verify {
            export,
            db,
            no_plans,
            checkpoints,
            key,
            expect_head,
            min_size,
        } => {
            let (entries, source) = match (export, db) {
                (Some(p), None) => {
                    let text = std::fs::read_to_string(p)
                        .with_context(|| format!("{}: cannot read the export", p.display()))?;
                    let entries = plenty_ledger::parse_export(&text)
                        .map_err(|e| anyhow::anyhow!("{}: {e}", p.display()))?;
                    (entries, p.display().to_string())
                }
                (None, Some(url)) => {
                    let entries = runtime()?.block_on(async {
                        let store = plenty_server::store::open(url).await?;
                        store.log().await
                    })?;
                    (entries, url.clone())
                }
                _ => anyhow::bail!("give an export file, or --db with the service's database"),
            };
            let key = key.as_deref().map(read_key).transpose()?;
            let cps = checkpoints
                .iter()
                .map(|p| read_checkpoint(p))
                .collect::<Result<Vec<_>>>()?;
            if !cps.is_empty() && key.is_none() {
                anyhow::bail!("--checkpoint needs --key: a checkpoint is only worth its signature (the service shows its key at GET /api/v1/log/key)");
            }
            let expect = plenty_ledger::Expectations {
                expect_head: expect_head
                    .as_deref()
                    .map(|h| {
                        h.parse()
                            .map_err(|e: String| anyhow::anyhow!("--expect-head: {e}"))
                    })
                    .transpose()?,
                min_size: *min_size,
            };
            let report =
                plenty_ledger::verify_against(&entries, &cps, &expect, key.as_ref(), !no_plans);
            println!(
                "{source}: {} entries, head {}, Merkle root {}",
                report.entries,
                report.head.as_deref().unwrap_or("(empty)"),
                report.root
            );
            if let Some(plenty_ledger::BadEntry { seq, reason: why }) = &report.first_bad {
                return Err(NoAnswer(format!(
                    "the log does NOT verify: the first bad entry is {seq}: {why}"
                ))
                .into());
            }
            if let Some(b) = &report.history {
                let which = b
                    .checkpoint
                    .and_then(|k| checkpoints.get(k))
                    .map(|p| format!(" (checkpoint {})", p.display()))
                    .unwrap_or_default();
                return Err(NoAnswer(format!(
                    "the log does NOT extend what you hold{which}: {}",
                    b.message
                ))
                .into());
            }
            println!(
                "verified: the hash chain is intact, every entry follows the rules, {} counts recomputed{}",
                report.tallies_checked,
                if *no_plans {
                    String::new()
                } else {
                    format!(", {} plans recomputed bit for bit", report.plans_checked)
                }
            );
            if let Some(acc) = &report.accounting {
                let t = acc.totals;
                println!(
                    "verified: every balance recomputed from the log ({} accounts): {} hours worked = {} deducted (investment {}, common goods {}, care {}) + {} credits issued; {} credits spent, {} left",
                    acc.accounts,
                    t.hours,
                    t.deductions(),
                    t.investment,
                    t.common_goods,
                    t.care,
                    t.credits,
                    t.consumption,
                    t.available()
                );
            }
            if report.checkpoints_checked > 0 {
                println!(
                    "verified: the log extends the {} checkpoint{} given",
                    report.checkpoints_checked,
                    if report.checkpoints_checked == 1 {
                        ""
                    } else {
                        "s"
                    }
                );
            }
            if cps.is_empty() && expect == plenty_ledger::Expectations::default() {
                println!("note: without --checkpoint (or --expect-head, --min-size) this cannot tell whether entries were removed or the log re-sealed: keep the service's checkpoints (GET /api/v1/log/checkpoint) and give them here");
            }
            Ok(())
        }
        AuditCommand::Consistency {
            old,
            new,
            key,
            export,
            proof,
        } => {
            let key = read_key(key)?;
            let (o, n) = (read_checkpoint(old)?, read_checkpoint(new)?);
            let (from, to) = (o.checkpoint.size, n.checkpoint.size);
            let hashes = match (export, proof) {
                (Some(e), None) => {
                    let entries = read_export(e)?;
                    if (entries.len() as u64) < to {
                        return Err(NoAnswer(format!(
                            "{}: the export has {} entries, but the newer checkpoint says the log had {to}: entries were removed from its end, or the export is older than the checkpoint",
                            e.display(),
                            entries.len()
                        ))
                        .into());
                    }
                    if from > to {
                        Vec::new()
                    } else {
                        plenty_ledger::consistency_from_log(&entries, from, to)?
                    }
                }
                (None, Some(p)) => read_proof(p, from, to)?,
                _ => anyhow::bail!("give --export EXPORT (the log, to compute the proof) or --proof FILE (GET /api/v1/log/proof/consistency?from={from}&to={to})"),
            };
            plenty_ledger::check_consistency(&key, &o, &n, &hashes).map_err(|b| {
                NoAnswer(format!(
                    "{} does NOT extend {}: {}",
                    new.display(),
                    old.display(),
                    b.message
                ))
            })?;
            println!(
                "consistent: the log of {to} entries ({}) extends the log of {from} ({}); both signed by {}",
                new.display(),
                old.display(),
                key.to_text()
            );
            Ok(())
        }
        AuditCommand::Receipt {
            receipt,
            key,
            checkpoint,
            export,
            proof,
        } => {
            let key = read_key(key)?;
            let r = read_receipt(receipt)?;
            let fail = |b: plenty_ledger::HistoryBreak| {
                NoAnswer(format!(
                    "the receipt of entry {} does NOT hold: {}",
                    r.seq, b.message
                ))
            };
            r.verify(&key).map_err(fail)?;
            println!(
                "{}: entry {} ({}) is in the log of {} entries signed by {}",
                receipt.display(),
                r.seq,
                r.hash,
                r.checkpoint.checkpoint.size,
                key.to_text()
            );
            let entries = export.as_deref().map(read_export).transpose()?;
            if let Some(entries) = &entries {
                r.verify_in_log(&key, entries).map_err(fail)?;
                println!(
                    "the export ({} entries) still holds it, and extends the receipt's checkpoint",
                    entries.len()
                );
            }
            if let Some(cp_path) = checkpoint {
                let later = read_checkpoint(cp_path)?;
                let (from, to) = (r.checkpoint.checkpoint.size, later.checkpoint.size);
                let hashes = match (&entries, proof) {
                    (Some(entries), _) => {
                        if (entries.len() as u64) < to || from > to {
                            Vec::new()
                        } else {
                            plenty_ledger::consistency_from_log(entries, from, to)?
                        }
                    }
                    (None, Some(p)) => read_proof(p, from, to)?,
                    (None, None) => anyhow::bail!("with --checkpoint, give --export EXPORT or --proof FILE (GET /api/v1/log/proof/consistency?from={from}&to={to})"),
                };
                if let Some(entries) = &entries {
                    plenty_ledger::check_checkpoint(
                        &plenty_ledger::tree_of(entries),
                        &later,
                        Some(&key),
                    )
                    .map_err(fail)?;
                }
                r.verify_with_later(&key, &later, &hashes).map_err(fail)?;
                println!(
                    "the later checkpoint ({}, {to} entries) still holds it",
                    cp_path.display()
                );
            }
            Ok(())
        }
        AuditCommand::Export { db, output } => {
            let entries = runtime()?.block_on(async {
                let store = plenty_server::store::open(db).await?;
                store.log().await
            })?;
            let mut text = String::new();
            for e in &entries {
                text.push_str(&serde_json::to_string(e)?);
                text.push('\n');
            }
            std::fs::write(output, text)
                .with_context(|| format!("{}: cannot write", output.display()))?;
            println!("{} entries written to {}", entries.len(), output.display());
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::args::{Cli, Command};
    use clap::Parser;

    fn serve_args(args: &[&str]) -> Result<super::ServeArgs, clap::Error> {
        let cli = Cli::try_parse_from(["plenty", "serve"].iter().chain(args))?;
        match cli.command {
            Command::Serve(a) => Ok(a),
            _ => unreachable!("plenty serve parses as serve"),
        }
    }

    /// Issue #14: admission by invitation unless `--open-signup`; proxies, timeouts and the
    /// connection limit, with their defaults.
    #[test]
    fn issue_14_serve_flags() {
        let a = serve_args(&[]).unwrap();
        assert!(!a.open_signup && !a.invitation_only);
        assert!(a.trusted_proxies.is_empty());
        assert_eq!(
            (a.request_timeout, a.idle_timeout, a.max_connections),
            (30, 60, 512)
        );
        let a = serve_args(&[
            "--open-signup",
            "--trusted-proxy",
            "10.0.0.1",
            "--trusted-proxy",
            "::1",
            "--request-timeout",
            "5",
            "--idle-timeout",
            "10",
            "--max-connections",
            "3",
        ])
        .unwrap();
        assert!(a.open_signup);
        assert_eq!(a.trusted_proxies.len(), 2);
        assert_eq!(
            (a.request_timeout, a.idle_timeout, a.max_connections),
            (5, 10, 3)
        );
        assert!(serve_args(&["--open-signup", "--invitation-only"]).is_err());
        assert!(serve_args(&["--trusted-proxy", "proxy.example"]).is_err());
        assert!(serve_args(&["--max-connections", "0"]).is_err());
        assert!(serve_args(&["--request-timeout", "0"]).is_err());
    }
}
