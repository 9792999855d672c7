package site

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/jackc/pgx/v5/pgxpool"

	"zhenxing/catalog"
	"zhenxing/internal/account"
	"zhenxing/internal/db"
	"zhenxing/internal/testdb"
	"zhenxing/order"
)

// chromium starts the site on a loopback listener and a headless Chromium (Debian's package),
// and returns the site's base URL and a browser context.
func chromium(t *testing.T, s *Server) (string, context.Context) {
	t.Helper()
	path, err := exec.LookPath("chromium")
	if err != nil {
		t.Fatal("chromium is not installed: run scripts/install-deps (apt-get install chromium)")
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go s.App.Listener(ln)
	t.Cleanup(func() { _ = s.App.Shutdown() })

	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(t.TempDir()),
	)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(allocCtx)
	ctx, cancelTimeout := context.WithTimeout(ctx, 90*time.Second)
	t.Cleanup(func() { cancelTimeout(); cancelCtx(); cancelAlloc() })
	return "http://" + ln.Addr().String(), ctx
}

// ownScriptsOnly counts the scripts that are neither JSON-LD nor a file of the site's own
// static directory (the read-aloud control): no inline script, nothing from elsewhere.
const ownScriptsOnly = `document.querySelectorAll('script:not([type="application/ld+json"]):not([src^="/static/"])').length`

// contrastScript returns, for each element matching a selector, its text colour's contrast
// ratio against the first opaque background behind it (WCAG 2.1 relative luminance).
const contrastScript = `(() => {
  const parse = c => { const m = c.match(/[\d.]+/g).map(Number); return {r: m[0], g: m[1], b: m[2], a: m.length > 3 ? m[3] : 1}; };
  const lum = c => { const f = v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); }; return 0.2126 * f(c.r) + 0.7152 * f(c.g) + 0.0722 * f(c.b); };
  const bg = el => { for (; el; el = el.parentElement) { const c = parse(getComputedStyle(el).backgroundColor); if (c.a > 0.99) return c; } return {r: 255, g: 255, b: 255, a: 1}; };
  const out = [];
  for (const sel of ['main p', 'main a', 'main th', 'main td', '.site-nav a', '.site-footer p', '.site-footer a', '.breadcrumbs', '.toolbar a']) {
    for (const el of document.querySelectorAll(sel)) {
      if (!el.textContent.trim() || el.offsetParent === null) continue;
      const a = lum(parse(getComputedStyle(el).color)), b = lum(bg(el));
      const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
      out.push({sel: sel, text: el.textContent.trim().slice(0, 20), ratio: Math.round(ratio * 100) / 100});
    }
  }
  return out;
})()`

type contrast struct {
	Sel, Text string
	Ratio     float64
}

// run performs one browser action and fails the test on error.
func run[T any](t *testing.T, ctx context.Context, a chromedp.Action[T]) T {
	t.Helper()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func TestBrowserAccessibility(t *testing.T) {
	base, ctx := chromium(t, mustServer(t))
	const doc = "/open/reports/work-report-2022-plan-2023"

	run(t, ctx, chromedp.EmulateViewport(1280, 900))
	run(t, ctx, chromedp.Navigate(base+doc))
	h1 := run(t, ctx, chromedp.Text(chromedp.CSS("h1")))
	lang := run(t, ctx, chromedp.AttributeValue(chromedp.CSS("html"), "lang")).Value
	scripts := run(t, ctx, chromedp.Evaluate[int](ownScriptsOnly))
	baseSize := run(t, ctx, chromedp.Evaluate[float64](`parseFloat(getComputedStyle(document.body).fontSize)`))
	bodyLineHeight := run(t, ctx, chromedp.Evaluate[float64](`parseFloat(getComputedStyle(document.querySelector('.body p')).lineHeight)`))
	bodyFontSize := run(t, ctx, chromedp.Evaluate[float64](`parseFloat(getComputedStyle(document.querySelector('.body p')).fontSize)`))
	ratios := run(t, ctx, chromedp.Evaluate[[]contrast](contrastScript))

	if h1 != "西安市灞桥区乡村振兴局2022年工作总结及2023年工作计划" || lang != "zh-CN" {
		t.Errorf("h1 %q, lang %q", h1, lang)
	}
	if scripts != 0 {
		t.Errorf("%d scripts that are not the site's own files", scripts)
	}
	if baseSize < 16 || bodyFontSize < 18 {
		t.Errorf("font sizes: base %.1fpx, document body %.1fpx; want at least 16 and 18", baseSize, bodyFontSize)
	}
	if bodyLineHeight/bodyFontSize < 1.5 {
		t.Errorf("document line height %.2f, want at least 1.5", bodyLineHeight/bodyFontSize)
	}
	checkContrast(t, "standard", ratios, 4.5)

	// Keyboard: the first Tab reaches the skip link, which then shows on screen.
	run(t, ctx, chromedp.KeyEvent("\t"))
	focused := run(t, ctx, chromedp.Evaluate[string](`document.activeElement.textContent`))
	skipLeft := run(t, ctx, chromedp.Evaluate[float64](`document.activeElement.getBoundingClientRect().left`))
	if focused != "跳到正文" || skipLeft < 0 {
		t.Errorf("first Tab focuses %q at x=%.0f, want the visible skip link", focused, skipLeft)
	}

	// The display modes are plain links: following them changes the page and persists.
	run(t, ctx, chromedp.Click(chromedp.Search(`//a[text()="大字版"]`)))
	run(t, ctx, chromedp.WaitVisible(chromedp.Search(`//a[text()="标准字号"]`)))
	run(t, ctx, chromedp.Click(chromedp.Search(`//a[text()="高对比度"]`)))
	run(t, ctx, chromedp.WaitVisible(chromedp.Search(`//a[text()="标准配色"]`)))
	run(t, ctx, chromedp.Navigate(base+doc))
	class := run(t, ctx, chromedp.AttributeValue(chromedp.CSS("html"), "class")).Value
	largeSize := run(t, ctx, chromedp.Evaluate[float64](`parseFloat(getComputedStyle(document.body).fontSize)`))
	if class != "large-text high-contrast" || largeSize < baseSize*1.2 {
		t.Errorf("after the mode links: class %q, font %.1fpx (was %.1fpx)", class, largeSize, baseSize)
	}
	checkContrast(t, "high contrast", run(t, ctx, chromedp.Evaluate[[]contrast](contrastScript)), 7)

	// A phone: nothing wider than the screen.
	run(t, ctx, chromedp.EmulateViewport(375, 800))
	run(t, ctx, chromedp.Navigate(base+doc))
	scrollWidth := run(t, ctx, chromedp.Evaluate[float64](`document.documentElement.scrollWidth`))
	innerWidth := run(t, ctx, chromedp.Evaluate[float64](`window.innerWidth`))
	if scrollWidth > innerWidth+1 {
		t.Errorf("on a 375px screen the page is %.0fpx wide", scrollWidth)
	}
}

func checkContrast(t *testing.T, mode string, ratios []contrast, least float64) {
	t.Helper()
	if len(ratios) < 20 {
		t.Fatalf("%s: only %d text elements measured", mode, len(ratios))
	}
	var bad []string
	for _, r := range ratios {
		if r.Ratio < least {
			bad = append(bad, r.Sel+" "+r.Text)
		}
	}
	if len(bad) > 0 {
		t.Errorf("%s mode: %d elements below %.1f:1 contrast: %s", mode, len(bad), least, strings.Join(bad[:min(len(bad), 5)], "; "))
	}
}

// TestBrowserEverySection opens a page of each section with the sample catalogue, the buyer's
// pages too, in both display modes and on a phone, and checks contrast, width and that nothing
// needs JavaScript.
func TestBrowserEverySection(t *testing.T) {
	pool := testdb.New(t)
	store := catalog.New(pool, catalog.Config{})
	if _, err := store.Seed(context.Background(), catalog.SeedFS()); err != nil {
		t.Fatal(err)
	}
	// The real clock: the browser drops a session cookie that the test clock says has expired.
	base, ctx := chromium(t, mustServer(t, func(c *Config, d *Deps) { useCatalog(d, store); c.Now = time.Now }))
	pages := []string{
		"/", "/open/", "/open/policies/", "/open/policies/bridging-fund-management-2021",
		"/hall/", "/hall/products?county=略阳县", "/hall/products/lueyang-kiwi-3kg", "/hall/suppliers/dizhai-cherry-coop",
		"/hall/stats", "/jobs/", "/jobs/positions", "/jobs/events/" + firstEventSlug(t), "/admin/login",
		"/account/register", "/no-such-page", "/search", "/search?q=樱桃", "/search?type=product&q=樱桃", "/search?q=不存在的内容qqzz",
		// The citizens' channels: forms, the mailbox's replies, a consultation, the annual report's table.
		"/open/apply", "/open/apply/status", "/interact/", "/interact/write", "/interact/status", "/interact/consultations",
		"/open/notices/consumption-assistance-measures-consultation-2026", "/open/notices/monitoring-rules-consultation-2026",
		"/open/annual-reports/annual-report-2025", "/feedback?page=/",
		// The open-government section: projects, the yearly website report, the site map.
		"/open/projects", "/open/projects?year=2022", "/open/projects/2022-milu-smart-greenhouses", "/open/website-report/2025",
		"/sitemap", "/accessibility", "/open/leaders/bureau-leaders-2026", "/open/budgets/department-final-accounts-2025",
		"/open/guide/open-government-guide-2026",
	}
	// The buyer's pages, as the administrator of an approved union with a placed order and a
	// cart: logged in by the login form's own request, so the browser holds the session cookie.
	phone, placed := browserBuyer(t, pool)
	logIn(t, ctx, base, "/account/login", map[string]string{"login": phone, "password": buyerTestPassword}, "/account/")
	pages = append(pages, "/account/", "/account/orders", "/account/orders/"+placed.Orders[0].Number,
		"/hall/checkout/"+placed.Reference, "/hall/cart", "/hall/checkout", "/hall/products/lueyang-walnuts")
	checkPages(t, ctx, base, pages)
}

// checkPages opens each page in the standard, high-contrast and large-text modes, at 1280 px and
// at 375 px, and checks that no page needs JavaScript, that its text has the contrast the mode
// promises, and that nothing is wider than a phone's screen.
func checkPages(t *testing.T, ctx context.Context, base string, pages []string) {
	t.Helper()
	for _, mode := range []struct {
		name, cookie string
		least        float64
	}{{"standard", "", 4.5}, {"high contrast", "contrast=high", 7}, {"large text and high contrast", "text=large", 7}} {
		if mode.cookie != "" {
			run(t, ctx, chromedp.Navigate(base+"/prefs?"+mode.cookie+"&back=/"))
		}
		for _, p := range pages {
			run(t, ctx, chromedp.EmulateViewport(1280, 900))
			run(t, ctx, chromedp.Navigate(base+p))
			if n := run(t, ctx, chromedp.Evaluate[int](ownScriptsOnly)); n != 0 {
				t.Errorf("%s: %d scripts that are not the site's own files", p, n)
			}
			ratios := run(t, ctx, chromedp.Evaluate[[]contrast](contrastScript))
			for _, r := range ratios {
				if r.Ratio < mode.least {
					t.Errorf("%s (%s): %s %q has contrast %.2f:1, want %.1f", p, mode.name, r.Sel, r.Text, r.Ratio, mode.least)
				}
			}
			run(t, ctx, chromedp.EmulateViewport(375, 800))
			run(t, ctx, chromedp.Navigate(base+p))
			sw := run(t, ctx, chromedp.Evaluate[float64](`document.documentElement.scrollWidth`))
			if sw > 376 {
				wide := run(t, ctx, chromedp.Evaluate[[]string](wideElementsScript))
				t.Errorf("%s (%s): %.0fpx wide on a 375px screen: %s", p, mode.name, sw, strings.Join(wide, "; "))
			}
		}
	}
	// Back to the standard modes, for whoever uses the browser next.
	run(t, ctx, chromedp.Navigate(base+"/prefs?text=normal&contrast=normal&back=/"))
}

// logIn logs the browser in through the login form at path (its own request, so the browser
// keeps the session cookie) and fails unless it lands on a page under want.
func logIn(t *testing.T, ctx context.Context, base, path string, fields map[string]string, want string) {
	t.Helper()
	run(t, ctx, chromedp.Navigate(base+path))
	form, _ := json.Marshal(fields)
	script := fmt.Sprintf(`(() => {
		const x = new XMLHttpRequest();
		x.open('POST', %q, false);
		x.setRequestHeader('Content-Type', 'application/x-www-form-urlencoded');
		x.send(new URLSearchParams({_csrf: document.querySelector('input[name=_csrf]').value, ...%s}).toString());
		return x.responseURL;
	})()`, path, form)
	if where := run(t, ctx, chromedp.Evaluate[string](script)); !strings.Contains(where, want) || strings.Contains(where, "login") {
		t.Fatalf("logging in at %s ended at %q", path, where)
	}
}

// TestBrowserStaffPages opens the back office's pages, an order's among them, as a staff member
// of the hall, in every display mode, as TestBrowserEverySection does for the public site.
func TestBrowserStaffPages(t *testing.T) {
	pool := testdb.New(t)
	store := catalog.New(pool, catalog.Config{})
	if _, err := store.Seed(context.Background(), catalog.SeedFS()); err != nil {
		t.Fatal(err)
	}
	_, placed := browserBuyer(t, pool)
	if _, err := account.NewStore(pool).CreateUser(context.Background(), account.NewUser{Username: adminStaffUser, Name: "李明",
		Password: adminStaffPassword, Kind: account.KindStaff, Roles: []account.Role{account.RoleHall, account.RoleOpen, account.RoleMessages}}); err != nil {
		t.Fatal(err)
	}
	base, ctx := chromium(t, mustServer(t, func(c *Config, d *Deps) { useCatalog(d, store); c.Now = time.Now }))
	logIn(t, ctx, base, "/admin/login", map[string]string{"username": adminStaffUser, "password": adminStaffPassword}, "/admin/")
	checkPages(t, ctx, base, []string{"/admin/", "/admin/products", "/admin/products/lueyang-kiwi-3kg", "/admin/suppliers",
		"/admin/buyers", "/admin/orders", "/admin/orders/" + placed.Orders[0].Number, "/admin/payments", "/admin/invoices",
		"/admin/audit", "/admin/requests", "/admin/requests/table?year=2025", "/admin/consultations",
		"/admin/consultations/monitoring-rules-consultation-2026", "/admin/messages", "/admin/feedback"})
}

// firstEventSlug names an event of the sample content.
func firstEventSlug(t *testing.T) string {
	t.Helper()
	res := get(t, mustServer(t), "/api/v1/events")
	i := strings.Index(res.Body, `"slug":"`)
	if i < 0 {
		t.Fatal("no event in the sample content")
	}
	rest := res.Body[i+len(`"slug":"`):]
	return rest[:strings.Index(rest, `"`)]
}

// wideElementsScript lists the outermost elements that reach past a 375px screen's right edge:
// those whose parent does not.
const wideElementsScript = `[...document.querySelectorAll('body *')]
	.filter(e => e.getBoundingClientRect().right > 376 && e.parentElement.getBoundingClientRect().right <= 376)
	.slice(0, 5).map(e => e.tagName.toLowerCase() + (e.className ? '.' + e.className : '') + ' "' + e.textContent.trim().slice(0, 20) + '"')`

// browserBuyer registers and approves a union whose administrator has placed an order and has
// another product in the cart; it returns the administrator's phone and the checkout.
func browserBuyer(t *testing.T, pool *pgxpool.Pool) (string, *order.Placed) {
	t.Helper()
	ctx := context.Background()
	accounts := account.NewStore(pool)
	const phone = "13800138123"
	org, admin, err := accounts.Register(ctx, account.Registration{
		Name: "西安市灞桥区纺织城街道总工会", CreditCode: creditCode(t, "81610111MA6W00077"),
		ContactName: "王芳", ContactPhone: "029-83520000",
		Addresses: []account.NewAddress{{Recipient: "王芳", Phone: phone, Address: "西安市灞桥区纺织城正街 1 号"}},
		Admin:     account.NewBuyer{Name: "王芳", Phone: phone, Password: buyerTestPassword},
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := accounts.Approve(ctx, db.CommandLine, org.ID, time.Now()); err != nil {
		t.Fatal(err)
	}
	orders := order.New(pool, order.Config{})
	b := order.Buyer{UserID: admin.ID, OrganizationID: org.ID, Name: "王芳", Admin: true, Approved: true}
	if _, err := orders.Carts.Add(ctx, b.UserID, "lueyang-kiwi-3kg", "5"); err != nil {
		t.Fatal(err)
	}
	placed, err := orders.Checkouts.Place(ctx, b, order.CheckoutInput{AddressID: firstAddress(t, accounts, org.ID),
		Invoice: order.InvoiceDetails{Title: "西安市灞桥区纺织城街道总工会",
			TaxID: creditCode(t, "81610111MA6W00077"), Kind: order.InvoiceOrdinary}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := orders.Carts.Add(ctx, b.UserID, "lueyang-walnuts", "3"); err != nil {
		t.Fatal(err)
	}
	return phone, placed
}
