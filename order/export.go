package order

import (
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"strings"
	"time"

	"zhenxing"
)

// utf8BOM starts every CSV export, so that Excel reads it as UTF-8.
const utf8BOM = "\ufeff"

// ExportCSV writes every order the filter selects (its Offset and Limit are ignored), newest
// first, as CSV in UTF-8 with a byte-order mark: one row per order with its amounts in yuan and
// its times in Beijing time. A bad filter is EInvalid (nothing written); a write error or a
// database error is returned as it is.
func (o *Orders) ExportCSV(ctx context.Context, w io.Writer, f Filter) error {
	where, args, err := f.where(0)
	if err != nil {
		return err
	}
	rows, err := o.db.pool.Query(ctx, `SELECT `+summaryCols+`, o.recipient, o.address`+summaryFrom+` WHERE `+where+
		` ORDER BY o.created_at DESC, o.id DESC`, args...)
	if err != nil {
		return fmt.Errorf("export orders: %w", err)
	}
	defer rows.Close()
	if _, err := io.WriteString(w, utf8BOM); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	_ = cw.Write([]string{"订单号", "下单时间", "采购单位", "供应商", "状态", "金额（元）", "已退款（元）", "付款识别码", "采购单号", "付款期限", "取消后到账", "收货人", "收货地址"})
	for rows.Next() {
		var s Summary
		var recipient, address string
		if err := rows.Scan(append(summaryDest(&s), &recipient, &address)...); err != nil {
			return fmt.Errorf("export orders: %w", err)
		}
		late := ""
		if s.LatePayment {
			late = "是"
		}
		if err := cw.Write([]string{s.Number, beijing(s.CreatedAt), s.OrganizationName, s.SupplierName, StateLabel(s.State),
			s.Total.Yuan(), s.Refunded.Yuan(), s.Reference, s.PurchaseRef, beijingPtr(s.PayBy), late, recipient, address}); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("export orders: %w", err)
	}
	cw.Flush()
	return cw.Error()
}

// ExportCSV writes every payment the filter selects (its Offset and Limit are ignored), latest
// first, as CSV in UTF-8 with a byte-order mark. A bad filter is EInvalid (nothing written); a
// write error or a database error is returned as it is.
func (s *Payments) ExportCSV(ctx context.Context, w io.Writer, f PaymentFilter) error {
	where, args, err := f.where()
	if err != nil {
		return err
	}
	list, err := s.list(ctx, where+` ORDER BY p.recorded_at DESC, p.id DESC`, args...)
	if err != nil {
		return err
	}
	if _, err := io.WriteString(w, utf8BOM); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	_ = cw.Write([]string{"付款编号", "到账日期", "付款方式", "金额（元）", "付款单位", "银行流水号", "在线支付编号", "付款识别码", "采购单位", "订单号", "取消后到账", "登记人", "登记时间"})
	for _, p := range list {
		late := ""
		if p.Late {
			late = "是"
		}
		if err := cw.Write([]string{fmt.Sprint(p.ID), p.PaidOn.Format("2006-01-02"), MethodLabel(p.Method), p.Amount.Yuan(),
			p.Payer, p.BankReference, p.StripePayment, p.Reference, p.OrganizationName, strings.Join(p.Orders, " "), late,
			p.RecordedBy, beijing(p.RecordedAt)}); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

func beijing(t time.Time) string { return t.In(zhenxing.Beijing).Format("2006-01-02 15:04") }

func beijingPtr(t *time.Time) string {
	if t == nil {
		return ""
	}
	return beijing(*t)
}
