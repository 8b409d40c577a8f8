//! One conformance suite for the storage trait, run against both backends: SQLite always,
//! PostgreSQL when `PLENTY_TEST_POSTGRES` names a server (required in CI) (issue #4).

use crate::support::*;
use plenty_ledger::{Entry, Event, GENESIS};
use plenty_server::store::{self, Account, ApiToken, Invitation, Session, StoreError};

fn chain(n: u64) -> Vec<Entry> {
    let mut prev = GENESIS.to_string();
    (1..=n)
        .map(|k| {
            let e = Entry::seal(
                k,
                k * 10,
                &prev,
                Event::CouncilFounded {
                    council: k,
                    name: format!("council {k} — ünïcode"),
                    kind: plenty_ledger::CouncilKind::Consumer,
                    processes: vec![],
                },
            );
            prev = e.hash.clone();
            e
        })
        .collect()
}

async fn conformance(url: &str) {
    let s = store::open(url).await.unwrap();
    // The secret is created once and stays.
    let k1 = s.secret().await.unwrap();
    assert_eq!(k1.len(), 32);
    assert_eq!(s.secret().await.unwrap(), k1);
    // Appends keep order and content, with accounts in the same transaction.
    let entries = chain(5);
    let account = Account {
        member: 7,
        email: "x@y.org".into(),
        password_hash: "$argon2id$v=19$...".into(),
        name: "X".into(),
    };
    s.append(&entries[..2], std::slice::from_ref(&account))
        .await
        .unwrap();
    s.append(&entries[2..], &[]).await.unwrap();
    assert_eq!(s.log().await.unwrap(), entries);
    // A duplicate position is refused and leaves the log as it was (append-only).
    assert!(s.append(&entries[4..], &[]).await.is_err());
    assert!(
        matches!(
            s.append(&entries[4..], &[]).await,
            Err(StoreError::Conflict(_))
        ),
        "a position that exists is a conflict"
    );
    // A duplicate e-mail is refused, with its entries: the transaction is all or nothing.
    let more = chain(6);
    let dup = Account {
        member: 8,
        ..account.clone()
    };
    assert!(s
        .append(&more[5..], std::slice::from_ref(&dup))
        .await
        .is_err());
    assert!(
        matches!(
            s.append(&more[5..], &[dup]).await,
            Err(StoreError::Conflict(_))
        ),
        "an e-mail that exists is a conflict"
    );
    assert_eq!(s.log().await.unwrap(), entries);
    assert_eq!(
        s.account_by_email("x@y.org").await.unwrap().unwrap().member,
        7
    );
    assert_eq!(s.account(7).await.unwrap().unwrap().email, "x@y.org");
    assert!(s.account_by_email("nobody@y.org").await.unwrap().is_none());
    // Sessions.
    let sess = Session {
        token_hash: "h1".into(),
        member: 7,
        expires: 123,
    };
    s.create_session(&sess).await.unwrap();
    let got = s.session("h1").await.unwrap().unwrap();
    assert_eq!((got.member, got.expires), (7, 123));
    s.delete_session("h1").await.unwrap();
    assert!(s.session("h1").await.unwrap().is_none());
    // API tokens: listed by member, revoked one by one or all at once.
    let token = |hash: &str, member, expires| ApiToken {
        token_hash: hash.into(),
        member,
        label: format!("label of {hash}"),
        created: 1,
        expires,
    };
    s.create_api_token(&token("t1aaaaaaaaaaaaaaaaaa", 7, 1000))
        .await
        .unwrap();
    s.create_api_token(&token("t2bbbbbbbbbbbbbbbbbb", 7, 10))
        .await
        .unwrap();
    s.create_api_token(&token("t3cccccccccccccccccc", 8, 1000))
        .await
        .unwrap();
    assert_eq!(
        s.api_token("t1aaaaaaaaaaaaaaaaaa").await.unwrap(),
        Some(token("t1aaaaaaaaaaaaaaaaaa", 7, 1000))
    );
    assert_eq!(s.api_token("t9").await.unwrap(), None);
    assert_eq!(s.api_tokens_of(7).await.unwrap().len(), 2);
    assert!(!s.revoke_api_token(8, "t1aaaaaaaaaaaaaa").await.unwrap());
    assert!(s.revoke_api_token(7, "t1aaaaaaaaaaaaaa").await.unwrap());
    assert_eq!(s.api_tokens_of(7).await.unwrap().len(), 1);
    assert_eq!(s.revoke_api_tokens_of(8).await.unwrap(), 1);
    // Sessions of a member end together, but the one named; passwords change.
    for (h, m) in [("s1", 7), ("s2", 7), ("s3", 8)] {
        s.create_session(&Session {
            token_hash: h.into(),
            member: m,
            expires: 5,
        })
        .await
        .unwrap();
    }
    assert_eq!(s.delete_sessions_of(7, Some("s1")).await.unwrap(), 1);
    assert!(s.session("s1").await.unwrap().is_some());
    assert!(s.session("s3").await.unwrap().is_some());
    s.set_password(7, "new hash").await.unwrap();
    assert_eq!(
        s.account(7).await.unwrap().unwrap().password_hash,
        "new hash"
    );
    assert!(matches!(
        s.set_password(99, "x").await,
        Err(StoreError::NotFound(_))
    ));
    // Purging: sessions (expires 5) and the token t2 (expires 10) end before 20.
    assert_eq!(s.purge_expired(20).await.unwrap(), 3);
    assert!(s.session("s1").await.unwrap().is_none());
    assert!(s.api_tokens_of(7).await.unwrap().is_empty());
    // Invitations are used once, even by two requests at once.
    s.create_invitation(
        "i1",
        &Invitation {
            councils: vec![1, 2],
            role: plenty_ledger::Role::Member,
            expires: 100,
        },
    )
    .await
    .unwrap();
    // Looking does not use it up; an expired one is not found.
    assert!(s.invitation("i1", 50).await.unwrap().is_some());
    assert!(s.invitation("i1", 100).await.unwrap().is_none());
    assert!(matches!(
        s.take_invitation("i1", 100).await,
        Err(StoreError::NotFound(_))
    ));
    let (a, b) = tokio::join!(s.take_invitation("i1", 50), s.take_invitation("i1", 50));
    let taken: Vec<_> = [a, b]
        .into_iter()
        .filter_map(|r| match r {
            Ok(inv) => Some(inv),
            Err(StoreError::NotFound(_)) => None,
            Err(e) => panic!("{e}"),
        })
        .collect();
    assert_eq!(taken.len(), 1);
    assert_eq!(taken[0].councils, [1, 2]);
    assert_eq!(taken[0].role, plenty_ledger::Role::Member);
    assert!(matches!(
        s.take_invitation("i1", 50).await,
        Err(StoreError::NotFound(_))
    ));
    assert!(matches!(
        s.take_invitation("never issued", 50).await,
        Err(StoreError::NotFound(_))
    ));
    s.create_invitation(
        "i2",
        &Invitation {
            councils: vec![],
            role: plenty_ledger::Role::Facilitator,
            expires: 100,
        },
    )
    .await
    .unwrap();
    assert!(s.invitation("i1", 50).await.unwrap().is_none(), "used");
    let i2 = s.take_invitation("i2", 50).await.unwrap();
    assert!(i2.councils.is_empty());
    assert_eq!(i2.role, plenty_ledger::Role::Facilitator);
    // Issue #15: preferences (notices by e-mail on by default), the notices' mark, the
    // entries' heads, password reset tokens (single-use, expiring) and erasing an account.
    let p = s.preferences(7).await.unwrap().unwrap();
    assert!(p.notify_email);
    assert_eq!(p.notices_seen, 0);
    assert!(s.preferences(99).await.unwrap().is_none());
    s.set_profile(7, "Xena", false).await.unwrap();
    assert_eq!(s.account(7).await.unwrap().unwrap().name, "Xena");
    assert!(!s.preferences(7).await.unwrap().unwrap().notify_email);
    assert!(s.mail_recipients().await.unwrap().is_empty());
    s.set_profile(7, "Xena", true).await.unwrap();
    assert_eq!(
        s.mail_recipients().await.unwrap(),
        [(7, "x@y.org".to_string(), "Xena".to_string())]
    );
    assert!(matches!(
        s.set_profile(99, "n", true).await,
        Err(StoreError::NotFound(_))
    ));
    s.set_notices_seen(7, 4).await.unwrap();
    s.set_notices_seen(7, 2).await.unwrap();
    assert_eq!(
        s.preferences(7).await.unwrap().unwrap().notices_seen,
        4,
        "never back"
    );
    let heads = s.entry_heads(3).await.unwrap();
    assert_eq!(heads.iter().map(|h| h.seq).collect::<Vec<_>>(), [4, 5]);
    let json = serde_json::to_string(&entries[3].event).unwrap();
    assert_eq!(heads[0].head, json.chars().take(96).collect::<String>());
    assert_eq!(heads[0].at, entries[3].at);
    s.create_password_reset("r1", 7, 100).await.unwrap();
    s.create_password_reset("r2", 7, 100).await.unwrap();
    assert_eq!(
        s.take_password_reset("r1", 100).await.unwrap(),
        None,
        "expired"
    );
    assert_eq!(s.take_password_reset("r1", 99).await.unwrap(), Some(7));
    assert_eq!(s.take_password_reset("r1", 50).await.unwrap(), None, "used");
    assert_eq!(
        s.take_password_reset("r2", 50).await.unwrap(),
        None,
        "a reset takes the member's other tokens with it"
    );
    s.create_password_reset("r3", 7, 100).await.unwrap();
    s.create_session(&Session {
        token_hash: "s7".into(),
        member: 7,
        expires: i64::MAX,
    })
    .await
    .unwrap();
    assert!(s.delete_account(7).await.unwrap());
    assert!(s.account(7).await.unwrap().is_none());
    assert!(s.account_by_email("x@y.org").await.unwrap().is_none());
    assert!(s.session("s7").await.unwrap().is_none());
    assert_eq!(s.take_password_reset("r3", 50).await.unwrap(), None);
    assert!(!s.delete_account(7).await.unwrap(), "once");
    assert_eq!(s.log().await.unwrap(), entries, "the log is untouched");
    // The schema is at the latest version.
    assert_eq!(s.schema_version().await.unwrap(), 3);
    // Reopening finds everything.
    drop(s);
    let s = store::open(url).await.unwrap();
    assert_eq!(s.log().await.unwrap(), entries);
    assert_eq!(s.secret().await.unwrap(), k1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn issue_4_store_conformance_sqlite() {
    conformance(&sqlite_url()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn issue_4_store_conformance_postgres() {
    if let Some(url) = pg_url().await {
        conformance(&url).await;
    }
}
