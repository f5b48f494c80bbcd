-- Digital-level assessments (数字化水平评测, 中小企业数字化水平评测指标
-- 2024年版, FACTS §5) of an awarded application's enterprise: one before the
-- retrofit and one after, each computed by the policy package from the
-- answers with the indicator set's parameter version, or entered from a
-- third-party report. Acceptance (验收) reads the latest 'after' assessment.
CREATE TABLE assessments (
    id             INTEGER PRIMARY KEY,
    application_id INTEGER NOT NULL REFERENCES applications(id),
    org_id         INTEGER NOT NULL REFERENCES organizations(id),
    phase          TEXT NOT NULL CHECK (phase IN ('before','after')),
    assessed_on    TEXT NOT NULL,
    assessor       TEXT NOT NULL,
    report_no      TEXT NOT NULL DEFAULT '',
    source         TEXT NOT NULL CHECK (source IN ('computed','report')),
    param_version  TEXT NOT NULL DEFAULT '',
    answers        TEXT NOT NULL DEFAULT '{}',
    score_centi    INTEGER NOT NULL CHECK (score_centi >= 0 AND score_centi <= 10000),
    level          INTEGER NOT NULL CHECK (level BETWEEN 0 AND 4),
    findings       TEXT NOT NULL DEFAULT '[]',
    -- the whole computation (score by dimension and indicator, scenario
    -- levels, the level table with what was met) as policy.AssessmentResult
    -- JSON, so that the page explains it without the indicator set
    result         TEXT NOT NULL DEFAULT '{}',
    created_by     INTEGER REFERENCES users(id),
    created_at     TEXT NOT NULL
);
CREATE INDEX assessments_app ON assessments(application_id, phase, assessed_on, id);
CREATE INDEX assessments_org ON assessments(org_id, id);

-- Corrections of the indicator set by an administrator, each with its
-- citation. The set in force is the embedded file (base_version) with its
-- corrections applied in revision order; revision n makes version
-- "<base>+r<n>", effective from effective_from (never earlier than the
-- previous correction's). Rows are never changed: a later correction
-- corrects an earlier one.
CREATE TABLE assessment_corrections (
    id             INTEGER PRIMARY KEY,
    base_version   TEXT NOT NULL,
    revision       INTEGER NOT NULL CHECK (revision >= 1),
    figure_key     TEXT NOT NULL,
    old_value      TEXT NOT NULL,
    new_value      TEXT NOT NULL,
    effective_from TEXT NOT NULL,
    citation       TEXT NOT NULL CHECK (citation <> ''),
    confirmed      BOOLEAN NOT NULL,
    created_by     INTEGER REFERENCES users(id),
    created_at     TEXT NOT NULL,
    UNIQUE (base_version, revision)
);
