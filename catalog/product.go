package catalog

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"zhenxing"
)

// shanghai is the zone the hall's months and dates are read in. China keeps no daylight time, so a
// fixed zone gives the same answers as the zone database.
var shanghai = time.FixedZone("CST", 8*60*60)

// PriceFor returns the price in fen of one unit when qty units are bought: the price of the
// highest tier whose MinQty is at most qty, else the base price.
func (p *Product) PriceFor(qty int) int64 {
	price := p.Price
	for _, t := range p.Tiers {
		if qty >= t.MinQty {
			price = t.Price
		}
	}
	return price
}

// Total returns the price in fen of qty units.
func (p *Product) Total(qty int) int64 { return p.PriceFor(qty) * int64(qty) }

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

// InSeasonOn reports whether the product is seasonal and t (read in Asia/Shanghai) falls in its
// window. A window may run over the new year (November to February). Products sold all year are
// not "in season": the hall's 当季 facet shows produce at its time.
func (p *Product) InSeasonOn(t time.Time) bool {
	return inSeason(p.SeasonStart, p.SeasonEnd, int(t.In(shanghai).Month()))
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
	end := time.Date(y, m, d+1, 0, 0, 0, 0, shanghai)
	return t.Before(end)
}

// FormatYuan writes an amount in fen as yuan with two decimals: 3990 → "39.90".
func FormatYuan(fen int64) string {
	sign := ""
	if fen < 0 {
		sign, fen = "-", -fen
	}
	return fmt.Sprintf("%s%d.%02d", sign, fen/100, fen%100)
}

// ParseYuan reads an amount of yuan with at most two decimals ("39.9", "39.90", "¥1,200",
// "1200元") and returns it in fen. Negative, non-numeric, over-precise and absurdly large
// amounts are an EInvalid error.
func ParseYuan(s string) (int64, error) {
	t := strings.TrimSpace(s)
	t = strings.TrimPrefix(strings.TrimPrefix(t, "¥"), "\uffe5") // ¥ or the full-width ￥
	t = strings.TrimSuffix(t, "元")
	t = strings.ReplaceAll(strings.TrimSpace(t), ",", "")
	bad := zhenxing.Errorf(zhenxing.EInvalid, "金额“%s”无效，应为不小于 0、最多两位小数的数字，如 39.90", s)
	if t == "" || len(t) > 15 {
		return 0, bad
	}
	whole, frac, hasDot := strings.Cut(t, ".")
	if whole == "" || (hasDot && (frac == "" || len(frac) > 2)) {
		return 0, bad
	}
	for _, part := range []string{whole, frac} {
		for _, c := range part {
			if c < '0' || c > '9' {
				return 0, bad
			}
		}
	}
	w, err := strconv.ParseInt(whole, 10, 64)
	if err != nil {
		return 0, bad
	}
	for len(frac) < 2 {
		frac += "0"
	}
	f, _ := strconv.ParseInt(frac, 10, 64)
	return w*100 + f, nil
}
