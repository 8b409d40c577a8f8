//! A multi-year round over HTTP (issue #13), on SQLite and on PostgreSQL: the five-year
//! economy imported, needs per year (a bad year refused with the round's years), ballots with
//! a discount rate, the median rate in the count, the plan year by year with its page (the
//! years table and the plots), what a ballot changed over the years, and `verify`.

use crate::support::*;
use plenty_server::api::Settings;
use reqwest::StatusCode;
use serde_json::json;

const FIVE_YEAR: &str = include_str!("../../../../examples/plans/five_year.toml");

async fn a_multi_year_round(url: &str) {
    let s = start(url, Settings::default(), true).await;
    let fac = Client::demo(&s.base, "facilitator").await;
    let ada = Client::demo(&s.base, "ada").await;
    let bo = Client::demo(&s.base, "bo").await;
    let cy = Client::demo(&s.base, "cy").await;

    // The demo's round 1 is in its needs phase: the facilitator imports the five-year economy.
    let (st, j) = fac
        .post("/api/v1/economy", json!({"text": FIVE_YEAR}))
        .await;
    assert_eq!(st, StatusCode::CREATED, "{j}");
    let round = ada.get("/api/v1/rounds/1").await.1;
    assert_eq!(
        round["years"],
        json!([2027, 2028, 2029, 2030, 2031]),
        "{round}"
    );

    // Needs for one year and for every year; a year outside the plan is refused, naming the
    // round's years, and changes nothing.
    let before = entries(&s);
    let (st, j) = ada
        .post(
            "/api/v1/rounds/1/needs",
            json!({"product": "bread", "quantity": 1.0, "year": 2035}),
        )
        .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{j}");
    assert!(
        j["message"].as_str().unwrap().contains("2027 to 2031"),
        "{j}"
    );
    assert_eq!(entries(&s), before);
    let (st, j) = ada
        .post(
            "/api/v1/rounds/1/needs",
            json!({"product": "bread", "quantity": 2.0, "year": 2028}),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED, "{j}");
    let (st, _) = bo
        .post(
            "/api/v1/rounds/1/needs",
            json!({"product": "cloth", "quantity": 30.0}),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED);
    let round = ada.get("/api/v1/rounds/1").await.1;
    let needs = round["needs"].as_array().unwrap();
    assert!(
        needs
            .iter()
            .any(|n| n["product"] == "bread" && n["year"] == 2028 && n["quantity"] == 2.0),
        "{round}"
    );
    let page = ada.get("/round").await.1;
    let page = page.as_str().unwrap();
    assert!(page.contains("id=round-years"), "{page}");

    let (st, _) = fac
        .post("/api/v1/rounds/1/advance", json!({"to": "voting"}))
        .await;
    assert_eq!(st, StatusCode::OK);

    // Ballots: a rate out of range is refused; three rates, the median is the middle one.
    let (st, j) = ada
        .post("/api/v1/rounds/1/ballot", json!({"discount_rate": 0.5}))
        .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{j}");
    for (c, rate) in [(&ada, 0.01), (&bo, 0.15), (&cy, 0.06)] {
        let (st, j) = c
            .post(
                "/api/v1/rounds/1/ballot",
                json!({"discount_rate": rate, "approve": [1]}),
            )
            .await;
        assert_eq!(st, StatusCode::OK, "{j}");
    }
    let (st, _) = fac
        .post("/api/v1/rounds/1/advance", json!({"to": "plan"}))
        .await;
    assert_eq!(st, StatusCode::OK);
    let plan = wait_for_plan(&ada, 1).await;
    let round = ada.get("/api/v1/rounds/1").await.1;
    let d = &round["tally"]["discount"];
    assert_eq!(d["rate"], 0.06, "{d}");
    assert_eq!(d["default_used"], false);
    assert_eq!(d["median_at"], 1);
    let rates: Vec<f64> = d["ballots"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["rate"].as_f64().unwrap())
        .collect();
    assert_eq!(rates, [0.01, 0.06, 0.15]);

    // The plan, year by year.
    assert_eq!(plan["plan"]["status"], "optimal", "{plan}");
    let years = &plan["years"];
    assert_eq!(years["inputs"]["discount_rate"], 0.06);
    let lines = years["result"]["years"].as_array().unwrap();
    assert_eq!(lines.len(), 5);
    assert_eq!(lines[0]["year"], 2027);
    // The 2028 need is in 2028's targets only; the cloth need and the demo's 0.5 of bread in
    // every year's. (Bread's target is 40, growing 3 % a year.)
    let targets = years["inputs"]["targets"].as_array().unwrap();
    let bread = |t: usize| targets[t]["bread"].as_f64().unwrap();
    assert!(
        (bread(1) - 40.0 * 1.03 - 0.5 - 2.0).abs() < 1e-9,
        "{}",
        bread(1)
    );
    assert!((bread(0) - 40.0 - 0.5).abs() < 1e-9, "{}", bread(0));
    let cloth = |t: usize| targets[t]["cloth"].as_f64().unwrap();
    assert!(
        (cloth(4) - 900.0 * 1.03f64.powi(4) - 30.0).abs() < 1e-9,
        "{}",
        cloth(4)
    );

    // The plan page: the years side by side, and the plots.
    let page = ada.get("/plan?round=1").await.1;
    let page = page.as_str().unwrap();
    assert!(page.contains("<table id=years>"), "{page}");
    for y in 2027..=2031 {
        assert!(page.contains(&format!("<tr><td>{y}</td>")), "{y}");
    }
    assert!(page.contains("<svg"), "plots inline");
    assert!(page.contains("id=plot-years"));
    // Issue #15: the plots scale to the screen (a viewBox, no fixed pixel width).
    let k = page.find("<figure id=plot-years><svg").unwrap();
    let tag = &page[k..k + page[k..][22..].find('>').unwrap() + 22];
    assert!(
        tag.contains("viewBox") && tag.contains("width=\"100%\""),
        "{tag}"
    );
    assert_eq!(tag.matches("width=").count(), 1, "{tag}");
    assert!(page.contains("<table id=goods>"));
    assert!(page.contains("What your ballot changed"));

    // What Cy's ballot (the median) changed: without it the median of 0.01 and 0.15 is 0.01.
    let (st, eff) = cy.get("/api/v1/rounds/1/effect").await;
    assert_eq!(st, StatusCode::OK, "{eff}");
    let y = &eff["years"];
    assert_eq!(y["rate_with"], 0.06, "{eff}");
    assert_eq!(y["rate_without"], 0.01, "{eff}");
    assert_eq!(y["changed"], true);
    assert_eq!(y["years"].as_array().unwrap().len(), 5);
    assert_eq!(
        y["total_lambda_with"], years["result"]["total_lambda"],
        "{eff}"
    );

    // The export verifies, the multi-year plan recomputed bit for bit.
    let log = export(&s.base).await;
    let entries = plenty_ledger::parse_export(&log).unwrap();
    let report = plenty_ledger::verify(&entries, true);
    assert!(report.ok(), "{report:?}");
    assert_eq!(report.plans_checked, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn issue_13_a_multi_year_round_end_to_end_on_sqlite() {
    a_multi_year_round(&sqlite_url()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn issue_13_a_multi_year_round_end_to_end_on_postgres() {
    if let Some(url) = pg_url().await {
        a_multi_year_round(&url).await;
    }
}
