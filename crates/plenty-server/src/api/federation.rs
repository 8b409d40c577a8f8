//! The federation: its councils, its economy, its rounds and the head of its log.

use super::{ApiError, ApiJson, AppState, Caller, Created, Described};
use axum::extract::State;
use axum::routing::{get, post};
use axum::{Json, Router};
use plenty_ledger::{CouncilId, CouncilKind, Event, Phase, RoundId};
use serde::{Deserialize, Serialize};

/// The routes of this feature.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/federation", get(federation))
        .route("/councils", post(create_council))
        .route("/economy", post(import_economy))
}

/// A council.
#[derive(Debug, Serialize)]
pub struct CouncilView {
    /// Its number.
    pub id: CouncilId,
    /// Its name.
    pub name: String,
    /// Workplace or consumer.
    pub kind: CouncilKind,
    /// The processes a workplace council runs.
    pub processes: Vec<String>,
}

/// A product of the economy.
#[derive(Debug, Serialize)]
pub struct ProductView {
    /// Its name.
    pub name: String,
    /// Its unit.
    pub unit: Option<String>,
    /// The baseline target.
    pub target: f64,
    /// What is committed already.
    pub committed: f64,
}

/// A type of labour and its hours in the plan period.
#[derive(Debug, Serialize)]
pub struct LabourView {
    /// Its name.
    pub name: String,
    /// Hours available.
    pub hours: f64,
}

/// A resource.
#[derive(Debug, Serialize)]
pub struct ResourceView {
    /// Its name.
    pub name: String,
    /// Its unit.
    pub unit: Option<String>,
    /// How much there is (none: unlimited).
    pub limit: Option<f64>,
}

/// The economy as imported.
#[derive(Debug, Serialize)]
pub struct EconomyView {
    /// SHA-256 of the planning file.
    pub sha256: String,
    /// Its products.
    pub products: Vec<ProductView>,
    /// Its processes.
    pub processes: Vec<String>,
    /// Its labour.
    pub labour: Vec<LabourView>,
    /// Its resources.
    pub resources: Vec<ResourceView>,
}

/// A round in a list.
#[derive(Debug, Serialize)]
pub struct RoundListed {
    /// Its number.
    pub id: RoundId,
    /// Its title.
    pub title: String,
    /// Its phase.
    pub phase: Phase,
}

/// The federation.
#[derive(Debug, Serialize)]
pub struct FederationView {
    /// Its name, once founded.
    pub name: Option<String>,
    /// Weeks in a plan period.
    pub weeks_per_period: f64,
    /// How many members (admitted; applicants awaiting a facilitator are not counted).
    pub members: usize,
    /// Its councils.
    pub councils: Vec<CouncilView>,
    /// Its economy, once imported.
    pub economy: Option<EconomyView>,
    /// Its rounds.
    pub rounds: Vec<RoundListed>,
    /// Entries in the log.
    pub entries: u64,
    /// Hash of the last entry.
    pub head: String,
}

impl Described for FederationView {
    const NAME: &'static str = "Federation";
    fn examples() -> Vec<Self> {
        vec![
            FederationView {
                name: Some("Valley federation".into()),
                weeks_per_period: 52.0,
                members: 5,
                councils: vec![CouncilView {
                    id: 1,
                    name: "Mill and bakery".into(),
                    kind: CouncilKind::Workplace,
                    processes: vec!["mill".into()],
                }],
                economy: Some(EconomyView {
                    sha256: "3f9a…".into(),
                    products: vec![
                        ProductView {
                            name: "bread".into(),
                            unit: Some("t".into()),
                            target: 3.0,
                            committed: 20.0,
                        },
                        ProductView {
                            name: "care".into(),
                            unit: None,
                            target: 0.0,
                            committed: 0.0,
                        },
                    ],
                    processes: vec!["mill".into()],
                    labour: vec![LabourView {
                        name: "work".into(),
                        hours: 6000.0,
                    }],
                    resources: vec![
                        ResourceView {
                            name: "land".into(),
                            unit: Some("ha".into()),
                            limit: Some(40.0),
                        },
                        ResourceView {
                            name: "water".into(),
                            unit: None,
                            limit: None,
                        },
                    ],
                }),
                rounds: vec![RoundListed {
                    id: 1,
                    title: "Plan for the coming year".into(),
                    phase: Phase::Needs,
                }],
                entries: 15,
                head: "e98f…".into(),
            },
            // A federation not yet founded.
            FederationView {
                name: None,
                weeks_per_period: 52.0,
                members: 0,
                councils: vec![],
                economy: None,
                rounds: vec![],
                entries: 0,
                head: plenty_ledger::GENESIS.into(),
            },
        ]
    }
}

/// `GET /federation`: the federation, councils, economy and rounds.
pub async fn federation(State(st): State<AppState>) -> Json<FederationView> {
    Json(st.log.read(|ch| {
        let l = &ch.ledger;
        let economy = l.economy.as_ref().map(|x| {
            let e = &x.parsed;
            EconomyView {
                sha256: x.sha256.clone(),
                products: e
                    .products()
                    .iter()
                    .map(|p| ProductView {
                        name: p.name.clone(),
                        unit: p.unit.clone(),
                        target: p.target,
                        committed: p.committed,
                    })
                    .collect(),
                processes: e.process_names().to_vec(),
                labour: e
                    .labour_types()
                    .iter()
                    .map(|x| LabourView {
                        name: x.name.clone(),
                        hours: x.hours,
                    })
                    .collect(),
                resources: e
                    .resources()
                    .iter()
                    .map(|x| ResourceView {
                        name: x.name.clone(),
                        unit: x.unit.clone(),
                        limit: x.limit.is_finite().then_some(x.limit),
                    })
                    .collect(),
            }
        });
        FederationView {
            name: l.name.clone(),
            weeks_per_period: l.weeks_per_period,
            members: l.eligible() as usize,
            councils: l
                .councils
                .iter()
                .map(|(k, c)| CouncilView {
                    id: *k,
                    name: c.name.clone(),
                    kind: c.kind,
                    processes: c.processes.clone(),
                })
                .collect(),
            economy,
            rounds: l
                .rounds
                .values()
                .map(|r| RoundListed {
                    id: r.id,
                    title: r.title.clone(),
                    phase: r.phase,
                })
                .collect(),
            entries: ch.seq,
            head: ch.head.clone(),
        }
    }))
}

/// Council body.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewCouncil {
    name: String,
    kind: CouncilKind,
    #[serde(default)]
    processes: Vec<String>,
}

/// A council founded.
#[derive(Debug, Serialize)]
pub struct CouncilCreated {
    /// Its number.
    pub council: CouncilId,
}

impl Described for CouncilCreated {
    const NAME: &'static str = "CouncilCreated";
    fn examples() -> Vec<Self> {
        vec![CouncilCreated { council: 4 }]
    }
}

/// `POST /councils` (facilitator).
pub async fn create_council(
    State(st): State<AppState>,
    c: Caller,
    ApiJson(b): ApiJson<NewCouncil>,
) -> Result<Created<CouncilCreated>, ApiError> {
    let council = st
        .log
        .append_with(Vec::new(), |l| {
            let (id, e) = l.found_council(c.member, &b.name, b.kind, b.processes)?;
            Ok((vec![e], id))
        })
        .await?;
    Ok(Created(CouncilCreated { council }))
}

/// Economy body.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ImportEconomy {
    text: String,
}

/// An economy imported.
#[derive(Debug, Serialize)]
pub struct EconomyStored {
    /// SHA-256 of the planning file.
    pub sha256: String,
}

impl Described for EconomyStored {
    const NAME: &'static str = "EconomyStored";
    fn examples() -> Vec<Self> {
        vec![EconomyStored {
            sha256: "3f9a…".into(),
        }]
    }
}

/// `POST /economy` (facilitator): imports a planning file (TOML).
pub async fn import_economy(
    State(st): State<AppState>,
    c: Caller,
    ApiJson(b): ApiJson<ImportEconomy>,
) -> Result<Created<EconomyStored>, ApiError> {
    st.log.read(|ch| ch.ledger.require_facilitator(c.member))?;
    let sha256 = plenty_ledger::chain::sha256_hex(b.text.as_bytes());
    st.log
        .append(Event::EconomyImported {
            by: c.member,
            text: b.text,
            sha256: sha256.clone(),
        })
        .await?;
    Ok(Created(EconomyStored { sha256 }))
}
