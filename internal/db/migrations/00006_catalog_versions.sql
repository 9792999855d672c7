-- +goose Up
-- Row versions. A back-office form carries the version of the record it was loaded with, and an
-- update whose version is not the stored one is refused: two staff members saving the same
-- supplier or product never overwrite each other. Stock and listing have their own operations
-- and leave the version as it is.
ALTER TABLE suppliers ADD COLUMN version bigint NOT NULL DEFAULT 1 CHECK (version >= 1);
ALTER TABLE products ADD COLUMN version bigint NOT NULL DEFAULT 1 CHECK (version >= 1);

-- The listing index holds everything a product card shows, stock and cover photo included, so
-- every change of a product or of its photos moves the catalogue's version.
DROP TRIGGER products_version ON products;
CREATE TRIGGER products_version
    AFTER INSERT OR DELETE OR UPDATE ON products
    FOR EACH STATEMENT EXECUTE FUNCTION bump_catalog_version();
CREATE TRIGGER product_photos_version
    AFTER INSERT OR DELETE OR UPDATE ON product_photos
    FOR EACH STATEMENT EXECUTE FUNCTION bump_catalog_version();

-- +goose Down
DROP TRIGGER product_photos_version ON product_photos;
DROP TRIGGER products_version ON products;
CREATE TRIGGER products_version
    AFTER INSERT OR DELETE OR UPDATE OF slug, name, category, county, township, supplier_id, spec, unit, price, season_start, season_end, flags, listed, created_at
    ON products FOR EACH STATEMENT EXECUTE FUNCTION bump_catalog_version();
ALTER TABLE products DROP COLUMN version;
ALTER TABLE suppliers DROP COLUMN version;
