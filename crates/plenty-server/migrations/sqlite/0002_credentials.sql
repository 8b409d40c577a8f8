-- Issue #14: API tokens expire and carry a label; invitations expire; sessions and tokens are
-- found by member (a password change ends them) and by expiry (purged).
-- Tokens and invitations issued before this version get 90 and 14 days from the upgrade.
ALTER TABLE api_tokens ADD COLUMN label TEXT NOT NULL DEFAULT '';
ALTER TABLE api_tokens ADD COLUMN created BIGINT NOT NULL DEFAULT 0;
ALTER TABLE api_tokens ADD COLUMN expires BIGINT NOT NULL DEFAULT 0;
UPDATE api_tokens SET expires = CAST(strftime('%s', 'now') AS BIGINT) * 1000 + 7776000000;
ALTER TABLE invitations ADD COLUMN expires BIGINT NOT NULL DEFAULT 0;
UPDATE invitations SET expires = CAST(strftime('%s', 'now') AS BIGINT) * 1000 + 1209600000;
CREATE INDEX sessions_member ON sessions (member);
CREATE INDEX sessions_expires ON sessions (expires);
CREATE INDEX api_tokens_member ON api_tokens (member);
