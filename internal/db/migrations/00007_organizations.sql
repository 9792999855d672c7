-- +goose Up
-- Buyer organisations (基层工会 and the like) and their users. An organisation registers, staff of
-- the hall approve or reject it, and until it is approved its users may browse and fill a cart
-- but not place an order. Its administrators invite users and keep its delivery addresses, its
-- invoice details, the amount above which a purchaser's order needs their approval, and its
-- yearly purchase plans.
CREATE TABLE organizations (
    id                 bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name               text NOT NULL CHECK (name <> ''),
    credit_code        text NOT NULL UNIQUE CHECK (credit_code ~ '^[0-9A-HJ-NPQRTUWXY]{18}$'),
    parent             text NOT NULL DEFAULT '',    -- the parent union or the employer
    contact_name       text NOT NULL CHECK (contact_name <> ''),
    contact_phone      text NOT NULL CHECK (contact_phone <> ''),
    contact_email      text NOT NULL DEFAULT '',
    status             text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'rejected')),
    review_reason      text NOT NULL DEFAULT '',    -- why it was rejected
    reviewed_by        bigint REFERENCES users (id) ON DELETE SET NULL,
    reviewed_at        timestamptz,
    -- Invoice details (开票信息): 普票 (ordinary) or 专票 (special VAT invoice, which needs the bank,
    -- account, address and phone as well).
    invoice_title      text NOT NULL DEFAULT '',
    invoice_tax_id     text NOT NULL DEFAULT '',
    invoice_kind       text NOT NULL DEFAULT 'ordinary' CHECK (invoice_kind IN ('ordinary', 'special')),
    invoice_bank       text NOT NULL DEFAULT '',
    invoice_account    text NOT NULL DEFAULT '',
    invoice_address    text NOT NULL DEFAULT '',
    invoice_phone      text NOT NULL DEFAULT '',
    approval_threshold bigint CHECK (approval_threshold >= 0), -- fen; NULL: no order needs approval
    version            bigint NOT NULL DEFAULT 1 CHECK (version >= 1),
    created_at         timestamptz NOT NULL DEFAULT now(),
    updated_at         timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX organizations_status ON organizations (status, created_at);

-- A buyer belongs to one organisation, as its administrator or as a purchaser (采购员), and logs in
-- with its phone or e-mail.
ALTER TABLE users
    ADD COLUMN organization_role text CHECK (organization_role IN ('admin', 'purchaser')),
    ADD COLUMN email text,
    ADD COLUMN phone text,
    ADD CONSTRAINT users_organization_fk FOREIGN KEY (organization_id) REFERENCES organizations (id),
    ADD CONSTRAINT users_buyer_role_check CHECK (organization_role IS NULL OR kind = 'buyer');
CREATE UNIQUE INDEX users_email_lower ON users (lower(email)) WHERE email IS NOT NULL;
CREATE UNIQUE INDEX users_phone ON users (phone) WHERE phone IS NOT NULL;
CREATE INDEX users_organization ON users (organization_id) WHERE organization_id IS NOT NULL;

-- An invitation is known by the SHA-256 of its random token; the token itself is only in the link.
CREATE TABLE invitations (
    id              bytea PRIMARY KEY CHECK (length(id) = 32),
    organization_id bigint NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    contact         text NOT NULL CHECK (contact <> ''),   -- the phone or e-mail it was sent to
    role            text NOT NULL CHECK (role IN ('admin', 'purchaser')),
    invited_by      bigint REFERENCES users (id) ON DELETE SET NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    expires_at      timestamptz NOT NULL,
    accepted_by     bigint REFERENCES users (id) ON DELETE SET NULL,
    accepted_at     timestamptz
);
CREATE INDEX invitations_organization ON invitations (organization_id, created_at DESC);

CREATE TABLE delivery_addresses (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    organization_id bigint NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    recipient       text NOT NULL CHECK (recipient <> ''),
    phone           text NOT NULL CHECK (phone <> ''),
    address         text NOT NULL CHECK (address <> ''),
    is_default      boolean NOT NULL DEFAULT false,
    created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX delivery_addresses_organization ON delivery_addresses (organization_id);
CREATE UNIQUE INDEX delivery_addresses_one_default ON delivery_addresses (organization_id) WHERE is_default;

-- The yearly consumption-assistance purchase plan (预留份额) an organisation reports, in fen.
CREATE TABLE purchase_plans (
    organization_id bigint NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    year            integer NOT NULL CHECK (year BETWEEN 2000 AND 2100),
    amount          bigint NOT NULL CHECK (amount >= 0),
    PRIMARY KEY (organization_id, year)
);

-- +goose Down
DROP TABLE purchase_plans;
DROP TABLE delivery_addresses;
DROP TABLE invitations;
DROP INDEX users_organization;
DROP INDEX users_phone;
DROP INDEX users_email_lower;
ALTER TABLE users
    DROP CONSTRAINT users_buyer_role_check,
    DROP CONSTRAINT users_organization_fk,
    DROP COLUMN phone,
    DROP COLUMN email,
    DROP COLUMN organization_role;
DROP TABLE organizations;
