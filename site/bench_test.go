package site

import (
	"context"
	"net/url"
	"strconv"
	"sync/atomic"
	"testing"
	"time"
	"zhenxing/catalog"
	"zhenxing/internal/account"

	"github.com/valyala/fasthttp"
)

// BenchmarkHallListing renders one hall listing a request, without the hall cache, through the
// server's handler (no network): the cost that scripts/bench-hall measures end to end.
func BenchmarkHallListing(b *testing.B) {
	f := newHallFixture(b)
	s := f.server(b, testNow)
	h := s.App.Handler()
	for _, target := range []string{"/hall/products", "/hall/products?category=%E8%8F%8C%E8%8F%87&county=%E7%95%A5%E9%98%B3%E5%8E%BF"} {
		b.Run(target, func(b *testing.B) {
			var ctx fasthttp.RequestCtx
			for b.Loop() {
				ctx.Request.Reset()
				ctx.Response.Reset()
				ctx.Request.SetRequestURI(target)
				h(&ctx)
				if ctx.Response.StatusCode() != 200 {
					b.Fatalf("%s: %d", target, ctx.Response.StatusCode())
				}
			}
		})
	}
}

// BenchmarkOrderPlacement places orders through the server's handler (no network), each one a
// POST /hall/cart that adds a unit and a POST /hall/checkout that places it, from many buyers at
// once over the sample catalogue's products, and reports orders placed per second and the units
// oversold (always 0, or it fails). scripts/bench-orders runs it beside pgbench on the same
// PostgreSQL.
func BenchmarkOrderPlacement(b *testing.B) {
	f := newHallFixture(b)
	s := f.server(b, time.Now())
	pool := f.store.Pool()
	ctx := context.Background()
	if _, err := f.store.Seed(ctx, catalog.SeedFS()); err != nil {
		b.Fatal(err)
	}
	const initial = 100_000_000
	if _, err := pool.Exec(ctx, `UPDATE products SET stock = $1, min_qty = 1, multiple = 1 WHERE listed`, initial); err != nil {
		b.Fatal(err)
	}
	var slugs []string
	rows, err := pool.Query(ctx, `SELECT slug FROM products WHERE listed ORDER BY id`)
	if err != nil {
		b.Fatal(err)
	}
	for rows.Next() {
		var slug string
		if err := rows.Scan(&slug); err != nil {
			b.Fatal(err)
		}
		slugs = append(slugs, slug)
	}
	rows.Close()
	// Buyers, each with a session: the checkout allows ten placements per buyer in ten minutes.
	const buyers = 4000
	if _, err := pool.Exec(ctx, `
		WITH o AS (
			INSERT INTO organizations (name, credit_code, contact_name, contact_phone, status, invoice_title, invoice_tax_id)
			SELECT '工会' || i, '91610111MB' || lpad(i::text, 8, '0'), '联系人', '029-8000' || i, 'approved', '工会' || i, '91610111MB' || lpad(i::text, 8, '0')
			FROM generate_series(1, $1) i RETURNING id, name)
		, a AS (INSERT INTO delivery_addresses (organization_id, recipient, phone, address, is_default)
			SELECT id, '收货人', '13800000000', '西安市灞桥区' || name, true FROM o)
		INSERT INTO users (username, display_name, password_hash, kind, organization_id, organization_role)
			SELECT 'bench' || id, '采购员', 'x', 'buyer', id, 'admin' FROM o`, buyers); err != nil {
		b.Fatal(err)
	}
	type buyer struct {
		cookie, cart, checkout []byte
	}
	rows, err = pool.Query(ctx, `SELECT u.id, a.id FROM users u JOIN delivery_addresses a USING (organization_id) WHERE u.username LIKE 'bench%'`)
	if err != nil {
		b.Fatal(err)
	}
	var ids [][2]int64
	for rows.Next() {
		var id [2]int64
		if err := rows.Scan(&id[0], &id[1]); err != nil {
			b.Fatal(err)
		}
		ids = append(ids, id)
	}
	rows.Close()
	accounts := account.NewStore(pool)
	all := make([]buyer, len(ids))
	for i, id := range ids {
		sess, err := accounts.CreateSession(ctx, id[0], time.Now(), DefaultSessionMaxAge)
		if err != nil {
			b.Fatal(err)
		}
		form := checkoutValues(strconv.FormatInt(id[1], 10))
		form.Set("_csrf", sess.CSRFToken)
		all[i] = buyer{
			cookie:   []byte(sess.Token),
			cart:     []byte(url.Values{"_csrf": {sess.CSRFToken}, "product": {slugs[i%len(slugs)]}, "quantity": {"1"}}.Encode()),
			checkout: []byte(form.Encode()),
		}
	}

	h := s.App.Handler()
	var next, placed, failed atomic.Int64
	post := func(ctx *fasthttp.RequestCtx, path string, by *buyer, body []byte) int {
		ctx.Request.Reset()
		ctx.Response.Reset()
		ctx.Request.Header.SetMethod(fasthttp.MethodPost)
		ctx.Request.SetRequestURI(path)
		ctx.Request.Header.SetContentType("application/x-www-form-urlencoded")
		ctx.Request.Header.SetCookieBytesKV([]byte(sessionCookie), by.cookie)
		ctx.Request.SetBody(body)
		h(ctx)
		return ctx.Response.StatusCode()
	}
	b.SetParallelism(4)
	b.ResetTimer()
	start := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		var ctx fasthttp.RequestCtx
		var by *buyer
		uses := 0
		for pb.Next() {
			if by == nil || uses == 9 {
				i := next.Add(1) - 1
				if int(i) >= len(all) {
					b.Error("out of buyers: raise the number of buyers")
					return
				}
				by, uses = &all[i], 0
			}
			uses++
			if st := post(&ctx, "/hall/cart", by, by.cart); st != fasthttp.StatusSeeOther {
				failed.Add(1)
				continue
			}
			if st := post(&ctx, "/hall/checkout", by, by.checkout); st != fasthttp.StatusSeeOther {
				failed.Add(1)
				continue
			}
			placed.Add(1)
		}
	})
	elapsed := time.Since(start)
	b.StopTimer()
	var left, sold int64
	if err := pool.QueryRow(ctx, `SELECT coalesce(sum($1 - stock), 0) FROM products WHERE listed`, initial).Scan(&left); err != nil {
		b.Fatal(err)
	}
	if err := pool.QueryRow(ctx, `SELECT coalesce(sum(quantity), 0) FROM order_lines`).Scan(&sold); err != nil {
		b.Fatal(err)
	}
	var negative bool
	if err := pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM products WHERE stock < 0)`).Scan(&negative); err != nil {
		b.Fatal(err)
	}
	if sold != left || negative || sold != placed.Load() {
		b.Fatalf("%d units taken from stock, %d in orders, %d placements: the stock does not add up", left, sold, placed.Load())
	}
	if failed.Load() > 0 {
		b.Errorf("%d placements refused", failed.Load())
	}
	b.ReportMetric(float64(placed.Load())/elapsed.Seconds(), "orders/s")
	b.ReportMetric(0, "oversold")
}
