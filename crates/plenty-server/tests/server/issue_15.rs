//! Issue 15 over HTTP: a typo no longer wrecks the plan silently (implausible quantities ask
//! for confirmation, members withdraw and change what is theirs, facilitators hide with a
//! reason), and the count a member reads counts each member once.

use crate::support::*;
use plenty_server::api::Settings;
use reqwest::StatusCode;
use serde_json::json;

#[tokio::test]
async fn issue_15_a_typo_asks_for_confirmation_and_can_be_taken_back() {
    let s = start(&sqlite_url(), Settings::default(), true).await;
    let ada = Client::demo(&s.base, "ada").await;
    let bo = Client::demo(&s.base, "bo").await;
    let fac = Client::demo(&s.base, "facilitator").await;
    // 10^12 t of bread: refused until confirmed, with the reason in numbers.
    let (st, j) = ada
        .post(
            "/api/v1/rounds/1/needs",
            json!({"product": "bread", "quantity": 1e12}),
        )
        .await;
    assert_eq!(st, StatusCode::CONFLICT, "{j}");
    assert_eq!(j["error"], "needs_confirmation", "{j}");
    assert!(j["message"].as_str().unwrap().contains("at most"), "{j}");
    let (_, round) = ada.get("/api/v1/rounds/1").await;
    assert_eq!(
        round["my_needs"].as_array().unwrap().len(),
        1,
        "nothing saved"
    );
    // An unknown product is invalid, not implausible.
    let (st, j) = ada
        .post(
            "/api/v1/rounds/1/needs",
            json!({"product": "brea", "quantity": 1e12}),
        )
        .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{j}");
    // Confirmed, it is registered; ada takes it back.
    let (st, j) = ada
        .post(
            "/api/v1/rounds/1/needs",
            json!({"product": "bread", "quantity": 1e12, "confirm": true}),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED, "{j}");
    let (_, round) = ada.get("/api/v1/rounds/1").await;
    let typo = round["my_needs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["quantity"] == 1e12)
        .unwrap()["need"]
        .as_u64()
        .unwrap();
    // Bo cannot touch ada's need.
    let path = format!("/api/v1/rounds/1/needs/{typo}");
    let (st, j) = bo.delete(&path).await;
    assert_eq!(st, StatusCode::FORBIDDEN, "{j}");
    let (st, j) = ada.patch(&path, json!({"quantity": 5e11})).await;
    assert_eq!(st, StatusCode::CONFLICT, "a change is checked too: {j}");
    let (st, j) = ada.patch(&path, json!({"quantity": 1.0})).await;
    assert_eq!(st, StatusCode::OK, "{j}");
    // A project of 99,999,999 hours: refused until confirmed; the facilitator hides it.
    let (st, j) = bo
        .post(
            "/api/v1/rounds/1/proposals",
            json!({"title": "Typo", "cost_hours": 99_999_999.0}),
        )
        .await;
    assert_eq!(st, StatusCode::CONFLICT, "{j}");
    assert!(j["message"].as_str().unwrap().contains("99,999,999"), "{j}");
    let (st, j) = bo
        .post(
            "/api/v1/rounds/1/proposals",
            json!({"title": "Typo", "cost_hours": 99_999_999.0, "confirm": true}),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED, "{j}");
    let id = j["proposal"].as_u64().unwrap();
    let hide = json!({"item": {"kind": "proposal", "proposal": id}, "reason": "99,999,999 h: a typo; bo will propose it again"});
    let (st, _) = bo.post("/api/v1/rounds/1/hide", hide.clone()).await;
    assert_eq!(st, StatusCode::FORBIDDEN, "members cannot hide");
    let (st, j) = fac.post("/api/v1/rounds/1/hide", hide).await;
    assert_eq!(st, StatusCode::OK, "{j}");
    let (_, round) = ada.get("/api/v1/rounds/1").await;
    assert!(round["proposals"]
        .as_array()
        .unwrap()
        .iter()
        .all(|p| p["id"] != id));
    let removed = &round["removed"][0];
    assert_eq!(removed["what"], "Typo");
    assert!(removed["hidden_because"]
        .as_str()
        .unwrap()
        .contains("a typo"));
    // The log verifies with the new entries.
    let (st, j) = fac.get("/api/v1/audit/verify").await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(j["ok"], true, "{j}");
}

/// Phases end at their deadlines without a facilitator at hand: the needs phase opens the
/// vote, the end of voting closes and counts it, and the plan follows.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn issue_15_a_round_moves_on_at_its_deadlines() {
    let s = start(&sqlite_url(), Settings::default(), true).await;
    let fac = Client::demo(&s.base, "facilitator").await;
    let ada = Client::demo(&s.base, "ada").await;
    let now = plenty_server::api::now_ms() as u64;
    // Members cannot set deadlines; a date in seconds is refused.
    let (st, _) = ada
        .post(
            "/api/v1/rounds/1/deadline",
            json!({"phase": "needs", "at_ms": now}),
        )
        .await;
    assert_eq!(st, StatusCode::FORBIDDEN);
    let (st, j) = fac
        .post(
            "/api/v1/rounds/1/deadline",
            json!({"phase": "needs", "at_ms": now / 1000}),
        )
        .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{j}");
    // The needs phase ends a second from now.
    let (st, j) = fac
        .post(
            "/api/v1/rounds/1/deadline",
            json!({"phase": "needs", "at_ms": now + 1000}),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{j}");
    let (_, r) = ada.get("/api/v1/rounds/1").await;
    assert_eq!(r["deadlines"][0], json!(["needs", now + 1000]));
    let phase = |want: &'static str| {
        let ada = ada.clone();
        async move {
            for _ in 0..100 {
                let (_, r) = ada.get("/api/v1/rounds/1").await;
                if r["phase"] == want {
                    return r;
                }
                tokio::time::sleep(std::time::Duration::from_millis(100)).await;
            }
            panic!("round 1 did not reach {want}");
        }
    };
    phase("voting").await;
    for who in ["ada", "bo", "cy"] {
        let c = Client::demo(&s.base, who).await;
        let (st, j) = c
            .post(
                "/api/v1/rounds/1/ballot",
                json!({"approve": [1], "split": [0.8, 0.15, 0.05]}),
            )
            .await;
        assert!(st.is_success(), "{j}");
    }
    let now = plenty_server::api::now_ms() as u64;
    let (st, j) = fac
        .post(
            "/api/v1/rounds/1/deadline",
            json!({"phase": "voting", "at_ms": now + 500}),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{j}");
    let r = phase("plan").await;
    assert_eq!(r["tally"]["quorum"]["ballots"], 3, "the vote was counted");
    wait_for_plan(&ada, 1).await;
    let (_, j) = fac.get("/api/v1/audit/verify").await;
    assert_eq!(j["ok"], true, "{j}");
}

/// What was API-only has a page: the facilitator's forms are on `/facilitate` (and only for
/// facilitators), each posting to a described route; closing the vote asks for a
/// confirmation that shows the turnout.
#[tokio::test]
async fn issue_15_facilitators_have_a_page() {
    let s = start(&sqlite_url(), Settings::default(), true).await;
    let fac = Client::demo(&s.base, "facilitator").await;
    let ada = Client::demo(&s.base, "ada").await;
    let html = ada.html("/facilitate").await;
    assert!(html.contains("for the federation's facilitators"), "{html}");
    assert!(!html.contains("data-post"));
    let html = fac.html("/facilitate").await;
    for id in [
        "deadline-needs",
        "deadline-voting",
        "facilitate-advance",
        "facilitate-abandon",
        "review-needs",
        "hide-need-1",
        "hide-proposal-1",
        "invite-form",
        "council-form",
        "economy-form",
        "href=/facilitate",
    ] {
        assert!(html.contains(id), "{id} missing");
    }
    // In the voting phase, moving on closes the vote: a required confirmation with the turnout.
    fac.post("/api/v1/rounds/1/advance", json!({"to": "voting"}))
        .await;
    let html = fac.html("/facilitate").await;
    assert!(
        html.contains("required name=confirm") && html.contains("with 0 ballots from 5 members"),
        "{html}"
    );
}

/// The deadlines are on a calendar page and in an iCalendar feed.
#[tokio::test]
async fn issue_15_deadlines_are_in_a_calendar() {
    let s = start(&sqlite_url(), Settings::default(), true).await;
    let fac = Client::demo(&s.base, "facilitator").await;
    let get = |path: &str| {
        let url = format!("{}{path}", s.base);
        async move {
            let r = reqwest::get(url).await.unwrap();
            assert_eq!(r.status(), StatusCode::OK);
            let ct = r.headers()["content-type"].to_str().unwrap().to_string();
            (ct, r.text().await.unwrap())
        }
    };
    let (_, html) = get("/calendar").await;
    assert!(html.contains("id=calendar-empty"), "{html}");
    // 2030-01-02T03:04:05Z, in milliseconds.
    let (st, j) = fac
        .post(
            "/api/v1/rounds/1/deadline",
            json!({"phase": "voting", "at_ms": 1_893_553_445_000u64}),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{j}");
    let (_, html) = get("/calendar").await;
    assert!(html.contains("2030-01-02 03:04 UTC"), "{html}");
    assert!(html.contains("the vote closes"), "{html}");
    let (ct, ics) = get("/calendar.ics").await;
    assert!(ct.starts_with("text/calendar"), "{ct}");
    assert!(ics.starts_with("BEGIN:VCALENDAR\r\n"), "{ics}");
    assert!(ics.contains("DTSTART:20300102T030405Z\r\n"), "{ics}");
    assert!(ics.contains("UID:round-1-voting@plenty\r\n"), "{ics}");
    assert!(ics.ends_with("END:VCALENDAR\r\n"));
}

/// Audit for members: the log in words, page by page, and "was my ballot counted?" by
/// receipt, before and after the count.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn issue_15_members_check_their_ballot_by_receipt_and_read_the_log() {
    let s = start(&sqlite_url(), Settings::default(), true).await;
    let fac = Client::demo(&s.base, "facilitator").await;
    let page = |path: String| {
        let base = s.base.clone();
        async move {
            let r = reqwest::get(format!("{base}{path}")).await.unwrap();
            assert_eq!(r.status(), StatusCode::OK, "{path}");
            r.text().await.unwrap()
        }
    };
    fac.post("/api/v1/rounds/1/advance", json!({"to": "voting"}))
        .await;
    let mut receipts = Vec::new();
    for who in ["ada", "bo", "cy"] {
        let c = Client::demo(&s.base, who).await;
        let (st, j) = c
            .post("/api/v1/rounds/1/ballot", json!({"approve": [1]}))
            .await;
        assert!(st.is_success(), "{j}");
        receipts.push(j["receipt"].as_str().unwrap().to_string());
    }
    let html = page(format!("/audit/receipt?receipt={}", receipts[0])).await;
    assert!(html.contains("not counted yet"), "{html}");
    assert!(
        html.contains("leaves the split of hours to your delegate"),
        "{html}"
    );
    fac.post("/api/v1/rounds/1/advance", json!({"to": "plan"}))
        .await;
    // The plan is recorded in the background: wait, so that the log stands still.
    wait_for_plan(&fac, 1).await;
    let html = page(format!("/audit/receipt?receipt={}", receipts[0])).await;
    assert!(
        html.contains("class=ok id=receipt-verdict>Counted"),
        "{html}"
    );
    assert!(html.contains("with weight 1 on projects"), "{html}");
    let html = page("/audit/receipt?receipt=0000deadbeef".into()).await;
    assert!(html.contains("No ballot in the log"), "{html}");
    // The log in words: every entry, newest first.
    let html = page("/audit/log".into()).await;
    let entries = export(&s.base).await.lines().count();
    assert!(html.contains(&format!("{entries} entries")), "{html}");
    assert!(
        html.contains(&format!("id=entry-{entries}>")),
        "the newest entry is listed"
    );
    assert!(
        html.contains(&format!(
            "a ballot is cast under receipt {}",
            &receipts[2][..8]
        )),
        "{html}"
    );
    assert!(html.contains("moves to its plan phase"), "{html}");
}

/// Proposals as Decidim and CONSUL members expect them: described and signed, searched,
/// filtered and sorted, amended with the earlier version kept, discussed, and a comment
/// hidden by a facilitator with its reason shown.
#[tokio::test]
async fn issue_15_proposals_are_described_discussed_and_searchable() {
    let s = start(&sqlite_url(), Settings::default(), true).await;
    let fac = Client::demo(&s.base, "facilitator").await;
    let ada = Client::demo(&s.base, "ada").await;
    let bo = Client::demo(&s.base, "bo").await;
    let (st, j) = ada
        .post(
            "/api/v1/rounds/1/proposals",
            json!({"title": "A library", "cost_hours": 300.0, "description": "Books & a reading room\n\nOpen every evening.", "signed": true}),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED, "{j}");
    let id = j["proposal"].as_u64().unwrap();
    // Amended: the earlier version is kept.
    let (st, j) = ada
        .patch(
            &format!("/api/v1/rounds/1/proposals/{id}"),
            json!({"title": "A library and archive", "cost_hours": 350.0, "description": "Books, archives & a reading room."}),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{j}");
    let (st, j) = bo
        .post(
            &format!("/api/v1/rounds/1/proposals/{id}/comments"),
            json!({"text": "Who keeps the archive?"}),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED, "{j}");
    let (_, j) = bo
        .post(
            &format!("/api/v1/rounds/1/proposals/{id}/comments"),
            json!({"text": "my phone number is ..."}),
        )
        .await;
    let second = j["comment"].as_u64().unwrap();
    let (st, _) = bo
        .post(
            &format!("/api/v1/rounds/1/comments/{second}/hide"),
            json!({"reason": "personal data"}),
        )
        .await;
    assert_eq!(st, StatusCode::FORBIDDEN, "members cannot hide comments");
    let (st, j) = fac
        .post(
            &format!("/api/v1/rounds/1/comments/{second}/hide"),
            json!({"reason": "personal data"}),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{j}");
    // Supports: one per member, taken back only if given; signed by a pseudonym of their own.
    let support = |c: &Client, yes: bool| {
        let c = c.clone();
        async move {
            c.post(
                &format!("/api/v1/rounds/1/proposals/{id}/support"),
                json!({"supported": yes}),
            )
            .await
            .0
        }
    };
    assert_eq!(support(&bo, true).await, StatusCode::OK);
    assert_eq!(support(&bo, true).await, StatusCode::CONFLICT);
    assert_eq!(support(&fac, false).await, StatusCode::CONFLICT);
    assert_eq!(support(&fac, true).await, StatusCode::OK);
    assert_eq!(support(&fac, false).await, StatusCode::OK);
    let (_, detail) = bo.get(&format!("/api/v1/rounds/1/proposals/{id}")).await;
    assert_eq!(
        (detail["supports"].as_u64(), detail["i_support"].as_bool()),
        (Some(1), Some(true)),
        "{detail}"
    );
    assert_eq!(detail["author"], "Ada", "{detail}");
    assert_eq!(detail["versions"][0]["title"], "A library", "{detail}");
    assert_eq!(detail["comments"][0]["name"], "Bo", "{detail}");
    assert_eq!(detail["comments"][1]["text"], serde_json::Value::Null);
    assert_eq!(detail["comments"][1]["hidden_because"], "personal data");
    // The page: escaped description, author, versions, discussion.
    let (st, page) = bo.page(&format!("/proposal?round=1&id={id}")).await;
    assert_eq!(st, StatusCode::OK);
    assert!(
        page.contains("Books, archives &amp; a reading room."),
        "{page}"
    );
    assert!(page.contains("id=proposal-author>Ada<"), "{page}");
    assert!(page.contains("id=proposal-versions"), "{page}");
    assert!(
        page.contains("<strong>Bo</strong>: Who keeps the archive?"),
        "{page}"
    );
    assert!(
        page.contains("A facilitator hid this comment: personal data"),
        "{page}"
    );
    assert!(
        !page.contains("my phone number"),
        "a hidden comment is not shown"
    );
    assert!(page.contains("id=comment-form"), "{page}");
    assert!(page.contains("Members who support it: 1."), "{page}");
    assert!(page.contains("Take back my support"), "{page}");
    assert!(!page.contains("id=amend-form"), "only the proposer amends");
    let page = ada.html(&format!("/proposal?round=1&id={id}")).await;
    assert!(page.contains("id=amend-form"), "{page}");
    // Search, filter, sort.
    let page = bo.html("/proposals?round=1&q=ARCHIVE").await;
    assert!(page.contains("1 of 4 proposals"), "{page}");
    // Ada proposed the demo's clinic too.
    let page = ada.html("/proposals?round=1&show=mine").await;
    assert!(
        page.contains("2 of 4 proposals") && page.contains("(yours)"),
        "{page}"
    );
    let page = bo.html("/proposals?round=1&sort=cost").await;
    let cheapest = page.find("A library and archive").unwrap();
    let clinic = page.find("A clinic in the valley").unwrap();
    assert!(cheapest < clinic, "cheapest first");
    let page = bo.html("/proposals?round=1&sort=supports").await;
    assert!(
        page.find("A library and archive").unwrap() < page.find("A clinic in the valley").unwrap(),
        "most supported first"
    );
    let (st, _) = bo.page("/proposal?round=1&id=999").await;
    assert_eq!(st, StatusCode::NOT_FOUND);
}

/// The round page shows what the rules of issue #15 decided: the member's own needs with
/// their change and withdraw forms, what was withdrawn or hidden and why, the rule on
/// unapproved projects, why each project was funded, and the priorities' results.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn issue_15_the_round_page_explains_the_rules() {
    let s = start(&sqlite_url(), Settings::default(), true).await;
    let fac = Client::demo(&s.base, "facilitator").await;
    let ada = Client::demo(&s.base, "ada").await;
    ada.post(
        "/api/v1/rounds/1/needs",
        json!({"product": "wool", "quantity": 2.0}),
    )
    .await;
    let html = ada.html("/round").await;
    assert!(html.contains("id=your-needs"), "{html}");
    assert!(html.contains("id=withdraw-need-2"), "{html}");
    assert!(
        !fac.html("/round").await.contains("id=your-needs"),
        "only one's own"
    );
    ada.delete("/api/v1/rounds/1/needs/2").await;
    let html = ada.html("/round").await;
    assert!(
        html.contains("Need 2: 2 wool — withdrawn by its member"),
        "{html}"
    );
    assert!(html.contains("id=unapproved-rule"), "{html}");
    fac.post("/api/v1/rounds/1/advance", json!({"to": "voting"}))
        .await;
    for (who, score) in [("ada", 5), ("bo", 3)] {
        let c = Client::demo(&s.base, who).await;
        let (st, j) = c
            .post(
                "/api/v1/rounds/1/ballot",
                json!({"approve": [2], "scores": {"bread": score}}),
            )
            .await;
        assert!(st.is_success(), "{j}");
    }
    fac.post("/api/v1/rounds/1/advance", json!({"to": "plan"}))
        .await;
    let html = ada.html("/round").await;
    assert!(
        html.contains("A rail halt at the mill (700 h): round 1 of the Method of Equal Shares"),
        "{html}"
    );
    // Bread: (5 + 3) / 2 over the two who scored it; no other product was scored.
    assert!(
        html.contains("<tr><td>bread</td><td class=n>4</td><td class=n>2 members</td></tr>"),
        "{html}"
    );
    assert!(
        !html.contains("<td>wool</td><td class=n>0"),
        "unscored products are left out"
    );
}

/// "What your votes changed" in hours and products: the plan with the member's ballot
/// against the plan without it. The hours of the projects without the ballot are the costs
/// of the projects the count without it funds; the working week with it is the recorded
/// plan's.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn issue_15_what_your_ballot_changed_in_hours_and_products() {
    let s = start(&sqlite_url(), Settings::default(), true).await;
    let fac = Client::demo(&s.base, "facilitator").await;
    fac.post("/api/v1/rounds/1/advance", json!({"to": "voting"}))
        .await;
    // Only ada approves the clinic: without her it is no candidate.
    for (who, approve) in [("ada", vec![1]), ("bo", vec![3]), ("cy", vec![3])] {
        let c = Client::demo(&s.base, who).await;
        let (st, j) = c
            .post(
                "/api/v1/rounds/1/ballot",
                json!({"approve": approve, "split": [0.7, 0.25, 0.05]}),
            )
            .await;
        assert!(st.is_success(), "{j}");
    }
    fac.post("/api/v1/rounds/1/advance", json!({"to": "plan"}))
        .await;
    let ada = Client::demo(&s.base, "ada").await;
    let plan = wait_for_plan(&ada, 1).await;
    let (_, round) = ada.get("/api/v1/rounds/1").await;
    let cost = |ids: &serde_json::Value| -> f64 {
        ids.as_array()
            .unwrap()
            .iter()
            .map(|id| {
                round["proposals"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .find(|p| &p["id"] == id)
                    .unwrap()["cost_hours"]
                    .as_f64()
                    .unwrap()
            })
            .sum()
    };
    let (st, e) = ada.get("/api/v1/rounds/1/effect").await;
    assert_eq!(st, StatusCode::OK, "{e}");
    let p = &e["plan"];
    assert_eq!(
        p["working_week_with"], plan["plan"]["working_week"],
        "{e} {plan}"
    );
    assert_eq!(
        p["project_hours"][0].as_f64().unwrap(),
        cost(&e["with_your_ballot"]["funded"])
    );
    assert_eq!(
        p["project_hours"][1].as_f64().unwrap(),
        cost(&e["without_your_ballot"]["funded"])
    );
    // Without ada the split is the median of bo and cy (the same), so only projects change:
    // the clinic's 900 hours.
    assert_eq!(e["changed"]["funded"], true, "{e}");
    assert_eq!(
        p["project_hours"][0].as_f64().unwrap() - p["project_hours"][1].as_f64().unwrap(),
        900.0,
        "{e}"
    );
    assert_ne!(p["working_week_with"], p["working_week_without"], "{e}");
}

/// How your delegate voted: shown only when the delegate chose to show it (a delegation
/// alone never reveals a ballot: anyone may delegate to anyone).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn issue_15_delegators_see_their_delegates_vote_only_if_shown() {
    let s = start(&sqlite_url(), Settings::default(), true).await;
    let fac = Client::demo(&s.base, "facilitator").await;
    let ada = Client::demo(&s.base, "ada").await;
    let bo = Client::demo(&s.base, "bo").await;
    // Bo (3) delegates projects to ada (2); ada votes.
    let (st, j) = bo
        .post("/api/v1/delegations", json!({"topic": "projects", "to": 2}))
        .await;
    assert!(st.is_success(), "{j}");
    fac.post("/api/v1/rounds/1/advance", json!({"to": "voting"}))
        .await;
    ada.post("/api/v1/rounds/1/ballot", json!({"approve": [1, 3]}))
        .await;
    let (_, v) = bo.get("/api/v1/rounds/1/delegates").await;
    let projects = &v["topics"][0];
    assert_eq!(projects["topic"], "projects", "{v}");
    assert_eq!(projects["delegate"], 2, "{v}");
    assert_eq!(projects["name"], "Ada", "{v}");
    assert_eq!(projects["shown"], false);
    assert_eq!(projects["answer"], serde_json::Value::Null, "not shown");
    let (st, _) = ada
        .post("/api/v1/delegations/openness", json!({"shown": true}))
        .await;
    assert_eq!(st, StatusCode::OK);
    let (_, v) = bo.get("/api/v1/rounds/1/delegates").await;
    assert_eq!(v["topics"][0]["answer"], json!([1, 3]), "{v}");
    // The members page says it in words.
    let html = bo.html("/members").await;
    assert!(
        html.contains(
            "projects: your vote follows Ada's ballot; they answered: A clinic in the valley, Solar roofs for the workshops"
        ),
        "{html}"
    );
    // Once bo votes on projects himself, he follows no one there.
    bo.post("/api/v1/rounds/1/ballot", json!({"approve": [2]}))
        .await;
    let (_, v) = bo.get("/api/v1/rounds/1/delegates").await;
    assert!(
        v["topics"]
            .as_array()
            .unwrap()
            .iter()
            .all(|t| t["topic"] != "projects"),
        "{v}"
    );
}

/// Council membership after admission: a member asks to join a council on /members, a
/// facilitator approves it on /facilitate, the member then leaves it.
#[tokio::test]
async fn issue_15_members_ask_to_join_councils_and_facilitators_decide() {
    let s = start(&sqlite_url(), Settings::default(), true).await;
    let fac = Client::demo(&s.base, "facilitator").await;
    let ada = Client::demo(&s.base, "ada").await;
    assert!(ada.html("/members").await.contains("id=council-join-2"));
    let (st, j) = ada.post("/api/v1/councils/2/join", json!({})).await;
    assert_eq!(st, StatusCode::OK, "{j}");
    let (st, _) = ada.post("/api/v1/councils/2/join", json!({})).await;
    assert_eq!(st, StatusCode::CONFLICT, "one request at a time");
    assert!(ada.html("/members").await.contains("your request waits"));
    let (st, _) = ada
        .post("/api/v1/councils/2/requests/2", json!({"approved": true}))
        .await;
    assert_eq!(st, StatusCode::FORBIDDEN, "members do not decide");
    let html = fac.html("/facilitate").await;
    assert!(html.contains("Ada asks to join Farms and flocks"), "{html}");
    assert!(html.contains("id=approve-2-2"), "{html}");
    let (st, j) = fac
        .post("/api/v1/councils/2/requests/2", json!({"approved": true}))
        .await;
    assert_eq!(st, StatusCode::OK, "{j}");
    assert!(ada.html("/members").await.contains("id=council-leave-2"));
    let (st, j) = ada.post("/api/v1/councils/2/leave", json!({})).await;
    assert_eq!(st, StatusCode::OK, "{j}");
    assert!(ada.html("/members").await.contains("id=council-join-2"));
    let (_, j) = fac.get("/api/v1/audit/verify").await;
    assert_eq!(j["ok"], true, "{j}");
}

/// A sign-up says what happened: the sign-in page it leads to tells a new member they can
/// take part, and an applicant that a facilitator admits them.
#[tokio::test]
async fn issue_15_a_sign_up_says_what_happened() {
    let s = start(&sqlite_url(), Settings::default(), true).await;
    for (joined, words) in [
        ("member", "you are a member of the federation"),
        ("applicant", "A facilitator admits applicants"),
    ] {
        let html = reqwest::get(format!("{}/login?joined={joined}", s.base))
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(html.contains(words), "{html}");
    }
    let script = reqwest::get(format!("{}/static/app.js", s.base))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(script.contains("'/login?joined='+(j.admitted ? 'member' : 'applicant')"));
}

/// The parts added by issue #15 follow the page's language too.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn issue_15_the_new_parts_are_translated() {
    let s = start(&sqlite_url(), Settings::default(), true).await;
    let fac = Client::demo(&s.base, "facilitator").await;
    fac.post("/api/v1/rounds/1/advance", json!({"to": "voting"}))
        .await;
    for who in ["ada", "bo"] {
        let c = Client::demo(&s.base, who).await;
        c.post(
            "/api/v1/rounds/1/ballot",
            json!({"approve": [2], "scores": {"bread": 4}}),
        )
        .await;
    }
    fac.post("/api/v1/rounds/1/advance", json!({"to": "plan"}))
        .await;
    let page = |lang: &'static str| {
        let base = s.base.clone();
        async move {
            reqwest::Client::new()
                .get(format!("{base}/round"))
                .header("accept-language", lang)
                .send()
                .await
                .unwrap()
                .text()
                .await
                .unwrap()
        }
    };
    let fr = page("fr-FR,fr;q=0.9").await;
    for words in [
        "Pourquoi chaque projet a été financé",
        "tour 1 de la méthode des parts égales",
        "note moyenne",
        ">Propositions</a>",
        ">Calendrier</a>",
    ] {
        assert!(fr.contains(words), "{words}: {fr}");
    }
    let en = page("en").await;
    assert!(en.contains("Why each project was funded"), "{en}");
}
