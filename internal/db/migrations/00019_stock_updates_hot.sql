-- +goose Up
-- Every order changes the stock of its products. With stock_changed_at indexed, each of those
-- updates wrote a new entry into every index of products; without that index they are heap-only
-- (HOT) updates that touch no index, and room left on each page keeps them so. The catalogue's
-- once-a-second look for stock changes (catalog/index.go) reads the table instead, which holds
-- a few thousand products at most.
DROP INDEX products_stock_changed;
ALTER TABLE products SET (fillfactor = 80);

-- +goose Down
ALTER TABLE products RESET (fillfactor);
CREATE INDEX products_stock_changed ON products (stock_changed_at);
