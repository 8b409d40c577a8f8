//! The demo federation (`plenty serve --demo`): a valley with three councils, a facilitator
//! and four members, the valley economy of `examples/plans/valley.toml`, and a round open for
//! needs with two proposed projects. Loaded only into an empty log; its accounts and password
//! ([`ACCOUNTS`], [`PASSWORD`]) are for trying the service, not for real use (`plenty serve
//! --demo` prints them).

use crate::api::AppState;
use crate::auth;
use crate::auth::Signing;
use crate::store::Account;
use plenty_ledger::*;

/// The economy of the demo.
pub const VALLEY: &str = include_str!("../../../examples/plans/valley.toml");

/// The demo's password for every account.
pub const PASSWORD: &str = "plenty-demo-password";

/// Demo accounts: e-mail, name, councils, role.
pub const ACCOUNTS: &[(&str, &str, &[u64], Role)] = &[
    (
        "facilitator@demo.plenty",
        "Fran (facilitator)",
        &[3],
        Role::Facilitator,
    ),
    ("ada@demo.plenty", "Ada", &[1, 3], Role::Member),
    ("bo@demo.plenty", "Bo", &[2, 3], Role::Member),
    ("cy@demo.plenty", "Cy", &[1, 3], Role::Member),
    ("di@demo.plenty", "Di", &[2, 3], Role::Member),
];

/// Loads the demo into an empty log; does nothing if the log has entries. Returns whether
/// it loaded it.
pub async fn load(st: &AppState) -> anyhow::Result<bool> {
    if st.log.read(|c| c.seq) > 0 {
        tracing::info!("the log is not empty; the demo is not loaded again");
        return Ok(false);
    }
    let mut accounts = Vec::new();
    let mut events = vec![
        Event::FederationFounded {
            name: "Valley federation (demo)".into(),
            weeks_per_period: 52.0,
        },
        Event::CouncilFounded {
            council: 1,
            name: "Mill and bakery".into(),
            kind: CouncilKind::Workplace,
            processes: ["mill", "quern", "bakery"].map(String::from).to_vec(),
        },
        Event::CouncilFounded {
            council: 2,
            name: "Farms and flocks".into(),
            kind: CouncilKind::Workplace,
            processes: ["plough", "hand tillage", "sheep", "goats"]
                .map(String::from)
                .to_vec(),
        },
        Event::CouncilFounded {
            council: 3,
            name: "Valley neighbourhood".into(),
            kind: CouncilKind::Consumer,
            processes: Vec::new(),
        },
    ];
    for (k, (email, name, councils, role)) in ACCOUNTS.iter().enumerate() {
        let member = k as u64 + 1;
        let hash = tokio::task::spawn_blocking(|| auth::hash_password(PASSWORD)).await??;
        accounts.push(Account {
            member,
            email: email.to_string(),
            password_hash: hash,
            name: name.to_string(),
        });
        events.push(Event::MemberJoined {
            member,
            councils: councils.to_vec(),
            role: *role,
        });
    }
    events.push(Event::EconomyImported {
        by: 1,
        text: VALLEY.to_string(),
        sha256: chain::sha256_hex(VALLEY.as_bytes()),
    });
    events.push(Event::RoundOpened {
        round: 1,
        title: "Plan for the coming year".into(),
        by: 1,
        rule: ProjectRule::EqualShares,
        quorum: RoundQuorum {
            min_turnout: 0.4,
            min_ballots: 2,
        },
        default_split: HoursSplit::DEFAULT,
        limits: Some(plenty_ledger::MemberLimits::default()),
        rules: Some(plenty_ledger::RoundRules::default()),
    });
    let need = |m: u64| st.pseudonym(Signing::Need, 1, m);
    let proposal = |m: u64| st.pseudonym(Signing::Proposal, 1, m);
    events.push(Event::ProposalSubmitted {
        round: 1,
        proposal: 1,
        by: proposal(2),
        title: "A clinic in the valley".into(),
        cost_hours: 900.0,
        resources: [("land".to_string(), 2.0)].into_iter().collect(),
    });
    events.push(Event::ProposalSubmitted {
        round: 1,
        proposal: 2,
        by: proposal(3),
        title: "A rail halt at the mill".into(),
        cost_hours: 700.0,
        resources: Default::default(),
    });
    events.push(Event::ProposalSubmitted {
        round: 1,
        proposal: 3,
        by: proposal(4),
        title: "Solar roofs for the workshops".into(),
        cost_hours: 400.0,
        resources: Default::default(),
    });
    events.push(Event::NeedRegistered {
        round: 1,
        by: need(2),
        product: "bread".into(),
        quantity: 0.5,
        year: None,
    });
    st.log
        .append_with(accounts, move |_| Ok((events, ())))
        .await
        .map_err(|e| anyhow::anyhow!("loading the demo: {e:?}"))?;
    tracing::info!("demo federation loaded");
    Ok(true)
}
