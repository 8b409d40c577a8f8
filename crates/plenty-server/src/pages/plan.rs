//! The plan page: one period, or several years.

use super::{bar_chart, capped_needs_html, esc, layout, num, RoundQuery};
use crate::api::{AppState, MaybeCaller};
use axum::extract::{Query, State};
use axum::response::Html;
use plenty_ledger::planning::PlanOutcome;
use plenty_ledger::Phase;
use std::fmt::Write;

fn plan_body(
    round: u64,
    inputs: &plenty_ledger::PlanInputs,
    p: &PlanOutcome,
    councils: &std::collections::BTreeMap<u64, plenty_ledger::state::CouncilState>,
    mine: &[u64],
) -> String {
    let mut b = String::new();
    let _ = write!(
        b,
        "<h1>The plan of round {}</h1><p id=plan-status>Status: <strong>{}</strong> ({}). Plan fulfilment λ = <strong>{}</strong>: the plan makes {} times the target assortment on top of committed needs.</p>",
        round,
        esc(&p.status.to_string()),
        esc(&p.method),
        num(p.lambda),
        num(p.lambda)
    );
    if let Some(x) = &p.explanation {
        let _ = write!(b, "<p class=err>{}</p>", esc(x));
    }
    let _ = write!(
        b,
        "<h2>Hours and the working week</h2><p id=working-week>The plan needs <strong>{} hours per member per week</strong>: {} hours of production, {} for common projects and {} for common funds.</p>",
        num(p.working_week),
        num(p.plan_hours),
        num(p.project_hours),
        num(p.common_fund_hours)
    );
    b.push_str(&bar_chart(
        "plot-hours",
        "Hours of the plan period",
        &[
            ("production".into(), vec![p.plan_hours]),
            ("common projects".into(), vec![p.project_hours]),
            ("common funds".into(), vec![p.common_fund_hours]),
        ],
        &["hours"],
    ));
    b.push_str("<h2>What is produced</h2>");
    b.push_str(&bar_chart(
        "plot-products",
        "Needs (committed + target) against net output",
        &p.products
            .iter()
            .map(|x| (x.name.clone(), vec![x.committed + x.target, x.net_output]))
            .collect::<Vec<_>>(),
        &["needed", "produced (net)"],
    ));
    b.push_str("<table id=products><tr><th>product</th><th>unit</th><th>needed</th><th>net output</th><th>met in full</th><th>valuation</th></tr>");
    for x in &p.products {
        let _ = write!(
            b,
            "<tr><td>{}</td><td>{}</td><td class=n>{}</td><td class=n>{}</td><td>{}</td><td class=n>{}</td></tr>",
            esc(&x.name),
            esc(&x.unit),
            num(x.committed + x.target),
            num(x.net_output),
            if x.met_in_full { "yes" } else { "no" },
            num(x.valuation)
        );
    }
    b.push_str("</table><h2>What each workplace is asked to do</h2>");
    b.push_str(&bar_chart(
        "plot-processes",
        "Intensity of each process (runs)",
        &p.processes
            .iter()
            .map(|x| (x.name.clone(), vec![x.intensity]))
            .collect::<Vec<_>>(),
        &["runs"],
    ));
    // Each workplace council's processes, then the processes no council has taken on.
    let process_row = |x: &plenty_ledger::planning::ProcessLine| {
        let list = |m: &std::collections::BTreeMap<String, f64>| {
            m.iter()
                .map(|(k, v)| format!("{} {}", num(*v), esc(k)))
                .collect::<Vec<_>>()
                .join(", ")
        };
        format!(
            "<tr><td>{}</td><td class=n>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            esc(&x.name),
            num(x.intensity),
            list(&x.makes),
            list(&x.hours),
            match x.capacity {
                Some(c) if x.at_capacity => format!("{} (at capacity)", num(c)),
                Some(c) => num(c),
                None => "—".into(),
            }
        )
    };
    const HEAD: &str =
        "<tr><th>process</th><th>runs</th><th>makes</th><th>hours</th><th>capacity</th></tr>";
    let mut taken = std::collections::BTreeSet::new();
    for (k, council) in councils {
        if council.processes.is_empty() {
            continue;
        }
        let rows: Vec<_> = p
            .processes
            .iter()
            .filter(|x| council.processes.contains(&x.name))
            .collect();
        taken.extend(rows.iter().map(|x| x.name.clone()));
        let yours = mine.contains(k);
        let _ = write!(
            b,
            "<h3{}>{}{}</h3><table class=processes>{HEAD}{}</table>",
            if yours { " id=your-workplace" } else { "" },
            esc(&council.name),
            if yours { " — your workplace" } else { "" },
            rows.iter().map(|x| process_row(x)).collect::<String>()
        );
    }
    let rest: Vec<_> = p
        .processes
        .iter()
        .filter(|x| !taken.contains(&x.name))
        .collect();
    if !rest.is_empty() {
        let _ = write!(
            b,
            "<h3>{}</h3><table class=processes>{HEAD}{}",
            if taken.is_empty() {
                "Processes"
            } else {
                "Processes no council has taken on"
            },
            rest.iter().map(|x| process_row(x)).collect::<String>()
        );
    } else {
        b.push_str("<table>");
    }
    b.push_str("</table><h2>What binds</h2>");
    b.push_str(&bar_chart(
        "plot-limits",
        "Labour and resources: available against used",
        &p.limits
            .iter()
            .filter_map(|x| x.available.map(|a| (x.name.clone(), vec![a, x.used])))
            .collect::<Vec<_>>(),
        &["available", "used"],
    ));
    if p.binding.is_empty() {
        b.push_str("<p>Nothing binds.</p>");
    } else {
        b.push_str("<ul id=binding>");
        for x in &p.binding {
            let _ = write!(b, "<li>{}</li>", esc(x));
        }
        b.push_str("</ul>");
    }
    // Say where the solve started: a start from the last round's plan explains few iterations.
    let started = inputs
        .warm_start
        .as_ref()
        .map(|w| format!(", started from the plan of round {}", w.round))
        .unwrap_or_default();
    let _ = write!(
        b,
        "<h2>What your votes changed</h2><div id=effect data-round={}><p class=muted>Sign in to see what your ballot changed.</p></div><p class=muted>Certificate: primal residual {:.1e}, dual residual {:.1e}, gap {:.1e}; {} iterations{}.</p>",
        round, p.certificate.primal_residual, p.certificate.dual_residual, p.certificate.relative_gap, p.iterations, started
    );
    b
}

fn opt(x: Option<f64>) -> String {
    x.map_or("—".into(), num)
}

/// The plots of a multi-year plan (λ, consumption, investment, capital by year), as inline
/// SVG drawn by plenty-plot.
fn years_plots(y: &plenty_ledger::YearsOutcome) -> String {
    let Ok(first_year) = i32::try_from(y.first_year) else {
        return String::new();
    };
    let series = |name: &str, f: &dyn Fn(&plenty_ledger::planning::YearLine) -> Option<f64>| {
        vec![plenty_plot::Series {
            name: name.into(),
            values: y.years.iter().map(|l| f(l).unwrap_or(f64::NAN)).collect(),
        }]
    };
    let chart = |title: &str, y_label: &str, series| plenty_plot::Chart {
        title: title.into(),
        y_label: y_label.into(),
        first_year,
        series,
    };
    let charts = [
        chart(
            "Plan fulfilment λ",
            "λ",
            series("plan", &|l| Some(l.lambda)),
        ),
        chart(
            "Consumption (share of the first year's targets)",
            "consumption index",
            series("plan", &|l| l.consumption_index),
        ),
        chart(
            "Share of final output invested",
            "share invested",
            series("plan", &|l| l.share_invested),
        ),
        chart(
            "Capital stock (share of the stock at the start)",
            "capital index",
            series("plan", &|l| l.capital_index),
        ),
    ];
    match plenty_plot::svg_panels(&charts) {
        // Inline: from the <svg> element on (no XML declaration inside HTML).
        Ok(svg) => match svg.find("<svg") {
            Some(k) => format!("<figure id=plot-years>{}</figure>", &svg[k..]),
            None => String::new(),
        },
        Err(e) => format!(
            "<p class=muted>The plots could not be drawn: {}</p>",
            esc(&e.to_string())
        ),
    }
}

/// The plan page of a multi-year round: the years side by side, the plots, the goods year by
/// year, and what the member's ballot changed over the years.
fn years_body(round: u64, p: &plenty_ledger::RecordedPlan) -> String {
    let mut b = String::new();
    let Some(years) = &p.years else {
        return b;
    };
    let y = &years.result;
    let o = &p.outcome;
    let span = match (y.years.first(), y.years.last()) {
        (Some(a), Some(z)) if a.year != z.year => format!("{} to {}", a.year, z.year),
        (Some(a), _) => a.year.to_string(),
        _ => String::new(),
    };
    let _ = write!(
        b,
        "<h1>The plan of round {round}: {span}</h1><p id=plan-status>Status: <strong>{}</strong> ({}). Σλ = <strong>{}</strong> over {} years; the plan maximises λ discounted at <strong>{}</strong> a year (the rate of the count), Σ_t λ_t / (1 + r)^(t−1) = {}.</p>",
        esc(&o.status.to_string()),
        esc(&o.method),
        num(y.total_lambda),
        y.years.len(),
        y.discount_rate,
        num(y.objective_value)
    );
    if let Some(x) = &o.explanation {
        let _ = write!(b, "<p class=err>{}</p>", esc(x));
    }
    b.push_str("<h2>The years side by side</h2><table id=years><tr><th>year</th><th>λ</th><th>consumption index</th><th>share invested</th><th>capital index</th><th>hours used</th><th>hours for the plan</th><th>working week</th><th>what binds</th></tr>");
    for l in &y.years {
        let _ = write!(
            b,
            "<tr><td>{}</td><td class=n>{}</td><td class=n>{}</td><td class=n>{}</td><td class=n>{}</td><td class=n>{}</td><td class=n>{}</td><td class=n>{}</td><td>{}</td></tr>",
            l.year,
            num(l.lambda),
            opt(l.consumption_index),
            opt(l.share_invested),
            opt(l.capital_index),
            num(l.labour_used),
            num(l.labour_available),
            num(l.working_week),
            if l.binding.is_empty() {
                "nothing".to_string()
            } else {
                l.binding.iter().map(|x| esc(x)).collect::<Vec<_>>().join("; ")
            }
        );
    }
    b.push_str("</table><p class=muted>λ: bundles of the year's targets consumed on top of committed needs. Consumption index: consumption as a share of the first year's targets, averaged over the goods. Share invested: investment's share of final output, valued in labour hours. Working week: (hours of the plan + common projects + common funds) / (members × weeks).</p>");
    b.push_str(&years_plots(y));
    // The goods, year by year.
    b.push_str("<h2>The goods, year by year</h2><table id=goods><tr><th>good</th><th></th>");
    for l in &y.years {
        let _ = write!(b, "<th>{}</th>", l.year);
    }
    b.push_str("</tr>");
    for g in &y.goods {
        let rows: [(&str, &Vec<f64>); 4] = [
            ("target", &g.target),
            ("consumed", &g.consumption),
            ("produced", &g.output),
            ("invested", &g.investment),
        ];
        for (k, (what, values)) in rows.iter().enumerate() {
            let name = if k == 0 {
                format!(
                    "{}{}",
                    esc(&g.name),
                    if g.unit.is_empty() {
                        String::new()
                    } else {
                        format!(" ({})", esc(&g.unit))
                    }
                )
            } else {
                String::new()
            };
            let _ = write!(b, "<tr><td>{name}</td><td>{what}</td>");
            for v in values.iter() {
                let _ = write!(b, "<td class=n>{}</td>", num(*v));
            }
            b.push_str("</tr>");
        }
    }
    b.push_str("</table>");
    if !y.shortfalls.is_empty() {
        b.push_str("<h2>What falls short</h2><ul id=shortfalls>");
        for x in &y.shortfalls {
            let _ = write!(b, "<li>{}</li>", esc(x));
        }
        b.push_str("</ul>");
    }
    let _ = write!(
        b,
        "<h2>What your ballot changed</h2><div id=effect data-round={}><p class=muted>Sign in to see what your ballot changed: the plan with your ballot against the plan without it, year by year.</p></div><p class=muted>Certificate: primal residual {:.1e}, dual residual {:.1e}, gap {:.1e}; {} iterations.</p>",
        round, o.certificate.primal_residual, o.certificate.dual_residual, o.certificate.relative_gap, o.iterations
    );
    b
}

/// `GET /plan`.
pub async fn plan(
    State(st): State<AppState>,
    who: MaybeCaller,
    Query(q): Query<RoundQuery>,
) -> Html<String> {
    let job = |id: u64| st.plan_job(id);
    // A recorded plan is taken out under the lock (shared, not copied) and drawn after it.
    let mut recorded = None;
    let body = st.log.read(|c| {
        let r = match q.round {
            Some(id) => c.ledger.rounds.get(&id),
            None => c.ledger.latest_round(),
        };
        match r {
            None => "<h1>No round yet</h1>".to_string(),
            Some(r) => {
                let job = job(r.id);
                match &r.plan {
                    // Drawn once durable, as the API reports it.
                    Some(p) if crate::api::PlanJob::shows_recorded_plan(job.as_ref()) => {
                        let mine = who
                            .0
                            .as_ref()
                            .and_then(|me| c.ledger.members.get(&me.member))
                            .map(|m| m.councils.clone())
                            .unwrap_or_default();
                        recorded = Some((r.id, p.clone(), c.ledger.councils.clone(), mine));
                        c.ledger
                            .counted_needs(r)
                            .map(|n| capped_needs_html(&n.capped))
                            .unwrap_or_default()
                    }
                    _ if r.phase >= Phase::Plan => match job {
                        Some(crate::api::PlanJob::Failed { message }) => format!(
                            "<h1>The plan of round {}</h1><p class=err id=plan-status>The plan could not be computed: {}</p>",
                            r.id,
                            esc(&message)
                        ),
                        _ => format!(
                            "<h1>The plan of round {}</h1><p id=plan-status data-computing=1>The plan is being computed… this page refreshes itself.</p>",
                            r.id
                        ),
                    },
                    _ => format!(
                        "<h1>The plan of round {}</h1><p id=plan-status>The plan is computed when voting closes (the round is in its {} phase).</p>",
                        r.id,
                        r.phase.name()
                    ),
                }
            }
        }
    });
    let body = match recorded {
        Some((round, p, _, _)) if p.years.is_some() => years_body(round, &p) + &body,
        Some((round, p, councils, mine)) => {
            plan_body(round, &p.inputs, &p.outcome, &councils, &mine) + &body
        }
        None => body,
    };
    layout("Plan", &who, &body)
}
