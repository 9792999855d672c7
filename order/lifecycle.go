package order

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"

	"zhenxing"
	"zhenxing/internal/db"
)

// lockedOrder is an order row locked by the transaction that changes it.
type lockedOrder struct {
	ID         int64
	Number     string
	CheckoutID int64
	State      string
	Total      zhenxing.Money
	Refunded   zhenxing.Money
	PayBy      *time.Time
	Late       bool // a payment arrived after it was cancelled
}

// lockOrder locks the order with the number, of the organisation (0: any). An unknown number, or
// another organisation's, is ENotFound.
func lockOrder(ctx context.Context, tx pgx.Tx, orgID int64, number string) (*lockedOrder, error) {
	number = normNumber(number)
	var o lockedOrder
	err := tx.QueryRow(ctx, `SELECT id, number, checkout_id, state, total, refunded, pay_by, late_payment FROM orders
		WHERE number = $1 AND ($2::bigint = 0 OR organization_id = $2) FOR UPDATE`, number, orgID).
		Scan(&o.ID, &o.Number, &o.CheckoutID, &o.State, &o.Total, &o.Refunded, &o.PayBy, &o.Late)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, orderNotFound(number)
	}
	if err != nil {
		return nil, fmt.Errorf("lock order: %w", err)
	}
	return &o, nil
}

// allow refuses the action unless the order is in one of the states.
func (o *lockedOrder) allow(action string, states ...string) error {
	if slices.Contains(states, o.State) {
		return nil
	}
	return refused(o.State, action)
}

// moveTo changes the locked order's state and records the event. A nil payBy leaves the
// deadline as it is.
func (o *lockedOrder) moveTo(ctx context.Context, tx pgx.Tx, to string, actor db.Actor, note string, at time.Time, payBy *time.Time) error {
	_, err := tx.Exec(ctx, `UPDATE orders SET state = $2, updated_at = $3, pay_by = coalesce($4, pay_by) WHERE id = $1`,
		o.ID, to, at, payBy)
	if err != nil {
		return fmt.Errorf("update order state: %w", err)
	}
	from := o.State
	o.State = to
	return recordEvent(ctx, tx, o.ID, &from, to, actor, note, at)
}

// audit records a staff action on the order in the audit log.
func (o *lockedOrder) audit(ctx context.Context, tx pgx.Tx, actor db.Actor, action, before, note string) error {
	return db.RecordAudit(ctx, tx, actor, action, "order", o.Number,
		map[string]string{"state": before}, map[string]string{"state": o.State}, note)
}

// releaseStock gives the order's reserved stock back, product by product in id order, each
// with a stock movement.
func releaseStock(ctx context.Context, tx pgx.Tx, orderID int64, number string, actor db.Actor, at time.Time) error {
	rows, err := tx.Query(ctx, `SELECT product_id, quantity FROM order_lines WHERE order_id = $1 ORDER BY product_id`, orderID)
	if err != nil {
		return fmt.Errorf("read order lines: %w", err)
	}
	type line struct {
		product int64
		qty     int
	}
	lines, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (line, error) {
		var l line
		return l, r.Scan(&l.product, &l.qty)
	})
	if err != nil {
		return fmt.Errorf("read order lines: %w", err)
	}
	for _, l := range lines {
		if err := moveStock(ctx, tx, actor, l.product, l.qty, "订单 "+number+" 取消，释放库存", at); err != nil {
			return err
		}
	}
	return nil
}

// reasonText checks a required reason of at most 200 characters.
func reasonText(s, what string) (string, error) {
	s = strings.TrimSpace(s)
	switch {
	case s == "":
		return "", invalid("请填写%s。", what)
	case utf8.RuneCountInString(s) > 200:
		return "", invalid("%s不能超过 200 个字。", what)
	}
	return s, nil
}

// Approve places an order that waits for approval: it becomes unpaid, due within the
// configured time from now. Only an administrator of the organisation may (EForbidden); another
// organisation's order is ENotFound; an order in another state EConflict.
func (s *Orders) Approve(ctx context.Context, b Buyer, number string) error {
	if !b.Admin {
		return zhenxing.Errorf(zhenxing.EForbidden, "只有本单位管理员可以审批订单。")
	}
	if b.OrganizationID <= 0 {
		return orderNotFound(number)
	}
	return db.InTx(ctx, s.db.pool, func(tx pgx.Tx) error {
		o, err := lockOrder(ctx, tx, b.OrganizationID, number)
		if err != nil {
			return err
		}
		if err := o.allow("审批", StateApproval); err != nil {
			return err
		}
		now := s.db.now()
		payBy := now.Add(s.db.cfg.PayWithin)
		return o.moveTo(ctx, tx, StateUnpaid, b.actor(), "管理员审批通过", now, &payBy)
	})
}

// SendBack refuses an order that waits for approval, with the reason: it is cancelled and its
// stock released. Only an administrator of the organisation may (EForbidden); a missing reason
// is EInvalid; another organisation's order ENotFound; an order in another state EConflict.
func (s *Orders) SendBack(ctx context.Context, b Buyer, number, reason string) error {
	if !b.Admin {
		return zhenxing.Errorf(zhenxing.EForbidden, "只有本单位管理员可以审批订单。")
	}
	reason, err := reasonText(reason, "退回原因")
	if err != nil {
		return err
	}
	if b.OrganizationID <= 0 {
		return orderNotFound(number)
	}
	return s.cancel(ctx, b.OrganizationID, number, b.actor(), "退回", "管理员退回："+reason, StateApproval)
}

// Cancel cancels the organisation's order before payment, for the buyer: its stock is
// released. Another organisation's order is ENotFound; a paid (or later) order EConflict.
func (s *Orders) Cancel(ctx context.Context, b Buyer, number string) error {
	if b.OrganizationID <= 0 {
		return orderNotFound(number)
	}
	return s.cancel(ctx, b.OrganizationID, number, b.actor(), "取消", "采购方取消订单", StateApproval, StateUnpaid)
}

// StaffCancel cancels any organisation's order before payment, for staff, with the reason; its
// stock is released and the audit log records it. A missing reason is EInvalid; an unknown
// number ENotFound; a paid (or later) order EConflict.
func (s *Orders) StaffCancel(ctx context.Context, actor db.Actor, number, reason string) error {
	reason, err := reasonText(reason, "取消原因")
	if err != nil {
		return err
	}
	return s.cancel(ctx, 0, number, actor, "取消", "工作人员取消："+reason, StateApproval, StateUnpaid)
}

func (s *Orders) cancel(ctx context.Context, orgID int64, number string, actor db.Actor, action, note string, from ...string) error {
	return db.InTx(ctx, s.db.pool, func(tx pgx.Tx) error {
		o, err := lockOrder(ctx, tx, orgID, number)
		if err != nil {
			return err
		}
		if err := o.allow(action, from...); err != nil {
			return err
		}
		before, now := o.State, s.db.now()
		if err := o.moveTo(ctx, tx, StateCanceled, actor, note, now, nil); err != nil {
			return err
		}
		if err := releaseStock(ctx, tx, o.ID, o.Number, actor, now); err != nil {
			return err
		}
		if orgID == 0 {
			return o.audit(ctx, tx, actor, "order.cancel", before, note)
		}
		return nil
	})
}

// Ship records a shipment (carrier and tracking number) of a paid order, for staff: the first
// moves it to shipped, a later one adds a parcel. Missing or too long fields are EInvalid; an
// unknown number ENotFound; an order not paid, or already received, EConflict.
func (s *Orders) Ship(ctx context.Context, actor db.Actor, number, carrier, tracking string) error {
	carrier, tracking = strings.TrimSpace(carrier), strings.TrimSpace(tracking)
	switch {
	case carrier == "":
		return invalid("请填写承运商（快递或物流公司）。")
	case tracking == "":
		return invalid("请填写运单号。")
	case utf8.RuneCountInString(carrier) > 50 || utf8.RuneCountInString(tracking) > 50:
		return invalid("承运商和运单号不能超过 50 个字。")
	}
	return db.InTx(ctx, s.db.pool, func(tx pgx.Tx) error {
		o, err := lockOrder(ctx, tx, 0, number)
		if err != nil {
			return err
		}
		if err := o.allow("发货", StatePaid, StateShipped); err != nil {
			return err
		}
		now := s.db.now()
		if _, err := tx.Exec(ctx, `INSERT INTO shipments (order_id, carrier, tracking, shipped_at, recorded_by)
			VALUES ($1, $2, $3, $4, $5)`, o.ID, carrier, tracking, now, actorRef(actor)); err != nil {
			return fmt.Errorf("insert shipment: %w", err)
		}
		note := fmt.Sprintf("%s，运单号 %s", carrier, tracking)
		before := o.State
		if o.State == StateShipped {
			if err := recordEvent(ctx, tx, o.ID, &before, StateShipped, actor, "追加发货："+note, now); err != nil {
				return err
			}
		} else if err := o.moveTo(ctx, tx, StateShipped, actor, "发货："+note, now, nil); err != nil {
			return err
		}
		return o.audit(ctx, tx, actor, "order.ship", before, note)
	})
}

// ConfirmReceipt records that the buyer received the goods (验收) of a shipped order of the
// organisation. Another organisation's order is ENotFound; an order not shipped EConflict.
func (s *Orders) ConfirmReceipt(ctx context.Context, b Buyer, number string) error {
	if b.OrganizationID <= 0 {
		return orderNotFound(number)
	}
	return db.InTx(ctx, s.db.pool, func(tx pgx.Tx) error {
		o, err := lockOrder(ctx, tx, b.OrganizationID, number)
		if err != nil {
			return err
		}
		if err := o.allow("确认收货", StateShipped); err != nil {
			return err
		}
		return o.moveTo(ctx, tx, StateReceived, b.actor(), "采购方确认收货", s.db.now(), nil)
	})
}

// MaxPhotoSize bounds a problem photo.
const MaxPhotoSize = 5 << 20

// ReportProblem records a problem the buyer found on receipt of a shipped or received order of
// the organisation, with an optional photo (JPEG, PNG or WebP, at most 5 MB); the state stays as
// it is and staff see the report. A missing or too long text, or a bad photo, is EInvalid;
// another organisation's order ENotFound; an order not shipped EConflict.
func (s *Orders) ReportProblem(ctx context.Context, b Buyer, number, text string, photo []byte) error {
	text = strings.TrimSpace(text)
	switch {
	case text == "":
		return invalid("请描述收货时发现的问题。")
	case utf8.RuneCountInString(text) > 1000:
		return invalid("问题描述不能超过 1000 个字。")
	}
	var ctype *string
	if len(photo) > 0 {
		if len(photo) > MaxPhotoSize {
			return invalid("照片不能超过 5 MB。")
		}
		t := http.DetectContentType(photo)
		if t != "image/jpeg" && t != "image/png" && t != "image/webp" {
			return invalid("照片须为 JPEG、PNG 或 WebP 格式。")
		}
		ctype = &t
	} else {
		photo = nil
	}
	if b.OrganizationID <= 0 {
		return orderNotFound(number)
	}
	return db.InTx(ctx, s.db.pool, func(tx pgx.Tx) error {
		o, err := lockOrder(ctx, tx, b.OrganizationID, number)
		if err != nil {
			return err
		}
		if err := o.allow("报告收货问题", StateShipped, StateReceived); err != nil {
			return err
		}
		now := s.db.now()
		if _, err := tx.Exec(ctx, `INSERT INTO order_problems (order_id, reported_by, text, photo, photo_type, at)
			VALUES ($1, $2, $3, $4, $5, $6)`, o.ID, b.UserID, text, photo, ctype, now); err != nil {
			return fmt.Errorf("insert problem: %w", err)
		}
		return recordEvent(ctx, tx, o.ID, &o.State, o.State, b.actor(), "报告收货问题："+text, now)
	})
}

// Refund records money paid back for a paid order, for staff: amount (at most what is left
// unrefunded) and reason. A refund of the whole remainder moves the order to refunded; a part
// leaves its state. externalID is the Stripe refund's id for a Stripe payment, "" otherwise; a
// second call with the same externalID changes nothing and returns nil, so a repeated webhook is
// harmless. A bad amount or reason is EInvalid; an unknown number ENotFound; an order not paid
// EConflict.
func (s *Orders) Refund(ctx context.Context, actor db.Actor, number string, amount zhenxing.Money, reason, externalID string) error {
	reason, err := reasonText(reason, "退款原因")
	if err != nil {
		return err
	}
	if amount <= 0 {
		return invalid("退款金额必须大于 0。")
	}
	var ext *string
	if externalID = strings.TrimSpace(externalID); externalID != "" {
		ext = &externalID
	}
	return db.InTx(ctx, s.db.pool, func(tx pgx.Tx) error {
		o, err := lockOrder(ctx, tx, 0, number)
		if err != nil {
			return err
		}
		if ext != nil {
			var seen bool
			if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM refunds WHERE stripe_refund = $1)`, ext).Scan(&seen); err != nil {
				return fmt.Errorf("find refund: %w", err)
			}
			if seen {
				return nil
			}
		}
		if err := o.allow("退款", StatePaid, StateShipped, StateReceived, StateInvoiced); err != nil {
			return err
		}
		left := o.Total - o.Refunded
		if amount > left {
			return invalid("退款金额 %s 超过可退金额 %s。", amount, left)
		}
		return recordRefund(ctx, tx, o, actor, amount, reason, ext, s.db.now())
	})
}

// moveStock changes a product's stock by delta (releasing what an order held) with a conditional
// update that never takes it below zero, and records the movement, in one statement. The product
// row must be locked already.
func moveStock(ctx context.Context, tx pgx.Tx, actor db.Actor, productID int64, delta int, reason string, at time.Time) error {
	var moved bool
	err := tx.QueryRow(ctx, `WITH p AS (
			UPDATE products SET stock = stock + $2 WHERE id = $1 AND stock + $2 >= 0 RETURNING id, stock),
		m AS (INSERT INTO stock_movements (product_id, delta, stock_after, reason, actor_id, actor_name, at)
			SELECT id, $2, stock, $3, $4, $5, $6 FROM p)
		SELECT EXISTS (SELECT 1 FROM p)`, productID, delta, reason, actorRef(actor), actor.Name, at).Scan(&moved)
	if err != nil {
		return fmt.Errorf("move stock: %w", err)
	}
	if !moved {
		return zhenxing.Errorf(zhenxing.EConflict, "库存不足，请修改数量后再提交。")
	}
	return nil
}
