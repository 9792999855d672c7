// Command hall benchmarks the consumption-assistance hall's product listing with facets against
// the open-government document page, in the same run, on the real binary.
//
// It creates a fresh database on the PostgreSQL server named by DATABASE_URL, migrates it, loads a
// generated catalogue (40 suppliers, -products products with one photo each, bulk-inserted with
// COPY), starts `-bin serve` twice on free loopback ports, once as configured by default and once
// with the hall's listing cache turned off (HALL_CACHE_TTL=0), and runs, one after the other,
//
//	wrk -t2 -c8 -d10s --latency URL
//
// against the listing with two filters (/hall/products?category=菌菇&county=略阳县) with the
// cache, the same listing with a different price bound on every request (a new page for the
// cache each time), the listing on the server without the cache (the full work of every request:
// filtering and counting in memory, rendering), and the document page
// /open/reports/work-report-2022-plan-2023. It prints requests per second, p99 latency and the
// ratio of each to the document page. The goals: the cached listing at least 1/3 of the document
// page, the listing without the cache at least 0.2. The database is dropped at the end unless
// -keep is given.
//
// Usage (scripts/bench-hall does all of it):
//
//	go build -o bin/zhenxing ./cmd/zhenxing
//	go run ./bench/hall -bin bin/zhenxing
package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	mrand "math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"zhenxing"
	"zhenxing/catalog"
	"zhenxing/internal/db"
)

// hallQuery is the listing measured: two filters, so every facet is counted under a filter.
var hallQuery = "/hall/products?" + url.Values{"category": {"菌菇"}, "county": {catalog.CountyPaired}}.Encode()

const documentPath = "/open/reports/work-report-2022-plan-2023"

func main() {
	products := flag.Int("products", 20000, "number of products to generate")
	bin := flag.String("bin", "bin/zhenxing", "the zhenxing binary to start")
	duration := flag.String("d", "10s", "wrk duration of each measurement")
	keep := flag.Bool("keep", false, "keep the benchmark database")
	flag.Parse()
	if err := run(*products, *bin, *duration, *keep); err != nil {
		fmt.Fprintln(os.Stderr, "bench-hall:", err)
		os.Exit(1)
	}
}

func run(n int, bin, duration string, keep bool) error {
	ctx := context.Background()
	admin := os.Getenv("DATABASE_URL")
	if admin == "" {
		return errors.New("DATABASE_URL is not set (eval \"$(scripts/postgres)\")")
	}
	if _, err := exec.LookPath("wrk"); err != nil {
		return errors.New("wrk is not installed")
	}
	dbURL, drop, err := createDatabase(ctx, admin)
	if err != nil {
		return err
	}
	if !keep {
		defer drop()
	} else {
		fmt.Println("database kept:", dbURL)
	}
	pool, err := pgxpool.New(ctx, dbURL)
	if err != nil {
		return err
	}
	if _, err := db.Migrate(ctx, pool); err != nil {
		pool.Close()
		return err
	}
	start := time.Now()
	if err := generate(ctx, pool, n); err != nil {
		pool.Close()
		return fmt.Errorf("generate catalogue: %w", err)
	}
	pool.Close()
	fmt.Printf("generated %d products in %s\n", n, time.Since(start).Round(time.Millisecond))

	var base, uncached string // the servers with and without the hall cache
	for _, srv := range []struct {
		url *string
		env string
	}{{&base, ""}, {&uncached, "HALL_CACHE_TTL=0"}} {
		addr, err := freeAddr()
		if err != nil {
			return err
		}
		stop, err := startServer(bin, dbURL, addr, srv.env)
		if err != nil {
			return err
		}
		defer stop()
		*srv.url = "http://" + addr
	}

	for _, u := range []string{base + hallQuery, base + documentPath, uncached + hallQuery} {
		if err := check(u); err != nil {
			return err
		}
	}
	// Warm the pages (caches, connection pool, the catalogue's listing index) before measuring.
	for _, u := range []string{base + hallQuery, base + documentPath, uncached + hallQuery} {
		if _, err := runWrk(u, "2s"); err != nil {
			return err
		}
	}
	hall, err := runWrk(base+hallQuery, duration)
	if err != nil {
		return err
	}
	// The same listing with a different price bound on every request (min=0.01 … 99.99 yuan):
	// each is a new page for the site's short-lived listing cache, so this measures the full work
	// of a request: filtering and counting 20,000 products, reading the page's rows, rendering.
	script, err := os.CreateTemp("", "bench-hall-*.lua")
	if err != nil {
		return err
	}
	defer os.Remove(script.Name())
	fmt.Fprintf(script, "counter = 0\nrequest = function()\n  counter = counter + 1\n  local m = (counter * 7919) %% 9999 + 1\n  return wrk.format(\"GET\", %q .. string.format(\"&min=%%d.%%02d\", math.floor(m / 100), m %% 100))\nend\n", hallQuery)
	script.Close()
	cold, err := runWrk(base+hallQuery, duration, "-s", script.Name())
	if err != nil {
		return err
	}
	off, err := runWrk(uncached+hallQuery, duration)
	if err != nil {
		return err
	}
	doc, err := runWrk(base+documentPath, duration)
	if err != nil {
		return err
	}
	fmt.Printf("\nwrk -t2 -c8 -d%s --latency, %d products\n", duration, n)
	fmt.Printf("%-40s %10s %10s %8s\n", "page", "req/s", "p99", "ratio")
	for _, r := range []struct {
		name string
		res  wrkResult
	}{
		{"hall listing, two filters", hall},
		{"hall listing, a new page each request", cold},
		{"hall listing, HALL_CACHE_TTL=0", off},
		{"document page", doc},
	} {
		fmt.Printf("%-40s %10.0f %10s %8.2f\n", r.name, r.res.rps, r.res.p99, r.res.rps/doc.rps)
		if r.res.errors != "" {
			fmt.Printf("  wrk reported errors: %s\n", r.res.errors)
		}
	}
	fmt.Printf("hall listing: %s\ndocument:     %s\n", hallQuery, documentPath)
	verdict := func(ratio, goal float64) string {
		if ratio < goal {
			return "NOT met"
		}
		return "met"
	}
	fmt.Printf("ratio hall/document: %.2f (goal >= 0.33: %s); without the cache: %.2f (goal >= 0.20: %s); a new page each request: %.2f\n",
		hall.rps/doc.rps, verdict(hall.rps/doc.rps, 1.0/3), off.rps/doc.rps, verdict(off.rps/doc.rps, 0.2), cold.rps/doc.rps)
	return nil
}

// createDatabase makes a fresh database on the admin server and returns its URL and a func
// that drops it.
func createDatabase(ctx context.Context, admin string) (string, func(), error) {
	conn, err := pgx.Connect(ctx, admin)
	if err != nil {
		return "", nil, fmt.Errorf("connect %s: %w", admin, err)
	}
	defer conn.Close(ctx)
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	name := "zx_bench_" + hex.EncodeToString(b)
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		return "", nil, fmt.Errorf("create database: %w", err)
	}
	u, err := url.Parse(admin)
	if err != nil {
		return "", nil, err
	}
	u.Path = "/" + name
	drop := func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if c, err := pgx.Connect(ctx, admin); err == nil {
			_, _ = c.Exec(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
			c.Close(ctx)
		}
	}
	return u.String(), drop, nil
}

var townships = map[string][]string{
	catalog.CountyPaired: {"接官亭镇", "两河口镇", "金家河镇", "徐家坪镇", "白水江镇", "硖口驿镇", "马蹄湾镇", "乐素河镇", "郭镇", "黑河镇"},
	catalog.CountyLocal:  {"狄寨街道", "席王街道", "洪庆街道", "新筑街道", "灞桥街道"},
}

var units = []string{"袋", "盒", "箱", "瓶", "罐", "千克"}

// generate inserts 40 suppliers and n listed products with one SVG photo each, with COPY.
func generate(ctx context.Context, pool *pgxpool.Pool, n int) error {
	r := mrand.New(mrand.NewPCG(2026, 11))
	kinds := catalog.SupplierKinds
	var supRows [][]any
	for i := 0; i < 40; i++ {
		county := catalog.CountyPaired
		if i%4 == 3 {
			county = catalog.CountyLocal
		}
		first := fmt.Sprintf("93610727MA%07d", i+1)
		check, ok := catalog.CreditCodeCheckChar(first)
		if !ok {
			return fmt.Errorf("credit code %q", first)
		}
		certDate := time.Date(2024, time.Month(1+i%12), 1, 0, 0, 0, 0, time.UTC)
		tw := townships[county]
		supRows = append(supRows, []any{
			fmt.Sprintf("bench-supplier-%02d", i+1), fmt.Sprintf("测试供应商%02d号%s", i+1, kinds[i%3]), kinds[i%3],
			county, tw[i%len(tw)], first + string(check), fmt.Sprintf("陕扶认字〔2024〕%03d号", i+1),
			certDate, certDate.AddDate(3, 0, 0), 20 + i*7, "土地流转、订单收购和务工带动农户增收。",
		})
	}
	_, err := pool.CopyFrom(ctx, pgx.Identifier{"suppliers"},
		[]string{"slug", "name", "kind", "county", "township", "credit_code", "cert_number", "cert_date", "cert_expiry", "households", "linkage"},
		pgx.CopyFromRows(supRows))
	if err != nil {
		return fmt.Errorf("copy suppliers: %w", err)
	}
	type sup struct {
		id     int64
		county string
		town   string
	}
	var sups []sup
	rows, err := pool.Query(ctx, `SELECT id, county, township FROM suppliers ORDER BY id`)
	if err != nil {
		return err
	}
	for rows.Next() {
		var s sup
		if err := rows.Scan(&s.id, &s.county, &s.town); err != nil {
			return err
		}
		sups = append(sups, s)
	}
	if err := rows.Err(); err != nil {
		return err
	}

	cats := catalog.Categories
	flagSets := [][]string{{}, {}, {"绿色"}, {"地理标志"}, {"有机"}, {"地理标志", "绿色"}, {}}
	created := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	_, err = pool.CopyFrom(ctx, pgx.Identifier{"products"},
		[]string{"slug", "name", "category", "county", "township", "supplier_id", "spec", "unit", "price", "tiers",
			"min_qty", "multiple", "stock", "season_start", "season_end", "flags", "description", "listed", "created_at", "updated_at"},
		pgx.CopyFromFunc(func() ([]any, error) {
			if n == 0 {
				return nil, nil
			}
			i := n
			n--
			s := sups[r.IntN(len(sups))]
			cat := cats[r.IntN(len(cats))]
			price := zhenxing.Money(500 + r.IntN(40000))
			tiers := []catalog.PriceTier{{MinQty: 50, Price: price * 95 / 100}, {MinQty: 200, Price: price * 90 / 100}}
			start, end := 0, 0
			if r.IntN(4) == 0 {
				start = 1 + r.IntN(12)
				end = 1 + (start+r.IntN(3))%12
			}
			if cat == "樱桃" {
				start, end = 5, 6
			}
			minQty := 1 + r.IntN(10)
			at := created.Add(time.Duration(i) * time.Minute)
			return []any{
				fmt.Sprintf("bench-product-%05d", i), fmt.Sprintf("%s 样品%05d", cat, i), cat, s.county, s.town, s.id,
				fmt.Sprintf("%d克/%s", 250*(1+r.IntN(8)), "袋"), units[r.IntN(len(units))], price, tiers,
				minQty, 1, r.IntN(2000), start, end, flagSets[r.IntN(len(flagSets))],
				"**测试产品**：用于性能测试的生成数据。", r.IntN(20) != 0, at, at,
			}, nil
		}))
	if err != nil {
		return fmt.Errorf("copy products: %w", err)
	}
	svg := []byte(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 400 300" width="400" height="300"><rect width="400" height="300" fill="#e9efe4"/><circle cx="200" cy="150" r="80" fill="#9e1b1b"/></svg>`)
	sum := sha256.Sum256(svg)
	if _, err := pool.Exec(ctx, `INSERT INTO product_photos (product_id, position, content_type, size, sha256, alt, data)
		SELECT id, 1, 'image/svg+xml', $1, $2, name, $3 FROM products`, len(svg), hex.EncodeToString(sum[:]), svg); err != nil {
		return fmt.Errorf("insert photos: %w", err)
	}
	_, err = pool.Exec(ctx, `ANALYZE`)
	return err
}

func freeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

// startServer runs `bin serve` with the extra environment settings and waits until /readyz
// answers 200; stop ends it with SIGTERM.
func startServer(bin, dbURL, addr string, extra ...string) (stop func(), err error) {
	cmd := exec.Command(bin, "serve")
	cmd.Env = append(os.Environ(), "DATABASE_URL="+dbURL, "ADDR="+addr, "BASE_URL=http://"+addr, "LOG_LEVEL=error", "LOG_FORMAT=text")
	for _, e := range extra {
		if e != "" {
			cmd.Env = append(cmd.Env, e)
		}
	}
	var stderr bytes.Buffer
	cmd.Stdout = io.Discard
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", bin, err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	stop = func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(20 * time.Second):
			_ = cmd.Process.Kill()
			<-exited
		}
	}
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case err := <-exited:
			return nil, fmt.Errorf("%s serve exited: %v\n%s", bin, err, stderr.String())
		default:
		}
		res, err := http.Get("http://" + addr + "/readyz")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return stop, nil
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	stop()
	return nil, fmt.Errorf("%s serve not ready after 60s\n%s", bin, stderr.String())
}

// check fails unless the URL answers 200.
func check(u string) error {
	res, err := http.Get(u)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	if res.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s: %d\n%.500s", u, res.StatusCode, body)
	}
	return nil
}

type wrkResult struct {
	rps    float64
	p99    string
	errors string
}

var (
	rpsLine    = regexp.MustCompile(`(?m)^Requests/sec:\s+([0-9.]+)`)
	p99Line    = regexp.MustCompile(`(?m)^\s+99%\s+(\S+)`)
	errorsLine = regexp.MustCompile(`(?m)^\s+(Non-2xx or 3xx responses: \d+|Socket errors: .*)$`)
)

// runWrk measures u with 8 connections on 2 threads; extra are more wrk arguments (a script).
func runWrk(u, duration string, extra ...string) (wrkResult, error) {
	args := append([]string{"-t2", "-c8", "-d" + duration, "--latency"}, extra...)
	out, err := exec.Command("wrk", append(args, u)...).CombinedOutput()
	if err != nil {
		return wrkResult{}, fmt.Errorf("wrk %s: %v\n%s", u, err, out)
	}
	m := rpsLine.FindSubmatch(out)
	p := p99Line.FindSubmatch(out)
	if m == nil || p == nil {
		return wrkResult{}, fmt.Errorf("unexpected wrk output:\n%s", out)
	}
	rps, _ := strconv.ParseFloat(string(m[1]), 64)
	if math.IsNaN(rps) || rps <= 0 {
		return wrkResult{}, fmt.Errorf("wrk measured no requests:\n%s", out)
	}
	var errs []string
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		if e := errorsLine.FindStringSubmatch(sc.Text()); e != nil {
			errs = append(errs, strings.TrimSpace(e[1]))
		}
	}
	return wrkResult{rps: rps, p99: string(p[1]), errors: strings.Join(errs, "; ")}, nil
}
