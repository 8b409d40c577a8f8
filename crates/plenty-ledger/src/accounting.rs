//! Labour-time accounting (issue #16): hours worked, the deductions the members voted, the
//! credits paid, and what members consume, all replayed from the log.
//!
//! The rules, enforced by [`Ledger::apply`] on every entry (so by the service before it writes
//! and by `plenty audit verify` on an export alike):
//!
//! * A workplace's hours are reported by the members a facilitator named to report for it
//!   ([`Event::WorkplaceNamed`]), for one member's account and one period
//!   ([`Event::HoursReported`]). Nothing is paid until the member confirms them
//!   ([`Event::HoursConfirmed`]); a member may dispute them instead ([`Event::HoursDisputed`]),
//!   and the workplace reports them again corrected.
//! * On confirmation the hours are paid at the deduction rates in force then: the median of
//!   the members' ballots ([`Event::DeductionsVoted`], [`DeductionRates::median_of`]), none
//!   before the first ballot. The entry carries the rates and the pay; replay recomputes them
//!   ([`Pay::for_hours`]), so that `credits = hours − deductions` for every entry.
//! * Consumer goods are priced at their labour value under the plan ([`labour_values`]) times a
//!   price-to-value ratio that moves with demand (Dapprich): the facilitator publishes each
//!   period's price list ([`Event::PricesPublished`]), and replay recomputes it from the plan
//!   and the last period's purchases and queued requests. The latest ratios scale the next
//!   plan's targets ([`Ledger::plan_inputs`]).
//! * A purchase ([`Event::PurchaseRecorded`]) is posted by an operator of a distribution point
//!   ([`Event::DistributionPointNamed`]) and debits the buyer's own account, at the price in
//!   force, for a good in stock, within the account's balance. A product that is not a
//!   consumer good of the plan is a means of production: credits cannot buy it. A request
//!   that stock cannot serve is queued ([`Event::PurchaseQueued`]): it counts as demand.
//! * Credits do not circulate: no event moves credits from one account to another. Only a
//!   confirmed report credits an account (the one it names, confirmed by its holder) and only
//!   a purchase debits one (for goods to its holder).
//!
//! Accounts are named in the log by the member's *account pseudonym* (a keyed hash that only
//! the service computes, as ballots are), so that the public log shows every balance and lets
//! anyone recompute it without showing whose it is: a member's statement is private to the
//! member and the auditors the federation names ([`Event::AuditorsNamed`]).

use crate::event::*;
use crate::state::{Ledger, RejectCode, Rejected};
use crate::text::{check_text, MAX_PSEUDONYM};
use plenty_core::accounting::{
    gini, labour_values, top_share, working_week, DeductionRates, Pay, PriceFeedback,
};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// A report of hours' number (the federation counts them from 1).
pub type ReportId = u64;
/// A purchase's number (from 1).
pub type PurchaseId = u64;

/// Most hours one report may carry: a month of whole days (a larger figure is a typo).
pub const MAX_HOURS_PER_REPORT: f64 = 744.0;
/// Longest name of a period (`2026-W49`, `December 2026`).
pub const MAX_PERIOD: usize = 40;
/// Longest reason for disputing a report.
pub const MAX_DISPUTE: usize = 1000;
/// Most reporters, operators or auditors named at once.
pub const MAX_NAMED: usize = 1000;
/// Largest quantity bought at once.
pub const MAX_PURCHASE: f64 = 1e9;

/// One good of a period's price list.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct PriceLine {
    /// Its labour value under the plan: hours per unit.
    pub value: f64,
    /// The price-to-value ratio (1: priced at its value; above 1: scarce).
    pub ratio: f64,
    /// The price in credits (hours) per unit: `value · ratio`.
    pub price: f64,
    /// The plan's supply of it for the period (net output).
    pub supply: f64,
}

/// A report of hours awaiting its member's confirmation.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HoursReport {
    /// Its number.
    pub report: ReportId,
    /// The workplace (council).
    pub council: CouncilId,
    /// The account it is for.
    pub account: Pseudonym,
    /// The period worked.
    pub period: String,
    /// Hours.
    pub hours: f64,
    /// The reporter.
    pub by: MemberId,
}

/// A line of a member's statement.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum StatementLine {
    /// Hours confirmed and paid.
    Paid {
        /// The report.
        report: ReportId,
        /// The workplace.
        council: CouncilId,
        /// The period worked.
        period: String,
        /// Hours, deductions and credits.
        pay: Pay,
    },
    /// Hours disputed: nothing paid.
    Disputed {
        /// The report.
        report: ReportId,
        /// The workplace.
        council: CouncilId,
        /// The period.
        period: String,
        /// The hours reported.
        hours: f64,
        /// Why, in the member's words.
        reason: String,
    },
    /// A purchase.
    Bought {
        /// Its number.
        purchase: PurchaseId,
        /// The distribution point (council).
        council: CouncilId,
        /// The price list's period.
        period: u64,
        /// The good.
        product: String,
        /// How much.
        quantity: f64,
        /// Price per unit.
        price: f64,
        /// Credits spent.
        cost: f64,
    },
    /// A request that stock could not serve.
    Queued {
        /// The distribution point.
        council: CouncilId,
        /// The price list's period.
        period: u64,
        /// The good.
        product: String,
        /// How much was asked for.
        quantity: f64,
    },
}

/// Hours, deductions, credits and consumption, of one account or of all.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Balance {
    /// Hours worked and confirmed.
    pub hours: f64,
    /// Deducted for investment.
    pub investment: f64,
    /// Deducted for common goods.
    pub common_goods: f64,
    /// Deducted for care.
    pub care: f64,
    /// Credits paid.
    pub credits: f64,
    /// Credits spent on consumer goods.
    pub consumption: f64,
}

impl Balance {
    /// Credits left to spend: paid less spent.
    pub fn available(&self) -> f64 {
        self.credits - self.consumption
    }

    /// All deductions together.
    pub fn deductions(&self) -> f64 {
        self.investment + self.common_goods + self.care
    }

    fn pay(&mut self, p: &Pay) {
        self.hours += p.hours;
        self.investment += p.investment;
        self.common_goods += p.common_goods;
        self.care += p.care;
        self.credits += p.credits;
    }
}

/// One account.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct AccountState {
    /// Its balance.
    pub balance: Balance,
    /// Its lines, in the log's order.
    pub lines: Vec<StatementLine>,
}

/// Demand met and unmet for one good in a period.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Demand {
    /// Quantity sold.
    pub sold: f64,
    /// Requests queued for want of stock.
    pub queued_requests: u64,
    /// Quantity they asked for.
    pub queued: f64,
}

/// A period's price list and what happened under it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PriceList {
    /// The period (1, 2, …).
    pub period: u64,
    /// The round whose plan priced it.
    pub round: RoundId,
    /// The consumer goods and their prices.
    pub prices: BTreeMap<String, PriceLine>,
    /// Demand so far, by good.
    pub demand: BTreeMap<String, Demand>,
}

/// The accounting state of the federation.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Accounts {
    /// The members who report hours for each workplace council.
    pub workplaces: BTreeMap<CouncilId, BTreeSet<MemberId>>,
    /// The members who post purchases at each distribution point (consumer council).
    pub points: BTreeMap<CouncilId, BTreeSet<MemberId>>,
    /// The auditors the federation named: they may read any member's statement.
    pub auditors: BTreeSet<MemberId>,
    /// Each account's deduction ballot (the last it cast).
    pub ballots: BTreeMap<Pseudonym, DeductionRates>,
    /// The rates in force: the median of the ballots (none deducted before the first).
    pub rates: DeductionRates,
    /// The last report's number.
    pub last_report: ReportId,
    /// Reports awaiting confirmation.
    pub pending: BTreeMap<ReportId, HoursReport>,
    /// Reports disputed.
    pub disputed: u64,
    /// The last purchase's number.
    pub last_purchase: PurchaseId,
    /// The current price list.
    pub prices: Option<PriceList>,
    /// Accounts, by pseudonym.
    pub accounts: BTreeMap<Pseudonym, AccountState>,
    /// Every account added up.
    pub totals: Balance,
}

/// The working week the plan needs.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct WorkingWeekReport {
    /// The round whose plan it is.
    pub round: RoundId,
    /// Hours the plan needs in its period: production, projects and common funds.
    pub hours_needed: f64,
    /// Weeks in the period.
    pub weeks: f64,
    /// Admitted members.
    pub members: u64,
    /// Accounts with hours confirmed.
    pub workers: u64,
    /// Hours per member per week.
    pub per_member: Option<f64>,
    /// Hours per working member per week.
    pub per_worker: Option<f64>,
}

/// A good the plan does not make in full.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Shortfall {
    /// The good.
    pub product: String,
    /// Committed need plus target.
    pub needed: f64,
    /// What the plan makes.
    pub planned: f64,
    /// What is missing.
    pub short: f64,
}

/// A queue at the distribution points.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Queue {
    /// The good.
    pub product: String,
    /// Requests waiting.
    pub requests: u64,
    /// Quantity asked for.
    pub quantity: f64,
    /// The period's supply.
    pub supply: f64,
    /// Sold so far.
    pub sold: f64,
}

/// The federation's accounting, reported.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AccountingReport {
    /// The deduction rates in force.
    pub rates: DeductionRates,
    /// Deduction ballots counted.
    pub ballots: usize,
    /// Every account added up.
    pub totals: Balance,
    /// Accounts.
    pub accounts: usize,
    /// Reports awaiting confirmation.
    pub pending_reports: usize,
    /// Reports disputed.
    pub disputed_reports: u64,
    /// The working week the latest plan needs.
    pub working_week: Option<WorkingWeekReport>,
    /// The Gini coefficient of consumption (hours spent) over the admitted members.
    pub consumption_gini: f64,
    /// The share of consumption of the top tenth.
    pub top_tenth_share: f64,
    /// The current price list's period.
    pub period: Option<u64>,
    /// Goods the latest plan does not make in full.
    pub unmet_in_plan: Vec<Shortfall>,
    /// Requests that stock could not serve in the current period.
    pub queues: Vec<Queue>,
}

/// A member's statement.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Statement {
    /// Hours, deductions, credits and consumption.
    pub balance: Balance,
    /// Credits left to spend.
    pub available: f64,
    /// Lines, in order.
    pub lines: Vec<StatementLine>,
    /// Reports awaiting the member's confirmation.
    pub pending: Vec<HoursReport>,
}

fn reject(code: RejectCode, message: impl Into<String>) -> Rejected {
    Rejected::new(code, message)
}

fn check_account(account: &str) -> Result<(), Rejected> {
    check_text("account", account, MAX_PSEUDONYM)?;
    if account.is_empty() {
        return Err(reject(
            RejectCode::Invalid,
            "account: give the account pseudonym",
        ));
    }
    Ok(())
}

fn check_quantity(field: &str, x: f64, max: f64) -> Result<(), Rejected> {
    if !(x.is_finite() && x > 0.0 && x <= max) {
        return Err(reject(
            RejectCode::Invalid,
            format!("{field} must be a number above 0 and at most {max}; got {x}"),
        ));
    }
    Ok(())
}

impl Accounts {
    fn account(&mut self, a: &Pseudonym) -> &mut AccountState {
        self.accounts.entry(a.clone()).or_default()
    }
}

impl Ledger {
    fn check_named(&self, list: &[MemberId], what: &str) -> Result<(), Rejected> {
        if list.len() > MAX_NAMED {
            return Err(reject(
                RejectCode::Invalid,
                format!("{what}: name at most {MAX_NAMED} members at once"),
            ));
        }
        if let Some(m) = list.iter().find(|m| !self.is_admitted(**m)) {
            return Err(reject(
                RejectCode::NotFound,
                format!("{what}: member {m} is not an admitted member"),
            ));
        }
        Ok(())
    }

    fn council_of_kind(&self, council: CouncilId, kind: CouncilKind) -> Result<(), Rejected> {
        let c = self.councils.get(&council).ok_or_else(|| {
            reject(
                RejectCode::NotFound,
                format!("council: no council {council}"),
            )
        })?;
        if c.kind != kind {
            let want = match kind {
                CouncilKind::Workplace => "a workplace council (where people work)",
                CouncilKind::Consumer => "a consumer council (where goods are handed out)",
            };
            return Err(reject(
                RejectCode::Invalid,
                format!("council: council {council} is not {want}"),
            ));
        }
        Ok(())
    }

    pub(crate) fn check_workplace_named(
        &self,
        council: CouncilId,
        reporters: &[MemberId],
        by: MemberId,
    ) -> Result<(), Rejected> {
        self.require_facilitator(by)?;
        self.council_of_kind(council, CouncilKind::Workplace)?;
        self.check_named(reporters, "reporters")
    }

    pub(crate) fn check_point_named(
        &self,
        council: CouncilId,
        operators: &[MemberId],
        by: MemberId,
    ) -> Result<(), Rejected> {
        self.require_facilitator(by)?;
        self.council_of_kind(council, CouncilKind::Consumer)?;
        self.check_named(operators, "operators")
    }

    pub(crate) fn check_auditors_named(
        &self,
        auditors: &[MemberId],
        by: MemberId,
    ) -> Result<(), Rejected> {
        self.require_facilitator(by)?;
        self.check_named(auditors, "auditors")
    }

    pub(crate) fn check_hours_reported(
        &self,
        report: ReportId,
        council: CouncilId,
        account: &str,
        period: &str,
        hours: f64,
        by: MemberId,
    ) -> Result<(), Rejected> {
        let a = &self.accounts;
        if !a.workplaces.get(&council).is_some_and(|r| r.contains(&by)) || !self.is_admitted(by) {
            return Err(reject(
                RejectCode::Forbidden,
                format!(
                    "member {by} does not report hours for workplace {council}; a facilitator names its reporters"
                ),
            ));
        }
        if report != a.last_report + 1 {
            return Err(reject(
                RejectCode::Conflict,
                format!("the next report is number {}", a.last_report + 1),
            ));
        }
        check_account(account)?;
        check_text("period", period, MAX_PERIOD)?;
        if period.trim().is_empty() {
            return Err(reject(
                RejectCode::Invalid,
                "period: name the period worked (2026-W49, say)",
            ));
        }
        check_quantity("hours", hours, MAX_HOURS_PER_REPORT)
    }

    fn pending_report(&self, report: ReportId, account: &str) -> Result<&HoursReport, Rejected> {
        let r = self.accounts.pending.get(&report).ok_or_else(|| {
            reject(
                RejectCode::NotFound,
                format!("report: no report {report} awaits confirmation"),
            )
        })?;
        if r.account != account {
            return Err(reject(
                RejectCode::Forbidden,
                format!(
                    "report {report} is for another account: a member confirms or disputes only their own hours"
                ),
            ));
        }
        Ok(r)
    }

    pub(crate) fn check_hours_confirmed(
        &self,
        report: ReportId,
        account: &str,
        rates: &DeductionRates,
        pay: &Pay,
    ) -> Result<(), Rejected> {
        let r = self.pending_report(report, account)?;
        if *rates != self.accounts.rates {
            return Err(reject(
                RejectCode::Mismatch,
                format!(
                    "the rates recorded are not the rates in force ({:?})",
                    self.accounts.rates
                ),
            ));
        }
        if *pay != Pay::for_hours(r.hours, rates) {
            return Err(reject(
                RejectCode::Mismatch,
                format!(
                    "the pay recorded is not the pay for {} hours at the rates in force",
                    r.hours
                ),
            ));
        }
        Ok(())
    }

    pub(crate) fn check_hours_disputed(
        &self,
        report: ReportId,
        account: &str,
        reason: &str,
    ) -> Result<(), Rejected> {
        self.pending_report(report, account)?;
        check_text("reason", reason, MAX_DISPUTE)?;
        if reason.trim().is_empty() {
            return Err(reject(
                RejectCode::Invalid,
                "reason: say what is wrong with the hours reported",
            ));
        }
        Ok(())
    }

    pub(crate) fn check_deductions_voted(
        &self,
        account: &str,
        rates: &DeductionRates,
    ) -> Result<(), Rejected> {
        check_account(account)?;
        rates.validate().map_err(|m| reject(RejectCode::Invalid, m))
    }

    /// The price list the next period gets from round `round`'s plan: every consumer good of
    /// the plan (a product with a target or a committed need: final consumption) at its labour
    /// value ([`labour_values`]) times its ratio. The ratio is 1 in the first period and then
    /// [`PriceFeedback::next_ratio`] of the last period's ratio, its demand (sold and queued)
    /// and its supply. The supply is the plan's net output.
    pub fn price_list(&self, round: RoundId) -> Result<BTreeMap<String, PriceLine>, Rejected> {
        let r = self.round(round)?;
        let plan = r.plan.as_ref().ok_or_else(|| {
            reject(
                RejectCode::Conflict,
                format!("round: round {round} has no plan to price goods from"),
            )
        })?;
        let e = self
            .economy
            .as_ref()
            .ok_or_else(|| reject(RejectCode::Conflict, "no economy imported yet"))?;
        if e.sha256 != plan.inputs.economy_sha256 {
            return Err(reject(
                RejectCode::Conflict,
                format!(
                    "round: round {round}'s plan was made for an economy that has since been replaced"
                ),
            ));
        }
        let economy = &e.parsed;
        let mut runs = vec![0.0; economy.n_processes()];
        for p in &plan.outcome.processes {
            if let Some(j) = economy.process_index(&p.name) {
                runs[j] = p.intensity;
            }
        }
        let v = labour_values(economy, &runs);
        let feedback = PriceFeedback::default();
        let mut out = BTreeMap::new();
        for line in &plan.outcome.products {
            if line.target <= 0.0 && line.committed <= 0.0 {
                continue;
            }
            let Some(i) = economy.product_index(&line.name) else {
                continue;
            };
            let ratio = self
                .accounts
                .prices
                .as_ref()
                .and_then(|l| {
                    let last = l.prices.get(&line.name)?;
                    let d = l.demand.get(&line.name).copied().unwrap_or_default();
                    Some(feedback.next_ratio(last.ratio, d.sold + d.queued, last.supply))
                })
                .unwrap_or(1.0);
            out.insert(
                line.name.clone(),
                PriceLine {
                    value: v[i],
                    ratio,
                    price: v[i] * ratio,
                    supply: line.net_output.max(0.0),
                },
            );
        }
        Ok(out)
    }

    pub(crate) fn check_prices_published(
        &self,
        period: u64,
        round: RoundId,
        prices: &BTreeMap<String, PriceLine>,
        by: MemberId,
    ) -> Result<(), Rejected> {
        self.require_facilitator(by)?;
        let next = self.accounts.prices.as_ref().map_or(1, |l| l.period + 1);
        if period != next {
            return Err(reject(
                RejectCode::Conflict,
                format!("the next period is number {next}"),
            ));
        }
        if *prices != self.price_list(round)? {
            return Err(reject(
                RejectCode::Mismatch,
                format!("the prices recorded are not those of round {round}'s plan and the last period's demand"),
            ));
        }
        Ok(())
    }

    /// The price line of a consumer good, or why it cannot be bought.
    fn consumer_good(&self, product: &str) -> Result<(&PriceList, PriceLine), Rejected> {
        let list = self.accounts.prices.as_ref().ok_or_else(|| {
            reject(
                RejectCode::Conflict,
                "no prices are published yet: a facilitator publishes them from the plan",
            )
        })?;
        match list.prices.get(product) {
            Some(l) => Ok((list, *l)),
            None => {
                let known = self
                    .economy
                    .as_ref()
                    .is_some_and(|e| e.parsed.product_index(product).is_some());
                Err(if known {
                    reject(
                        RejectCode::Forbidden,
                        format!(
                            "product: {product:?} is a means of production, not a consumer good of the plan: credits buy consumer goods only"
                        ),
                    )
                } else {
                    reject(
                        RejectCode::NotFound,
                        format!("product: there is no product called {product:?}"),
                    )
                })
            }
        }
    }

    fn require_operator(&self, council: CouncilId, by: MemberId) -> Result<(), Rejected> {
        if !self
            .accounts
            .points
            .get(&council)
            .is_some_and(|o| o.contains(&by))
            || !self.is_admitted(by)
        {
            return Err(reject(
                RejectCode::Forbidden,
                format!(
                    "member {by} does not post purchases for distribution point {council}; a facilitator names its operators"
                ),
            ));
        }
        Ok(())
    }

    #[allow(clippy::too_many_arguments)]
    pub(crate) fn check_purchase(
        &self,
        purchase: PurchaseId,
        council: CouncilId,
        account: &str,
        product: &str,
        quantity: f64,
        price: f64,
        cost: f64,
        by: MemberId,
    ) -> Result<(), Rejected> {
        self.require_operator(council, by)?;
        if purchase != self.accounts.last_purchase + 1 {
            return Err(reject(
                RejectCode::Conflict,
                format!(
                    "the next purchase is number {}",
                    self.accounts.last_purchase + 1
                ),
            ));
        }
        check_account(account)?;
        check_quantity("quantity", quantity, MAX_PURCHASE)?;
        let (list, line) = self.consumer_good(product)?;
        if price != line.price || cost != quantity * line.price {
            return Err(reject(
                RejectCode::Mismatch,
                format!(
                    "price: {product:?} costs {} credits per unit in period {}; the purchase must be at that price",
                    line.price, list.period
                ),
            ));
        }
        let sold = list.demand.get(product).map_or(0.0, |d| d.sold);
        if sold + quantity > line.supply {
            return Err(reject(
                RejectCode::Conflict,
                format!(
                    "quantity: {product:?} is out of stock ({} left of {} this period); queue the request instead",
                    (line.supply - sold).max(0.0),
                    line.supply
                ),
            ));
        }
        let available = self
            .accounts
            .accounts
            .get(account)
            .map_or(0.0, |a| a.balance.available());
        if cost > available {
            return Err(reject(
                RejectCode::Conflict,
                format!(
                    "quantity: this costs {cost} credits, more than the account holds: credits cannot be overspent or borrowed"
                ),
            ));
        }
        Ok(())
    }

    pub(crate) fn check_purchase_queued(
        &self,
        council: CouncilId,
        account: &str,
        product: &str,
        quantity: f64,
        by: MemberId,
    ) -> Result<(), Rejected> {
        self.require_operator(council, by)?;
        check_account(account)?;
        check_quantity("quantity", quantity, MAX_PURCHASE)?;
        let (list, line) = self.consumer_good(product)?;
        let sold = list.demand.get(product).map_or(0.0, |d| d.sold);
        if sold + quantity <= line.supply {
            return Err(reject(
                RejectCode::Conflict,
                format!("quantity: {product:?} is in stock; record the purchase instead"),
            ));
        }
        Ok(())
    }

    /// Applies an accounting event (already checked); `false` for any other event.
    pub(crate) fn commit_accounting(&mut self, event: &Event) -> bool {
        let a = &mut self.accounts;
        match event {
            Event::WorkplaceNamed {
                council, reporters, ..
            } => {
                a.workplaces
                    .insert(*council, reporters.iter().copied().collect());
            }
            Event::DistributionPointNamed {
                council, operators, ..
            } => {
                a.points
                    .insert(*council, operators.iter().copied().collect());
            }
            Event::AuditorsNamed { auditors, .. } => {
                a.auditors = auditors.iter().copied().collect();
            }
            Event::HoursReported {
                report,
                council,
                account,
                period,
                hours,
                by,
            } => {
                a.last_report = *report;
                a.pending.insert(
                    *report,
                    HoursReport {
                        report: *report,
                        council: *council,
                        account: account.clone(),
                        period: period.clone(),
                        hours: *hours,
                        by: *by,
                    },
                );
            }
            Event::HoursConfirmed {
                report,
                account,
                pay,
                ..
            } => {
                if let Some(r) = a.pending.remove(report) {
                    a.totals.pay(pay);
                    let acc = a.account(account);
                    acc.balance.pay(pay);
                    acc.lines.push(StatementLine::Paid {
                        report: *report,
                        council: r.council,
                        period: r.period,
                        pay: *pay,
                    });
                }
            }
            Event::HoursDisputed {
                report,
                account,
                reason,
            } => {
                if let Some(r) = a.pending.remove(report) {
                    a.disputed += 1;
                    a.account(account).lines.push(StatementLine::Disputed {
                        report: *report,
                        council: r.council,
                        period: r.period,
                        hours: r.hours,
                        reason: reason.clone(),
                    });
                }
            }
            Event::DeductionsVoted { account, rates } => {
                a.ballots.insert(account.clone(), *rates);
                let ballots: Vec<DeductionRates> = a.ballots.values().copied().collect();
                a.rates = DeductionRates::median_of(&ballots).unwrap_or_default();
            }
            Event::PricesPublished {
                period,
                round,
                prices,
                ..
            } => {
                a.prices = Some(PriceList {
                    period: *period,
                    round: *round,
                    prices: prices.clone(),
                    demand: BTreeMap::new(),
                });
            }
            Event::PurchaseRecorded {
                purchase,
                council,
                account,
                product,
                quantity,
                price,
                cost,
                ..
            } => {
                a.last_purchase = *purchase;
                let period = a.prices.as_ref().map_or(0, |l| l.period);
                if let Some(l) = a.prices.as_mut() {
                    l.demand.entry(product.clone()).or_default().sold += quantity;
                }
                a.totals.consumption += cost;
                let acc = a.account(account);
                acc.balance.consumption += cost;
                acc.lines.push(StatementLine::Bought {
                    purchase: *purchase,
                    council: *council,
                    period,
                    product: product.clone(),
                    quantity: *quantity,
                    price: *price,
                    cost: *cost,
                });
            }
            Event::PurchaseQueued {
                council,
                account,
                product,
                quantity,
                ..
            } => {
                let period = a.prices.as_ref().map_or(0, |l| l.period);
                if let Some(l) = a.prices.as_mut() {
                    let d = l.demand.entry(product.clone()).or_default();
                    d.queued_requests += 1;
                    d.queued += quantity;
                }
                a.account(account).lines.push(StatementLine::Queued {
                    council: *council,
                    period,
                    product: product.clone(),
                    quantity: *quantity,
                });
            }
            _ => return false,
        }
        true
    }

    /// The report of `hours` a reporter makes for `member` (whose account pseudonym the
    /// service computed): the member must be an admitted member of the workplace council, and
    /// not the reporter themself (another reporter of the workplace reports a reporter's
    /// hours).
    pub fn report_hours(
        &self,
        council: CouncilId,
        member: MemberId,
        account: Pseudonym,
        period: String,
        hours: f64,
        by: MemberId,
    ) -> Result<Event, Rejected> {
        let in_council = self
            .members
            .get(&member)
            .is_some_and(|m| m.admitted && m.councils.contains(&council));
        if !in_council {
            return Err(reject(
                RejectCode::NotFound,
                format!("member: member {member} is not an admitted member of council {council}"),
            ));
        }
        if member == by {
            return Err(reject(
                RejectCode::Forbidden,
                "member: a reporter does not report their own hours; another reporter of the workplace does",
            ));
        }
        let e = Event::HoursReported {
            report: self.accounts.last_report + 1,
            council,
            account,
            period,
            hours,
            by,
        };
        self.check(&e)?;
        Ok(e)
    }

    /// The events a member's confirmation of a report becomes: paid at the rates in force.
    pub fn confirm_hours(&self, report: ReportId, account: Pseudonym) -> Result<Event, Rejected> {
        let r = self.pending_report(report, &account)?;
        let rates = self.accounts.rates;
        let e = Event::HoursConfirmed {
            report,
            account,
            rates,
            pay: Pay::for_hours(r.hours, &rates),
        };
        self.check(&e)?;
        Ok(e)
    }

    /// The event that records a purchase at the price in force, or, when stock cannot serve
    /// it, the request queued (`true` beside it).
    pub fn purchase(
        &self,
        council: CouncilId,
        account: Pseudonym,
        product: String,
        quantity: f64,
        by: MemberId,
    ) -> Result<(Event, bool), Rejected> {
        self.require_operator(council, by)?;
        check_quantity("quantity", quantity, MAX_PURCHASE)?;
        let (list, line) = self.consumer_good(&product)?;
        let sold = list.demand.get(&product).map_or(0.0, |d| d.sold);
        let e = if sold + quantity > line.supply {
            (
                Event::PurchaseQueued {
                    council,
                    account,
                    product,
                    quantity,
                    by,
                },
                true,
            )
        } else {
            (
                Event::PurchaseRecorded {
                    purchase: self.accounts.last_purchase + 1,
                    council,
                    account,
                    product,
                    quantity,
                    price: line.price,
                    cost: quantity * line.price,
                    by,
                },
                false,
            )
        };
        self.check(&e.0)?;
        Ok(e)
    }

    /// The event that publishes the next period's prices from round `round`'s plan.
    pub fn publish_prices(&self, round: RoundId, by: MemberId) -> Result<Event, Rejected> {
        self.require_facilitator(by)?;
        let e = Event::PricesPublished {
            period: self.accounts.prices.as_ref().map_or(1, |l| l.period + 1),
            round,
            prices: self.price_list(round)?,
            by,
        };
        self.check(&e)?;
        Ok(e)
    }

    /// An account's statement (an empty one for an account that has nothing yet).
    pub fn statement(&self, account: &str) -> Statement {
        let a = self
            .accounts
            .accounts
            .get(account)
            .cloned()
            .unwrap_or_default();
        Statement {
            available: a.balance.available(),
            balance: a.balance,
            lines: a.lines,
            pending: self
                .accounts
                .pending
                .values()
                .filter(|r| r.account == account)
                .cloned()
                .collect(),
        }
    }

    /// Whether `member` is one of the auditors the federation named.
    pub fn is_auditor(&self, member: MemberId) -> bool {
        self.accounts.auditors.contains(&member) && self.is_admitted(member)
    }

    /// The federation's accounting: totals, the working week the plan needs, the inequality
    /// of consumption, unmet needs and queues. The Gini coefficient and the top tenth's share
    /// are over the admitted members: those without an account yet count as consuming nothing.
    pub fn accounting_report(&self) -> AccountingReport {
        let a = &self.accounts;
        let mut consumption: Vec<f64> =
            a.accounts.values().map(|x| x.balance.consumption).collect();
        let members = self.eligible();
        if (consumption.len() as u64) < members {
            consumption.resize(members as usize, 0.0);
        }
        let latest = self
            .rounds
            .values()
            .rev()
            .find_map(|r| r.plan.as_ref().map(|p| (r.id, p.clone())));
        let workers = a
            .accounts
            .values()
            .filter(|x| x.balance.hours > 0.0)
            .count() as u64;
        let working_week_report = latest.as_ref().map(|(round, p)| {
            let o = &p.outcome;
            let hours_needed = o.plan_hours + o.project_hours + o.common_fund_hours;
            WorkingWeekReport {
                round: *round,
                hours_needed,
                weeks: self.weeks_per_period,
                members,
                workers,
                per_member: working_week(hours_needed, members as f64, self.weeks_per_period),
                per_worker: working_week(hours_needed, workers as f64, self.weeks_per_period),
            }
        });
        let unmet_in_plan = latest
            .map(|(_, p)| {
                p.outcome
                    .products
                    .iter()
                    .filter(|l| !l.met_in_full && l.target + l.committed > 0.0)
                    .map(|l| {
                        let needed = l.committed + l.target;
                        Shortfall {
                            product: l.name.clone(),
                            needed,
                            planned: l.net_output,
                            short: (needed - l.net_output).max(0.0),
                        }
                    })
                    .collect()
            })
            .unwrap_or_default();
        let queues = a
            .prices
            .as_ref()
            .map(|l| {
                l.demand
                    .iter()
                    .filter(|(_, d)| d.queued_requests > 0)
                    .map(|(p, d)| Queue {
                        product: p.clone(),
                        requests: d.queued_requests,
                        quantity: d.queued,
                        supply: l.prices.get(p).map_or(0.0, |x| x.supply),
                        sold: d.sold,
                    })
                    .collect()
            })
            .unwrap_or_default();
        AccountingReport {
            rates: a.rates,
            ballots: a.ballots.len(),
            totals: a.totals,
            accounts: a.accounts.len(),
            pending_reports: a.pending.len(),
            disputed_reports: a.disputed,
            working_week: working_week_report,
            consumption_gini: gini(&consumption),
            top_tenth_share: top_share(&consumption, 0.1),
            period: a.prices.as_ref().map(|l| l.period),
            unmet_in_plan,
            queues,
        }
    }

    /// Recomputes every balance from the accounts' lines and checks the accounting
    /// identities: each account's paid lines add up to its balance, `credits = hours −
    /// deductions` on every paid line, no balance below zero, and the accounts add up to the
    /// totals. `plenty audit verify` calls it after the replay. The sums are compared to a
    /// relative `1e-9` (floating-point addition in another order).
    pub fn check_balances(&self) -> Result<(), String> {
        let close = |x: f64, y: f64| (x - y).abs() <= 1e-9 * x.abs().max(y.abs()).max(1.0);
        let mut sum = Balance::default();
        for (name, acc) in &self.accounts.accounts {
            let mut b = Balance::default();
            for line in &acc.lines {
                match line {
                    StatementLine::Paid { report, pay, .. } => {
                        if pay.credits != pay.hours - pay.investment - pay.common_goods - pay.care {
                            return Err(format!(
                                "report {report}: credits are not hours less deductions"
                            ));
                        }
                        b.pay(pay);
                    }
                    StatementLine::Bought { cost, .. } => b.consumption += cost,
                    _ => {}
                }
            }
            let x = acc.balance;
            for (what, p, q) in [
                ("hours", b.hours, x.hours),
                ("credits", b.credits, x.credits),
                ("consumption", b.consumption, x.consumption),
                ("deductions", b.deductions(), x.deductions()),
            ] {
                if !close(p, q) {
                    return Err(format!("account {name}: its {what} add up to {p}, not {q}"));
                }
            }
            if x.available() < -1e-9 * x.credits.max(1.0) {
                return Err(format!("account {name} is overspent"));
            }
            sum.pay(&Pay {
                hours: b.hours,
                investment: b.investment,
                common_goods: b.common_goods,
                care: b.care,
                credits: b.credits,
            });
            sum.consumption += b.consumption;
        }
        let t = self.accounts.totals;
        if !close(sum.credits, t.credits)
            || !close(sum.hours, t.hours)
            || !close(sum.consumption, t.consumption)
            || !close(t.credits, t.hours - t.deductions())
        {
            return Err("the accounts do not add up to the totals".into());
        }
        Ok(())
    }
}
