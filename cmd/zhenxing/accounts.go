package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"golang.org/x/term"

	"zhenxing"
	"zhenxing/interact"
	"zhenxing/internal/account"
	"zhenxing/internal/db"
)

const userUsage = `用法：zhenxing user add --staff 用户名 [--role 角色] [--name 显示名称]
      zhenxing user add --buyer 用户名 [--name 显示名称]   （工会采购账号）
      zhenxing user bootstrap

角色：%s；--role 可重复，也可用逗号分隔，默认为 admin。
密码从终端读取（输入时不显示）；标准输入不是终端时，读取标准输入的第一行。
密码不能通过命令行参数传入，至少 %d 个字符。
bootstrap 供 make run 使用：还没有工作人员账号时，创建管理员 admin 并显示一次随机密码，首次登录须修改。
`

// usageError is a mistake in the command line; main prints it with the usage and exits with 2.
type usageError struct{ msg string }

func (e *usageError) Error() string {
	roles := make([]string, len(account.Roles))
	for i, r := range account.Roles {
		roles[i] = string(r) + "（" + r.Label() + "）"
	}
	return e.msg + "\n\n" + fmt.Sprintf(userUsage, strings.Join(roles, "、"), account.MinPasswordLength)
}

// userCmd runs `zhenxing user add` and `zhenxing user bootstrap`.
func userCmd(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) > 0 && args[0] == "bootstrap" {
		if len(args) > 1 {
			return &usageError{"bootstrap 不接受参数"}
		}
		return bootstrapCmd(ctx, getenv, stdout)
	}
	if len(args) == 0 || args[0] != "add" {
		return &usageError{"请指定子命令 add 或 bootstrap"}
	}
	return userAdd(ctx, args[1:], getenv, stdin, stdout, stderr)
}

// userAdd creates a staff account with its roles (administrator by default) or a buyer account,
// with a password read from the terminal without echo, or from the first line of a non-terminal
// stdin.
func userAdd(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	var username, name string
	var kind account.Kind
	var roles []account.Role
	setKind := func(k account.Kind) error {
		if kind != "" && kind != k {
			return &usageError{"--staff 与 --buyer 只能选一个"}
		}
		kind = k
		return nil
	}
	addRoles := func(list string) error {
		for _, name := range strings.Split(list, ",") {
			r, err := account.ParseRole(name)
			if err != nil {
				return &usageError{zhenxing.ErrorMessage(err)}
			}
			roles = append(roles, r)
		}
		return nil
	}
	for i := 0; i < len(args); i++ {
		a := args[i]
		if !strings.HasPrefix(a, "-") {
			if username != "" {
				return &usageError{"只能指定一个用户名"}
			}
			username = a
			continue
		}
		flag, value, inline := strings.Cut(strings.TrimLeft(a, "-"), "=")
		if strings.HasPrefix(flag, "password") {
			return &usageError{"出于安全考虑，密码不能写在命令行参数中（会留在命令历史和进程列表里）"}
		}
		if flag == "name" || flag == "role" {
			if !inline {
				if i+1 >= len(args) {
					return &usageError{a + " 需要一个值"}
				}
				i++
				value = args[i]
			}
		} else if inline {
			flag = a // a value is for --name and --role only
		}
		var err error
		switch {
		case flag == "staff":
			err = setKind(account.KindStaff)
		case flag == "buyer":
			err = setKind(account.KindBuyer)
		case flag == "name":
			name = value
		case flag == "role":
			err = addRoles(value)
		default:
			return &usageError{fmt.Sprintf("未知参数 %q", a)}
		}
		if err != nil {
			return err
		}
	}
	switch {
	case kind == "":
		return &usageError{"请用 --staff 或 --buyer 指定账号类型"}
	case kind == account.KindBuyer && len(roles) > 0:
		return &usageError{"采购账号没有后台角色，不能使用 --role"}
	case kind == account.KindStaff && len(roles) == 0:
		roles = []account.Role{account.RoleAdmin}
	}
	if username == "" {
		return &usageError{"请指定用户名"}
	}
	return withDB(ctx, getenv, func(_ *config, pool *pgxpool.Pool) error {
		password, err := readPassword(stdin, stderr)
		if err != nil {
			return err
		}
		if err := account.ValidatePassword(password); err != nil {
			return errors.New(zhenxing.ErrorMessage(err))
		}
		u, err := account.NewStore(pool).CreateUser(ctx, account.NewUser{Username: username, Name: name, Password: password, Kind: kind, Roles: roles})
		if code := zhenxing.ErrorCode(err); code == zhenxing.EInvalid || code == zhenxing.EConflict {
			return errors.New(zhenxing.ErrorMessage(err))
		}
		if err != nil {
			return err
		}
		if u.Kind == account.KindBuyer {
			fmt.Fprintf(stdout, "已创建采购人员账号 %s（编号 %d）\n", u.Username, u.ID)
			return nil
		}
		fmt.Fprintf(stdout, "已创建工作人员账号 %s（编号 %d，角色：%s）\n", u.Username, u.ID, u.RoleLabels())
		return nil
	})
}

// bootstrapCmd runs `zhenxing user bootstrap` for scripts/run: with no staff account yet it
// creates the administrator admin with a random password, prints the password once and marks it
// to be changed at the first login; otherwise it says so and changes nothing. serve never does
// this.
func bootstrapCmd(ctx context.Context, getenv func(string) string, stdout io.Writer) error {
	return withDB(ctx, getenv, func(cfg *config, pool *pgxpool.Pool) error {
		u, password, err := account.NewStore(pool).CreateFirstAdmin(ctx)
		if zhenxing.ErrorCode(err) == zhenxing.EConflict {
			fmt.Fprintln(stdout, zhenxing.ErrorMessage(err))
			return nil
		}
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "已创建首个后台账号（管理员）：\n  用户名：%s\n  密码：%s\n此密码只显示这一次。请登录 %s/admin/login，按提示设置新密码。\n",
			u.Username, password, cfg.BaseURL)
		return nil
	})
}

// readPassword reads the password: twice without echo from a terminal, else one line of stdin.
func readPassword(stdin io.Reader, prompt io.Writer) (string, error) {
	if f, ok := stdin.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		fmt.Fprint(prompt, "请输入密码：")
		first, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(prompt)
		if err != nil {
			return "", fmt.Errorf("读取密码失败：%w", err)
		}
		fmt.Fprint(prompt, "请再次输入密码：")
		second, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(prompt)
		if err != nil {
			return "", fmt.Errorf("读取密码失败：%w", err)
		}
		if string(first) != string(second) {
			return "", errors.New("两次输入的密码不一致")
		}
		return string(first), nil
	}
	line, err := bufio.NewReader(stdin).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", fmt.Errorf("读取密码失败：%w", err)
	}
	line = strings.TrimRight(line, "\r\n")
	if line == "" {
		return "", errors.New("未读到密码：请在标准输入的第一行提供密码")
	}
	return line, nil
}

// purgeSessions deletes expired sessions, stale login-throttle rows, old rate-limit counters and
// expired form challenges every ten minutes until ctx ends. Every replica may run it: the deletes
// are idempotent.
func purgeSessions(ctx context.Context, store *account.Store, pool *pgxpool.Pool, idle time.Duration, log *slog.Logger) {
	limits, challenges := db.NewLimiter(pool), db.NewChallenges(pool)
	tick := time.NewTicker(10 * time.Minute)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
			now := time.Now()
			n, err := store.PurgeExpired(ctx, now, idle)
			if err != nil {
				log.Warn("purge sessions", "err", err)
				continue
			}
			// Every rate of the site counts within a window of at most a day.
			m, err := limits.Purge(ctx, now.Add(-24*time.Hour))
			if err != nil {
				log.Warn("purge rate limits", "err", err)
				continue
			}
			k, err := challenges.Purge(ctx, now)
			if err != nil {
				log.Warn("purge form challenges", "err", err)
				continue
			}
			log.Debug("sessions, rate limits and challenges purged", "sessions", n, "rate_limits", m, "challenges", k)
		}
	}
}

// purgePersonal deletes the personal data of the citizens' cases closed more than years ago, at
// start and then every six hours until ctx ends. Every replica may run it: each case is cleared
// by a conditional update, once.
func purgePersonal(ctx context.Context, years int, log *slog.Logger, stores ...interact.PersonalData) {
	tick := time.NewTicker(6 * time.Hour)
	defer tick.Stop()
	for {
		n, err := interact.PurgeExpired(ctx, time.Now(), years, stores...)
		if err != nil {
			log.Warn("purge personal data", "err", err)
		} else if n > 0 {
			log.Info("personal data of closed cases deleted", "cases", n, "retention_years", years)
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}
