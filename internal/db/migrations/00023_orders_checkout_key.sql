-- +goose Up
-- An order belongs to the organisation of its checkout. Two foreign keys (to checkouts, to
-- organizations) let them differ, and each was checked by every order; one foreign key on the
-- pair holds them equal, and the checkout's own key to organizations covers the rest.
ALTER TABLE checkouts ADD CONSTRAINT checkouts_id_organization_key UNIQUE (id, organization_id);
ALTER TABLE orders
    ADD CONSTRAINT orders_checkout_organization_fkey FOREIGN KEY (checkout_id, organization_id)
        REFERENCES checkouts (id, organization_id),
    DROP CONSTRAINT orders_checkout_id_fkey,
    DROP CONSTRAINT orders_organization_id_fkey;

-- +goose Down
ALTER TABLE orders
    ADD CONSTRAINT orders_checkout_id_fkey FOREIGN KEY (checkout_id) REFERENCES checkouts (id),
    ADD CONSTRAINT orders_organization_id_fkey FOREIGN KEY (organization_id) REFERENCES organizations (id),
    DROP CONSTRAINT orders_checkout_organization_fkey;
ALTER TABLE checkouts DROP CONSTRAINT checkouts_id_organization_key;
