//! plenty-io's integration tests, in one binary (one link instead of seven): the exchange
//! formats and their errors, the fuzzed readers' regressions, the published figures of real
//! tables, the import specifications' checks, MPS files, and the pabulib elections against
//! pabutools.

mod formats;
mod fuzz_readers;
mod golden;
mod golden_aus;
mod issue_10;
mod issue_13;
mod issue_17;
mod issue_17_balancing;
mod issue_17_supply;
mod issue_18_lp_shards;
mod mps;
mod pabutools;
