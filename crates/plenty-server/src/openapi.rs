//! The OpenAPI 3.1 description of the JSON API, served at `/api/v1/openapi.json`.
//!
//! Paths are under [`PREFIX`]; the same operations answer under `/api` too (the paths of
//! plenty 0.1.0, kept as aliases). Each operation names its request body's schema (written
//! here) and its response type; the response schemas and examples are made from the response
//! types themselves ([`Described::examples`], serialised), so they show exactly the fields the
//! handlers send. Tests check that every route of the routers is described, that every
//! described route answers, and that live answers have the described fields.

use crate::api::{self, Described, PREFIX};
use axum::Json;
use serde_json::{json, Map, Value};

/// What an operation answers with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResponseKind {
    /// JSON of a response type, by its [`Described::NAME`], with this status.
    Json(u16, &'static str),
    /// Text of a media type.
    Text(&'static str),
}

/// One operation of the API.
#[derive(Debug, Clone, Copy)]
pub struct Operation {
    /// HTTP method, lowercase.
    pub method: &'static str,
    /// Path under [`PREFIX`].
    pub path: &'static str,
    /// What it does.
    pub summary: &'static str,
    /// Whether it needs a signed-in member.
    pub auth: bool,
    /// The request body's schema, if it takes one.
    pub request: Option<&'static str>,
    /// What it answers.
    pub answer: ResponseKind,
}

const fn op(
    method: &'static str,
    path: &'static str,
    summary: &'static str,
    auth: bool,
    request: Option<&'static str>,
    answer: ResponseKind,
) -> Operation {
    Operation {
        method,
        path,
        summary,
        auth,
        request,
        answer,
    }
}

use ResponseKind::{Json as J, Text};

/// Every operation.
pub const OPERATIONS: &[Operation] = &[
    op(
        "get",
        "/health",
        "Liveness, backend and log length",
        false,
        None,
        J(200, "Health"),
    ),
    op(
        "post",
        "/signup",
        "Join with an invitation, or apply (open sign-up only) and await a facilitator",
        false,
        Some("SignUp"),
        J(201, "Joined"),
    ),
    op(
        "post",
        "/login",
        "Sign in: sets the session cookie, returns a CSRF token",
        false,
        Some("SignIn"),
        J(200, "SignedIn"),
    ),
    op(
        "post",
        "/logout",
        "Sign out",
        true,
        None,
        J(200, "SignedOut"),
    ),
    op(
        "get",
        "/me",
        "The signed-in member, a fresh CSRF token, the round receipt",
        true,
        None,
        J(200, "Me"),
    ),
    op(
        "post",
        "/password",
        "Change the password; ends the other sessions and revokes every API token",
        true,
        Some("NewPassword"),
        J(200, "PasswordChanged"),
    ),
    op(
        "post",
        "/password/forgot",
        "E-mail a link to reset a forgotten password (always 202 and the same answer, account or not)",
        false,
        Some("Forgot"),
        J(202, "ResetRequested"),
    ),
    op(
        "post",
        "/password/reset",
        "Set a new password with the token of a reset e-mail (once, within its hour); ends every session",
        false,
        Some("Reset"),
        J(200, "PasswordReset"),
    ),
    op(
        "delete",
        "/me",
        "Delete the caller's account (with the password): personal data erased, `member_left` in the log",
        true,
        Some("DeleteAccount"),
        J(200, "AccountDeleted"),
    ),
    op(
        "get",
        "/me/profile",
        "The caller's name, e-mail and whether notices are e-mailed to them",
        true,
        None,
        J(200, "Profile"),
    ),
    op(
        "post",
        "/me/profile",
        "Change the caller's name and whether notices are e-mailed to them",
        true,
        Some("ProfileChange"),
        J(200, "Profile"),
    ),
    op(
        "get",
        "/me/notices",
        "Phase changes, abandoned rounds and ready plans, newest first, marked seen or not",
        true,
        None,
        J(200, "NoticeList"),
    ),
    op(
        "post",
        "/me/notices/seen",
        "Mark every notice so far as seen",
        true,
        None,
        J(200, "NoticesSeen"),
    ),
    op(
        "get",
        "/me/receipts",
        "For each round the caller voted in: their ballot pseudonym and the log position of their ballot",
        true,
        None,
        J(200, "Receipts"),
    ),
    op(
        "post",
        "/tokens",
        "A new API token (shown once), with a label and an expiry (body optional)",
        true,
        Some("NewToken"),
        J(201, "TokenIssued"),
    ),
    op(
        "get",
        "/tokens",
        "The caller's API tokens (not the tokens themselves)",
        true,
        None,
        J(200, "Tokens"),
    ),
    op(
        "delete",
        "/tokens/{token}",
        "Revoke one of the caller's API tokens by its id",
        true,
        None,
        J(200, "TokenRevoked"),
    ),
    op(
        "post",
        "/invitations",
        "Invite a member (facilitator); the invitation expires",
        true,
        Some("Invitation"),
        J(201, "InvitationIssued"),
    ),
    op(
        "get",
        "/applicants",
        "Applicants of open sign-up awaiting admission (facilitator)",
        true,
        None,
        J(200, "Applicants"),
    ),
    op(
        "post",
        "/applicants/{id}/admit",
        "Admit an applicant into the councils given (facilitator)",
        true,
        Some("Admit"),
        J(200, "Admitted"),
    ),
    op(
        "get",
        "/federation",
        "Federation, councils, economy, rounds, log head",
        false,
        None,
        J(200, "Federation"),
    ),
    op(
        "post",
        "/councils",
        "Found a council (facilitator)",
        true,
        Some("Council"),
        J(201, "CouncilCreated"),
    ),
    op(
        "post",
        "/economy",
        "Import the economy: a planning file (facilitator)",
        true,
        Some("Economy"),
        J(201, "EconomyStored"),
    ),
    op(
        "post",
        "/rounds",
        "Open a planning round (facilitator)",
        true,
        Some("Round"),
        J(201, "RoundCreated"),
    ),
    op(
        "get",
        "/rounds/current",
        "The latest round",
        false,
        None,
        J(200, "Round"),
    ),
    op(
        "get",
        "/rounds/{id}",
        "A round: phase, needs, proposals, count, plan",
        false,
        None,
        J(200, "Round"),
    ),
    op(
        "post",
        "/rounds/{id}/needs",
        "Register a need (needs phase)",
        true,
        Some("Need"),
        J(201, "NeedRegistered"),
    ),
    op(
        "post",
        "/rounds/{id}/proposals",
        "Propose a common project (needs phase)",
        true,
        Some("Proposal"),
        J(201, "ProposalCreated"),
    ),
    op(
        "patch",
        "/rounds/{id}/needs/{need}",
        "Change the quantity of one of your needs (needs phase)",
        true,
        Some("NeedChange"),
        J(200, "ItemChanged"),
    ),
    op(
        "delete",
        "/rounds/{id}/needs/{need}",
        "Withdraw one of your needs (needs phase)",
        true,
        None,
        J(200, "ItemChanged"),
    ),
    op(
        "get",
        "/rounds/{id}/proposals/{proposal}",
        "A proposal with its description, author (if signed), earlier versions and comments",
        false,
        None,
        J(200, "ProposalDetail"),
    ),
    op(
        "post",
        "/rounds/{id}/proposals/{proposal}/comments",
        "Comment on a proposal (until voting closes)",
        true,
        Some("Comment"),
        J(201, "CommentPosted"),
    ),
    op(
        "post",
        "/rounds/{id}/proposals/{proposal}/support",
        "Support a proposal before the vote, or take the support back",
        true,
        Some("Support"),
        J(200, "SupportRecorded"),
    ),
    op(
        "post",
        "/rounds/{id}/comments/{comment}/hide",
        "Hide a comment, with a reason every member reads (facilitator)",
        true,
        Some("HideComment"),
        J(200, "CommentHidden"),
    ),
    op(
        "patch",
        "/rounds/{id}/proposals/{proposal}",
        "Amend your proposal's title and cost (needs phase)",
        true,
        Some("ProposalChange"),
        J(200, "ItemChanged"),
    ),
    op(
        "delete",
        "/rounds/{id}/proposals/{proposal}",
        "Withdraw your proposal (needs phase)",
        true,
        None,
        J(200, "ItemChanged"),
    ),
    op(
        "post",
        "/rounds/{id}/hide",
        "Hide a need (until voting closes) or a proposal (before voting opens), with a reason every member reads (facilitator)",
        true,
        Some("Hide"),
        J(200, "ItemChanged"),
    ),
    op(
        "post",
        "/rounds/{id}/deadline",
        "Set when the needs or voting phase ends (facilitator); the service moves the round on by itself then",
        true,
        Some("Deadline"),
        J(200, "DeadlineRecorded"),
    ),
    op(
        "get",
        "/councils/requests",
        "Requests to join a council waiting for a facilitator (facilitator)",
        true,
        None,
        J(200, "JoinRequests"),
    ),
    op(
        "post",
        "/councils/{council}/join",
        "Ask to join a council; a facilitator decides",
        true,
        None,
        J(200, "MembershipChanged"),
    ),
    op(
        "post",
        "/councils/{council}/leave",
        "Leave a council",
        true,
        None,
        J(200, "MembershipChanged"),
    ),
    op(
        "post",
        "/councils/{council}/requests/{member}",
        "Approve or refuse a request to join a council (facilitator)",
        true,
        Some("Decision"),
        J(200, "MembershipChanged"),
    ),
    op(
        "post",
        "/delegations/openness",
        "Whether the members who delegate to you see how you voted (off by default)",
        true,
        Some("Openness"),
        J(200, "OpennessRecorded"),
    ),
    op(
        "get",
        "/rounds/{id}/delegates",
        "Whose ballot you follow on each topic you did not vote on, and how they voted if they show it",
        true,
        None,
        J(200, "DelegatesVotes"),
    ),
    op(
        "post",
        "/rounds/{id}/ballot",
        "Cast a ballot (voting phase); a second one replaces the first",
        true,
        Some("Ballot"),
        J(200, "BallotReceipt"),
    ),
    op(
        "post",
        "/rounds/{id}/advance",
        "Move to the next phase (facilitator); to `plan` closes and counts the vote",
        true,
        Some("Advance"),
        J(200, "PhaseChanged"),
    ),
    op(
        "post",
        "/rounds/{id}/abandon",
        "Abandon a round that cannot go on (facilitator): closed without a plan, the reason kept in the log",
        true,
        Some("Abandon"),
        J(200, "PhaseChanged"),
    ),
    op(
        "get",
        "/rounds/{id}/plan",
        "The plan, or where its computation stands",
        false,
        None,
        J(200, "Plan"),
    ),
    op(
        "get",
        "/rounds/{id}/my-ballot",
        "The caller's own ballot in a round (the last one cast), to fill in the ballot form",
        true,
        None,
        J(200, "MyBallot"),
    ),
    op(
        "get",
        "/rounds/{id}/effect",
        "What the caller's ballot changed in the count",
        true,
        None,
        J(200, "BallotEffect"),
    ),
    op(
        "get",
        "/rounds/{id}/election.pb",
        "The counted project vote as a pabulib file, to rerun with pabutools",
        false,
        None,
        Text("text/plain"),
    ),
    op(
        "get",
        "/rounds/{id}/tally",
        "The whole count, with the rule's round-by-round explanation",
        false,
        None,
        J(200, "Tally"),
    ),
    op(
        "post",
        "/delegations",
        "Delegate a topic to a member (revocable)",
        true,
        Some("Delegation"),
        J(201, "Delegated"),
    ),
    op(
        "delete",
        "/delegations/{topic}",
        "Revoke a delegation",
        true,
        None,
        J(200, "Revoked"),
    ),
    op(
        "get",
        "/audit/export",
        "The whole log as JSON lines (public)",
        false,
        None,
        Text("application/x-ndjson"),
    ),
    op(
        "get",
        "/audit/verify",
        "Verify the database's log now",
        false,
        None,
        J(200, "Verified"),
    ),
    op(
        "get",
        "/log/key",
        "The log's verifying key (Ed25519), to check its checkpoints",
        false,
        None,
        J(200, "LogKey"),
    ),
    op(
        "get",
        "/log/checkpoint",
        "The latest signed checkpoint (size, Merkle root, head) at the durable size, as text",
        false,
        None,
        Text("text/plain"),
    ),
    op(
        "get",
        "/log/proof/inclusion",
        "The proof that entry `seq` is in the log of `size` entries (default: the latest checkpoint's)",
        false,
        None,
        J(200, "InclusionProof"),
    ),
    op(
        "get",
        "/log/proof/consistency",
        "The proof that the log of `to` entries extends the log of `from` entries",
        false,
        None,
        J(200, "ConsistencyProof"),
    ),
    op(
        "post",
        "/accounting/workplaces",
        "Name who reports a workplace council's hours (facilitator; replaces the list)",
        true,
        Some("Workplace"),
        J(201, "Named"),
    ),
    op(
        "post",
        "/accounting/distribution-points",
        "Name a consumer council a distribution point and who posts its purchases (facilitator)",
        true,
        Some("DistributionPoint"),
        J(201, "Named"),
    ),
    op(
        "post",
        "/accounting/auditors",
        "Name the auditors, who may read every member's statement (facilitator; replaces the list)",
        true,
        Some("Auditors"),
        J(201, "Named"),
    ),
    op(
        "post",
        "/accounting/hours",
        "Report a member's hours for a period (a workplace's reporter); paid once the member confirms",
        true,
        Some("Hours"),
        J(201, "HoursRecorded"),
    ),
    op(
        "post",
        "/accounting/prices",
        "Publish the next period's prices from a round's plan: labour values times the demand ratio (facilitator)",
        true,
        Some("PriceRound"),
        J(201, "Prices"),
    ),
    op(
        "get",
        "/accounting/prices",
        "The prices in force",
        true,
        None,
        J(200, "Prices"),
    ),
    op(
        "post",
        "/accounting/purchases",
        "Post a member's purchase at the price in force (a distribution point's operator); queued when out of stock",
        true,
        Some("Purchase"),
        J(201, "PurchasePosted"),
    ),
    op(
        "get",
        "/accounting/report",
        "Totals, the working week the plan needs, the Gini of consumption and the top tenth's share, unmet needs and queues",
        true,
        None,
        J(200, "AccountingReport"),
    ),
    op(
        "post",
        "/me/hours/{id}/confirm",
        "Confirm one of your reports of hours: paid at the deduction rates in force",
        true,
        None,
        J(200, "HoursSettled"),
    ),
    op(
        "post",
        "/me/hours/{id}/dispute",
        "Dispute one of your reports of hours: nothing is paid",
        true,
        Some("Dispute"),
        J(200, "HoursSettled"),
    ),
    op(
        "post",
        "/me/deductions",
        "Your ballot on the deduction rates (investment, common goods, care); the medians are in force",
        true,
        Some("DeductionBallot"),
        J(200, "Deductions"),
    ),
    op(
        "get",
        "/me/statement",
        "Your statement: hours, deductions, credits, consumption, and reports awaiting you",
        true,
        None,
        J(200, "Statement"),
    ),
    op(
        "get",
        "/members/{id}/statement",
        "A member's statement: the member's own, or any for the auditors the federation named (403 otherwise)",
        true,
        None,
        J(200, "Statement"),
    ),
    op(
        "get",
        "/openapi.json",
        "This description",
        false,
        None,
        J(200, "OpenApi"),
    ),
];

fn examples<T: Described>() -> (&'static str, Vec<Value>) {
    (
        T::NAME,
        T::examples()
            .iter()
            .map(|e| serde_json::to_value(e).expect("response examples serialise"))
            .collect(),
    )
}

/// Every response type: its name and its examples as JSON.
pub fn response_examples() -> Vec<(&'static str, Vec<Value>)> {
    use api::transparency as t;
    use api::{accounts as a, audit as au, delegation as d, federation as f, rounds as r};
    vec![
        examples::<au::Health>(),
        examples::<a::Joined>(),
        examples::<a::SignedIn>(),
        examples::<a::SignedOut>(),
        examples::<a::Me>(),
        examples::<a::TokenIssued>(),
        examples::<a::Tokens>(),
        examples::<a::TokenRevoked>(),
        examples::<a::PasswordChanged>(),
        examples::<a::InvitationIssued>(),
        examples::<a::Applicants>(),
        examples::<a::Admitted>(),
        examples::<api::recovery::ResetRequested>(),
        examples::<api::recovery::PasswordReset>(),
        examples::<api::me::AccountDeleted>(),
        examples::<api::me::Profile>(),
        examples::<api::me::NoticeList>(),
        examples::<api::me::NoticesSeen>(),
        examples::<api::me::Receipts>(),
        examples::<f::FederationView>(),
        examples::<f::CouncilCreated>(),
        examples::<f::EconomyStored>(),
        examples::<r::RoundCreated>(),
        examples::<r::RoundView>(),
        examples::<r::NeedRegistered>(),
        examples::<r::ProposalCreated>(),
        examples::<r::ItemChanged>(),
        examples::<d::OpennessRecorded>(),
        examples::<crate::api::membership::MembershipChanged>(),
        examples::<crate::api::membership::JoinRequests>(),
        examples::<d::DelegatesVotes>(),
        examples::<crate::api::discussion::ProposalDetail>(),
        examples::<crate::api::discussion::CommentPosted>(),
        examples::<crate::api::discussion::CommentHiddenView>(),
        examples::<crate::api::discussion::SupportRecorded>(),
        examples::<r::DeadlineRecorded>(),
        examples::<r::BallotReceipt>(),
        examples::<r::PhaseChanged>(),
        examples::<r::PlanView>(),
        examples::<r::BallotEffect>(),
        examples::<api::mine::MyBallot>(),
        examples::<plenty_ledger::RoundTally>(),
        examples::<d::Delegated>(),
        examples::<d::Revoked>(),
        examples::<au::Verified>(),
        examples::<t::LogKey>(),
        examples::<t::InclusionProof>(),
        examples::<t::ConsistencyProof>(),
        examples::<api::accounting::Named>(),
        examples::<api::accounting::HoursRecorded>(),
        examples::<api::accounting::HoursSettled>(),
        examples::<api::accounting::DeductionsView>(),
        examples::<api::accounting::PricesView>(),
        examples::<api::accounting::PurchasePosted>(),
        examples::<plenty_ledger::accounting::AccountingReport>(),
        examples::<plenty_ledger::accounting::Statement>(),
        examples::<api::ErrorBody>(),
    ]
}

/// Fields that are maps from names (products, resources, topics) to values, or free-form
/// JSON: described as such, not by the keys their example happens to have.
const FREE_FORM: &[&str] = &[
    "resources",
    "scores",
    "delegations",
    "explanation",
    "prices",
];

/// A JSON schema that every one of `values` fits: objects by their fields (required when
/// every example has them), arrays by their items, and `null` allowed where an example has it.
pub fn schema_of(values: &[&Value]) -> Value {
    let nullable = values.iter().any(|v| v.is_null());
    let present: Vec<&Value> = values.iter().copied().filter(|v| !v.is_null()).collect();
    let mut schema = if present.is_empty() {
        json!({})
    } else if present.iter().all(|v| v.is_object()) {
        let mut keys: Vec<&String> = Vec::new();
        for v in &present {
            for k in v.as_object().into_iter().flat_map(|o| o.keys()) {
                if !keys.contains(&k) {
                    keys.push(k);
                }
            }
        }
        let mut properties = Map::new();
        let mut required = Vec::new();
        for k in keys {
            let of: Vec<&Value> = present.iter().filter_map(|v| v.get(k)).collect();
            if of.len() == present.len() {
                required.push(json!(k));
            }
            let p = if FREE_FORM.contains(&k.as_str()) && of.iter().all(|v| v.is_object()) {
                json!({"type": "object", "additionalProperties": true})
            } else {
                schema_of(&of)
            };
            properties.insert(k.clone(), p);
        }
        json!({"type": "object", "properties": properties, "required": required})
    } else if present.iter().all(|v| v.is_array()) {
        let items: Vec<&Value> = present
            .iter()
            .flat_map(|v| v.as_array().into_iter().flatten())
            .collect();
        json!({"type": "array", "items": schema_of(&items)})
    } else if present.iter().all(|v| v.is_string()) {
        json!({"type": "string"})
    } else if present.iter().all(|v| v.is_u64() || v.is_i64()) {
        json!({"type": "integer"})
    } else if present.iter().all(|v| v.is_number()) {
        json!({"type": "number"})
    } else if present.iter().all(|v| v.is_boolean()) {
        json!({"type": "boolean"})
    } else {
        json!({})
    };
    if nullable {
        if let Some(t) = schema.get("type").cloned() {
            schema["type"] = json!([t, "null"]);
        }
    }
    schema
}

fn request_schemas() -> Value {
    let num = json!({"type": "number"});
    let s = json!({"type": "string"});
    let int = json!({"type": "integer", "minimum": 0});
    let mut schemas = json!({
        "SignUp": {"type": "object", "required": ["email", "password", "name"], "additionalProperties": false,
            "properties": {"email": {"type": "string", "maxLength": 254}, "password": {"type": "string", "minLength": 10, "maxLength": 1024}, "name": {"type": "string", "minLength": 1, "maxLength": 100}, "invitation": {"type": "string", "maxLength": 128}}},
        "SignIn": {"type": "object", "required": ["email", "password"], "additionalProperties": false, "properties": {"email": {"type": "string", "maxLength": 254}, "password": {"type": "string", "maxLength": 1024}}},
        "NewPassword": {"type": "object", "required": ["current", "new"], "additionalProperties": false, "properties": {"current": s, "new": {"type": "string", "minLength": 10, "maxLength": 1024}}},
        "NewToken": {"type": "object", "additionalProperties": false, "properties": {"label": {"type": "string", "maxLength": 100}, "days": {"type": "integer", "minimum": 1, "maximum": 365}}},
        "Invitation": {"type": "object", "additionalProperties": false, "properties": {"councils": {"type": "array", "items": int}, "role": {"enum": ["member", "facilitator"]}, "days": {"type": "integer", "minimum": 1, "maximum": 90}}},
        "Admit": {"type": "object", "required": ["councils"], "additionalProperties": false, "properties": {"councils": {"type": "array", "items": int}}},
        "Council": {"type": "object", "required": ["name", "kind"], "additionalProperties": false, "properties": {"name": s, "kind": {"enum": ["workplace", "consumer"]}, "processes": {"type": "array", "items": s, "description": "for a workplace: the processes of the economy it runs"}}},
        "Economy": {"type": "object", "required": ["text"], "additionalProperties": false, "properties": {"text": {"type": "string", "description": "a planning file (TOML), as in examples/plans"}}},
        "Round": {"type": "object", "required": ["title"], "additionalProperties": false, "properties": {
            "limits": {"type": "object", "additionalProperties": false, "description": "each member's limits and the need cap (docs/service.md, 'Needs that count')",
                "properties": {"needs_per_member": {"type": "integer", "minimum": 1, "maximum": 500}, "proposals_per_member": {"type": "integer", "minimum": 1, "maximum": 50}, "need_cap_factor": {"type": "number", "minimum": 1, "maximum": 1000}}},
            "title": s, "rule": {"enum": ["equal_shares", "greedy_approval"]},
            "quorum": {"type": "object", "properties": {"min_turnout": {"type": "number", "minimum": 0, "maximum": 0.6666666666666666}, "min_ballots": int}},
            "default_split": {"type": "array", "items": num, "minItems": 3, "maxItems": 3, "description": "consumption, investment, common funds"},
            "rules": {"type": "object", "additionalProperties": false, "description": "the counting rules (docs/service.md, 'How the vote is counted')", "properties": {"fund_unapproved": {"type": "boolean", "description": "whether the completion step may fund a project no member approved (default false)"}}}}},
        "Need": {"type": "object", "required": ["product", "quantity"], "additionalProperties": false, "properties": {"product": s, "quantity": {"type": "number", "exclusiveMinimum": 0}, "year": {"type": "integer", "description": "in a multi-year round: the year the need is for, one of the round's `years` (absent: every year)"}, "confirm": {"type": "boolean", "description": "register it even though it is far beyond what the economy can make (without it: 409 needs_confirmation, saying why)"}}},
        "NeedChange": {"type": "object", "required": ["quantity"], "additionalProperties": false, "properties": {"quantity": {"type": "number", "exclusiveMinimum": 0}, "confirm": {"type": "boolean", "description": "register it even though it is far beyond what the economy can make (without it: 409 needs_confirmation, saying why)"}}},
        "Comment": {"type": "object", "required": ["text"], "additionalProperties": false, "properties": {"text": {"type": "string", "minLength": 1, "maxLength": 2000}}},
        "HideComment": {"type": "object", "required": ["reason"], "additionalProperties": false, "properties": {"reason": {"type": "string", "minLength": 1, "maxLength": 1000}}},
        "ProposalChange": {"type": "object", "required": ["title", "cost_hours"], "additionalProperties": false, "properties": {"title": s, "cost_hours": {"type": "number", "exclusiveMinimum": 0}, "description": {"type": "string", "maxLength": 4000}, "confirm": {"type": "boolean", "description": "register it even though it is far beyond what the economy can make (without it: 409 needs_confirmation, saying why)"}}},
        "Hide": {"type": "object", "required": ["item", "reason"], "additionalProperties": false, "properties": {"item": {"oneOf": [
            {"type": "object", "required": ["kind", "need"], "properties": {"kind": {"const": "need"}, "need": int}},
            {"type": "object", "required": ["kind", "proposal"], "properties": {"kind": {"const": "proposal"}, "proposal": int}}]},
            "reason": {"type": "string", "minLength": 1, "maxLength": 1000}}},
        "Proposal": {"type": "object", "required": ["title", "cost_hours"], "additionalProperties": false, "properties": {"title": s, "cost_hours": {"type": "number", "exclusiveMinimum": 0}, "resources": {"type": "object", "additionalProperties": num}, "description": {"type": "string", "maxLength": 4000, "description": "what it is, where, why, for whom"}, "signed": {"type": "boolean", "description": "name the proposer as its author"}, "confirm": {"type": "boolean", "description": "register it even though it is far beyond what the economy can make (without it: 409 needs_confirmation, saying why)"}}},
        "Ballot": {"type": "object", "additionalProperties": false, "properties": {
            "approve": {"type": "array", "items": int},
            "scores": {"type": "object", "additionalProperties": {"type": "integer", "minimum": 0, "maximum": 5}},
            "split": {"type": "array", "items": {"type": "number", "minimum": 0, "maximum": 1}, "minItems": 3, "maxItems": 3, "description": "consumption, investment, common funds"},
            "discount_rate": {"type": "number", "minimum": 0, "maximum": 0.2, "description": "in a multi-year round: the weight on the present, a yearly discount rate; the plan uses the median of the ballots' rates (topic: split)"}}},
        "Deadline": {"type": "object", "required": ["phase", "at_ms"], "additionalProperties": false, "properties": {"phase": {"enum": ["needs", "voting"]}, "at_ms": {"type": "integer", "description": "milliseconds since 1970-01-01 UTC"}}},
        "Support": {"type": "object", "required": ["supported"], "additionalProperties": false, "properties": {"supported": {"type": "boolean"}}},
        "Decision": {"type": "object", "required": ["approved"], "additionalProperties": false, "properties": {"approved": {"type": "boolean"}}},
        "Openness": {"type": "object", "required": ["shown"], "additionalProperties": false, "properties": {"shown": {"type": "boolean"}}},
        "Abandon": {"type": "object", "required": ["reason"], "additionalProperties": false, "properties": {"reason": {"type": "string", "minLength": 1, "maxLength": 1000}}},
        "Advance": {"type": "object", "required": ["to"], "additionalProperties": false, "properties": {"to": {"enum": ["voting", "plan", "follow_up"]}}},
        "Delegation": {"type": "object", "required": ["topic", "to"], "additionalProperties": false, "properties": {"topic": {"enum": ["projects", "priorities", "split"]}, "to": int}},
        "Forgot": {"type": "object", "required": ["email"], "additionalProperties": false, "properties": {"email": {"type": "string", "maxLength": 254}}},
        "Reset": {"type": "object", "required": ["token", "new"], "additionalProperties": false, "properties": {"token": {"type": "string", "maxLength": 128, "description": "the token of the reset e-mail's link"}, "new": {"type": "string", "minLength": 10, "maxLength": 1024}}},
        "DeleteAccount": {"type": "object", "required": ["password"], "additionalProperties": false, "properties": {"password": {"type": "string", "maxLength": 1024}}},
        "ProfileChange": {"type": "object", "additionalProperties": false, "properties": {"name": {"type": "string", "minLength": 1, "maxLength": 100}, "notify_email": {"type": "boolean", "description": "whether notices (a phase change, a plan ready) are e-mailed"}}},
        "OpenApi": {"type": "object", "required": ["openapi", "info", "paths", "components"], "description": "an OpenAPI 3.1 document"},
    });
    // Issue #16's requests, apart: one `json!` of every schema is past the macro's recursion
    // limit.
    let accounting = json!({
        "Workplace": {"type": "object", "required": ["council", "reporters"], "additionalProperties": false, "properties": {"council": int, "reporters": {"type": "array", "items": int, "maxItems": 1000, "description": "admitted members who report the workplace's hours"}}},
        "DistributionPoint": {"type": "object", "required": ["council", "operators"], "additionalProperties": false, "properties": {"council": int, "operators": {"type": "array", "items": int, "maxItems": 1000, "description": "admitted members who post the point's purchases"}}},
        "Auditors": {"type": "object", "required": ["auditors"], "additionalProperties": false, "properties": {"auditors": {"type": "array", "items": int, "maxItems": 1000}}},
        "Hours": {"type": "object", "required": ["member", "council", "period", "hours"], "additionalProperties": false, "properties": {"member": int, "council": int, "period": {"type": "string", "minLength": 1, "maxLength": 40, "description": "the period worked, e.g. 2026-W49"}, "hours": {"type": "number", "exclusiveMinimum": 0, "maximum": 744}}},
        "PriceRound": {"type": "object", "required": ["round"], "additionalProperties": false, "properties": {"round": {"type": "integer", "minimum": 1, "description": "the round whose plan prices the goods"}}},
        "Purchase": {"type": "object", "required": ["member", "council", "product", "quantity"], "additionalProperties": false, "properties": {"member": int, "council": int, "product": {"type": "string", "description": "a consumer good of the price list"}, "quantity": {"type": "number", "exclusiveMinimum": 0}}},
        "Dispute": {"type": "object", "required": ["reason"], "additionalProperties": false, "properties": {"reason": {"type": "string", "minLength": 1, "maxLength": 1000}}},
        "DeductionBallot": {"type": "object", "required": ["investment", "common_goods", "care"], "additionalProperties": false, "description": "shares of the hours worked, each in [0, 1), together below 1", "properties": {"investment": {"type": "number", "minimum": 0, "exclusiveMaximum": 1}, "common_goods": {"type": "number", "minimum": 0, "exclusiveMaximum": 1}, "care": {"type": "number", "minimum": 0, "exclusiveMaximum": 1}}}
    });
    if let (Some(all), Value::Object(more)) = (schemas.as_object_mut(), accounting) {
        all.extend(more);
    }
    schemas
}

/// The description.
pub fn document() -> Value {
    let mut schemas = request_schemas();
    let examples = response_examples();
    for (name, values) in &examples {
        let refs: Vec<&Value> = values.iter().collect();
        schemas[*name] = schema_of(&refs);
    }
    // The plan is large and its fields are the log's: described there.
    schemas["Plan"]["properties"]["inputs"] = json!({"description": "what the plan was computed from: `inputs` of the round's `plan_recorded` log entry (null until the plan is recorded)"});
    schemas["Plan"]["properties"]["plan"] = json!({"description": "the plan: `result` of the round's `plan_recorded` log entry (null until the plan is recorded)"});
    schemas["Plan"]["properties"]["years"] = json!({"description": "in a multi-year round, the plan year by year: `years` of the round's `plan_recorded` log entry (its `inputs`, `result` and their digests); null in a single-year round and until the plan is recorded"});
    let mut paths = Map::new();
    for o in OPERATIONS {
        let answer = match o.answer {
            J(status, schema) => {
                let mut content =
                    json!({"schema": {"$ref": format!("#/components/schemas/{schema}")}});
                if let Some((_, v)) = examples.iter().find(|(n, _)| *n == schema) {
                    content["example"] = v[0].clone();
                }
                (
                    status.to_string(),
                    json!({"description": "done", "content": {"application/json": content}}),
                )
            }
            Text(media) => (
                "200".to_string(),
                json!({"description": "done", "content": {media: {"schema": {"type": "string"}}}}),
            ),
        };
        let mut responses = Map::new();
        responses.insert(answer.0, answer.1);
        responses.insert(
            "default".into(),
            json!({"description": "error", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}),
        );
        let mut op = json!({"summary": o.summary, "responses": responses});
        if o.auth {
            op["security"] = json!([{"session": [], "csrf": []}, {"token": []}]);
        }
        if let Some(b) = o.request {
            op["requestBody"] = json!({"required": true, "content": {"application/json": {"schema": {"$ref": format!("#/components/schemas/{b}")}}}});
        }
        let mut params = Vec::new();
        if o.path.contains("{id}") {
            params.push(json!({"name": "id", "in": "path", "required": true, "schema": {"type": "integer", "minimum": 1}}));
        }
        if o.path.contains("{token}") {
            params.push(json!({"name": "token", "in": "path", "required": true, "schema": {"type": "string", "pattern": "^[0-9a-f]{16}$"}, "description": "the token's id, as GET /tokens lists it"}));
        }
        if o.path.contains("{topic}") {
            params.push(json!({"name": "topic", "in": "path", "required": true, "schema": {"enum": ["projects", "priorities", "split"]}}));
        }
        if !params.is_empty() {
            op["parameters"] = Value::Array(params);
        }
        let entry = paths
            .entry(format!("{PREFIX}{}", o.path))
            .or_insert_with(|| json!({}));
        entry[o.method] = op;
    }
    json!({
        "openapi": "3.1.0",
        "info": {"title": "plenty participatory service", "version": env!("CARGO_PKG_VERSION"),
                 "description": "Members register needs and proposals, vote, and see the plan; every decision is in a hash-chained log. Every path also answers without its /v1 (the paths of plenty 0.1.0, kept as aliases)."},
        "paths": paths,
        "components": {
            "schemas": schemas,
            "securitySchemes": {
                "session": {"type": "apiKey", "in": "cookie", "name": "plenty_session"},
                "csrf": {"type": "apiKey", "in": "header", "name": "X-CSRF-Token"},
                "token": {"type": "http", "scheme": "bearer"}
            }
        }
    })
}

/// `GET /openapi.json`.
pub async fn spec() -> Json<Value> {
    Json(document())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every operation's response schema is one of the response types, and every response
    /// type's examples fit its own schema.
    #[test]
    fn issue_11_every_answer_is_a_described_type() {
        let doc = document();
        let names: Vec<&str> = response_examples().iter().map(|(n, _)| *n).collect();
        for o in OPERATIONS {
            if let J(_, schema) = o.answer {
                assert!(
                    names.contains(&schema) || schema == "OpenApi",
                    "{} {}: {schema} is no response type",
                    o.method,
                    o.path
                );
                assert!(doc["components"]["schemas"][schema].is_object(), "{schema}");
            }
        }
        for (name, values) in response_examples() {
            let schema = &doc["components"]["schemas"][name];
            for v in &values {
                let fields: Vec<&String> = v.as_object().unwrap().keys().collect();
                for f in &fields {
                    assert!(schema["properties"][f.as_str()].is_object(), "{name}.{f}");
                }
                for r in schema["required"].as_array().unwrap() {
                    assert!(v.get(r.as_str().unwrap()).is_some(), "{name}: {r}");
                }
            }
        }
    }
}
