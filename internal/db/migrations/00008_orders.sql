-- +goose Up
-- Carts, checkouts, orders and their payments, shipments and invoices. Amounts are in fen.
--
-- A buyer's cart holds lines until a checkout turns it into one order per supplier, placed
-- together, each reserving its stock in the same transaction. An order moves only forward:
--   approval (待审批) -> unpaid (待付款) -> paid (已付款) -> shipped (已发货) -> received (已收货)
--   -> invoiced (已开票); cancelled (已取消) before payment, by the buyer or when its payment
--   deadline passes; refunded (已退款) by staff after payment, in full (a part refunded is
--   recorded in refunds and leaves the state as it is).
CREATE TABLE cart_lines (
    user_id        bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    product_id     bigint NOT NULL REFERENCES products (id) ON DELETE CASCADE,
    quantity       integer NOT NULL CHECK (quantity > 0),
    price_at_add   bigint NOT NULL CHECK (price_at_add >= 0), -- the unit price when added, to say it changed
    added_at       timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, product_id)
);

-- A checkout is the orders placed together from one cart; a bank transfer or one Stripe Checkout
-- Session pays for them together. reference is the payment reference code (识别码) the payer
-- writes in the transfer.
CREATE TABLE checkouts (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    organization_id  bigint NOT NULL REFERENCES organizations (id),
    user_id          bigint REFERENCES users (id) ON DELETE SET NULL,
    reference        text NOT NULL UNIQUE,
    total            bigint NOT NULL CHECK (total >= 0),
    stripe_session   text UNIQUE,            -- the latest Checkout Session
    stripe_attempts  integer NOT NULL DEFAULT 0 CHECK (stripe_attempts >= 0),
    created_at       timestamptz NOT NULL DEFAULT now()
);

CREATE SEQUENCE order_number_seq;

CREATE TABLE orders (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    number          text NOT NULL UNIQUE,       -- XF20270512-000123
    checkout_id     bigint NOT NULL REFERENCES checkouts (id),
    organization_id bigint NOT NULL REFERENCES organizations (id),
    supplier_id     bigint NOT NULL REFERENCES suppliers (id),
    placed_by       bigint REFERENCES users (id) ON DELETE SET NULL,
    state           text NOT NULL CHECK (state IN ('approval', 'unpaid', 'paid', 'shipped', 'received',
                                                   'invoiced', 'cancelled', 'refunded')),
    total           bigint NOT NULL CHECK (total >= 0),
    refunded        bigint NOT NULL DEFAULT 0 CHECK (refunded >= 0 AND refunded <= total),
    -- What the buyer chose at checkout, copied: a later change of the organisation's addresses
    -- or invoice details leaves a placed order as it was.
    recipient       text NOT NULL,
    phone           text NOT NULL,
    address         text NOT NULL,
    invoice         jsonb NOT NULL,             -- title, tax id, kind and, for 专票, bank details
    purchase_ref    text NOT NULL DEFAULT '',   -- 采购单号
    note            text NOT NULL DEFAULT '',
    pay_by          timestamptz,                -- unpaid orders are cancelled after it
    late_payment    boolean NOT NULL DEFAULT false, -- paid after it was cancelled: for staff to settle
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX orders_organization ON orders (organization_id, created_at DESC);
CREATE INDEX orders_state ON orders (state, created_at);
CREATE INDEX orders_checkout ON orders (checkout_id);
CREATE INDEX orders_unpaid_due ON orders (pay_by) WHERE state = 'unpaid';

-- The lines of an order, with the product as it was sold.
CREATE TABLE order_lines (
    order_id     bigint NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    product_id   bigint NOT NULL REFERENCES products (id),
    name         text NOT NULL,
    spec         text NOT NULL,
    unit         text NOT NULL,
    quantity     integer NOT NULL CHECK (quantity > 0),
    unit_price   bigint NOT NULL CHECK (unit_price >= 0),
    tier_min_qty integer NOT NULL DEFAULT 1,  -- the price tier that applied
    total        bigint NOT NULL CHECK (total >= 0),
    PRIMARY KEY (order_id, product_id)
);

-- The timeline: every change of state, by whom and when.
CREATE TABLE order_events (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    order_id   bigint NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    from_state text,
    to_state   text NOT NULL,
    actor_id   bigint,
    actor_name text NOT NULL,
    note       text NOT NULL DEFAULT '',
    at         timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX order_events_order ON order_events (order_id, at);

CREATE TABLE shipments (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    order_id    bigint NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    carrier     text NOT NULL CHECK (carrier <> ''),
    tracking    text NOT NULL CHECK (tracking <> ''),
    shipped_at  timestamptz NOT NULL DEFAULT now(),
    recorded_by bigint REFERENCES users (id) ON DELETE SET NULL
);
CREATE INDEX shipments_order ON shipments (order_id);

-- A problem the buyer reports on receipt (验收), with an optional photo.
CREATE TABLE order_problems (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    order_id     bigint NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    reported_by  bigint REFERENCES users (id) ON DELETE SET NULL,
    text         text NOT NULL CHECK (text <> ''),
    photo        bytea,
    photo_type   text,
    at           timestamptz NOT NULL DEFAULT now()
);

-- A payment received: a bank transfer recorded by staff (bank_reference, once only) or a Stripe
-- payment (stripe_payment, once only). One payment may pay several orders of one checkout.
CREATE TABLE payments (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    checkout_id    bigint NOT NULL REFERENCES checkouts (id),
    method         text NOT NULL CHECK (method IN ('transfer', 'stripe')),
    amount         bigint NOT NULL CHECK (amount > 0),
    paid_on        date NOT NULL,
    payer          text NOT NULL DEFAULT '',
    bank_reference text UNIQUE,
    stripe_payment text UNIQUE,
    recorded_by    bigint REFERENCES users (id) ON DELETE SET NULL,
    recorded_at    timestamptz NOT NULL DEFAULT now(),
    CHECK ((method = 'transfer') = (bank_reference IS NOT NULL)),
    CHECK ((method = 'stripe') = (stripe_payment IS NOT NULL))
);
CREATE TABLE payment_orders (
    payment_id bigint NOT NULL REFERENCES payments (id) ON DELETE CASCADE,
    order_id   bigint NOT NULL REFERENCES orders (id),
    amount     bigint NOT NULL CHECK (amount > 0),
    PRIMARY KEY (payment_id, order_id)
);
CREATE INDEX payment_orders_order ON payment_orders (order_id);

CREATE TABLE refunds (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    order_id      bigint NOT NULL REFERENCES orders (id),
    amount        bigint NOT NULL CHECK (amount > 0),
    reason        text NOT NULL CHECK (reason <> ''),
    stripe_refund text UNIQUE,
    recorded_by   bigint REFERENCES users (id) ON DELETE SET NULL,
    at            timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX refunds_order ON refunds (order_id);

-- An invoice the buyer asked for, and what staff recorded of it once issued.
CREATE TABLE invoices (
    order_id     bigint PRIMARY KEY REFERENCES orders (id) ON DELETE CASCADE,
    requested_by bigint REFERENCES users (id) ON DELETE SET NULL,
    requested_at timestamptz NOT NULL DEFAULT now(),
    number       text,
    issued_on    date,
    amount       bigint CHECK (amount >= 0),
    pdf          bytea,
    recorded_by  bigint REFERENCES users (id) ON DELETE SET NULL,
    recorded_at  timestamptz
);

-- Stripe events seen, each once: a delivery seen before changes nothing.
CREATE TABLE stripe_events (
    id          text PRIMARY KEY,
    type        text NOT NULL,
    received_at timestamptz NOT NULL DEFAULT now()
);

-- +goose Down
DROP TABLE stripe_events;
DROP TABLE invoices;
DROP TABLE refunds;
DROP TABLE payment_orders;
DROP TABLE payments;
DROP TABLE order_problems;
DROP TABLE shipments;
DROP TABLE order_events;
DROP TABLE order_lines;
DROP TABLE orders;
DROP SEQUENCE order_number_seq;
DROP TABLE checkouts;
DROP TABLE cart_lines;
