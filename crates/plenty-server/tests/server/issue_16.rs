//! Issue 16 over HTTP, on SQLite and on PostgreSQL: a workplace's API token reports hours,
//! the member confirms or disputes them and votes the deduction rates, the distribution point
//! posts purchases at the plan's prices (queued when out of stock), the statement is private
//! to the member and the auditors, the export recomputes every balance, and a restart loses no
//! acknowledged write. Every step checks `credits = hours − deductions`.

use crate::support::*;
use plenty_server::api::Settings;
use reqwest::StatusCode;
use serde_json::{json, Value};

fn close(x: f64, y: f64) -> bool {
    (x - y).abs() <= 1e-9 * x.abs().max(y.abs()).max(1.0)
}

/// `credits = hours − deductions` in a balance as the API gives it.
fn assert_identity(b: &Value) {
    let f = |k: &str| b[k].as_f64().unwrap_or_else(|| panic!("{k} in {b}"));
    assert!(
        close(
            f("credits"),
            f("hours") - f("investment") - f("common_goods") - f("care")
        ),
        "{b}"
    );
}

async fn identity(c: &Client) -> Value {
    let (st, r) = c.get("/api/v1/accounting/report").await;
    assert_eq!(st, StatusCode::OK, "{r}");
    assert_identity(&r["totals"]);
    r
}

async fn accounting_over_http(url: &str) {
    let s = start(url, Settings::default(), true).await;
    let fac = Client::demo(&s.base, "facilitator").await; // member 1
    let ada = Client::demo(&s.base, "ada").await; // member 2, councils 1 and 3
    let bo = Client::demo(&s.base, "bo").await; // member 3, councils 2 and 3
    let cy = Client::demo(&s.base, "cy").await; // member 4, councils 1 and 3
    for to in ["voting", "plan"] {
        let (st, j) = fac
            .post("/api/v1/rounds/1/advance", json!({"to": to}))
            .await;
        assert_eq!(st, StatusCode::OK, "{j}");
    }
    wait_for_plan(&ada, 1).await;
    // Nothing is priced yet.
    let (st, j) = ada.get("/api/v1/accounting/prices").await;
    assert_eq!(st, StatusCode::OK);
    assert!(j["period"].is_null(), "{j}");
    // Only a facilitator names workplaces, distribution points and auditors.
    let (st, j) = ada
        .post(
            "/api/v1/accounting/workplaces",
            json!({"council": 1, "reporters": [2]}),
        )
        .await;
    assert_eq!(st, StatusCode::FORBIDDEN, "{j}");
    for (path, body) in [
        (
            "/api/v1/accounting/workplaces",
            json!({"council": 1, "reporters": [1]}),
        ),
        (
            "/api/v1/accounting/distribution-points",
            json!({"council": 3, "operators": [1]}),
        ),
        ("/api/v1/accounting/auditors", json!({"auditors": [3]})),
    ] {
        let (st, j) = fac.post(path, body).await;
        assert_eq!(st, StatusCode::CREATED, "{path}: {j}");
    }
    // A consumer council is no workplace: the error names the field.
    let (st, j) = fac
        .post(
            "/api/v1/accounting/workplaces",
            json!({"council": 3, "reporters": [1]}),
        )
        .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{j}");
    assert!(j["message"].as_str().unwrap().starts_with("council"), "{j}");
    let (st, prices) = fac
        .post("/api/v1/accounting/prices", json!({"round": 1}))
        .await;
    assert_eq!(st, StatusCode::CREATED, "{prices}");
    let bread = prices["prices"]["bread"].clone();
    let price = bread["price"].as_f64().unwrap();
    let supply = bread["supply"].as_f64().unwrap();
    assert!(price > 0.0 && bread["ratio"] == 1.0, "{bread}");
    assert!(prices["prices"].get("flour").is_none(), "{prices}");

    // The mill reports by its API token, as a workplace's system would.
    let (st, t) = fac.post("/api/v1/tokens", json!({"label": "mill"})).await;
    assert_eq!(st, StatusCode::CREATED, "{t}");
    let mut mill = Client::anonymous(&s.base);
    mill.bearer = Some(t["token"].as_str().unwrap().to_string());
    let hours = |member: u64, h: f64| json!({"member": member, "council": 1, "period": "2026-W49", "hours": h});
    // Bad input names its field; a member outside the workplace is refused.
    let (st, j) = mill.post("/api/v1/accounting/hours", hours(2, 1e6)).await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{j}");
    assert!(j["message"].as_str().unwrap().starts_with("hours"), "{j}");
    let (st, j) = mill
        .post(
            "/api/v1/accounting/hours",
            json!({"member": 2, "council": 1, "hours": 8}),
        )
        .await;
    assert_eq!(st, StatusCode::BAD_REQUEST, "{j}");
    assert!(j["message"].as_str().unwrap().contains("period"), "{j}");
    let (st, j) = mill.post("/api/v1/accounting/hours", hours(3, 8.0)).await;
    assert_eq!(st, StatusCode::NOT_FOUND, "bo is not in the mill: {j}");
    let (st, j) = mill.post("/api/v1/accounting/hours", hours(2, 40.0)).await;
    assert_eq!(st, StatusCode::CREATED, "{j}");
    let first = j["report"].as_u64().unwrap();
    let (_, j) = mill.post("/api/v1/accounting/hours", hours(2, 6.0)).await;
    let second = j["report"].as_u64().unwrap();
    // Reported, not confirmed: nothing paid.
    let (_, mine) = ada.get("/api/v1/me/statement").await;
    assert_eq!(mine["balance"]["credits"], 0.0, "{mine}");
    assert_eq!(mine["pending"].as_array().unwrap().len(), 2, "{mine}");
    identity(&ada).await;
    // Ada votes the deductions; a bad ballot names its rate.
    let (st, j) = ada
        .post(
            "/api/v1/me/deductions",
            json!({"investment": 0.1, "common_goods": 2.0, "care": 0.0}),
        )
        .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{j}");
    assert!(
        j["message"].as_str().unwrap().contains("common_goods"),
        "{j}"
    );
    let (st, j) = ada
        .post(
            "/api/v1/me/deductions",
            json!({"investment": 0.1, "common_goods": 0.05, "care": 0.05}),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{j}");
    assert_eq!(j["in_force"]["investment"], 0.1, "{j}");
    // Cy cannot confirm ada's hours into his account.
    let (st, j) = cy
        .post(&format!("/api/v1/me/hours/{first}/confirm"), json!({}))
        .await;
    assert_eq!(st, StatusCode::FORBIDDEN, "{j}");
    let (st, j) = ada
        .post(&format!("/api/v1/me/hours/{first}/confirm"), json!({}))
        .await;
    assert_eq!(st, StatusCode::OK, "{j}");
    assert!(close(j["pay"]["credits"].as_f64().unwrap(), 32.0), "{j}");
    assert_identity(&j["pay"]);
    let (st, j) = ada
        .post(
            &format!("/api/v1/me/hours/{second}/dispute"),
            json!({"reason": "I was at the clinic that day"}),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{j}");
    identity(&ada).await;

    // The shop posts purchases from ada's own account.
    let buy = |member: u64, product: &str, quantity: f64| json!({"member": member, "council": 3, "product": product, "quantity": quantity});
    let (st, j) = fac
        .post(
            "/api/v1/accounting/purchases",
            buy(2, "bread", 10.0 / price),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED, "{j}");
    assert_eq!(j["queued"], false);
    let (st, j) = fac
        .post("/api/v1/accounting/purchases", buy(2, "flour", 0.001))
        .await;
    assert_eq!(st, StatusCode::FORBIDDEN, "{j}");
    assert!(
        j["message"]
            .as_str()
            .unwrap()
            .contains("means of production"),
        "{j}"
    );
    let (st, j) = fac
        .post(
            "/api/v1/accounting/purchases",
            buy(2, "bread", 100.0 / price),
        )
        .await;
    assert_eq!(st, StatusCode::CONFLICT, "overspent: {j}");
    let (st, j) = fac
        .post(
            "/api/v1/accounting/purchases",
            buy(4, "bread", supply * 2.0),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED, "{j}");
    assert_eq!(j["queued"], true, "{j}");
    // Ada cannot post purchases: she runs no distribution point.
    let (st, _) = ada
        .post("/api/v1/accounting/purchases", buy(2, "bread", 0.001))
        .await;
    assert_eq!(st, StatusCode::FORBIDDEN);
    let report = identity(&bo).await;
    assert!(close(
        report["totals"]["consumption"].as_f64().unwrap(),
        10.0
    ));
    assert_eq!(report["queues"][0]["product"], "bread", "{report}");
    assert!(report["consumption_gini"].as_f64().unwrap() > 0.0);
    assert!(report["working_week"]["per_member"].as_f64().unwrap() > 0.0);

    // The statement is ada's and the auditor's (bo), no one else's.
    let (_, mine) = ada.get("/api/v1/me/statement").await;
    assert!(close(mine["available"].as_f64().unwrap(), 22.0), "{mine}");
    assert_identity(&mine["balance"]);
    let (st, j) = cy.get("/api/v1/members/2/statement").await;
    assert_eq!(st, StatusCode::FORBIDDEN, "{j}");
    assert!(j["message"].as_str().unwrap().contains("private"), "{j}");
    let (st, j) = bo.get("/api/v1/members/2/statement").await;
    assert_eq!(st, StatusCode::OK, "{j}");
    assert_eq!(j, mine, "the auditor reads the member's own statement");
    let (st, j) = ada.get("/api/v1/members/2/statement").await;
    assert_eq!((st, &j), (StatusCode::OK, &mine));

    // The account page shows ada her own statement, in hours, and cy none of it.
    let page = ada.html("/account").await;
    assert!(page.contains("id=statement-table"), "{page}");
    let credits = mine["balance"]["credits"].as_f64().unwrap();
    assert!(
        page.contains(&format!("{} h", credits)) || page.contains(&format!("{credits:.1} h")),
        "credits {credits} not on the page"
    );
    // cy's page shows cy's statement, not ada's.
    let (_, his) = cy.get("/api/v1/me/statement").await;
    assert_ne!(his, mine);
    let other = cy.html("/account").await;
    let his_credits = his["balance"]["credits"].as_f64().unwrap();
    if his["lines"].as_array().unwrap().is_empty() && his["pending"].as_array().unwrap().is_empty()
    {
        assert!(other.contains("id=statement-none") && !other.contains("id=statement-table"));
    } else {
        assert!(other.contains("id=statement-table"));
        assert!(
            other.contains(&format!("{} h", his_credits))
                || other.contains(&format!("{his_credits:.1} h"))
        );
    }

    // The public export recomputes every balance, and shows no member number by an account.
    let log = export(&s.base).await;
    for line in log.lines().filter(|l| l.contains("\"account\"")) {
        let e: Value = serde_json::from_str(line).unwrap();
        assert!(e["event"].get("member").is_none(), "{line}");
    }
    let audit = plenty_ledger::verify(&plenty_ledger::parse_export(&log).unwrap(), false);
    assert!(audit.ok(), "{audit:?}");
    let totals = serde_json::to_value(audit.accounting.unwrap().totals).unwrap();
    assert_eq!(totals, report["totals"]);

    // A restart loses no acknowledged write.
    let head = s.state.log.read(|c| c.head.clone());
    drop(s);
    let again = start(url, Settings::default(), false).await;
    assert_eq!(again.state.log.read(|c| c.head.clone()), head);
    let ada = Client::demo(&again.base, "ada").await;
    let (_, after) = ada.get("/api/v1/me/statement").await;
    assert_eq!(after, mine);
    let after = identity(&ada).await;
    assert_eq!(after["totals"], report["totals"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn issue_16_accounting_over_http_on_sqlite() {
    accounting_over_http(&sqlite_url()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn issue_16_accounting_over_http_on_postgres() {
    if let Some(url) = pg_url().await {
        accounting_over_http(&url).await;
    }
}
