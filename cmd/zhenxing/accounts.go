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

	"golang.org/x/term"

	"zhenxing"
	"zhenxing/catalog"
)

const userUsage = `用法：zhenxing user add --staff 用户名 [--name 显示名称]
      zhenxing user add --buyer 用户名 [--name 显示名称]   （采购账号，供下一期功能使用）

密码从终端读取（输入时不显示）；标准输入不是终端时，读取标准输入的第一行。
密码不能通过命令行参数传入，至少 %d 个字符。
`

// usageError is a mistake in the command line; main prints it with the usage and exits with 2.
type usageError struct{ msg string }

func (e *usageError) Error() string {
	return e.msg + "\n\n" + fmt.Sprintf(userUsage, catalog.MinPasswordLength)
}

// userCmd runs `zhenxing user add`: it creates a staff (or buyer) account with a password read
// from the terminal without echo, or from the first line of a non-terminal stdin.
func userCmd(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "add" {
		return &usageError{"请指定子命令 add"}
	}
	var username, name, role string
	rest := args[1:]
	for i := 0; i < len(rest); i++ {
		a := rest[i]
		switch {
		case a == "--staff" || a == "-staff":
			role = setRole(role, catalog.RoleStaff)
		case a == "--buyer" || a == "-buyer":
			role = setRole(role, catalog.RoleBuyer)
		case a == "--name" || a == "-name":
			if i+1 >= len(rest) {
				return &usageError{"--name 需要一个值"}
			}
			i++
			name = rest[i]
		case strings.HasPrefix(a, "--name="):
			name = strings.TrimPrefix(a, "--name=")
		case strings.HasPrefix(a, "--password") || strings.HasPrefix(a, "-password"):
			return &usageError{"出于安全考虑，密码不能写在命令行参数中（会留在命令历史和进程列表里）"}
		case strings.HasPrefix(a, "-"):
			return &usageError{fmt.Sprintf("未知参数 %q", a)}
		case username != "":
			return &usageError{"只能指定一个用户名"}
		default:
			username = a
		}
	}
	if role == "conflict" {
		return &usageError{"--staff 与 --buyer 只能选一个"}
	}
	if role == "" {
		return &usageError{"请用 --staff 指定账号类型"}
	}
	if username == "" {
		return &usageError{"请指定用户名"}
	}
	cfg, err := loadConfig(getenv, true)
	if err != nil {
		return err
	}
	password, err := readPassword(stdin, stderr)
	if err != nil {
		return err
	}
	if err := catalog.ValidatePassword(password); err != nil {
		return errors.New(zhenxing.ErrorMessage(err))
	}
	pool, err := openPool(ctx, cfg)
	if err != nil {
		return err
	}
	defer pool.Close()
	u, err := catalog.NewStore(pool).CreateUser(ctx, username, name, password, role)
	if code := zhenxing.ErrorCode(err); code == zhenxing.EInvalid || code == zhenxing.EConflict {
		return errors.New(zhenxing.ErrorMessage(err))
	}
	if err != nil {
		return err
	}
	kind := "工作人员"
	if u.Role == catalog.RoleBuyer {
		kind = "采购人员"
	}
	fmt.Fprintf(stdout, "已创建%s账号 %s（编号 %d）\n", kind, u.Username, u.ID)
	return nil
}

func setRole(current, role string) string {
	if current != "" && current != role {
		return "conflict"
	}
	return role
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

// purgeSessions deletes expired sessions and stale login-throttle rows every ten minutes until
// ctx ends. Every replica may run it: the deletes are idempotent.
func purgeSessions(ctx context.Context, store *catalog.Store, idle time.Duration, log *slog.Logger) {
	tick := time.NewTicker(10 * time.Minute)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
			n, err := store.PurgeExpired(ctx, time.Now(), idle)
			if err != nil {
				log.Warn("purge sessions", "err", err)
				continue
			}
			log.Debug("sessions purged", "count", n)
		}
	}
}
