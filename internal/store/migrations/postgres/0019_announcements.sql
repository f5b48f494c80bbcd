-- Announcements (通知公告) on the public site, written by 市工业和信息化局:
-- notices of calls, results, and anything the public should read. A draft
-- is visible to officials only; withdrawing keeps the record.
CREATE TABLE announcements (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    title        TEXT NOT NULL,
    body         TEXT NOT NULL,
    kind         TEXT NOT NULL CHECK (kind IN ('notice','result','policy')),
    state        TEXT NOT NULL DEFAULT 'draft' CHECK (state IN ('draft','published','withdrawn')),
    call_id      BIGINT REFERENCES calls(id),
    published_at TEXT,
    created_by   BIGINT REFERENCES users(id),
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL
);
CREATE INDEX announcements_state ON announcements(state, published_at);

-- The workbench shows each user's recent activity: their own audit entries.
CREATE INDEX audit_log_actor ON audit_log(actor, id);
