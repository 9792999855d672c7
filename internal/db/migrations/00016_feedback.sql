-- +goose Up
-- 找错: reports of errors on the site sent through its own form (issue 10). The reporter's
-- contact is the contact column alone, so that retention can clear it.
CREATE TABLE feedback_reports (
    id          bigserial PRIMARY KEY,
    page        text NOT NULL CHECK (page LIKE '/%'),   -- a path of this site
    body        text NOT NULL,
    contact     text,                                   -- personal data; NULL when none or cleared
    state       text NOT NULL DEFAULT 'new' CHECK (state IN ('new', 'handling', 'fixed', 'declined')),
    reply       text NOT NULL DEFAULT '',
    received_at timestamptz NOT NULL,
    closed_at   timestamptz
);
CREATE INDEX feedback_reports_state ON feedback_reports (state, received_at);

-- +goose Down
DROP TABLE feedback_reports;
