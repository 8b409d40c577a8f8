//! Planning rounds: opening one, needs and proposals, ballots, moving through the phases (the
//! ledger closes and counts the vote), the count, the effect of one's ballot, and the plan.

use super::{
    now_ms, ApiError, ApiJson, AppState, Caller, Created, Described, MaybeCaller, PlanJob,
};
use crate::auth::Signing;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, patch, post};
use axum::{Json, Router};
use plenty_ledger::planning::{PlanInputs, PlanOutcome, YearsPlan};
use plenty_ledger::state::RoundState;
use plenty_ledger::tally::{Approvals, PriorityResult, QuorumResult, SplitResult};
use plenty_ledger::InclusionReceipt;
use plenty_ledger::{
    compute_tally, DiscountResult, Event, HoursSplit, Ledger, Phase, ProjectRule, ProposalId,
    RejectCode, Rejected, RoundBallot, RoundId, RoundQuorum, RoundTally, TopicWeights,
};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The routes of this feature.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/rounds", post(open_round))
        .route("/rounds/current", get(current_round))
        .route("/rounds/{id}", get(round))
        .route("/rounds/{id}/needs", post(register_need))
        .route("/rounds/{id}/proposals", post(submit_proposal))
        .route(
            "/rounds/{id}/needs/{need}",
            patch(edit_need).delete(withdraw_need),
        )
        .route(
            "/rounds/{id}/proposals/{proposal}",
            get(super::discussion::proposal)
                .patch(edit_proposal)
                .delete(withdraw_proposal),
        )
        .route("/rounds/{id}/hide", post(hide))
        .route("/rounds/{id}/deadline", post(set_deadline))
        .route("/rounds/{id}/ballot", post(cast_ballot))
        .route("/rounds/{id}/advance", post(advance))
        .route("/rounds/{id}/abandon", post(abandon))
        .route("/rounds/{id}/plan", get(plan))
        .route("/rounds/{id}/effect", get(my_effect))
        .route("/rounds/{id}/tally", get(tally))
        .route("/rounds/{id}/election.pb", get(election_pb))
}

/// New round body.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewRound {
    title: String,
    #[serde(default)]
    rule: Option<ProjectRule>,
    #[serde(default)]
    quorum: Option<RoundQuorum>,
    #[serde(default)]
    default_split: Option<HoursSplit>,
    /// Each member's limits and the need cap (defaults: [`plenty_ledger::MemberLimits`]).
    #[serde(default)]
    limits: Option<plenty_ledger::MemberLimits>,
    /// The counting rules (default: no project funded without an approval).
    #[serde(default)]
    rules: Option<plenty_ledger::RoundRules>,
}

/// A round opened.
#[derive(Debug, Serialize)]
pub struct RoundCreated {
    /// Its number.
    pub round: RoundId,
}

impl Described for RoundCreated {
    const NAME: &'static str = "RoundCreated";
    fn examples() -> Vec<Self> {
        vec![RoundCreated { round: 2 }]
    }
}

/// `POST /rounds` (facilitator).
pub async fn open_round(
    State(st): State<AppState>,
    c: Caller,
    ApiJson(b): ApiJson<NewRound>,
) -> Result<Created<RoundCreated>, ApiError> {
    let round = st
        .log
        .append_with(Vec::new(), |l| {
            let (id, e) = l.open_round(
                c.member,
                &b.title,
                b.rule,
                b.quorum,
                b.default_split,
                b.limits,
                b.rules,
            )?;
            Ok((vec![e], id))
        })
        .await?;
    Ok(Created(RoundCreated { round }))
}

/// The needs of a round for one product.
#[derive(Debug, Serialize)]
pub struct NeedView {
    /// The product.
    pub product: String,
    /// The quantities added up.
    pub quantity: f64,
    /// How many registrations.
    pub registrations: usize,
    /// In a multi-year round, the year they are for (absent: every year).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub year: Option<i64>,
}

/// A proposal.
#[derive(Debug, Serialize)]
pub struct ProposalView {
    /// Its number.
    pub id: ProposalId,
    /// What it is.
    pub title: String,
    /// Its cost in hours.
    pub cost_hours: f64,
    /// Resources it uses.
    pub resources: BTreeMap<String, f64>,
    /// Whether the caller proposed it.
    pub mine: bool,
}

/// The project vote, without its round-by-round explanation.
#[derive(Debug, Serialize)]
pub struct ProjectsSummary {
    /// The rule.
    pub rule: ProjectRule,
    /// The budget in hours.
    pub budget_hours: f64,
    /// Funded proposals, in the order funded.
    pub funded: Vec<ProposalId>,
    /// Their hours.
    pub spent_hours: f64,
    /// Weighted approvals per proposal: `[proposal, weight]`.
    pub approvals: Vec<Approvals>,
    /// Why each funded project was funded: its round of the rule, or the completion step
    /// (rounds opened since issue #15).
    pub why_funded: Vec<plenty_ledger::tally::FundedBecause>,
    /// Whether projects no member approved were candidates (the round's published rule).
    pub unapproved_candidates: bool,
}

/// The count, without the rule's round-by-round explanation (which is at `…/tally`).
#[derive(Debug, Serialize)]
pub struct TallySummary {
    /// The quorum.
    pub quorum: QuorumResult,
    /// The split of hours.
    pub split: SplitResult,
    /// The ten highest priorities; all of them (one per product) at `…/tally`.
    pub priorities: Vec<PriorityResult>,
    /// The project vote.
    pub projects: ProjectsSummary,
    /// In a multi-year round, the weight on the present: the median discount rate, with the
    /// sorted rates it is the median of (null in a single-year round).
    pub discount: Option<DiscountResult>,
    /// Where the whole count is.
    pub href: String,
}

/// The plan, in brief (all of it is at `…/plan`: it can be large, and a round is read often).
#[derive(Debug, Serialize)]
pub struct PlanSummary {
    /// The solver's status.
    pub status: String,
    /// Plan fulfilment.
    pub lambda: f64,
    /// What the plan means for the members: every need met, part of the targets, no target
    /// at all (λ = 0, never a success), or no plan.
    pub verdict: plenty_ledger::PlanVerdict,
    /// The working week it needs, hours.
    pub working_week: f64,
    /// Where the whole plan is.
    pub href: String,
}

/// A round.
#[derive(Debug, Serialize)]
pub struct RoundView {
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
    /// The split without a valid vote.
    pub default_split: HoursSplit,
    /// In a multi-year round, the plan's years (null in a single-year round): needs may name
    /// one of them, and ballots give a discount rate.
    pub years: Option<Vec<i64>>,
    /// Needs per product (and, in a multi-year round, per year), as registered.
    pub needs: Vec<NeedView>,
    /// Each member's limits and the need cap (null in rounds opened before them).
    pub limits: Option<plenty_ledger::MemberLimits>,
    /// The needs that count for less than was registered, with the cap and why (the members
    /// are not named).
    pub needs_capped: Vec<plenty_ledger::CappedNeed>,
    /// Proposals.
    pub proposals: Vec<ProposalView>,
    /// Ballots counted (the last of each voter).
    pub ballots: usize,
    /// Ballots cast, replaced ones included.
    pub ballots_cast: u64,
    /// Members eligible.
    pub eligible: usize,
    /// Hours of the plan period.
    pub total_hours: f64,
    /// The count, once voting closed.
    pub tally: Option<TallySummary>,
    /// Where the plan's computation stands.
    pub plan_job: Option<PlanJob>,
    /// The plan in brief, once recorded.
    pub plan: Option<PlanSummary>,
    /// The caller's pseudonym in this round.
    pub my_pseudonym: Option<String>,
    /// The caller's ballot.
    pub my_ballot: Option<RoundBallot>,
    /// The counting rules of issue #15 (null in rounds opened before them).
    pub rules: Option<plenty_ledger::RoundRules>,
    /// The caller's needs that count, with their numbers (to change or withdraw them).
    pub my_needs: Vec<MyNeed>,
    /// Needs and proposals withdrawn by their members or hidden by a facilitator, and why.
    pub removed: Vec<RemovedItem>,
    /// When the needs and voting phases end, where a facilitator set it: `[phase, at_ms]`
    /// pairs (milliseconds since 1970, UTC).
    pub deadlines: Vec<(Phase, u64)>,
}

/// One of the caller's needs.
#[derive(Debug, Serialize)]
pub struct MyNeed {
    /// Its number in the round (`PATCH`/`DELETE …/needs/{need}`).
    pub need: u64,
    /// The product.
    pub product: String,
    /// The quantity, in the product's unit.
    pub quantity: f64,
    /// In a multi-year round, its year (absent: every year).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub year: Option<i64>,
}

/// A need or proposal that no longer counts.
#[derive(Debug, Serialize)]
pub struct RemovedItem {
    /// What it was.
    pub item: plenty_ledger::RoundItem,
    /// The product of a need, the title of a proposal.
    pub what: String,
    /// `null` when its member withdrew it; the facilitator's reason when hidden.
    pub hidden_because: Option<String>,
}

impl Described for RoundView {
    const NAME: &'static str = "Round";
    fn examples() -> Vec<Self> {
        let single = |t: RoundTally| {
            let mut v = Self::counted(t);
            v.years = None;
            v.needs.truncate(1);
            v
        };
        vec![
            Self::counted(example_tally_years()),
            single(example_tally()),
            // As an anonymous reader sees a round that is still open.
            RoundView {
                id: 2,
                title: "The next year".into(),
                phase: Phase::Needs,
                rule: ProjectRule::GreedyApproval,
                quorum: RoundQuorum::default(),
                default_split: HoursSplit::DEFAULT,
                years: None,
                needs: vec![],
                limits: Some(plenty_ledger::MemberLimits::default()),
                needs_capped: vec![],
                proposals: vec![],
                ballots: 0,
                ballots_cast: 0,
                eligible: 5,
                total_hours: 12000.0,
                tally: None,
                plan_job: None,
                plan: None,
                my_pseudonym: None,
                my_ballot: None,
                rules: Some(plenty_ledger::RoundRules::default()),
                my_needs: vec![],
                removed: vec![],
                deadlines: vec![(Phase::Needs, 1_796_000_000_000)],
            },
        ]
    }
}

impl RoundView {
    /// A counted round, for the examples.
    fn counted(t: RoundTally) -> Self {
        RoundView {
            id: 1,
            title: "Plan for the coming year".into(),
            phase: Phase::Plan,
            rule: ProjectRule::EqualShares,
            quorum: RoundQuorum::default(),
            default_split: HoursSplit::DEFAULT,
            years: Some((2027..=2031).collect()),
            needs: vec![
                NeedView {
                    product: "bread".into(),
                    quantity: 2.5,
                    registrations: 2,
                    year: None,
                },
                NeedView {
                    product: "cloth".into(),
                    quantity: 40.0,
                    registrations: 1,
                    year: Some(2028),
                },
            ],
            limits: Some(plenty_ledger::MemberLimits::default()),
            needs_capped: vec![plenty_ledger::CappedNeed {
                product: "cloth".into(),
                year: Some(2028),
                registered: 40.0,
                counted: 0.0,
                why: "no other member registered this product and the economy has no baseline target for it: a need counts when the baseline or another member backs it".into(),
            }],
            proposals: vec![ProposalView {
                id: 1,
                title: "A clinic in the valley".into(),
                cost_hours: 900.0,
                resources: [("land".to_string(), 2.0)].into_iter().collect(),
                mine: false,
            }],
            ballots: 3,
            ballots_cast: 4,
            eligible: 5,
            total_hours: 12000.0,
            tally: Some(TallySummary {
                quorum: t.quorum.clone(),
                split: t.split.clone(),
                priorities: t.priorities.clone(),
                projects: ProjectsSummary {
                    rule: t.projects.rule,
                    budget_hours: t.projects.budget_hours,
                    funded: t.projects.funded.clone(),
                    spent_hours: t.projects.spent_hours,
                    approvals: t.projects.approvals.clone(),
                    why_funded: t.projects.why_funded.clone(),
                    unapproved_candidates: t.projects.unapproved_candidates,
                },
                discount: t.discount.clone(),
                href: "/api/v1/rounds/1/tally".into(),
            }),
            plan_job: Some(PlanJob::Done),
            plan: Some(PlanSummary {
                status: "optimal".into(),
                lambda: 1.25,
                verdict: plenty_ledger::PlanVerdict::MeetsEveryNeed { lambda: 1.25 },
                working_week: 31.5,
                href: "/api/v1/rounds/1/plan".into(),
            }),
            my_pseudonym: Some("4c9c7285c8b794beb5861bc2a48ce3ed".into()),
            my_ballot: Some(if t.discount.is_some() {
                example_ballot_years()
            } else {
                example_ballot()
            }),
            rules: Some(plenty_ledger::RoundRules::default()),
            my_needs: vec![MyNeed {
                need: 1,
                product: "bread".into(),
                quantity: 0.5,
                year: None,
            }],
            removed: vec![RemovedItem {
                item: plenty_ledger::RoundItem::Need { need: 2 },
                what: "bread".into(),
                hidden_because: Some("10^12 t of bread: a typo for 1 t, confirmed with the member".into()),
            }, RemovedItem {
                item: plenty_ledger::RoundItem::Proposal { proposal: 2 },
                what: "A second clinic".into(),
                hidden_because: None,
            }],
            deadlines: vec![],
        }
    }
}

fn example_ballot() -> RoundBallot {
    RoundBallot {
        approve: vec![1],
        scores: [("bread".to_string(), 4)].into_iter().collect(),
        split: Some(HoursSplit::DEFAULT),
        discount_rate: None,
    }
}

fn example_ballot_years() -> RoundBallot {
    RoundBallot {
        discount_rate: Some(0.02),
        ..example_ballot()
    }
}

/// A small count, for the description's examples.
fn example_tally() -> RoundTally {
    example_count(false, 3)
}

/// A count without quorum: nothing funded.
fn example_tally_no_quorum() -> RoundTally {
    example_count(false, 30)
}

/// A small count of a multi-year round, for the description's examples.
fn example_tally_years() -> RoundTally {
    example_count(true, 3)
}

fn example_count(multi_year: bool, eligible: u64) -> RoundTally {
    let ballot = if multi_year {
        example_ballot_years()
    } else {
        example_ballot()
    };
    compute_tally(&plenty_ledger::tally::TallyInput {
        eligible,
        rule: ProjectRule::EqualShares,
        quorum: RoundQuorum::default(),
        default_split: HoursSplit::DEFAULT,
        total_hours: 12000.0,
        proposals: vec![plenty_ledger::state::Proposal {
            id: 1,
            title: "A clinic in the valley".into(),
            cost_hours: 900.0,
            resources: BTreeMap::new(),
            by: "4c9c7285c8b794beb5861bc2a48ce3ed".into(),
        }],
        products: vec!["bread".into()],
        ballots: vec![(TopicWeights::ONE, ballot)],
        multi_year,
        summary: true,
        rules: Some(plenty_ledger::RoundRules::default()),
    })
}

fn round_view(st: &AppState, l: &Ledger, r: &RoundState, me: Option<&Caller>) -> RoundView {
    let my = me.map(|c| st.ballot_pseudonym(r.id, c.member));
    let my_proposals = me.map(|c| st.pseudonym(Signing::Proposal, r.id, c.member));
    let my_needs = me.map(|c| st.pseudonym(Signing::Need, r.id, c.member));
    let (plan_job, durable) = PlanJob::reported(st.plan_job(r.id).as_ref(), r.plan.is_some());
    RoundView {
        id: r.id,
        title: r.title.clone(),
        phase: r.phase,
        rule: r.rule,
        quorum: r.quorum,
        default_split: r.default_split,
        years: l
            .economy_years()
            .map(|y| (y.first_year..=y.last_year()).collect()),
        needs: r
            .needs_by_product_and_year()
            .into_iter()
            .map(|((product, year), t)| NeedView {
                product: product.to_string(),
                quantity: t.quantity,
                registrations: t.registrations,
                year,
            })
            .collect(),
        limits: r.limits,
        needs_capped: l.counted_needs(r).map(|n| n.capped).unwrap_or_default(),
        proposals: r
            .proposals
            .values()
            .map(|p| ProposalView {
                id: p.id,
                title: p.title.clone(),
                cost_hours: p.cost_hours,
                resources: p.resources.clone(),
                mine: my_proposals.as_ref() == Some(&p.by),
            })
            .collect(),
        ballots: r.ballots.len(),
        ballots_cast: r.ballots_cast,
        eligible: l.eligible() as usize,
        total_hours: l.total_hours(),
        tally: r.tally.as_ref().map(|t| TallySummary {
            quorum: t.quorum.clone(),
            split: t.split.clone(),
            priorities: t.priorities.iter().take(10).cloned().collect(),
            projects: ProjectsSummary {
                rule: t.projects.rule,
                budget_hours: t.projects.budget_hours,
                funded: t.projects.funded.clone(),
                spent_hours: t.projects.spent_hours,
                approvals: t.projects.approvals.clone(),
                why_funded: t.projects.why_funded.clone(),
                unapproved_candidates: t.projects.unapproved_candidates,
            },
            discount: t.discount.clone(),
            href: format!("{}/rounds/{}/tally", super::PREFIX, r.id),
        }),
        plan_job,
        plan: r.plan.as_ref().filter(|_| durable).map(|p| PlanSummary {
            status: p.outcome.status.to_string(),
            lambda: p.outcome.lambda,
            verdict: p.outcome.verdict(),
            working_week: p.outcome.working_week,
            href: format!("{}/rounds/{}/plan", super::PREFIX, r.id),
        }),
        my_ballot: my.as_ref().and_then(|p| r.ballots.get(p)).cloned(),
        my_pseudonym: my,
        rules: r.rules,
        my_needs: r
            .needs
            .iter()
            .filter(|n| my_needs.as_ref() == Some(&n.by))
            .map(|n| MyNeed {
                need: n.number,
                product: n.product.clone(),
                quantity: n.quantity,
                year: n.year,
            })
            .collect(),
        removed: removed_items(r),
        deadlines: r.deadlines.iter().map(|(p, d)| (*p, d.at_ms)).collect(),
    }
}

/// The needs and proposals of a round that no longer count, and why.
pub fn removed_items(r: &RoundState) -> Vec<RemovedItem> {
    let why = |w: &plenty_ledger::state::Removal| match w {
        plenty_ledger::state::Removal::Withdrawn => None,
        plenty_ledger::state::Removal::Hidden { reason } => Some(reason.clone()),
    };
    let needs = r.removed_needs.iter().map(|(n, w)| RemovedItem {
        item: plenty_ledger::RoundItem::Need { need: n.number },
        what: n.product.clone(),
        hidden_because: why(w),
    });
    let proposals = r.removed_proposals.values().map(|(p, w)| RemovedItem {
        item: plenty_ledger::RoundItem::Proposal { proposal: p.id },
        what: p.title.clone(),
        hidden_because: why(w),
    });
    needs.chain(proposals).collect()
}

/// Reads a round under the lock.
fn get_round<T>(
    st: &AppState,
    id: RoundId,
    f: impl FnOnce(&Ledger, &RoundState) -> T,
) -> Result<T, ApiError> {
    st.log.read(|ch| {
        let r = ch.ledger.round(id)?;
        Ok(f(&ch.ledger, r))
    })
}

/// `GET /rounds/{id}`.
pub async fn round(
    State(st): State<AppState>,
    MaybeCaller(c): MaybeCaller,
    Path(id): Path<RoundId>,
) -> Result<Json<RoundView>, ApiError> {
    get_round(&st, id, |l, r| Json(round_view(&st, l, r, c.as_ref())))
}

/// `GET /rounds/current`.
pub async fn current_round(
    State(st): State<AppState>,
    MaybeCaller(c): MaybeCaller,
) -> Result<Json<RoundView>, ApiError> {
    st.log.read(|ch| {
        let r = ch
            .ledger
            .latest_round()
            .ok_or_else(|| Rejected::new(RejectCode::NotFound, "no round yet"))?;
        Ok(Json(round_view(&st, &ch.ledger, r, c.as_ref())))
    })
}

/// Need body.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewNeed {
    product: String,
    quantity: f64,
    /// In a multi-year round, the year the need is for (absent: every year).
    #[serde(default)]
    year: Option<i64>,
    /// Register it even if it is far beyond what the economy can make (without it, such a
    /// need is answered 409 `needs_confirmation`, saying why).
    #[serde(default)]
    confirm: bool,
}

/// A need registered.
#[derive(Debug, Serialize)]
pub struct NeedRegistered {
    /// Always true.
    pub registered: bool,
    /// Proof that the log holds the need: keep it (`plenty audit receipt`).
    pub inclusion: InclusionReceipt,
}

impl Described for NeedRegistered {
    const NAME: &'static str = "NeedRegistered";
    fn examples() -> Vec<Self> {
        vec![NeedRegistered {
            registered: true,
            inclusion: super::transparency::example_receipt(),
        }]
    }
}

/// The receipt of an append that wrote an entry.
fn written(receipt: Option<InclusionReceipt>) -> Result<InclusionReceipt, ApiError> {
    receipt.ok_or_else(|| ApiError::internal("an append that wrote no entry"))
}

/// `POST /rounds/{id}/needs`.
pub async fn register_need(
    State(st): State<AppState>,
    c: Caller,
    Path(id): Path<RoundId>,
    ApiJson(b): ApiJson<NewNeed>,
) -> Result<Created<NeedRegistered>, ApiError> {
    let confirm = b.confirm;
    let event = Event::NeedRegistered {
        round: id,
        by: st.pseudonym(Signing::Need, id, c.member),
        product: b.product.clone(),
        quantity: b.quantity,
        year: b.year,
    };
    let ((), receipt) = st
        .log
        .append_with_receipt(Vec::new(), |l| {
            // The ledger's rules first: a need for an unknown product is invalid, not implausible.
            l.check(&event)?;
            if !confirm {
                l.confirm_need(&b.product, b.quantity)?;
            }
            Ok((vec![event], ()))
        })
        .await?;
    Ok(Created(NeedRegistered {
        registered: true,
        inclusion: written(receipt)?,
    }))
}

/// Proposal body.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewProposal {
    title: String,
    cost_hours: f64,
    #[serde(default)]
    resources: BTreeMap<String, f64>,
    /// Submit it even if it costs more than the default split gives all projects (without
    /// it, such a proposal is answered 409 `needs_confirmation`, saying why).
    #[serde(default)]
    confirm: bool,
    /// What it is, where, why, for whom (plain text, at most 4,000 characters).
    #[serde(default)]
    description: Option<String>,
    /// Whether the page names the proposer as its author.
    #[serde(default)]
    signed: bool,
}

/// A proposal submitted.
#[derive(Debug, Serialize)]
pub struct ProposalCreated {
    /// Its number.
    pub proposal: ProposalId,
    /// Proof that the log holds the proposal: keep it (`plenty audit receipt`).
    pub inclusion: InclusionReceipt,
}

impl Described for ProposalCreated {
    const NAME: &'static str = "ProposalCreated";
    fn examples() -> Vec<Self> {
        vec![ProposalCreated {
            proposal: 4,
            inclusion: super::transparency::example_receipt(),
        }]
    }
}

/// `POST /rounds/{id}/proposals`.
pub async fn submit_proposal(
    State(st): State<AppState>,
    c: Caller,
    Path(id): Path<RoundId>,
    ApiJson(b): ApiJson<NewProposal>,
) -> Result<Created<ProposalCreated>, ApiError> {
    let by = st.pseudonym(Signing::Proposal, id, c.member);
    let (proposal, receipt) = st
        .log
        .append_with_receipt(Vec::new(), |l| {
            let (pid, e) = l.submit_proposal(id, by.clone(), &b.title, b.cost_hours, b.resources);
            l.check(&e)?;
            if !b.confirm {
                l.confirm_proposal(id, b.cost_hours)?;
            }
            let mut events = vec![e];
            if b.description.is_some() || b.signed {
                events.push(Event::ProposalDescribed {
                    round: id,
                    proposal: pid,
                    by,
                    description: b.description.unwrap_or_default().trim().to_string(),
                    signed_by: b.signed.then_some(c.member),
                });
            }
            Ok((events, pid))
        })
        .await?;
    Ok(Created(ProposalCreated {
        proposal,
        inclusion: written(receipt)?,
    }))
}

/// A need's new quantity.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NeedChange {
    quantity: f64,
    /// Change it even if it is far beyond what the economy can make.
    #[serde(default)]
    confirm: bool,
}

/// A proposal's amended title and cost.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProposalChange {
    title: String,
    cost_hours: f64,
    /// Amend it even if it costs more than the default split gives all projects.
    #[serde(default)]
    confirm: bool,
    /// A new description (absent: unchanged).
    #[serde(default)]
    description: Option<String>,
}

/// A change to a need or proposal, recorded.
#[derive(Debug, Serialize)]
pub struct ItemChanged {
    /// Always true.
    pub changed: bool,
    /// Proof that the log holds the change: keep it (`plenty audit receipt`).
    pub inclusion: InclusionReceipt,
}

impl Described for ItemChanged {
    const NAME: &'static str = "ItemChanged";
    fn examples() -> Vec<Self> {
        vec![ItemChanged {
            changed: true,
            inclusion: super::transparency::example_receipt(),
        }]
    }
}

/// Appends one event a member signs by pseudonym, checked by the ledger's rules (and, when
/// `confirm` is false, its plausibility check) under the lock.
async fn append_change(
    st: &AppState,
    events: Vec<Event>,
    plausible: impl FnOnce(&Ledger) -> Result<(), Rejected> + Send + 'static,
) -> Result<Json<ItemChanged>, ApiError> {
    let ((), receipt) = st
        .log
        .append_with_receipt(Vec::new(), move |l| {
            // The first event's rules answer first (the rest are checked as they apply).
            if let Some(first) = events.first() {
                l.check(first)?;
            }
            plausible(l)?;
            Ok((events, ()))
        })
        .await?;
    Ok(Json(ItemChanged {
        changed: true,
        inclusion: written(receipt)?,
    }))
}

/// [`append_change`] of one event that the ledger's rules alone decide (a withdrawal, a
/// hiding: nothing in it can be implausible, so nothing asks for a confirmation).
async fn append_one(st: &AppState, event: Event) -> Result<Json<ItemChanged>, ApiError> {
    append_change(st, vec![event], |_| Ok(())).await
}

/// `PATCH /rounds/{id}/needs/{need}`: the member who registered a need changes its quantity
/// (needs phase).
pub async fn edit_need(
    State(st): State<AppState>,
    c: Caller,
    Path((id, need)): Path<(RoundId, u64)>,
    ApiJson(b): ApiJson<NeedChange>,
) -> Result<Json<ItemChanged>, ApiError> {
    let product = st.log.read(|ch| {
        ch.ledger
            .round(id)
            .ok()
            .and_then(|r| r.needs.iter().find(|n| n.number == need))
            .map(|n| n.product.clone())
    });
    let event = Event::NeedEdited {
        round: id,
        need,
        by: st.pseudonym(Signing::Need, id, c.member),
        quantity: b.quantity,
    };
    let (confirm, quantity) = (b.confirm, b.quantity);
    append_change(&st, vec![event], move |l| match (&product, confirm) {
        (Some(p), false) => l.confirm_need(p, quantity),
        _ => Ok(()),
    })
    .await
}

/// `DELETE /rounds/{id}/needs/{need}`: the member who registered a need withdraws it (needs
/// phase).
pub async fn withdraw_need(
    State(st): State<AppState>,
    c: Caller,
    Path((id, need)): Path<(RoundId, u64)>,
) -> Result<Json<ItemChanged>, ApiError> {
    let event = Event::NeedWithdrawn {
        round: id,
        need,
        by: st.pseudonym(Signing::Need, id, c.member),
    };
    append_one(&st, event).await
}

/// `PATCH /rounds/{id}/proposals/{proposal}`: the proposer amends the title and cost (needs
/// phase).
pub async fn edit_proposal(
    State(st): State<AppState>,
    c: Caller,
    Path((id, proposal)): Path<(RoundId, ProposalId)>,
    ApiJson(b): ApiJson<ProposalChange>,
) -> Result<Json<ItemChanged>, ApiError> {
    let by = st.pseudonym(Signing::Proposal, id, c.member);
    let mut events = vec![Event::ProposalEdited {
        round: id,
        proposal,
        by: by.clone(),
        title: b.title.trim().to_string(),
        cost_hours: b.cost_hours,
    }];
    if let Some(d) = b.description {
        events.push(Event::ProposalDescribed {
            round: id,
            proposal,
            by,
            description: d.trim().to_string(),
            signed_by: None,
        });
    }
    let (confirm, cost) = (b.confirm, b.cost_hours);
    append_change(&st, events, move |l| {
        if confirm {
            Ok(())
        } else {
            l.confirm_proposal(id, cost)
        }
    })
    .await
}

/// `DELETE /rounds/{id}/proposals/{proposal}`: the proposer withdraws it (needs phase).
pub async fn withdraw_proposal(
    State(st): State<AppState>,
    c: Caller,
    Path((id, proposal)): Path<(RoundId, ProposalId)>,
) -> Result<Json<ItemChanged>, ApiError> {
    let event = Event::ProposalWithdrawn {
        round: id,
        proposal,
        by: st.pseudonym(Signing::Proposal, id, c.member),
    };
    append_one(&st, event).await
}

/// What a facilitator hides, and why.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HideBody {
    item: plenty_ledger::RoundItem,
    reason: String,
}

/// `POST /rounds/{id}/hide` (facilitator): hides a need (until voting closes) or a proposal
/// (before voting opens), with a reason every member reads.
pub async fn hide(
    State(st): State<AppState>,
    c: Caller,
    Path(id): Path<RoundId>,
    ApiJson(b): ApiJson<HideBody>,
) -> Result<Json<ItemChanged>, ApiError> {
    let event = Event::ItemHidden {
        round: id,
        item: b.item,
        reason: b.reason.trim().to_string(),
        by: c.member,
    };
    append_one(&st, event).await
}

/// A ballot accepted.
#[derive(Debug, Serialize)]
pub struct BallotReceipt {
    /// The voter's pseudonym in the round: find the ballot under it in the export.
    pub receipt: String,
    /// Whether it replaced an earlier ballot.
    pub replaces: bool,
    /// Proof that the log holds the ballot: its entry's position and hash, a checkpoint
    /// signed at a size that includes it, and the inclusion proof. Keep it: `plenty audit
    /// receipt` checks it later against a newer checkpoint or an export.
    pub inclusion: InclusionReceipt,
}

impl Described for BallotReceipt {
    const NAME: &'static str = "BallotReceipt";
    fn examples() -> Vec<Self> {
        vec![BallotReceipt {
            receipt: "4c9c7285c8b794beb5861bc2a48ce3ed".into(),
            replaces: false,
            inclusion: super::transparency::example_receipt(),
        }]
    }
}

/// Ballot body: the fields of [`RoundBallot`] and no others, so that a misspelt field (say
/// `aprove`) is an error, not an abstention (issue #14).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BallotBody {
    #[serde(default)]
    approve: Vec<ProposalId>,
    #[serde(default)]
    scores: BTreeMap<String, u32>,
    #[serde(default)]
    split: Option<HoursSplit>,
    #[serde(default)]
    discount_rate: Option<f64>,
}

/// `POST /rounds/{id}/ballot`. A second ballot replaces the first; both are in the log.
pub async fn cast_ballot(
    State(st): State<AppState>,
    c: Caller,
    Path(id): Path<RoundId>,
    ApiJson(b): ApiJson<BallotBody>,
) -> Result<Json<BallotReceipt>, ApiError> {
    let b = RoundBallot {
        approve: b.approve,
        scores: b.scores,
        split: b.split,
        discount_rate: b.discount_rate,
    };
    let voter = st.ballot_pseudonym(id, c.member);
    let v = voter.clone();
    let (replaces, receipt) = st
        .log
        .append_with_receipt(Vec::new(), move |l| {
            let e = l.cast_ballot(id, v, b);
            let replaces = matches!(e, Event::BallotCast { replaces: true, .. });
            Ok((vec![e], replaces))
        })
        .await?;
    Ok(Json(BallotReceipt {
        receipt: voter,
        replaces,
        inclusion: written(receipt)?,
    }))
}

/// Advance body.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Advance {
    to: Phase,
}

/// A round moved on.
#[derive(Debug, Serialize)]
pub struct PhaseChanged {
    /// The round.
    pub round: RoundId,
    /// Its new phase.
    pub phase: Phase,
}

impl Described for PhaseChanged {
    const NAME: &'static str = "PhaseChanged";
    fn examples() -> Vec<Self> {
        vec![PhaseChanged {
            round: 1,
            phase: Phase::Voting,
        }]
    }
}

/// `POST /rounds/{id}/advance` (facilitator). Moving to `plan` closes the vote: the ledger
/// gives the count to record with the phase change ([`Ledger::close_round`]), and the plan
/// is computed in the background.
pub async fn advance(
    State(st): State<AppState>,
    c: Caller,
    Path(id): Path<RoundId>,
    ApiJson(b): ApiJson<Advance>,
) -> Result<Json<PhaseChanged>, ApiError> {
    move_round(
        &st,
        id,
        b.to,
        c.member,
        c.role == plenty_ledger::Role::Facilitator,
    )
    .await?;
    Ok(Json(PhaseChanged {
        round: id,
        phase: b.to,
    }))
}

/// Moves round `id` to phase `to` in the name of member `by` (the rules decide whether they
/// may): closing the vote counts the ballots, and the plan is then computed in the background.
/// The handler of `POST /rounds/{id}/advance` and the deadline keeper both call it.
pub(crate) async fn move_round(
    st: &AppState,
    id: RoundId,
    to: Phase,
    by: plenty_ledger::MemberId,
    by_facilitator: bool,
) -> Result<(), ApiError> {
    // Every member's ballot pseudonym, computed once and outside the lock (ten thousand HMACs
    // would otherwise run under it, twice: for the count and for the close).
    let mut pseudonyms = std::collections::HashMap::new();
    if to == Phase::Plan && by_facilitator {
        let members: Vec<plenty_ledger::MemberId> = st
            .log
            .read(|ch| ch.ledger.members.keys().copied().collect());
        pseudonyms = members
            .into_iter()
            .map(|m| (m, st.ballot_pseudonym(id, m)))
            .collect();
    }
    let pseudonyms = std::sync::Arc::new(pseudonyms);
    let pseudonym = {
        let (st, known) = (st.clone(), pseudonyms.clone());
        move |m: plenty_ledger::MemberId| {
            known
                .get(&m)
                .cloned()
                .unwrap_or_else(|| st.ballot_pseudonym(id, m))
        }
    };
    if !pseudonyms.is_empty() {
        // Count outside the lock (issue #14: a count of 10⁴ ballots held every other request
        // back): closing below then finds the count remembered, unless a ballot came in
        // meanwhile, and only then counts again under the lock.
        let input = st.log.read(|ch| {
            (ch.ledger.round(id).ok()?.phase == Phase::Voting)
                .then(|| ch.ledger.closing_count_input(id, &pseudonym).ok())?
        });
        if let Some(input) = input {
            tokio::task::spawn_blocking(move || plenty_ledger::compute_tally_once(&input))
                .await
                .map_err(ApiError::internal)?;
        }
    }
    st.log
        .append_with(Vec::new(), move |l| {
            let events = l.advance_round(id, to, by, &pseudonym)?;
            Ok((events, ()))
        })
        .await?;
    crate::notices::committed(st);
    if to == Phase::Plan {
        spawn_plan(st.clone(), id);
    }
    Ok(())
}

/// A phase's deadline.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeadlineBody {
    /// The phase that ends then: `needs` or `voting`.
    phase: Phase,
    /// When, in milliseconds since 1970-01-01 UTC.
    at_ms: u64,
}

/// A deadline set.
#[derive(Debug, Serialize)]
pub struct DeadlineRecorded {
    /// The round.
    pub round: RoundId,
    /// The phase that ends then.
    pub phase: Phase,
    /// When, in milliseconds since 1970-01-01 UTC.
    pub at_ms: u64,
}

impl Described for DeadlineRecorded {
    const NAME: &'static str = "DeadlineRecorded";
    fn examples() -> Vec<Self> {
        vec![DeadlineRecorded {
            round: 1,
            phase: Phase::Voting,
            at_ms: 1_796_000_000_000,
        }]
    }
}

/// `POST /rounds/{id}/deadline` (facilitator): when the needs or voting phase ends. At the
/// deadline the service moves the round on by itself (closing the vote at the end of voting).
pub async fn set_deadline(
    State(st): State<AppState>,
    c: Caller,
    Path(id): Path<RoundId>,
    ApiJson(b): ApiJson<DeadlineBody>,
) -> Result<Json<DeadlineRecorded>, ApiError> {
    st.log
        .append(Event::DeadlineSet {
            round: id,
            phase: b.phase,
            at_ms: b.at_ms,
            by: c.member,
        })
        .await?;
    Ok(Json(DeadlineRecorded {
        round: id,
        phase: b.phase,
        at_ms: b.at_ms,
    }))
}

/// The rounds whose current phase's deadline has passed at `now_ms`: (round, next phase, the
/// facilitator who set the deadline).
pub(crate) fn due(l: &Ledger, now_ms: u64) -> Vec<(RoundId, Phase, plenty_ledger::MemberId)> {
    l.rounds
        .values()
        .filter_map(|r| {
            let d = r.current_deadline()?;
            let next = r.phase.next()?;
            (d.at_ms <= now_ms && r.abandoned.is_none()).then_some((r.id, next, d.by))
        })
        .collect()
}

/// Moves on, once, every round whose phase deadline has passed. A move the rules refuse (the
/// facilitator who set the deadline is no longer one) is logged and left to a facilitator.
pub async fn keep_deadlines(st: &AppState) {
    let now_ms = u64::try_from(super::now_ms()).unwrap_or(0);
    let due = st.log.read(|ch| due(&ch.ledger, now_ms));
    for (round, to, by) in due {
        let facilitator = st.log.read(|ch| ch.ledger.require_facilitator(by).is_ok());
        match move_round(st, round, to, by, facilitator).await {
            Ok(()) => tracing::info!(round, phase = to.name(), "deadline reached: round moved on"),
            Err(e) => tracing::warn!(
                round,
                phase = to.name(),
                "deadline reached, but the round could not move on: {e:?}"
            ),
        }
    }
}

/// Abandon body.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Abandon {
    /// Why the round cannot go on; kept in the log for every member to read.
    reason: String,
}

/// `POST /rounds/{id}/abandon` (facilitator): closes a round that cannot go on, without a
/// plan, with its reason on record; a new round may then open (issue #14: a round whose plan
/// could not be computed left every later step refused).
pub async fn abandon(
    State(st): State<AppState>,
    c: Caller,
    Path(id): Path<RoundId>,
    ApiJson(b): ApiJson<Abandon>,
) -> Result<Json<PhaseChanged>, ApiError> {
    let reason = b.reason.trim().to_string();
    st.log
        .append(Event::RoundAbandoned {
            round: id,
            reason,
            by: c.member,
        })
        .await?;
    crate::notices::committed(&st);
    Ok(Json(PhaseChanged {
        round: id,
        phase: Phase::FollowUp,
    }))
}

/// The threads plans are computed on: all cores but one, so that the service keeps a core
/// for requests while a big plan computes. (Plans are the same bits on any number of threads.)
fn plan_pool() -> &'static rayon::ThreadPool {
    static POOL: std::sync::OnceLock<rayon::ThreadPool> = std::sync::OnceLock::new();
    POOL.get_or_init(|| {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        rayon::ThreadPoolBuilder::new()
            .num_threads(cores.saturating_sub(1).max(1))
            .thread_name(|k| format!("plenty-plan-{k}"))
            .build()
            .expect("a thread pool for plans")
    })
}

/// Computes a round's plan off the async runtime and records it.
pub fn spawn_plan(st: AppState, id: RoundId) {
    {
        let mut jobs = st.plans.lock().unwrap_or_else(|e| e.into_inner());
        if matches!(jobs.get(&id), Some(PlanJob::Computing { .. })) {
            return;
        }
        jobs.insert(id, PlanJob::Computing { since: now_ms() });
    }
    tokio::spawn(async move {
        let tol = st.settings.plan_tolerance;
        // The ledger says what the plan is computed from (and how: one year or several).
        let prepared = st
            .log
            .read(|ch| ch.ledger.plan_work(id, tol, env!("CARGO_PKG_VERSION")));
        let result = match prepared {
            Err(r) => Err(r.message),
            Ok(work) => {
                match tokio::task::spawn_blocking(move || {
                    plan_pool().install(|| work.compute_event())
                })
                .await
                {
                    Ok(Ok(event)) => st.log.append(event).await.map_err(|e| format!("{e:?}")),
                    Ok(Err(e)) => Err(e.to_string()),
                    Err(e) => Err(e.to_string()),
                }
            }
        };
        match &result {
            Ok(()) => crate::notices::committed(&st),
            Err(message) => tracing::warn!(round = id, %message, "the plan was not recorded"),
        }
        let mut jobs = st.plans.lock().unwrap_or_else(|e| e.into_inner());
        jobs.insert(
            id,
            match result {
                Ok(()) => PlanJob::Done,
                Err(message) => PlanJob::Failed { message },
            },
        );
    });
}

/// A round's plan, or where its computation stands.
#[derive(Debug, Serialize)]
pub struct PlanView<I = PlanInputs, P = PlanOutcome, Y = YearsPlan> {
    /// `computing`, `done` or `failed` (none: no plan yet and no job).
    pub state: Option<&'static str>,
    /// The job, if one ran since the service started.
    pub job: Option<PlanJob>,
    /// What the plan was computed from (as recorded in the log).
    pub inputs: Option<I>,
    /// The plan (as recorded in the log).
    pub plan: Option<P>,
    /// In a multi-year round, the plan year by year with its inputs (as recorded in the log);
    /// null in a single-year round.
    pub years: Option<Y>,
}

impl Described for PlanView {
    const NAME: &'static str = "Plan";
    /// The plan's inputs and outcome are as in the log's `plan_recorded` entries.
    fn examples() -> Vec<Self> {
        vec![
            PlanView {
                state: Some("computing"),
                job: Some(PlanJob::Computing {
                    since: 1_767_225_600_000,
                }),
                inputs: None,
                plan: None,
                years: None,
            },
            PlanView {
                state: Some("failed"),
                job: Some(PlanJob::Failed {
                    message: "no economy".into(),
                }),
                inputs: None,
                plan: None,
                years: None,
            },
            PlanView {
                state: None,
                job: None,
                inputs: None,
                plan: None,
                years: None,
            },
        ]
    }
}

fn job_state(job: &PlanJob) -> &'static str {
    match job {
        PlanJob::Computing { .. } => "computing",
        PlanJob::Done => "done",
        PlanJob::Failed { .. } => "failed",
    }
}

/// `GET /rounds/{id}/plan`: the plan, or where its computation stands.
pub async fn plan(
    State(st): State<AppState>,
    Path(id): Path<RoundId>,
) -> Result<Response, ApiError> {
    // Take the shared plan out under the lock; serialise it after.
    let recorded = get_round(&st, id, |_, r| r.plan.clone())?;
    let job = st.plan_job(id);
    let (state, durable) = PlanJob::reported(job.as_ref(), recorded.is_some());
    let shown = recorded.as_ref().filter(|_| durable);
    Ok(Json(PlanView {
        state: state.as_ref().map(job_state),
        job,
        inputs: shown.map(|p| &p.inputs),
        plan: shown.map(|p| &p.outcome),
        years: shown.and_then(|p| p.years.as_ref()),
    })
    .into_response())
}

/// The count's main results, to compare with and without a ballot.
#[derive(Debug, Serialize)]
pub struct Outcome {
    /// Funded proposals.
    pub funded: Vec<ProposalId>,
    /// The split of hours.
    pub split: HoursSplit,
    /// Whether the quorum was met.
    pub quorum_met: bool,
}

impl Outcome {
    fn of(t: &RoundTally) -> Self {
        Outcome {
            funded: t.projects.funded.clone(),
            split: t.split.shares,
            quorum_met: t.quorum.met,
        }
    }
}

/// A single-year plan with a ballot against the plan without it.
#[derive(Debug, Serialize)]
pub struct PlanEffect {
    /// Hours per member per week the plan needs, with the ballot.
    pub working_week_with: f64,
    /// The same without it.
    pub working_week_without: f64,
    /// Plan fulfilment λ with the ballot.
    pub lambda_with: f64,
    /// Plan fulfilment λ without it.
    pub lambda_without: f64,
    /// Hours of the funded projects, with and without the ballot.
    pub project_hours: [f64; 2],
    /// The products whose net output differs: name, unit, with, without.
    pub products: Vec<ProductEffect>,
}

/// One product's net output with and without a ballot.
#[derive(Debug, Serialize)]
pub struct ProductEffect {
    /// The product.
    pub name: String,
    /// Its unit.
    pub unit: String,
    /// Net output with the ballot.
    pub with: f64,
    /// Net output without it.
    pub without: f64,
}

/// Which results a ballot changed.
#[derive(Debug, Serialize)]
pub struct Changed {
    /// The funded projects.
    pub funded: bool,
    /// The split of hours.
    pub split: bool,
    /// Whether the quorum was met.
    pub quorum: bool,
}

/// What the caller's ballot changed in the count.
#[derive(Debug, Serialize)]
#[serde(untagged)]
pub enum BallotEffect {
    /// The caller cast no ballot of their own.
    NotVoted {
        /// False.
        voted: bool,
        /// Why there is nothing to compare.
        note: String,
    },
    /// The count with and without the caller's ballot.
    Voted {
        /// True.
        voted: bool,
        /// The ballot's weights per topic (`[projects, priorities, split]`).
        weight: Option<TopicWeights>,
        /// The count as recorded.
        with_your_ballot: Outcome,
        /// The count without the ballot and the votes delegated to it.
        without_your_ballot: Outcome,
        /// What differs.
        changed: Changed,
        /// In a multi-year round whose plan is recorded: the plan with the ballot against the
        /// plan without it, year by year.
        #[serde(skip_serializing_if = "Option::is_none")]
        years: Option<YearsEffect>,
        /// In a single-year round whose plan is recorded: the plan with the ballot against
        /// the plan without it, in hours and products.
        #[serde(skip_serializing_if = "Option::is_none")]
        plan: Option<Box<PlanEffect>>,
    },
}

/// One year of a multi-year plan, with and without a ballot.
#[derive(Debug, Serialize)]
pub struct YearEffect {
    /// The year.
    pub year: i64,
    /// `λ` of the plan as recorded.
    pub lambda_with: f64,
    /// `λ` of the plan without the ballot.
    pub lambda_without: f64,
}

/// What a ballot changed in a multi-year plan: the plan recomputed from the count without the
/// ballot (the ledger gives its inputs, [`Ledger::plan_work_with`]), year by year.
#[derive(Debug, Serialize)]
pub struct YearsEffect {
    /// The discount rate the plan uses (the count's median).
    pub rate_with: f64,
    /// The discount rate without the ballot.
    pub rate_without: f64,
    /// `Σλ` of the plan as recorded.
    pub total_lambda_with: f64,
    /// `Σλ` without the ballot.
    pub total_lambda_without: f64,
    /// Whether the plan's inputs differ without the ballot (if not, neither does the plan).
    pub changed: bool,
    /// The years.
    pub years: Vec<YearEffect>,
}

impl Described for BallotEffect {
    const NAME: &'static str = "BallotEffect";
    fn examples() -> Vec<Self> {
        let t = example_tally();
        vec![
            BallotEffect::Voted {
                voted: true,
                weight: Some(TopicWeights::ONE),
                with_your_ballot: Outcome::of(&t),
                without_your_ballot: Outcome {
                    funded: vec![2],
                    split: HoursSplit::DEFAULT,
                    quorum_met: false,
                },
                changed: Changed {
                    funded: true,
                    split: false,
                    quorum: true,
                },
                years: None,
                plan: Some(Box::new(PlanEffect {
                    working_week_with: 15.8,
                    working_week_without: 15.4,
                    lambda_with: 8.9,
                    lambda_without: 9.1,
                    project_hours: [900.0, 700.0],
                    products: vec![ProductEffect {
                        name: "bread".into(),
                        unit: "t".into(),
                        with: 12.0,
                        without: 12.4,
                    }],
                })),
            },
            BallotEffect::Voted {
                voted: true,
                weight: Some(TopicWeights::ONE),
                with_your_ballot: Outcome::of(&t),
                without_your_ballot: Outcome::of(&t),
                changed: Changed {
                    funded: false,
                    split: false,
                    quorum: false,
                },
                years: Some(YearsEffect {
                    rate_with: 0.02,
                    rate_without: 0.05,
                    total_lambda_with: 5.4,
                    total_lambda_without: 5.3,
                    changed: true,
                    years: vec![
                        YearEffect {
                            year: 2027,
                            lambda_with: 1.0,
                            lambda_without: 1.05,
                        },
                        YearEffect {
                            year: 2028,
                            lambda_with: 1.1,
                            lambda_without: 1.02,
                        },
                    ],
                }),
                plan: None,
            },
            BallotEffect::Voted {
                voted: true,
                weight: None,
                with_your_ballot: Outcome::of(&t),
                without_your_ballot: Outcome::of(&t),
                changed: Changed {
                    funded: false,
                    split: false,
                    quorum: false,
                },
                years: None,
                plan: None,
            },
            BallotEffect::NotVoted {
                voted: false,
                note: NOT_VOTED.into(),
            },
        ]
    }
}

const NOT_VOTED: &str = "you did not vote in this round (or your vote went through a delegation)";

/// `GET /rounds/{id}/effect`: what the caller's ballot changed. The count is recomputed
/// without the caller's ballot (and the votes delegated to it), and compared.
pub async fn my_effect(
    State(st): State<AppState>,
    c: Caller,
    Path(id): Path<RoundId>,
) -> Result<Json<BallotEffect>, ApiError> {
    let me = st.ballot_pseudonym(id, c.member);
    // Under the lock only gather; the recount (the Method of Equal Shares over every ballot)
    // runs after, off the async runtime.
    let gathered = st.log.read(|ch| ch.ledger.ballot_effect_inputs(id, &me))?;
    let Some(g) = gathered else {
        return Ok(Json(BallotEffect::NotVoted {
            voted: false,
            note: NOT_VOTED.into(),
        }));
    };
    let without = g.without;
    let _permit = st.heavy_permit()?;
    let counter = tokio::task::spawn_blocking(move || compute_tally(&without))
        .await
        .map_err(ApiError::internal)?;
    let years = years_effect(&st, id, &counter).await?;
    let plan = match years {
        Some(_) => None,
        None => plan_effect(&st, id, &counter).await?,
    };
    let (with, without) = (Outcome::of(&g.actual), Outcome::of(&counter));
    Ok(Json(BallotEffect::Voted {
        voted: true,
        weight: g.weight,
        changed: Changed {
            // The same projects funded in another order are the same outcome.
            funded: with
                .funded
                .iter()
                .collect::<std::collections::BTreeSet<_>>()
                != without
                    .funded
                    .iter()
                    .collect::<std::collections::BTreeSet<_>>(),
            split: with.split != without.split,
            quorum: with.quorum_met != without.quorum_met,
        },
        with_your_ballot: with,
        without_your_ballot: without,
        years,
        plan,
    }))
}

/// In a single-year round with a recorded plan: that plan against the plan of the count
/// without the caller's ballot (`counter`): the working week, λ, the projects' hours and the
/// products whose output differs. When the count without the ballot gives the same plan
/// inputs, nothing is recomputed.
async fn plan_effect(
    st: &AppState,
    id: RoundId,
    counter: &RoundTally,
) -> Result<Option<Box<PlanEffect>>, ApiError> {
    let gathered = st.log.read(|ch| {
        let r = ch.ledger.round(id)?;
        let Some(recorded) = r.plan.clone() else {
            return Ok(None);
        };
        if recorded.years.is_some()
            || ch
                .ledger
                .economy
                .as_ref()
                .is_none_or(|e| e.sha256 != recorded.inputs.economy_sha256)
        {
            return Ok(None);
        }
        let work = ch.ledger.plan_work_with(
            id,
            counter,
            recorded.inputs.tolerance,
            &recorded.inputs.code_version,
        )?;
        let unchanged = work.inputs == recorded.inputs;
        Ok::<_, Rejected>(Some((recorded, work, unchanged)))
    })?;
    let Some((recorded, work, unchanged)) = gathered else {
        return Ok(None);
    };
    let with = &recorded.outcome;
    let without = if unchanged {
        recorded.outcome.clone()
    } else {
        tokio::task::spawn_blocking(move || plan_pool().install(|| work.compute()))
            .await
            .map_err(ApiError::internal)?
            .map_err(ApiError::internal)?
            .outcome
    };
    Ok(Some(Box::new(PlanEffect {
        working_week_with: with.working_week,
        working_week_without: without.working_week,
        lambda_with: with.lambda,
        lambda_without: without.lambda,
        project_hours: [with.project_hours, without.project_hours],
        products: with
            .products
            .iter()
            .zip(&without.products)
            .filter(|(a, b)| {
                (a.net_output - b.net_output).abs() > 1e-9 * a.net_output.abs().max(1.0)
            })
            .map(|(a, b)| ProductEffect {
                name: a.name.clone(),
                unit: a.unit.clone(),
                with: a.net_output,
                without: b.net_output,
            })
            .collect(),
    })))
}

/// In a multi-year round with a recorded plan: that plan against the plan of the count
/// without the caller's ballot (`counter`), year by year. The ledger gives the inputs of the
/// plan without the ballot; when they are the recorded plan's, so is the plan, and nothing is
/// recomputed.
async fn years_effect(
    st: &AppState,
    id: RoundId,
    counter: &RoundTally,
) -> Result<Option<YearsEffect>, ApiError> {
    let gathered = st.log.read(|ch| {
        let r = ch.ledger.round(id)?;
        let Some(recorded) = r.plan.clone() else {
            return Ok(None);
        };
        let Some(years) = recorded.years.as_ref() else {
            return Ok(None);
        };
        let same_economy = ch
            .ledger
            .economy
            .as_ref()
            .is_some_and(|e| e.sha256 == recorded.inputs.economy_sha256);
        if !same_economy {
            // The economy was replaced since (for a later round): the plan without the ballot
            // cannot be computed from the economy this plan was.
            return Ok(None);
        }
        let work = ch.ledger.plan_work_with(
            id,
            counter,
            recorded.inputs.tolerance,
            &recorded.inputs.code_version,
        )?;
        let unchanged =
            work.inputs == recorded.inputs && work.years_inputs() == Some(&years.inputs);
        Ok::<_, Rejected>(Some((recorded, work, unchanged)))
    })?;
    let Some((recorded, work, unchanged)) = gathered else {
        return Ok(None);
    };
    let Some(with) = recorded.years.as_ref() else {
        return Ok(None);
    };
    let without = if unchanged {
        with.result.clone()
    } else {
        let plan = tokio::task::spawn_blocking(move || plan_pool().install(|| work.compute()))
            .await
            .map_err(ApiError::internal)?
            .map_err(ApiError::internal)?;
        match plan.years {
            Some(y) => y.result,
            None => return Ok(None),
        }
    };
    Ok(Some(YearsEffect {
        rate_with: with.result.discount_rate,
        rate_without: without.discount_rate,
        total_lambda_with: with.result.total_lambda,
        total_lambda_without: without.total_lambda,
        changed: !unchanged,
        years: with
            .result
            .years
            .iter()
            .zip(&without.years)
            .map(|(a, b)| YearEffect {
                year: a.year,
                lambda_with: a.lambda,
                lambda_without: b.lambda,
            })
            .collect(),
    }))
}

impl Described for RoundTally {
    const NAME: &'static str = "Tally";
    fn examples() -> Vec<Self> {
        vec![
            example_tally(),
            example_tally_years(),
            example_tally_no_quorum(),
        ]
    }
}

/// `GET /rounds/{id}/tally`: the whole count, with the rule's round-by-round explanation.
pub async fn tally(
    State(st): State<AppState>,
    Path(id): Path<RoundId>,
) -> Result<Response, ApiError> {
    let t = get_round(&st, id, |_, r| r.tally.clone())?.ok_or_else(ApiError::not_counted)?;
    Ok(Json(t.as_ref()).into_response())
}

/// `GET /rounds/{id}/election.pb`: the counted project vote as a pabulib file, to rerun
/// with pabutools or any other implementation. META names the rule and, for the Method of
/// Equal Shares, the exact per-voter increment of its completion (`plenty_increment`, a
/// fraction); VOTES carry ballot pseudonyms and weights (delegated votes).
pub async fn election_pb(
    State(st): State<AppState>,
    Path(id): Path<RoundId>,
) -> Result<Response, ApiError> {
    let plenty_ledger::RoundElection {
        election,
        voters,
        completion,
        rule,
    } = get_round(&st, id, |l, _| l.round_election(id))?.ok_or_else(ApiError::not_counted)?;
    let mut meta = vec![
        (
            "description".to_string(),
            format!("plenty round {id}: common projects"),
        ),
        ("country".to_string(), "plenty".to_string()),
        ("unit".to_string(), "hours".to_string()),
    ];
    match (rule, &completion) {
        (ProjectRule::EqualShares, plenty_core::vote::Completion::IncrementThenGreedy { step }) => {
            meta.push(("rule".into(), "equal-shares".into()));
            meta.push(("plenty_rule".into(), "mes-cost+increment+greedy".into()));
            meta.push(("plenty_increment".into(), step.to_string()));
        }
        (ProjectRule::EqualShares, _) => {
            meta.push(("rule".into(), "equal-shares".into()));
            meta.push(("plenty_rule".into(), "mes-cost+greedy".into()));
        }
        (ProjectRule::GreedyApproval, _) => {
            meta.push(("rule".into(), "greedy".into()));
            meta.push(("plenty_rule".into(), "greedy-cost".into()));
        }
    }
    let pb = plenty_io::pabulib::Pabulib {
        meta,
        vote_type: plenty_io::pabulib::VoteType::Approval,
        election,
        voter_ids: voters,
    };
    let text = plenty_io::pabulib::to_pabulib_string(&pb).map_err(ApiError::internal)?;
    Ok(([("content-type", "text/plain; charset=utf-8")], text).into_response())
}
