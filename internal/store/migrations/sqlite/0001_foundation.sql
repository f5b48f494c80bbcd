-- Foundation: districts, organisations, users, sessions, login throttling,
-- settings, calendar overrides and the audit log.
-- Times are UTC text 'YYYY-MM-DDTHH:MM:SS.ffffffZ' (fixed width, so they sort);
-- civil dates are 'YYYY-MM-DD'; money is integer fen.

CREATE TABLE districts (
    code          TEXT PRIMARY KEY,
    name          TEXT NOT NULL UNIQUE,
    kind          TEXT NOT NULL,
    has_stat_code BOOLEAN NOT NULL,
    sort          INTEGER NOT NULL
);

CREATE TABLE organizations (
    id            INTEGER PRIMARY KEY,
    uscc          TEXT NOT NULL UNIQUE CHECK (length(uscc) = 18),
    name          TEXT NOT NULL,
    kind          TEXT NOT NULL CHECK (kind IN ('enterprise','government','institution','association')),
    legal_person  BOOLEAN NOT NULL,
    region_code   TEXT NOT NULL,
    district_code TEXT REFERENCES districts(code),
    industry_code TEXT NOT NULL DEFAULT '',
    is_applicant  BOOLEAN NOT NULL,
    is_provider   BOOLEAN NOT NULL,
    address       TEXT NOT NULL DEFAULT '',
    contact_name  TEXT NOT NULL DEFAULT '',
    contact_phone TEXT NOT NULL DEFAULT '',
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL
);
CREATE INDEX organizations_district ON organizations(district_code, id);
CREATE INDEX organizations_name ON organizations(name);

CREATE TABLE org_size_facts (
    org_id      INTEGER NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    year        INTEGER NOT NULL,
    employees   INTEGER NOT NULL CHECK (employees >= 0),
    revenue_fen INTEGER NOT NULL CHECK (revenue_fen >= 0),
    assets_fen  INTEGER NOT NULL CHECK (assets_fen >= 0),
    PRIMARY KEY (org_id, year)
);

CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    username      TEXT NOT NULL UNIQUE,
    display_name  TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    role          TEXT NOT NULL CHECK (role IN ('applicant','district_miit','district_finance','city_miit','city_finance','expert','inspector','admin')),
    district_code TEXT REFERENCES districts(code),
    org_id        INTEGER REFERENCES organizations(id),
    disabled      BOOLEAN NOT NULL DEFAULT FALSE,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL
);

CREATE TABLE sessions (
    id           TEXT PRIMARY KEY,          -- SHA-256 of the cookie token, hex
    user_id      INTEGER NOT NULL REFERENCES users(id),
    created_at   TEXT NOT NULL,
    expires_at   TEXT NOT NULL,
    last_seen_at TEXT NOT NULL,
    ip           TEXT NOT NULL DEFAULT '',
    user_agent   TEXT NOT NULL DEFAULT '',
    revoked_at   TEXT
);
CREATE INDEX sessions_user ON sessions(user_id);

CREATE TABLE login_attempts (
    id       INTEGER PRIMARY KEY,
    username TEXT NOT NULL,
    ip       TEXT NOT NULL,
    at       TEXT NOT NULL,
    ok       BOOLEAN NOT NULL
);
CREATE INDEX login_attempts_user ON login_attempts(username, at);
CREATE INDEX login_attempts_ip ON login_attempts(ip, at);

CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE calendar_overrides (
    date       TEXT PRIMARY KEY,
    working    BOOLEAN NOT NULL,
    name       TEXT NOT NULL DEFAULT '',
    source     TEXT NOT NULL,
    created_by INTEGER REFERENCES users(id),
    created_at TEXT NOT NULL
);

CREATE TABLE audit_log (
    id          INTEGER PRIMARY KEY,
    at          TEXT NOT NULL,
    actor_id    INTEGER,
    actor       TEXT NOT NULL DEFAULT '',
    ip          TEXT NOT NULL DEFAULT '',
    request_id  TEXT NOT NULL DEFAULT '',
    action      TEXT NOT NULL,
    object_type TEXT NOT NULL,
    object_id   TEXT NOT NULL,
    before_json TEXT NOT NULL DEFAULT '',
    after_json  TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_log_object ON audit_log(object_type, object_id);
