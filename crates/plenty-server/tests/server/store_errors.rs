//! The store's typed errors reach the client as what they are (issue #11): a missing thing is
//! 404 `not_found`, a duplicate is 409 `conflict`, and any other failure is 500 `internal`
//! without its detail. A store that fails on purpose stands behind a real service.

use crate::support::*;
use async_trait::async_trait;
use plenty_ledger::{Entry, MemberId};
use plenty_server::api::Settings;
use plenty_server::store::{
    self, Account, ApiToken, Invitation, Session, Store, StoreError, StoreResult,
};
use reqwest::StatusCode;
use serde_json::json;
use std::sync::Arc;

/// SQLite, except that new API tokens collide, invitations go missing, and `/me` cannot read
/// accounts.
struct Faulty(Arc<dyn Store>);

#[async_trait]
impl Store for Faulty {
    fn backend(&self) -> &'static str {
        self.0.backend()
    }
    async fn append(&self, entries: &[Entry], accounts: &[Account]) -> StoreResult<()> {
        self.0.append(entries, accounts).await
    }
    async fn log(&self) -> StoreResult<Vec<Entry>> {
        self.0.log().await
    }
    async fn secret(&self) -> StoreResult<Vec<u8>> {
        self.0.secret().await
    }
    async fn legacy_secret(&self) -> StoreResult<Option<Vec<u8>>> {
        self.0.legacy_secret().await
    }
    async fn forget_secret(&self) -> StoreResult<()> {
        self.0.forget_secret().await
    }
    async fn account_by_email(&self, email: &str) -> StoreResult<Option<Account>> {
        self.0.account_by_email(email).await
    }
    async fn account(&self, _member: MemberId) -> StoreResult<Option<Account>> {
        Err(StoreError::Corrupt(
            "the accounts table is not readable".into(),
        ))
    }
    async fn create_session(&self, s: &Session) -> StoreResult<()> {
        self.0.create_session(s).await
    }
    async fn session(&self, token_hash: &str) -> StoreResult<Option<Session>> {
        self.0.session(token_hash).await
    }
    async fn delete_session(&self, token_hash: &str) -> StoreResult<()> {
        self.0.delete_session(token_hash).await
    }
    async fn delete_sessions_of(&self, member: MemberId, except: Option<&str>) -> StoreResult<u64> {
        self.0.delete_sessions_of(member, except).await
    }
    async fn set_password(&self, member: MemberId, password_hash: &str) -> StoreResult<()> {
        self.0.set_password(member, password_hash).await
    }
    async fn create_api_token(&self, _t: &ApiToken) -> StoreResult<()> {
        Err(StoreError::Conflict("this token exists".into()))
    }
    async fn api_token(&self, token_hash: &str) -> StoreResult<Option<ApiToken>> {
        self.0.api_token(token_hash).await
    }
    async fn api_tokens_of(&self, member: MemberId) -> StoreResult<Vec<ApiToken>> {
        self.0.api_tokens_of(member).await
    }
    async fn revoke_api_token(&self, member: MemberId, id: &str) -> StoreResult<bool> {
        self.0.revoke_api_token(member, id).await
    }
    async fn revoke_api_tokens_of(&self, member: MemberId) -> StoreResult<u64> {
        self.0.revoke_api_tokens_of(member).await
    }
    async fn create_invitation(&self, _code_hash: &str, _inv: &Invitation) -> StoreResult<()> {
        Err(StoreError::NotFound("the invitations table".into()))
    }
    async fn invitation(&self, code_hash: &str, now: i64) -> StoreResult<Option<Invitation>> {
        self.0.invitation(code_hash, now).await
    }
    async fn take_invitation(&self, code_hash: &str, now: i64) -> StoreResult<Invitation> {
        self.0.take_invitation(code_hash, now).await
    }
    async fn purge_expired(&self, now: i64) -> StoreResult<u64> {
        self.0.purge_expired(now).await
    }
    async fn schema_version(&self) -> StoreResult<i64> {
        self.0.schema_version().await
    }
    async fn preferences(&self, member: MemberId) -> StoreResult<Option<store::Preferences>> {
        self.0.preferences(member).await
    }
    async fn set_profile(&self, member: MemberId, name: &str, notify: bool) -> StoreResult<()> {
        self.0.set_profile(member, name, notify).await
    }
    async fn set_notices_seen(&self, member: MemberId, seq: u64) -> StoreResult<()> {
        self.0.set_notices_seen(member, seq).await
    }
    async fn mail_recipients(&self) -> StoreResult<Vec<(MemberId, String, String)>> {
        self.0.mail_recipients().await
    }
    async fn entry_heads(&self, after: u64) -> StoreResult<Vec<store::EntryHead>> {
        self.0.entry_heads(after).await
    }
    async fn create_password_reset(
        &self,
        hash: &str,
        member: MemberId,
        expires: i64,
    ) -> StoreResult<()> {
        self.0.create_password_reset(hash, member, expires).await
    }
    async fn take_password_reset(&self, hash: &str, now: i64) -> StoreResult<Option<MemberId>> {
        self.0.take_password_reset(hash, now).await
    }
    async fn delete_account(&self, member: MemberId) -> StoreResult<bool> {
        self.0.delete_account(member).await
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn issue_11_store_errors_answer_404_409_and_500() {
    let url = sqlite_url();
    let inner = store::open(&url).await.unwrap();
    let state = plenty_server::state_with_store(Arc::new(Faulty(inner)), Settings::default())
        .await
        .unwrap();
    plenty_server::demo::load(&state).await.unwrap();
    let s = serve_state(state, &url).await;
    let fac = Client::demo(&s.base, "facilitator").await;

    let (st, j) = fac.post("/api/v1/tokens", json!({})).await;
    assert_eq!(st, StatusCode::CONFLICT, "{j}");
    assert_eq!(j["error"], "conflict");
    assert!(
        j["message"].as_str().unwrap().contains("token exists"),
        "{j}"
    );

    let (st, j) = fac
        .post("/api/v1/invitations", json!({"councils": [1]}))
        .await;
    assert_eq!(st, StatusCode::NOT_FOUND, "{j}");
    assert_eq!(j["error"], "not_found");

    let (st, j) = fac.get("/api/v1/me").await;
    assert_eq!(st, StatusCode::INTERNAL_SERVER_ERROR, "{j}");
    assert_eq!(j["error"], "internal");
    assert!(
        !j["message"].as_str().unwrap().contains("accounts table"),
        "the detail stays with the operator: {j}"
    );

    // An invitation that was never issued: the store's NotFound, which sign-up answers as
    // the invitation it is.
    let (st, j) = Client::anonymous(&s.base)
        .post(
            "/api/v1/signup",
            json!({"email": "new@example.org", "password": "a long password", "name": "New", "invitation": "never issued"}),
        )
        .await;
    assert_eq!(st, StatusCode::FORBIDDEN, "{j}");
    assert_eq!(j["error"], "invitation");
}
