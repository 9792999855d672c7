-- +goose Up
-- Every change made by staff, with the state before and after, written in the same transaction
-- as the change itself.
CREATE TABLE audit_log (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at          timestamptz NOT NULL DEFAULT now(),
    actor_id    bigint,                 -- the staff account; NULL for the command line
    actor_name  text NOT NULL,
    action      text NOT NULL,          -- e.g. product.create, product.stock
    entity      text NOT NULL,          -- e.g. product, supplier
    entity_id   text NOT NULL,          -- the slug or id of what changed
    before      jsonb,
    after       jsonb,
    note        text NOT NULL DEFAULT ''
);
CREATE INDEX audit_log_at ON audit_log (at DESC);
CREATE INDEX audit_log_entity ON audit_log (entity, entity_id, at DESC);

-- +goose Down
DROP TABLE audit_log;
