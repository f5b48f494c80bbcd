-- District review (县区推荐, 第十四条（二）) and expert review (专家评审,
-- 第十四条（三）): the districts' recommendations and numbered letters, the
-- expert pool, randomly drawn panels with their exclusions, conflict
-- declarations, score sheets and the panels' results.

-- 发文机关代字 of each district's recommendation letters (推荐函). Kept as
-- data: a later migration may correct an abbreviation without a code change.
CREATE TABLE letter_prefixes (
    district_code TEXT PRIMARY KEY REFERENCES districts(code),
    prefix        TEXT NOT NULL
);
INSERT INTO letter_prefixes (district_code, prefix) VALUES
 ('220102', '长南关工信推'),
 ('220103', '长宽城工信推'),
 ('220104', '长朝阳工信推'),
 ('220105', '长二道工信推'),
 ('220106', '长绿园工信推'),
 ('220112', '长双阳工信推'),
 ('220113', '长九台工信推'),
 ('220122', '农安工信推'),
 ('220182', '榆树工信推'),
 ('220183', '德惠工信推'),
 ('220184', '公主岭工信推'),
 ('220171', '长经开工信推'),
 ('220172', '长净月工信推'),
 ('220173', '长高新工信推'),
 ('220174', '长汽开工信推'),
 ('X22001', '长新区工信推'),
 ('X22002', '中韩示范区工信推'),
 ('X22003', '莲花山工信推');

-- The last letter number given out per district and year. Incremented with
-- an upsert in the letter's transaction, so numbers are sequential without
-- gaps and two concurrent letters never get the same one.
CREATE TABLE letter_sequences (
    district_code TEXT NOT NULL REFERENCES districts(code),
    year          INTEGER NOT NULL,
    last_seq      INTEGER NOT NULL CHECK (last_seq > 0),
    PRIMARY KEY (district_code, year)
);

CREATE TABLE recommendation_letters (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    district_code TEXT NOT NULL REFERENCES districts(code),
    call_id       BIGINT NOT NULL REFERENCES calls(id),
    year          INTEGER NOT NULL,
    seq           INTEGER NOT NULL CHECK (seq > 0),
    number        TEXT NOT NULL UNIQUE,
    letter_date   TEXT NOT NULL,
    official_id   BIGINT NOT NULL REFERENCES users(id),
    official_name TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    UNIQUE (district_code, year, seq)
);
CREATE INDEX recommendation_letters_call ON recommendation_letters(call_id, id);

-- A district's recommendation of one application: its opinion (推荐意见),
-- the official, and the letter that carries it to the city.
CREATE TABLE recommendations (
    application_id BIGINT PRIMARY KEY REFERENCES applications(id),
    call_id        BIGINT NOT NULL REFERENCES calls(id),
    district_code  TEXT REFERENCES districts(code), -- NULL: first review by the city bureau (applicant registered outside Changchun)
    opinion        TEXT NOT NULL,
    official_id    BIGINT NOT NULL REFERENCES users(id),
    official_name  TEXT NOT NULL,
    recommended_at TEXT NOT NULL,
    letter_id      BIGINT REFERENCES recommendation_letters(id)
);
CREATE INDEX recommendations_district_call ON recommendations(district_code, call_id, letter_id);
CREATE INDEX recommendations_letter ON recommendations(letter_id);

-- The expert pool: a profile for users with role expert. org_id is the
-- organisation the expert works for, used to exclude conflicts of interest.
CREATE TABLE expert_profiles (
    user_id     BIGINT PRIMARY KEY REFERENCES users(id),
    field       TEXT NOT NULL,
    affiliation TEXT NOT NULL,
    org_id      BIGINT REFERENCES organizations(id),
    contact     TEXT NOT NULL DEFAULT '',
    active      BOOLEAN NOT NULL DEFAULT TRUE,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);
CREATE INDEX expert_profiles_org ON expert_profiles(org_id);

-- A panel drawn at random for applications of one call. The seed is a
-- uint64 in decimal (it does not fit a signed BIGINT); candidates_json holds
-- the sorted candidate IDs after exclusions, so anyone can re-run the draw.
CREATE TABLE panels (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    call_id         BIGINT NOT NULL REFERENCES calls(id),
    size            INTEGER NOT NULL CHECK (size > 0),
    field           TEXT NOT NULL DEFAULT '',
    seed            TEXT NOT NULL,
    algorithm       TEXT NOT NULL,
    candidates_json TEXT NOT NULL,
    created_by      BIGINT REFERENCES users(id),
    created_at      TEXT NOT NULL
);
CREATE INDEX panels_call ON panels(call_id, id);

CREATE TABLE panel_members (
    panel_id   BIGINT NOT NULL REFERENCES panels(id),
    expert_id  BIGINT NOT NULL REFERENCES users(id),
    draw_order INTEGER NOT NULL,
    PRIMARY KEY (panel_id, expert_id)
);
CREATE INDEX panel_members_expert ON panel_members(expert_id, panel_id);

-- An application is reviewed by one panel. The result is the mean of the
-- experts' weighted totals in hundredths of a point.
CREATE TABLE panel_applications (
    panel_id          BIGINT NOT NULL REFERENCES panels(id),
    application_id    BIGINT NOT NULL UNIQUE REFERENCES applications(id),
    result_hundredths INTEGER,
    pass_mark         INTEGER,
    passed            BOOLEAN,
    scorers           INTEGER NOT NULL DEFAULT 0,
    finalised_by      BIGINT REFERENCES users(id),
    finalised_at      TEXT,
    PRIMARY KEY (panel_id, application_id)
);

-- Experts left out of a draw because of a conflict with an application.
CREATE TABLE panel_exclusions (
    panel_id       BIGINT NOT NULL REFERENCES panels(id),
    expert_id      BIGINT NOT NULL REFERENCES users(id),
    application_id BIGINT NOT NULL REFERENCES applications(id),
    reason         TEXT NOT NULL,
    PRIMARY KEY (panel_id, expert_id, application_id)
);

-- An expert's statement on an application before scoring: no conflict, or a
-- conflict with its reason (then the expert takes no part in it).
CREATE TABLE conflict_declarations (
    panel_id       BIGINT NOT NULL,
    application_id BIGINT NOT NULL,
    expert_id      BIGINT NOT NULL REFERENCES users(id),
    conflict       BOOLEAN NOT NULL,
    reason         TEXT NOT NULL DEFAULT '',
    declared_at    TEXT NOT NULL,
    PRIMARY KEY (panel_id, application_id, expert_id),
    FOREIGN KEY (panel_id, application_id) REFERENCES panel_applications(panel_id, application_id)
);
CREATE INDEX conflict_declarations_expert ON conflict_declarations(expert_id, application_id);
CREATE INDEX conflict_declarations_app ON conflict_declarations(application_id);

-- One expert's scores for one application: a row per rubric criterion (name
-- and weight copied from the rubric at scoring time) and, for 第七条（一）,
-- the approved investment (核定投入) per spending item.
CREATE TABLE score_sheets (
    panel_id         BIGINT NOT NULL,
    application_id   BIGINT NOT NULL,
    expert_id        BIGINT NOT NULL REFERENCES users(id),
    total_hundredths INTEGER NOT NULL CHECK (total_hundredths BETWEEN 0 AND 10000),
    comment          TEXT NOT NULL DEFAULT '',
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL,
    PRIMARY KEY (panel_id, application_id, expert_id),
    FOREIGN KEY (panel_id, application_id) REFERENCES panel_applications(panel_id, application_id)
);

CREATE TABLE score_items (
    panel_id       BIGINT NOT NULL,
    application_id BIGINT NOT NULL,
    expert_id      BIGINT NOT NULL,
    seq            INTEGER NOT NULL,
    criterion      TEXT NOT NULL,
    weight         INTEGER NOT NULL CHECK (weight > 0 AND weight <= 100),
    score          INTEGER NOT NULL CHECK (score BETWEEN 0 AND 100),
    comment        TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (panel_id, application_id, expert_id, seq),
    FOREIGN KEY (panel_id, application_id, expert_id) REFERENCES score_sheets(panel_id, application_id, expert_id) ON DELETE CASCADE
);

CREATE TABLE score_investments (
    panel_id       BIGINT NOT NULL,
    application_id BIGINT NOT NULL,
    expert_id      BIGINT NOT NULL,
    spending_seq   INTEGER NOT NULL,
    approved_fen   BIGINT NOT NULL CHECK (approved_fen >= 0),
    PRIMARY KEY (panel_id, application_id, expert_id, spending_seq),
    FOREIGN KEY (panel_id, application_id, expert_id) REFERENCES score_sheets(panel_id, application_id, expert_id) ON DELETE CASCADE
);
