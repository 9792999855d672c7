package catalog

import (
	"fmt"
	"time"

	"zhenxing"
)

// PriceFor returns the price of one unit when qty units are bought: the price of the highest
// tier whose MinQty is at most qty, else the base price.
func (p *Product) PriceFor(qty int) zhenxing.Money {
	price := p.Price
	for _, t := range p.Tiers {
		if qty >= t.MinQty {
			price = t.Price
		}
	}
	return price
}

// Total returns the price of qty units.
func (p *Product) Total(qty int) zhenxing.Money { return p.PriceFor(qty) * zhenxing.Money(qty) }

// CheckQuantity returns nil when qty units may be ordered: at least MinQty and a multiple of
// Multiple. Otherwise an EInvalid error says why in Chinese. It does not look at stock.
func (p *Product) CheckQuantity(qty int) error {
	switch {
	case qty < p.MinQty:
		return zhenxing.Errorf(zhenxing.EInvalid, "“%s”起订量为 %d%s。", p.Name, p.MinQty, p.Unit)
	case p.Multiple > 1 && qty%p.Multiple != 0:
		return zhenxing.Errorf(zhenxing.EInvalid, "“%s”须按 %d%s的整数倍订购。", p.Name, p.Multiple, p.Unit)
	}
	return nil
}

// Seasonal reports whether the product sells only in a window of months (cherries: May–June).
func (p *Product) Seasonal() bool { return p.SeasonStart != 0 }

// InSeasonOn reports whether the product is seasonal and t (read in Beijing time) falls in its
// window. A window may run over the new year (November to February). Products sold all year are
// not "in season": the hall's 当季 facet shows produce at its time.
func (p *Product) InSeasonOn(t time.Time) bool {
	return inSeason(p.SeasonStart, p.SeasonEnd, int(t.In(zhenxing.Beijing).Month()))
}

func inSeason(start, end, month int) bool {
	switch {
	case start == 0:
		return false
	case start <= end:
		return month >= start && month <= end
	default:
		return month >= start || month <= end
	}
}

// SeasonLabel describes the season in Chinese: "5月—6月", or "全年供应".
func (p *Product) SeasonLabel() string {
	switch {
	case !p.Seasonal():
		return "全年供应"
	case p.SeasonStart == p.SeasonEnd:
		return fmt.Sprintf("%d月", p.SeasonStart)
	default:
		return fmt.Sprintf("%d月—%d月", p.SeasonStart, p.SeasonEnd)
	}
}

// Stock states, from StockState.
const (
	StockOut = "out" // less than one minimum order left
	StockLow = "low" // less than five minimum orders left
	StockIn  = "in"
)

// StockState says whether the product can be ordered now: StockOut, StockLow or StockIn.
func (p *Product) StockState() string {
	switch {
	case p.Stock < p.MinQty:
		return StockOut
	case p.Stock < 5*p.MinQty:
		return StockLow
	}
	return StockIn
}

// StockLabel is StockState in Chinese, with the quantity left when low.
func (p *Product) StockLabel() string {
	switch p.StockState() {
	case StockOut:
		return "暂时缺货"
	case StockLow:
		return fmt.Sprintf("库存紧张（仅剩 %d%s）", p.Stock, p.Unit)
	}
	return "现货"
}

// HasFlag reports whether the product carries the certification mark f.
func (p *Product) HasFlag(f string) bool {
	for _, g := range p.Flags {
		if g == f {
			return true
		}
	}
	return false
}

// CertValid reports whether the supplier holds a poverty-relief product certification that has
// not expired at t (an expiry date is valid through that day).
func (s *Supplier) CertValid(t time.Time) bool {
	if s.CertNumber == "" {
		return false
	}
	if s.CertExpiry == nil {
		return true
	}
	y, m, d := s.CertExpiry.Date()
	end := time.Date(y, m, d+1, 0, 0, 0, 0, zhenxing.Beijing)
	return t.Before(end)
}
