-- +goose Up
-- Accounts get a kind (staff or buyer) and staff accounts their roles: hall, open (government),
-- messages (from citizens) and admin, who may do what every role may. Every existing staff
-- account becomes an administrator. must_change_password marks the first-run account, whose
-- random password is changed at the first login.
ALTER TABLE users RENAME COLUMN role TO kind;
ALTER TABLE users RENAME CONSTRAINT users_role_check TO users_kind_check;
ALTER TABLE users
    ADD COLUMN roles text[] NOT NULL DEFAULT '{}'
        CONSTRAINT users_roles_check CHECK (roles <@ ARRAY['hall', 'open', 'messages', 'admin']),
    ADD COLUMN must_change_password boolean NOT NULL DEFAULT false;
UPDATE users SET roles = '{admin}' WHERE kind = 'staff';
ALTER TABLE users ADD CONSTRAINT users_kind_roles_check
    CHECK (CASE kind WHEN 'staff' THEN cardinality(roles) > 0 ELSE cardinality(roles) = 0 END);

-- +goose Down
ALTER TABLE users DROP CONSTRAINT users_kind_roles_check;
ALTER TABLE users DROP COLUMN must_change_password, DROP COLUMN roles;
ALTER TABLE users RENAME CONSTRAINT users_kind_check TO users_role_check;
ALTER TABLE users RENAME COLUMN kind TO role;
