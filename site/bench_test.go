package site

import (
	"context"
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

// BenchmarkOrderPlacement places orders through the server's handler (no network): each one is
// a POST /hall/checkout by a buyer whose cart holds one product of the sample catalogue, from
// eight buyers at a time, and it reports orders placed per second and the units oversold (always
// 0, or it fails). Carts are filled beforehand: placing is what it measures. scripts/bench-orders
// runs it beside pgbench on the same PostgreSQL.
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
	// One buyer per order, each with a session and one line in the cart.
	const buyers = 12000
	if _, err := pool.Exec(ctx, `
		WITH p AS (SELECT id, price, row_number() OVER (ORDER BY id) - 1 AS n, count(*) OVER () AS total FROM products WHERE listed)
		, o AS (
			INSERT INTO organizations (name, credit_code, contact_name, contact_phone, status, invoice_title, invoice_tax_id)
			SELECT '工会' || i, '91610111MB' || lpad(i::text, 8, '0'), '联系人', '029-8000' || i, 'approved', '工会' || i, '91610111MB' || lpad(i::text, 8, '0')
			FROM generate_series(1, $1) i RETURNING id, name)
		, a AS (INSERT INTO delivery_addresses (organization_id, recipient, phone, address, is_default)
			SELECT id, '收货人', '13800000000', '西安市灞桥区' || name, true FROM o)
		, u AS (INSERT INTO users (username, display_name, password_hash, kind, organization_id, organization_role)
			SELECT 'bench' || id, '采购员', 'x', 'buyer', id, 'admin' FROM o RETURNING id)
		INSERT INTO cart_lines (user_id, product_id, quantity, price_at_add)
			SELECT u.id, p.id, 1, p.price FROM u JOIN p ON p.n = u.id % p.total`, buyers); err != nil {
		b.Fatal(err)
	}
	rows, err := pool.Query(ctx, `SELECT u.id, a.id FROM users u JOIN delivery_addresses a USING (organization_id) WHERE u.username LIKE 'bench%'`)
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
	type buyer struct{ cookie, checkout []byte }
	accounts := account.NewStore(pool)
	all := make([]buyer, len(ids))
	for i, id := range ids {
		sess, err := accounts.CreateSession(ctx, id[0], time.Now(), DefaultSessionMaxAge)
		if err != nil {
			b.Fatal(err)
		}
		form := checkoutValues(strconv.FormatInt(id[1], 10))
		form.Set("_csrf", sess.CSRFToken)
		all[i] = buyer{cookie: []byte(sess.Token), checkout: []byte(form.Encode())}
	}

	// Settle what the setup wrote, so that autovacuum does not analyse it during the timed part.
	if _, err := pool.Exec(ctx, `VACUUM ANALYZE organizations, delivery_addresses, users, cart_lines, sessions, products`); err != nil {
		b.Fatal(err)
	}
	h := s.App.Handler()
	var next, placed, failed, lastEnd atomic.Int64
	b.SetParallelism(4)
	b.ResetTimer()
	start := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		var ctx fasthttp.RequestCtx
		for pb.Next() {
			i := next.Add(1) - 1
			if int(i) >= len(all) {
				continue // every buyer has placed an order: the rest of b.N does nothing
			}
			by := &all[i]
			ctx.Request.Reset()
			ctx.Response.Reset()
			ctx.Request.Header.SetMethod(fasthttp.MethodPost)
			ctx.Request.SetRequestURI("/hall/checkout")
			ctx.Request.Header.SetContentType("application/x-www-form-urlencoded")
			ctx.Request.Header.SetCookieBytesKV([]byte(sessionCookie), by.cookie)
			ctx.Request.SetBody(by.checkout)
			h(&ctx)
			if ctx.Response.StatusCode() != fasthttp.StatusSeeOther {
				failed.Add(1)
				continue
			}
			placed.Add(1)
			for end := time.Now().UnixNano(); ; {
				if last := lastEnd.Load(); last >= end || lastEnd.CompareAndSwap(last, end) {
					break
				}
			}
		}
	})
	// The rate is over the time the orders took: once every buyer has ordered, the rest of b.N
	// does nothing and is not counted.
	elapsed := time.Duration(lastEnd.Load() - start.UnixNano())
	b.StopTimer()
	var taken, sold int64
	if err := pool.QueryRow(ctx, `SELECT coalesce(sum($1 - stock), 0) FROM products WHERE listed`, initial).Scan(&taken); err != nil {
		b.Fatal(err)
	}
	if err := pool.QueryRow(ctx, `SELECT coalesce(sum(quantity), 0) FROM order_lines`).Scan(&sold); err != nil {
		b.Fatal(err)
	}
	var negative bool
	if err := pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM products WHERE stock < 0)`).Scan(&negative); err != nil {
		b.Fatal(err)
	}
	if sold != taken || negative || sold != placed.Load() {
		b.Fatalf("%d units taken from stock, %d in orders, %d placements: the stock does not add up", taken, sold, placed.Load())
	}
	if failed.Load() > 0 {
		b.Errorf("%d placements refused", failed.Load())
	}
	b.ReportMetric(float64(placed.Load())/elapsed.Seconds(), "orders/s")
	b.ReportMetric(0, "oversold")
}
