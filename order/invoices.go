package order

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"

	"zhenxing"
	"zhenxing/internal/db"
)

// Invoices is the store of invoices: the buyer asks for one per order, staff record it once
// issued, with its PDF if they have one.
type Invoices struct {
	db *orderDB
}

// Request records that the buyer asks for the invoice of the organisation's order, paid or later
// (paid, shipped, received). Another organisation's order is ENotFound; an order in another
// state, or one whose invoice was asked for before, EConflict.
func (s *Invoices) Request(ctx context.Context, b Buyer, number string) error {
	if b.OrganizationID <= 0 {
		return orderNotFound(number)
	}
	return db.InTx(ctx, s.db.pool, func(tx pgx.Tx) error {
		o, err := lockOrder(ctx, tx, b.OrganizationID, number)
		if err != nil {
			return err
		}
		if err := o.allow("申请发票", StatePaid, StateShipped, StateReceived); err != nil {
			return err
		}
		tag, err := tx.Exec(ctx, `INSERT INTO invoices (order_id, requested_by, requested_at) VALUES ($1, $2, $3)
			ON CONFLICT (order_id) DO NOTHING`, o.ID, b.UserID, s.db.now())
		if err != nil {
			return fmt.Errorf("request invoice: %w", err)
		}
		if tag.RowsAffected() == 0 {
			return zhenxing.Errorf(zhenxing.EConflict, "这个订单已经申请过发票，请等待开具。")
		}
		return nil
	})
}

// IssuedInvoice is what staff record of an issued invoice.
type IssuedInvoice struct {
	Number   string         // 发票号码
	IssuedOn time.Time      // 开票日期
	Amount   zhenxing.Money // 金额
	PDF      []byte         // optional
}

// MaxInvoicePDF bounds an invoice PDF.
const MaxInvoicePDF = 10 << 20

// Record records the issued invoice of a received order, for staff, and moves the order to
// invoiced. The order need not have been asked for one. A missing number or date, a bad amount
// or a file that is not a PDF (or is over 10 MB) is EInvalid; an unknown number ENotFound; an
// order not received EConflict.
func (s *Invoices) Record(ctx context.Context, actor db.Actor, number string, inv IssuedInvoice) error {
	inv.Number = strings.TrimSpace(inv.Number)
	switch {
	case inv.Number == "":
		return invalid("请填写发票号码。")
	case utf8.RuneCountInString(inv.Number) > 40:
		return invalid("发票号码不能超过 40 个字符。")
	case inv.IssuedOn.IsZero():
		return invalid("请填写开票日期。")
	case inv.Amount <= 0:
		return invalid("发票金额必须大于 0。")
	case len(inv.PDF) > MaxInvoicePDF:
		return invalid("发票文件不能超过 10 MB。")
	case len(inv.PDF) > 0 && !bytes.HasPrefix(inv.PDF, []byte("%PDF-")):
		return invalid("发票文件须为 PDF 格式。")
	}
	var pdf []byte
	if len(inv.PDF) > 0 {
		pdf = inv.PDF
	}
	return db.InTx(ctx, s.db.pool, func(tx pgx.Tx) error {
		o, err := lockOrder(ctx, tx, 0, number)
		if err != nil {
			return err
		}
		if err := o.allow("登记发票", StateReceived); err != nil {
			return err
		}
		if inv.Amount > o.Total-o.Refunded {
			return invalid("发票金额 %s 超过订单金额 %s。", inv.Amount, o.Total-o.Refunded)
		}
		now := s.db.now()
		_, err = tx.Exec(ctx, `INSERT INTO invoices (order_id, requested_at, number, issued_on, amount, pdf, recorded_by, recorded_at)
			VALUES ($1, $7, $2, $3, $4, $5, $6, $7)
			ON CONFLICT (order_id) DO UPDATE SET number = excluded.number, issued_on = excluded.issued_on,
				amount = excluded.amount, pdf = excluded.pdf, recorded_by = excluded.recorded_by, recorded_at = excluded.recorded_at`,
			o.ID, inv.Number, dateOnly(inv.IssuedOn), inv.Amount, pdf, actorRef(actor), now)
		if err != nil {
			return fmt.Errorf("record invoice: %w", err)
		}
		note := fmt.Sprintf("开具发票 %s，金额 %s", inv.Number, inv.Amount)
		if err := o.moveTo(ctx, tx, StateInvoiced, actor, note, now, nil); err != nil {
			return err
		}
		return o.audit(ctx, tx, actor, "order.invoice", StateReceived, note)
	})
}

// PDF returns the PDF of the invoice of the organisation's order, for the buyer to download. An
// order without one, or another organisation's, is ENotFound.
func (s *Invoices) PDF(ctx context.Context, orgID int64, number string) ([]byte, error) {
	if orgID <= 0 {
		return nil, orderNotFound(number)
	}
	return s.pdf(ctx, orgID, number)
}

// StaffPDF is PDF for the back office: any organisation's order. ENotFound when there is none.
func (s *Invoices) StaffPDF(ctx context.Context, number string) ([]byte, error) {
	return s.pdf(ctx, 0, number)
}

func (s *Invoices) pdf(ctx context.Context, orgID int64, number string) ([]byte, error) {
	var pdf []byte
	err := s.db.pool.QueryRow(ctx, `SELECT i.pdf FROM invoices i JOIN orders o ON o.id = i.order_id
		WHERE o.number = $1 AND ($2::bigint = 0 OR o.organization_id = $2) AND i.pdf IS NOT NULL`, normNumber(number), orgID).Scan(&pdf)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, notFound("这个订单还没有发票文件。")
	}
	if err != nil {
		return nil, fmt.Errorf("load invoice pdf: %w", err)
	}
	return pdf, nil
}

// Requested is an invoice asked for and not yet recorded, for the staff queue.
type Requested struct {
	Summary
	Invoice     InvoiceDetails
	RequestedAt time.Time
}

// Pending lists the invoices asked for and not yet recorded, oldest first, up to limit (0, or
// more than 200, means 20) from offset. It returns only database errors.
func (s *Invoices) Pending(ctx context.Context, offset, limit int) ([]Requested, error) {
	if limit <= 0 || limit > 200 {
		limit = 20
	}
	rows, err := s.db.pool.Query(ctx, `SELECT `+summaryCols+`, o.invoice, i.requested_at`+summaryFrom+`
		JOIN invoices i ON i.order_id = o.id WHERE i.number IS NULL ORDER BY i.requested_at, o.id LIMIT $1 OFFSET $2`,
		limit, max(offset, 0))
	if err != nil {
		return nil, fmt.Errorf("list invoice requests: %w", err)
	}
	list, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Requested, error) {
		var q Requested
		return q, r.Scan(append(summaryDest(&q.Summary), &q.Invoice, &q.RequestedAt)...)
	})
	if err != nil {
		return nil, fmt.Errorf("list invoice requests: %w", err)
	}
	return list, nil
}
