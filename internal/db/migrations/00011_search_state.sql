-- +goose Up
-- The search index's generation: `zhenxing reindex` moves it, and every replica that holds its
-- index in memory rebuilds it whole when it sees the change.
CREATE TABLE search_state (
    singleton  boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    generation bigint NOT NULL DEFAULT 0
);
INSERT INTO search_state DEFAULT VALUES;

-- +goose Down
DROP TABLE search_state;
