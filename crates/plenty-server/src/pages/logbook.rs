//! Audit for members (issue #15): a readable browser of the log (`/audit/log`: each entry in
//! words, newest first, with its hash), and "was my ballot counted?" by receipt
//! (`/audit/receipt`): the entries cast under the receipt, and whether the count holds the
//! ballot and with what weight.

use super::{calendar::utc, esc, hours, layout, num, Ctx};
use crate::api::AppState;
use axum::extract::{Query, State};
use axum::response::Html;
use plenty_ledger::{Entry, Event, MemberId, RoundItem, Topic};
use serde::Deserialize;
use std::fmt::Write;

/// Entries per page of the log browser.
pub const ENTRIES_PER_PAGE: usize = 50;

/// What an entry records, in words. Pseudonyms are shortened to their first 8 characters (the
/// receipt page takes the whole one).
pub fn describe(e: &Event) -> String {
    let short = |p: &str| esc(&p.chars().take(8).collect::<String>());
    match e {
        Event::FederationFounded {
            name,
            weeks_per_period,
        } => format!(
            "The federation {} is founded; a plan period has {} weeks.",
            esc(name),
            num(*weeks_per_period)
        ),
        Event::CouncilFounded { council, name, .. } => {
            format!("Council {council} is founded: {}.", esc(name))
        }
        Event::MemberJoined { member, role, .. } => format!(
            "Member {member} joins{}.",
            if *role == plenty_ledger::Role::Facilitator {
                " as a facilitator"
            } else {
                ""
            }
        ),
        Event::MemberApplied { member } => format!("Member {member} applies to join."),
        Event::MemberLeft { member } => format!(
            "Member {member} deletes their account and leaves; their past entries stay."
        ),
        Event::MemberAdmitted { member, by, .. } => {
            format!("Facilitator {by} admits member {member}.")
        }
        Event::EconomyImported { by, sha256, .. } => format!(
            "Facilitator {by} imports the economy (planning file {}…).",
            &sha256[..sha256.len().min(12)]
        ),
        Event::RoundOpened {
            round, title, by, ..
        } => format!("Facilitator {by} opens round {round}: {}.", esc(title)),
        Event::NeedRegistered {
            round,
            by,
            product,
            quantity,
            year,
        } => format!(
            "In round {round}, {} registers a need of {} {}{}.",
            short(by),
            num(*quantity),
            esc(product),
            year.map(|y| format!(" for {y}")).unwrap_or_default()
        ),
        Event::NeedWithdrawn { round, need, by } => {
            format!("In round {round}, {} withdraws need {need}.", short(by))
        }
        Event::NeedEdited {
            round,
            need,
            by,
            quantity,
        } => format!(
            "In round {round}, {} changes need {need} to {}.",
            short(by),
            num(*quantity)
        ),
        Event::ProposalSubmitted {
            round,
            proposal,
            by,
            title,
            cost_hours,
            ..
        } => format!(
            "In round {round}, {} proposes project {proposal}: {} ({}).",
            short(by),
            esc(title),
            hours(*cost_hours)
        ),
        Event::ProposalWithdrawn {
            round,
            proposal,
            by,
        } => format!(
            "In round {round}, {} withdraws project {proposal}.",
            short(by)
        ),
        Event::ProposalEdited {
            round,
            proposal,
            by,
            title,
            cost_hours,
        } => format!(
            "In round {round}, {} amends project {proposal}: {} ({}).",
            short(by),
            esc(title),
            hours(*cost_hours)
        ),
        Event::ProposalDescribed {
            round,
            proposal,
            by,
            signed_by,
            ..
        } => format!(
            "In round {round}, {} describes project {proposal}{}.",
            short(by),
            signed_by
                .map(|m| format!(", signed by member {m}"))
                .unwrap_or_default()
        ),
        Event::ProposalSupported {
            round,
            proposal,
            by,
            supported,
        } => format!(
            "In round {round}, {} {} project {proposal}.",
            short(by),
            if *supported {
                "supports"
            } else {
                "no longer supports"
            }
        ),
        Event::CommentPosted {
            round,
            proposal,
            comment,
            by,
            ..
        } => format!(
            "In round {round}, member {by} comments on project {proposal} (comment {comment})."
        ),
        Event::CommentHidden {
            round,
            comment,
            reason,
            by,
        } => format!(
            "In round {round}, facilitator {by} hides comment {comment}, because: {}",
            esc(reason)
        ),
        Event::ItemHidden {
            round,
            item,
            reason,
            by,
        } => format!(
            "In round {round}, facilitator {by} hides {}, because: {}",
            match item {
                RoundItem::Need { need } => format!("need {need}"),
                RoundItem::Proposal { proposal } => format!("project {proposal}"),
            },
            esc(reason)
        ),
        Event::DeadlineSet {
            round,
            phase,
            at_ms,
            by,
        } => format!(
            "Facilitator {by} sets the end of round {round}'s {} phase to {}.",
            phase.name(),
            utc(*at_ms).words()
        ),
        Event::PhaseAdvanced { round, to, by } => format!(
            "Round {round} moves to its {} phase (facilitator {by}).",
            to.name()
        ),
        Event::RoundAbandoned { round, reason, by } => format!(
            "Facilitator {by} abandons round {round}, because: {}",
            esc(reason)
        ),
        Event::BallotCast {
            round,
            voter,
            replaces,
            ..
        } => format!(
            "In round {round}, a ballot is cast under receipt {}{}.",
            short(voter),
            if *replaces {
                " (it replaces the earlier one)"
            } else {
                ""
            }
        ),
        Event::DelegationGranted { member, topic, to } => format!(
            "Member {member} delegates the {} vote to member {to}.",
            topic_name(*topic)
        ),
        Event::CouncilJoinRequested { member, council } => {
            format!("Member {member} asks to join council {council}.")
        }
        Event::CouncilJoinDecided {
            member,
            council,
            approved,
            by,
        } => format!(
            "Facilitator {by} {} member {member}'s request to join council {council}.",
            if *approved { "approves" } else { "refuses" }
        ),
        Event::CouncilLeft { member, council } => {
            format!("Member {member} leaves council {council}.")
        }
        Event::DelegateBallotsShown { member, shown } => format!(
            "Member {member} {} the members who delegate to them see their ballots.",
            if *shown { "lets" } else { "no longer lets" }
        ),
        Event::DelegationRevoked { member, topic } => format!(
            "Member {member} takes back their delegation on the {} vote.",
            topic_name(*topic)
        ),
        Event::TallyRecorded { round, tally, .. } => format!(
            "Round {round}'s vote is counted: {} ballots, {} of {} members represented, quorum {}; {} projects funded.",
            tally.quorum.ballots,
            tally.quorum.represented,
            tally.quorum.eligible,
            if tally.quorum.met { "met" } else { "not met" },
            tally.projects.funded.len()
        ),
        Event::PlanRecorded { round, result, .. } => format!(
            "Round {round}'s plan is recorded ({}, a working week of {}).",
            esc(&result.status.to_string()),
            hours(result.working_week)
        ),
        Event::WorkplaceNamed {
            council,
            reporters,
            by,
        } => format!(
            "Facilitator {by} names the members who report council {council}'s hours: {}.",
            members(reporters)
        ),
        Event::DistributionPointNamed {
            council,
            operators,
            by,
        } => format!(
            "Facilitator {by} makes council {council} a distribution point, its purchases posted by {}.",
            members(operators)
        ),
        Event::AuditorsNamed { auditors, by } => format!(
            "Facilitator {by} names the auditors: {}.",
            members(auditors)
        ),
        Event::HoursReported {
            report,
            council,
            account,
            hours: h,
            by,
            ..
        } => format!(
            "Member {by} reports {} for council {council} to account {} (report {report}).",
            hours(*h),
            short(account)
        ),
        Event::HoursConfirmed {
            report,
            account,
            pay,
            ..
        } => format!(
            "Account {} confirms report {report}: {} worked, {} credits paid after deductions.",
            short(account),
            hours(pay.hours),
            num(pay.credits)
        ),
        Event::HoursDisputed {
            report, account, ..
        } => format!(
            "Account {} disputes report {report}: nothing is paid.",
            short(account)
        ),
        Event::DeductionsVoted { account, .. } => format!(
            "Account {} votes on the deduction rates.",
            short(account)
        ),
        Event::PricesPublished {
            period, round, by, ..
        } => format!(
            "Facilitator {by} publishes the prices of period {period} from round {round}'s plan."
        ),
        Event::PurchaseRecorded {
            purchase,
            council,
            account,
            product,
            cost,
            ..
        } => format!(
            "Purchase {purchase} at council {council}: account {} buys {} for {} credits.",
            short(account),
            esc(product),
            num(*cost)
        ),
        Event::PurchaseQueued {
            council,
            account,
            product,
            ..
        } => format!(
            "At council {council}, account {} queues for {}: out of stock.",
            short(account),
            esc(product)
        ),
    }
}

fn members(list: &[MemberId]) -> String {
    if list.is_empty() {
        "nobody".into()
    } else {
        list.iter()
            .map(|m| format!("member {m}"))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

fn topic_name(t: Topic) -> &'static str {
    match t {
        Topic::Projects => "projects",
        Topic::Priorities => "priorities",
        Topic::Split => "split of hours",
    }
}

/// The page of the log browser.
#[derive(Deserialize)]
pub struct LogQuery {
    /// 1 for the newest entries.
    page: Option<usize>,
}

fn entry_row(e: &Entry) -> String {
    format!(
        "<tr id=entry-{0}><td class=n>{0}</td><td><time datetime={1}>{2}</time></td><td>{3}</td><td><code title=\"{4}\">{5}…</code></td></tr>",
        e.seq,
        utc(e.at).rfc3339(),
        utc(e.at).words(),
        describe(&e.event),
        esc(&e.hash),
        esc(&e.hash[..e.hash.len().min(12)])
    )
}

/// `GET /audit/log?page=N`.
pub async fn log_page(
    State(st): State<AppState>,
    cx: Ctx,
    Query(q): Query<LogQuery>,
) -> Html<String> {
    let entries = match st.log.store.log().await {
        Ok(e) => e,
        Err(_) => return layout(
            &cx,
            "The log",
            "<h1>The log</h1><p class=err>The log cannot be read now; try again in a moment.</p>",
        ),
    };
    let pages = entries.len().div_ceil(ENTRIES_PER_PAGE).max(1);
    let page = q.page.unwrap_or(1).clamp(1, pages);
    let mut b = format!(
        "<h1>{}</h1><p>Every input, ballot, count and plan, in order: {} entries, each holding the hash of the one before, so that no entry can change without every later hash changing. Newest first; page {page} of {pages}. <a href=/audit>Verify it</a> or <a href=/api/v1/audit/export download>download it</a>.</p><table id=log><tr><th>entry</th><th>when (UTC)</th><th>what</th><th>hash</th></tr>",
        cx.t("log-heading"),
        entries.len()
    );
    for e in entries
        .iter()
        .rev()
        .skip((page - 1) * ENTRIES_PER_PAGE)
        .take(ENTRIES_PER_PAGE)
    {
        b.push_str(&entry_row(e));
    }
    b.push_str("</table>");
    super::scroll_since(&mut b, 0, &cx.t("log-heading"));
    b.push_str("<p>");
    if page > 1 {
        let _ = write!(
            b,
            "<a href=\"/audit/log?page={}\">Newer entries</a> ",
            page - 1
        );
    }
    if page < pages {
        let _ = write!(
            b,
            "<a href=\"/audit/log?page={}\">Older entries</a>",
            page + 1
        );
    }
    b.push_str("</p>");
    layout(&cx, &cx.t("log-heading"), &b)
}

/// A receipt to look up.
#[derive(Deserialize)]
pub struct ReceiptQuery {
    receipt: Option<String>,
}

/// `GET /audit/receipt?receipt=…`: was my ballot counted?
pub async fn receipt_page(
    State(st): State<AppState>,
    cx: Ctx,
    Query(q): Query<ReceiptQuery>,
) -> Html<String> {
    let form = "<form method=get action=/audit/receipt><label>Your receipt (shown when you voted, and on your account page) <input name=receipt required maxlength=128 autocomplete=off></label><button type=submit>Look it up</button></form>";
    let Some(receipt) = q
        .receipt
        .map(|r| r.trim().to_string())
        .filter(|r| !r.is_empty())
    else {
        return layout(
            &cx,
            "Was my ballot counted?",
            &format!("<h1>Was my ballot counted?</h1><p>Your receipt is the pseudonym your ballot is recorded under. Enter it to see the log's entries cast under it and whether the count holds your ballot.</p>{form}"),
        );
    };
    let entries = st.log.store.log().await.unwrap_or_default();
    let cast: Vec<&Entry> = entries
        .iter()
        .filter(|e| matches!(&e.event, Event::BallotCast { voter, .. } if *voter == receipt))
        .collect();
    let mut b = format!(
        "<h1>Was my ballot counted?</h1><p>Receipt <code>{}</code>.</p>",
        esc(&receipt)
    );
    if cast.is_empty() {
        b.push_str("<p class=err id=receipt-verdict>No ballot in the log is recorded under this receipt. Check that you copied it whole; a receipt belongs to one round.</p>");
        b.push_str(form);
        return layout(&cx, "Was my ballot counted?", &b);
    }
    let at = b.len();
    b.push_str("<table id=receipt-entries><tr><th>entry</th><th>when (UTC)</th><th>what</th><th>hash</th></tr>");
    for e in &cast {
        b.push_str(&entry_row(e));
    }
    b.push_str("</table>");
    super::scroll_since(&mut b, at, &cx.t("receipt-heading"));
    let verdict = st.log.read(|ch| {
        let mut out = String::new();
        for r in ch.ledger.rounds.values() {
            let Some(ballot) = r.ballots.get(&receipt) else {
                continue;
            };
            let _ = write!(
                out,
                "<p>In round {} your last ballot approves {} project{}{}{}.</p>",
                r.id,
                ballot.approve.len(),
                if ballot.approve.len() == 1 { "" } else { "s" },
                if ballot.split.is_some() {
                    ", answers the split of hours"
                } else {
                    ", leaves the split of hours to your delegate"
                },
                if ballot.scores.is_empty() {
                    ", leaves the priorities to your delegate"
                } else {
                    ", and scores priorities"
                }
            );
            match (&r.tally, r.weights.get(&receipt)) {
                (Some(_), Some(w)) => {
                    let _ = write!(
                        out,
                        "<p class=ok id=receipt-verdict>Counted: the count of round {} holds your ballot, with weight {} on projects, {} on the split and {} on priorities (you and the members whose delegation leads to you, on the topics your ballot answers).</p>",
                        r.id, w.projects, w.split, w.priorities
                    );
                }
                (Some(_), None) => {
                    let _ = write!(
                        out,
                        "<p class=err id=receipt-verdict>Round {}'s count does not name this receipt. Tell a facilitator and keep your inclusion receipt: the log shows the ballot above.</p>",
                        r.id
                    );
                }
                (None, _) => {
                    let _ = write!(
                        out,
                        "<p id=receipt-verdict>Round {}'s vote is not counted yet: your ballot is in the log (above) and will be counted when voting closes.</p>",
                        r.id
                    );
                }
            }
        }
        out
    });
    b.push_str(&verdict);
    b.push_str(form);
    layout(&cx, "Was my ballot counted?", &b)
}
