-- +goose Up
-- The first migration only marks the schema as managed; the catalogue's tables follow.
SELECT 1;

-- +goose Down
SELECT 1;
