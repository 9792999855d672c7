package site

import (
	"bufio"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestRejectedAnswers sends over real connections the requests fasthttp refuses before any
// handler runs (a request not read in time, a body over the limit, headers over the read
// buffer) and checks that each gets a Chinese page with its own title and a request ID, an
// access log line and a count in /metrics, like every other answer.
func TestRejectedAnswers(t *testing.T) {
	for _, tt := range []struct {
		name    string
		request string
		slow    bool // the server gets a short read timeout and the request never ends
		status  int
		title   string
		message string
	}{
		{
			name:    "request not read in time",
			request: "GET /open/ HTTP/1.1\r\nHost: localhost\r\nAccept: text/html\r\n",
			slow:    true,
			status:  http.StatusRequestTimeout, title: "请求超时", message: "请求超时，请稍后再试。",
		},
		{
			name:    "body over the limit",
			request: "POST /admin/login HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 9437184\r\n\r\n",
			status:  http.StatusRequestEntityTooLarge, title: "提交内容过大", message: "提交的内容过大",
		},
		{
			name:    "headers over the read buffer",
			request: "GET /open/ HTTP/1.1\r\nHost: localhost\r\nCookie: a=" + strings.Repeat("x", 20<<10) + "\r\n\r\n",
			status:  http.StatusRequestHeaderFieldsTooLarge, title: "请求头过大", message: "请求头过大",
		},
	} {
		t.Run(tt.name, func(t *testing.T) {
			logs := newLogRecords()
			s := mustServer(t, withLog(logs))
			if tt.slow {
				s.App.Server().ReadTimeout = 100 * time.Millisecond
			}
			base := listen(t, s)
			conn := dial(t, base)
			if _, err := io.WriteString(conn, tt.request); err != nil {
				t.Fatal(err)
			}
			res := readAnswer(t, conn)
			if res.Status != tt.status {
				t.Fatalf("status %d, want %d\n%.500s", res.Status, tt.status, res.Body)
			}
			page := res.Body
			mustContain(t, page, "<title>"+tt.title+" - ", tt.message, "请求编号")
			if strings.Contains(page, "请求无法处理") {
				t.Error("the page is titled 请求无法处理")
			}
			id := res.Header.Get("X-Request-Id")
			if id == "" || !strings.Contains(page, id) {
				t.Errorf("request ID %q missing from the header or the page", id)
			}
			if res.Header.Get("Content-Security-Policy") == "" {
				t.Error("the answer lacks the security headers")
			}
			lines := logs.matching(slog.LevelWarn, "request", "route", routeRejected, "status", strconv.Itoa(tt.status))
			if len(lines) != 1 || attr(lines[0], "request_id") != id {
				t.Errorf("access log: %d lines for the rejected request, want 1 with its request ID", len(lines))
			}
			if n := requestCount(t, base, routeRejected, tt.status); n != 1 {
				t.Errorf("/metrics counts %v rejected requests with status %d, want 1", n, tt.status)
			}
		})
	}
}

// TestChunkedBodyRefusedAtTheLimit streams a chunked body with no end to the server, counting on
// the server's side of the connection the bytes read before it began its answer: the 413 must
// come once the body passes the limit, not megabytes later.
func TestChunkedBodyRefusedAtTheLimit(t *testing.T) {
	logs := newLogRecords()
	s := mustServer(t, withLog(logs))
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	counted := &countingListener{Listener: ln, conns: make(chan *countingConn, 1)}
	base := serveOn(t, s, counted)
	conn := dial(t, base)
	server := <-counted.conns

	// The writer sends 64 KiB chunks until the server closes the connection or the test ends.
	go func() {
		chunk := []byte(fmt.Sprintf("%x\r\n%s\r\n", 64<<10, strings.Repeat("a", 64<<10)))
		if _, err := io.WriteString(conn, "POST /admin/login HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/octet-stream\r\nTransfer-Encoding: chunked\r\n\r\n"); err != nil {
			return
		}
		for {
			if _, err := conn.Write(chunk); err != nil {
				return
			}
		}
	}()
	res := readAnswer(t, conn)
	if res.Status != http.StatusRequestEntityTooLarge {
		t.Fatalf("status %d, want 413", res.Status)
	}
	mustContain(t, res.Body, "<title>提交内容过大 - ")
	limit := int64(s.App.Config().BodyLimit)
	slack := int64(s.App.Config().ReadBufferSize) + 64<<10 + 1024 // one read buffer, one chunk, the headers
	if n := server.readBeforeAnswer.Load(); n < limit || n > limit+slack {
		t.Errorf("the server read %d bytes before answering, want the limit %d and at most %d more", n, limit, slack)
	}
	if n := server.read.Load(); n > limit+slack {
		t.Errorf("the server read %d bytes in all, want at most %d", n, limit+slack)
	}
	if n := requestCount(t, base, routeRejected, http.StatusRequestEntityTooLarge); n != 1 {
		t.Errorf("/metrics counts %v refused bodies, want 1", n)
	}
}

// dial opens a raw connection to the server at base, closed when the test ends. Reads and
// writes on it fail after a minute: a safety net for a broken server, not a timing.
func dial(t testing.TB, base string) net.Conn {
	t.Helper()
	conn, err := net.Dial("tcp", strings.TrimPrefix(base, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	conn.SetDeadline(time.Now().Add(time.Minute))
	return conn
}

// readAnswer reads one whole response from conn.
func readAnswer(t testing.TB, conn net.Conn) response {
	t.Helper()
	res, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("no answer: %v", err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatalf("read the answer's body: %v", err)
	}
	return response{Status: res.StatusCode, Header: res.Header, Body: string(body)}
}
