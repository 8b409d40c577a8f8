//! The OpenAPI 3.1 description of the JSON API, served at `/api/openapi.json`. A test checks
//! that every route of the router is described and every described route answers.

use axum::Json;
use serde_json::{json, Value};

/// (method, path, summary, needs sign-in, request schema name).
pub const OPERATIONS: &[(&str, &str, &str, bool, Option<&str>)] = &[
    (
        "get",
        "/api/health",
        "Liveness, backend and log length",
        false,
        None,
    ),
    (
        "post",
        "/api/signup",
        "Join (open sign-up or with an invitation)",
        false,
        Some("SignUp"),
    ),
    (
        "post",
        "/api/login",
        "Sign in: sets the session cookie, returns a CSRF token",
        false,
        Some("SignIn"),
    ),
    ("post", "/api/logout", "Sign out", true, None),
    (
        "get",
        "/api/me",
        "The signed-in member, a fresh CSRF token, the round receipt",
        true,
        None,
    ),
    (
        "post",
        "/api/tokens",
        "A new API token (shown once)",
        true,
        None,
    ),
    (
        "post",
        "/api/invitations",
        "Invite a member (facilitator)",
        true,
        Some("Invitation"),
    ),
    (
        "get",
        "/api/federation",
        "Federation, councils, economy, rounds, log head",
        false,
        None,
    ),
    (
        "post",
        "/api/councils",
        "Found a council (facilitator)",
        true,
        Some("Council"),
    ),
    (
        "post",
        "/api/economy",
        "Import the economy: a planning file (facilitator)",
        true,
        Some("Economy"),
    ),
    (
        "post",
        "/api/rounds",
        "Open a planning round (facilitator)",
        true,
        Some("Round"),
    ),
    (
        "get",
        "/api/rounds/current",
        "The latest round",
        false,
        None,
    ),
    (
        "get",
        "/api/rounds/{id}",
        "A round: phase, needs, proposals, count, plan",
        false,
        None,
    ),
    (
        "post",
        "/api/rounds/{id}/needs",
        "Register a need (needs phase)",
        true,
        Some("Need"),
    ),
    (
        "post",
        "/api/rounds/{id}/proposals",
        "Propose a common project (needs phase)",
        true,
        Some("Proposal"),
    ),
    (
        "post",
        "/api/rounds/{id}/ballot",
        "Cast a ballot (voting phase); a second one replaces the first",
        true,
        Some("Ballot"),
    ),
    (
        "post",
        "/api/rounds/{id}/advance",
        "Move to the next phase (facilitator); to `plan` closes and counts the vote",
        true,
        Some("Advance"),
    ),
    (
        "get",
        "/api/rounds/{id}/plan",
        "The plan, or where its computation stands",
        false,
        None,
    ),
    (
        "get",
        "/api/rounds/{id}/effect",
        "What the caller's ballot changed in the count",
        true,
        None,
    ),
    (
        "get",
        "/api/rounds/{id}/election.pb",
        "The counted project vote as a pabulib file, to rerun with pabutools",
        false,
        None,
    ),
    (
        "get",
        "/api/rounds/{id}/tally",
        "The whole count, with the rule's round-by-round explanation",
        false,
        None,
    ),
    (
        "post",
        "/api/delegations",
        "Delegate a topic to a member (revocable)",
        true,
        Some("Delegation"),
    ),
    (
        "delete",
        "/api/delegations/{topic}",
        "Revoke a delegation",
        true,
        None,
    ),
    (
        "get",
        "/api/audit/export",
        "The whole log as JSON lines (public)",
        false,
        None,
    ),
    (
        "get",
        "/api/audit/verify",
        "Verify the database's log now",
        false,
        None,
    ),
    ("get", "/api/openapi.json", "This description", false, None),
];

fn schemas() -> Value {
    let num = json!({"type": "number"});
    let s = json!({"type": "string"});
    let int = json!({"type": "integer", "minimum": 0});
    json!({
        "SignUp": {"type": "object", "required": ["email", "password", "name"], "additionalProperties": false,
            "properties": {"email": s, "password": {"type": "string", "minLength": 10}, "name": s, "councils": {"type": "array", "items": int}, "invitation": s}},
        "SignIn": {"type": "object", "required": ["email", "password"], "additionalProperties": false, "properties": {"email": s, "password": s}},
        "Invitation": {"type": "object", "additionalProperties": false, "properties": {"councils": {"type": "array", "items": int}, "role": {"enum": ["member", "facilitator"]}}},
        "Council": {"type": "object", "required": ["name", "kind"], "additionalProperties": false, "properties": {"name": s, "kind": {"enum": ["workplace", "consumer"]}, "processes": {"type": "array", "items": s, "description": "for a workplace: the processes of the economy it runs"}}},
        "Economy": {"type": "object", "required": ["text"], "additionalProperties": false, "properties": {"text": {"type": "string", "description": "a planning file (TOML), as in examples/plans"}}},
        "Round": {"type": "object", "required": ["title"], "additionalProperties": false, "properties": {
            "title": s, "rule": {"enum": ["equal_shares", "greedy_approval"]},
            "quorum": {"type": "object", "properties": {"min_turnout": {"type": "number", "minimum": 0, "maximum": 1}, "min_ballots": int}},
            "default_split": {"type": "array", "items": num, "minItems": 3, "maxItems": 3}}},
        "Need": {"type": "object", "required": ["product", "quantity"], "additionalProperties": false, "properties": {"product": s, "quantity": {"type": "number", "exclusiveMinimum": 0}}},
        "Proposal": {"type": "object", "required": ["title", "cost_hours"], "additionalProperties": false, "properties": {"title": s, "cost_hours": {"type": "number", "exclusiveMinimum": 0}, "resources": {"type": "object", "additionalProperties": num}}},
        "Ballot": {"type": "object", "properties": {
            "approve": {"type": "array", "items": int},
            "scores": {"type": "object", "additionalProperties": {"type": "integer", "minimum": 0, "maximum": 5}},
            "split": {"type": "array", "items": {"type": "number", "minimum": 0, "maximum": 1}, "minItems": 3, "maxItems": 3}}},
        "Advance": {"type": "object", "required": ["to"], "additionalProperties": false, "properties": {"to": {"enum": ["voting", "plan", "follow_up"]}}},
        "Delegation": {"type": "object", "required": ["topic", "to"], "additionalProperties": false, "properties": {"topic": {"enum": ["projects", "priorities", "split"]}, "to": int}},
        "Error": {"type": "object", "required": ["error", "message"], "properties": {"error": s, "message": s}},
    })
}

/// The description.
pub fn document() -> Value {
    let mut paths = serde_json::Map::new();
    for (method, path, summary, auth, body) in OPERATIONS {
        let mut op = json!({
            "summary": summary,
            "responses": {
                "200": {"description": "done", "content": {"application/json": {}}},
                "201": {"description": "created", "content": {"application/json": {}}},
                "default": {"description": "error", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
            }
        });
        if *auth {
            op["security"] = json!([{"session": [], "csrf": []}, {"token": []}]);
        }
        if let Some(b) = body {
            op["requestBody"] = json!({"required": true, "content": {"application/json": {"schema": {"$ref": format!("#/components/schemas/{b}")}}}});
        }
        let mut params = Vec::new();
        if path.contains("{id}") {
            params.push(json!({"name": "id", "in": "path", "required": true, "schema": {"type": "integer", "minimum": 1}}));
        }
        if path.contains("{topic}") {
            params.push(json!({"name": "topic", "in": "path", "required": true, "schema": {"enum": ["projects", "priorities", "split"]}}));
        }
        if !params.is_empty() {
            op["parameters"] = Value::Array(params);
        }
        let entry = paths.entry(path.to_string()).or_insert_with(|| json!({}));
        entry[*method] = op;
    }
    json!({
        "openapi": "3.1.0",
        "info": {"title": "plenty participatory service", "version": env!("CARGO_PKG_VERSION"),
                 "description": "Members register needs and proposals, vote, and see the plan; every decision is in a hash-chained log."},
        "paths": paths,
        "components": {
            "schemas": schemas(),
            "securitySchemes": {
                "session": {"type": "apiKey", "in": "cookie", "name": "plenty_session"},
                "csrf": {"type": "apiKey", "in": "header", "name": "X-CSRF-Token"},
                "token": {"type": "http", "scheme": "bearer"}
            }
        }
    })
}

/// `GET /api/openapi.json`.
pub async fn spec() -> Json<Value> {
    Json(document())
}
