package main

import (
	"bufio"
	"bytes"
	"context"
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
		{"bad hall cache ttl", "HALL_CACHE_TTL", "briefly", "配置错误：HALL_CACHE_TTL"},
		{"negative hall cache ttl", "HALL_CACHE_TTL", "-1s", "配置错误：HALL_CACHE_TTL"},
		{"bad proxy", "TRUSTED_PROXIES", "10.0.0.1,nope", "配置错误：TRUSTED_PROXIES"},
		{"bad site id", "SITE_ID_CODE", "123", "配置错误：SITE_ID_CODE"},
		{"bad log format", "LOG_FORMAT", "xml", "配置错误：LOG_FORMAT"},
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

func TestUnknownCommand(t *testing.T) {
	var stderr bytes.Buffer
	if code := run(context.Background(), []string{"frobnicate"}, env(nil), nil, io.Discard, &stderr); code != 2 || !strings.Contains(stderr.String(), "未知命令") {
		t.Errorf("exit %d, stderr %q", code, stderr.String())
	}
}

// TestServeProcess runs the real binary: it serves a content directory, reloads it on SIGHUP,
// and exits 0 on SIGTERM.
func TestServeProcess(t *testing.T) {
	_, dbURL := testdb.NewWithURL(t)
	bin := filepath.Join(t.TempDir(), "zhenxing")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	content := t.TempDir()
	doc := "---\ntitle: 第一份通知\nindex_no: X/2024-1\npublisher: 乡村振兴局\nwritten: 2024-01-01\npublished: 2024-01-02\ntopic: 乡村振兴\nvalidity: 有效\n---\n正文。\n"
	os.MkdirAll(filepath.Join(content, "docs/notices"), 0o755)
	os.WriteFile(filepath.Join(content, "docs/notices/first.md"), []byte(doc), 0o644)

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()

	cmd := exec.Command(bin, "serve")
	cmd.Env = append(os.Environ(), "DATABASE_URL="+dbURL, "ADDR="+addr, "CONTENT_DIR="+content, "LOG_FORMAT=text", "LOG_LEVEL=info")
	stderr, _ := cmd.StderrPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	lines := make(chan string, 100)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	waitFor := func(what string) {
		t.Helper()
		deadline := time.After(60 * time.Second) // safety net only
		for {
			select {
			case l, ok := <-lines:
				if !ok {
					t.Fatalf("process ended before %q", what)
				}
				if strings.Contains(l, what) {
					return
				}
			case <-deadline:
				t.Fatalf("no %q in the log", what)
			}
		}
	}
	waitFor("msg=listening")

	getBody := func(path string) (int, string) {
		res, err := http.Get("http://" + addr + path)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, string(b)
	}
	if code, body := getBody("/open/notices/first"); code != 200 || !strings.Contains(body, "第一份通知") {
		t.Fatalf("document page: %d", code)
	}
	if code, _ := getBody("/readyz"); code != 200 {
		t.Errorf("readyz: %d", code)
	}

	second := strings.Replace(strings.Replace(doc, "第一份通知", "第二份通知", 1), "X/2024-1", "X/2024-2", 1)
	os.WriteFile(filepath.Join(content, "docs/notices/second.md"), []byte(second), 0o644)
	cmd.Process.Signal(syscall.SIGHUP)
	waitFor("documents=2")
	if code, body := getBody("/open/notices/second"); code != 200 || !strings.Contains(body, "第二份通知") {
		t.Fatalf("after reload: %d", code)
	}

	cmd.Process.Signal(syscall.SIGTERM)
	waitFor("msg=stopped")
	if err := cmd.Wait(); err != nil {
		t.Fatalf("exit after SIGTERM: %v", err)
	}
}
