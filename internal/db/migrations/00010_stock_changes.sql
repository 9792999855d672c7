-- +goose Up
-- Stock changes no longer move the catalogue's version. Every order reserves stock, and moving
-- the one version row made every checkout wait for every other one. A product's stock_changed_at
-- says when its stock last changed; the listing index of each replica reads the stock of the
-- products changed lately each time it checks the version, so no lock is shared. Everything else
-- about a product still moves the version.
ALTER TABLE products ADD COLUMN stock_changed_at timestamptz NOT NULL DEFAULT now();
CREATE INDEX products_stock_changed ON products (stock_changed_at);

-- +goose StatementBegin
CREATE FUNCTION note_stock_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.stock_changed_at = clock_timestamp();
    RETURN NEW;
END
$$;
-- +goose StatementEnd

CREATE TRIGGER products_stock_changed
    BEFORE UPDATE OF stock ON products
    FOR EACH ROW WHEN (NEW.stock IS DISTINCT FROM OLD.stock) EXECUTE FUNCTION note_stock_change();

DROP TRIGGER products_version ON products;
CREATE TRIGGER products_version
    AFTER INSERT OR DELETE OR UPDATE OF slug, name, category, county, township, supplier_id, spec, unit, price, tiers,
        min_qty, multiple, season_start, season_end, flags, description, listed, created_at, updated_at, version
    ON products FOR EACH STATEMENT EXECUTE FUNCTION bump_catalog_version();

-- +goose Down
DROP TRIGGER products_version ON products;
CREATE TRIGGER products_version
    AFTER INSERT OR DELETE OR UPDATE ON products
    FOR EACH STATEMENT EXECUTE FUNCTION bump_catalog_version();
DROP TRIGGER products_stock_changed ON products;
DROP FUNCTION note_stock_change();
DROP INDEX products_stock_changed;
ALTER TABLE products DROP COLUMN stock_changed_at;
