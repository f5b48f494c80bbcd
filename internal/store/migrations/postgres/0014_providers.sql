-- Service providers' products and solutions (「小快轻准」), platform cloud
-- services, and the enterprises' adoption records that the rankings of
-- 第七条（三）（四）, the platform awards of 第七条（二） and 免申即享
-- matching (第十五条) read.

-- Where an application came from: 'applied' by its applicant (第十四条), or
-- proposed by the system from a ranking ('ranking', 第七条（三）（四）) or
-- a 免申即享 match ('matching', 第十五条). origin_ref names the source
-- record; one application per source record.
ALTER TABLE applications ADD COLUMN origin TEXT NOT NULL DEFAULT 'applied' CHECK (origin IN ('applied','ranking','matching'));
ALTER TABLE applications ADD COLUMN origin_ref TEXT NOT NULL DEFAULT '';
CREATE UNIQUE INDEX applications_origin_ref ON applications(origin, origin_ref) WHERE origin <> 'applied';

-- A product, solution or platform cloud service offered by a provider.
-- properties: JSON array, a subset of ["small","fast","light","precise"]
-- (小型化、快速化、轻量化、精准化) the provider claims; scenarios: JSON array
-- of the business scenarios it serves.
CREATE TABLE products (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    provider_org_id BIGINT NOT NULL REFERENCES organizations(id),
    kind            TEXT NOT NULL CHECK (kind IN ('product','solution','cloud_service')),
    name            TEXT NOT NULL,
    description     TEXT NOT NULL DEFAULT '',
    scenarios       TEXT NOT NULL DEFAULT '[]',
    properties      TEXT NOT NULL DEFAULT '[]',
    price_fen       BIGINT NOT NULL DEFAULT 0 CHECK (price_fen >= 0),
    state           TEXT NOT NULL DEFAULT 'active' CHECK (state IN ('active','withdrawn')),
    created_by      BIGINT REFERENCES users(id),
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL
);
CREATE INDEX products_provider ON products(provider_org_id, id);
CREATE INDEX products_kind ON products(kind, state, id);
-- A provider offers one product of a name at a time (a resent form adds none).
CREATE UNIQUE INDEX products_offered_name ON products(provider_org_id, name) WHERE state = 'active';

-- An enterprise's use of a product. Only the enterprise can confirm it
-- (state 'confirmed'); a provider may propose one. effects: JSON of the
-- indicators before and after.
CREATE TABLE adoptions (
    id                BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    product_id        BIGINT NOT NULL REFERENCES products(id),
    enterprise_org_id BIGINT NOT NULL REFERENCES organizations(id),
    provider_org_id   BIGINT NOT NULL REFERENCES organizations(id),
    contract_no       TEXT NOT NULL,
    contract_date     TEXT NOT NULL,
    scope             TEXT NOT NULL DEFAULT '',
    state             TEXT NOT NULL DEFAULT 'proposed' CHECK (state IN ('proposed','confirmed','rejected')),
    effects           TEXT NOT NULL DEFAULT '{}',
    proposed_by       BIGINT REFERENCES users(id),
    confirmed_by      BIGINT REFERENCES users(id),
    confirmed_at      TEXT,
    created_at        TEXT NOT NULL,
    -- Who recorded it: the enterprise itself (confirmed at once) or the
    -- provider (proposed until the enterprise confirms or rejects it).
    recorded_by       TEXT NOT NULL DEFAULT 'enterprise' CHECK (recorded_by IN ('enterprise','provider')),
    rejected_by       BIGINT REFERENCES users(id),
    rejected_at       TEXT,
    reject_reason     TEXT NOT NULL DEFAULT '',
    effects_at        TEXT,
    UNIQUE (product_id, enterprise_org_id, contract_no),
    CHECK (enterprise_org_id <> provider_org_id),
    CHECK ((state = 'confirmed') = (confirmed_at IS NOT NULL)),
    CHECK ((state = 'rejected') = (rejected_at IS NOT NULL))
);
CREATE INDEX adoptions_product ON adoptions(product_id, state, contract_date);
CREATE INDEX adoptions_enterprise ON adoptions(enterprise_org_id, state, contract_date);
CREATE INDEX adoptions_provider ON adoptions(provider_org_id, state, contract_date);

-- A service provider's profile (服务商信息) beyond the organisation record,
-- whose contact person and telephone it shares: the services it offers and
-- its qualifications (第十二条、第十三条 are checked on the organisation).
CREATE TABLE provider_profiles (
    org_id         BIGINT PRIMARY KEY REFERENCES organizations(id),
    service_scope  TEXT NOT NULL DEFAULT '',
    qualifications TEXT NOT NULL DEFAULT '',
    website        TEXT NOT NULL DEFAULT '',
    contact_email  TEXT NOT NULL DEFAULT '',
    updated_by     BIGINT REFERENCES users(id),
    updated_at     TEXT NOT NULL
);

-- The members of a 链式 application (第七条（五）): the supplier or customer
-- enterprises of the lead enterprise's chain that use what it built.
CREATE TABLE application_chain_members (
    application_id BIGINT NOT NULL REFERENCES applications(id) ON DELETE CASCADE,
    org_id         BIGINT NOT NULL REFERENCES organizations(id),
    seq            INTEGER NOT NULL,
    relation       TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (application_id, org_id)
);

-- A ranking run (第七条（三）products, （四）providers): the period read, the
-- parameters used, and the entries as computed. Entries never change (the
-- triggers below); running again makes a new run.
CREATE TABLE ranking_runs (
    id               BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind             TEXT NOT NULL CHECK (kind IN ('product','provider')),
    period_from      TEXT NOT NULL,
    period_to        TEXT NOT NULL,
    params_version   TEXT NOT NULL,
    params_json      TEXT NOT NULL,
    formula          TEXT NOT NULL,
    tie_rule         TEXT NOT NULL,
    rerun_of         BIGINT REFERENCES ranking_runs(id),
    adoptions        INTEGER NOT NULL DEFAULT 0,
    entries          INTEGER NOT NULL DEFAULT 0,
    ranked           INTEGER NOT NULL DEFAULT 0,
    computed_by      BIGINT REFERENCES users(id),
    computed_at      TEXT NOT NULL,
    -- Set once, when the top of the run is turned into proposed awards.
    proposed_call_id BIGINT REFERENCES calls(id),
    proposed_top     INTEGER,
    proposed_amount_fen BIGINT,
    proposed_by      BIGINT REFERENCES users(id),
    proposed_at      TEXT,
    CHECK (period_to >= period_from)
);
CREATE INDEX ranking_runs_kind ON ranking_runs(kind, id);

-- One ranked (rank ≥ 1) or excluded (rank 0, with findings) subject of a run.
-- score: 100000000 = 100 points; components: the figures it is computed from.
CREATE TABLE ranking_entries (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    run_id          BIGINT NOT NULL REFERENCES ranking_runs(id),
    rank            INTEGER NOT NULL CHECK (rank >= 0),
    product_id      BIGINT REFERENCES products(id),
    provider_org_id BIGINT NOT NULL REFERENCES organizations(id),
    name            TEXT NOT NULL,
    provider_name   TEXT NOT NULL,
    score           BIGINT NOT NULL,
    components      TEXT NOT NULL,
    eligible        BOOLEAN NOT NULL,
    findings        TEXT NOT NULL DEFAULT '[]',
    CHECK (eligible = (rank > 0))
);
CREATE INDEX ranking_entries_run ON ranking_entries(run_id, eligible, rank, id);
CREATE UNIQUE INDEX ranking_entries_rank ON ranking_entries(run_id, rank) WHERE rank > 0;
CREATE FUNCTION ranking_entries_immutable() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION '已发布的排名结果不可修改或删除，请重新排名'; END $$;
CREATE TRIGGER ranking_entries_immutable BEFORE UPDATE OR DELETE ON ranking_entries FOR EACH ROW EXECUTE FUNCTION ranking_entries_immutable();

-- What each entry of a run became when its top was proposed: the award
-- proposed (application), reduced to a cap, or skipped, with the findings.
CREATE TABLE ranking_proposals (
    id             BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    run_id         BIGINT NOT NULL REFERENCES ranking_runs(id),
    entry_id       BIGINT NOT NULL UNIQUE REFERENCES ranking_entries(id),
    application_id BIGINT REFERENCES applications(id),
    amount_fen     BIGINT NOT NULL DEFAULT 0 CHECK (amount_fen >= 0),
    outcome        TEXT NOT NULL CHECK (outcome IN ('proposed','reduced','skipped')),
    findings       TEXT NOT NULL DEFAULT '[]',
    created_at     TEXT NOT NULL
);
CREATE INDEX ranking_proposals_run ON ranking_proposals(run_id, id);
CREATE INDEX ranking_proposals_app ON ranking_proposals(application_id);

-- The items of a proposed award (第七条（二）benchmarks, （三）products,
-- （四）the provider): what the rules cap item by item.
CREATE TABLE application_items (
    application_id   BIGINT NOT NULL REFERENCES applications(id) ON DELETE CASCADE,
    seq              INTEGER NOT NULL,
    name             TEXT NOT NULL,
    product_id       BIGINT REFERENCES products(id),
    ranking_entry_id BIGINT REFERENCES ranking_entries(id),
    requested_fen    BIGINT NOT NULL CHECK (requested_fen >= 0),
    PRIMARY KEY (application_id, seq)
);
