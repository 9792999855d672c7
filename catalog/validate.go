package catalog

import (
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"

	"zhenxing"
)

// FieldError and FieldErrors are the field-by-field problems of a form or an import row; they are
// shared by every package that validates input (zhenxing.FieldErrors).
type (
	FieldError  = zhenxing.FieldError
	FieldErrors = zhenxing.FieldErrors
)

// AsFieldErrors returns the field errors inside err, or nil.
func AsFieldErrors(err error) FieldErrors { return zhenxing.AsFieldErrors(err) }

var slugRE = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

// ValidSlug reports whether s can name a supplier or product in a URL: lower-case ASCII letters
// and digits in groups joined by single hyphens, at most 80 characters.
func ValidSlug(s string) bool { return len(s) <= 80 && slugRE.MatchString(s) }

// CreditCodeCheckChar returns the check character of a 统一社会信用代码 whose first 17 characters
// are first17, and false when first17 is not 17 valid characters (zhenxing.CreditCodeCheckChar).
func CreditCodeCheckChar(first17 string) (byte, bool) { return zhenxing.CreditCodeCheckChar(first17) }

// CheckCreditCode verifies a 统一社会信用代码 as zhenxing.CheckCreditCode does: the error is
// EInvalid with a Chinese message.
func CheckCreditCode(code string) error { return zhenxing.CheckCreditCode(code) }

var phoneRE = regexp.MustCompile(`^\+?[0-9][0-9 \-]{5,18}[0-9]$`)

// Normalize trims the supplier's text fields and upper-cases its credit code.
func (s *Supplier) Normalize() {
	for _, f := range []*string{&s.Slug, &s.Name, &s.Kind, &s.County, &s.Township, &s.CertNumber,
		&s.Linkage, &s.ContactName, &s.ContactPhone, &s.Description} {
		*f = strings.TrimSpace(*f)
	}
	s.CreditCode = strings.ToUpper(strings.TrimSpace(s.CreditCode))
}

// Validate checks every field of the supplier and returns nil or an EInvalid error wrapping
// FieldErrors. It does not look at the database (unique slugs and credit codes are checked there).
func (s *Supplier) Validate() error {
	var fe FieldErrors
	checkSlug(&fe, s.Slug)
	checkText(&fe, "name", "名称", s.Name, 1, 100)
	checkChoice(&fe, "kind", "主体类型", s.Kind, SupplierKinds)
	checkCounty(&fe, s.County)
	checkText(&fe, "township", "镇街", s.Township, 0, 50)
	if err := CheckCreditCode(s.CreditCode); err != nil {
		fe.Add("credit_code", "%s", zhenxing.ErrorMessage(err))
	}
	checkText(&fe, "cert_number", "扶贫产品认定编号", s.CertNumber, 0, 60)
	switch {
	case s.CertNumber != "" && s.CertDate == nil:
		fe.Add("cert_date", "填写了认定编号，还需填写认定日期")
	case s.CertNumber == "" && (s.CertDate != nil || s.CertExpiry != nil):
		fe.Add("cert_number", "填写了认定日期或有效期，还需填写认定编号")
	}
	if s.CertDate != nil && s.CertExpiry != nil && !s.CertExpiry.After(*s.CertDate) {
		fe.Add("cert_expiry", "认定有效期应晚于认定日期")
	}
	if s.Households < 0 || s.Households > 1_000_000 {
		fe.Add("households", "带动农户数应为 0 到 1000000 之间的整数")
	}
	checkText(&fe, "linkage", "联农带农方式", s.Linkage, 0, 2000)
	checkText(&fe, "contact_name", "联系人", s.ContactName, 0, 50)
	if s.ContactPhone != "" && !phoneRE.MatchString(s.ContactPhone) {
		fe.Add("contact_phone", "联系电话“%s”无效", s.ContactPhone)
	}
	checkText(&fe, "description", "简介", s.Description, 0, 20000)
	return fe.Err("供应商")
}

// Normalize trims the product's text fields, sorts its tiers and flags and gives empty slices
// for nil ones.
func (p *Product) Normalize() {
	for _, f := range []*string{&p.Slug, &p.Name, &p.Category, &p.County, &p.Township, &p.Spec, &p.Unit, &p.Description} {
		*f = strings.TrimSpace(*f)
	}
	if p.Tiers == nil {
		p.Tiers = []PriceTier{}
	}
	slices.SortStableFunc(p.Tiers, func(a, b PriceTier) int { return a.MinQty - b.MinQty })
	flags := []string{}
	for _, f := range Flags { // canonical order, duplicates dropped
		if slices.Contains(p.Flags, f) {
			flags = append(flags, f)
		}
	}
	for _, f := range p.Flags { // unknown ones kept for Validate to report
		if !slices.Contains(Flags, f) {
			flags = append(flags, f)
		}
	}
	p.Flags = flags
}

// MaxPrice is the highest unit price the hall accepts: 100,000 yuan.
const MaxPrice zhenxing.Money = 10_000_000

// Validate checks every field of the product and returns nil or an EInvalid error wrapping
// FieldErrors. Call Normalize first. It does not look at the database (the supplier and unique
// slugs are checked there).
func (p *Product) Validate() error {
	var fe FieldErrors
	checkSlug(&fe, p.Slug)
	checkText(&fe, "name", "品名", p.Name, 1, 100)
	checkChoice(&fe, "category", "品类", p.Category, Categories)
	checkCounty(&fe, p.County)
	checkText(&fe, "township", "镇街", p.Township, 0, 50)
	if p.SupplierID <= 0 {
		fe.Add("supplier", "请选择供应商")
	}
	checkText(&fe, "spec", "规格", p.Spec, 1, 100)
	checkText(&fe, "unit", "单位", p.Unit, 1, 10)
	if p.Price <= 0 || p.Price > MaxPrice {
		fe.Add("price", "单价应大于 0 元、不超过 %s 元", MaxPrice.Yuan())
	}
	if p.MinQty < 1 || p.MinQty > 100_000 {
		fe.Add("min_qty", "起订量应为 1 到 100000 之间的整数")
	}
	if p.Multiple < 1 || p.Multiple > 10_000 {
		fe.Add("multiple", "订购倍数应为 1 到 10000 之间的整数")
	} else if p.MinQty >= 1 && p.MinQty%p.Multiple != 0 {
		fe.Add("multiple", "起订量 %d 应是订购倍数 %d 的整数倍", p.MinQty, p.Multiple)
	}
	checkTiers(&fe, p)
	if p.Stock < 0 {
		fe.Add("stock", "库存不能小于 0")
	}
	switch {
	case p.SeasonStart == 0 && p.SeasonEnd == 0:
	case p.SeasonStart < 1 || p.SeasonStart > 12:
		fe.Add("season_start", "上市起始月份应为 1 到 12（全年供应时起止月份都留空）")
	case p.SeasonEnd < 1 || p.SeasonEnd > 12:
		fe.Add("season_end", "上市结束月份应为 1 到 12（全年供应时起止月份都留空）")
	}
	for _, f := range p.Flags {
		if !slices.Contains(Flags, f) {
			fe.Add("flags", "认证标志“%s”无效，应为 %s", f, strings.Join(Flags, "、"))
		}
	}
	checkText(&fe, "description", "介绍", p.Description, 0, 20000)
	return fe.Err("商品")
}

// MaxTiers is how many bulk price tiers a product may have.
const MaxTiers = 6

func checkTiers(fe *FieldErrors, p *Product) {
	if len(p.Tiers) > MaxTiers {
		fe.Add("tiers", "阶梯价最多 %d 档", MaxTiers)
		return
	}
	prevQty, prevPrice := p.MinQty, p.Price
	for i, t := range p.Tiers {
		switch {
		case t.MinQty <= prevQty:
			if i == 0 {
				fe.Add("tiers", "阶梯价第 1 档的数量 %d 应大于起订量 %d", t.MinQty, p.MinQty)
			} else {
				fe.Add("tiers", "阶梯价第 %d 档的数量 %d 应大于上一档的 %d", i+1, t.MinQty, prevQty)
			}
			return
		case t.Price <= 0:
			fe.Add("tiers", "阶梯价第 %d 档的单价应大于 0", i+1)
			return
		case t.Price >= prevPrice:
			fe.Add("tiers", "阶梯价第 %d 档的单价 %s 元应低于上一档的 %s 元", i+1, t.Price.Yuan(), prevPrice.Yuan())
			return
		}
		prevQty, prevPrice = t.MinQty, t.Price
	}
}

func checkSlug(fe *FieldErrors, slug string) {
	if !ValidSlug(slug) {
		fe.Add("slug", "网址标识“%s”无效：只能用小写字母、数字和连字符，不超过 80 个字符", slug)
	}
}

// checkChoice reports v when it is not one of choices.
func checkChoice(fe *FieldErrors, field, label, v string, choices []string) {
	if !slices.Contains(choices, v) {
		fe.Add(field, "%s“%s”无效，应为 %s 之一", label, v, strings.Join(choices, "、"))
	}
}

func checkCounty(fe *FieldErrors, county string) {
	if county != CountyPaired && county != CountyLocal {
		fe.Add("county", "产地“%s”无效，应为 %s（对口帮扶县）或 %s", county, CountyPaired, CountyLocal)
	}
}

func checkText(fe *FieldErrors, field, label, v string, minLen, maxLen int) {
	n := utf8.RuneCountInString(v)
	switch {
	case !utf8.ValidString(v):
		fe.Add(field, "%s含有无效字符", label)
	case n < minLen:
		fe.Add(field, "请填写%s", label)
	case n > maxLen:
		fe.Add(field, "%s不能超过 %d 个字", label, maxLen)
	}
}
