-- +goose Up
-- 意见征集: comments on draft documents while their consultation is open, how staff handled
-- each, and the feedback summary published after it closes (issue 10). Which documents are open
-- for comment, and when, is in their front matter: doc_slug names the document. The commenter's
-- name and contact are personal data, cleared by retention.
CREATE TABLE consultation_comments (
    id          bigserial PRIMARY KEY,
    doc_slug    text NOT NULL,
    body        text NOT NULL,
    name        text,                  -- personal data; NULL when none or cleared
    contact     text,                  -- personal data; NULL when none or cleared
    received_at timestamptz NOT NULL,
    decision    text CHECK (decision IN ('adopted', 'partly', 'not_adopted')),
    point       text NOT NULL DEFAULT '', -- staff's summary of the comment, published
    reason      text NOT NULL DEFAULT '', -- why it was (not) adopted, published
    decided_at  timestamptz
);
CREATE INDEX consultation_comments_doc ON consultation_comments (doc_slug, id);

CREATE TABLE consultation_summaries (
    doc_slug     text PRIMARY KEY,
    body         text NOT NULL,
    published_at timestamptz NOT NULL,
    published_by text NOT NULL
);

-- +goose Down
DROP TABLE consultation_summaries;
DROP TABLE consultation_comments;
