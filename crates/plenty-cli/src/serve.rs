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
    /// The file of the secret keys that make ballot pseudonyms and CSRF tokens, kept out of
    /// the database (created readable by its owner only). Default: beside a SQLite database,
    /// `DB.secret`; for PostgreSQL, `plenty-secret.key` in the working directory.
    #[arg(long, env = "PLENTY_SECRET_FILE")]
    pub secret_file: Option<PathBuf>,
    /// Add a new secret key for the rounds after the latest one, then serve (the rounds before
    /// keep theirs; see docs/service.md, "Ballot secrecy").
    #[arg(long)]
    pub rotate_secret: bool,
}

/// Where the secret keys live when `--secret-file` is not given.
fn default_secret_file(db: &str) -> PathBuf {
    if db.starts_with("postgres://") || db.starts_with("postgresql://") {
        PathBuf::from("plenty-secret.key")
    } else {
        let path = db.strip_prefix("sqlite://").unwrap_or(db);
        PathBuf::from(format!("{path}.secret"))
    }
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
        plenty_server::serve(listener, st, async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await?;
        Ok(())
    })
}

/// `plenty audit`.
pub fn audit(a: &AuditArgs) -> Result<()> {
    match &a.command {
        AuditCommand::Verify {
            export,
            db,
            no_plans,
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
            let report = plenty_ledger::verify(&entries, !no_plans);
            println!(
                "{source}: {} entries, head {}",
                report.entries,
                report.head.as_deref().unwrap_or("(empty)")
            );
            match &report.first_bad {
                None => {
                    println!(
                        "verified: the hash chain is intact, every entry follows the rules, {} counts recomputed{}",
                        report.tallies_checked,
                        if *no_plans {
                            String::new()
                        } else {
                            format!(", {} plans recomputed bit for bit", report.plans_checked)
                        }
                    );
                    Ok(())
                }
                Some(plenty_ledger::BadEntry { seq, reason: why }) => Err(NoAnswer(format!(
                    "the log does NOT verify: the first bad entry is {seq}: {why}"
                ))
                .into()),
            }
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
