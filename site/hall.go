package site

import (
	"time"

	"github.com/gofiber/fiber/v2"

	"zhenxing/catalog"
	"zhenxing/internal/db"
)

// The consumption-assistance hall (消费帮扶馆) itself: its page, its products on the home page and
// its part of the sitemap. The products are in products.go, photos in photos.go, suppliers in
// suppliers.go.

// hallView is the hall's own page.
type hallView struct {
	Layout
	InSeason      []hallCard
	InSeasonTotal int // listed products in season
	Total         int // listed products
	Categories    []catalog.FacetValue
	Counties      []catalog.FacetValue
	Suppliers     []hallSupplier
	Sales         *salesSummary // the running total, see stats.go
}

// hallIndex is the hall: the running total of sales, products in season, categories, counties
// and suppliers.
func (s *Server) hallIndex(c *fiber.Ctx) error {
	if c.Path() != "/hall/" {
		return c.Redirect("/hall/", fiber.StatusMovedPermanently)
	}
	ctx, cancel := dbContext(c)
	defer cancel()
	season, err := s.deps.Products.InSeason(ctx, s.now(), 8)
	if err != nil {
		return err
	}
	all, err := s.deps.Products.List(ctx, catalog.ProductQuery{Today: s.now(), PerPage: 1})
	if err != nil {
		return err
	}
	suppliers, err := s.deps.Suppliers.Summaries(ctx, catalog.SupplierQuery{})
	if err != nil {
		return err
	}
	sales, err := s.salesFigures(ctx)
	if err != nil {
		return err
	}
	return s.renderPage(c, fiber.StatusOK, "hall", &hallView{
		Layout: Layout{
			Title:       hallColumn,
			Description: "消费帮扶馆：对口帮扶县略阳县和灞桥区本地的农产品，面向基层工会集中采购。",
			Column:      hallColumn,
			Section:     sectionHall,
			Crumbs:      []crumb{{"首页", "/"}, {hallColumn, ""}},
		},
		InSeason:      s.cards(season),
		InSeasonTotal: all.Facets.InSeason,
		Total:         all.Total,
		Categories:    all.Facets.Categories,
		Counties:      all.Facets.Counties,
		Suppliers:     s.supplierViews(suppliers),
		Sales:         summarize(sales),
	})
}

// homeInSeason is the home page's 当季产品: up to four products in season; none when the database
// fails (the home page never fails for the hall).
func (s *Server) homeInSeason(c *fiber.Ctx) []hallCard {
	ctx, cancel := dbContext(c)
	defer cancel()
	list, err := s.deps.Products.InSeason(ctx, s.now(), 4)
	if err != nil {
		s.degraded(c, "home: products in season", err)
		return nil
	}
	return s.cards(list)
}

// hallSitemap adds the hall, its suppliers and its listed products to the sitemap. When the
// database fails it logs and adds what it has, so the sitemap of the documents never fails for
// the hall.
func (s *Server) hallSitemap(c *fiber.Ctx, add func(path string, mod time.Time)) {
	ctx, cancel := dbContext(c)
	defer cancel()
	add("/hall/", time.Time{})
	add("/hall/products", time.Time{})
	add("/hall/stats", time.Time{})
	fail := func(err error) { s.degraded(c, "sitemap: hall", err) }
	sups, err := s.deps.Suppliers.List(ctx)
	if err != nil {
		fail(err)
		return
	}
	for _, sup := range sups {
		add(supplierURL(sup.Slug), sup.UpdatedAt)
	}
	for n := 1; ; n++ {
		res, err := s.deps.Products.List(ctx, catalog.ProductQuery{Sort: catalog.SortNewest, Page: n, PerPage: catalog.MaxPerPage, Today: s.now()})
		if err != nil {
			fail(err)
			return
		}
		for _, card := range res.Products {
			add(productURL(card.Slug), card.UpdatedAt)
		}
		if n >= res.Pages || len(res.Products) == 0 {
			return
		}
	}
}

// degraded logs err, which left out the hall's part of a page that answers all the same: as part
// of the outage when the database is unavailable (no line per request), else as a WARN line.
func (s *Server) degraded(c *fiber.Ctx, what string, err error) {
	if db.IsUnavailable(err) {
		s.outage.seen(err)
		return
	}
	s.log.Warn(what, "request_id", requestID(c), "err", err)
}
