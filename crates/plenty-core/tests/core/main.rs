//! plenty-core's integration tests, in one binary (one link instead of five): PDLP on LPs with
//! known answers, planning fixtures checked by hand and against a dense simplex, harmony,
//! property tests of plans and of Leontief solves.

mod lp_pdlp;
mod plan_fixtures;
mod plan_harmony;
mod plan_properties;
mod plan_support;
mod properties;
