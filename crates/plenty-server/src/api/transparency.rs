//! The log as a transparency log (RFC 9162): its verifying key, the latest signed checkpoint,
//! and inclusion and consistency proofs for any size up to the durable one. Public: they
//! hold only hashes.
//!
//! A member keeps the checkpoint of their receipt; an auditor keeps the latest checkpoint
//! and later asks for the consistency proof from its size to a newer one: if the service
//! rewrote or cut the log in between, no proof joins the two (`plenty audit consistency`).

use super::{ApiError, AppState, Described};
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use plenty_ledger::Hash;
use serde::Serialize;
use std::collections::HashMap;

/// The routes of this feature.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/log/key", get(key))
        .route("/log/checkpoint", get(checkpoint))
        .route("/log/proof/inclusion", get(inclusion))
        .route("/log/proof/consistency", get(consistency))
}

/// The log's verifying key.
#[derive(Debug, Serialize)]
pub struct LogKey {
    /// The log's name: the first line of its checkpoints.
    pub origin: String,
    /// The verifying key, `NAME+KEYID+BASE64`: what `plenty audit … --key` takes.
    pub key: String,
    /// The Ed25519 public key, 64 hexadecimal digits.
    pub public_key: String,
}

impl Described for LogKey {
    const NAME: &'static str = "LogKey";
    fn examples() -> Vec<Self> {
        vec![LogKey {
            origin: "plenty-log/3fa9c2d1".into(),
            key: "plenty-log/3fa9c2d1+8c1f20e4+AQ…".into(),
            public_key: "3fa9c2d1…".into(),
        }]
    }
}

/// `GET /log/key`.
pub async fn key(State(st): State<AppState>) -> Json<LogKey> {
    let v = st.log.key().verifier();
    Json(LogKey {
        origin: st.log.key().name().to_string(),
        key: v.to_text(),
        public_key: v.public_hex(),
    })
}

/// `GET /log/checkpoint`: the latest checkpoint, signed after the last commit at the durable
/// size, as text (keep it, mail it, post it).
pub async fn checkpoint(State(st): State<AppState>) -> Response {
    (
        [("content-type", "text/plain; charset=utf-8")],
        st.log.checkpoint().to_text(),
    )
        .into_response()
}

/// An inclusion proof.
#[derive(Debug, Serialize)]
pub struct InclusionProof {
    /// The entry's position, from 1.
    pub seq: u64,
    /// The size of the tree the proof is in.
    pub size: u64,
    /// The entry's hash (the leaf).
    pub hash: Hash,
    /// The root of the tree of `size` entries.
    pub root: Hash,
    /// The audit path, from the leaf up (RFC 9162 §2.1.3).
    pub proof: Vec<Hash>,
}

impl Described for InclusionProof {
    const NAME: &'static str = "InclusionProof";
    fn examples() -> Vec<Self> {
        vec![InclusionProof {
            seq: 12,
            size: 40,
            hash: Hash([0x6b; 32]),
            root: Hash([0x2e; 32]),
            proof: vec![Hash([0x11; 32]), Hash([0x22; 32])],
        }]
    }
}

/// A consistency proof.
#[derive(Debug, Serialize)]
pub struct ConsistencyProof {
    /// The older size.
    pub from: u64,
    /// The newer size.
    pub to: u64,
    /// The proof (RFC 9162 §2.1.4): empty when `from` is 0 or equal to `to`.
    pub proof: Vec<Hash>,
}

impl Described for ConsistencyProof {
    const NAME: &'static str = "ConsistencyProof";
    fn examples() -> Vec<Self> {
        vec![ConsistencyProof {
            from: 12,
            to: 40,
            proof: vec![Hash([0x11; 32]), Hash([0x22; 32])],
        }]
    }
}

/// A number from the query, or `default`; an error names the parameter.
fn number(q: &HashMap<String, String>, name: &str, default: Option<u64>) -> Result<u64, ApiError> {
    match (q.get(name), default) {
        (Some(v), _) => v.parse().map_err(|_| {
            ApiError::bad(format!(
                "`{name}={v}` is not a number of entries: give a whole number, such as `{name}=12`"
            ))
        }),
        (None, Some(d)) => Ok(d),
        (None, None) => Err(ApiError::bad(format!(
            "give `{name}` in the query, such as `?{name}=12`"
        ))),
    }
}

fn durable(st: &AppState, name: &str, size: u64) -> Result<(), ApiError> {
    let n = st.log.checkpoint().checkpoint.size;
    if size > n {
        return Err(ApiError::bad(format!(
            "`{name}={size}`, but the log's latest checkpoint is of {n} entries: ask for a size up to {n} (GET /api/v1/log/checkpoint)"
        )));
    }
    Ok(())
}

/// `GET /log/proof/inclusion?seq=S&size=N`: the proof that entry `S` is in the tree of `N`
/// entries (by default the latest checkpoint's size).
pub async fn inclusion(
    State(st): State<AppState>,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Json<InclusionProof>, ApiError> {
    let latest = st.log.checkpoint().checkpoint.size;
    let seq = number(&q, "seq", None)?;
    let size = number(&q, "size", Some(latest))?;
    durable(&st, "size", size)?;
    if seq == 0 || seq > size {
        return Err(ApiError::bad(format!(
            "`seq={seq}`: entries of a log of {size} are numbered 1 to {size}"
        )));
    }
    let proof = st
        .log
        .inclusion_proof(seq, size)
        .map_err(|e| ApiError::bad(e.to_string()))?;
    let (hash, root) = st.log.read(|c| {
        (
            c.tree.leaf(seq - 1).unwrap_or_default(),
            c.tree.root(size).unwrap_or_default(),
        )
    });
    Ok(Json(InclusionProof {
        seq,
        size,
        hash,
        root,
        proof,
    }))
}

/// `GET /log/proof/consistency?from=M&to=N`: the proof that the log of `N` entries (by
/// default the latest checkpoint's size) extends the log of `M`.
pub async fn consistency(
    State(st): State<AppState>,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Json<ConsistencyProof>, ApiError> {
    let latest = st.log.checkpoint().checkpoint.size;
    let from = number(&q, "from", None)?;
    let to = number(&q, "to", Some(latest))?;
    durable(&st, "to", to)?;
    let proof = st
        .log
        .consistency_proof(from, to)
        .map_err(|e| ApiError::bad(e.to_string()))?;
    Ok(Json(ConsistencyProof { from, to, proof }))
}

/// The receipt in the examples of the description: entry 12 of a log of 40, under an
/// example key.
pub fn example_receipt() -> plenty_ledger::InclusionReceipt {
    let key = plenty_ledger::LogSigningKey::from_seed("plenty-log/example", [7; 32])
        .expect("a valid name");
    let leaves: Vec<Hash> = (0..40u8).map(|k| Hash([k; 32])).collect();
    let tree = plenty_ledger::MerkleTree::from_leaves(&leaves);
    let checkpoint = key.sign(plenty_ledger::Checkpoint {
        origin: key.name().to_string(),
        size: 40,
        root: tree.root(40).unwrap_or_default(),
        head: leaves[39],
    });
    plenty_ledger::InclusionReceipt {
        seq: 12,
        hash: leaves[11],
        checkpoint,
        proof: tree.inclusion_proof(11, 40).unwrap_or_default(),
    }
}
