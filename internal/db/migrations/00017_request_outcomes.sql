-- +goose Up
-- The annual report's request table (国办公开办函〔2021〕30号) counts requests by the applicant's
-- category and by outcome; both stay when retention clears the applicant. Replies may carry files.
ALTER TABLE disclosure_requests
    ADD COLUMN applicant_category text NOT NULL DEFAULT 'other'
        CHECK (applicant_category IN ('citizen', 'business', 'research', 'nonprofit', 'legal', 'other')),
    ADD COLUMN outcome text NOT NULL DEFAULT '';
UPDATE disclosure_requests SET applicant_category = 'citizen' WHERE applicant_kind = 'citizen';
UPDATE disclosure_requests SET outcome = 'disclosed' WHERE state = 'answered';
UPDATE disclosure_requests SET outcome = CASE
        WHEN refusal_reason LIKE '属于国家秘密%' THEN 'refused_state_secret'
        WHEN refusal_reason LIKE '法律、行政法规禁止%' THEN 'refused_law_forbidden'
        WHEN refusal_reason LIKE '公开后可能危及%' THEN 'refused_security'
        WHEN refusal_reason LIKE '涉及商业秘密%' THEN 'refused_third_party'
        WHEN refusal_reason LIKE '属于人事管理%' THEN 'refused_internal'
        ELSE 'refused_process' END
    WHERE state = 'refused';
CREATE INDEX disclosure_requests_received ON disclosure_requests (received_at);

CREATE TABLE disclosure_request_files (
    id           bigserial PRIMARY KEY,
    request_id   bigint NOT NULL REFERENCES disclosure_requests ON DELETE CASCADE,
    name         text NOT NULL,
    content_type text NOT NULL,
    data         bytea NOT NULL,
    created_at   timestamptz NOT NULL
);
CREATE INDEX disclosure_request_files_request ON disclosure_request_files (request_id, id);

-- +goose Down
DROP TABLE disclosure_request_files;
DROP INDEX disclosure_requests_received;
ALTER TABLE disclosure_requests DROP COLUMN outcome, DROP COLUMN applicant_category;
