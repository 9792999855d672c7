package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"zhenxing/internal/testdb"

	"github.com/jackc/pgx/v5"
)

// env returns a getenv over the given variables only.
func env(vars map[string]string) func(string) string {
	return func(k string) string { return vars[k] }
}

func TestConfigErrorsNameTheSetting(t *testing.T) {
	good := map[string]string{"DATABASE_URL": "postgres://u@127.0.0.1:5432/db"}
	tests := []struct {
		name, key, value, want string
	}{
		{"bad base url", "BASE_URL", "localhost:8080", "配置错误：BASE_URL"},
		{"bad addr", "ADDR", "8080", "配置错误：ADDR"},
		{"bad log level", "LOG_LEVEL", "loud", "配置错误：LOG_LEVEL"},
		{"bad database url", "DATABASE_URL", "mysql://x", "配置错误：DATABASE_URL"},
		{"missing database url", "DATABASE_URL", "", "配置错误：DATABASE_URL 未设置"},
		{"missing content dir", "CONTENT_DIR", "/no/such/dir", "配置错误：CONTENT_DIR"},
		{"bad bool", "MIGRATE_ON_START", "sometimes", "配置错误：MIGRATE_ON_START"},
		{"bad duration", "SHUTDOWN_TIMEOUT", "soon", "配置错误：SHUTDOWN_TIMEOUT"},
		{"bad drain", "SHUTDOWN_DRAIN", "a while", "配置错误：SHUTDOWN_DRAIN"},
		{"negative drain", "SHUTDOWN_DRAIN", "-1s", "配置错误：SHUTDOWN_DRAIN"},
		{"bad hall cache ttl", "HALL_CACHE_TTL", "briefly", "配置错误：HALL_CACHE_TTL"},
		{"negative hall cache ttl", "HALL_CACHE_TTL", "-1s", "配置错误：HALL_CACHE_TTL"},
		{"bad proxy", "TRUSTED_PROXIES", "10.0.0.1,nope", "配置错误：TRUSTED_PROXIES"},
		{"bad site id", "SITE_ID_CODE", "123", "配置错误：SITE_ID_CODE"},
		{"plain-text badge address", "SITE_CONAC_URL", "http://bszs.conac.cn/sitename?method=show&id=1", "配置错误：SITE_CONAC_URL"},
		{"bad error report url", "SITE_ERROR_REPORT_URL", "zfwzzc.www.gov.cn", "配置错误：SITE_ERROR_REPORT_URL"},
		{"bad meili url", "MEILI_URL", "127.0.0.1:7700", "配置错误：MEILI_URL"},
		{"bad meili prefix", "MEILI_INDEX_PREFIX", "站点/", "配置错误：MEILI_INDEX_PREFIX"},
		{"bad meili timeout", "MEILI_TIMEOUT", "forever", "配置错误：MEILI_TIMEOUT"},
		{"fallback without meilisearch", "SEARCH_FALLBACK", "embedded", "配置错误：SEARCH_FALLBACK"},
		{"bad search recheck", "SEARCH_RECHECK", "0s", "配置错误：SEARCH_RECHECK"},
		{"bad search cache", "SEARCH_CACHE", "-1", "配置错误：SEARCH_CACHE"},
		{"missing data dir", "DATA_DIR", "/nonexistent/zhenxing", "配置错误：DATA_DIR"},
		{"bad log format", "LOG_FORMAT", "xml", "配置错误：LOG_FORMAT"},
		{"bad stripe key", "STRIPE_SECRET_KEY", "pk_test_123", "配置错误：STRIPE_SECRET_KEY"},
		{"stripe key without webhook secret", "STRIPE_SECRET_KEY", "sk_test_123", "配置错误：STRIPE_WEBHOOK_SECRET 未设置"},
		{"bad webhook secret", "STRIPE_WEBHOOK_SECRET", "secret", "配置错误：STRIPE_WEBHOOK_SECRET"},
		{"bad stripe api url", "STRIPE_API_URL", "127.0.0.1:12111", "配置错误：STRIPE_API_URL"},
		{"unknown payment method", "STRIPE_PAYMENT_METHODS", "card,paypal", "配置错误：STRIPE_PAYMENT_METHODS"},
		{"empty payment method", "STRIPE_PAYMENT_METHODS", "card,,alipay", "配置错误：STRIPE_PAYMENT_METHODS"},
		{"bad pay hours", "ORDER_PAY_HOURS", "two days", "配置错误：ORDER_PAY_HOURS"},
		{"zero pay hours", "ORDER_PAY_HOURS", "0", "配置错误：ORDER_PAY_HOURS"},
		{"fractional pay hours", "ORDER_PAY_HOURS", "1.5", "配置错误：ORDER_PAY_HOURS"},
		{"bad message reply days", "MESSAGE_REPLY_DAYS", "five", "配置错误：MESSAGE_REPLY_DAYS"},
		{"zero message reply days", "MESSAGE_REPLY_DAYS", "0", "配置错误：MESSAGE_REPLY_DAYS"},
		{"bad retention", "RETENTION_YEARS", "forever", "配置错误：RETENTION_YEARS"},
		{"zero retention", "RETENTION_YEARS", "0", "配置错误：RETENTION_YEARS"},
		{"bad bank account number", "BANK_ACCOUNT_NUMBER", "6228 48ab", "配置错误：BANK_ACCOUNT_NUMBER"},
		{"long bank name", "BANK_NAME", strings.Repeat("银", 101), "配置错误：BANK_NAME"},
		{"long payee", "BANK_ACCOUNT_NAME", strings.Repeat("会", 101), "配置错误：BANK_ACCOUNT_NAME"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			vars := map[string]string{}
			for k, v := range good {
				vars[k] = v
			}
			vars[tt.key] = tt.value
			var stderr bytes.Buffer
			code := run(context.Background(), []string{"serve"}, env(vars), nil, io.Discard, &stderr)
			if code != 2 {
				t.Errorf("exit %d, want 2", code)
			}
			if !strings.Contains(stderr.String(), tt.want) {
				t.Errorf("stderr %q lacks %q", stderr.String(), tt.want)
			}
		})
	}
}

func TestCheck(t *testing.T) {
	var out bytes.Buffer
	if code := run(context.Background(), []string{"check"}, env(nil), nil, &out, io.Discard); code != 0 {
		t.Fatalf("check of the embedded content: exit %d\n%s", code, out.String())
	}
	if !strings.Contains(out.String(), "检查通过") {
		t.Errorf("output %q", out.String())
	}

	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "docs/notices"), 0o755); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, "docs/notices/a.md"), []byte("---\ntitle: 标题\nwritten: 2024-02-30\n---\n"), 0o644)
	out.Reset()
	if code := run(context.Background(), []string{"check", dir}, env(nil), nil, &out, io.Discard); code != 1 {
		t.Errorf("check of a broken dir: exit %d, want 1", code)
	}
	for _, want := range []string{`docs/notices/a.md:3: 字段 "written" 的日期 "2024-02-30" 无效`, `docs/notices/a.md:2: 缺少必填字段 "index_no"`} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
}

// TestWrongContentFolder points check and serve at a folder that is not a content directory (a
// folder of Markdown files, or docs/ itself): both refuse it, naming the layout they expect.
func TestWrongContentFolder(t *testing.T) {
	layout := []string{"不是内容目录", "docs/{kind}/*.md", "events/*.md", "files/"}
	notContent := t.TempDir()
	if err := os.MkdirAll(filepath.Join(notContent, "notices"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(notContent, "notices/a.md"), []byte("---\ntitle: 标题\n---\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	eventsOnly := t.TempDir()
	if err := os.MkdirAll(filepath.Join(eventsOnly, "events"), 0o755); err != nil {
		t.Fatal(err)
	}

	for _, dir := range []string{notContent, filepath.Join("..", "..", "content", "docs")} {
		var stdout, stderr bytes.Buffer
		if code := run(context.Background(), []string{"check", dir}, env(nil), nil, &stdout, &stderr); code != 1 {
			t.Errorf("check %s: exit %d, want 1", dir, code)
		}
		if strings.Contains(stdout.String(), "检查通过") {
			t.Errorf("check %s passed: %s", dir, stdout.String())
		}
		for _, want := range append([]string{"错误： " + dir + " "}, layout...) {
			if !strings.Contains(stderr.String(), want) {
				t.Errorf("check %s: stderr %q lacks %q", dir, stderr.String(), want)
			}
		}

		stderr.Reset()
		vars := map[string]string{"DATABASE_URL": "postgres://u@127.0.0.1:5432/db", "CONTENT_DIR": dir}
		if code := run(context.Background(), []string{"serve"}, env(vars), nil, io.Discard, &stderr); code != 2 {
			t.Errorf("serve with CONTENT_DIR=%s: exit %d, want 2", dir, code)
		}
		for _, want := range append([]string{"配置错误：CONTENT_DIR"}, layout...) {
			if !strings.Contains(stderr.String(), want) {
				t.Errorf("serve with CONTENT_DIR=%s: stderr %q lacks %q", dir, stderr.String(), want)
			}
		}
	}

	// A content directory with nothing in it yet is not a wrong folder.
	var stdout bytes.Buffer
	if code := run(context.Background(), []string{"check", eventsOnly}, env(nil), nil, &stdout, io.Discard); code != 0 || !strings.Contains(stdout.String(), "检查通过：0 篇文件，0 场招聘活动") {
		t.Errorf("check of an empty content directory: exit %d, %q", code, stdout.String())
	}
}

func TestUnknownCommand(t *testing.T) {
	var stderr bytes.Buffer
	if code := run(context.Background(), []string{"frobnicate"}, env(nil), nil, io.Discard, &stderr); code != 2 || !strings.Contains(stderr.String(), "未知命令") {
		t.Errorf("exit %d, stderr %q", code, stderr.String())
	}
}

// serveProcess is the real binary running `zhenxing serve` on a loopback port.
type serveProcess struct {
	t     *testing.T
	cmd   *exec.Cmd
	addr  string
	dbURL string      // the process's own database
	lines chan string // the log, line by line
}

// startServe builds the binary and runs `serve` on a fresh database with the given extra
// environment, and waits until it listens. The process is killed when the test ends.
func startServe(t *testing.T, env ...string) *serveProcess {
	t.Helper()
	_, dbURL := testdb.NewWithURL(t)
	bin := filepath.Join(t.TempDir(), "zhenxing")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &serveProcess{t: t, addr: ln.Addr().String(), dbURL: dbURL, lines: make(chan string, 100)}
	ln.Close()

	p.cmd = exec.Command(bin, "serve")
	p.cmd.Env = append(os.Environ(), "DATABASE_URL="+dbURL, "ADDR="+p.addr, "LOG_FORMAT=text", "LOG_LEVEL=info")
	p.cmd.Env = append(p.cmd.Env, env...)
	stderr, _ := p.cmd.StderrPipe()
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.cmd.Process.Kill() })
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			p.lines <- sc.Text()
		}
		close(p.lines)
	}()
	p.waitFor("msg=listening")
	return p
}

// waitFor reads the log until a line contains what.
func (p *serveProcess) waitFor(what string) {
	p.t.Helper()
	deadline := time.After(60 * time.Second) // safety net only
	for {
		select {
		case l, ok := <-p.lines:
			if !ok {
				p.t.Fatalf("process ended before %q", what)
			}
			if strings.Contains(l, what) {
				return
			}
		case <-deadline:
			p.t.Fatalf("no %q in the log", what)
		}
	}
}

// get fetches path on a new connection.
func (p *serveProcess) get(path string) (*http.Response, string) {
	p.t.Helper()
	res, err := (&http.Client{Transport: &http.Transport{DisableKeepAlives: true}}).Get("http://" + p.addr + path)
	if err != nil {
		p.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res, string(b)
}

// signal sends sig to the process.
func (p *serveProcess) signal(sig os.Signal) {
	p.t.Helper()
	if err := p.cmd.Process.Signal(sig); err != nil {
		p.t.Fatal(err)
	}
}

// exited waits for the process to end after the log line "stopped" and fails unless it
// exited 0.
func (p *serveProcess) exited() {
	p.t.Helper()
	p.waitFor("msg=stopped")
	if err := p.cmd.Wait(); err != nil {
		p.t.Fatalf("exit after SIGTERM: %v", err)
	}
}

const firstNotice = "---\ntitle: 第一份通知\nindex_no: X/2024-1\npublisher: 乡村振兴局\nwritten: 2024-01-01\npublished: 2024-01-02\ntopic: 乡村振兴\nvalidity: 有效\n---\n正文。\n"

// contentDir is a content directory with the first notice.
func contentDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "docs/notices"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "docs/notices/first.md"), []byte(firstNotice), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

// TestServeProcess runs the real binary: it serves a content directory, reloads it on SIGHUP,
// and exits 0 on SIGTERM.
func TestServeProcess(t *testing.T) {
	content := contentDir(t)
	p := startServe(t, "CONTENT_DIR="+content, "SHUTDOWN_DRAIN=0")
	if res, body := p.get("/open/notices/first"); res.StatusCode != 200 || !strings.Contains(body, "第一份通知") {
		t.Fatalf("document page: %d", res.StatusCode)
	}
	if res, _ := p.get("/readyz"); res.StatusCode != 200 {
		t.Errorf("readyz: %d", res.StatusCode)
	}
	// serve never creates an account, not even on an empty database (only `user bootstrap`,
	// which make run calls, does).
	var users int
	if err := pgxQueryRow(t, p.dbURL, "SELECT count(*) FROM users", &users); err != nil || users != 0 {
		t.Errorf("serve on an empty database: %d accounts (%v), want none", users, err)
	}

	second := strings.Replace(strings.Replace(firstNotice, "第一份通知", "第二份通知", 1), "X/2024-1", "X/2024-2", 1)
	os.WriteFile(filepath.Join(content, "docs/notices/second.md"), []byte(second), 0o644)
	p.signal(syscall.SIGHUP)
	p.waitFor("documents=2")
	if res, body := p.get("/open/notices/second"); res.StatusCode != 200 || !strings.Contains(body, "第二份通知") {
		t.Fatalf("after reload: %d", res.StatusCode)
	}

	p.signal(syscall.SIGTERM)
	p.exited()
}

// keepAliveResult is what one keep-alive client saw: requests it wrote, answers it read, whether
// an answer told it to close the connection, and the error that ended it, if any.
type keepAliveResult struct {
	written, answered int
	told              bool
	err               error
}

// busyClient sends requests for path one after another on one keep-alive connection to addr,
// each as soon as the previous answer is read, until an answer carries Connection: close or
// limit requests are sent. It signals started after its first answer.
func busyClient(addr, path string, limit int, started chan<- struct{}) keepAliveResult {
	var r keepAliveResult
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		r.err = err
		return r
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(time.Minute)) // a safety net, not a timing
	br := bufio.NewReader(conn)
	for r.written < limit {
		if _, err := io.WriteString(conn, "GET "+path+" HTTP/1.1\r\nHost: localhost\r\n\r\n"); err != nil {
			r.err = err // the request did not leave: not a lost one
			return r
		}
		r.written++
		res, err := http.ReadResponse(br, nil)
		if err != nil {
			r.err = err
			return r
		}
		_, err = io.Copy(io.Discard, res.Body)
		res.Body.Close()
		if err != nil || res.StatusCode != http.StatusOK {
			r.err = fmt.Errorf("answer %d: status %d, %v", r.answered+1, res.StatusCode, err)
			return r
		}
		r.answered++
		if r.answered == 1 {
			started <- struct{}{}
		}
		if res.Close {
			r.told = true
			return r
		}
	}
	return r
}

// TestServeDrainsOnSIGTERM keeps keep-alive clients busy on the real binary across SIGTERM: at
// once /readyz answers 503, the clients' next answers carry Connection: close and not one request
// written is left unanswered. A second signal ends the drain and the process exits 0.
func TestServeDrainsOnSIGTERM(t *testing.T) {
	p := startServe(t, "CONTENT_DIR="+contentDir(t), "SHUTDOWN_DRAIN=10m")
	const clients, limit = 8, 200000
	started := make(chan struct{}, clients)
	results := make(chan keepAliveResult, clients)
	for range clients {
		go func() { results <- busyClient(p.addr, "/open/notices/first", limit, started) }()
	}
	for range clients {
		<-started
	}

	p.signal(syscall.SIGTERM)
	p.waitFor("msg=\"shutting down: draining\"")
	res, body := p.get("/readyz")
	if res.StatusCode != http.StatusServiceUnavailable || !res.Close {
		t.Errorf("/readyz while draining: %d %q, Connection: close %v; want 503 and close", res.StatusCode, body, res.Close)
	}
	if res, _ := p.get("/open/notices/first"); res.StatusCode != 200 || !res.Close {
		t.Errorf("a document while draining: %d, Connection: close %v; want 200 and close", res.StatusCode, res.Close)
	}
	lost := 0
	for range clients {
		r := <-results
		lost += r.written - r.answered
		if !r.told || r.err != nil {
			t.Errorf("client after %d answers: told to close %v, error %v", r.answered, r.told, r.err)
		}
	}
	if lost != 0 {
		t.Errorf("%d requests written and never answered", lost)
	}

	p.signal(syscall.SIGTERM) // ends the drain
	p.exited()
}

// pgxQueryRow runs a one-row query on the database at dbURL and scans it into dest.
func pgxQueryRow(t *testing.T, dbURL, sql string, dest ...any) error {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	return conn.QueryRow(ctx, sql).Scan(dest...)
}

// dbEnv is an environment that sets only DATABASE_URL, for running a subcommand on a test
// database.
func dbEnv(dbURL string) func(string) string {
	return func(name string) string {
		if name == "DATABASE_URL" {
			return dbURL
		}
		return ""
	}
}
