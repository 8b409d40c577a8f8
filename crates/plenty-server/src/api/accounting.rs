//! Labour-time accounting (issue #16): workplaces report hours, members confirm them and
//! vote the deduction rates, distribution points post purchases at the prices of the plan,
//! and everyone reads the federation's accounting; a member's statement is theirs and the
//! auditors'. Every rule is the ledger's ([`plenty_ledger::accounting`]); the log names each
//! account by its pseudonym ([`account_of`]), so that the public export shows every balance
//! without showing whose it is.

use super::{ApiError, ApiJson, AppState, Caller, Created, Described, ErrorCode};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use plenty_core::accounting::{DeductionRates, Pay};
use plenty_ledger::accounting::{
    AccountingReport, Balance, HoursReport, PriceLine, Queue, Shortfall, Statement, StatementLine,
    WorkingWeekReport,
};
use plenty_ledger::{CouncilId, Event, MemberId, RejectCode, Rejected, RoundId};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The routes of this feature.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/accounting/workplaces", post(name_workplace))
        .route("/accounting/distribution-points", post(name_point))
        .route("/accounting/auditors", post(name_auditors))
        .route("/accounting/hours", post(report_hours))
        .route("/accounting/prices", post(publish_prices).get(prices))
        .route("/accounting/purchases", post(purchase))
        .route("/accounting/report", get(report))
        .route("/me/hours/{id}/confirm", post(confirm))
        .route("/me/hours/{id}/dispute", post(dispute))
        .route("/me/deductions", post(vote_deductions))
        .route("/me/statement", get(my_statement))
        .route("/members/{id}/statement", get(member_statement))
}

/// A member's account pseudonym: `HMAC(first key, "account" ‖ 0 ‖ member)`, the same for all
/// time, so that a balance carries over from round to round while the log does not say whose
/// it is.
pub fn account_of(st: &AppState, member: MemberId) -> String {
    crate::auth::pseudonym(
        st.secrets.for_round(0),
        crate::auth::Signing::Account,
        0,
        member,
    )
}

/// Workplace reporters, distribution point operators or auditors, named.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Naming {
    council: CouncilId,
    #[serde(alias = "operators")]
    reporters: Vec<MemberId>,
}

/// The auditors named.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuditorsBody {
    auditors: Vec<MemberId>,
}

/// Who was named, for what.
#[derive(Debug, Serialize)]
pub struct Named {
    /// The council (a workplace or a distribution point); null for the auditors.
    pub council: Option<CouncilId>,
    /// The members named.
    pub members: Vec<MemberId>,
}

impl Described for Named {
    const NAME: &'static str = "Named";
    fn examples() -> Vec<Self> {
        vec![
            Named {
                council: Some(1),
                members: vec![1, 4],
            },
            Named {
                council: None,
                members: vec![3],
            },
        ]
    }
}

/// `POST /accounting/workplaces`: a facilitator names who reports a workplace's hours.
pub async fn name_workplace(
    State(st): State<AppState>,
    c: Caller,
    ApiJson(b): ApiJson<Naming>,
) -> Result<Created<Named>, ApiError> {
    let members = b.reporters.clone();
    st.log
        .append(Event::WorkplaceNamed {
            council: b.council,
            reporters: b.reporters,
            by: c.member,
        })
        .await?;
    Ok(Created(Named {
        council: Some(b.council),
        members,
    }))
}

/// `POST /accounting/distribution-points`: a facilitator names a consumer council a
/// distribution point, and who posts its purchases (`operators`).
pub async fn name_point(
    State(st): State<AppState>,
    c: Caller,
    ApiJson(b): ApiJson<Naming>,
) -> Result<Created<Named>, ApiError> {
    let members = b.reporters.clone();
    st.log
        .append(Event::DistributionPointNamed {
            council: b.council,
            operators: b.reporters,
            by: c.member,
        })
        .await?;
    Ok(Created(Named {
        council: Some(b.council),
        members,
    }))
}

/// `POST /accounting/auditors`: a facilitator names the auditors (the list replaces the
/// earlier one).
pub async fn name_auditors(
    State(st): State<AppState>,
    c: Caller,
    ApiJson(b): ApiJson<AuditorsBody>,
) -> Result<Created<Named>, ApiError> {
    let members = b.auditors.clone();
    st.log
        .append(Event::AuditorsNamed {
            auditors: b.auditors,
            by: c.member,
        })
        .await?;
    Ok(Created(Named {
        council: None,
        members,
    }))
}

/// Hours to report.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HoursBody {
    member: MemberId,
    council: CouncilId,
    period: String,
    hours: f64,
}

/// A report recorded.
#[derive(Debug, Serialize)]
pub struct HoursRecorded {
    /// Its number: the member confirms or disputes it by it.
    pub report: u64,
}

impl Described for HoursRecorded {
    const NAME: &'static str = "HoursRecorded";
    fn examples() -> Vec<Self> {
        vec![HoursRecorded { report: 12 }]
    }
}

/// `POST /accounting/hours`: a workplace's reporter reports a member's hours (by session or
/// by the workplace's API token). Nothing is paid until the member confirms them.
pub async fn report_hours(
    State(st): State<AppState>,
    c: Caller,
    ApiJson(b): ApiJson<HoursBody>,
) -> Result<Created<HoursRecorded>, ApiError> {
    let account = account_of(&st, b.member);
    let report = st
        .log
        .append_with(Vec::new(), move |l| {
            let e = l.report_hours(
                b.council,
                b.member,
                account,
                b.period.trim().to_string(),
                b.hours,
                c.member,
            )?;
            let report = l.accounts.last_report + 1;
            Ok((vec![e], report))
        })
        .await?;
    Ok(Created(HoursRecorded { report }))
}

/// A report settled by its member.
#[derive(Debug, Serialize)]
pub struct HoursSettled {
    /// The report.
    pub report: u64,
    /// Whether it was confirmed (false: disputed).
    pub confirmed: bool,
    /// What was paid (null when disputed).
    pub pay: Option<Pay>,
}

impl Described for HoursSettled {
    const NAME: &'static str = "HoursSettled";
    fn examples() -> Vec<Self> {
        vec![
            HoursSettled {
                report: 12,
                confirmed: true,
                pay: Some(Pay::for_hours(
                    37.5,
                    &DeductionRates {
                        investment: 0.15,
                        common_goods: 0.1,
                        care: 0.05,
                    },
                )),
            },
            HoursSettled {
                report: 13,
                confirmed: false,
                pay: None,
            },
        ]
    }
}

/// `POST /me/hours/{id}/confirm`: the member confirms one of their reports; it is paid at the
/// deduction rates in force.
pub async fn confirm(
    State(st): State<AppState>,
    c: Caller,
    Path(report): Path<u64>,
) -> Result<Json<HoursSettled>, ApiError> {
    let account = account_of(&st, c.member);
    let pay = st
        .log
        .append_with(Vec::new(), move |l| {
            let e = l.confirm_hours(report, account)?;
            let pay = match &e {
                Event::HoursConfirmed { pay, .. } => *pay,
                _ => Pay::default(),
            };
            Ok((vec![e], pay))
        })
        .await?;
    Ok(Json(HoursSettled {
        report,
        confirmed: true,
        pay: Some(pay),
    }))
}

/// Why a member disputes a report.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DisputeBody {
    reason: String,
}

/// `POST /me/hours/{id}/dispute`: the member disputes one of their reports; nothing is paid,
/// and the workplace may report the hours again.
pub async fn dispute(
    State(st): State<AppState>,
    c: Caller,
    Path(report): Path<u64>,
    ApiJson(b): ApiJson<DisputeBody>,
) -> Result<Json<HoursSettled>, ApiError> {
    st.log
        .append(Event::HoursDisputed {
            report,
            account: account_of(&st, c.member),
            reason: b.reason.trim().to_string(),
        })
        .await?;
    Ok(Json(HoursSettled {
        report,
        confirmed: false,
        pay: None,
    }))
}

/// The deduction rates, as voted.
#[derive(Debug, Serialize)]
pub struct DeductionsView {
    /// The member's ballot.
    pub mine: DeductionRates,
    /// The rates in force now: the medians of the ballots.
    pub in_force: DeductionRates,
    /// Ballots counted.
    pub ballots: usize,
}

impl Described for DeductionsView {
    const NAME: &'static str = "Deductions";
    fn examples() -> Vec<Self> {
        let r = DeductionRates {
            investment: 0.15,
            common_goods: 0.1,
            care: 0.05,
        };
        vec![DeductionsView {
            mine: r,
            in_force: r,
            ballots: 40,
        }]
    }
}

/// `POST /me/deductions`: the member's ballot on the deduction rates (it replaces their
/// earlier one); the rates in force are the medians.
pub async fn vote_deductions(
    State(st): State<AppState>,
    c: Caller,
    ApiJson(rates): ApiJson<DeductionRates>,
) -> Result<Json<DeductionsView>, ApiError> {
    let account = account_of(&st, c.member);
    st.log
        .append(Event::DeductionsVoted { account, rates })
        .await?;
    let (in_force, ballots) = st
        .log
        .read(|ch| (ch.ledger.accounts.rates, ch.ledger.accounts.ballots.len()));
    Ok(Json(DeductionsView {
        mine: rates,
        in_force,
        ballots,
    }))
}

/// A period's prices.
#[derive(Debug, Serialize)]
pub struct PricesView {
    /// The period (null before the first prices are published).
    pub period: Option<u64>,
    /// The round whose plan priced the goods (null before the first prices).
    pub round: Option<RoundId>,
    /// The consumer goods: labour value, price-to-value ratio, price, supply.
    pub prices: BTreeMap<String, PriceLine>,
}

impl Described for PricesView {
    const NAME: &'static str = "Prices";
    fn examples() -> Vec<Self> {
        vec![
            PricesView {
                period: Some(2),
                round: Some(1),
                prices: [(
                    "bread".to_string(),
                    PriceLine {
                        value: 40.0,
                        ratio: 1.25,
                        price: 50.0,
                        supply: 26.0,
                    },
                )]
                .into(),
            },
            PricesView {
                period: None,
                round: None,
                prices: BTreeMap::new(),
            },
        ]
    }
}

/// The round to price from.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PricesBody {
    round: RoundId,
}

/// `POST /accounting/prices`: a facilitator publishes the next period's prices from a round's
/// plan (the ledger computes them).
pub async fn publish_prices(
    State(st): State<AppState>,
    c: Caller,
    ApiJson(b): ApiJson<PricesBody>,
) -> Result<Created<PricesView>, ApiError> {
    let view = st
        .log
        .append_with(Vec::new(), move |l| {
            let e = l.publish_prices(b.round, c.member)?;
            let view = match &e {
                Event::PricesPublished {
                    period,
                    round,
                    prices,
                    ..
                } => PricesView {
                    period: Some(*period),
                    round: Some(*round),
                    prices: prices.clone(),
                },
                _ => none_published(),
            };
            Ok((vec![e], view))
        })
        .await?;
    Ok(Created(view))
}

fn none_published() -> PricesView {
    PricesView {
        period: None,
        round: None,
        prices: BTreeMap::new(),
    }
}

/// `GET /accounting/prices`: the prices in force (no period and no goods before a
/// facilitator publishes the first).
pub async fn prices(State(st): State<AppState>, _c: Caller) -> Json<PricesView> {
    Json(st.log.read(|ch| {
        ch.ledger
            .accounts
            .prices
            .as_ref()
            .map_or_else(none_published, |l| PricesView {
                period: Some(l.period),
                round: Some(l.round),
                prices: l.prices.clone(),
            })
    }))
}

/// A purchase to post.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PurchaseBody {
    member: MemberId,
    council: CouncilId,
    product: String,
    quantity: f64,
}

/// A purchase posted, or queued for want of stock.
#[derive(Debug, Serialize)]
pub struct PurchasePosted {
    /// Its number (null when queued).
    pub purchase: Option<u64>,
    /// Whether the request was queued: stock could not serve it, nothing was debited, and
    /// it counts as demand for the next prices and plan.
    pub queued: bool,
    /// Credits debited (0 when queued).
    pub cost: f64,
}

impl Described for PurchasePosted {
    const NAME: &'static str = "PurchasePosted";
    fn examples() -> Vec<Self> {
        vec![
            PurchasePosted {
                purchase: Some(7),
                queued: false,
                cost: 12.5,
            },
            PurchasePosted {
                purchase: None,
                queued: true,
                cost: 0.0,
            },
        ]
    }
}

/// `POST /accounting/purchases`: a distribution point's operator posts a member's purchase (by
/// session or by the point's API token), at the price in force, from the member's own
/// account; when stock cannot serve it, the request is queued.
pub async fn purchase(
    State(st): State<AppState>,
    c: Caller,
    ApiJson(b): ApiJson<PurchaseBody>,
) -> Result<Created<PurchasePosted>, ApiError> {
    let account = account_of(&st, b.member);
    let posted = st
        .log
        .append_with(Vec::new(), move |l| {
            if !l.is_admitted(b.member) {
                return Err(Rejected::new(
                    RejectCode::NotFound,
                    format!("member: no admitted member {}", b.member),
                ));
            }
            let (e, queued) =
                l.purchase(b.council, account, b.product.clone(), b.quantity, c.member)?;
            let posted = match &e {
                Event::PurchaseRecorded { purchase, cost, .. } => PurchasePosted {
                    purchase: Some(*purchase),
                    queued,
                    cost: *cost,
                },
                _ => PurchasePosted {
                    purchase: None,
                    queued,
                    cost: 0.0,
                },
            };
            Ok((vec![e], posted))
        })
        .await?;
    Ok(Created(posted))
}

impl Described for AccountingReport {
    const NAME: &'static str = "AccountingReport";
    fn examples() -> Vec<Self> {
        let rates = DeductionRates {
            investment: 0.15,
            common_goods: 0.1,
            care: 0.05,
        };
        let pay = Pay::for_hours(1200.0, &rates);
        vec![AccountingReport {
            rates,
            ballots: 31,
            totals: Balance {
                hours: pay.hours,
                investment: pay.investment,
                common_goods: pay.common_goods,
                care: pay.care,
                credits: pay.credits,
                consumption: 610.0,
            },
            accounts: 32,
            pending_reports: 3,
            disputed_reports: 1,
            working_week: Some(WorkingWeekReport {
                round: 1,
                hours_needed: 8500.0,
                weeks: 52.0,
                members: 5,
                workers: 4,
                per_member: Some(32.7),
                per_worker: Some(40.9),
            }),
            consumption_gini: 0.21,
            top_tenth_share: 0.16,
            period: Some(1),
            unmet_in_plan: vec![Shortfall {
                product: "wool".into(),
                needed: 0.5,
                planned: 0.3,
                short: 0.2,
            }],
            queues: vec![Queue {
                product: "bread".into(),
                requests: 4,
                quantity: 1.5,
                supply: 26.0,
                sold: 26.0,
            }],
        }]
    }
}

/// `GET /accounting/report`: the federation's accounting: totals of hours, deductions,
/// credits and consumption; the working week the plan needs; the Gini coefficient of
/// consumption and the top tenth's share; goods the plan does not make in full and the queues.
pub async fn report(State(st): State<AppState>, _c: Caller) -> Json<AccountingReport> {
    Json(st.log.read(|ch| ch.ledger.accounting_report()))
}

impl Described for Statement {
    const NAME: &'static str = "Statement";
    fn examples() -> Vec<Self> {
        let pay = Pay::for_hours(
            37.5,
            &DeductionRates {
                investment: 0.15,
                common_goods: 0.1,
                care: 0.05,
            },
        );
        vec![Statement {
            balance: Balance {
                hours: pay.hours,
                investment: pay.investment,
                common_goods: pay.common_goods,
                care: pay.care,
                credits: pay.credits,
                consumption: 12.5,
            },
            available: pay.credits - 12.5,
            lines: vec![
                StatementLine::Paid {
                    report: 12,
                    council: 1,
                    period: "2026-W49".into(),
                    pay,
                },
                StatementLine::Disputed {
                    report: 13,
                    council: 1,
                    period: "2026-W49".into(),
                    hours: 4.0,
                    reason: "I was off sick that day".into(),
                },
                StatementLine::Bought {
                    purchase: 7,
                    council: 3,
                    period: 1,
                    product: "bread".into(),
                    quantity: 0.25,
                    price: 50.0,
                    cost: 12.5,
                },
                StatementLine::Queued {
                    council: 3,
                    period: 1,
                    product: "wool".into(),
                    quantity: 0.1,
                },
            ],
            pending: vec![HoursReport {
                report: 14,
                council: 1,
                account: "3f2a…".into(),
                period: "2026-W50".into(),
                hours: 38.0,
                by: 1,
            }],
        }]
    }
}

/// `GET /me/statement`: the member's own statement: hours, deductions, credits, consumption,
/// each line, and the reports awaiting their confirmation.
pub async fn my_statement(State(st): State<AppState>, c: Caller) -> Json<Statement> {
    let account = account_of(&st, c.member);
    Json(st.log.read(|ch| ch.ledger.statement(&account)))
}

/// `GET /members/{id}/statement`: a member's statement, for the member and the auditors the
/// federation named only.
pub async fn member_statement(
    State(st): State<AppState>,
    c: Caller,
    Path(member): Path<MemberId>,
) -> Result<Json<Statement>, ApiError> {
    let account = account_of(&st, member);
    st.log.read(|ch| {
        let l = &ch.ledger;
        if member != c.member && !l.is_auditor(c.member) {
            return Err(ApiError::new(
                StatusCode::FORBIDDEN,
                ErrorCode::Forbidden,
                "a member's statement is private to the member and to the auditors the federation names; you are neither",
            ));
        }
        if !l.members.contains_key(&member) {
            return Err(ApiError::new(
                StatusCode::NOT_FOUND,
                ErrorCode::NotFound,
                format!("no member {member}"),
            ));
        }
        Ok(Json(l.statement(&account)))
    })
}
