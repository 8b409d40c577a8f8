//! # plenty-io
//!
//! Readers and writers for plenty. Every error names the file and, where it can, the line and
//! column (see [`IoError`]). Formats:
//!
//! * labelled delimited tables ([`table`]) and the import specification that says which rows
//!   and columns are intermediate, primary inputs, final demand and satellites ([`spec`]);
//! * the hand-written TOML economy file ([`economy_file`]);
//! * Matrix Market ([`mtx`]), sparse triplets ([`triplets`]), vectors ([`vectors`]);
//! * pymrio folders ([`pymrio`]);
//! * participatory budgeting elections in the pabulib `.pb` format ([`pabulib`]);
//! * results as CSV, JSON or Parquet with their provenance ([`output`]);
//! * and one way to tell them apart and open them ([`open`]).
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod aggregates;
pub mod cockshott;
pub mod economy_file;
pub mod error;
pub mod hash;
pub mod icio;
pub mod lp_shard;
pub mod mps;
pub mod mtx;
pub mod multiyear_file;
pub mod open;
pub mod output;
pub mod pabulib;
pub mod planning_file;
pub mod pymrio;
pub mod reshape_file;
pub mod scenario_file;
pub mod shard;
pub mod spec;
pub mod table;
pub mod triplets;
pub mod vectors;

pub use error::{IoError, Result};
