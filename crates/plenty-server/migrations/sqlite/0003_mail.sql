-- Issue #15: members choose whether notices are e-mailed to them (on by default) and the
-- service remembers the last log position whose notices they have seen; a forgotten password
-- is reset with a single-use token sent by e-mail, kept here only as its SHA-256.
ALTER TABLE accounts ADD COLUMN notify_email BIGINT NOT NULL DEFAULT 1;
ALTER TABLE accounts ADD COLUMN notices_seen BIGINT NOT NULL DEFAULT 0;
CREATE TABLE password_resets (token_hash TEXT PRIMARY KEY, member BIGINT NOT NULL, expires BIGINT NOT NULL);
CREATE INDEX password_resets_member ON password_resets (member);
CREATE INDEX password_resets_expires ON password_resets (expires);
