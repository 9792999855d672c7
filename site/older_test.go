package site

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"zhenxing/catalog"
	"zhenxing/internal/testdb"
	"zhenxing/internal/zhtext"
)

// 适老化: what an older reader meets on a 375 px phone, on every kind of page, in the standard,
// large-text and high-contrast modes.

// phoneScript measures a page as an older reader meets it. min is the smallest font size
// allowed anywhere, body the smallest for body and table text.
const phoneScript = `((min, body) => {
  const out = {small: [], tiny: [], body: [], squeezed: [], text: document.body.innerText};
  const visible = el => { const r = el.getBoundingClientRect(); const cs = getComputedStyle(el);
    return r.width > 0 && r.height > 0 && cs.visibility !== 'hidden' && !el.closest('.visually-hidden, .honeypot, [aria-hidden="true"]'); };
  // A link inside a sentence is running text: its block holds more text than the link.
  const inRunningText = el => { const block = el.parentElement.closest('p, li, td, dd, th, figcaption, label');
    return block && block.textContent.trim().length > el.textContent.trim().length + 2; };
  for (const el of document.querySelectorAll('a[href], button, input:not([type=hidden]), select, textarea, summary')) {
    if (!visible(el) || (el.tagName === 'A' && inRunningText(el))) continue;
    if ((el.type === 'radio' || el.type === 'checkbox') && el.labels.length && el.labels[0].getBoundingClientRect().height >= 44) continue;
    const r = el.getBoundingClientRect();
    if (r.width < 43.5 || r.height < 43.5) out.small.push(el.tagName.toLowerCase() + ' "' + (el.textContent || el.value || el.name).trim().slice(0, 16) + '" ' + Math.round(r.width) + 'x' + Math.round(r.height));
  }
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const n = walker.currentNode; if (!n.textContent.trim()) continue;
    const el = n.parentElement; if (!visible(el)) continue;
    const fs = parseFloat(getComputedStyle(el).fontSize);
    if (fs < min - 0.05) out.tiny.push(el.tagName.toLowerCase() + '.' + el.className + ' ' + fs + 'px "' + n.textContent.trim().slice(0, 12) + '"');
  }
  for (const el of document.querySelectorAll('main p, main li, main td, main th, main dd, main dt')) {
    if (!visible(el)) continue;
    const fs = parseFloat(getComputedStyle(el).fontSize);
    if (fs < body - 0.05) out.body.push(el.tagName.toLowerCase() + ' ' + fs + 'px "' + el.textContent.trim().slice(0, 12) + '"');
  }
  // A cell's lines are the line boxes of its text: its text's rectangles, grouped by how they
  // overlap from top to bottom.
  for (const td of document.querySelectorAll('td, th')) {
    if (!visible(td)) continue;
    const rects = [];
    const tw = document.createTreeWalker(td, NodeFilter.SHOW_TEXT);
    while (tw.nextNode()) { const r = document.createRange(); r.selectNodeContents(tw.currentNode); rects.push(...[...r.getClientRects()].filter(x => x.width > 1)); }
    rects.sort((a, b) => a.top - b.top);
    let lines = 0, bottom = -1e9;
    for (const r of rects) { if (r.top >= bottom - 3) { lines++; bottom = r.bottom; } else bottom = Math.max(bottom, r.bottom); }
    const chars = td.textContent.replace(/\s/g, '').length;
    if (lines >= 2 && chars > 2 && chars / lines < 3) out.squeezed.push(td.tagName + ' "' + td.textContent.trim().slice(0, 12) + '" in ' + lines + ' lines');
  }
  const top = sel => { const el = document.querySelector(sel); return el ? el.getBoundingClientRect().top + window.scrollY : -1; };
  out.h1 = top('h1'); out.docNumber = top('.doc-number'); out.firstCard = top('.results .cards > li, .results .product-cards > li');
  out.wide = document.documentElement.scrollWidth;
  return JSON.stringify(out);
})`

type phoneReport struct {
	Small, Tiny, Body, Squeezed []string
	Text                        string
	H1, DocNumber, FirstCard    float64
	Wide                        float64
}

// TestBrowserOlderReaders opens every kind of page at 375 px in the three modes and checks tap
// targets, text sizes, squeezed table cells, what the first screen shows, the width, and the
// punctuation of the rendered text.
func TestBrowserOlderReaders(t *testing.T) {
	base, ctx := sampleBrowser(t)
	pages := []string{
		"/", "/open/", "/open/policies/", "/open/policies/poverty-monitoring-rules-2026", "/open/notices/consumption-assistance-measures-consultation-2026",
		"/open/annual-reports/annual-report-2025", "/hall/", "/hall/products", "/hall/products?county=略阳县", "/hall/products/lueyang-kiwi-3kg",
		"/hall/suppliers/dizhai-cherry-coop", "/hall/stats", "/jobs/", "/jobs/positions", "/jobs/events/" + firstEventSlug(t),
		"/open/projects", "/open/projects?year=2022", "/open/projects/2022-milu-smart-greenhouses", "/open/website-report/2025",
		"/interact/", "/interact/write", "/open/apply", "/search?q=樱桃", "/sitemap",
	}
	const screen = 800
	for _, mode := range []struct {
		name, query string
		min, body   float64
	}{{"standard", "text=normal&contrast=normal", 14, 16}, {"large text", "text=large&contrast=normal", 18, 18}, {"large text and high contrast", "text=large&contrast=high", 18, 18}} {
		run(t, ctx, chromedp.EmulateViewport(375, screen))
		run(t, ctx, chromedp.Navigate(base+"/prefs?"+mode.query+"&back=/"))
		for _, p := range pages {
			run(t, ctx, chromedp.Navigate(base+p))
			var r phoneReport
			js := run(t, ctx, chromedp.Evaluate[string](phoneScript+"("+ftoa(mode.min)+", "+ftoa(mode.body)+")"))
			if err := json.Unmarshal([]byte(js), &r); err != nil {
				t.Fatal(err)
			}
			where := p + " (" + mode.name + ")"
			for _, list := range []struct {
				what  string
				items []string
			}{{"targets under 44×44 px", r.Small}, {"text under " + ftoa(mode.min) + "px", r.Tiny},
				{"body or table text under " + ftoa(mode.body) + "px", r.Body}, {"squeezed table cells", r.Squeezed}} {
				if len(list.items) > 0 {
					t.Errorf("%s: %d %s: %s", where, len(list.items), list.what, strings.Join(list.items[:min(len(list.items), 5)], "; "))
				}
			}
			if r.Wide > 376 {
				t.Errorf("%s: %.0f px wide", where, r.Wide)
			}
			if strings.HasPrefix(p, "/open/policies/") && len(p) > len("/open/policies/") && (r.H1 < 0 || r.DocNumber+40 > screen) {
				t.Errorf("%s: the title at %.0f px and the number and date at %.0f px, not on the first screen", where, r.H1, r.DocNumber)
			}
			if strings.HasPrefix(p, "/hall/products") && !strings.Contains(p, "/hall/products/") && (r.FirstCard < 0 || r.FirstCard >= screen) {
				t.Errorf("%s: the first product starts at %.0f px, below the first screen", where, r.FirstCard)
			}
			if mode.name == "standard" {
				for _, line := range strings.Split(r.Text, "\n") {
					if fixed := zhtext.Fix(line, zhtext.Text); fixed != line {
						t.Errorf("%s: ASCII punctuation in the page's text: %q, want %q", p, line, fixed)
					}
				}
			}
		}
	}
	run(t, ctx, chromedp.Navigate(base+"/prefs?text=normal&contrast=normal&back=/"))
}

func ftoa(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

// TestBrowserFocusRing tabs through a form and a listing and checks that each element that
// takes the focus shows the site's ring (its outline or its box shadow).
func TestBrowserFocusRing(t *testing.T) {
	base, ctx := chromium(t, mustServer(t, func(c *Config, d *Deps) { c.Now = time.Now }))
	for _, p := range []string{"/jobs/", "/jobs/positions", "/open/projects", "/hall/products"} {
		run(t, ctx, chromedp.Navigate(base+p))
		var bad []string
		for range 60 {
			run(t, ctx, chromedp.KeyEvent("\t"))
			got := run(t, ctx, chromedp.Evaluate[string](`(() => {
				const el = document.activeElement;
				if (!el || el === document.body) return '';
				const cs = getComputedStyle(el);
				return (cs.outlineStyle === 'none' || cs.outlineWidth === '0px') && cs.boxShadow === 'none' ? el.tagName + ' ' + (el.name || el.textContent.trim().slice(0, 10)) : '';
			})()`))
			if got != "" {
				bad = append(bad, got)
			}
		}
		if len(bad) > 0 {
			t.Errorf("%s: no focus ring on %s", p, strings.Join(bad, "; "))
		}
	}
}

// TestBrowserReadAloud: the 朗读本页 control of a document page starts reading (marking the
// paragraph it reads), pauses and stops; where the browser cannot speak it stays hidden.
func TestBrowserReadAloud(t *testing.T) {
	base, ctx := chromium(t, mustServer(t, func(c *Config, d *Deps) { c.Now = time.Now }))
	const doc = "/open/policies/poverty-monitoring-rules-2026"
	// As a reader who asked for less motion: the page jumps to the paragraph read instead of
	// scrolling smoothly, so that the buttons are where a click looks for them.
	run(t, ctx, chromedp.Action[chromedp.Void](func(ctx context.Context, tg *chromedp.Target) (chromedp.Void, error) {
		_, err := cdp.Call(ctx, tg, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
			Features: []*emulation.MediaFeature{{Name: "prefers-reduced-motion", Value: "reduce"}}})
		return chromedp.Void{}, err
	}))
	run(t, ctx, chromedp.Navigate(base+doc))
	run(t, ctx, chromedp.WaitVisible(chromedp.CSS(`.read-aloud [data-action=start]`)))
	run(t, ctx, chromedp.Click(chromedp.CSS(`.read-aloud [data-action=start]`)))
	state := func() string {
		return run(t, ctx, chromedp.Evaluate[string](`[...document.querySelectorAll('.read-aloud button')].filter(b => !b.hidden).map(b => b.textContent).join(' ') +
			' | ' + document.querySelector('.read-aloud [role=status]').textContent + ' | ' + document.querySelectorAll('.reading').length`))
	}
	if got := state(); got != "暂停 停止 | 正在朗读 | 1" {
		t.Errorf("after 朗读本页: %q", got)
	}
	run(t, ctx, chromedp.Click(chromedp.CSS(`.read-aloud [data-action=pause]`)))
	if got := state(); got != "继续 停止 | 已暂停 | 1" {
		t.Errorf("after 暂停: %q", got)
	}
	run(t, ctx, chromedp.Click(chromedp.CSS(`.read-aloud [data-action=stop]`)))
	if got := state(); got != "朗读本页 |  | 0" {
		t.Errorf("after 停止: %q", got)
	}

	// Without speech synthesis the control never shows.
	run(t, ctx, chromedp.Action[chromedp.Void](func(ctx context.Context, tg *chromedp.Target) (chromedp.Void, error) {
		_, err := cdp.Call(ctx, tg, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{
			Source: `Object.defineProperty(window, 'speechSynthesis', {get: () => undefined})`})
		return chromedp.Void{}, err
	}))
	run(t, ctx, chromedp.Navigate(base+doc))
	if hidden := run(t, ctx, chromedp.Evaluate[bool](`document.querySelector('.read-aloud').hidden`)); !hidden {
		t.Error("the read-aloud control shows where the browser cannot speak")
	}
}

// axeScript is axe-core as scripts/install-deps installs it (AXE_CORE_JS names another copy).
func axeScript(t *testing.T) string {
	t.Helper()
	path := os.Getenv("AXE_CORE_JS")
	if path == "" {
		path = filepath.Join("..", ".data", "axe", "node_modules", "axe-core", "axe.min.js")
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("axe-core is not installed (%v): run scripts/install-deps", err)
	}
	return string(b)
}

// TestBrowserAxe runs axe-core's WCAG 2.1 A and AA rules on every kind of page, at 375 and
// 1280 px, in the standard and high-contrast modes: there must be no violation.
func TestBrowserAxe(t *testing.T) {
	axe := axeScript(t)
	base, ctx := sampleBrowser(t)
	pages := []string{
		"/", "/open/", "/open/policies/", "/open/policies/poverty-monitoring-rules-2026", "/open/annual-reports/annual-report-2025",
		"/open/notices/consumption-assistance-measures-consultation-2026", "/hall/", "/hall/products", "/hall/products/lueyang-kiwi-3kg",
		"/hall/suppliers/dizhai-cherry-coop", "/hall/stats", "/jobs/", "/jobs/positions", "/jobs/events/" + firstEventSlug(t),
		"/open/projects", "/open/projects/2022-milu-smart-greenhouses", "/open/website-report/2025", "/interact/", "/interact/write",
		"/interact/consultations", "/open/apply", "/open/apply/status", "/feedback?page=/", "/search?q=樱桃", "/sitemap", "/accessibility",
		"/account/login", "/account/register", "/no-such-page",
	}
	for _, mode := range []string{"text=normal&contrast=normal", "text=large&contrast=high"} {
		run(t, ctx, chromedp.Navigate(base+"/prefs?"+mode+"&back=/"))
		for _, width := range []int64{375, 1280} {
			run(t, ctx, chromedp.EmulateViewport(width, 900))
			for _, p := range pages {
				run(t, ctx, chromedp.Navigate(base+p))
				run(t, ctx, chromedp.Evaluate[bool](axe+";true"))
				got := run(t, ctx, chromedp.Evaluate[[]string](`axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})
					.then(r => r.violations.map(v => v.id + ': ' + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | ')))`,
					chromedp.EvalAwaitPromise))
				for _, v := range got {
					t.Errorf("%s (%s, %d px): %s", p, mode, width, v)
				}
			}
		}
	}
	run(t, ctx, chromedp.Navigate(base+"/prefs?text=normal&contrast=normal&back=/"))
}

// TestBrowserWithoutJavaScript reads the pages that carry the read-aloud script with scripts
// off: everything is there, and the control stays hidden.
func TestBrowserWithoutJavaScript(t *testing.T) {
	base, ctx := sampleBrowser(t)
	run(t, ctx, chromedp.Action[chromedp.Void](func(ctx context.Context, tg *chromedp.Target) (chromedp.Void, error) {
		_, err := cdp.Call(ctx, tg, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true})
		return chromedp.Void{}, err
	}))
	run(t, ctx, chromedp.EmulateViewport(375, 800))
	for _, c := range []struct{ page, want string }{
		{"/open/policies/poverty-monitoring-rules-2026", "第一条"},
		{"/hall/products/lueyang-kiwi-3kg", "徐香猕猴桃"},
		{"/jobs/events/" + firstEventSlug(t), "招聘"},
		{"/hall/products", "筛选条件"},
	} {
		run(t, ctx, chromedp.Navigate(base+c.page))
		got := run(t, ctx, chromedp.Evaluate[string](`document.querySelector('main').innerText + '|' + (document.querySelector('.read-aloud') ? document.querySelector('.read-aloud').hidden : 'none')`))
		text, hidden, _ := strings.Cut(got, "|")
		if !strings.Contains(text, c.want) || hidden == "false" {
			t.Errorf("%s without scripts: read-aloud hidden %s, text lacks %q", c.page, hidden, c.want)
		}
	}
}

// sampleBrowser is Chromium on a site with the sample catalogue, on the real clock (the browser
// drops a session cookie that the test clock says has expired).
func sampleBrowser(t *testing.T) (string, context.Context) {
	t.Helper()
	pool := testdb.New(t)
	store := catalog.New(pool, catalog.Config{})
	if _, err := store.Seed(context.Background(), catalog.SeedFS()); err != nil {
		t.Fatal(err)
	}
	return chromium(t, mustServer(t, func(c *Config, d *Deps) { useCatalog(d, store); c.Now = time.Now }))
}
