-- +goose Up
-- As for products in 00020: a table's CHECK constraints are parsed and prepared again by every
-- statement that writes the table, a domain's once per connection. Every order writes a
-- checkout, orders, their lines, stock movements and a rate-limit count, so the rules of their
-- single columns move into domains; what compares two columns stays a table constraint.
CREATE DOMAIN fen_nonnegative AS bigint CHECK (VALUE >= 0);
CREATE DOMAIN count_nonnegative AS integer CHECK (VALUE >= 0);
CREATE DOMAIN order_state AS text CHECK (VALUE IN ('approval', 'unpaid', 'paid', 'shipped', 'received',
    'invoiced', 'cancelled', 'refunded'));

ALTER TABLE checkouts
    DROP CONSTRAINT checkouts_total_check,
    DROP CONSTRAINT checkouts_stripe_attempts_check,
    ALTER COLUMN total TYPE fen_nonnegative,
    ALTER COLUMN stripe_attempts TYPE count_nonnegative;
ALTER TABLE orders
    DROP CONSTRAINT orders_state_check,
    DROP CONSTRAINT orders_total_check,
    DROP CONSTRAINT orders_check,
    ALTER COLUMN state TYPE order_state,
    ALTER COLUMN total TYPE fen_nonnegative,
    ALTER COLUMN refunded TYPE fen_nonnegative,
    ADD CONSTRAINT orders_refunded_check CHECK (refunded <= total);
ALTER TABLE order_lines
    DROP CONSTRAINT order_lines_quantity_check,
    DROP CONSTRAINT order_lines_unit_price_check,
    DROP CONSTRAINT order_lines_total_check,
    ALTER COLUMN quantity TYPE count_positive,
    ALTER COLUMN unit_price TYPE fen_nonnegative,
    ALTER COLUMN total TYPE fen_nonnegative;
ALTER TABLE stock_movements
    DROP CONSTRAINT stock_movements_stock_after_check,
    ALTER COLUMN stock_after TYPE count_nonnegative;
ALTER TABLE rate_limits
    DROP CONSTRAINT rate_limits_count_check,
    DROP CONSTRAINT rate_limits_key_check,
    ALTER COLUMN key TYPE nonempty_text,
    ALTER COLUMN count TYPE count_positive;

-- +goose Down
ALTER TABLE rate_limits
    ALTER COLUMN key TYPE text,
    ALTER COLUMN count TYPE integer,
    ADD CONSTRAINT rate_limits_key_check CHECK (key <> ''),
    ADD CONSTRAINT rate_limits_count_check CHECK (count > 0);
ALTER TABLE stock_movements
    ALTER COLUMN stock_after TYPE integer,
    ADD CONSTRAINT stock_movements_stock_after_check CHECK (stock_after >= 0);
ALTER TABLE order_lines
    ALTER COLUMN quantity TYPE integer,
    ALTER COLUMN unit_price TYPE bigint,
    ALTER COLUMN total TYPE bigint,
    ADD CONSTRAINT order_lines_quantity_check CHECK (quantity > 0),
    ADD CONSTRAINT order_lines_unit_price_check CHECK (unit_price >= 0),
    ADD CONSTRAINT order_lines_total_check CHECK (total >= 0);
ALTER TABLE orders
    DROP CONSTRAINT orders_refunded_check,
    ALTER COLUMN state TYPE text,
    ALTER COLUMN total TYPE bigint,
    ALTER COLUMN refunded TYPE bigint,
    ADD CONSTRAINT orders_state_check CHECK (state IN ('approval', 'unpaid', 'paid', 'shipped', 'received',
        'invoiced', 'cancelled', 'refunded')),
    ADD CONSTRAINT orders_total_check CHECK (total >= 0),
    ADD CONSTRAINT orders_check CHECK (refunded >= 0 AND refunded <= total);
ALTER TABLE checkouts
    ALTER COLUMN total TYPE bigint,
    ALTER COLUMN stripe_attempts TYPE integer,
    ADD CONSTRAINT checkouts_total_check CHECK (total >= 0),
    ADD CONSTRAINT checkouts_stripe_attempts_check CHECK (stripe_attempts >= 0);
DROP DOMAIN order_state, count_nonnegative, fen_nonnegative;
