package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"zhenxing/catalog"
	"zhenxing/internal/testdb"
)

func TestUserAdd(t *testing.T) {
	pool, dbURL := testdb.NewWithURL(t)
	env := func(name string) string {
		if name == "DATABASE_URL" {
			return dbURL
		}
		return ""
	}
	tests := []struct {
		name   string
		args   []string
		stdin  string
		status int
		out    string // in stdout on success, stderr otherwise
	}{
		{"staff", []string{"user", "add", "--staff", "wangfang", "--name", "王芳"}, "a long secret 1\n", 0, "已创建工作人员账号 wangfang"},
		{"name first", []string{"user", "add", "--name=赵磊", "zhaolei", "--staff"}, "another secret\r\n", 0, "已创建工作人员账号 zhaolei"},
		{"buyer", []string{"user", "add", "--buyer", "union1"}, "buyer secret 99\n", 0, "已创建采购人员账号 union1"},
		{"short password", []string{"user", "add", "--staff", "liuyang"}, "short\n", 1, "密码至少需要 10 个字符"},
		{"no password", []string{"user", "add", "--staff", "liuyang"}, "", 1, "未读到密码"},
		{"taken", []string{"user", "add", "--staff", "WangFang"}, "a long secret 2\n", 1, "已被使用"},
		{"bad username", []string{"user", "add", "--staff", "王芳"}, "a long secret 2\n", 1, "用户名应为"},
		{"password flag", []string{"user", "add", "--staff", "x1", "--password", "p"}, "", 2, "密码不能写在命令行参数中"},
		{"no role", []string{"user", "add", "someone"}, "a long secret 3\n", 2, "--staff"},
		{"both roles", []string{"user", "add", "--staff", "--buyer", "someone"}, "a long secret 3\n", 2, "只能选一个"},
		{"no subcommand", []string{"user"}, "", 2, "add"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			status := run(context.Background(), tt.args, env, strings.NewReader(tt.stdin), &stdout, &stderr)
			if status != tt.status {
				t.Fatalf("status %d, want %d; stdout %q stderr %q", status, tt.status, stdout.String(), stderr.String())
			}
			got := stderr.String()
			if tt.status == 0 {
				got = stdout.String()
			}
			if !strings.Contains(got, tt.out) {
				t.Errorf("output %q lacks %q", got, tt.out)
			}
		})
	}
	// The password read from stdin is the one that logs in.
	store := catalog.NewStore(pool)
	u, err := store.Authenticate(context.Background(), "wangfang", "a long secret 1", "", time.Now())
	if err != nil || u.Name != "王芳" || u.Role != catalog.RoleStaff {
		t.Fatalf("login as the new account: %+v, %v", u, err)
	}
	if _, err := store.Authenticate(context.Background(), "zhaolei", "another secret", "", time.Now()); err != nil {
		t.Fatalf("a CRLF line kept its CR: %v", err)
	}
}

func TestSessionConfig(t *testing.T) {
	tests := []struct {
		idle, max string
		bad       string // the variable named in the error, "" for none
	}{
		{"", "", ""},
		{"15m", "8h", ""},
		{"soon", "", "SESSION_IDLE_TIMEOUT"},
		{"10s", "", "SESSION_IDLE_TIMEOUT"},
		{"", "-1h", "SESSION_MAX_AGE"},
		{"2h", "1h", "SESSION_IDLE_TIMEOUT"},
	}
	for _, tt := range tests {
		t.Run(tt.idle+"/"+tt.max, func(t *testing.T) {
			cfg, err := loadConfig(func(name string) string {
				switch name {
				case "SESSION_IDLE_TIMEOUT":
					return tt.idle
				case "SESSION_MAX_AGE":
					return tt.max
				}
				return ""
			}, false)
			if tt.bad == "" {
				if err != nil {
					t.Fatal(err)
				}
				if cfg.SessionIdle <= 0 || cfg.SessionMaxAge < cfg.SessionIdle {
					t.Errorf("timeouts %v %v", cfg.SessionIdle, cfg.SessionMaxAge)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.bad) {
				t.Errorf("error %v does not name %s", err, tt.bad)
			}
		})
	}
}
