package site

import (
	"html/template"
	"time"

	"github.com/gofiber/fiber/v2"

	"zhenxing"
	"zhenxing/catalog"
	"zhenxing/content"
)

// hallSupplier is a supplier as the hall shows it, its certification judged on today's date.
type hallSupplier struct {
	*catalog.Supplier
	URL       string
	Certified bool   // holds a certification that has not expired
	CertState string // 有效, 已过期 or 暂无认定
	Products  int    // listed products; -1 when not counted
}

func (s *Server) supplierView(sup *catalog.Supplier, products int) hallSupplier {
	v := hallSupplier{Supplier: sup, URL: supplierURL(sup.Slug), Products: products}
	switch v.Certified = sup.CertValid(s.now()); {
	case sup.CertNumber == "":
		v.CertState = "暂无认定"
	case v.Certified:
		v.CertState = "有效"
	default:
		v.CertState = "已过期"
	}
	return v
}

func (s *Server) supplierViews(list []catalog.SupplierSummary) []hallSupplier {
	out := make([]hallSupplier, len(list))
	for i := range list {
		out[i] = s.supplierView(&list[i].Supplier, list[i].Listed)
	}
	return out
}

// supplierPageView is a supplier's page.
type supplierPageView struct {
	Layout
	Supplier hallSupplier
	About    template.HTML // the description, rendered
	Products []hallCard
	Pager    pager
}

// supplierPage shows a supplier with its certification, its links with farming households and
// its listed products, 20 a page.
func (s *Server) supplierPage(c *fiber.Ctx) error {
	pg, err := pageParam(c)
	if err != nil {
		return err
	}
	ctx, cancel := dbContext(c)
	defer cancel()
	sup, err := s.deps.Suppliers.Find(ctx, c.Params("slug"))
	if zhenxing.ErrorCode(err) == zhenxing.ENotFound {
		return zhenxing.Errorf(zhenxing.ENotFound, "您查找的供应商不存在。")
	}
	if err != nil {
		return err
	}
	res, msg, err := s.products(ctx, catalog.ProductQuery{
		Suppliers: []string{sup.Slug}, Page: pg.Number(), PerPage: perPage, Today: s.now(),
	})
	if err != nil {
		return err
	}
	v := s.supplierView(sup, res.Total)
	return s.renderPage(c, fiber.StatusOK, "supplier", &supplierPageView{
		Layout: Layout{
			Title:       sup.Name,
			Description: sup.Name + "\uff08" + sup.Kind + "\uff0c" + sup.County + sup.Township + "\uff09在消费帮扶馆销售的产品。",
			Column:      hallColumn,
			Section:     sectionHall,
			Crumbs:      []crumb{{"首页", "/"}, {hallColumn, "/hall/"}, {"供应商", "/hall/#suppliers"}, {sup.Name, ""}},
			Message:     msg,
			JSONLD: map[string]any{
				"@context": "https://schema.org", "@type": "Organization", "name": sup.Name,
				"url": s.absURL(v.URL), "taxID": sup.CreditCode,
				"address": map[string]any{"@type": "PostalAddress", "addressCountry": "CN", "addressLocality": sup.County + sup.Township},
			},
		},
		Supplier: v,
		About:    content.RenderMarkdown(sup.Description),
		Products: s.cards(res.Products),
		Pager:    pg.Pager(linkTo(v.URL, nil), res.Total),
	})
}

// supplierJSON is a supplier in the API. Contact details are left out: buyers reach suppliers
// through the bureau.
type supplierJSON struct {
	Slug          string            `json:"slug"`
	Name          string            `json:"name"`
	URL           string            `json:"url"`
	Kind          string            `json:"kind"`
	County        string            `json:"county"`
	Township      string            `json:"township"`
	CreditCode    string            `json:"credit_code"`
	Certification certificationJSON `json:"certification"`
	Households    int               `json:"households"`
	Linkage       string            `json:"linkage"`
	Description   string            `json:"description"`
	Products      *int              `json:"products,omitempty"` // listed products
}

type certificationJSON struct {
	Number string `json:"number"`
	Date   string `json:"date,omitempty"`
	Expiry string `json:"expiry,omitempty"`
	State  string `json:"state"`
	Valid  bool   `json:"valid"`
}

func (s *Server) toSupplierJSON(v hallSupplier) supplierJSON {
	day := func(t *time.Time) string {
		if t == nil {
			return ""
		}
		return t.Format("2006-01-02")
	}
	j := supplierJSON{
		Slug: v.Slug, Name: v.Name, URL: s.absURL(v.URL), Kind: v.Kind, County: v.County, Township: v.Township,
		CreditCode:    v.CreditCode,
		Certification: certificationJSON{Number: v.CertNumber, Date: day(v.CertDate), Expiry: day(v.CertExpiry), State: v.CertState, Valid: v.Certified},
		Households:    v.Households, Linkage: v.Linkage, Description: v.Description,
	}
	if v.Products >= 0 {
		n := v.Products
		j.Products = &n
	}
	return j
}

// apiSuppliers lists every supplier with its number of listed products.
func (s *Server) apiSuppliers(c *fiber.Ctx) error {
	ctx, cancel := dbContext(c)
	defer cancel()
	list, err := s.deps.Suppliers.Summaries(ctx, catalog.SupplierQuery{})
	if err != nil {
		return err
	}
	out := make([]supplierJSON, len(list))
	for i, v := range s.supplierViews(list) {
		out[i] = s.toSupplierJSON(v)
	}
	return c.JSON(fiber.Map{"suppliers": out, "total": len(out)})
}
