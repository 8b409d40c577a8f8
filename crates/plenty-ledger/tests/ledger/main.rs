//! plenty-ledger's tests, in one binary: rules, forgeries caught by `verify`, closing a vote,
//! and the log written by 0.1.0.

mod close_round;
mod ledger;
mod log_fixture;
mod transparency;
mod years;
