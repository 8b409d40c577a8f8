//! What can happen in a federation: every decision, input and result is one [`Event`].
//!
//! Events name members by number, never by name or e-mail (those stay in the service's private
//! account table). Inside a planning round, needs, proposals and ballots are signed with the
//! member's *round pseudonym* ([`Pseudonym`]): a keyed hash of the member and the round that
//! only the service can compute. The published log therefore shows every ballot and lets anyone
//! recount, without showing who cast which ballot; the member keeps their pseudonym as a receipt
//! and can find their own ballot in the export.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A member's number in the federation (1, 2, …).
pub type MemberId = u64;
/// A council's number.
pub type CouncilId = u64;
/// A planning round's number.
pub type RoundId = u64;
/// A proposal's number, unique in the federation.
pub type ProposalId = u64;
/// A comment's number (the federation counts comments from 1).
pub type CommentId = u64;
/// A member's pseudonym in one round (hex).
pub type Pseudonym = String;

/// What a member may do besides voting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Registers needs, proposes and votes.
    Member,
    /// Also runs the calendar (opens rounds, moves phases) and imports the economy. Cannot
    /// change a vote, a result or the log: no event exists for that.
    Facilitator,
}

/// The kind of council: where people work, or where they live and consume.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CouncilKind {
    /// A workplace council: the people of one or more processes of the economy.
    Workplace,
    /// A consumer or neighbourhood council.
    Consumer,
}

/// The phases of a planning round, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    /// Members register needs and submit proposals.
    Needs,
    /// Members vote on priorities, projects and the split of hours.
    Voting,
    /// Voting is closed and counted; the plan is computed.
    Plan,
    /// The plan is carried out and followed up. Nothing more can change in the round.
    FollowUp,
}

impl Phase {
    /// The phase after this one.
    pub fn next(self) -> Option<Phase> {
        match self {
            Phase::Needs => Some(Phase::Voting),
            Phase::Voting => Some(Phase::Plan),
            Phase::Plan => Some(Phase::FollowUp),
            Phase::FollowUp => None,
        }
    }

    /// Its name as in the API.
    pub fn name(self) -> &'static str {
        match self {
            Phase::Needs => "needs",
            Phase::Voting => "voting",
            Phase::Plan => "plan",
            Phase::FollowUp => "follow_up",
        }
    }
}

/// What a delegation covers. A member can delegate one topic and vote on another themselves.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Topic {
    /// Which common projects to fund (approval ballot).
    Projects,
    /// Priorities of products (score ballot).
    Priorities,
    /// The split of hours between consumption, investment and common funds.
    Split,
}

impl Topic {
    /// All topics, in order.
    pub const ALL: [Topic; 3] = [Topic::Projects, Topic::Priorities, Topic::Split];

    /// Its name as in the API and the log.
    pub fn name(self) -> &'static str {
        match self {
            Topic::Projects => "projects",
            Topic::Priorities => "priorities",
            Topic::Split => "split",
        }
    }
}

impl std::str::FromStr for Topic {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Topic::ALL
            .into_iter()
            .find(|t| t.name() == s)
            .ok_or_else(|| format!("unknown topic {s:?}; use projects, priorities or split"))
    }
}

impl Role {
    /// Its name as in the API and the log.
    pub fn name(self) -> &'static str {
        match self {
            Role::Member => "member",
            Role::Facilitator => "facilitator",
        }
    }
}

impl std::str::FromStr for Role {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "member" => Ok(Role::Member),
            "facilitator" => Ok(Role::Facilitator),
            _ => Err(format!("unknown role {s:?}; use member or facilitator")),
        }
    }
}

/// The split of a plan period's hours between consumption, investment (common projects) and
/// common funds: three shares that sum to 1 ([`crate::state::check_split`]). In the log and
/// the API it is the array `[consumption, investment, common_funds]`, as it always was.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(from = "[f64; 3]", into = "[f64; 3]")]
pub struct HoursSplit {
    /// Share of the hours for what members consume.
    pub consumption: f64,
    /// Share for common projects (the budget of the project vote).
    pub investment: f64,
    /// Share for common funds.
    pub common_funds: f64,
}

impl HoursSplit {
    /// The split a round uses when its facilitator names none: 80 % consumption, 15 %
    /// investment, 5 % common funds.
    pub const DEFAULT: HoursSplit = HoursSplit {
        consumption: 0.8,
        investment: 0.15,
        common_funds: 0.05,
    };

    /// The three shares in their order (consumption, investment, common funds).
    pub fn shares(self) -> [f64; 3] {
        [self.consumption, self.investment, self.common_funds]
    }
}

impl Default for HoursSplit {
    fn default() -> Self {
        HoursSplit::DEFAULT
    }
}

impl From<[f64; 3]> for HoursSplit {
    fn from([consumption, investment, common_funds]: [f64; 3]) -> Self {
        HoursSplit {
            consumption,
            investment,
            common_funds,
        }
    }
}

impl From<HoursSplit> for [f64; 3] {
    fn from(s: HoursSplit) -> Self {
        s.shares()
    }
}

/// The weight of one ballot on each topic: 1 for its voter plus the members who delegated that
/// topic to them (directly or along a chain). In the log it is the array
/// `[projects, priorities, split]` (the order of [`Topic::ALL`]), as it always was.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(from = "[u64; 3]", into = "[u64; 3]")]
pub struct TopicWeights {
    /// Weight on the project vote.
    pub projects: u64,
    /// Weight on the priorities.
    pub priorities: u64,
    /// Weight on the split of hours.
    pub split: u64,
}

impl TopicWeights {
    /// A ballot that carries only its voter.
    pub const ONE: TopicWeights = TopicWeights {
        projects: 1,
        priorities: 1,
        split: 1,
    };

    /// The weight on one topic.
    pub fn get(&self, topic: Topic) -> u64 {
        match topic {
            Topic::Projects => self.projects,
            Topic::Priorities => self.priorities,
            Topic::Split => self.split,
        }
    }

    /// The weight on one topic, to change.
    pub fn get_mut(&mut self, topic: Topic) -> &mut u64 {
        match topic {
            Topic::Projects => &mut self.projects,
            Topic::Priorities => &mut self.priorities,
            Topic::Split => &mut self.split,
        }
    }

    /// The largest weight over the topics: how many members the ballot represents.
    pub fn max(&self) -> u64 {
        self.projects.max(self.priorities).max(self.split)
    }
}

impl From<[u64; 3]> for TopicWeights {
    fn from([projects, priorities, split]: [u64; 3]) -> Self {
        TopicWeights {
            projects,
            priorities,
            split,
        }
    }
}

impl From<TopicWeights> for [u64; 3] {
    fn from(w: TopicWeights) -> Self {
        [w.projects, w.priorities, w.split]
    }
}

impl PartialEq<[u64; 3]> for TopicWeights {
    fn eq(&self, other: &[u64; 3]) -> bool {
        <[u64; 3]>::from(*self) == *other
    }
}

/// How common projects are chosen from the investment budget.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProjectRule {
    /// The Method of Equal Shares with cost satisfaction, completed by raising every voter's
    /// budget (as pabutools does), in exact rational arithmetic.
    EqualShares,
    /// Greedy approval: most approvals first while the budget lasts.
    GreedyApproval,
}

/// When a round's vote counts (the rule's exact form is [`plenty_core::vote::Quorum`]).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct RoundQuorum {
    /// Share of eligible members (with delegated votes) who must take part, in `[0, 1]`.
    pub min_turnout: f64,
    /// At least this many ballots.
    pub min_ballots: u64,
}

impl Default for RoundQuorum {
    fn default() -> Self {
        RoundQuorum {
            min_turnout: 0.25,
            min_ballots: 1,
        }
    }
}

/// One member's ballot in a round (the weighted ballot of an election, as the count sees it,
/// is [`plenty_core::vote::Ballot`]). Every part is optional: an empty part abstains on its
/// topic.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RoundBallot {
    /// Proposals approved (topic: projects).
    #[serde(default)]
    pub approve: Vec<ProposalId>,
    /// Priority scores 0 to 5 per product (topic: priorities).
    #[serde(default)]
    pub scores: BTreeMap<String, u32>,
    /// Shares of the hours for consumption, investment and common funds, summing to 1
    /// (topic: split).
    #[serde(default)]
    pub split: Option<HoursSplit>,
    /// The weight on the present, in a multi-year round: the yearly discount rate, in
    /// `[0, 0.2]`, the plan should maximise discounted fulfilment at (topic: split, the
    /// trade-off between now and later; the plan uses the median rate). Absent in a
    /// single-year round, and left out of the log when absent, so older ballots keep their
    /// hashes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub discount_rate: Option<f64>,
}

/// The counting rules a round was opened with (issue #15), published in its first entry.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoundRules {
    /// Whether the completion step may fund a project that no member approved. `false`
    /// (the default): a project without a single approval is not a candidate. A federation
    /// that wants its budget spent in full whatever the approvals says so here, knowingly,
    /// and the round's page says it.
    #[serde(default)]
    pub fund_unapproved: bool,
}

/// A need or a proposal of a round, as a facilitator hides it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum RoundItem {
    /// A need, by its number in the round.
    Need {
        /// The need's number (1 for the first registered).
        need: u64,
    },
    /// A proposal.
    Proposal {
        /// The proposal's number.
        proposal: ProposalId,
    },
}

/// Highest priority score.
pub const MAX_SCORE: u32 = 5;

/// One event of the log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Event {
    /// The first event: the federation and how long a plan period is.
    FederationFounded {
        /// Its name.
        name: String,
        /// Weeks in one plan period (52 for a yearly plan): turns plan hours into a working
        /// week.
        weeks_per_period: f64,
    },
    /// A council is founded.
    CouncilFounded {
        /// Its number.
        council: CouncilId,
        /// Its name.
        name: String,
        /// Workplace or consumer.
        kind: CouncilKind,
        /// For a workplace council: the processes of the economy it runs (its part of the
        /// plan).
        #[serde(default)]
        processes: Vec<String>,
    },
    /// A member joins (by sign-up or invitation), in some councils.
    MemberJoined {
        /// Their number.
        member: MemberId,
        /// Councils they belong to.
        councils: Vec<CouncilId>,
        /// Their role.
        role: Role,
    },
    /// Someone signs up without an invitation (open sign-up): an applicant, in no council,
    /// who may not vote, register needs, propose or delegate, and is not counted among the
    /// eligible, until a facilitator admits them ([`Event::MemberAdmitted`]).
    MemberApplied {
        /// Their number.
        member: MemberId,
    },
    /// A facilitator admits an applicant and assigns their councils.
    MemberAdmitted {
        /// The applicant.
        member: MemberId,
        /// The councils the facilitator assigns.
        councils: Vec<CouncilId>,
        /// The facilitator.
        by: MemberId,
    },
    /// A member deletes their account (issue #15): they no longer count among the eligible,
    /// cannot act, and their delegations and the delegations to them end. Their past entries
    /// stay in the log under their pseudonyms; their name and e-mail were never in it.
    MemberLeft {
        /// The member.
        member: MemberId,
    },
    /// A facilitator imports the economy: the planning file's text and its SHA-256.
    EconomyImported {
        /// Who imported it.
        by: MemberId,
        /// The planning file (TOML), verbatim.
        text: String,
        /// SHA-256 of `text`.
        sha256: String,
    },
    /// A facilitator opens a planning round, in its needs phase.
    RoundOpened {
        /// Its number.
        round: RoundId,
        /// Its title.
        title: String,
        /// Who opened it.
        by: MemberId,
        /// How projects are chosen.
        rule: ProjectRule,
        /// When the vote counts.
        quorum: RoundQuorum,
        /// The split used when the split vote has no quorum or no ballots.
        default_split: HoursSplit,
        /// Each member's limits and the need cap ([`crate::needs`]). Absent in rounds opened
        /// before the rule (their needs add up as registered), and left out of their entries.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        limits: Option<crate::needs::MemberLimits>,
        /// The counting rules of issue #15 ([`RoundRules`]): each member counted once per
        /// topic for the quorum, no project funded that no member approved (unless the round
        /// says so), priority means over the members who gave a score. Absent in rounds opened
        /// before them (they keep the count they had), and left out of their entries.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        rules: Option<RoundRules>,
    },
    /// A member registers a need: it adds to the product's target.
    NeedRegistered {
        /// The round.
        round: RoundId,
        /// The member's round pseudonym.
        by: Pseudonym,
        /// A product of the economy.
        product: String,
        /// How much, in the product's unit.
        quantity: f64,
        /// In a multi-year round, the year it is for (its number, as the planning file's
        /// `[years] first` counts them); absent: every year of the plan (and always in a
        /// single-year round, whose entries leave the field out).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        year: Option<i64>,
    },
    /// A member proposes a common project, costed in hours (and resources).
    ProposalSubmitted {
        /// The round.
        round: RoundId,
        /// Its number.
        proposal: ProposalId,
        /// The proposer's round pseudonym.
        by: Pseudonym,
        /// What it is.
        title: String,
        /// Its cost in labour hours.
        cost_hours: f64,
        /// Resources it uses, by resource name.
        #[serde(default)]
        resources: BTreeMap<String, f64>,
    },
    /// A member withdraws one of their needs during the needs phase: it no longer counts.
    NeedWithdrawn {
        /// The round.
        round: RoundId,
        /// The need's number in the round (1 for the first registered).
        need: u64,
        /// The member's round pseudonym (the one that registered it).
        by: Pseudonym,
    },
    /// A member changes the quantity of one of their needs during the needs phase.
    NeedEdited {
        /// The round.
        round: RoundId,
        /// The need's number in the round.
        need: u64,
        /// The member's round pseudonym (the one that registered it).
        by: Pseudonym,
        /// The new quantity, in the product's unit.
        quantity: f64,
    },
    /// A member withdraws their proposal during the needs phase: it is no longer a candidate.
    ProposalWithdrawn {
        /// The round.
        round: RoundId,
        /// The proposal.
        proposal: ProposalId,
        /// The proposer's round pseudonym.
        by: Pseudonym,
    },
    /// A member amends their proposal (title and cost) during the needs phase.
    ProposalEdited {
        /// The round.
        round: RoundId,
        /// The proposal.
        proposal: ProposalId,
        /// The proposer's round pseudonym.
        by: Pseudonym,
        /// The new title.
        title: String,
        /// The new cost in labour hours.
        cost_hours: f64,
    },
    /// The proposer describes their proposal (what, where, why, for whom), and may sign it
    /// with their member number so that the page names them as its author. A later
    /// description replaces the earlier (an amendment: the page keeps every version).
    ProposalDescribed {
        /// The round.
        round: RoundId,
        /// The proposal.
        proposal: ProposalId,
        /// The proposer's round pseudonym.
        by: Pseudonym,
        /// The description, plain text.
        description: String,
        /// The proposer's member number, if they sign the proposal.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        signed_by: Option<MemberId>,
    },
    /// A member supports a proposal before the vote, or takes their support back: the count
    /// of supports shows the interest a proposal meets while members still discuss it.
    ProposalSupported {
        /// The round.
        round: RoundId,
        /// The proposal.
        proposal: ProposalId,
        /// The member's support pseudonym in the round.
        by: Pseudonym,
        /// Whether they support it (false: they take their support back).
        supported: bool,
    },
    /// A member comments on a proposal (until voting closes). Comments are signed with the
    /// member's number: a discussion among members, not a secret ballot.
    CommentPosted {
        /// The round.
        round: RoundId,
        /// The proposal discussed.
        proposal: ProposalId,
        /// The comment's number (the federation counts comments from 1).
        comment: CommentId,
        /// Who.
        by: MemberId,
        /// What they say, plain text.
        text: String,
    },
    /// A facilitator hides a comment (abuse, personal data), with the reason on record.
    CommentHidden {
        /// The round.
        round: RoundId,
        /// The comment.
        comment: CommentId,
        /// Why, in the facilitator's words.
        reason: String,
        /// Who.
        by: MemberId,
    },
    /// A facilitator hides a need or a proposal (a typo that would wreck the plan, an abuse)
    /// before the vote, with the reason on record: it no longer counts, and every member can
    /// read why.
    ItemHidden {
        /// The round.
        round: RoundId,
        /// What is hidden.
        item: RoundItem,
        /// Why, in the facilitator's words.
        reason: String,
        /// Who did it.
        by: MemberId,
    },
    /// A facilitator sets (or moves) the deadline of a round's phase: when it ends, the
    /// service moves the round on by itself (closing the vote at the end of the voting phase),
    /// and every member sees the date on the round's page and in the calendar.
    DeadlineSet {
        /// The round.
        round: RoundId,
        /// The phase that ends at the deadline (`needs` or `voting`).
        phase: Phase,
        /// When, in milliseconds since 1970-01-01 UTC.
        at_ms: u64,
        /// Who set it.
        by: MemberId,
    },
    /// A facilitator moves a round to its next phase.
    PhaseAdvanced {
        /// The round.
        round: RoundId,
        /// The new phase.
        to: Phase,
        /// Who did it.
        by: MemberId,
    },
    /// A facilitator abandons a round that cannot go on (its plan cannot be computed, its
    /// economy changed under it): the round is closed without a plan, with the reason on
    /// record, and a new round may open. Nothing of the round is deleted.
    RoundAbandoned {
        /// The round.
        round: RoundId,
        /// Why, in the facilitator's words.
        reason: String,
        /// Who did it.
        by: MemberId,
    },
    /// A ballot. A second ballot from the same pseudonym replaces the first (the rule), and
    /// says so.
    BallotCast {
        /// The round.
        round: RoundId,
        /// The voter's round pseudonym.
        voter: Pseudonym,
        /// The ballot.
        ballot: RoundBallot,
        /// Whether it replaces an earlier ballot.
        replaces: bool,
    },
    /// A member delegates their vote on one topic to another member. Delegations are public,
    /// like proxies at a members' meeting.
    DelegationGranted {
        /// Who delegates.
        member: MemberId,
        /// On what.
        topic: Topic,
        /// To whom.
        to: MemberId,
    },
    /// A member asks to join a council; a facilitator decides.
    CouncilJoinRequested {
        /// Who.
        member: MemberId,
        /// Which council.
        council: CouncilId,
    },
    /// A facilitator approves or refuses a member's request to join a council.
    CouncilJoinDecided {
        /// Who asked.
        member: MemberId,
        /// Which council.
        council: CouncilId,
        /// Whether the member joins it.
        approved: bool,
        /// The facilitator.
        by: MemberId,
    },
    /// A member leaves a council.
    CouncilLeft {
        /// Who.
        member: MemberId,
        /// Which council.
        council: CouncilId,
    },
    /// A member says whether the members who delegate to them may see how they voted, on
    /// the topics they delegate (like a proxy's instructions at a members' meeting). Off by
    /// default: delegating to someone does not by itself reveal their ballot.
    DelegateBallotsShown {
        /// Who.
        member: MemberId,
        /// Whether their delegators see their ballots.
        shown: bool,
    },
    /// A member takes a delegation back.
    DelegationRevoked {
        /// Who.
        member: MemberId,
        /// On what.
        topic: Topic,
    },
    /// The count, recorded when voting closes. Anyone can recompute it from the ballots above
    /// and the weights here.
    TallyRecorded {
        /// The round.
        round: RoundId,
        /// Members eligible to vote.
        eligible: u64,
        /// The weight of each ballot per topic (1 plus the votes delegated to its voter),
        /// by pseudonym; the order of [`Topic::ALL`].
        weights: BTreeMap<Pseudonym, TopicWeights>,
        /// The result.
        tally: Box<crate::tally::RoundTally>,
    },
    /// The plan computed from the round's inputs. `plenty audit verify` recomputes it bit for
    /// bit.
    PlanRecorded {
        /// The round.
        round: RoundId,
        /// Everything the plan was computed from.
        inputs: Box<crate::planning::PlanInputs>,
        /// SHA-256 of the canonical JSON of `inputs`.
        inputs_sha256: String,
        /// The plan.
        result: Box<crate::planning::PlanOutcome>,
        /// SHA-256 of the canonical JSON of `result`.
        result_sha256: String,
        /// In a multi-year round, the plan year by year (its own inputs, outcome and digests);
        /// absent in single-year rounds, whose entries leave the field out.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        years: Option<Box<crate::planning::YearsPlan>>,
    },
    /// A facilitator names the members who report hours for a workplace council (issue #16);
    /// the list replaces the earlier one.
    WorkplaceNamed {
        /// The workplace council.
        council: CouncilId,
        /// Who reports its hours.
        reporters: Vec<MemberId>,
        /// The facilitator.
        by: MemberId,
    },
    /// A facilitator names a consumer council a distribution point and the members who post
    /// its purchases; the list replaces the earlier one.
    DistributionPointNamed {
        /// The consumer council.
        council: CouncilId,
        /// Who posts its purchases.
        operators: Vec<MemberId>,
        /// The facilitator.
        by: MemberId,
    },
    /// A facilitator names the federation's auditors, who may read every member's statement;
    /// the list replaces the earlier one.
    AuditorsNamed {
        /// The auditors.
        auditors: Vec<MemberId>,
        /// The facilitator.
        by: MemberId,
    },
    /// A workplace reports a member's hours for a period. Nothing is paid until the member
    /// confirms them.
    HoursReported {
        /// The report's number (from 1).
        report: crate::accounting::ReportId,
        /// The workplace council.
        council: CouncilId,
        /// The member's account pseudonym.
        account: Pseudonym,
        /// The period worked, as the workplace names it (`2026-W49`).
        period: String,
        /// Hours worked.
        hours: f64,
        /// The reporter.
        by: MemberId,
    },
    /// The member confirms a report: paid at the deduction rates in force.
    HoursConfirmed {
        /// The report.
        report: crate::accounting::ReportId,
        /// The member's account pseudonym (the report's).
        account: Pseudonym,
        /// The rates in force.
        rates: plenty_core::accounting::DeductionRates,
        /// Hours, deductions and credits ([`plenty_core::accounting::Pay::for_hours`]).
        pay: plenty_core::accounting::Pay,
    },
    /// The member disputes a report: nothing is paid, and the workplace may report again.
    HoursDisputed {
        /// The report.
        report: crate::accounting::ReportId,
        /// The member's account pseudonym (the report's).
        account: Pseudonym,
        /// What is wrong, in the member's words.
        reason: String,
    },
    /// A member's ballot on the deduction rates; a later ballot replaces the earlier. The rates
    /// in force are the medians of the ballots.
    DeductionsVoted {
        /// The member's account pseudonym.
        account: Pseudonym,
        /// The rates they want.
        rates: plenty_core::accounting::DeductionRates,
    },
    /// A facilitator publishes a period's prices, computed from a round's plan and the last
    /// period's demand (replay recomputes them).
    PricesPublished {
        /// The period (1, 2, …).
        period: u64,
        /// The round whose plan prices the goods.
        round: RoundId,
        /// The consumer goods and their prices.
        prices: BTreeMap<String, crate::accounting::PriceLine>,
        /// The facilitator.
        by: MemberId,
    },
    /// An operator of a distribution point posts a member's purchase, at the price in force,
    /// debited from the member's own account.
    PurchaseRecorded {
        /// Its number (from 1).
        purchase: crate::accounting::PurchaseId,
        /// The distribution point (consumer council).
        council: CouncilId,
        /// The buyer's account pseudonym.
        account: Pseudonym,
        /// The consumer good.
        product: String,
        /// How much.
        quantity: f64,
        /// Price per unit, in credits.
        price: f64,
        /// Credits debited: `quantity · price`.
        cost: f64,
        /// The operator.
        by: MemberId,
    },
    /// A request that stock could not serve: queued, and counted as demand.
    PurchaseQueued {
        /// The distribution point.
        council: CouncilId,
        /// The member's account pseudonym.
        account: Pseudonym,
        /// The consumer good.
        product: String,
        /// How much was asked for.
        quantity: f64,
        /// The operator.
        by: MemberId,
    },
}

/// The kind of an event: its `type` in the log.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    /// `federation_founded`.
    FederationFounded,
    /// `council_founded`.
    CouncilFounded,
    /// `member_joined`.
    MemberJoined,
    /// `member_applied`.
    MemberApplied,
    /// `member_admitted`.
    MemberAdmitted,
    /// `member_left`.
    MemberLeft,
    /// `economy_imported`.
    EconomyImported,
    /// `round_opened`.
    RoundOpened,
    /// `need_registered`.
    NeedRegistered,
    /// `proposal_submitted`.
    ProposalSubmitted,
    /// `need_withdrawn`.
    NeedWithdrawn,
    /// `need_edited`.
    NeedEdited,
    /// `proposal_withdrawn`.
    ProposalWithdrawn,
    /// `proposal_edited`.
    ProposalEdited,
    /// `item_hidden`.
    ItemHidden,
    /// `deadline_set`.
    DeadlineSet,
    /// `proposal_described`.
    ProposalDescribed,
    /// `proposal_supported`.
    ProposalSupported,
    /// `comment_posted`.
    CommentPosted,
    /// `comment_hidden`.
    CommentHidden,
    /// `phase_advanced`.
    PhaseAdvanced,
    /// `round_abandoned`.
    RoundAbandoned,
    /// `ballot_cast`.
    BallotCast,
    /// `delegation_granted`.
    DelegationGranted,
    /// `delegation_revoked`.
    DelegationRevoked,
    /// `delegate_ballots_shown`.
    DelegateBallotsShown,
    /// `council_join_requested`.
    CouncilJoinRequested,
    /// `council_join_decided`.
    CouncilJoinDecided,
    /// `council_left`.
    CouncilLeft,
    /// `tally_recorded`.
    TallyRecorded,
    /// `plan_recorded`.
    PlanRecorded,
    /// `workplace_named`.
    WorkplaceNamed,
    /// `distribution_point_named`.
    DistributionPointNamed,
    /// `auditors_named`.
    AuditorsNamed,
    /// `hours_reported`.
    HoursReported,
    /// `hours_confirmed`.
    HoursConfirmed,
    /// `hours_disputed`.
    HoursDisputed,
    /// `deductions_voted`.
    DeductionsVoted,
    /// `prices_published`.
    PricesPublished,
    /// `purchase_recorded`.
    PurchaseRecorded,
    /// `purchase_queued`.
    PurchaseQueued,
}

impl EventKind {
    /// Its name: the event's `type` in the log.
    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::FederationFounded => "federation_founded",
            EventKind::CouncilFounded => "council_founded",
            EventKind::MemberJoined => "member_joined",
            EventKind::MemberApplied => "member_applied",
            EventKind::MemberAdmitted => "member_admitted",
            EventKind::MemberLeft => "member_left",
            EventKind::EconomyImported => "economy_imported",
            EventKind::RoundOpened => "round_opened",
            EventKind::NeedRegistered => "need_registered",
            EventKind::ProposalSubmitted => "proposal_submitted",
            EventKind::PhaseAdvanced => "phase_advanced",
            EventKind::RoundAbandoned => "round_abandoned",
            EventKind::NeedWithdrawn => "need_withdrawn",
            EventKind::NeedEdited => "need_edited",
            EventKind::ProposalWithdrawn => "proposal_withdrawn",
            EventKind::ProposalEdited => "proposal_edited",
            EventKind::ItemHidden => "item_hidden",
            EventKind::DeadlineSet => "deadline_set",
            EventKind::ProposalDescribed => "proposal_described",
            EventKind::ProposalSupported => "proposal_supported",
            EventKind::CommentPosted => "comment_posted",
            EventKind::CommentHidden => "comment_hidden",
            EventKind::BallotCast => "ballot_cast",
            EventKind::DelegationGranted => "delegation_granted",
            EventKind::DelegationRevoked => "delegation_revoked",
            EventKind::DelegateBallotsShown => "delegate_ballots_shown",
            EventKind::CouncilJoinRequested => "council_join_requested",
            EventKind::CouncilJoinDecided => "council_join_decided",
            EventKind::CouncilLeft => "council_left",
            EventKind::TallyRecorded => "tally_recorded",
            EventKind::PlanRecorded => "plan_recorded",
            EventKind::WorkplaceNamed => "workplace_named",
            EventKind::DistributionPointNamed => "distribution_point_named",
            EventKind::AuditorsNamed => "auditors_named",
            EventKind::HoursReported => "hours_reported",
            EventKind::HoursConfirmed => "hours_confirmed",
            EventKind::HoursDisputed => "hours_disputed",
            EventKind::DeductionsVoted => "deductions_voted",
            EventKind::PricesPublished => "prices_published",
            EventKind::PurchaseRecorded => "purchase_recorded",
            EventKind::PurchaseQueued => "purchase_queued",
        }
    }
}

impl std::fmt::Display for EventKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl PartialEq<&str> for EventKind {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl Event {
    /// The event's kind.
    pub fn kind(&self) -> EventKind {
        match self {
            Event::FederationFounded { .. } => EventKind::FederationFounded,
            Event::CouncilFounded { .. } => EventKind::CouncilFounded,
            Event::MemberJoined { .. } => EventKind::MemberJoined,
            Event::MemberApplied { .. } => EventKind::MemberApplied,
            Event::MemberAdmitted { .. } => EventKind::MemberAdmitted,
            Event::MemberLeft { .. } => EventKind::MemberLeft,
            Event::EconomyImported { .. } => EventKind::EconomyImported,
            Event::RoundOpened { .. } => EventKind::RoundOpened,
            Event::NeedRegistered { .. } => EventKind::NeedRegistered,
            Event::ProposalSubmitted { .. } => EventKind::ProposalSubmitted,
            Event::PhaseAdvanced { .. } => EventKind::PhaseAdvanced,
            Event::RoundAbandoned { .. } => EventKind::RoundAbandoned,
            Event::NeedWithdrawn { .. } => EventKind::NeedWithdrawn,
            Event::NeedEdited { .. } => EventKind::NeedEdited,
            Event::ProposalWithdrawn { .. } => EventKind::ProposalWithdrawn,
            Event::ProposalEdited { .. } => EventKind::ProposalEdited,
            Event::ItemHidden { .. } => EventKind::ItemHidden,
            Event::DeadlineSet { .. } => EventKind::DeadlineSet,
            Event::ProposalDescribed { .. } => EventKind::ProposalDescribed,
            Event::ProposalSupported { .. } => EventKind::ProposalSupported,
            Event::CommentPosted { .. } => EventKind::CommentPosted,
            Event::CommentHidden { .. } => EventKind::CommentHidden,
            Event::BallotCast { .. } => EventKind::BallotCast,
            Event::DelegationGranted { .. } => EventKind::DelegationGranted,
            Event::DelegationRevoked { .. } => EventKind::DelegationRevoked,
            Event::DelegateBallotsShown { .. } => EventKind::DelegateBallotsShown,
            Event::CouncilJoinRequested { .. } => EventKind::CouncilJoinRequested,
            Event::CouncilJoinDecided { .. } => EventKind::CouncilJoinDecided,
            Event::CouncilLeft { .. } => EventKind::CouncilLeft,
            Event::TallyRecorded { .. } => EventKind::TallyRecorded,
            Event::PlanRecorded { .. } => EventKind::PlanRecorded,
            Event::WorkplaceNamed { .. } => EventKind::WorkplaceNamed,
            Event::DistributionPointNamed { .. } => EventKind::DistributionPointNamed,
            Event::AuditorsNamed { .. } => EventKind::AuditorsNamed,
            Event::HoursReported { .. } => EventKind::HoursReported,
            Event::HoursConfirmed { .. } => EventKind::HoursConfirmed,
            Event::HoursDisputed { .. } => EventKind::HoursDisputed,
            Event::DeductionsVoted { .. } => EventKind::DeductionsVoted,
            Event::PricesPublished { .. } => EventKind::PricesPublished,
            Event::PurchaseRecorded { .. } => EventKind::PurchaseRecorded,
            Event::PurchaseQueued { .. } => EventKind::PurchaseQueued,
        }
    }
}
