-- +goose Up
-- 领导信箱: citizens' messages to the bureau and its answers (issue 10). The writer's contact is
-- the contact column alone, so that retention can clear it and the statistics stay; the published
-- question and answer are the texts staff checked, with personal data removed.
CREATE SEQUENCE message_seq;

CREATE TABLE messages (
    id                 bigserial PRIMARY KEY,
    number             text NOT NULL UNIQUE,        -- XX2026-000001, shown to the writer
    secret_hash        bytea NOT NULL,              -- SHA-256 of the secret code given with it
    kind               text NOT NULL CHECK (kind IN ('consult', 'suggest', 'complain')),
    subject            text NOT NULL,
    body               text NOT NULL,
    contact            jsonb,                       -- personal data; NULL when none was given or retention cleared it
    publish_consent    boolean NOT NULL,
    received_at        timestamptz NOT NULL,
    due_at             timestamptz NOT NULL,
    answer             text NOT NULL DEFAULT '',
    answered_at        timestamptz,
    answered_by        text NOT NULL DEFAULT '',
    published_question text,                        -- NULL while not published
    published_answer   text,
    published_at       timestamptz,
    CHECK (published_at IS NULL OR publish_consent)
);
CREATE INDEX messages_open ON messages (due_at) WHERE answered_at IS NULL;
CREATE INDEX messages_published ON messages (published_at DESC) WHERE published_at IS NOT NULL;
CREATE INDEX messages_received ON messages (received_at);

-- +goose Down
DROP TABLE messages;
DROP SEQUENCE message_seq;
