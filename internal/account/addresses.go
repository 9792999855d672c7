package account

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"

	"zhenxing"
	"zhenxing/internal/db"
)

// MaxAddresses is how many delivery addresses an organisation may keep.
const MaxAddresses = 20

// Address is a delivery address of an organisation.
type Address struct {
	ID             int64     `db:"id"`
	OrganizationID int64     `db:"organization_id"`
	Recipient      string    `db:"recipient"`
	Phone          string    `db:"phone"`
	Address        string    `db:"address"`
	IsDefault      bool      `db:"is_default"`
	CreatedAt      time.Time `db:"created_at"`
}

// NewAddress is a delivery address to add.
type NewAddress struct {
	Recipient string // 收货人
	Phone     string // 联系电话
	Address   string // 详细地址
	Default   bool   // make it the default (the first address is the default anyway)
}

// validate trims a and checks it. Every problem is EInvalid.
func (a NewAddress) validate() (NewAddress, error) {
	if err := text(&a.Recipient, "收货人", 32, true); err != nil {
		return a, err
	}
	if err := text(&a.Phone, "收货人电话", 20, true); err != nil {
		return a, err
	}
	if !phonePattern.MatchString(a.Phone) {
		return a, zhenxing.Errorf(zhenxing.EInvalid, "收货人电话“%s”无效。", a.Phone)
	}
	if err := text(&a.Address, "收货地址", 200, true); err != nil {
		return a, err
	}
	return a, nil
}

const addressColumns = `id, organization_id, recipient, phone, address, is_default, created_at`

// Addresses returns the delivery addresses of the organisation orgID, the default first, then
// oldest first. None is an empty list.
func (s *Store) Addresses(ctx context.Context, orgID int64) ([]Address, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+addressColumns+` FROM delivery_addresses WHERE organization_id = $1
		ORDER BY is_default DESC, created_at, id`, orgID)
	if err != nil {
		return nil, fmt.Errorf("list addresses: %w", err)
	}
	return pgx.CollectRows(rows, pgx.RowToStructByName[Address])
}

func errNoAddress() error { return zhenxing.Errorf(zhenxing.ENotFound, "该收货地址不存在。") }

// AddAddress adds a delivery address to the organisation that by administers; the first one,
// or one marked Default, becomes the default. It returns EForbidden when by is not an
// administrator, EInvalid for a bad address and EConflict past MaxAddresses.
func (s *Store) AddAddress(ctx context.Context, by *User, na NewAddress) (*Address, error) {
	orgID, err := orgAdminOf(by)
	if err != nil {
		return nil, err
	}
	if na, err = na.validate(); err != nil {
		return nil, err
	}
	var a Address
	err = db.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		if _, err := loadOrganization(ctx, tx, orgID, "FOR UPDATE"); err != nil {
			return err
		}
		var n int
		if err := tx.QueryRow(ctx, `SELECT count(*) FROM delivery_addresses WHERE organization_id = $1`, orgID).Scan(&n); err != nil {
			return fmt.Errorf("count addresses: %w", err)
		}
		if n >= MaxAddresses {
			return zhenxing.Errorf(zhenxing.EConflict, "收货地址最多 %d 个，请先删除不用的地址。", MaxAddresses)
		}
		isDefault := n == 0 || na.Default
		if isDefault {
			if _, err := tx.Exec(ctx, `UPDATE delivery_addresses SET is_default = false WHERE organization_id = $1 AND is_default`, orgID); err != nil {
				return fmt.Errorf("clear default address: %w", err)
			}
		}
		rows, err := tx.Query(ctx, `INSERT INTO delivery_addresses (organization_id, recipient, phone, address, is_default)
			VALUES ($1, $2, $3, $4, $5) RETURNING `+addressColumns, orgID, na.Recipient, na.Phone, na.Address, isDefault)
		if err != nil {
			return fmt.Errorf("add address: %w", err)
		}
		if a, err = pgx.CollectExactlyOneRow(rows, pgx.RowToStructByName[Address]); err != nil {
			return fmt.Errorf("add address: %w", err)
		}
		return db.RecordAudit(ctx, tx, by.Actor(), "address.add", "organization", strconv.FormatInt(orgID, 10), nil, a, "")
	})
	if err != nil {
		return nil, err
	}
	return &a, nil
}

// SetDefaultAddress makes the address id the default of the organisation that by administers.
// It returns EForbidden when by is not an administrator and ENotFound for an address of another
// organisation or none.
func (s *Store) SetDefaultAddress(ctx context.Context, by *User, id int64) error {
	orgID, err := orgAdminOf(by)
	if err != nil {
		return err
	}
	return db.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		if _, err := loadOrganization(ctx, tx, orgID, "FOR UPDATE"); err != nil {
			return err
		}
		var exists bool
		if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM delivery_addresses WHERE id = $1 AND organization_id = $2)`, id, orgID).Scan(&exists); err != nil {
			return fmt.Errorf("find address: %w", err)
		}
		if !exists {
			return errNoAddress()
		}
		if _, err := tx.Exec(ctx, `UPDATE delivery_addresses SET is_default = false WHERE organization_id = $1 AND is_default AND id <> $2`, orgID, id); err != nil {
			return fmt.Errorf("clear default address: %w", err)
		}
		if _, err := tx.Exec(ctx, `UPDATE delivery_addresses SET is_default = true WHERE id = $1`, id); err != nil {
			return fmt.Errorf("set default address: %w", err)
		}
		return db.RecordAudit(ctx, tx, by.Actor(), "address.default", "organization", strconv.FormatInt(orgID, 10), nil, map[string]any{"address_id": id}, "")
	})
}

// DeleteAddress deletes the address id of the organisation that by administers; when it was the
// default, the oldest remaining address becomes the default. It returns EForbidden when by is not
// an administrator, ENotFound for an address of another organisation or none, and EConflict for
// the organisation's last address (an order needs one).
func (s *Store) DeleteAddress(ctx context.Context, by *User, id int64) error {
	orgID, err := orgAdminOf(by)
	if err != nil {
		return err
	}
	return db.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		if _, err := loadOrganization(ctx, tx, orgID, "FOR UPDATE"); err != nil {
			return err
		}
		rows, err := tx.Query(ctx, `DELETE FROM delivery_addresses WHERE id = $1 AND organization_id = $2 RETURNING `+addressColumns, id, orgID)
		if err != nil {
			return fmt.Errorf("delete address: %w", err)
		}
		gone, err := pgx.CollectExactlyOneRow(rows, pgx.RowToStructByName[Address])
		if errors.Is(err, pgx.ErrNoRows) {
			return errNoAddress()
		}
		if err != nil {
			return fmt.Errorf("delete address: %w", err)
		}
		var left int
		if err := tx.QueryRow(ctx, `SELECT count(*) FROM delivery_addresses WHERE organization_id = $1`, orgID).Scan(&left); err != nil {
			return fmt.Errorf("count addresses: %w", err)
		}
		if left == 0 {
			return zhenxing.Errorf(zhenxing.EConflict, "至少需要保留一个收货地址。")
		}
		if gone.IsDefault {
			if _, err := tx.Exec(ctx, `UPDATE delivery_addresses SET is_default = true WHERE id = (
				SELECT id FROM delivery_addresses WHERE organization_id = $1 ORDER BY created_at, id LIMIT 1)`, orgID); err != nil {
				return fmt.Errorf("move default address: %w", err)
			}
		}
		return db.RecordAudit(ctx, tx, by.Actor(), "address.delete", "organization", strconv.FormatInt(orgID, 10), gone, nil, "")
	})
}
