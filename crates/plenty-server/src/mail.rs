//! E-mail through a configured SMTP server (issue #15): notices of phase changes and of a
//! ready plan, and the links that reset a forgotten password.
//!
//! Sending never holds a request or the log's lock, and never fails a request: a message is
//! queued ([`Mailer::send`], a bounded channel) and one task hands the queue to the SMTP server,
//! logging with `tracing` what could not be sent. A full queue drops the new message (and says
//! so in the log) rather than wait.
//!
//! The server is named by a URL ([`Mailer::start`]): `smtp://host:port` sends in plain text
//! (for a relay on the same machine or network), `smtp://host:port?tls=required` upgrades with
//! STARTTLS and refuses a server that cannot, `smtps://host:port` speaks TLS from the start;
//! `user:password@` before the host signs in. Certificates are checked against the system's
//! roots (rustls; no OpenSSL).

use lettre::message::header::ContentType;
use lettre::message::Mailbox;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use tokio::sync::mpsc;

/// How many messages may wait for the SMTP server; more are dropped (and logged).
pub const QUEUE: usize = 1024;

/// One message to send: plain text.
#[derive(Debug, Clone)]
pub struct Mail {
    /// The recipient's address.
    pub to: String,
    /// The recipient's name, if known.
    pub name: Option<String>,
    /// The subject line.
    pub subject: String,
    /// The text.
    pub body: String,
}

/// The queue to the SMTP server. Cloning shares it.
#[derive(Clone, Debug)]
pub struct Mailer {
    queue: mpsc::Sender<Mail>,
    from: Mailbox,
}

impl Mailer {
    /// Checks the SMTP URL and the sender's address, and starts the task that sends (on the
    /// current tokio runtime).
    pub fn start(smtp_url: &str, from: &str) -> anyhow::Result<Mailer> {
        let from: Mailbox = from.parse().map_err(|e| {
            anyhow::anyhow!("--mail-from {from:?} is not an e-mail address (`Name <addr@host>` or `addr@host`): {e}")
        })?;
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(smtp_url)
            .map_err(|e| anyhow::anyhow!("--smtp: not an SMTP URL (smtp://host:port, smtp://host:port?tls=required or smtps://host:port): {e}"))?
            .timeout(Some(std::time::Duration::from_secs(30)))
            .build();
        let (queue, rx) = mpsc::channel(QUEUE);
        tokio::spawn(deliver(transport, from.clone(), rx));
        Ok(Mailer { queue, from })
    }

    /// The sender's address.
    pub fn from(&self) -> &Mailbox {
        &self.from
    }

    /// Queues a message; returns at once. A full queue drops it (logged).
    pub fn send(&self, mail: Mail) {
        if let Err(e) = self.queue.try_send(mail) {
            tracing::warn!(error = %e, "an e-mail was not queued (the queue to the SMTP server is full or closed)");
        }
    }
}

fn message(from: &Mailbox, mail: &Mail) -> anyhow::Result<Message> {
    let to = Mailbox::new(mail.name.clone(), mail.to.parse()?);
    Ok(Message::builder()
        .from(from.clone())
        .to(to)
        .subject(mail.subject.clone())
        .header(ContentType::TEXT_PLAIN)
        .body(mail.body.clone())?)
}

async fn deliver(
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
    mut rx: mpsc::Receiver<Mail>,
) {
    while let Some(mail) = rx.recv().await {
        let sent = match message(&from, &mail) {
            Ok(m) => transport.send(m).await.map_err(anyhow::Error::from),
            Err(e) => Err(e),
        };
        match sent {
            // The address is personal data: the log of the service names no recipient.
            Ok(_) => tracing::debug!(subject = %mail.subject, "e-mail sent"),
            Err(e) => {
                tracing::warn!(error = %e, subject = %mail.subject, "an e-mail could not be sent")
            }
        }
    }
}

/// A link into the service: the public URL (`--public-url`) and a path, or the path alone
/// when the service does not know its address.
pub fn link(public_url: Option<&str>, path: &str) -> String {
    match public_url {
        Some(base) => format!("{}{path}", base.trim_end_matches('/')),
        None => path.to_string(),
    }
}
