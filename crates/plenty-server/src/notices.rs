//! Notices (issue #15): what a member should hear of without watching the pages — a round
//! moved to its next phase, a round was abandoned, a plan is ready. They are derived from the
//! log, never stored apart from it: an index ([`LogIndex`]) reads the head of every durable
//! entry once (its position, time, and the first characters of its event, where the `type`
//! and `round` are) and keeps the notices, and where each member's last ballot of a round is
//! (their receipt's entry).
//!
//! Each member's last seen position is kept with their account ([`crate::store::Preferences`]);
//! notices after it are unseen. New notices are e-mailed, once, to the admitted members who
//! have notices by e-mail on ([`crate::mail`]), after their entries are durable: the handlers
//! that append them call [`committed`], and every read of the index sends what is still
//! unsent. Notices committed before the service started are not e-mailed again.

use crate::api::AppState;
use crate::mail::{link, Mail};
use crate::store::EntryHead;
use plenty_ledger::{Phase, Pseudonym, RoundId};
use serde::Serialize;
use std::collections::HashMap;

/// What a notice says happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum NoticeKind {
    /// A round moved to its next phase (`phase` says which).
    PhaseChanged,
    /// A round was abandoned, without a plan.
    RoundAbandoned,
    /// A round's plan is recorded.
    PlanReady,
}

/// One notice: a log entry of interest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    /// The entry's position in the log.
    pub seq: u64,
    /// Its time, milliseconds since the epoch.
    pub at: u64,
    /// What happened.
    pub kind: NoticeKind,
    /// The round.
    pub round: RoundId,
    /// The new phase, for a phase change.
    pub phase: Option<Phase>,
}

/// The index of the durable log: notices, and each ballot pseudonym's last ballot entry.
#[derive(Debug, Default)]
pub struct LogIndex {
    /// Entries read so far (the last position read).
    scanned: u64,
    /// Notices, oldest first.
    notices: Vec<Notice>,
    /// The position of the last ballot of each (round, pseudonym).
    ballots: HashMap<(RoundId, Pseudonym), u64>,
    /// The position of each `member_left` entry, by member.
    left: HashMap<plenty_ledger::MemberId, u64>,
    /// Notices up to this position have been e-mailed (or came before the service started).
    mailed: u64,
}

/// The value of `"name":` in the head of an event's JSON: a number, or a string's text.
fn field<'a>(head: &'a str, name: &str) -> Option<&'a str> {
    let key = format!("\"{name}\":");
    let rest = &head[head.find(&key)? + key.len()..];
    if let Some(s) = rest.strip_prefix('"') {
        return s.find('"').map(|end| &s[..end]);
    }
    let end = rest.find([',', '}'])?;
    Some(&rest[..end])
}

/// What an entry's head says, for the index: a notice, or a ballot's (round, voter).
enum Indexed {
    Notice(Notice),
    Ballot(RoundId, Pseudonym),
    Left(plenty_ledger::MemberId),
    Other,
}

fn index_entry(e: &EntryHead) -> Indexed {
    let Some(kind) = field(&e.head, "type") else {
        return Indexed::Other;
    };
    if kind == "member_left" {
        return match field(&e.head, "member").and_then(|m| m.parse().ok()) {
            Some(m) => Indexed::Left(m),
            None => Indexed::Other,
        };
    }
    let Some(round) = field(&e.head, "round").and_then(|r| r.parse::<RoundId>().ok()) else {
        return Indexed::Other;
    };
    let notice = |kind, phase| {
        Indexed::Notice(Notice {
            seq: e.seq,
            at: e.at,
            kind,
            round,
            phase,
        })
    };
    match kind {
        "phase_advanced" => {
            let phase = field(&e.head, "to").and_then(|p| {
                serde_json::from_value::<Phase>(serde_json::Value::String(p.to_string())).ok()
            });
            notice(NoticeKind::PhaseChanged, phase)
        }
        "round_abandoned" => notice(NoticeKind::RoundAbandoned, None),
        "plan_recorded" => notice(NoticeKind::PlanReady, None),
        "ballot_cast" => match field(&e.head, "voter") {
            Some(v) => Indexed::Ballot(round, v.to_string()),
            None => Indexed::Other,
        },
        _ => Indexed::Other,
    }
}

impl LogIndex {
    /// Notices, newest first.
    pub fn notices(&self) -> impl Iterator<Item = &Notice> {
        self.notices.iter().rev()
    }

    /// The position of the last ballot of a pseudonym in a round.
    pub fn last_ballot(&self, round: RoundId, voter: &str) -> Option<u64> {
        self.ballots.get(&(round, voter.to_string())).copied()
    }

    /// The position of a member's `member_left` entry.
    pub fn left_at(&self, member: plenty_ledger::MemberId) -> Option<u64> {
        self.left.get(&member).copied()
    }

    /// The last position read.
    pub fn scanned(&self) -> u64 {
        self.scanned
    }
}

/// The index, shared by the handlers.
#[derive(Debug, Default)]
pub struct Notices {
    index: tokio::sync::Mutex<LogIndex>,
}

impl Notices {
    /// An empty index of a service whose log has `durable` entries as it starts: their
    /// notices are not e-mailed (they were, or should have been, before).
    pub fn new(durable: u64) -> Self {
        Notices {
            index: tokio::sync::Mutex::new(LogIndex {
                mailed: durable,
                ..LogIndex::default()
            }),
        }
    }

    /// Reads the entries made durable since the last read, e-mails the new notices, and gives
    /// the index to `f`.
    pub async fn read<R>(
        &self,
        st: &AppState,
        f: impl FnOnce(&LogIndex) -> R,
    ) -> Result<R, crate::store::StoreError> {
        let mut ix = self.index.lock().await;
        let heads = st.log.store.entry_heads(ix.scanned).await?;
        for e in &heads {
            match index_entry(e) {
                Indexed::Notice(n) => ix.notices.push(n),
                Indexed::Ballot(round, voter) => {
                    ix.ballots.insert((round, voter), e.seq);
                }
                Indexed::Left(member) => {
                    ix.left.insert(member, e.seq);
                }
                Indexed::Other => {}
            }
            ix.scanned = ix.scanned.max(e.seq);
        }
        let mailed = ix.mailed;
        if ix.scanned > mailed {
            let fresh: Vec<Notice> = ix
                .notices
                .iter()
                .filter(|n| n.seq > mailed)
                .cloned()
                .collect();
            ix.mailed = ix.scanned;
            if !fresh.is_empty() {
                mail_notices(st, &fresh).await;
            }
        }
        Ok(f(&ix))
    }
}

/// Call after appending an entry that makes a notice, once it is durable: e-mails it (in the
/// background; never fails the caller).
pub fn committed(st: &AppState) {
    let st = st.clone();
    tokio::spawn(async move {
        if let Err(e) = st.notices.read(&st, |_| ()).await {
            tracing::warn!(error = %e, "notices could not be read from the log");
        }
    });
}

/// What a notice says, in English (e-mails; the pages translate), and the link to follow.
pub fn describe(st: &AppState, n: &Notice) -> (String, String, String) {
    let (title, reason) = st.log.read(|c| {
        c.ledger
            .rounds
            .get(&n.round)
            .map(|r| (r.title.clone(), r.abandoned.clone()))
            .unwrap_or_default()
    });
    let round = format!("Round {} \u{201c}{title}\u{201d}", n.round);
    match n.kind {
        NoticeKind::PhaseChanged => {
            let phase = n.phase.map_or("next", |p| p.name());
            let what = match n.phase {
                Some(Phase::Voting) => "You can vote now.",
                Some(Phase::Plan) => "The vote is closed and counted; the plan is being computed.",
                Some(Phase::FollowUp) => "The round is closed.",
                _ => "",
            };
            (
                format!("{round} is in its {phase} phase"),
                format!("{round} moved to its {phase} phase. {what}"),
                format!("/round?round={}", n.round),
            )
        }
        NoticeKind::RoundAbandoned => (
            format!("{round} was abandoned"),
            format!(
                "{round} was abandoned, without a plan. The reason on record: {}",
                reason.unwrap_or_default()
            ),
            format!("/round?round={}", n.round),
        ),
        NoticeKind::PlanReady => (
            format!("The plan of round {} is ready", n.round),
            format!("The plan of {round} is computed and recorded in the log."),
            format!("/plan?round={}", n.round),
        ),
    }
}

async fn mail_notices(st: &AppState, fresh: &[Notice]) {
    let Some(mailer) = &st.mail else { return };
    let recipients = match st.log.store.mail_recipients().await {
        Ok(r) => r,
        Err(e) => {
            tracing::warn!(error = %e, "the recipients of notices could not be read");
            return;
        }
    };
    let recipients: Vec<_> = st.log.read(|c| {
        recipients
            .into_iter()
            .filter(|(m, _, _)| c.ledger.is_admitted(*m))
            .collect()
    });
    let public = st.settings.public_url.as_deref();
    for n in fresh {
        let (subject, text, path) = describe(st, n);
        let body = format!(
            "{text}\n\n{}\n\nYou get this e-mail because notices by e-mail are on in your account; turn them off at {}\n",
            link(public, &path),
            link(public, "/account")
        );
        for (_, email, name) in &recipients {
            mailer.send(Mail {
                to: email.clone(),
                name: Some(name.clone()),
                subject: format!("plenty: {subject}"),
                body: body.clone(),
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn head(s: &str) -> EntryHead {
        EntryHead {
            seq: 7,
            at: 1,
            head: s.chars().take(96).collect(),
        }
    }

    #[test]
    fn entry_heads_give_notices_and_ballots() {
        let e = head(r#"{"type":"phase_advanced","round":12,"to":"follow_up","by":1}"#);
        match index_entry(&e) {
            Indexed::Notice(n) => {
                assert_eq!(
                    (n.kind, n.round, n.phase),
                    (NoticeKind::PhaseChanged, 12, Some(Phase::FollowUp))
                )
            }
            _ => panic!("a notice"),
        }
        let e = head(
            r#"{"type":"plan_recorded","round":3,"inputs":{"economy_sha256":"0123456789abcdef0123456789abcdef0123456789abcdef"}}"#,
        );
        assert!(matches!(
            index_entry(&e),
            Indexed::Notice(Notice {
                kind: NoticeKind::PlanReady,
                round: 3,
                ..
            })
        ));
        let e = head(
            r#"{"type":"ballot_cast","round":2,"voter":"99724d9c7eff3fc2fe000c0b326bf3da","ballot":{}}"#,
        );
        match index_entry(&e) {
            Indexed::Ballot(r, v) => {
                assert_eq!((r, v.as_str()), (2, "99724d9c7eff3fc2fe000c0b326bf3da"))
            }
            _ => panic!("a ballot"),
        }
        assert!(matches!(
            index_entry(&head(r#"{"type":"member_left","member":2}"#)),
            Indexed::Left(2)
        ));
        assert!(matches!(
            index_entry(&head(r#"{"type":"need_registered","round":1,"by":"ab"}"#)),
            Indexed::Other
        ));
    }
}
