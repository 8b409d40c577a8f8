//! The plan page in plain words (one period, or several years), and the page about how it
//! was computed, with the technical terms.

use super::chart::Bar;
use super::{bar_chart, capped_needs_html, esc, hours, layout, num, percent, Ctx, RoundQuery};
use crate::api::AppState;
use crate::auth::Signing;
use axum::extract::{Query, State};
use axum::response::Html;
use plenty_ledger::planning::PlanOutcome;
use plenty_ledger::Phase;
use plenty_ledger::PlanVerdict;
use std::collections::BTreeMap;
use std::fmt::Write;

/// What the plan page shows beside the recorded plan: units, the economy's hours per labour
/// type, the member's own needs and councils.
#[derive(Default, Clone)]
struct Extra {
    /// Unit of each resource (labour types are in hours).
    units: BTreeMap<String, String>,
    /// The economy's hours of each labour type in the period.
    labour: BTreeMap<String, f64>,
    /// The signed-in member's needs in the round: product, quantity, year.
    my_needs: Vec<(String, f64, Option<i64>)>,
    /// The member's councils.
    mine: Vec<u64>,
    /// The councils.
    councils: BTreeMap<u64, plenty_ledger::state::CouncilState>,
    /// The round's proposals' titles by number, as JSON (for the script's effect box).
    names_json: String,
    /// What to do next (for the latest round only).
    next: String,
}

/// Whether a plan is a plan that meets its targets (solved to optimality with λ > 0).
/// Whether the plan makes something of the targets (the ledger's verdict decides).
fn succeeded(p: &PlanOutcome) -> bool {
    matches!(
        p.verdict(),
        PlanVerdict::MeetsEveryNeed { .. } | PlanVerdict::MeetsPartOfTheTargets { .. }
    )
}

/// The unit of a limit: hours for labour, the economy's unit for a resource.
fn unit_of<'a>(x: &plenty_ledger::planning::LimitLine, extra: &'a Extra) -> &'a str {
    match x.kind {
        plenty_ledger::planning::LimitKind::Labour => "h",
        _ => extra.units.get(&x.name).map(String::as_str).unwrap_or(""),
    }
}

fn with_unit(x: f64, unit: &str) -> String {
    if unit.is_empty() {
        num(x)
    } else {
        format!("{} {}", num(x), unit)
    }
}

fn plan_body(
    cx: &Ctx,
    round: u64,
    inputs: &plenty_ledger::PlanInputs,
    p: &PlanOutcome,
    extra: &Extra,
) -> String {
    let mut b = String::new();
    let about = format!(
        "<a href=\"/plan/about?round={round}\">{}</a>",
        cx.t("about-heading")
    );
    let _ = write!(
        b,
        "<h1>{}</h1>",
        cx.tv("plan-heading", &[("number", &round.to_string())])
    );
    b.push_str(&plan_status(cx, p));
    b.push_str(&extra.next);
    let _ = write!(
        b,
        "<p class=muted>{}</p>",
        cx.lang.tvh("plan-about-link", &[], &[("link", &about)])
    );
    // The member's own needs.
    if !extra.my_needs.is_empty() {
        let _ = write!(b, "<h2>{}</h2><ul id=my-needs>", cx.t("plan-your-needs"));
        for (product, q, year) in &extra.my_needs {
            let line = p.products.iter().find(|x| &x.name == product);
            let unit = line.map(|x| x.unit.as_str()).unwrap_or("");
            let _ = write!(
                b,
                "<li>{} {}{}{}</li>",
                with_unit(*q, unit),
                esc(product),
                year.map(|y| format!(" ({y})")).unwrap_or_default(),
                match line {
                    Some(x) if x.met_in_full => format!(" — {}", cx.t("plan-need-met")),
                    Some(_) => format!(" — {}", cx.t("plan-need-not-met")),
                    None => String::new(),
                }
            );
        }
        b.push_str("</ul>");
    }
    // Hours: where they come from, how they are split, and the working week.
    let total: f64 = extra.labour.values().sum();
    let weeks = inputs.weeks_per_period;
    let members = inputs.members;
    let _ = write!(
        b,
        "<h2>{}</h2><p id=hours-available>{}</p><p id=hours-split>{}</p><p id=working-week>{}</p>",
        cx.t("plan-hours-heading"),
        cx.tv(
            "plan-hours-available",
            &[
                ("total", &hours(total)),
                (
                    "types",
                    &extra
                        .labour
                        .iter()
                        .map(|(k, v)| format!("{k} {}", hours(*v)))
                        .collect::<Vec<_>>()
                        .join(", "),
                ),
            ]
        ),
        cx.tv(
            "plan-hours-split",
            &[
                ("consumption", &percent(inputs.split.consumption)),
                ("investment", &percent(inputs.split.investment)),
                ("funds", &percent(inputs.split.common_funds)),
                ("projects", &hours(p.project_hours)),
                ("fund_hours", &hours(p.common_fund_hours)),
            ]
        ),
        cx.lang.tvh(
            "plan-working-week",
            &[
                ("production", &hours(p.plan_hours)),
                ("projects", &hours(p.project_hours)),
                ("funds", &hours(p.common_fund_hours)),
                ("members", &members.to_string()),
                ("weeks", &num(weeks)),
            ],
            &[(
                "week",
                &format!(
                    "<strong>{} hours per member per week</strong>",
                    num(p.working_week)
                )
            )]
        ),
    );
    b.push_str(&bar_chart(
        "plot-hours",
        &cx.t("plan-plot-hours"),
        &cx.t("plan-scale-hours"),
        &[
            (
                cx.t("plan-production"),
                vec![Bar {
                    value: p.plan_hours,
                    label: hours(p.plan_hours),
                }],
            ),
            (
                cx.t("plan-projects"),
                vec![Bar {
                    value: p.project_hours,
                    label: hours(p.project_hours),
                }],
            ),
            (
                cx.t("plan-funds"),
                vec![Bar {
                    value: p.common_fund_hours,
                    label: hours(p.common_fund_hours),
                }],
            ),
        ],
        &[&cx.t("plan-hours")],
    ));
    // What is produced: as a share of what is needed (products have different units).
    let _ = write!(b, "<h2>{}</h2>", cx.t("plan-produced-heading"));
    b.push_str(&bar_chart(
        "plot-products",
        &cx.t("plan-plot-products"),
        &cx.t("plan-scale-percent-needed"),
        &p.products
            .iter()
            .map(|x| share_bar(&x.name, x.net_output, x.committed + x.target, &x.unit))
            .collect::<Vec<_>>(),
        &[&cx.t("plan-produced")],
    ));
    // Worth in hours: a product's valuation over the valuation of an hour of the labour
    // that is scarcest (the largest valuation of an hour).
    let hour = p
        .limits
        .iter()
        .filter(|x| {
            matches!(x.kind, plenty_ledger::planning::LimitKind::Labour)
                && x.binds
                && x.valuation > 1e-9
        })
        .max_by(|a, b| a.valuation.total_cmp(&b.valuation));
    let at = b.len();
    let _ = write!(
        b,
        "<table id=products><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr>",
        cx.t("plan-product"),
        cx.t("plan-needed"),
        cx.t("plan-produced"),
        cx.t("plan-met"),
        match hour {
            Some(h) => cx.tv("plan-worth", &[("labour", &h.name)]),
            None => cx.t("plan-worth-none"),
        }
    );
    for x in &p.products {
        let _ = write!(
            b,
            "<tr><td>{}</td><td class=n>{}</td><td class=n>{}</td><td>{}</td><td class=n>{}</td></tr>",
            esc(&x.name),
            esc(&with_unit(x.committed + x.target, &x.unit)),
            esc(&with_unit(x.net_output, &x.unit)),
            if x.met_in_full { cx.t("yes") } else { cx.t("no") },
            match hour {
                Some(h) => hours(x.valuation / h.valuation),
                None => "—".into(),
            }
        );
    }
    b.push_str("</table>");
    super::scroll_since(&mut b, at, &cx.t("plan-product"));
    if hour.is_none() && succeeded(p) {
        let _ = write!(b, "<p id=hour-worth>{}</p>", cx.t("plan-labour-not-scarce"));
    }
    if let Some(h) = hour {
        let _ = write!(
            b,
            "<p id=hour-worth>{}</p>",
            cx.tv(
                "plan-hour-worth",
                &[
                    ("labour", &h.name),
                    (
                        "percent",
                        &super::fixed(h.valuation * 100.0 * 100.0, 3, true)
                    ),
                ]
            )
        );
    }
    let _ = write!(b, "<h2>{}</h2>", cx.t("plan-workplaces-heading"));
    b.push_str(&bar_chart(
        "plot-processes",
        &cx.t("plan-plot-processes"),
        &cx.t("plan-scale-runs"),
        &p.processes
            .iter()
            .map(|x| {
                (
                    x.name.clone(),
                    vec![Bar {
                        value: x.intensity,
                        label: format!("{} {}", num(x.intensity), cx.t("plan-runs")),
                    }],
                )
            })
            .collect::<Vec<_>>(),
        &[&cx.t("plan-runs")],
    ));
    // Each workplace council's processes, then the processes no council has taken on.
    let process_row = |x: &plenty_ledger::planning::ProcessLine| {
        let list = |m: &BTreeMap<String, f64>, unit: &dyn Fn(&str) -> String| {
            m.iter()
                .map(|(k, v)| format!("{} {}", esc(&with_unit(*v, &unit(k))), esc(k)))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let product_unit = |k: &str| {
            p.products
                .iter()
                .find(|x| x.name == k)
                .map(|x| x.unit.clone())
                .unwrap_or_default()
        };
        format!(
            "<tr><td>{}</td><td class=n>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            esc(&x.name),
            num(x.intensity),
            list(&x.makes, &product_unit),
            list(&x.hours, &|_| "h".to_string()),
            match x.capacity {
                Some(c) if x.at_capacity => format!(
                    "{} {} ({})",
                    num(c),
                    cx.t("plan-runs"),
                    cx.t("plan-at-capacity")
                ),
                Some(c) => format!("{} {}", num(c), cx.t("plan-runs")),
                None => "—".into(),
            }
        )
    };
    let head = format!(
        "<tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr>",
        cx.t("plan-process"),
        cx.t("plan-runs"),
        cx.t("plan-makes"),
        cx.t("plan-hours"),
        cx.t("plan-capacity")
    );
    let mut taken = std::collections::BTreeSet::new();
    for (k, council) in &extra.councils {
        if council.processes.is_empty() {
            continue;
        }
        let rows: Vec<_> = p
            .processes
            .iter()
            .filter(|x| council.processes.contains(&x.name))
            .collect();
        taken.extend(rows.iter().map(|x| x.name.clone()));
        let yours = extra.mine.contains(k);
        let at = b.len();
        let _ = write!(
            b,
            "<h3{}>{}{}</h3><table class=processes>{head}{}</table>",
            if yours { " id=your-workplace" } else { "" },
            esc(&council.name),
            if yours { " — your workplace" } else { "" },
            rows.iter().map(|x| process_row(x)).collect::<String>()
        );
        super::scroll_since(&mut b, at, &esc(&council.name));
    }
    let rest: Vec<_> = p
        .processes
        .iter()
        .filter(|x| !taken.contains(&x.name))
        .collect();
    if !rest.is_empty() {
        let at = b.len();
        let _ = write!(
            b,
            "<h3>{}</h3><table class=processes>{head}{}</table>",
            if taken.is_empty() {
                cx.t("plan-processes")
            } else {
                cx.t("plan-processes-untaken")
            },
            rest.iter().map(|x| process_row(x)).collect::<String>()
        );
        super::scroll_since(&mut b, at, &cx.t("plan-processes"));
    }
    let _ = write!(b, "<h2>{}</h2>", cx.t("plan-binds-heading"));
    // One unit on the axis: the share of what is available that the plan uses.
    b.push_str(&bar_chart(
        "plot-limits",
        &cx.t("plan-plot-limits"),
        &cx.t("plan-scale-percent-available"),
        &p.limits
            .iter()
            .filter_map(|x| Some(share_bar(&x.name, x.used, x.available?, unit_of(x, extra))))
            .collect::<Vec<_>>(),
        &[&cx.t("plan-used")],
    ));
    if p.binding.is_empty() {
        let _ = write!(b, "<p>{}</p>", cx.t("plan-nothing-binds"));
    } else {
        b.push_str("<ul id=binding>");
        for x in &p.binding {
            let _ = write!(b, "<li>{}</li>", esc(x));
        }
        b.push_str("</ul>");
    }
    let _ = write!(
        b,
        "<h2>{}</h2><div id=effect data-round={} data-names=\"{}\"><p class=muted>{}</p></div>",
        cx.t("plan-effect-heading"),
        round,
        esc(&extra.names_json),
        cx.t("plan-effect-sign-in")
    );
    b
}

/// A row of a chart of shares (what is produced of what is needed, what is used of what is
/// available): `part / whole` in percent, labelled with the share and both amounts. A share
/// of nothing is no number: no bar, and "—" for its percentage.
fn share_bar(name: &str, part: f64, whole: f64, unit: &str) -> (String, Vec<Bar>) {
    let share = if whole > 0.0 { part / whole } else { f64::NAN };
    (
        name.to_string(),
        vec![Bar {
            value: share * 100.0,
            label: format!(
                "{} ({} of {})",
                if share.is_finite() {
                    percent(share)
                } else {
                    "—".into()
                },
                with_unit(part, unit),
                with_unit(whole, unit)
            ),
        }],
    )
}

/// What binds a plan that falls short, in one paragraph (nothing if nothing binds).
fn what_binds(cx: &Ctx, p: &PlanOutcome, b: &mut String) {
    if !p.binding.is_empty() {
        let _ = write!(
            b,
            "<p>{} {}</p>",
            cx.t("plan-what-binds"),
            p.binding
                .iter()
                .map(|x| esc(x))
                .collect::<Vec<_>>()
                .join("; ")
        );
    }
}

/// The plan's result in plain words (`<p id=plan-status>`), from the ledger's verdict
/// ([`PlanVerdict`]): what it meets; a plan that meets the targets only in part says what
/// binds; otherwise, first, that the targets cannot be met, why, and what binds. A plan with
/// λ = 0 or without an optimal solve is never presented as a success.
pub fn plan_status(cx: &Ctx, p: &PlanOutcome) -> String {
    let mut b = String::new();
    let verdict = p.verdict();
    if let PlanVerdict::MeetsEveryNeed { lambda } = verdict {
        let _ = write!(
            b,
            "<p id=plan-status>{}</p>",
            cx.tv("plan-plain", &[("percent", &percent(lambda))])
        );
    } else if let PlanVerdict::MeetsPartOfTheTargets { lambda } = verdict {
        let _ = write!(
            b,
            "<p id=plan-status>{}</p>",
            cx.tv("plan-part", &[("percent", &percent(lambda))])
        );
        what_binds(cx, p, &mut b);
    } else {
        let _ = write!(
            b,
            "<p id=plan-status class=err><strong>{}</strong> {}</p>",
            cx.t("plan-cannot"),
            p.explanation.as_deref().map(esc).unwrap_or_default()
        );
        what_binds(cx, p, &mut b);
    }
    b
}

/// An SVG made to scale with its container: `width=100%`, no fixed height, its `viewBox`
/// kept (added from the fixed size if missing).
fn scalable(svg: &str) -> String {
    let Some(end) = svg.find('>') else {
        return svg.to_string();
    };
    let (tag, rest) = svg.split_at(end);
    let attr = |name: &str| {
        let k = tag.find(&format!(" {name}=\""))? + name.len() + 3;
        let v = &tag[k..];
        Some(v[..v.find('"')?].to_string())
    };
    let (w, h) = (attr("width"), attr("height"));
    let mut t = tag.to_string();
    for (name, v) in [("width", &w), ("height", &h)] {
        if let Some(v) = v {
            t = t.replacen(&format!(" {name}=\"{v}\""), "", 1);
        }
    }
    if !t.contains("viewBox") {
        if let (Some(w), Some(h)) = (&w, &h) {
            t.push_str(&format!(" viewBox=\"0 0 {w} {h}\""));
        }
    }
    t.push_str(" width=\"100%\" preserveAspectRatio=\"xMinYMin meet\"");
    format!("{t}{rest}")
}

/// An optional share, as a percentage.
fn opt(x: Option<f64>) -> String {
    x.map_or("—".into(), percent)
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
            "Targets made, on top of committed needs (% of the year's targets)",
            "% of the targets",
            series("plan", &|l| Some(l.lambda * 100.0)),
        ),
        chart(
            "Consumption (% of the first year's targets)",
            "% of the first year",
            series("plan", &|l| l.consumption_index.map(|x| x * 100.0)),
        ),
        chart(
            "Share of final output invested (%)",
            "% invested",
            series("plan", &|l| l.share_invested.map(|x| x * 100.0)),
        ),
        chart(
            "Capital stock (% of the stock at the start)",
            "% of the start",
            series("plan", &|l| l.capital_index.map(|x| x * 100.0)),
        ),
    ];
    match plenty_plot::svg_panels(&charts) {
        // Inline: from the <svg> element on (no XML declaration inside HTML).
        Ok(svg) => match svg.find("<svg") {
            Some(k) => format!("<figure id=plot-years>{}</figure>", scalable(&svg[k..])),
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
fn years_body(cx: &Ctx, round: u64, p: &plenty_ledger::RecordedPlan, names_json: &str) -> String {
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
        "<h1>{} {span}</h1><p id=plan-status>{}</p><p class=muted>{}</p>",
        cx.tv("plan-heading", &[("number", &round.to_string())]),
        if o.status.0.is_optimal() && y.total_lambda > 0.0 {
            cx.tv(
                "plan-years-plain",
                &[
                    ("years", &y.years.len().to_string()),
                    (
                        "percent",
                        &percent(y.total_lambda / (y.years.len().max(1) as f64)),
                    ),
                    ("rate", &percent(y.discount_rate)),
                ],
            )
        } else {
            format!("<strong class=err>{}</strong>", cx.t("plan-cannot"))
        },
        cx.lang.tvh(
            "plan-about-link",
            &[],
            &[(
                "link",
                &format!(
                    "<a href=\"/plan/about?round={round}\">{}</a>",
                    cx.t("about-heading")
                )
            )]
        ),
    );
    if let Some(x) = &o.explanation {
        let _ = write!(b, "<p class=err>{}</p>", esc(x));
    }
    let at = b.len();
    b.push_str("<h2>The years side by side</h2><table id=years><tr><th>year</th><th>targets made</th><th>consumption (first year = 100 %)</th><th>share invested</th><th>capital (start = 100 %)</th><th>hours used</th><th>hours for the plan</th><th>working week, per member</th><th>what binds</th></tr>");
    for l in &y.years {
        let _ = write!(
            b,
            "<tr><td>{}</td><td class=n>{}</td><td class=n>{}</td><td class=n>{}</td><td class=n>{}</td><td class=n>{}</td><td class=n>{}</td><td class=n>{}</td><td>{}</td></tr>",
            l.year,
            percent(l.lambda),
            opt(l.consumption_index),
            opt(l.share_invested),
            opt(l.capital_index),
            hours(l.labour_used),
            hours(l.labour_available),
            hours(l.working_week),
            if l.binding.is_empty() {
                "nothing".to_string()
            } else {
                l.binding.iter().map(|x| esc(x)).collect::<Vec<_>>().join("; ")
            }
        );
    }
    b.push_str("</table>");
    super::scroll_since(&mut b, at, "The years side by side");
    b.push_str("<p class=muted>Targets made: how much of the year's targets is consumed on top of committed needs. Consumption: as a share of the first year's targets, averaged over the goods. Share invested: investment's share of final output, valued in labour hours. Capital: the stock as a share of the stock at the start. Working week: (hours of the plan + common projects + common funds) ÷ members ÷ weeks.</p>");
    b.push_str(&years_plots(y));
    // The goods, year by year.
    let at = b.len();
    b.push_str("<h2>The goods, year by year</h2><table id=goods><tr><th>good</th><th>what</th>");
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
    super::scroll_since(&mut b, at, "The goods, year by year");
    if !y.shortfalls.is_empty() {
        b.push_str("<h2>What falls short</h2><ul id=shortfalls>");
        for x in &y.shortfalls {
            let _ = write!(b, "<li>{}</li>", esc(x));
        }
        b.push_str("</ul>");
    }
    let _ = write!(
        b,
        "<h2>What your ballot changed</h2><div id=effect data-round={} data-names=\"{}\"><p class=muted>Sign in to see what your ballot changed: the plan with your ballot against the plan without it, year by year.</p></div>",
        round,
        esc(names_json)
    );
    b
}

/// `GET /plan`, `GET /plan?round=N`.
pub async fn plan(
    State(st): State<AppState>,
    cx: Ctx,
    Query(q): Query<RoundQuery>,
) -> Html<String> {
    let job = |id: u64| st.plan_job(id);
    // A recorded plan is taken out under the lock (shared, not copied) and drawn after it.
    let mut recorded = None;
    let body = st.log.read(|c| {
        let l = &c.ledger;
        let r = match q.round {
            Some(id) => l.rounds.get(&id),
            None => l.latest_round(),
        };
        match r {
            None => format!(
                "<h1>{}</h1>{}",
                cx.t("round-none-yet"),
                super::home::next_step(&cx, l, None, false)
            ),
            Some(r) => {
                let job = job(r.id);
                let heading = cx.tv("plan-heading", &[("number", &r.id.to_string())]);
                match &r.plan {
                    // Drawn once durable, as the API reports it.
                    Some(p) if crate::api::PlanJob::shows_recorded_plan(job.as_ref()) => {
                        let mut extra = Extra {
                            councils: l.councils.clone(),
                            names_json: serde_json::to_string(
                                &r.proposals
                                    .iter()
                                    .map(|(k, p)| (k.to_string(), p.title.as_str()))
                                    .collect::<BTreeMap<_, _>>(),
                            )
                            .unwrap_or_default(),
                            ..Extra::default()
                        };
                        if l.latest_round().map(|x| x.id) == Some(r.id) {
                            extra.next = super::home::next_step(
                                &cx,
                                l,
                                Some(r),
                                super::home::has_voted(&st, &cx, r),
                            );
                        }
                        if let Some(me) = &cx.who.0 {
                            extra.mine = l
                                .members
                                .get(&me.member)
                                .map(|m| m.councils.clone())
                                .unwrap_or_default();
                            let by = st.pseudonym(Signing::Need, r.id, me.member);
                            extra.my_needs = r
                                .needs
                                .iter()
                                .filter(|n| n.by == by)
                                .map(|n| (n.product.clone(), n.quantity, n.year))
                                .collect();
                        }
                        if let Some(e) = &l.economy {
                            extra.labour = e
                                .parsed
                                .labour_types()
                                .iter()
                                .map(|t| (t.name.clone(), t.hours))
                                .collect();
                            extra.units = e
                                .parsed
                                .resources()
                                .iter()
                                .map(|x| (x.name.clone(), x.unit.clone().unwrap_or_default()))
                                .collect();
                        }
                        recorded = Some((r.id, p.clone(), extra));
                        l.counted_needs(r)
                            .map(|n| capped_needs_html(&n.capped))
                            .unwrap_or_default()
                    }
                    _ if r.phase >= Phase::Plan => match job {
                        Some(crate::api::PlanJob::Failed { message }) => format!(
                            "<h1>{heading}</h1><p class=err id=plan-status>{}</p>",
                            cx.tv("plan-failed", &[("why", &message)])
                        ),
                        _ => format!(
                            "<h1>{heading}</h1><p id=plan-status data-computing=1>{}</p>",
                            cx.t("plan-computing")
                        ),
                    },
                    _ => format!(
                        "<h1>{heading}</h1><p id=plan-status>{}</p>{}",
                        cx.lang.tvh(
                            "plan-later",
                            &[],
                            &[("phase", &cx.t(&format!("phase-{}", r.phase.name())))]
                        ),
                        super::home::next_step(
                            &cx,
                            l,
                            Some(r),
                            super::home::has_voted(&st, &cx, r)
                        )
                    ),
                }
            }
        }
    });
    let body = match recorded {
        Some((round, p, extra)) if p.years.is_some() => {
            years_body(&cx, round, &p, &extra.names_json) + &body
        }
        Some((round, p, extra)) => plan_body(&cx, round, &p.inputs, &p.outcome, &extra) + &body,
        None => body,
    };
    layout(&cx, &cx.t("nav-plan"), &body)
}

/// `GET /plan/about?round=N`: how the plan was computed, in the technical terms.
pub async fn plan_about(
    State(st): State<AppState>,
    cx: Ctx,
    Query(q): Query<RoundQuery>,
) -> Html<String> {
    let found = st.log.read(|c| {
        let r = match q.round {
            Some(id) => c.ledger.rounds.get(&id),
            None => c.ledger.latest_round(),
        };
        r.and_then(|r| r.plan.clone().map(|p| (r.id, p)))
    });
    let title = cx.t("about-heading");
    let mut b = format!("<h1>{title}</h1>");
    match found {
        None => {
            let _ = write!(
                b,
                "<p>{} <a href=/plan>{}</a></p>",
                cx.t("about-no-plan"),
                cx.t("nav-plan")
            );
        }
        Some((round, p)) => {
            let o = &p.outcome;
            let i = &p.inputs;
            let started = i
                .warm_start
                .as_ref()
                .map(|w| format!(", started from the plan of round {}", w.round))
                .unwrap_or_default();
            let _ = write!(
                b,
                "<p><a href=\"/plan?round={round}\">{}</a></p>\
                 <dl id=about-terms>\
                 <dt>Status and method</dt><dd><strong>{}</strong> ({}): the linear programme was solved {}.</dd>\
                 <dt>Plan fulfilment λ</dt><dd>λ = {}: the plan makes λ times the target assortment on top of committed needs (the plain words on the plan page give it as a percentage).</dd>\
                 <dt>Valuations (shadow prices)</dt><dd>The valuation of a product or of a limit is what one more unit would add to λ. The plan page divides a product's valuation by that of an hour of the scarcest labour, to give its worth in hours.</dd>\
                 <dt>Certificate</dt><dd>Primal residual {:.1e}, dual residual {:.1e}, relative gap {:.1e}; {} iterations{}. Small residuals and gap certify the plan is optimal to the tolerance {}.</dd>\
                 <dt>Inputs</dt><dd>Economy file <code>{}</code>; split [{}, {}, {}]; {} members; {} weeks per period; code version {}.</dd>\
                 </dl><p>Anyone can recompute this plan from the log: see <a href=/audit>{}</a>.</p>",
                cx.t("about-back"),
                esc(&o.status.to_string()),
                esc(&o.method),
                if o.status.0.is_optimal() { "to optimality" } else { "without reaching an optimal plan" },
                num(o.lambda),
                o.certificate.primal_residual,
                o.certificate.dual_residual,
                o.certificate.relative_gap,
                o.iterations,
                started,
                i.tolerance,
                esc(&i.economy_sha256),
                i.split.consumption,
                i.split.investment,
                i.split.common_funds,
                i.members,
                num(i.weeks_per_period),
                esc(&i.code_version),
                cx.t("nav-audit"),
            );
            if let Some(y) = &p.years {
                let y = &y.result;
                let _ = write!(
                    b,
                    "<p>Multi-year: Σλ = {} over {} years; the plan maximises λ discounted at {} a year, Σ_t λ_t / (1 + r)^(t−1) = {}.</p>",
                    num(y.total_lambda),
                    y.years.len(),
                    y.discount_rate,
                    num(y.objective_value)
                );
            }
        }
    }
    layout(&cx, &title, &b)
}
