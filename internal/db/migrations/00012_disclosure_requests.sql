-- +goose Up
-- 依申请公开: requests for government information, their steps and their deadlines (issue 10).
-- The applicant's personal data is the applicant column alone, so that retention can clear it
-- and the statistics stay.
CREATE SEQUENCE disclosure_request_seq;

CREATE TABLE disclosure_requests (
    id               bigserial PRIMARY KEY,
    number           text NOT NULL UNIQUE,           -- YSQ2026-000001, shown to the applicant
    secret_hash      bytea NOT NULL,                 -- SHA-256 of the secret code given with it
    applicant_kind   text NOT NULL CHECK (applicant_kind IN ('citizen', 'organization')),
    applicant        jsonb,                          -- personal data; NULL once retention cleared it
    description      text NOT NULL,
    document_number  text NOT NULL DEFAULT '',
    purpose          text NOT NULL,
    delivery         text NOT NULL CHECK (delivery IN ('email', 'post', 'pickup')),
    state            text NOT NULL CHECK (state IN ('received', 'accepted', 'needs_info', 'extended', 'answered', 'refused')),
    received_at      timestamptz NOT NULL,
    due_at           timestamptz NOT NULL,
    remaining_days   int CHECK (remaining_days >= 0), -- while needs_info: working days left when the clock stopped
    extended         boolean NOT NULL DEFAULT false,
    extension_reason text NOT NULL DEFAULT '',
    reply            text NOT NULL DEFAULT '',
    refusal_reason   text NOT NULL DEFAULT '',
    closed_at        timestamptz,
    updated_at       timestamptz NOT NULL
);
CREATE INDEX disclosure_requests_open ON disclosure_requests (due_at) WHERE closed_at IS NULL;

CREATE TABLE disclosure_request_events (
    id         bigserial PRIMARY KEY,
    request_id bigint NOT NULL REFERENCES disclosure_requests ON DELETE CASCADE,
    at         timestamptz NOT NULL,
    from_state text,
    to_state   text NOT NULL,
    actor_id   bigint REFERENCES users ON DELETE SET NULL,
    actor_name text NOT NULL,
    note       text NOT NULL DEFAULT ''
);
CREATE INDEX disclosure_request_events_request ON disclosure_request_events (request_id, id);

-- +goose Down
DROP TABLE disclosure_request_events;
DROP TABLE disclosure_requests;
DROP SEQUENCE disclosure_request_seq;
