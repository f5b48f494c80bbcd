-- Personal access tokens for the JSON API (/api/v1). Like sessions, only the
-- SHA-256 of the secret is stored: a leaked database does not leak usable
-- tokens. A token acts with exactly its user's role and jurisdiction.
CREATE TABLE api_tokens (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id      BIGINT NOT NULL REFERENCES users(id),
    name         TEXT NOT NULL,
    token_hash   TEXT NOT NULL UNIQUE,      -- SHA-256 of the secret, hex
    created_at   TEXT NOT NULL,
    last_used_at TEXT,
    expires_at   TEXT,                      -- NULL: no expiry
    revoked_at   TEXT,
    revoked_by   BIGINT REFERENCES users(id)
);
CREATE INDEX api_tokens_user ON api_tokens(user_id, id);
