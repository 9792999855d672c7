-- +goose Up
-- The challenges of the public forms (issue 10): a small sum a person answers without JavaScript.
-- A challenge is known by the SHA-256 of the random token in the form; it is used once (deleted
-- when answered, right or wrong) and expires, so that every replica can check any form.
CREATE TABLE form_challenges (
    id         bytea PRIMARY KEY CHECK (length(id) = 32),
    answer     integer NOT NULL,
    expires_at timestamptz NOT NULL
);
CREATE INDEX form_challenges_expires_at ON form_challenges (expires_at);

-- +goose Down
DROP TABLE form_challenges;
