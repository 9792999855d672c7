package main

import (
	"bytes"
	"context"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"zhenxing"
	"zhenxing/internal/account"
	"zhenxing/internal/testdb"
)

func TestUserAdd(t *testing.T) {
	pool, dbURL := testdb.NewWithURL(t)
	env := dbEnv(dbURL)
	tests := []struct {
		name   string
		args   []string
		stdin  string
		status int
		out    string // in stdout on success, stderr otherwise
	}{
		{"staff", []string{"user", "add", "--staff", "wangfang", "--name", "王芳"}, "a long secret 1\n", 0, "已创建工作人员账号 wangfang"},
		{"name first", []string{"user", "add", "--name=赵磊", "zhaolei", "--staff", "--role", "hall"}, "another secret\r\n", 0, "已创建工作人员账号 zhaolei"},
		{"roles repeated and listed", []string{"user", "add", "--staff", "sunli", "--role=open", "--role", "messages,hall"}, "a long secret 4\n", 0, "角色：馆务、政务公开、留言办理"},
		{"buyer", []string{"user", "add", "--buyer", "union1"}, "buyer secret 99\n", 0, "已创建采购人员账号 union1"},
		{"unknown role", []string{"user", "add", "--staff", "liuyang", "--role", "hall,boss"}, "a long secret 5\n", 2, "未知角色“boss”"},
		{"role without a value", []string{"user", "add", "--staff", "liuyang", "--role"}, "a long secret 5\n", 2, "--role 需要一个值"},
		{"buyer with a role", []string{"user", "add", "--buyer", "union2", "--role", "hall"}, "a long secret 5\n", 2, "不能使用 --role"},
		{"value on a switch", []string{"user", "add", "--staff=yes", "liuyang"}, "a long secret 5\n", 2, "未知参数"},
		{"short password", []string{"user", "add", "--staff", "liuyang"}, "short\n", 1, "密码至少需要 10 个字符"},
		{"no password", []string{"user", "add", "--staff", "liuyang"}, "", 1, "未读到密码"},
		{"taken", []string{"user", "add", "--staff", "WangFang"}, "a long secret 2\n", 1, "已被使用"},
		{"bad username", []string{"user", "add", "--staff", "王芳"}, "a long secret 2\n", 1, "用户名应为"},
		{"password flag", []string{"user", "add", "--staff", "x1", "--password", "p"}, "", 2, "密码不能写在命令行参数中"},
		{"password flag with its value", []string{"user", "add", "--staff", "x1", "--password=p"}, "", 2, "密码不能写在命令行参数中"},
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
	// The password read from stdin is the one that logs in; a staff account without --role is an
	// administrator.
	store := account.NewStore(pool)
	u, err := store.Authenticate(context.Background(), "wangfang", "a long secret 1", "", time.Now())
	if err != nil || u.Name != "王芳" || u.Kind != account.KindStaff || !slices.Equal(u.Roles, []account.Role{account.RoleAdmin}) {
		t.Fatalf("login as the new account: %+v, %v", u, err)
	}
	u, err = store.Authenticate(context.Background(), "zhaolei", "another secret", "", time.Now())
	if err != nil {
		t.Fatalf("a CRLF line kept its CR: %v", err)
	}
	if !slices.Equal(u.Roles, []account.Role{account.RoleHall}) || u.HasRole(account.RoleOpen) {
		t.Errorf("roles of zhaolei = %v", u.Roles)
	}
	if _, err := store.Authenticate(context.Background(), "liuyang", "a long secret 5", "", time.Now()); zhenxing.ErrorCode(err) != zhenxing.EUnauthorized {
		t.Errorf("a refused command line created the account: %v", err)
	}
}

var bootstrapPassword = regexp.MustCompile(`(?m)^  密码：(\S+)$`)

// user bootstrap creates the first administrator once, prints its password once, and marks it
// to be changed at the first login.
func TestUserBootstrap(t *testing.T) {
	pool, dbURL := testdb.NewWithURL(t)
	vars := map[string]string{"DATABASE_URL": dbURL, "BASE_URL": "http://localhost:8089"}
	var stdout, stderr bytes.Buffer
	if status := run(context.Background(), []string{"user", "bootstrap"}, env(vars), nil, &stdout, &stderr); status != 0 {
		t.Fatalf("exit %d: %s", status, stderr.String())
	}
	first := stdout.String()
	mustHave := []string{"已创建首个后台账号（管理员）", "用户名：admin", "此密码只显示这一次", "http://localhost:8089/admin/login"}
	for _, want := range mustHave {
		if !strings.Contains(first, want) {
			t.Errorf("output %q lacks %q", first, want)
		}
	}
	m := bootstrapPassword.FindStringSubmatch(first)
	if m == nil {
		t.Fatalf("no password in %q", first)
	}
	store := account.NewStore(pool)
	u, err := store.Authenticate(context.Background(), "admin", m[1], "", time.Now())
	if err != nil || !u.MustChangePassword || !u.HasRole(account.RoleAdmin) {
		t.Fatalf("login with the printed password: %+v, %v", u, err)
	}

	// Run again: nothing is created and no password is printed.
	stdout.Reset()
	if status := run(context.Background(), []string{"user", "bootstrap"}, env(vars), nil, &stdout, &stderr); status != 0 {
		t.Fatalf("second run: exit %d: %s", status, stderr.String())
	}
	if got := stdout.String(); !strings.Contains(got, "已有工作人员账号，未新建账号") || strings.Contains(got, "密码") {
		t.Errorf("second run printed %q", got)
	}
	var n int
	if err := pool.QueryRow(context.Background(), `SELECT count(*) FROM users`).Scan(&n); err != nil || n != 1 {
		t.Errorf("%d accounts (%v), want 1", n, err)
	}
	stderr.Reset()
	if status := run(context.Background(), []string{"user", "bootstrap", "admin"}, env(vars), nil, &stdout, &stderr); status != 2 || !strings.Contains(stderr.String(), "不接受参数") {
		t.Errorf("bootstrap with an argument: exit %d, %q", status, stderr.String())
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
