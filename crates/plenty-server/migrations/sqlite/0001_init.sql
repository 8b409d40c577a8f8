-- The schema of plenty 0.1.0. A database made by 0.1.0 (before migrations) has exactly these
-- tables; it is recorded as being at version 1 without running this file again.
CREATE TABLE log_entries (seq BIGINT PRIMARY KEY, at BIGINT NOT NULL, prev TEXT NOT NULL, event TEXT NOT NULL, hash TEXT NOT NULL);
CREATE TABLE accounts (member BIGINT PRIMARY KEY, email TEXT NOT NULL UNIQUE, password_hash TEXT NOT NULL, name TEXT NOT NULL);
CREATE TABLE sessions (token_hash TEXT PRIMARY KEY, member BIGINT NOT NULL, expires BIGINT NOT NULL);
CREATE TABLE api_tokens (token_hash TEXT PRIMARY KEY, member BIGINT NOT NULL);
CREATE TABLE invitations (code_hash TEXT PRIMARY KEY, councils TEXT NOT NULL, role TEXT NOT NULL, used BIGINT NOT NULL DEFAULT 0);
CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
