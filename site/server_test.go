package site

import (
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"
)

// TestShutdownFinishesInFlightRequests starts a request, shuts the server down while it runs,
// and checks the request still completes and the shutdown returns without error.
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
		got <- result{res.StatusCode, string(b), err}
	}()
	<-entered
	shutdown := make(chan error, 1)
	go func() { shutdown <- s.Shutdown(10e9) }()
	close(release)

	r := <-got
	if r.err != nil || r.status != 200 || r.body != "完成" {
		t.Fatalf("in-flight request: %+v", r)
	}
	if err := <-shutdown; err != nil {
		t.Fatalf("shutdown: %v", err)
	}
	if err := <-served; err != nil {
		t.Fatalf("listener: %v", err)
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
	served := make(chan error, 1)
	go func() { served <- s.App.Listener(ln) }()
	t.Cleanup(func() {
		if err := s.App.ShutdownWithTimeout(10 * time.Second); err != nil {
			t.Errorf("shutdown: %v", err)
		}
		if err := <-served; err != nil {
			t.Errorf("serve: %v", err)
		}
	})
	return "http://" + ln.Addr().String()
}
