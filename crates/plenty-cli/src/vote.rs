//! `plenty vote FILE.pb`: a participatory budgeting election from a pabulib file, decided by the
//! Method of Equal Shares or by utilitarian greedy, with the result as a table, optionally
//! round by round (`--explain`) or as JSON (`--json`). Exit code 2 for bad input.

use anyhow::{bail, Context, Result};
use clap::{Args, ValueEnum};
use plenty_core::vote::{
    approval_tally, greedy, mes_outcome, method_of_equal_shares, BigRational, CandidateStatus,
    Completion, Election, GreedyExplanation, MesExplanation, Satisfaction,
};
use plenty_io::pabulib::{format_decimal, parse_decimal, read_pabulib};
use serde_json::json;
use std::fmt::Write as _;
use std::io::Write as _;
use std::path::PathBuf;

/// Arguments of `plenty vote`.
#[derive(Debug, Args, Clone)]
pub struct VoteArgs {
    /// The election, a pabulib .pb file with approval ballots.
    pub file: PathBuf,
    /// The rule: Method of Equal Shares with cost satisfaction (the equalshares.net default) or
    /// cardinality satisfaction, or utilitarian greedy by approvals.
    #[arg(long, value_enum, default_value_t = RuleArg::Mes)]
    pub rule: RuleArg,
    /// How MES spends what it leaves: raise each member's share by --increment until the
    /// outcome is exhaustive; fill greedily; or both (increment, then greedy).
    #[arg(long, value_enum, default_value_t = CompletionArg::None)]
    pub completion: CompletionArg,
    /// The share increment of --completion increment (a decimal amount per member).
    #[arg(long, default_value = "1")]
    pub increment: String,
    /// Print every round: the candidates with their ρ or why they are unaffordable, the winner,
    /// and each supporter's payment.
    #[arg(long)]
    pub explain: bool,
    /// Print the result and its full explanation as JSON instead of tables.
    #[arg(long)]
    pub json: bool,
}

/// The rules of `plenty vote`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RuleArg {
    /// Method of Equal Shares, cost satisfaction.
    Mes,
    /// Method of Equal Shares, cardinality satisfaction.
    MesCardinality,
    /// Utilitarian greedy by approval count (cost satisfaction).
    Greedy,
}

/// The completions of `plenty vote`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CompletionArg {
    /// Plain MES.
    None,
    /// Raise every member's share by --increment until exhaustive (pabutools
    /// voter_budget_increment).
    Increment,
    /// Fill the leftover budget greedily.
    Greedy,
    /// Increment, then greedy.
    IncrementGreedy,
}

/// `plenty vote`.
pub fn vote(a: &VoteArgs) -> Result<()> {
    let pb = read_pabulib(&a.file)?;
    let e = &pb.election;
    let step = parse_decimal(&a.increment).map_err(|m| anyhow::anyhow!("--increment: {m}"))?;
    let completion = match a.completion {
        CompletionArg::None => Completion::None,
        CompletionArg::Increment => Completion::Increment { step },
        CompletionArg::Greedy => Completion::Greedy,
        CompletionArg::IncrementGreedy => Completion::IncrementThenGreedy { step },
    };
    let sat = match a.rule {
        RuleArg::Mes | RuleArg::Greedy => Satisfaction::Cost,
        RuleArg::MesCardinality => Satisfaction::Cardinality,
    };
    let rule_name = match a.rule {
        RuleArg::Mes => "Method of Equal Shares (cost satisfaction)",
        RuleArg::MesCardinality => "Method of Equal Shares (cardinality satisfaction)",
        RuleArg::Greedy => "utilitarian greedy (by approvals)",
    };
    let (selected, explanation) = match a.rule {
        RuleArg::Greedy => {
            if a.completion != CompletionArg::None {
                bail!("--completion applies to MES; greedy spends what it can by itself");
            }
            let g = greedy(e, sat).with_context(|| a.file.display().to_string())?;
            (g.selected, Explained::Greedy(g.explanation))
        }
        // The round-by-round explanation (every candidate's ρ, every payment) is computed
        // only when it is printed; the outcome alone comes from the fast engine, which decides
        // exactly the same.
        RuleArg::Mes | RuleArg::MesCardinality if a.explain || a.json => {
            let m = method_of_equal_shares(e, sat, &completion)
                .with_context(|| a.file.display().to_string())?;
            (m.selected, Explained::Mes(Box::new(m.explanation)))
        }
        RuleArg::Mes | RuleArg::MesCardinality => {
            let m =
                mes_outcome(e, sat, &completion).with_context(|| a.file.display().to_string())?;
            (m.selected, Explained::Share(m.share))
        }
    };
    let sha256 = plenty_io::hash::hash_file(&a.file)?.sha256;
    let mut out = String::new();
    if a.json {
        let explanation = match &explanation {
            Explained::Greedy(g) => serde_json::to_value(g)?,
            Explained::Mes(m) => serde_json::to_value(m)?,
            Explained::Share(_) => serde_json::Value::Null,
        };
        let value = json!({
            "provenance": {
                "plenty": env!("CARGO_PKG_VERSION"),
                "input": a.file.display().to_string(),
                "sha256": sha256,
            },
            "rule": a.rule.to_possible_value().map(|v| v.get_name().to_string()),
            "completion": a.completion.to_possible_value().map(|v| v.get_name().to_string()),
            "budget": e.budget.to_string(),
            "selected": e.ids_of(&selected),
            "total_cost": e.cost_of(&selected).to_string(),
            "explanation": explanation,
        });
        out = serde_json::to_string_pretty(&value)? + "\n";
    } else {
        render(
            &mut out,
            a,
            e,
            rule_name,
            &selected,
            &explanation,
            &pb.voter_ids,
            &sha256,
        )?;
    }
    std::io::stdout().lock().write_all(out.as_bytes())?;
    Ok(())
}

enum Explained {
    Greedy(GreedyExplanation),
    Mes(Box<MesExplanation>),
    /// MES without its explanation: the share of the run kept.
    Share(BigRational),
}

/// A rational for people: the exact decimal when there is one, else `n/d ≈ x`.
fn q(r: &BigRational) -> String {
    format_decimal(r).unwrap_or_else(|| {
        // Approximate for display only: numerator and denominator as floats.
        let f = |x: String| x.parse::<f64>().unwrap_or(f64::NAN);
        format!(
            "{r} ≈ {:.4}",
            f(r.numer().to_string()) / f(r.denom().to_string())
        )
    })
}

#[allow(clippy::too_many_arguments)]
fn render(
    out: &mut String,
    a: &VoteArgs,
    e: &Election,
    rule_name: &str,
    selected: &[usize],
    explanation: &Explained,
    voter_ids: &[String],
    sha256: &str,
) -> Result<()> {
    let tally = approval_tally(e)?;
    let mut approvals = vec![0u128; e.projects.len()];
    for row in &tally {
        approvals[row.project] = row.approvals;
    }
    let members = e.total_weight();
    writeln!(out, "# {} (sha256 {sha256})", a.file.display())?;
    writeln!(out, "rule: {rule_name}")?;
    let share = match explanation {
        Explained::Mes(m) => Some(&m.share),
        Explained::Share(s) => Some(s),
        Explained::Greedy(_) => None,
    };
    if let Some(share) = share {
        writeln!(
            out,
            "completion: {}; budget {}; {members} members; share {} each{}",
            a.completion
                .to_possible_value()
                .map_or_else(String::new, |v| v.get_name().to_string()),
            q(&e.budget),
            q(share),
            if share * BigRational::from_integer(members.into()) != e.budget && members > 0 {
                " (after increments)"
            } else {
                ""
            }
        )?;
    } else {
        writeln!(out, "budget {}; {members} members", q(&e.budget))?;
    }
    let total = e.cost_of(selected);
    writeln!(
        out,
        "\nfunded: {} projects, {} of {} ({} left)",
        selected.len(),
        q(&total),
        q(&e.budget),
        q(&(&e.budget - &total))
    )?;
    let table = |out: &mut String, list: &[usize]| -> std::fmt::Result {
        let w = list
            .iter()
            .map(|&p| e.projects[p].id.chars().count())
            .max()
            .unwrap_or(2)
            .max(2);
        writeln!(
            out,
            "  {:<w$}  {:>14}  {:>9}  name",
            "id", "cost", "approvals"
        )?;
        for &p in list {
            let pr = &e.projects[p];
            writeln!(
                out,
                "  {:<w$}  {:>14}  {:>9}  {}",
                pr.id,
                q(&pr.cost),
                approvals[p],
                pr.name
            )?;
        }
        Ok(())
    };
    table(out, selected)?;
    let not: Vec<usize> = tally
        .iter()
        .map(|r| r.project)
        .filter(|p| !selected.contains(p))
        .collect();
    if !not.is_empty() {
        writeln!(out, "\nnot funded:")?;
        table(out, &not)?;
    }
    if a.explain {
        writeln!(out)?;
        match explanation {
            Explained::Greedy(g) => explain_greedy(out, g)?,
            Explained::Mes(m) => explain_mes(out, m, voter_ids)?,
            Explained::Share(_) => {}
        }
    }
    Ok(())
}

fn explain_greedy(out: &mut String, g: &GreedyExplanation) -> std::fmt::Result {
    writeln!(
        out,
        "greedy, from {} left, in order of satisfaction per unit of cost:",
        q(&g.start)
    )?;
    for s in &g.steps {
        writeln!(
            out,
            "  {:<10} cost {:>12}  score {:>12}  {:<12}  ({} left)",
            s.id,
            q(&s.cost),
            q(&s.density),
            if s.selected {
                "funded    "
            } else {
                "does not fit"
            },
            q(&s.remaining)
        )?;
    }
    Ok(())
}

fn explain_mes(out: &mut String, m: &MesExplanation, voter_ids: &[String]) -> std::fmt::Result {
    for run in &m.increments {
        writeln!(
            out,
            "increment run: share {} → {:?}, cost {}{}{}{}",
            q(&run.share),
            run.selected,
            q(&run.cost),
            if run.feasible { "" } else { ", over budget" },
            if run.exhaustive { ", exhaustive" } else { "" },
            if run.repeats > 0 {
                format!(
                    "; the next {} shares give the same run (proved, not run)",
                    run.repeats
                )
            } else {
                String::new()
            }
        )?;
    }
    if !m.unsupported.is_empty() {
        writeln!(out, "nobody supports: {}", m.unsupported.join(", "))?;
    }
    writeln!(
        out,
        "ρ is the price per unit of satisfaction ({}): each supporter pays min(what they have, ρ · {}).",
        match m.satisfaction {
            Satisfaction::Cost => "cost satisfaction",
            Satisfaction::Cardinality => "cardinality satisfaction",
        },
        match m.satisfaction {
            Satisfaction::Cost => "cost",
            Satisfaction::Cardinality => "1",
        }
    )?;
    for r in &m.rounds {
        writeln!(
            out,
            "\nround {}: funded {} at ρ = {}",
            r.round,
            r.winner_id,
            q(&r.rho)
        )?;
        for c in &r.candidates {
            match &c.status {
                CandidateStatus::Affordable { rho, max_payment } => writeln!(
                    out,
                    "  {:<10} cost {:>12}  ρ = {}  (at most {} each)",
                    c.id,
                    q(&c.cost),
                    q(rho),
                    q(max_payment)
                )?,
                CandidateStatus::Unaffordable { available } => writeln!(
                    out,
                    "  {:<10} cost {:>12}  unaffordable: its supporters hold {}",
                    c.id,
                    q(&c.cost),
                    q(available)
                )?,
            }
        }
        let paid = r
            .payments
            .iter()
            .fold(BigRational::from_integer(0.into()), |acc, p| acc + &p.total);
        writeln!(out, "  payments (total {}):", q(&paid))?;
        for p in &r.payments {
            let voter = voter_ids.get(p.ballot).map_or("?", String::as_str);
            let times = if p.weight > 1 {
                format!(" × {} members", p.weight)
            } else {
                String::new()
            };
            writeln!(
                out,
                "    voter {voter}: {}{times}, {} left",
                q(&p.per_member),
                q(&p.remaining)
            )?;
        }
    }
    if m.rounds.is_empty() {
        writeln!(out, "no project was affordable to its supporters")?;
    }
    if let Some(g) = &m.greedy {
        writeln!(out)?;
        explain_greedy(out, g)?;
    }
    Ok(())
}
