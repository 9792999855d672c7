package zhenxing

import (
	"strconv"
	"strings"
)

// Money is an amount in fen (分, a hundredth of a yuan). Every price, total and salary of the
// product is Money: integers, never floating point. In JSON it is the integer number of fen; an
// API field that carries Money has a sibling "…_yuan" string made by Yuan for people reading the
// JSON by eye.
type Money int64

// YuanOf returns n whole yuan as Money.
func YuanOf(n int64) Money { return Money(n * 100) }

// maxYuanDigits bounds the whole-yuan part of a parsed amount: ten billion yuan is more than any
// order, salary or price the site will see, and far from overflowing int64.
const maxYuanDigits = 11

// ParseYuan reads an amount of yuan with at most two decimals, as people type it: "39", "39.9",
// "39.90", "¥39.90", "￥1,200", "1200元". It returns an EInvalid error, with a Chinese message that
// quotes the input, for an empty, negative, non-numeric, over-precise or absurdly large amount.
func ParseYuan(s string) (Money, error) {
	t := strings.TrimSpace(s)
	t = strings.TrimPrefix(strings.TrimPrefix(t, "¥"), "￥")
	t = strings.TrimSpace(strings.TrimSuffix(t, "元"))
	t = strings.ReplaceAll(t, ",", "")
	whole, frac, dot := strings.Cut(t, ".")
	if whole == "" || len(whole) > maxYuanDigits || !digits(whole) || (dot && (frac == "" || len(frac) > 2 || !digits(frac))) {
		return 0, Errorf(EInvalid, "金额“%s”无效，应为不小于 0、最多两位小数的数字，如 39.90。", s)
	}
	y, _ := strconv.ParseInt(whole, 10, 64)
	f, _ := strconv.ParseInt((frac + "00")[:2], 10, 64)
	return Money(y*100 + f), nil
}

func digits(s string) bool {
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// Yuan writes the amount in yuan with two decimals: 3990 → "39.90", -5 → "-0.05".
func (m Money) Yuan() string {
	n := int64(m)
	sign := ""
	if n < 0 {
		sign, n = "-", -n
	}
	return sign + strconv.FormatInt(n/100, 10) + "." + twoDigits(n%100)
}

// ShortYuan writes the amount in yuan with decimals only when needed: 400000 → "4000",
// 18050 → "180.5". Salaries are shown this way.
func (m Money) ShortYuan() string {
	y := m.Yuan()
	if strings.HasSuffix(y, ".00") {
		return y[:len(y)-3]
	}
	return strings.TrimSuffix(y, "0")
}

// String writes the amount as a price: "¥39.90".
func (m Money) String() string { return "¥" + m.Yuan() }

func twoDigits(n int64) string {
	if n < 10 {
		return "0" + strconv.FormatInt(n, 10)
	}
	return strconv.FormatInt(n, 10)
}
