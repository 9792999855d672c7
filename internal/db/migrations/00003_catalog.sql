-- +goose Up
-- The hall's catalogue: suppliers, products, their photos and every stock movement. The Go code
-- validates everything first and reports it in Chinese; the constraints here are the backstop
-- that holds whatever writes to the database.

CREATE TABLE suppliers (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    slug          text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$' AND length(slug) <= 80),
    name          text NOT NULL CHECK (name <> ''),
    kind          text NOT NULL CHECK (kind IN ('合作社', '企业', '家庭农场')),
    county        text NOT NULL CHECK (county IN ('略阳县', '灞桥区')),
    township      text NOT NULL DEFAULT '',
    -- 统一社会信用代码 (GB 32100-2015); the check digit is verified in Go.
    credit_code   text NOT NULL UNIQUE CHECK (credit_code ~ '^[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}$'),
    cert_number   text NOT NULL DEFAULT '',  -- 扶贫产品认定 number, '' when none
    cert_date     date,
    cert_expiry   date,
    households    integer NOT NULL DEFAULT 0 CHECK (households >= 0),
    linkage       text NOT NULL DEFAULT '',  -- 联农带农: how the supplier links to farming households
    contact_name  text NOT NULL DEFAULT '',
    contact_phone text NOT NULL DEFAULT '',
    description   text NOT NULL DEFAULT '',
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    CHECK (cert_expiry IS NULL OR cert_date IS NULL OR cert_expiry > cert_date)
);

CREATE TABLE products (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    slug         text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$' AND length(slug) <= 80),
    name         text NOT NULL CHECK (name <> ''),
    category     text NOT NULL CHECK (category <> ''),
    county       text NOT NULL CHECK (county IN ('略阳县', '灞桥区')),
    township     text NOT NULL DEFAULT '',
    supplier_id  bigint NOT NULL REFERENCES suppliers (id),
    spec         text NOT NULL CHECK (spec <> ''),
    unit         text NOT NULL CHECK (unit <> ''),
    price        bigint NOT NULL CHECK (price > 0),            -- fen per unit
    tiers        jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(tiers) = 'array'),
    min_qty      integer NOT NULL DEFAULT 1 CHECK (min_qty >= 1),
    multiple     integer NOT NULL DEFAULT 1 CHECK (multiple >= 1),
    stock        integer NOT NULL DEFAULT 0 CHECK (stock >= 0),
    season_start smallint NOT NULL DEFAULT 0 CHECK (season_start BETWEEN 0 AND 12),
    season_end   smallint NOT NULL DEFAULT 0 CHECK (season_end BETWEEN 0 AND 12),
    flags        text[] NOT NULL DEFAULT '{}' CHECK (flags <@ ARRAY['地理标志', '绿色', '有机']),
    description  text NOT NULL DEFAULT '',                      -- Markdown
    listed       boolean NOT NULL DEFAULT false,
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    CHECK ((season_start = 0) = (season_end = 0))
);
CREATE INDEX products_supplier ON products (supplier_id);

-- Photos live in the database so that every replica serves them.
CREATE TABLE product_photos (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    product_id   bigint NOT NULL REFERENCES products (id) ON DELETE CASCADE,
    position     integer NOT NULL,
    content_type text NOT NULL CHECK (content_type IN ('image/jpeg', 'image/png', 'image/webp', 'image/svg+xml')),
    size         integer NOT NULL CHECK (size > 0),
    sha256       text NOT NULL,
    alt          text NOT NULL DEFAULT '',
    data         bytea NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    UNIQUE (product_id, position) DEFERRABLE INITIALLY DEFERRED
);
CREATE INDEX product_photos_sha256 ON product_photos (sha256);

-- Every change of stock, with its reason; the audit log holds who made it.
CREATE TABLE stock_movements (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    product_id  bigint NOT NULL REFERENCES products (id) ON DELETE CASCADE,
    delta       integer NOT NULL,
    stock_after integer NOT NULL CHECK (stock_after >= 0),
    reason      text NOT NULL,
    actor_id    bigint,
    actor_name  text NOT NULL,
    at          timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX stock_movements_product ON stock_movements (product_id, at DESC);

-- catalog_state.version changes with every committed change to what the listing index holds
-- (everything about products and suppliers but stock, which is read fresh). Each replica keeps
-- the index in memory and reloads it when the version it reads differs from its own.
CREATE TABLE catalog_state (
    id      boolean PRIMARY KEY DEFAULT true CHECK (id),
    version bigint NOT NULL DEFAULT 1
);
INSERT INTO catalog_state DEFAULT VALUES;

-- +goose StatementBegin
CREATE FUNCTION bump_catalog_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE catalog_state SET version = version + 1;
    RETURN NULL;
END
$$;
-- +goose StatementEnd

CREATE TRIGGER products_version
    AFTER INSERT OR DELETE OR UPDATE OF slug, name, category, county, township, supplier_id, spec, unit, price, season_start, season_end, flags, listed, created_at
    ON products FOR EACH STATEMENT EXECUTE FUNCTION bump_catalog_version();
CREATE TRIGGER suppliers_version
    AFTER INSERT OR DELETE OR UPDATE OF slug, name
    ON suppliers FOR EACH STATEMENT EXECUTE FUNCTION bump_catalog_version();

-- +goose Down
DROP TABLE catalog_state;
DROP TABLE stock_movements;
DROP TABLE product_photos;
DROP TABLE products;
DROP TABLE suppliers;
DROP FUNCTION bump_catalog_version();
