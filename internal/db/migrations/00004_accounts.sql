-- +goose Up
-- Accounts (staff and union buyers), server-side sessions and the login
-- throttle. Everything lives here so that every replica behind the load balancer agrees.
CREATE TABLE users (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    username        text NOT NULL CHECK (username <> ''),
    display_name    text NOT NULL DEFAULT '',
    password_hash   text NOT NULL,          -- argon2id PHC string
    role            text NOT NULL CHECK (role IN ('staff', 'buyer')),
    organization_id bigint,                 -- buyers only
    disabled        boolean NOT NULL DEFAULT false,
    created_at      timestamptz NOT NULL DEFAULT now(),
    last_login_at   timestamptz
);
CREATE UNIQUE INDEX users_username_lower ON users (lower(username));

-- A session is known by the SHA-256 of its random token; the token itself is only in the cookie.
-- user_id is NULL for an anonymous session that carries the login form's CSRF token.
CREATE TABLE sessions (
    id           bytea PRIMARY KEY CHECK (length(id) = 32),
    user_id      bigint REFERENCES users (id) ON DELETE CASCADE,
    csrf_token   text NOT NULL,
    created_at   timestamptz NOT NULL,
    last_seen_at timestamptz NOT NULL,      -- idle timeout is enforced against this on read
    expires_at   timestamptz NOT NULL       -- absolute timeout
);
CREATE INDEX sessions_expires_at ON sessions (expires_at);
CREATE INDEX sessions_user_id ON sessions (user_id);

-- Failed logins per account (kind 'user', key = lower(username)) and per client address
-- (kind 'ip'). After a number of failures each further failure locks the key for twice as long.
CREATE TABLE login_throttle (
    kind            text NOT NULL CHECK (kind IN ('user', 'ip')),
    key             text NOT NULL,
    failures        integer NOT NULL DEFAULT 0 CHECK (failures >= 0),
    last_failure_at timestamptz,
    locked_until    timestamptz,
    PRIMARY KEY (kind, key)
);

-- +goose Down
DROP TABLE login_throttle;
DROP TABLE sessions;
DROP TABLE users;
