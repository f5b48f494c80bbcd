-- Excel and CSV imports: one record per uploaded file. The file itself is
-- kept content-addressed beside the attachments (file_sha256), so that a
-- previewed import is confirmed without uploading again and a copy with the
-- error cells marked can be downloaded. result_json holds the check's
-- problems (row, column, reason), notes (differences that are not errors)
-- and lines about the file as a whole.
CREATE TABLE imports (
    id              INTEGER PRIMARY KEY,
    kind            TEXT NOT NULL,
    file_name       TEXT NOT NULL,
    file_sha256     TEXT NOT NULL,
    file_size       INTEGER NOT NULL CHECK (file_size > 0),
    district_code   TEXT REFERENCES districts(code),
    call_id         INTEGER REFERENCES calls(id),
    source          TEXT NOT NULL CHECK (source IN ('web','cli')),
    state           TEXT NOT NULL CHECK (state IN ('previewed','imported','discarded')),
    rows_total      INTEGER NOT NULL DEFAULT 0,
    rows_valid      INTEGER NOT NULL DEFAULT 0,
    problem_count   INTEGER NOT NULL DEFAULT 0,
    note_count      INTEGER NOT NULL DEFAULT 0,
    inserted        INTEGER NOT NULL DEFAULT 0,
    updated         INTEGER NOT NULL DEFAULT 0,
    unchanged       INTEGER NOT NULL DEFAULT 0,
    skipped         INTEGER NOT NULL DEFAULT 0,
    valid_only      BOOLEAN NOT NULL DEFAULT FALSE,
    result_json     TEXT NOT NULL DEFAULT '{}',
    created_by      INTEGER REFERENCES users(id),
    created_by_name TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    finished_by     INTEGER REFERENCES users(id),
    finished_at     TEXT
);
CREATE INDEX imports_district ON imports(district_code, id);
