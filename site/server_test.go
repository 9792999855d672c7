package site

import (
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

// TestShutdownFinishesInFlightRequests starts a request, shuts the server down while it runs,
// and checks the request still completes, telling the client to close the connection, and the
// shutdown returns without error.
func TestShutdownFinishesInFlightRequests(t *testing.T) {
	s := mustServer(t)
	entered, release := make(chan struct{}), make(chan struct{})
	s.App.Get("/test/slow", func(c *fiber.Ctx) error {
		close(entered)
		<-release
		return c.SendString("完成")
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	served := make(chan error, 1)
	go func() { served <- s.App.Listener(ln) }()

	type result struct {
		status int
		body   string
		close  bool
		err    error
	}
	got := make(chan result, 1)
	go func() {
		res, err := http.Get("http://" + ln.Addr().String() + "/test/slow")
		if err != nil {
			got <- result{err: err}
			return
		}
		defer res.Body.Close()
		b, err := io.ReadAll(res.Body)
		got <- result{res.StatusCode, string(b), res.Close, err}
	}()
	<-entered
	s.Drain() // what Shutdown does first, here before the request can end
	shutdown := make(chan error, 1)
	go func() { shutdown <- s.Shutdown(context.Background(), 0, 10*time.Second) }()
	close(release)

	r := <-got
	if r.err != nil || r.status != 200 || r.body != "完成" || !r.close {
		t.Fatalf("in-flight request: %+v, want 200 with Connection: close", r)
	}
	if err := <-shutdown; err != nil {
		t.Fatalf("shutdown: %v", err)
	}
	if err := <-served; err != nil {
		t.Fatalf("listener: %v", err)
	}
}

// TestDrain checks what a server that has begun to shut down answers: /readyz 503, so that the
// load balancer sends no more, and every page as before but with Connection: close.
func TestDrain(t *testing.T) {
	s := mustServer(t)
	answer := func(path string) (int, string, bool) {
		t.Helper()
		res, err := s.App.Test(httptest.NewRequest(http.MethodGet, path, nil), -1)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, string(b), res.Close
	}
	if status, _, closed := answer("/readyz"); status != http.StatusOK || closed {
		t.Fatalf("before: /readyz %d, Connection: close %v", status, closed)
	}
	s.Drain()
	s.Drain() // again: nothing more
	if status, body, _ := answer("/readyz"); status != http.StatusServiceUnavailable || body != "正在停止服务" {
		t.Errorf("draining: /readyz %d %q, want 503", status, body)
	}
	for _, path := range []string{"/readyz", "/open/", "/no/such/page"} {
		if _, _, closed := answer(path); !closed {
			t.Errorf("draining: %s lacks Connection: close", path)
		}
	}
	if status, _, _ := answer("/open/"); status != http.StatusOK {
		t.Errorf("draining: /open/ %d, want 200", status)
	}
}

// TestPanicIsAChinesePage checks that a panicking handler gives the 500 page, with the request
// ID but none of the panic's text.
func TestPanicIsAChinesePage(t *testing.T) {
	s := mustServer(t)
	s.App.Get("/test/panic", func(c *fiber.Ctx) error { panic("secret internal detail") })
	s.App.Get("/api/v1/test/panic", func(c *fiber.Ctx) error { panic("secret internal detail") })
	res := get(t, s, "/test/panic")
	if res.Status != 500 {
		t.Fatalf("status %d", res.Status)
	}
	mustContain(t, res.Body, "服务器错误", "服务器内部错误，请稍后再试。", "请求编号")
	api := get(t, s, "/api/v1/test/panic")
	if api.Status != 500 || !strings.Contains(api.Body, `"status":500`) {
		t.Errorf("api panic: %d %s", api.Status, api.Body)
	}
	for _, body := range []string{res.Body, api.Body} {
		if strings.Contains(body, "secret") || strings.Contains(body, "goroutine") {
			t.Error("the panic's text reached the client")
		}
	}
}

// listen serves s on a real listener on the loopback interface and returns its base URL. The
// server is shut down when the test ends.
func listen(t testing.TB, s *Server) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	return serveOn(t, s, ln)
}

// serveOn is listen on a listener of the test's own.
func serveOn(t testing.TB, s *Server, ln net.Listener) string {
	t.Helper()
	served := make(chan error, 1)
	go func() { served <- s.App.Listener(ln) }()
	t.Cleanup(func() {
		if err := s.Shutdown(context.Background(), 0, 10*time.Second); err != nil {
			t.Errorf("shutdown: %v", err)
		}
		if err := <-served; err != nil {
			t.Errorf("serve: %v", err)
		}
	})
	return "http://" + ln.Addr().String()
}

// logRecords is a slog handler that keeps every record, for tests that count log lines.
type logRecords struct {
	mu      sync.Mutex
	records []slog.Record
	added   chan struct{} // receives after each record, when nobody is waiting it is dropped
}

func newLogRecords() *logRecords { return &logRecords{added: make(chan struct{}, 1)} }

func (h *logRecords) Enabled(context.Context, slog.Level) bool { return true }
func (h *logRecords) WithAttrs([]slog.Attr) slog.Handler       { return h }
func (h *logRecords) WithGroup(string) slog.Handler            { return h }

func (h *logRecords) Handle(_ context.Context, r slog.Record) error {
	h.mu.Lock()
	h.records = append(h.records, r.Clone())
	h.mu.Unlock()
	select {
	case h.added <- struct{}{}:
	default:
	}
	return nil
}

// matching returns the records at level with message msg whose attributes include every
// key=value of attrs (values compared as text).
func (h *logRecords) matching(level slog.Level, msg string, attrs ...string) []slog.Record {
	h.mu.Lock()
	defer h.mu.Unlock()
	var out []slog.Record
	for _, r := range h.records {
		if r.Level != level || r.Message != msg {
			continue
		}
		found := 0
		r.Attrs(func(a slog.Attr) bool {
			for i := 0; i+1 < len(attrs); i += 2 {
				if a.Key == attrs[i] && a.Value.String() == attrs[i+1] {
					found++
				}
			}
			return true
		})
		if found == len(attrs)/2 {
			out = append(out, r)
		}
	}
	return out
}

// atLeast returns the records at level or above.
func (h *logRecords) atLeast(level slog.Level) []slog.Record {
	h.mu.Lock()
	defer h.mu.Unlock()
	var out []slog.Record
	for _, r := range h.records {
		if r.Level >= level {
			out = append(out, r)
		}
	}
	return out
}

// waitFor waits until a record at level with message msg has been logged and returns it. The
// minute is a safety net for a broken server, not a timing the test relies on.
func (h *logRecords) waitFor(t testing.TB, level slog.Level, msg string) slog.Record {
	t.Helper()
	deadline := time.After(time.Minute)
	for {
		if rs := h.matching(level, msg); len(rs) > 0 {
			return rs[0]
		}
		select {
		case <-h.added:
		case <-deadline:
			t.Fatalf("no %s %q in the log", level, msg)
		}
	}
}

// withLog makes a server option that logs into h.
func withLog(h *logRecords) func(*Config, *Deps) {
	return func(c *Config, _ *Deps) { c.Logger = slog.New(h) }
}

// attr is the text of a record's attribute, "" when it has none of that name.
func attr(r slog.Record, key string) string {
	var v string
	r.Attrs(func(a slog.Attr) bool {
		if a.Key == key {
			v = a.Value.String()
			return false
		}
		return true
	})
	return v
}

// requestCount is the value of zhenxing_http_requests_total for route and status in a scrape of
// /metrics, which must answer 200 and parse.
func requestCount(t testing.TB, base, route string, status int) float64 {
	t.Helper()
	res, err := http.Get(base + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("/metrics: status %d", res.StatusCode)
	}
	p := expfmt.NewTextParser(model.UTF8Validation)
	families, err := p.TextToMetricFamilies(res.Body)
	if err != nil {
		t.Fatalf("/metrics does not parse: %v", err)
	}
	var n float64
	for _, m := range families["zhenxing_http_requests_total"].GetMetric() {
		labels := map[string]string{}
		for _, l := range m.GetLabel() {
			labels[l.GetName()] = l.GetValue()
		}
		if labels["route"] == route && labels["status"] == strconv.Itoa(status) {
			n += m.GetCounter().GetValue()
		}
	}
	return n
}

// countingConn is the server's side of a connection, counting the bytes the server has read
// from it and how many it had read when it first wrote (began its answer).
type countingConn struct {
	net.Conn
	read, readBeforeAnswer atomic.Int64
	answered               atomic.Bool
}

func (c *countingConn) Read(b []byte) (int, error) {
	n, err := c.Conn.Read(b)
	c.read.Add(int64(n))
	return n, err
}

func (c *countingConn) Write(b []byte) (int, error) {
	if c.answered.CompareAndSwap(false, true) {
		c.readBeforeAnswer.Store(c.read.Load())
	}
	return c.Conn.Write(b)
}

// countingListener hands each accepted connection, wrapped in a countingConn, to conns.
type countingListener struct {
	net.Listener
	conns chan *countingConn
}

func (l *countingListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	cc := &countingConn{Conn: c}
	l.conns <- cc
	return cc, nil
}
