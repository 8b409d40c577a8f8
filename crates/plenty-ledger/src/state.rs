//! The federation's state, rebuilt by replaying the log. [`Ledger::apply`] is the single place
//! where the rules are enforced: the service calls it before it writes an event, and
//! `plenty audit verify` calls it on every entry of an export, so an entry that breaks a rule
//! (a ballot outside its phase, a forged tally) is caught either way.

use crate::event::*;
use crate::planning::{
    compute_plan, compute_years_plan, digest, parse_economy, parse_years, ImportedYears,
    PlanInputError, PlanInputs, PlanOutcome, RecordedLpSolver, WarmStartRef, YearsInputs,
    YearsPlan, MAX_DISCOUNT_RATE,
};
use crate::tally::{RoundTally, TallyInput};
use plenty_core::plan::PlanningEconomy;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::sync::Arc;

/// Why an event was refused, in a word the service's API answers with (`wrong_phase`,
/// `unknown_project`, `forbidden`, `invalid`, `not_found`, `conflict`, `mismatch`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RejectCode {
    /// The round is not in the phase the event needs.
    WrongPhase,
    /// A ballot approves a proposal the round does not have.
    UnknownProject,
    /// The member may not do this (not a facilitator).
    Forbidden,
    /// The event's content is not valid.
    Invalid,
    /// Something it names does not exist.
    NotFound,
    /// It conflicts with the state (exists already, already counted, a round still open).
    Conflict,
    /// A recorded result is not what its inputs give (a forged count or plan).
    Mismatch,
    /// The quantity is far outside what the economy can make (a typo?): send it again with
    /// the confirmation to register it anyway ([`crate::plausible`]).
    NeedsConfirmation,
}

impl RejectCode {
    /// Its stable name.
    pub fn as_str(self) -> &'static str {
        match self {
            RejectCode::WrongPhase => "wrong_phase",
            RejectCode::UnknownProject => "unknown_project",
            RejectCode::Forbidden => "forbidden",
            RejectCode::Invalid => "invalid",
            RejectCode::NotFound => "not_found",
            RejectCode::Conflict => "conflict",
            RejectCode::Mismatch => "mismatch",
            RejectCode::NeedsConfirmation => "needs_confirmation",
        }
    }
}

impl std::fmt::Display for RejectCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl PartialEq<&str> for RejectCode {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

/// Why an event was refused. The service answers with it; `verify` reports it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[error("{message}")]
pub struct Rejected {
    /// What kind of refusal.
    pub code: RejectCode,
    /// What is wrong and what to do about it.
    pub message: String,
}

impl Rejected {
    /// A refusal.
    pub fn new(code: RejectCode, message: impl Into<String>) -> Self {
        Rejected {
            code,
            message: message.into(),
        }
    }
}

mod rules;

fn reject(code: RejectCode, message: impl Into<String>) -> Rejected {
    Rejected::new(code, message)
}

/// A member as the log knows them.
#[derive(Debug, Clone, Serialize)]
pub struct MemberState {
    /// Their role.
    pub role: Role,
    /// Their councils.
    pub councils: Vec<CouncilId>,
    /// Whether they may take part: members who joined by invitation (and every member of a
    /// log from before open sign-up needed approval) are; an applicant of open sign-up is
    /// once a facilitator admits them.
    pub admitted: bool,
    /// Whether they deleted their account ([`Event::MemberLeft`]): then not admitted, in no
    /// council, a plain member, and never admitted again.
    pub left: bool,
    /// Whether the members who delegate to them see their ballots (their choice, in the log).
    pub shows_ballots_to_delegators: bool,
}

/// A council.
#[derive(Debug, Clone, Serialize)]
pub struct CouncilState {
    /// Its name.
    pub name: String,
    /// Workplace or consumer.
    pub kind: CouncilKind,
    /// The processes a workplace council runs.
    pub processes: Vec<String>,
}

/// A proposal for a common project.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Proposal {
    /// Its number.
    pub id: ProposalId,
    /// What it is.
    pub title: String,
    /// Cost in hours.
    pub cost_hours: f64,
    /// Resources it uses.
    pub resources: BTreeMap<String, f64>,
    /// The proposer's pseudonym.
    pub by: Pseudonym,
}

/// A registered need.
#[derive(Debug, Clone, Serialize)]
pub struct Need {
    /// Its number in the round: 1 for the first registered (withdrawing or hiding one does
    /// not renumber the others).
    pub number: u64,
    /// Whose (pseudonym).
    pub by: Pseudonym,
    /// Product.
    pub product: String,
    /// Quantity.
    pub quantity: f64,
    /// The year it is for, in a multi-year round (`None`: every year).
    pub year: Option<i64>,
}

/// A planning round.
#[derive(Debug, Clone, Serialize)]
pub struct RoundState {
    /// Its number.
    pub id: RoundId,
    /// Its title.
    pub title: String,
    /// Its phase.
    pub phase: Phase,
    /// How projects are chosen.
    pub rule: ProjectRule,
    /// When the vote counts.
    pub quorum: RoundQuorum,
    /// The split used without a valid split vote.
    pub default_split: HoursSplit,
    /// The counting rules of issue #15 (`None` in rounds opened before them).
    pub rules: Option<crate::event::RoundRules>,
    /// Needs that count, in order of registration.
    pub needs: Vec<Need>,
    /// Needs registered so far, including those withdrawn or hidden (the next need's number
    /// is one more).
    pub needs_registered: u64,
    /// Needs withdrawn by their member or hidden by a facilitator, in that order: they no
    /// longer count, and the round's page says why.
    pub removed_needs: Vec<(Need, Removal)>,
    /// Proposals that are candidates, by number.
    pub proposals: BTreeMap<ProposalId, Proposal>,
    /// Proposals withdrawn by their proposer or hidden by a facilitator.
    pub removed_proposals: BTreeMap<ProposalId, (Proposal, Removal)>,
    /// When each phase ends, if a facilitator set it (milliseconds since 1970, UTC): the
    /// service moves the round on by itself then.
    pub deadlines: BTreeMap<Phase, Deadline>,
    /// Each proposal's description, author (if signed), earlier versions and comments.
    pub discussion: BTreeMap<ProposalId, Discussion>,
    /// The comments of the round, by number.
    pub comments: BTreeMap<CommentId, Comment>,
    /// How many times each support pseudonym gave or took back a support (bounded by
    /// [`MAX_SUPPORT_CHANGES`], so that no member can grow the log without end).
    pub support_changes: BTreeMap<Pseudonym, u32>,
    /// The ballot of each pseudonym (the last one cast).
    pub ballots: BTreeMap<Pseudonym, RoundBallot>,
    /// Ballots cast, including replaced ones.
    pub ballots_cast: u64,
    /// The count, once voting closed (shared, like the plan: its explanation can be large).
    pub tally: Option<std::sync::Arc<RoundTally>>,
    /// The weights recorded with the count.
    pub weights: BTreeMap<Pseudonym, TopicWeights>,
    /// Each member's limits and the need cap (`None` in rounds opened before the rule).
    pub limits: Option<crate::needs::MemberLimits>,
    /// Why the round was abandoned, if it was (it is then in its follow-up phase, without a
    /// plan).
    pub abandoned: Option<String>,
    /// The plan's inputs and outcome, once computed.
    /// Shared, so that readers take it out of the state without copying it (a plan of a big
    /// economy is large, and the state is read under a lock).
    pub plan: Option<std::sync::Arc<RecordedPlan>>,
}

/// What members read and say about a proposal.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Discussion {
    /// The proposer's description (empty until they give one).
    pub description: String,
    /// The proposer's member number, if they signed it.
    pub signed_by: Option<MemberId>,
    /// The earlier versions, oldest first: each amendment of the title, cost or description
    /// keeps the version it replaced.
    pub versions: Vec<ProposalVersion>,
    /// The comments on it, in order.
    pub comments: Vec<CommentId>,
    /// The support pseudonyms of the members who support it.
    pub supporters: std::collections::BTreeSet<Pseudonym>,
}

/// One version of a proposal.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ProposalVersion {
    /// Its title.
    pub title: String,
    /// Its cost in hours.
    pub cost_hours: f64,
    /// Its description.
    pub description: String,
}

/// A comment on a proposal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Comment {
    /// Its number.
    pub id: CommentId,
    /// The proposal.
    pub proposal: ProposalId,
    /// Who.
    pub by: MemberId,
    /// What they said.
    pub text: String,
    /// Why a facilitator hid it, if they did.
    pub hidden: Option<String>,
}

/// The end of a phase, as a facilitator set it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Deadline {
    /// When, in milliseconds since 1970-01-01 UTC.
    pub at_ms: u64,
    /// The facilitator who set it (the service moves the round on in their name).
    pub by: MemberId,
}

/// Why a need or a proposal no longer counts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "by", rename_all = "snake_case")]
pub enum Removal {
    /// Its member took it back.
    Withdrawn,
    /// A facilitator hid it, for this reason.
    Hidden {
        /// The reason on record.
        reason: String,
    },
}

/// A round's plan as the log records it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RecordedPlan {
    /// What it was computed from.
    pub inputs: PlanInputs,
    /// The plan.
    pub outcome: PlanOutcome,
    /// In a multi-year round, the plan year by year.
    pub years: Option<YearsPlan>,
}

/// The needs registered for one product in a round, added up.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct NeedTotal {
    /// The sum of the quantities.
    pub quantity: f64,
    /// How many registrations.
    pub registrations: usize,
}

impl RoundState {
    /// Keeps a proposal's current version before an amendment replaces it.
    fn keep_version(&mut self, proposal: ProposalId) {
        let Some(p) = self.proposals.get(&proposal) else {
            return;
        };
        let d = self.discussion.entry(proposal).or_default();
        d.versions.push(ProposalVersion {
            title: p.title.clone(),
            cost_hours: p.cost_hours,
            description: d.description.clone(),
        });
    }

    /// When the current phase ends, if a facilitator set a deadline for it.
    pub fn current_deadline(&self) -> Option<Deadline> {
        self.deadlines.get(&self.phase).copied()
    }

    /// Takes a need out of the count, keeping it (and why) for the page.
    fn remove_need(&mut self, number: u64, why: Removal) {
        if let Some(k) = self.needs.iter().position(|n| n.number == number) {
            let need = self.needs.remove(k);
            self.removed_needs.push((need, why));
        }
    }

    /// Takes a proposal out of the candidates, keeping it (and why) for the page.
    fn remove_proposal(&mut self, proposal: ProposalId, why: Removal) {
        if let Some(p) = self.proposals.remove(&proposal) {
            self.removed_proposals.insert(proposal, (p, why));
        }
    }

    /// The needs added up per product, by product name.
    pub fn needs_by_product(&self) -> BTreeMap<&str, NeedTotal> {
        let mut out: BTreeMap<&str, NeedTotal> = BTreeMap::new();
        for n in &self.needs {
            let t = out.entry(n.product.as_str()).or_insert(NeedTotal {
                quantity: 0.0,
                registrations: 0,
            });
            t.quantity += n.quantity;
            t.registrations += 1;
        }
        out
    }

    /// The needs added up per product and year (`None`: every year), by product name, then
    /// year.
    pub fn needs_by_product_and_year(&self) -> BTreeMap<(&str, Option<i64>), NeedTotal> {
        let mut out: BTreeMap<(&str, Option<i64>), NeedTotal> = BTreeMap::new();
        for n in &self.needs {
            let t = out
                .entry((n.product.as_str(), n.year))
                .or_insert(NeedTotal {
                    quantity: 0.0,
                    registrations: 0,
                });
            t.quantity += n.quantity;
            t.registrations += 1;
        }
        out
    }
}

/// The imported economy.
#[derive(Debug, Clone)]
pub struct ImportedEconomy {
    /// The planning file (TOML), verbatim.
    pub text: String,
    /// Its SHA-256.
    pub sha256: String,
    /// Its parsed form.
    pub parsed: PlanningEconomy,
    /// For a multi-year planning file (one with `[years]`), its years.
    pub years: Option<Arc<ImportedYears>>,
}

/// What members do in a round, each only in its phase.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RoundAction {
    /// Register a need (needs phase).
    RegisterNeed,
    /// Propose a common project (needs phase).
    Propose,
    /// Cast a ballot (voting phase).
    Vote,
}

impl RoundAction {
    /// The phase it is possible in.
    pub fn phase(self) -> Phase {
        match self {
            RoundAction::RegisterNeed | RoundAction::Propose => Phase::Needs,
            RoundAction::Vote => Phase::Voting,
        }
    }

    /// What it is, in words.
    pub fn doing(self) -> &'static str {
        match self {
            RoundAction::RegisterNeed => "registering a need",
            RoundAction::Propose => "proposing a project",
            RoundAction::Vote => "voting",
        }
    }
}

impl RoundState {
    /// Whether members can do this in the round now.
    pub fn open_for(&self, action: RoundAction) -> bool {
        self.phase == action.phase()
    }
}

/// The project vote of a counted round as a participatory budgeting election
/// ([`Ledger::round_election`]).
#[derive(Debug, Clone)]
pub struct RoundElection {
    /// The election: the budget, the proposals, one weighted approval ballot per voter.
    pub election: plenty_core::vote::Election,
    /// The pseudonyms of the ballots, in the election's order.
    pub voters: Vec<Pseudonym>,
    /// The completion the count used.
    pub completion: plenty_core::vote::Completion,
    /// The round's project rule.
    pub rule: ProjectRule,
}

/// How strictly to replay.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReplayMode {
    /// Recompute each recorded plan and compare it bit for bit (slow on big economies).
    pub recompute_plans: bool,
}

/// The state of the federation.
#[derive(Debug, Clone)]
pub struct Ledger {
    /// The federation's name, once founded.
    pub name: Option<String>,
    /// Weeks per plan period.
    pub weeks_per_period: f64,
    /// Councils.
    pub councils: BTreeMap<CouncilId, CouncilState>,
    /// Members.
    pub members: BTreeMap<MemberId, MemberState>,
    /// The economy: its text, hash and parsed form.
    pub economy: Option<ImportedEconomy>,
    /// Delegations: (member, topic) → delegate.
    pub delegations: BTreeMap<(MemberId, Topic), MemberId>,
    /// Rounds.
    pub rounds: BTreeMap<RoundId, RoundState>,
    /// Highest proposal number so far.
    pub last_proposal: ProposalId,
    /// Highest comment number so far.
    pub last_comment: CommentId,
    /// Requests to join a council that a facilitator has not decided yet.
    pub council_requests: std::collections::BTreeSet<(MemberId, CouncilId)>,
    /// Labour-time accounting: accounts, reports, prices ([`crate::accounting`]).
    pub accounts: crate::accounting::Accounts,
    mode: ReplayMode,
}

/// Largest quantity or cost accepted, to keep sums finite and exact enough.
pub const MAX_QUANTITY: f64 = 1e12;
/// Longest title.
pub const MAX_TITLE: usize = 200;
/// Longest reason for abandoning a round, in characters.
pub const MAX_REASON: usize = 1000;
/// Longest description of a proposal, in characters.
pub const MAX_DESCRIPTION: usize = 4000;
/// Longest comment, in characters.
pub const MAX_COMMENT: usize = 2000;
/// Most times one member gives or takes back a support in one round.
pub const MAX_SUPPORT_CHANGES: u32 = 500;
/// Most comments one member posts in one round.
pub const MAX_COMMENTS_PER_MEMBER: usize = 200;
/// The highest turnout a facilitator may require for a vote to count (issue #14: a quorum of
/// 1 lets one abstention sink every vote).
pub const MAX_MIN_TURNOUT: f64 = 2.0 / 3.0;

fn positive(what: &str, x: f64) -> Result<(), Rejected> {
    if !(x.is_finite() && x > 0.0 && x <= MAX_QUANTITY) {
        return Err(reject(
            RejectCode::Invalid,
            format!("{what} must be a number above 0 and at most {MAX_QUANTITY:e}; got {x}"),
        ));
    }
    Ok(())
}

/// Checks a split of hours: three shares, each in `[0, 1]`, summing to 1.
pub fn check_split(s: &HoursSplit) -> Result<(), Rejected> {
    let s = s.shares();
    if s.iter().any(|x| !x.is_finite() || *x < 0.0 || *x > 1.0) {
        return Err(reject(
            RejectCode::Invalid,
            "split: each share (consumption, investment, common funds) must be between 0 and 1",
        ));
    }
    let sum: f64 = s.iter().sum();
    if (sum - 1.0).abs() > 1e-9 {
        return Err(reject(
            RejectCode::Invalid,
            format!("split: the three shares must add up to 1; they add up to {sum}"),
        ));
    }
    Ok(())
}

impl Default for Ledger {
    fn default() -> Self {
        Ledger::new(ReplayMode {
            recompute_plans: false,
        })
    }
}

impl Ledger {
    /// An empty federation.
    pub fn new(mode: ReplayMode) -> Self {
        Ledger {
            name: None,
            weeks_per_period: 52.0,
            councils: BTreeMap::new(),
            members: BTreeMap::new(),
            economy: None,
            delegations: BTreeMap::new(),
            rounds: BTreeMap::new(),
            last_proposal: 0,
            last_comment: 0,
            council_requests: std::collections::BTreeSet::new(),
            accounts: crate::accounting::Accounts::default(),
            mode,
        }
    }

    /// The round still open (not yet in follow-up), if any.
    pub fn current_round(&self) -> Option<&RoundState> {
        self.rounds
            .values()
            .rev()
            .find(|r| r.phase != Phase::FollowUp)
    }

    /// Members who may vote: the admitted ones (not applicants awaiting a facilitator).
    pub fn eligible(&self) -> u64 {
        self.members.values().filter(|m| m.admitted).count() as u64
    }

    /// Whether `member` is an admitted member.
    pub fn is_admitted(&self, member: MemberId) -> bool {
        self.members.get(&member).is_some_and(|m| m.admitted)
    }

    /// The latest round.
    pub fn latest_round(&self) -> Option<&RoundState> {
        self.rounds.values().next_back()
    }

    fn round_in(&self, r: RoundId, phase: Phase, doing: &str) -> Result<&RoundState, Rejected> {
        let round = self.round(r)?;
        if round.phase != phase {
            return Err(reject(
                RejectCode::WrongPhase,
                format!(
                    "round {r} is in its {} phase; {doing} is only possible in the {} phase",
                    round.phase.name(),
                    phase.name()
                ),
            ));
        }
        Ok(round)
    }

    fn economy(&self) -> Result<&PlanningEconomy, Rejected> {
        self.economy
            .as_ref()
            .map(|e| &e.parsed)
            .ok_or_else(|| reject(RejectCode::Conflict, "no economy imported yet"))
    }

    /// Validates an event and applies it.
    pub fn apply(&mut self, event: &Event) -> Result<(), Rejected> {
        self.check(event)?;
        self.commit(event);
        Ok(())
    }

    /// Checks an event against the rules without applying it: one rule set per kind of event
    /// (`state/rules.rs`), the same for the service writing and for `plenty audit verify`.
    pub fn check(&self, event: &Event) -> Result<(), Rejected> {
        if self.name.is_none() && !matches!(event, Event::FederationFounded { .. }) {
            return Err(reject(
                RejectCode::Invalid,
                "the first entry must found the federation",
            ));
        }
        match event {
            Event::FederationFounded {
                name,
                weeks_per_period,
            } => self.check_federation_founded(name, *weeks_per_period),
            Event::CouncilFounded {
                council,
                name,
                processes,
                ..
            } => self.check_council_founded(council, name, processes),
            Event::MemberJoined {
                member, councils, ..
            } => self.check_member_joined(member, councils),
            Event::MemberApplied { member } => self.check_member_applied(member),
            Event::MemberLeft { member } => self.check_member_left(member),
            Event::MemberAdmitted {
                member,
                councils,
                by,
            } => self.check_member_admitted(member, councils, by),
            Event::EconomyImported { by, text, sha256 } => {
                self.check_economy_imported(by, text, sha256)
            }
            Event::RoundOpened {
                round,
                title,
                by,
                rule: _,
                quorum,
                default_split,
                limits,
                rules: _,
            } => self.check_round_opened(round, title, by, quorum, default_split, limits.as_ref()),
            Event::NeedRegistered {
                round,
                by,
                product,
                quantity,
                year,
            } => self.check_need_registered(round, by, product, *quantity, *year),
            Event::ProposalSubmitted {
                round,
                proposal,
                by,
                title,
                cost_hours,
                resources,
            } => self.check_proposal_submitted(round, proposal, by, title, *cost_hours, resources),
            Event::NeedWithdrawn { round, need, by } => {
                self.check_need_changed(*round, *need, by, None)
            }
            Event::NeedEdited {
                round,
                need,
                by,
                quantity,
            } => self.check_need_changed(*round, *need, by, Some(*quantity)),
            Event::ProposalWithdrawn {
                round,
                proposal,
                by,
            } => self.check_proposal_changed(*round, *proposal, by, None),
            Event::ProposalEdited {
                round,
                proposal,
                by,
                title,
                cost_hours,
            } => self.check_proposal_changed(
                *round,
                *proposal,
                by,
                Some((title.as_str(), *cost_hours)),
            ),
            Event::ItemHidden {
                round,
                item,
                reason,
                by,
            } => self.check_item_hidden(*round, item, reason, *by),
            Event::DeadlineSet {
                round,
                phase,
                at_ms,
                by,
            } => self.check_deadline_set(*round, *phase, *at_ms, *by),
            Event::ProposalDescribed {
                round,
                proposal,
                by,
                description,
                signed_by,
            } => self.check_proposal_described(*round, *proposal, by, description, *signed_by),
            Event::ProposalSupported {
                round,
                proposal,
                by,
                supported,
            } => self.check_proposal_supported(*round, *proposal, by, *supported),
            Event::CommentPosted {
                round,
                proposal,
                comment,
                by,
                text,
            } => self.check_comment_posted(*round, *proposal, *comment, *by, text),
            Event::CommentHidden {
                round,
                comment,
                reason,
                by,
            } => self.check_comment_hidden(*round, *comment, reason, *by),
            Event::PhaseAdvanced { round, to, by } => self.check_phase_advanced(round, to, by),
            Event::RoundAbandoned { round, reason, by } => {
                self.check_round_abandoned(round, reason, by)
            }
            Event::BallotCast {
                round,
                voter,
                ballot,
                replaces,
            } => self.check_ballot_cast(round, voter, ballot, *replaces),
            Event::DelegationGranted {
                member,
                topic: _,
                to,
            } => self.check_delegation_granted(member, to),
            Event::DelegationRevoked { member, topic } => {
                self.check_delegation_revoked(member, topic)
            }
            Event::CouncilJoinRequested { member, council } => {
                self.check_council_join_requested(*member, *council)
            }
            Event::CouncilJoinDecided {
                member,
                council,
                by,
                ..
            } => self.check_council_join_decided(*member, *council, *by),
            Event::CouncilLeft { member, council } => self.check_council_left(*member, *council),
            Event::DelegateBallotsShown { member, .. } => {
                if self.members.get(member).is_some_and(|m| m.admitted) {
                    Ok(())
                } else {
                    Err(reject(
                        RejectCode::Forbidden,
                        format!("member {member} is not an admitted member"),
                    ))
                }
            }
            Event::TallyRecorded {
                round,
                eligible,
                weights,
                tally,
            } => self.check_tally_recorded(round, *eligible, weights, tally),
            Event::PlanRecorded {
                round,
                inputs,
                inputs_sha256,
                result,
                result_sha256,
                years,
            } => self.check_plan_recorded(
                round,
                inputs,
                inputs_sha256,
                result,
                result_sha256,
                years.as_deref(),
            ),
            Event::WorkplaceNamed {
                council,
                reporters,
                by,
            } => self.check_workplace_named(*council, reporters, *by),
            Event::DistributionPointNamed {
                council,
                operators,
                by,
            } => self.check_point_named(*council, operators, *by),
            Event::AuditorsNamed { auditors, by } => self.check_auditors_named(auditors, *by),
            Event::HoursReported {
                report,
                council,
                account,
                period,
                hours,
                by,
            } => self.check_hours_reported(*report, *council, account, period, *hours, *by),
            Event::HoursConfirmed {
                report,
                account,
                rates,
                pay,
            } => self.check_hours_confirmed(*report, account, rates, pay),
            Event::HoursDisputed {
                report,
                account,
                reason,
            } => self.check_hours_disputed(*report, account, reason),
            Event::DeductionsVoted { account, rates } => {
                self.check_deductions_voted(account, rates)
            }
            Event::PricesPublished {
                period,
                round,
                prices,
                by,
            } => self.check_prices_published(*period, *round, prices, *by),
            Event::PurchaseRecorded {
                purchase,
                council,
                account,
                product,
                quantity,
                price,
                cost,
                by,
            } => self.check_purchase(
                *purchase, *council, account, product, *quantity, *price, *cost, *by,
            ),
            Event::PurchaseQueued {
                council,
                account,
                product,
                quantity,
                by,
            } => self.check_purchase_queued(*council, account, product, *quantity, *by),
        }
    }

    /// Applies an event already validated.
    fn commit(&mut self, event: &Event) {
        if self.commit_accounting(event) {
            return;
        }
        match event {
            Event::FederationFounded {
                name,
                weeks_per_period,
            } => {
                self.name = Some(name.clone());
                self.weeks_per_period = *weeks_per_period;
            }
            Event::CouncilFounded {
                council,
                name,
                kind,
                processes,
            } => {
                self.councils.insert(
                    *council,
                    CouncilState {
                        name: name.clone(),
                        kind: *kind,
                        processes: processes.clone(),
                    },
                );
            }
            Event::MemberJoined {
                member,
                councils,
                role,
            } => {
                self.members.insert(
                    *member,
                    MemberState {
                        role: *role,
                        councils: councils.clone(),
                        admitted: true,
                        left: false,
                        shows_ballots_to_delegators: false,
                    },
                );
            }
            Event::MemberApplied { member } => {
                self.members.insert(
                    *member,
                    MemberState {
                        role: Role::Member,
                        councils: Vec::new(),
                        admitted: false,
                        left: false,
                        shows_ballots_to_delegators: false,
                    },
                );
            }
            Event::MemberLeft { member } => {
                if let Some(m) = self.members.get_mut(member) {
                    m.left = true;
                    m.admitted = false;
                    m.role = Role::Member;
                    m.councils.clear();
                }
                // Their delegations end, and so do the delegations to them: a vote delegated
                // to a member who left goes to nobody (it counts for no one).
                self.delegations
                    .retain(|(from, _), to| from != member && to != member);
                // Their requests to join councils go with them.
                self.council_requests.retain(|(m, _)| m != member);
            }
            Event::MemberAdmitted {
                member, councils, ..
            } => {
                if let Some(m) = self.members.get_mut(member) {
                    m.admitted = true;
                    m.councils = councils.clone();
                }
            }
            Event::EconomyImported { text, sha256, .. } => {
                // Checked: it parses.
                if let Ok(e) = parse_economy(text) {
                    self.economy = Some(ImportedEconomy {
                        text: text.clone(),
                        sha256: sha256.clone(),
                        parsed: e,
                        years: parse_years(text).ok().flatten().map(Arc::new),
                    });
                }
            }
            Event::RoundOpened {
                round,
                title,
                rule,
                quorum,
                default_split,
                limits,
                rules,
                ..
            } => {
                self.rounds.insert(
                    *round,
                    RoundState {
                        id: *round,
                        title: title.clone(),
                        phase: Phase::Needs,
                        rule: *rule,
                        quorum: *quorum,
                        default_split: *default_split,
                        rules: *rules,
                        needs: Vec::new(),
                        needs_registered: 0,
                        removed_needs: Vec::new(),
                        proposals: BTreeMap::new(),
                        removed_proposals: BTreeMap::new(),
                        deadlines: BTreeMap::new(),
                        discussion: BTreeMap::new(),
                        comments: BTreeMap::new(),
                        support_changes: BTreeMap::new(),
                        ballots: BTreeMap::new(),
                        ballots_cast: 0,
                        tally: None,
                        weights: BTreeMap::new(),
                        abandoned: None,
                        limits: *limits,
                        plan: None,
                    },
                );
            }
            Event::NeedRegistered {
                round,
                by,
                product,
                quantity,
                year,
            } => {
                if let Some(r) = self.rounds.get_mut(round) {
                    r.needs_registered += 1;
                    r.needs.push(Need {
                        number: r.needs_registered,
                        by: by.clone(),
                        product: product.clone(),
                        quantity: *quantity,
                        year: *year,
                    });
                }
            }
            Event::ProposalSubmitted {
                round,
                proposal,
                by,
                title,
                cost_hours,
                resources,
            } => {
                self.last_proposal = *proposal;
                if let Some(r) = self.rounds.get_mut(round) {
                    r.proposals.insert(
                        *proposal,
                        Proposal {
                            id: *proposal,
                            title: title.clone(),
                            cost_hours: *cost_hours,
                            resources: resources.clone(),
                            by: by.clone(),
                        },
                    );
                }
            }
            Event::NeedWithdrawn { round, need, .. } => {
                if let Some(r) = self.rounds.get_mut(round) {
                    r.remove_need(*need, Removal::Withdrawn);
                }
            }
            Event::NeedEdited {
                round,
                need,
                quantity,
                ..
            } => {
                if let Some(n) = self
                    .rounds
                    .get_mut(round)
                    .and_then(|r| r.needs.iter_mut().find(|n| n.number == *need))
                {
                    n.quantity = *quantity;
                }
            }
            Event::ProposalWithdrawn {
                round, proposal, ..
            } => {
                if let Some(r) = self.rounds.get_mut(round) {
                    r.remove_proposal(*proposal, Removal::Withdrawn);
                }
            }
            Event::ProposalEdited {
                round,
                proposal,
                title,
                cost_hours,
                ..
            } => {
                if let Some(r) = self.rounds.get_mut(round) {
                    r.keep_version(*proposal);
                    if let Some(p) = r.proposals.get_mut(proposal) {
                        p.title = title.clone();
                        p.cost_hours = *cost_hours;
                    }
                }
            }
            Event::ProposalDescribed {
                round,
                proposal,
                description,
                signed_by,
                ..
            } => {
                if let Some(r) = self.rounds.get_mut(round) {
                    if r.discussion
                        .get(proposal)
                        .is_some_and(|d| !d.description.is_empty())
                    {
                        r.keep_version(*proposal);
                    }
                    let d = r.discussion.entry(*proposal).or_default();
                    d.description = description.clone();
                    if signed_by.is_some() {
                        d.signed_by = *signed_by;
                    }
                }
            }
            Event::ProposalSupported {
                round,
                proposal,
                by,
                supported,
            } => {
                if let Some(r) = self.rounds.get_mut(round) {
                    *r.support_changes.entry(by.clone()).or_default() += 1;
                    let d = r.discussion.entry(*proposal).or_default();
                    if *supported {
                        d.supporters.insert(by.clone());
                    } else {
                        d.supporters.remove(by);
                    }
                }
            }
            Event::CommentPosted {
                round,
                proposal,
                comment,
                by,
                text,
            } => {
                self.last_comment = *comment;
                if let Some(r) = self.rounds.get_mut(round) {
                    r.discussion
                        .entry(*proposal)
                        .or_default()
                        .comments
                        .push(*comment);
                    r.comments.insert(
                        *comment,
                        Comment {
                            id: *comment,
                            proposal: *proposal,
                            by: *by,
                            text: text.clone(),
                            hidden: None,
                        },
                    );
                }
            }
            Event::CommentHidden {
                round,
                comment,
                reason,
                ..
            } => {
                if let Some(c) = self
                    .rounds
                    .get_mut(round)
                    .and_then(|r| r.comments.get_mut(comment))
                {
                    c.hidden = Some(reason.clone());
                }
            }
            Event::ItemHidden {
                round,
                item,
                reason,
                ..
            } => {
                if let Some(r) = self.rounds.get_mut(round) {
                    let why = Removal::Hidden {
                        reason: reason.clone(),
                    };
                    match item {
                        RoundItem::Need { need } => r.remove_need(*need, why),
                        RoundItem::Proposal { proposal } => r.remove_proposal(*proposal, why),
                    }
                }
            }
            Event::DeadlineSet {
                round,
                phase,
                at_ms,
                by,
            } => {
                if let Some(r) = self.rounds.get_mut(round) {
                    r.deadlines.insert(
                        *phase,
                        Deadline {
                            at_ms: *at_ms,
                            by: *by,
                        },
                    );
                }
            }
            Event::PhaseAdvanced { round, to, .. } => {
                if let Some(r) = self.rounds.get_mut(round) {
                    r.phase = *to;
                }
            }
            Event::RoundAbandoned { round, reason, .. } => {
                if let Some(r) = self.rounds.get_mut(round) {
                    r.phase = Phase::FollowUp;
                    r.abandoned = Some(reason.clone());
                }
            }
            Event::BallotCast {
                round,
                voter,
                ballot,
                ..
            } => {
                if let Some(r) = self.rounds.get_mut(round) {
                    r.ballots.insert(voter.clone(), ballot.clone());
                    r.ballots_cast += 1;
                }
            }
            Event::DelegationGranted { member, topic, to } => {
                self.delegations.insert((*member, *topic), *to);
            }
            Event::DelegationRevoked { member, topic } => {
                self.delegations.remove(&(*member, *topic));
            }
            Event::DelegateBallotsShown { member, shown } => {
                if let Some(m) = self.members.get_mut(member) {
                    m.shows_ballots_to_delegators = *shown;
                }
            }
            Event::CouncilJoinRequested { member, council } => {
                self.council_requests.insert((*member, *council));
            }
            Event::CouncilJoinDecided {
                member,
                council,
                approved,
                ..
            } => {
                self.council_requests.remove(&(*member, *council));
                if *approved {
                    if let Some(m) = self.members.get_mut(member) {
                        m.councils.push(*council);
                    }
                }
            }
            Event::CouncilLeft { member, council } => {
                if let Some(m) = self.members.get_mut(member) {
                    m.councils.retain(|c| c != council);
                }
            }
            Event::TallyRecorded {
                round,
                weights,
                tally,
                ..
            } => {
                if let Some(r) = self.rounds.get_mut(round) {
                    r.tally = Some(std::sync::Arc::new(tally.as_ref().clone()));
                    r.weights = weights.clone();
                }
            }
            Event::PlanRecorded {
                round,
                inputs,
                result,
                years,
                ..
            } => {
                if let Some(r) = self.rounds.get_mut(round) {
                    r.plan = Some(std::sync::Arc::new(RecordedPlan {
                        inputs: inputs.as_ref().clone(),
                        outcome: result.as_ref().clone(),
                        years: years.as_deref().cloned(),
                    }));
                }
            }
            // Accounting events were applied by `commit_accounting`.
            _ => {}
        }
    }

    /// Total hours of the plan period: the sum over labour types in the economy file.
    pub fn total_hours(&self) -> f64 {
        self.economy
            .as_ref()
            .map(|e| e.parsed.labour_types().iter().map(|l| l.hours).sum())
            .unwrap_or(0.0)
    }

    /// What the count of a round is computed from.
    pub fn tally_input(
        &self,
        r: &RoundState,
        eligible: u64,
        weights: &BTreeMap<Pseudonym, TopicWeights>,
    ) -> Result<TallyInput, Rejected> {
        let e = self.economy()?;
        Ok(TallyInput {
            eligible,
            rule: r.rule,
            quorum: r.quorum,
            default_split: r.default_split,
            total_hours: self.total_hours(),
            proposals: r.proposals.values().cloned().collect(),
            products: e.products().iter().map(|p| p.name.clone()).collect(),
            ballots: r
                .ballots
                .iter()
                .map(|(p, b)| {
                    (
                        weights.get(p).copied().unwrap_or(TopicWeights::ONE),
                        b.clone(),
                    )
                })
                .collect(),
            multi_year: self.economy_years().is_some(),
            summary: r.limits.is_some(),
            rules: r.rules,
        })
    }

    /// The years of the imported economy, when it is a multi-year plan (its rounds are
    /// multi-year rounds).
    pub fn economy_years(&self) -> Option<&Arc<ImportedYears>> {
        self.economy.as_ref().and_then(|e| e.years.as_ref())
    }

    /// Whose ballot each member follows per topic, and the resulting weight of each ballot.
    ///
    /// `pseudonym` maps a member to their round pseudonym (only the service can compute it).
    /// A member who voted on a topic counts for themselves; one who did not follows their
    /// delegation chain to the first member who did (see [`plenty_core::vote`]).
    pub fn weights(
        &self,
        round: RoundId,
        pseudonym: impl Fn(MemberId) -> Pseudonym,
    ) -> BTreeMap<Pseudonym, TopicWeights> {
        let Some(r) = self.rounds.get(&round) else {
            return BTreeMap::new();
        };
        // Applicants cannot vote nor delegate; only admitted members carry weight.
        let ids: Vec<MemberId> = self
            .members
            .iter()
            .filter(|(_, m)| m.admitted)
            .map(|(k, _)| *k)
            .collect();
        let names: Vec<Pseudonym> = ids.iter().map(|m| pseudonym(*m)).collect();
        let index: BTreeMap<MemberId, usize> =
            ids.iter().enumerate().map(|(k, m)| (*m, k)).collect();
        let mut out: BTreeMap<Pseudonym, TopicWeights> = r
            .ballots
            .keys()
            .map(|p| (p.clone(), TopicWeights::ONE))
            .collect();
        for topic in Topic::ALL.iter() {
            let voted: Vec<bool> = names
                .iter()
                .map(|p| {
                    r.ballots
                        .get(p)
                        .is_some_and(|b| crate::tally::votes_on(b, *topic))
                })
                .collect();
            let edges: Vec<(usize, usize)> = self
                .delegations
                .iter()
                .filter(|((_, tp), _)| tp == topic)
                .filter_map(|((m, _), to)| Some((*index.get(m)?, *index.get(to)?)))
                .collect();
            let follows = crate::tally::resolve(ids.len(), &edges, &voted);
            // A voter resolves to themselves; their own voice is the 1 already counted.
            for (k, f) in follows.into_iter().enumerate() {
                match f {
                    Some(f) if f != k => {
                        if let Some(w) = out.get_mut(&names[f]) {
                            *w.get_mut(*topic) += 1;
                        }
                    }
                    _ => {}
                }
            }
        }
        out
    }

    /// The member whose ballot `member` follows on `topic` in `round` (themselves if they
    /// voted on it; the end of their delegation chain otherwise; `None` if the chain loops
    /// or ends at a member who did not vote). The same resolution as [`Ledger::weights`].
    pub fn delegate_of(
        &self,
        round: RoundId,
        member: MemberId,
        topic: Topic,
        pseudonym: impl Fn(MemberId) -> Pseudonym,
    ) -> Option<MemberId> {
        let r = self.rounds.get(&round)?;
        let ids: Vec<MemberId> = self
            .members
            .iter()
            .filter(|(_, m)| m.admitted)
            .map(|(k, _)| *k)
            .collect();
        let index: BTreeMap<MemberId, usize> =
            ids.iter().enumerate().map(|(k, m)| (*m, k)).collect();
        let voted: Vec<bool> = ids
            .iter()
            .map(|m| {
                r.ballots
                    .get(&pseudonym(*m))
                    .is_some_and(|b| crate::tally::votes_on(b, topic))
            })
            .collect();
        let edges: Vec<(usize, usize)> = self
            .delegations
            .iter()
            .filter(|((_, tp), _)| *tp == topic)
            .filter_map(|((m, _), to)| Some((*index.get(m)?, *index.get(to)?)))
            .collect();
        let follows = crate::tally::resolve(ids.len(), &edges, &voted);
        follows
            .get(*index.get(&member)?)
            .copied()
            .flatten()
            .map(|k| ids[k])
    }

    /// The project vote of a counted round as a participatory budgeting election, with the
    /// ballots' pseudonyms and the completion the count used (for `election.pb`).
    pub fn round_election(&self, round: RoundId) -> Option<RoundElection> {
        let r = self.rounds.get(&round)?;
        let tally = r.tally.as_ref()?;
        let input = self.tally_input(r, self.eligible(), &r.weights).ok()?;
        let election = crate::tally::project_election(&input, tally.projects.budget_hours);
        let voters = r
            .ballots
            .iter()
            .filter(|(_, b)| crate::tally::votes_on(b, Topic::Projects))
            .map(|(p, _)| p.clone())
            .collect();
        let completion = crate::tally::completion_for(&election);
        Some(RoundElection {
            election,
            voters,
            completion,
            rule: r.rule,
        })
    }

    /// The recorded plan (inputs and outcome) that `inputs` start from, if they name one that
    /// the log holds.
    pub fn plan_start(&self, inputs: &PlanInputs) -> Option<std::sync::Arc<RecordedPlan>> {
        let w = inputs.warm_start.as_ref()?;
        self.rounds.get(&w.round)?.plan.clone()
    }

    /// The inputs of a round's plan, as the log determines them. The warm start is the plan
    /// of the latest earlier single-year round whose plan is optimal.
    pub fn plan_inputs(
        &self,
        round: RoundId,
        tolerance: f64,
        code_version: &str,
    ) -> Result<PlanInputs, Rejected> {
        let tally = self.round_tally(round)?;
        self.plan_inputs_with(round, &tally, tolerance, code_version)
    }

    fn round_tally(&self, round: RoundId) -> Result<Arc<RoundTally>, Rejected> {
        let r = self
            .rounds
            .get(&round)
            .ok_or_else(|| reject(RejectCode::NotFound, format!("no round {round}")))?;
        r.tally.clone().ok_or_else(|| {
            reject(
                RejectCode::Conflict,
                format!("round {round} is not counted yet"),
            )
        })
    }

    /// [`Ledger::plan_inputs`] from a given count of the round (the recorded one, or a recount
    /// without one ballot, to show what that ballot changed). In a multi-year round these are
    /// the first year's figures; [`Ledger::years_inputs_with`] gives every year.
    pub fn plan_inputs_with(
        &self,
        round: RoundId,
        tally: &RoundTally,
        tolerance: f64,
        code_version: &str,
    ) -> Result<PlanInputs, Rejected> {
        let r = self.round(round)?;
        let ImportedEconomy {
            sha256: sha,
            parsed: e,
            years,
            ..
        } = self
            .economy
            .as_ref()
            .ok_or_else(|| reject(RejectCode::Conflict, "no economy imported yet"))?;
        let first_year = years.as_ref().map(|y| y.first_year);
        let mut targets: BTreeMap<String, f64> = e
            .products()
            .iter()
            .filter(|p| p.target > 0.0)
            .map(|p| (p.name.clone(), p.target))
            .collect();
        // Needs for every year, and (in a multi-year round) those for the first year, as they
        // count (capped per member in rounds with limits).
        for ((product, year), q) in self.counted_needs(r)?.totals {
            if year.is_none() || year == first_year {
                *targets.entry(product).or_insert(0.0) += q;
            }
        }
        // Consumer feedback (Dapprich, issue #16): a good priced above its value (demand
        // exceeded supply) gets a larger target, one priced below a smaller, by the factor of
        // the latest price list's ratio.
        if let Some(list) = &self.accounts.prices {
            let feedback = plenty_core::accounting::PriceFeedback::default();
            for (product, line) in &list.prices {
                if let Some(t) = targets.get_mut(product) {
                    *t *= feedback.target_factor(line.ratio);
                }
            }
        }
        let split = tally.split.shares;
        let labour_hours = e
            .labour_types()
            .iter()
            .map(|l| (l.name.clone(), l.hours * split.consumption))
            .collect();
        let mut resource_limits: BTreeMap<String, f64> = e
            .resources()
            .iter()
            .filter(|q| q.limit.is_finite())
            .map(|q| (q.name.clone(), q.limit))
            .collect();
        let project_hours = self.fund_projects(r, tally, &mut resource_limits);
        Ok(PlanInputs {
            economy_sha256: sha.clone(),
            targets,
            labour_hours,
            resource_limits,
            split,
            projects: tally.projects.funded.clone(),
            project_hours,
            common_fund_hours: self.total_hours() * split.common_funds,
            members: self.eligible(),
            weeks_per_period: self.weeks_per_period,
            tolerance,
            code_version: code_version.to_string(),
            // A multi-year plan starts from nothing; a single-year plan from the latest
            // earlier single-year plan that is optimal.
            warm_start: if years.is_some() {
                None
            } else {
                self.rounds.range(..round).rev().find_map(|(id, r)| {
                    let p = r.plan.as_ref()?;
                    (p.outcome.status.is_optimal() && p.years.is_none()).then(|| WarmStartRef {
                        round: *id,
                        result_sha256: digest(&p.outcome),
                    })
                })
            },
            lp_solver: Some(RecordedLpSolver::Auto),
        })
    }

    /// A round's needs as they count towards the targets ([`crate::needs`]): capped per
    /// member at `F · max(baseline per member, median of the others)` in rounds with limits,
    /// added up as registered in older ones. The baseline is the file's target (in a
    /// multi-year round, the year's; for a need of every year, the first year's).
    pub fn counted_needs(&self, r: &RoundState) -> Result<crate::needs::CountedNeeds, Rejected> {
        let e = self
            .economy
            .as_ref()
            .ok_or_else(|| reject(RejectCode::Conflict, "no economy imported yet"))?;
        let baseline = |product: &str, year: Option<i64>| -> f64 {
            match &e.years {
                None => e
                    .parsed
                    .products()
                    .iter()
                    .find(|p| p.name == product)
                    .map_or(0.0, |p| p.target),
                Some(y) => {
                    let m = &y.economy;
                    let t = year.and_then(|year| y.index_of(year)).unwrap_or(0);
                    m.goods
                        .iter()
                        .position(|g| g == product)
                        .and_then(|k| m.targets.get(t).map(|d| d[k]))
                        .unwrap_or(0.0)
                }
            }
        };
        Ok(crate::needs::count_needs(
            &r.needs,
            r.limits.as_ref(),
            self.eligible(),
            baseline,
        ))
    }

    /// Refuses, until the member confirms it, a need far beyond what the economy could make
    /// ([`crate::plausible::implausible_need`]).
    pub fn confirm_need(&self, product: &str, quantity: f64) -> Result<(), Rejected> {
        let Some(e) = self.economy.as_ref() else {
            return Ok(());
        };
        match crate::plausible::implausible_need(&e.parsed, product, quantity) {
            Some(why) => Err(reject(
                RejectCode::NeedsConfirmation,
                format!("{why}. If you mean it, confirm to register it anyway."),
            )),
            None => Ok(()),
        }
    }

    /// Refuses, until the member confirms it, a project costing more than the round's default
    /// split gives all projects ([`crate::plausible::implausible_project`]).
    pub fn confirm_proposal(&self, round: RoundId, cost_hours: f64) -> Result<(), Rejected> {
        let r = self.round(round)?;
        let total = self.total_hours();
        let budget = total * r.default_split.investment;
        match crate::plausible::implausible_project(cost_hours, budget, total) {
            Some(why) => Err(reject(
                RejectCode::NeedsConfirmation,
                format!("{why}. If you mean it, confirm to submit it anyway."),
            )),
            None => Ok(()),
        }
    }

    /// The hours of the funded projects; takes the resources they use off `limits`.
    fn fund_projects(
        &self,
        r: &RoundState,
        tally: &RoundTally,
        limits: &mut BTreeMap<String, f64>,
    ) -> f64 {
        let mut project_hours = 0.0;
        for id in &tally.projects.funded {
            if let Some(p) = r.proposals.get(id) {
                project_hours += p.cost_hours;
                for (name, q) in &p.resources {
                    if let Some(l) = limits.get_mut(name) {
                        *l = (*l - q).max(0.0);
                    }
                }
            }
        }
        project_hours
    }

    /// The year-by-year inputs of a multi-year round's plan from a count of the round (`None`
    /// for a single-year round). Year `t` gets the file's targets for `t` plus the needs for
    /// `t` and for every year; the hours of year `t` times the consumption share; the file's
    /// resource limits for `t` (the first year's less what the funded projects use); the funded
    /// projects' hours in the first year and the investment share of the hours in the later
    /// ones; the common-fund share of every year's hours; and the count's discount rate.
    pub fn years_inputs_with(
        &self,
        round: RoundId,
        tally: &RoundTally,
    ) -> Result<Option<YearsInputs>, Rejected> {
        let r = self.round(round)?;
        let Some(y) = self.economy_years() else {
            return Ok(None);
        };
        let m = &y.economy;
        let split = tally.split.shares;
        let mut targets: Vec<BTreeMap<String, f64>> = m
            .targets
            .iter()
            .map(|d| {
                m.goods
                    .iter()
                    .zip(d)
                    .filter(|(_, q)| **q > 0.0)
                    .map(|(g, q)| (g.clone(), *q))
                    .collect()
            })
            .collect();
        for ((product, year), q) in self.counted_needs(r)?.totals {
            let years: Vec<usize> = match year {
                None => (0..y.count()).collect(),
                Some(year) => vec![y.index_of(year).ok_or_else(|| {
                    reject(
                        RejectCode::Invalid,
                        format!(
                            "a need is for year {year}, which is not a year of round {round}'s plan: its years are {}",
                            y.span()
                        ),
                    )
                })?],
            };
            for t in years {
                *targets[t].entry(product.clone()).or_insert(0.0) += q;
            }
        }
        let mut resource_limits: Vec<BTreeMap<String, f64>> = (0..y.count())
            .map(|t| {
                m.resources
                    .iter()
                    .enumerate()
                    .filter_map(|(q, name)| {
                        m.resource_limit(t, q)
                            .filter(|l| l.is_finite())
                            .map(|l| (name.clone(), l))
                    })
                    .collect()
            })
            .collect();
        let funded = self.fund_projects(r, tally, &mut resource_limits[0]);
        let project_hours = (0..y.count())
            .map(|t| {
                if t == 0 {
                    funded
                } else {
                    m.labour_available[t] * split.investment
                }
            })
            .collect();
        let discount_rate = tally
            .discount
            .as_ref()
            .map_or(crate::planning::DEFAULT_DISCOUNT_RATE, |d| d.rate);
        Ok(Some(YearsInputs {
            first_year: y.first_year,
            targets,
            labour_hours: m
                .labour_available
                .iter()
                .map(|h| h * split.consumption)
                .collect(),
            resource_limits,
            project_hours,
            common_fund_hours: m
                .labour_available
                .iter()
                .map(|h| h * split.common_funds)
                .collect(),
            discount_rate,
        }))
    }

    /// Everything a round's plan is computed from, taken out of the state so that the
    /// (possibly long) computation runs without it: [`PlanWork::compute`].
    pub fn plan_work(
        &self,
        round: RoundId,
        tolerance: f64,
        code_version: &str,
    ) -> Result<PlanWork, Rejected> {
        let tally = self.round_tally(round)?;
        self.plan_work_with(round, &tally, tolerance, code_version)
    }

    /// [`Ledger::plan_work`] from a given count of the round.
    pub fn plan_work_with(
        &self,
        round: RoundId,
        tally: &RoundTally,
        tolerance: f64,
        code_version: &str,
    ) -> Result<PlanWork, Rejected> {
        let inputs = self.plan_inputs_with(round, tally, tolerance, code_version)?;
        let years = self.years_inputs_with(round, tally)?;
        let economy = self
            .economy
            .as_ref()
            .ok_or_else(|| reject(RejectCode::Conflict, "no economy imported yet"))?;
        Ok(PlanWork {
            round,
            start: self.plan_start(&inputs),
            inputs,
            years,
            economy: economy.parsed.clone(),
            multi_year: economy.years.clone(),
        })
    }
}

/// A round's plan to compute ([`Ledger::plan_work`]).
#[derive(Debug, Clone)]
pub struct PlanWork {
    /// The round.
    pub round: RoundId,
    /// Its inputs.
    pub inputs: PlanInputs,
    /// For a multi-year round, its year-by-year inputs.
    years: Option<YearsInputs>,
    /// The economy.
    economy: PlanningEconomy,
    multi_year: Option<Arc<ImportedYears>>,
    /// The recorded plan the solve starts from.
    start: Option<Arc<RecordedPlan>>,
}

impl PlanWork {
    /// Whether the plan is a multi-year plan.
    pub fn is_multi_year(&self) -> bool {
        self.years.is_some()
    }

    /// The year-by-year inputs, for a multi-year round.
    pub fn years_inputs(&self) -> Option<&YearsInputs> {
        self.years.as_ref()
    }

    /// Computes the plan (deterministic: the same bits from the same inputs).
    pub fn compute(&self) -> Result<RecordedPlan, PlanInputError> {
        compute_recorded(
            &self.economy,
            self.multi_year.as_deref(),
            &self.inputs,
            self.years_inputs(),
            self.start.as_ref().map(|p| &p.outcome),
        )
    }

    /// Computes the plan and gives the event that records it.
    pub fn compute_event(&self) -> Result<Event, PlanInputError> {
        let plan = self.compute()?;
        Ok(Ledger::record_plan_years(
            self.round,
            plan.inputs,
            plan.outcome,
            plan.years,
        ))
    }
}

/// A plan from its inputs: [`compute_plan`] for a single-year round, [`compute_years_plan`]
/// for a multi-year one.
pub(crate) fn compute_recorded(
    economy: &PlanningEconomy,
    multi_year: Option<&ImportedYears>,
    inputs: &PlanInputs,
    years: Option<&YearsInputs>,
    start: Option<&PlanOutcome>,
) -> Result<RecordedPlan, PlanInputError> {
    match years {
        None => Ok(RecordedPlan {
            outcome: compute_plan(economy, inputs, start)?,
            inputs: inputs.clone(),
            years: None,
        }),
        Some(y) => {
            let m = multi_year.ok_or_else(|| {
                PlanInputError::Unknown(
                    "the plan has years, but the economy is not a multi-year plan".into(),
                )
            })?;
            let (outcome, result) = compute_years_plan(economy, m, inputs, y)?;
            Ok(RecordedPlan {
                outcome,
                inputs: inputs.clone(),
                years: Some(YearsPlan::new(y.clone(), result)),
            })
        }
    }
}
