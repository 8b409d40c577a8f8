//! plenty-ledger's tests, in one binary: rules, forgeries caught by `verify`, closing a vote,
//! and the log written by 0.1.0.

mod accounting;
mod admission;
mod close_round;
mod issue_14;
mod issue_15;
mod leaving;
mod ledger;
mod log_fixture;
mod transparency;
mod years;
