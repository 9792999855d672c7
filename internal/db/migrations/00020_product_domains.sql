-- +goose Up
-- A table's CHECK constraints are all evaluated on every update of a row, whatever the update
-- changes, and each statement prepares them again: every order's stock update of products went
-- through all sixteen of them. A domain's check is evaluated only where a value is assigned to a
-- column of the domain. The rules of a product's fields therefore move into domains, checked
-- when a product is written, and an update of stock alone evaluates only the checks left on the
-- table: the stock never below zero (products_stock_check, the backstop against overselling),
-- the tiers an array, and a season either whole or absent.
CREATE DOMAIN product_slug AS text CHECK (VALUE ~ '^[a-z0-9]+(-[a-z0-9]+)*$' AND length(VALUE) <= 80);
CREATE DOMAIN nonempty_text AS text CHECK (VALUE <> '');
CREATE DOMAIN county_name AS text CHECK (VALUE IN ('略阳县', '灞桥区'));
CREATE DOMAIN fen_positive AS bigint CHECK (VALUE > 0);
CREATE DOMAIN count_positive AS integer CHECK (VALUE >= 1);
CREATE DOMAIN month_or_none AS smallint CHECK (VALUE BETWEEN 0 AND 12);
CREATE DOMAIN product_flags AS text[] CHECK (VALUE <@ ARRAY['地理标志', '绿色', '有机']);
CREATE DOMAIN row_version AS bigint CHECK (VALUE >= 1);

-- The version trigger names the columns it watches, so it is made again around the change of
-- their types.
DROP TRIGGER products_version ON products;
ALTER TABLE products
    DROP CONSTRAINT products_slug_check,
    DROP CONSTRAINT products_name_check,
    DROP CONSTRAINT products_category_check,
    DROP CONSTRAINT products_county_check,
    DROP CONSTRAINT products_spec_check,
    DROP CONSTRAINT products_unit_check,
    DROP CONSTRAINT products_price_check,
    DROP CONSTRAINT products_min_qty_check,
    DROP CONSTRAINT products_multiple_check,
    DROP CONSTRAINT products_season_start_check,
    DROP CONSTRAINT products_season_end_check,
    DROP CONSTRAINT products_flags_check,
    DROP CONSTRAINT products_version_check,
    ALTER COLUMN slug TYPE product_slug,
    ALTER COLUMN name TYPE nonempty_text,
    ALTER COLUMN category TYPE nonempty_text,
    ALTER COLUMN county TYPE county_name,
    ALTER COLUMN spec TYPE nonempty_text,
    ALTER COLUMN unit TYPE nonempty_text,
    ALTER COLUMN price TYPE fen_positive,
    ALTER COLUMN min_qty TYPE count_positive,
    ALTER COLUMN multiple TYPE count_positive,
    ALTER COLUMN season_start TYPE month_or_none,
    ALTER COLUMN season_end TYPE month_or_none,
    ALTER COLUMN flags TYPE product_flags,
    ALTER COLUMN version TYPE row_version;
CREATE TRIGGER products_version
    AFTER INSERT OR DELETE OR UPDATE OF slug, name, category, county, township, supplier_id, spec, unit, price, tiers,
        min_qty, multiple, season_start, season_end, flags, description, listed, created_at, updated_at, version
    ON products FOR EACH STATEMENT EXECUTE FUNCTION bump_catalog_version();

-- Two indexes that every order wrote to and nothing reads in a hurry: the rate limiter's purge
-- of old windows, every ten minutes, reads its small table through; and a checkout's Stripe session
-- is unique only among the checkouts that have one.
DROP INDEX rate_limits_window_start;
ALTER TABLE checkouts DROP CONSTRAINT checkouts_stripe_session_key;
CREATE UNIQUE INDEX checkouts_stripe_session_key ON checkouts (stripe_session) WHERE stripe_session IS NOT NULL;

-- +goose Down
DROP INDEX checkouts_stripe_session_key;
ALTER TABLE checkouts ADD CONSTRAINT checkouts_stripe_session_key UNIQUE (stripe_session);
CREATE INDEX rate_limits_window_start ON rate_limits (window_start);

DROP TRIGGER products_version ON products;
ALTER TABLE products
    ALTER COLUMN slug TYPE text,
    ALTER COLUMN name TYPE text,
    ALTER COLUMN category TYPE text,
    ALTER COLUMN county TYPE text,
    ALTER COLUMN spec TYPE text,
    ALTER COLUMN unit TYPE text,
    ALTER COLUMN price TYPE bigint,
    ALTER COLUMN min_qty TYPE integer,
    ALTER COLUMN multiple TYPE integer,
    ALTER COLUMN season_start TYPE smallint,
    ALTER COLUMN season_end TYPE smallint,
    ALTER COLUMN flags TYPE text[],
    ALTER COLUMN version TYPE bigint,
    ADD CONSTRAINT products_slug_check CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$' AND length(slug) <= 80),
    ADD CONSTRAINT products_name_check CHECK (name <> ''),
    ADD CONSTRAINT products_category_check CHECK (category <> ''),
    ADD CONSTRAINT products_county_check CHECK (county IN ('略阳县', '灞桥区')),
    ADD CONSTRAINT products_spec_check CHECK (spec <> ''),
    ADD CONSTRAINT products_unit_check CHECK (unit <> ''),
    ADD CONSTRAINT products_price_check CHECK (price > 0),
    ADD CONSTRAINT products_min_qty_check CHECK (min_qty >= 1),
    ADD CONSTRAINT products_multiple_check CHECK (multiple >= 1),
    ADD CONSTRAINT products_season_start_check CHECK (season_start BETWEEN 0 AND 12),
    ADD CONSTRAINT products_season_end_check CHECK (season_end BETWEEN 0 AND 12),
    ADD CONSTRAINT products_flags_check CHECK (flags <@ ARRAY['地理标志', '绿色', '有机']),
    ADD CONSTRAINT products_version_check CHECK (version >= 1);
CREATE TRIGGER products_version
    AFTER INSERT OR DELETE OR UPDATE OF slug, name, category, county, township, supplier_id, spec, unit, price, tiers,
        min_qty, multiple, season_start, season_end, flags, description, listed, created_at, updated_at, version
    ON products FOR EACH STATEMENT EXECUTE FUNCTION bump_catalog_version();
DROP DOMAIN row_version, product_flags, month_or_none, count_positive, fen_positive, county_name, nonempty_text,
    product_slug;
