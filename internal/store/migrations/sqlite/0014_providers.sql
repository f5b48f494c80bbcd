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
    id              INTEGER PRIMARY KEY,
    provider_org_id INTEGER NOT NULL REFERENCES organizations(id),
    kind            TEXT NOT NULL CHECK (kind IN ('product','solution','cloud_service')),
    name            TEXT NOT NULL,
    description     TEXT NOT NULL DEFAULT '',
    scenarios       TEXT NOT NULL DEFAULT '[]',
    properties      TEXT NOT NULL DEFAULT '[]',
    price_fen       INTEGER NOT NULL DEFAULT 0 CHECK (price_fen >= 0),
    state           TEXT NOT NULL DEFAULT 'active' CHECK (state IN ('active','withdrawn')),
    created_by      INTEGER REFERENCES users(id),
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL
);
CREATE INDEX products_provider ON products(provider_org_id, id);
CREATE INDEX products_kind ON products(kind, state, id);

-- An enterprise's use of a product. Only the enterprise can confirm it
-- (state 'confirmed'); a provider may propose one. effects: JSON of the
-- indicators before and after.
CREATE TABLE adoptions (
    id                INTEGER PRIMARY KEY,
    product_id        INTEGER NOT NULL REFERENCES products(id),
    enterprise_org_id INTEGER NOT NULL REFERENCES organizations(id),
    provider_org_id   INTEGER NOT NULL REFERENCES organizations(id),
    contract_no       TEXT NOT NULL,
    contract_date     TEXT NOT NULL,
    scope             TEXT NOT NULL DEFAULT '',
    state             TEXT NOT NULL DEFAULT 'proposed' CHECK (state IN ('proposed','confirmed','rejected')),
    effects           TEXT NOT NULL DEFAULT '{}',
    proposed_by       INTEGER REFERENCES users(id),
    confirmed_by      INTEGER REFERENCES users(id),
    confirmed_at      TEXT,
    created_at        TEXT NOT NULL,
    UNIQUE (product_id, enterprise_org_id, contract_no),
    CHECK (enterprise_org_id <> provider_org_id)
);
CREATE INDEX adoptions_product ON adoptions(product_id, state, contract_date);
CREATE INDEX adoptions_enterprise ON adoptions(enterprise_org_id, state, contract_date);
CREATE INDEX adoptions_provider ON adoptions(provider_org_id, state, contract_date);
