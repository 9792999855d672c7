package site

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"zhenxing/catalog"
	"zhenxing/internal/testdb"
)

// dbProxy forwards TCP connections to the PostgreSQL server. Cut, it closes every connection it
// carries and, at once, every new one, which is how a database that went away looks to the pool;
// restored, it forwards again. The shared server itself is never touched.
type dbProxy struct {
	ln     net.Listener
	target string

	mu    sync.Mutex
	cut   bool
	conns map[net.Conn]bool
}

func startDBProxy(t testing.TB, target string) *dbProxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &dbProxy{ln: ln, target: target, conns: map[net.Conn]bool{}}
	go p.serve()
	t.Cleanup(func() {
		ln.Close()
		p.setCut(true)
	})
	return p
}

func (p *dbProxy) serve() {
	for {
		client, err := p.ln.Accept()
		if err != nil {
			return
		}
		go p.forward(client)
	}
}

func (p *dbProxy) forward(client net.Conn) {
	p.mu.Lock()
	cut := p.cut
	p.mu.Unlock()
	if cut {
		client.Close()
		return
	}
	server, err := net.Dial("tcp", p.target)
	if err != nil {
		client.Close()
		return
	}
	p.mu.Lock()
	if p.cut {
		p.mu.Unlock()
		client.Close()
		server.Close()
		return
	}
	p.conns[client], p.conns[server] = true, true
	p.mu.Unlock()
	done := make(chan struct{}, 2)
	pipe := func(dst, src net.Conn) {
		io.Copy(dst, src)
		done <- struct{}{}
	}
	go pipe(server, client)
	go pipe(client, server)
	<-done
	p.mu.Lock()
	delete(p.conns, client)
	delete(p.conns, server)
	p.mu.Unlock()
	client.Close()
	server.Close()
}

// setCut cuts the database off (true) or restores it (false).
func (p *dbProxy) setCut(cut bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.cut = cut
	if cut {
		for c := range p.conns {
			c.Close()
		}
	}
}

// urlThrough is dbURL with its address replaced by addr.
func urlThrough(t testing.TB, dbURL, addr string) string {
	t.Helper()
	u, err := url.Parse(dbURL)
	if err != nil {
		t.Fatal(err)
	}
	u.Host = addr
	return u.String()
}

// unavailableSite is a site whose catalogue and readiness check use a pool on dbURL, logging
// into logs, on a real listener; it returns the site and its base URL.
func unavailableSite(t *testing.T, dbURL string, logs *logRecords) (*Server, string) {
	t.Helper()
	pool, err := pgxpool.New(context.Background(), dbURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	s := mustServer(t, withLog(logs), func(_ *Config, d *Deps) {
		// The listing index asks for the catalogue's version on every listing, so that each
		// page of the hall needs the database, as it does after the index's recheck interval.
		useCatalog(d, catalog.New(pool, catalog.Config{Recheck: time.Nanosecond}))
	})
	return s, listen(t, s)
}

// fetch GETs base+path over HTTP, as HTML unless the path is under /api/.
func fetch(t testing.TB, base, path string) response {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, base+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Accept", "text/html")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	return response{Status: res.StatusCode, Header: res.Header, Body: string(body)}
}

// checkDatabaseDown requests the pages that need the database and those that do not, with the
// database unreachable, and returns how many answers were 503.
func checkDatabaseDown(t *testing.T, base string) int {
	t.Helper()
	n := 0
	for i, path := range []string{"/hall/", "/hall/products?q=" + url.QueryEscape("天麻"), "/hall/products/lueyang-tianma", "/hall/"} {
		res := fetch(t, base, path)
		if res.Status != http.StatusServiceUnavailable {
			t.Errorf("GET %s (%d): status %d, want 503\n%.300s", path, i, res.Status, res.Body)
			continue
		}
		n++
		if res.Header.Get("Retry-After") == "" {
			t.Errorf("GET %s: no Retry-After", path)
		}
		mustContain(t, res.Body, "<title>暂时无法访问 - ", "暂时无法访问，请稍后再试。", "请求编号")
		if strings.Contains(res.Body, "服务器内部错误") || strings.Contains(res.Body, "connect") {
			t.Errorf("GET %s: the page shows an internal error", path)
		}
	}
	api := fetch(t, base, "/api/v1/suppliers")
	var body struct {
		Error struct {
			Status  int    `json:"status"`
			Message string `json:"message"`
		} `json:"error"`
	}
	if err := json.Unmarshal([]byte(api.Body), &body); err != nil || api.Status != http.StatusServiceUnavailable ||
		body.Error.Status != http.StatusServiceUnavailable || !strings.Contains(body.Error.Message, "请稍后再试") || api.Header.Get("Retry-After") == "" {
		t.Errorf("/api/v1/suppliers: %d %s (Retry-After %q)", api.Status, api.Body, api.Header.Get("Retry-After"))
	} else {
		n++
	}
	if res := fetch(t, base, "/readyz"); res.Status != http.StatusServiceUnavailable {
		t.Errorf("/readyz: %d, want 503", res.Status)
	} else {
		n++
	}
	for _, path := range []string{"/", "/open/", "/open/notices/", "/jobs/", "/api/v1/documents", "/sitemap.xml"} {
		if res := fetch(t, base, path); res.Status != http.StatusOK {
			t.Errorf("GET %s without the database: %d, want 200", path, res.Status)
		}
	}
	return n
}

// checkOutageLogged checks the log of one outage so far: one WARN line when it began, no other
// WARN or ERROR line (the home page and the sitemap, which answer without the hall, add none),
// and the access lines of the 503 answers at INFO.
func checkOutageLogged(t *testing.T, logs *logRecords, answered503 int) {
	t.Helper()
	if n := len(logs.matching(slog.LevelWarn, "database unavailable: answering 503 until it answers again")); n != 1 {
		t.Errorf("%d WARN lines for the outage's start, want 1", n)
	}
	for _, r := range logs.atLeast(slog.LevelWarn) {
		if r.Message != "database unavailable: answering 503 until it answers again" {
			t.Errorf("%s line during the outage: %s %v", r.Level, r.Message, attr(r, "err"))
		}
	}
	if n := len(logs.matching(slog.LevelInfo, "request", "status", "503")); n != answered503 {
		t.Errorf("%d access lines for 503 answers, want %d", n, answered503)
	}
}

// TestDatabaseCutOff runs the site on a pool that reaches PostgreSQL through a proxy, cuts the
// proxy, and checks what readers see (503 pages and JSON with Retry-After for the hall, the
// documents and events as before), what the log shows (one WARN line when the outage begins,
// one with the count when the database answers again), and that the hall comes back.
func TestDatabaseCutOff(t *testing.T) {
	_, dbURL := testdb.NewWithURL(t)
	u, _ := url.Parse(dbURL)
	proxy := startDBProxy(t, u.Host)
	logs := newLogRecords()
	_, base := unavailableSite(t, urlThrough(t, dbURL, proxy.ln.Addr().String()), logs)

	for _, path := range []string{"/hall/", "/api/v1/suppliers", "/readyz"} {
		if res := fetch(t, base, path); res.Status != http.StatusOK {
			t.Fatalf("GET %s before the cut: %d\n%.300s", path, res.Status, res.Body)
		}
	}

	proxy.setCut(true)
	answered := checkDatabaseDown(t, base)
	checkOutageLogged(t, logs, answered)

	proxy.setCut(false)
	end := logs.waitFor(t, slog.LevelWarn, "database available again")
	if got := attr(end, "answered_503"); got != strconv.Itoa(answered) {
		t.Errorf("the outage's end counts %s answers 503, want %d", got, answered)
	}
	for _, path := range []string{"/hall/", "/api/v1/suppliers", "/readyz"} {
		if res := fetch(t, base, path); res.Status != http.StatusOK {
			t.Errorf("GET %s after the database came back: %d", path, res.Status)
		}
	}

	// A second outage is logged again, once.
	proxy.setCut(true)
	if res := fetch(t, base, "/hall/"); res.Status != http.StatusServiceUnavailable {
		t.Errorf("second outage: %d, want 503", res.Status)
	}
	if n := len(logs.matching(slog.LevelWarn, "database unavailable: answering 503 until it answers again")); n != 2 {
		t.Errorf("%d WARN lines for two outages' start, want 2", n)
	}
	proxy.setCut(false)
	logs.waitFor(t, slog.LevelWarn, "database available again")
}

// TestDatabaseOnAClosedPort runs the site on a pool whose address nothing listens on: the hall
// answers 503 from the first request, and shutting down reports the outage with its count.
func TestDatabaseOnAClosedPort(t *testing.T) {
	_, dbURL := testdb.NewWithURL(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := ln.Addr().String()
	ln.Close()
	logs := newLogRecords()
	s, base := unavailableSite(t, urlThrough(t, dbURL, closed), logs)

	answered := checkDatabaseDown(t, base)
	checkOutageLogged(t, logs, answered)
	if err := s.Shutdown(context.Background(), 0, 10*time.Second); err != nil {
		t.Fatal(err)
	}
	end := logs.waitFor(t, slog.LevelWarn, "database still unavailable at shutdown")
	if got := attr(end, "answered_503"); got != strconv.Itoa(answered) {
		t.Errorf("the shutdown counts %s answers 503, want %d", got, answered)
	}
}
