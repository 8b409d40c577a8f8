//! Issue #15: pages members can use without a facilitator explaining them — the round by
//! round in words, scalable charts, a ballot answered question by question, the plan in plain
//! words, the pages members expect (404, past rounds, members), and translations.

use crate::support::*;
use plenty_server::api::Settings;
use reqwest::StatusCode;
use serde_json::json;

/// A page's status and HTML, with extra request headers.
async fn page(c: &Client, path: &str, headers: &[(&str, &str)]) -> (StatusCode, String) {
    let mut r = c.http.get(format!("{}{path}", c.base));
    if let Some(k) = &c.cookie {
        r = r.header("cookie", k);
    }
    for (k, v) in headers {
        r = r.header(*k, *v);
    }
    let r = r.send().await.unwrap();
    let s = r.status();
    (s, r.text().await.unwrap())
}

async fn html(c: &Client, path: &str) -> String {
    let (st, body) = page(c, path, &[]).await;
    assert_eq!(st, StatusCode::OK, "{path}: {body}");
    body
}

/// No float noise: no `-0.000`, no `1.2000000000000002`, no exponents such as `1e-9`.
fn assert_no_float_noise(path: &str, body: &str) {
    // The page, not its style sheet (colours such as #e3e5ea).
    let body = body.split("<body>").nth(1).unwrap_or(body);
    assert!(
        !body.contains("-0.000") && !body.contains("−0.000"),
        "{path}: negative zero"
    );
    let b = body.as_bytes();
    for k in 1..b.len().saturating_sub(2) {
        let exp = b[k - 1].is_ascii_digit()
            && (b[k] == b'e' || b[k] == b'E')
            && (b[k + 1] == b'-' || b[k + 1] == b'+' || b[k + 1].is_ascii_digit());
        assert!(
            !exp,
            "{path}: an exponent at {}",
            &body[k.saturating_sub(20)..(k + 20).min(body.len())]
        );
    }
    assert!(!body.contains("0000000000"), "{path}: float noise");
}

/// Every SVG scales: a viewBox, `width="100%"`, no fixed pixel width.
fn assert_svgs_scale(path: &str, body: &str) {
    let mut n = 0;
    for (k, _) in body.match_indices("<svg") {
        let tag = &body[k..k + body[k..].find('>').unwrap()];
        assert!(tag.contains("viewBox"), "{path}: {tag}");
        assert!(tag.contains("width=\"100%\""), "{path}: {tag}");
        assert_eq!(tag.matches("width=").count(), 1, "{path}: {tag}");
        n += 1;
    }
    assert!(n > 0, "{path}: no SVG");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn issue_15_unknown_paths_get_a_real_404_page() {
    let s = start(&sqlite_url(), Settings::default(), true).await;
    let anon = Client::anonymous(&s.base);
    let (st, body) = page(&anon, "/nonexistent", &[]).await;
    assert_eq!(st, StatusCode::NOT_FOUND);
    assert!(body.contains("<nav"), "{body}");
    assert!(body.contains("Page not found"));
    assert!(body.contains("href=/round") && body.contains("href=/rounds"));
    assert!(body.contains("/nonexistent"));
    // Escaped, whatever the path.
    let (st, body) = page(&anon, "/%3Cscript%3E", &[]).await;
    assert_eq!(st, StatusCode::NOT_FOUND);
    assert!(!body.contains("<script>"), "{body}");
    // The API's unknown paths answer in JSON.
    let (st, j) = anon.get("/api/v1/no-such-thing").await;
    assert_eq!(st, StatusCode::NOT_FOUND);
    assert_eq!(j["error"], "not_found", "{j}");
    // In French too.
    let (st, body) = page(&anon, "/nowhere", &[("accept-language", "fr-CH, fr;q=0.9")]).await;
    assert_eq!(st, StatusCode::NOT_FOUND);
    assert!(body.contains("Page introuvable"), "{body}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn issue_15_pages_follow_accept_language() {
    let s = start(&sqlite_url(), Settings::default(), true).await;
    let anon = Client::anonymous(&s.base);
    let ada = Client::demo(&s.base, "ada").await;
    let (_, en) = page(&anon, "/", &[]).await;
    assert!(
        en.contains("<html lang=en>") && en.contains("What to do next"),
        "{en}"
    );
    let (_, fr) = page(
        &anon,
        "/",
        &[("accept-language", "fr-FR,fr;q=0.9,en;q=0.5")],
    )
    .await;
    assert!(fr.contains("<html lang=fr>"), "{fr}");
    // Caches keep the languages apart.
    let r = reqwest::get(format!("{}/round", s.base)).await.unwrap();
    assert_eq!(r.headers()["vary"], "Accept-Language, Cookie");
    assert!(
        fr.contains("Que faire ensuite") && fr.contains(">Cycle<"),
        "{fr}"
    );
    assert!(fr.contains("Comment les décisions sont prises"));
    // A language not shipped: English.
    let (_, de) = page(&anon, "/", &[("accept-language", "de")]).await;
    assert!(de.contains("<html lang=en>"));
    // ?lang= overrides the header, and so does the cookie the language links set.
    let (_, q) = page(&anon, "/?lang=en", &[("accept-language", "fr")]).await;
    assert!(q.contains("<html lang=en>"));
    let (_, ck) = page(&anon, "/round", &[("cookie", "plenty_lang=fr")]).await;
    assert!(
        ck.contains("<html lang=fr>") && ck.contains("Besoins déclarés"),
        "{ck}"
    );
    // The round page and its next step, in French for a member.
    let (_, r) = page(&ada, "/round", &[("accept-language", "fr")]).await;
    assert!(r.contains("Cycle 1 : Plan for the coming year"), "{r}");
    assert!(
        r.contains("Déclarez vos besoins et proposez des projets communs"),
        "{r}"
    );
    assert!(r.contains("Déclarer un besoin"));
    // Numbers as French writes them: a decimal comma.
    assert!(
        r.contains("<td>bread</td><td class=n>0,5</td><td>t</td>"),
        "{r}"
    );
    let (_, en) = page(&ada, "/round", &[]).await;
    assert!(
        en.contains("<td>bread</td><td class=n>0.5</td><td>t</td>"),
        "{en}"
    );
    let (_, a) = page(&anon, "/audit", &[("accept-language", "fr")]).await;
    assert!(
        a.contains("Téléchargez le journal") && a.contains("<code id=head>"),
        "{a}"
    );
    let (_, j) = page(&anon, "/signup", &[("accept-language", "fr")]).await;
    assert!(
        j.contains("Adhérer à la fédération") && j.contains("Code d&#39;invitation"),
        "{j}"
    );
    // The plan page's heading.
    let (_, p) = page(&ada, "/plan", &[("accept-language", "fr")]).await;
    assert!(p.contains("Le plan du cycle 1"), "{p}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn issue_15_a_round_in_plain_words() {
    let s = start(&sqlite_url(), Settings::default(), true).await;
    let anon = Client::anonymous(&s.base);
    let fac = Client::demo(&s.base, "facilitator").await;
    let ada = Client::demo(&s.base, "ada").await;
    let bo = Client::demo(&s.base, "bo").await;
    let cy = Client::demo(&s.base, "cy").await;
    let di = Client::demo(&s.base, "di").await;

    // The header shows the member's name; the needs phase says what to do next.
    let r = html(&ada, "/round").await;
    assert!(r.contains("<span class=muted id=who>Ada"), "{r}");
    assert!(!r.contains("member 2"));
    assert!(r.contains("id=next-step") && r.contains("until the facilitator opens the vote"));
    let (st, _) = ada
        .post(
            "/api/v1/rounds/1/needs",
            json!({"product": "bread", "quantity": 2.0}),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED);
    // A project too expensive for the budget.
    let (st, _) = cy
        .post(
            "/api/v1/rounds/1/proposals",
            json!({"title": "A dam", "cost_hours": 50000.0, "confirm": true}),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED);
    let (st, _) = di
        .post("/api/v1/delegations", json!({"topic": "split", "to": 2}))
        .await;
    assert_eq!(st, StatusCode::CREATED);
    let (st, _) = fac
        .post("/api/v1/rounds/1/advance", json!({"to": "voting"}))
        .await;
    assert_eq!(st, StatusCode::OK);

    // The ballot: each question answered or left to the delegate; the budget; no noise.
    let r = html(&ada, "/round").await;
    for part in ["projects", "split", "priorities"] {
        assert!(
            r.contains(&format!("<fieldset id=q-{part} data-part={part}>")),
            "{part}"
        );
        assert!(
            r.contains(&format!("name=answer-{part} value=answer>")),
            "{part}"
        );
        assert!(
            r.contains(&format!("name=answer-{part} value=leave checked>")),
            "{part}"
        );
    }
    assert!(r.contains("Leave it to my delegate (or abstain)"));
    // Di delegated the split to Ada: her ballot names her delegate there.
    let d = html(&di, "/round").await;
    assert!(
        d.contains("<p class=muted id=delegate-split>Your delegate on this topic is Ada"),
        "{d}"
    );
    assert!(d.contains("<p class=muted id=delegate-projects>You have no delegate"));
    assert!(
        r.contains("id=project-budget") && r.contains("available for projects"),
        "{r}"
    );
    assert!(
        r.contains("<output id=split-total>total 1.00 ✓</output>"),
        "{r}"
    );
    assert!(
        r.contains("data-t-total=\"total { $total } — must be 1\""),
        "{r}"
    );
    assert!(r.contains("value=0.80") && r.contains("value=0.15"), "{r}");
    // The project budget: the investment share of the hours, against the hours proposed.
    assert!(
        r.contains("1,275 h available for projects (15 % of the 8,500 h of the period"),
        "{r}"
    );
    assert!(
        r.contains("data-t-ticked=\"Ticked: { $hours } of the { $budget }"),
        "{r}"
    );
    // Every quantity with its unit.
    assert!(
        r.contains("<tr><td>bread</td><td class=n>2.5</td><td>t</td></tr>"),
        "{r}"
    );
    assert_no_float_noise("/round", &r);

    // My ballot, for the form after a reload.
    let (st, j) = ada.get("/api/v1/rounds/1/my-ballot").await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(j["voted"], false, "{j}");
    assert!(j["ballot"].is_null());
    let (st, _) = ada
        .post(
            "/api/v1/rounds/1/ballot",
            json!({"approve": [1, 3, 4], "split": [0.7, 0.25, 0.05]}),
        )
        .await;
    assert_eq!(st, StatusCode::OK);
    // Projects only: the split is left to the delegate (none: abstains).
    let (st, _) = bo
        .post("/api/v1/rounds/1/ballot", json!({"approve": [1]}))
        .await;
    assert_eq!(st, StatusCode::OK);
    let (st, _) = cy
        .post(
            "/api/v1/rounds/1/ballot",
            json!({"approve": [1, 3], "split": [0.7, 0.2, 0.1]}),
        )
        .await;
    assert_eq!(st, StatusCode::OK);
    let (_, j) = ada.get("/api/v1/rounds/1/my-ballot").await;
    assert_eq!(j["voted"], true, "{j}");
    assert_eq!(j["ballot"]["approve"], json!([1, 3, 4]));
    assert_eq!(j["ballot"]["split"], json!([0.7, 0.25, 0.05]));
    let (_, j) = bo.get("/api/v1/rounds/1/my-ballot").await;
    assert!(j["ballot"]["split"].is_null(), "{j}");
    let (st, _) = anon.get("/api/v1/rounds/1/my-ballot").await;
    assert_eq!(st, StatusCode::UNAUTHORIZED);
    let (st, _) = ada.get("/api/v1/rounds/99/my-ballot").await;
    assert_eq!(st, StatusCode::NOT_FOUND);
    let r = html(&ada, "/round").await;
    assert!(
        r.contains("Your ballot is recorded"),
        "the next step knows ada voted"
    );

    // Members: names, councils, delegations.
    let m = html(&ada, "/members").await;
    for name in ["Ada", "Bo", "Cy", "Di"] {
        assert!(m.contains(&format!("<td>{name}")), "{name}: {m}");
    }
    assert!(m.contains("Mill and bakery"));
    assert!(
        m.contains("<ul id=my-delegators><li>Di — Split of hours</li>"),
        "{m}"
    );
    let m = html(&di, "/members").await;
    assert!(m.contains("<td>Split of hours</td><td>Ada</td>"), "{m}");
    let m = html(&anon, "/members").await;
    assert!(!m.contains("<td>Ada"), "names are for members");

    // Close: the round by round in words.
    let (st, _) = fac
        .post("/api/v1/rounds/1/advance", json!({"to": "plan"}))
        .await;
    assert_eq!(st, StatusCode::OK);
    wait_for_plan(&ada, 1).await;
    let r = html(&ada, "/round").await;
    assert!(
        r.contains("<section id=explanation><h2>Round by round</h2>"),
        "{r}"
    );
    assert!(r.contains("<ol id=round-by-round>"), "{r}");
    assert!(
        r.contains("Round 1: <strong>A clinic in the valley</strong> (900.0 h) is funded."),
        "{r}"
    );
    // A payment in hours, with one decimal, and why the others lost.
    assert!(r.contains(" h each"), "{r}");
    assert!(
        r.contains("<ul id=not-funded>")
            && r.contains("A dam</strong>: the budget was exhausted: it costs 50,000.0 h"),
        "{r}"
    );
    assert!(r.contains("href=\"/api/v1/rounds/1/tally\""));
    assert!(
        !r.contains("\"rho\"") && !r.contains("<pre>"),
        "no JSON dump"
    );
    assert!(r.contains("Funded: A clinic in the valley"), "{r}");
    // The quorum, each member once per topic: Di's split goes with Ada's ballot.
    assert!(
        r.contains("Members represented on each topic: projects 3, priorities 0, split 3."),
        "{r}"
    );
    assert_no_float_noise("/round", &r);

    // The plan in plain words, the charts scale, units.
    let p = html(&ada, "/plan").await;
    assert!(
        p.contains("The plan meets 100 % of every committed need"),
        "{p}"
    );
    assert!(p.contains("id=next-step") && p.contains("The vote is closed and counted"));
    assert!(
        !p.contains("pdlp") && !p.contains("Certificate") && !p.contains("λ ="),
        "{p}"
    );
    assert!(p.contains("hours per member per week</strong>: ("), "{p}");
    assert!(p.contains(" members ÷ 52 weeks"), "{p}");
    assert!(
        p.contains("<li>2 t bread — met in full</li>"),
        "ada's own need: {p}"
    );
    assert!(p.contains("<p id=hour-worth>"), "{p}");
    assert!(
        p.contains("% of what is available"),
        "one unit on the limits chart"
    );
    assert!(p.contains("/plan/about?round=1"));
    // The effect box names projects (the script reads the names from the page).
    assert!(
        p.contains("data-names=\"{&quot;1&quot;:&quot;A clinic in the valley&quot;"),
        "{p}"
    );
    assert!(
        !p.contains("#9fb3d9"),
        "the light bar colour fails contrast"
    );
    assert_svgs_scale("/plan", &p);
    assert_no_float_noise("/plan", &p);
    // A plan that makes nothing, or was not solved to optimality, is no success.
    let recorded = s
        .state
        .log
        .read(|c| c.ledger.rounds[&1].plan.clone())
        .unwrap();
    let cx = plenty_server::pages::Ctx {
        who: plenty_server::api::MaybeCaller(None),
        name: None,
        lang: plenty_server::pages::i18n::english(),
        here: "/plan?".into(),
        unseen: None,
    };
    let ok = plenty_server::pages::plan_status(&cx, &recorded.outcome);
    assert!(ok.contains("The plan meets 100 %"), "{ok}");
    let mut part = recorded.outcome.clone();
    part.lambda = 0.5;
    let w = plenty_server::pages::plan_status(&cx, &part);
    assert!(w.contains("only 50 % of the targets"), "{w}");
    let mut zero = recorded.outcome.clone();
    zero.lambda = 0.0;
    let mut infeasible = recorded.outcome.clone();
    infeasible.status = plenty_ledger::planning::PlanStatus(plenty_core::lp::LpStatus::Infeasible);
    infeasible.explanation = Some("the land does not suffice".into());
    for bad in [zero, infeasible] {
        let w = plenty_server::pages::plan_status(&cx, &bad);
        assert!(w.contains("The targets cannot be met"), "{w}");
        assert!(!w.contains("meets 100 %"), "{w}");
    }
    let a = html(&ada, "/plan/about?round=1").await;
    assert!(
        a.contains("About this computation") && a.contains("Certificate"),
        "{a}"
    );
    assert!(a.contains("Plan fulfilment λ"));

    // Past rounds: the archive and a round read-only.
    let (st, _) = fac
        .post("/api/v1/rounds/1/advance", json!({"to": "follow_up"}))
        .await;
    assert_eq!(st, StatusCode::OK);
    let (st, j) = fac
        .post("/api/v1/rounds", json!({"title": "The next year"}))
        .await;
    assert!(st.is_success(), "{st} {j}");
    let list = html(&anon, "/rounds").await;
    assert!(
        list.contains("<a href=\"/round?round=1\">Plan for the coming year</a>"),
        "{list}"
    );
    assert!(list.contains("<a href=\"/plan?round=1\">"), "{list}");
    assert!(list.contains("The next year"));
    let old = html(&ada, "/round?round=1").await;
    assert!(old.contains("id=past-round"), "{old}");
    assert!(!old.contains("id=ballot-form") && !old.contains("id=advance-form"));
    assert!(old.contains("id=round-by-round"));
    // The language links keep the page and its query.
    assert!(
        old.contains("<a href=\"/round?round=1&amp;lang=fr\" data-lang=fr"),
        "{old}"
    );
    let old_plan = html(&ada, "/plan?round=1").await;
    assert!(old_plan.contains("The plan of round 1"));
}
