package site

import (
	"context"
	"fmt"
	"html/template"
	"strconv"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"

	"zhenxing"
	"zhenxing/order"
)

// The hall's public sales statistics (销售统计): the page with its charts, the same figures as
// JSON, and the running total that the home page and the hall show. What counts is said in
// order.Stats: the paid orders, less refunds.

const statsTitle = "销售统计"

// salesCache keeps the sales figures for ttl (HALL_CACHE_TTL), per replica, so that the home
// page, the hall and the statistics read the orders once in that time at most; a ttl of 0 reads
// them for every request. Requests that find the figures expired at the same moment may each
// read them; the last read is kept.
type salesCache struct {
	ttl     time.Duration
	mu      sync.Mutex
	figures *order.SalesFigures
	expires time.Time
}

// salesFigures returns the sales figures, from the cache while they are fresh. It returns the
// database's errors.
func (s *Server) salesFigures(ctx context.Context) (*order.SalesFigures, error) {
	sc := &s.sales
	if sc.ttl > 0 {
		sc.mu.Lock()
		f, fresh := sc.figures, time.Now().Before(sc.expires)
		sc.mu.Unlock()
		if fresh {
			return f, nil
		}
	}
	f, err := s.deps.Stats.Sales(ctx)
	if err != nil {
		return nil, err
	}
	if sc.ttl > 0 {
		sc.mu.Lock()
		sc.figures, sc.expires = f, time.Now().Add(sc.ttl)
		sc.mu.Unlock()
	}
	return f, nil
}

// salesSummary is the running total that the home page and the hall show.
type salesSummary struct {
	Empty  bool   // no paid order yet
	Total  string // ¥12,345.67
	Buyers int    // buyer organisations with a paid order
}

func summarize(f *order.SalesFigures) *salesSummary {
	return &salesSummary{Empty: f.Empty(), Total: groupedYuan(f.Total), Buyers: f.Buyers}
}

// homeSales is the home page's running total; nil when the database fails (the home page never
// fails for the hall).
func (s *Server) homeSales(c *fiber.Ctx) *salesSummary {
	ctx, cancel := dbContext(c)
	defer cancel()
	f, err := s.salesFigures(ctx)
	if err != nil {
		s.degraded(c, "home: sales", err)
		return nil
	}
	return summarize(f)
}

// statsRow is one row of a table of the statistics page.
type statsRow struct {
	Name       string
	URL        string // the supplier's page; "" elsewhere
	County     string // the supplier's county
	Households int    // the supplier's 联农带农
	Amount     string // ¥12,345.67
	Share      string // of all sales, 12.3%
	Orders     int
}

// statsTable is a table of one breakdown: its caption, the heading of its first column, its rows.
type statsTable struct {
	Caption, Head string
	Rows          []statsRow
}

// statsView is the statistics page.
type statsView struct {
	Layout
	Empty      bool
	AsOf       string // when the figures were read, Beijing time
	Total      string
	TotalWan   string // the total in 万元, "" under ten thousand yuan
	Orders     int
	Buyers     int
	Households int
	Suppliers  int

	Counties, Categories, Months statsTable
	SupplierRows                 []statsRow

	CountyChart, SupplierChart, CategoryChart, MonthChart template.HTML
}

// hallStats is the public statistics page: the figures, a chart of each breakdown drawn on the
// server and a table of the same figures under it.
func (s *Server) hallStats(c *fiber.Ctx) error {
	ctx, cancel := dbContext(c)
	defer cancel()
	f, err := s.salesFigures(ctx)
	if err != nil {
		return err
	}
	now := s.now()
	v := &statsView{
		Layout: Layout{
			Title:       statsTitle,
			Description: "消费帮扶馆销售统计：按已付款订单计算的累计销售额，按产地、供应商、品类和月份分列，以及采购单位数和带动农户数。",
			Column:      hallColumn,
			Section:     sectionHall,
			Crumbs:      []crumb{{"首页", "/"}, {hallColumn, "/hall/"}, {statsTitle, ""}},
		},
		Empty:      f.Empty(),
		AsOf:       fmt.Sprintf("%d年%d月%d日 %s", now.Year(), int(now.Month()), now.Day(), now.Format("15:04")),
		Total:      groupedYuan(f.Total),
		Orders:     f.Orders,
		Buyers:     f.Buyers,
		Households: f.Households,
		Suppliers:  len(f.BySupplier),
	}
	if f.Total >= wanFen {
		v.TotalWan = wanYuan(f.Total)
	}
	shares := func(caption, head string, list []order.SalesShare) (statsTable, template.HTML) {
		t := statsTable{Caption: caption, Head: head, Rows: make([]statsRow, len(list))}
		bars := make([]chartBar, len(list))
		for i, sh := range list {
			t.Rows[i] = statsRow{Name: sh.Name, Amount: groupedYuan(sh.Amount), Share: percentOf(sh.Amount, f.Total), Orders: sh.Orders}
			bars[i] = chartBar{sh.Name, sh.Amount}
		}
		return t, barChartSVG(caption, bars)
	}
	v.Counties, v.CountyChart = shares("按产地统计的销售额", "产地", f.ByCounty)
	v.Categories, v.CategoryChart = shares("按品类统计的销售额", "品类", f.ByCategory)
	var bars []chartBar
	v.SupplierRows, bars = make([]statsRow, len(f.BySupplier)), make([]chartBar, len(f.BySupplier))
	for i, sup := range f.BySupplier {
		v.SupplierRows[i] = statsRow{Name: sup.Name, URL: supplierURL(sup.Slug), County: sup.County,
			Households: sup.Households, Amount: groupedYuan(sup.Amount), Share: percentOf(sup.Amount, f.Total), Orders: sup.Orders}
		bars[i] = chartBar{sup.Name, sup.Amount}
	}
	v.SupplierChart = barChartSVG("按供应商统计的销售额", bars)
	v.Months = statsTable{Caption: "按付款月份统计的销售额", Head: "月份", Rows: make([]statsRow, len(f.ByMonth))}
	cols := make([]chartColumn, len(f.ByMonth))
	for i, m := range f.ByMonth {
		v.Months.Rows[i] = statsRow{Name: monthName(m.Month), Amount: groupedYuan(m.Amount), Share: percentOf(m.Amount, f.Total), Orders: m.Orders}
		cols[i] = chartColumn{Name: v.Months.Rows[i].Name, Label: strconv.Itoa(int(m.Month.Month())) + "月", Value: m.Amount}
		if i == 0 || m.Month.Month() == time.January {
			cols[i].Sub = strconv.Itoa(m.Month.Year()) + "年"
		}
	}
	title := "按月统计的销售额"
	if len(cols) > maxChartColumns {
		title = "最近 " + strconv.Itoa(maxChartColumns) + " 个月的销售额"
		cols[len(cols)-maxChartColumns].Sub = strconv.Itoa(f.ByMonth[len(cols)-maxChartColumns].Month.Year()) + "年"
	}
	v.MonthChart = columnChartSVG(title, cols)
	return s.renderPage(c, fiber.StatusOK, "stats", v)
}

func monthName(t time.Time) string {
	return strconv.Itoa(t.Year()) + "年" + strconv.Itoa(int(t.Month())) + "月"
}

// percentOf is part's share of whole with one decimal: "12.3%"; "0.0%" when whole is nothing.
func percentOf(part, whole zhenxing.Money) string {
	if whole <= 0 {
		return "0.0%"
	}
	tenths := (int64(part)*1000 + int64(whole)/2) / int64(whole)
	return strconv.FormatInt(tenths/10, 10) + "." + strconv.FormatInt(tenths%10, 10) + "%"
}

// salesShareJSON is one county's or category's sales in the API: amounts in fen, with _yuan.
type salesShareJSON struct {
	Name       string         `json:"name"`
	Amount     zhenxing.Money `json:"amount"`
	AmountYuan string         `json:"amount_yuan"`
	Orders     int            `json:"orders"`
}

type supplierSalesJSON struct {
	Slug       string         `json:"slug"`
	Name       string         `json:"name"`
	URL        string         `json:"url"`
	County     string         `json:"county"`
	Households int            `json:"households"`
	Amount     zhenxing.Money `json:"amount"`
	AmountYuan string         `json:"amount_yuan"`
	Orders     int            `json:"orders"`
}

type monthSalesJSON struct {
	Month      string         `json:"month"` // 2026-08
	Amount     zhenxing.Money `json:"amount"`
	AmountYuan string         `json:"amount_yuan"`
	Orders     int            `json:"orders"`
}

// statsJSON is /api/v1/stats.
type statsJSON struct {
	Total      zhenxing.Money      `json:"total"`
	TotalYuan  string              `json:"total_yuan"`
	Orders     int                 `json:"orders"`
	Buyers     int                 `json:"buyers"`
	Households int                 `json:"households"`
	ByCounty   []salesShareJSON    `json:"by_county"`
	BySupplier []supplierSalesJSON `json:"by_supplier"`
	ByCategory []salesShareJSON    `json:"by_category"`
	ByMonth    []monthSalesJSON    `json:"by_month"`
	AsOf       string              `json:"as_of"`
}

// apiStats is the statistics page's figures as JSON.
func (s *Server) apiStats(c *fiber.Ctx) error {
	ctx, cancel := dbContext(c)
	defer cancel()
	f, err := s.salesFigures(ctx)
	if err != nil {
		return err
	}
	shares := func(list []order.SalesShare) []salesShareJSON {
		out := make([]salesShareJSON, len(list))
		for i, sh := range list {
			out[i] = salesShareJSON{sh.Name, sh.Amount, sh.Amount.Yuan(), sh.Orders}
		}
		return out
	}
	out := statsJSON{
		Total: f.Total, TotalYuan: f.Total.Yuan(), Orders: f.Orders, Buyers: f.Buyers, Households: f.Households,
		ByCounty: shares(f.ByCounty), ByCategory: shares(f.ByCategory),
		BySupplier: make([]supplierSalesJSON, len(f.BySupplier)), ByMonth: make([]monthSalesJSON, len(f.ByMonth)),
		AsOf: s.now().Format(time.RFC3339),
	}
	for i, sup := range f.BySupplier {
		out.BySupplier[i] = supplierSalesJSON{sup.Slug, sup.Name, s.absURL(supplierURL(sup.Slug)), sup.County, sup.Households,
			sup.Amount, sup.Amount.Yuan(), sup.Orders}
	}
	for i, m := range f.ByMonth {
		out.ByMonth[i] = monthSalesJSON{m.Month.Format("2006-01"), m.Amount, m.Amount.Yuan(), m.Orders}
	}
	return c.JSON(out)
}
