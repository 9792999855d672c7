-- +goose Up
-- Fixed-window counters of the rate limiter (db.Limiter): how many times a key (an action and a
-- client address, e.g. "register:203.0.113.9") was used in the window that starts at
-- window_start. Kept in PostgreSQL so that every replica counts against the same limit.
CREATE TABLE rate_limits (
    key          text NOT NULL CHECK (key <> ''),
    window_start timestamptz NOT NULL,
    count        integer NOT NULL CHECK (count > 0),
    PRIMARY KEY (key, window_start)
);
CREATE INDEX rate_limits_window_start ON rate_limits (window_start);

-- +goose Down
DROP TABLE rate_limits;
