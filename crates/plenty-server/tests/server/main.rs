//! plenty-server's tests, in one binary: the storage conformance suite on SQLite and
//! PostgreSQL, migrations, store errors through the API, whole rounds over HTTP, and the project
//! vote recounted by pabutools.

mod accounts;
mod issue_15;
mod issue_16;
mod mail;
mod migrations;
mod pabutools_service;
mod pages_issue_15;
mod secrecy;
mod service;
mod store_conformance;
mod store_errors;
mod support;
mod transparency;
mod years;
