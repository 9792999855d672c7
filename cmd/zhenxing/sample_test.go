package main

import (
	"bytes"
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"zhenxing/interact"
	"zhenxing/internal/account"
	"zhenxing/internal/testdb"
	"zhenxing/order"
)

// TestSeedSample: `zhenxing seed` adds two approved organisations whose printed passwords log
// in, orders in every state and paid sales over several months; a second run adds nothing.
func TestSeedSample(t *testing.T) {
	_, dbURL := testdb.NewWithURL(t)
	env := dbEnv(dbURL)
	var stdout, stderr bytes.Buffer
	if status := run(context.Background(), []string{"seed"}, env, nil, &stdout, &stderr); status != 0 {
		t.Fatalf("seed: status %d: %s %s", status, stdout.String(), stderr.String())
	}
	out := stdout.String()
	for _, want := range []string{"示例采购单位的账号", "单位管理员 张华  13700000001  密码 ", "采购员 赵敏", "示例订单：10 次下单", "示例来信：5 封，其中 4 封已答复并公开。",
		"示例政府信息公开申请：6 件，其中 2025 年 4 件。", "示例征求意见：4 条意见，采纳情况已公布。"} {
		if !strings.Contains(out, want) {
			t.Errorf("seed output lacks %q:\n%s", want, out)
		}
	}

	ctx := context.Background()
	pool, err := pgxpool.New(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	m := regexp.MustCompile(`单位管理员 张华  (\d+)  密码 (\S+)`).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("no password printed for 张华:\n%s", out)
	}
	u, err := account.NewStore(pool).Authenticate(ctx, m[1], m[2], "192.0.2.1", time.Now())
	if err != nil || !u.IsOrgAdmin() {
		t.Errorf("张华 cannot log in with the printed password: %v", err)
	}

	for _, state := range order.States {
		var n int
		if err := pool.QueryRow(ctx, `SELECT count(*) FROM orders WHERE state = $1`, state).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			t.Errorf("no sample order in state %s (%s)", state, order.StateLabel(state))
		}
	}
	sales, err := order.NewStats(pool).Sales(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if sales.Total <= 0 || sales.Buyers != 2 || len(sales.ByMonth) < 6 {
		t.Errorf("sample sales: total %s, %d buyers, %d months", sales.Total, sales.Buyers, len(sales.ByMonth))
	}

	published, total, err := interact.NewMessages(pool, nil, nil, 0).Published(ctx, 0, 20)
	if err != nil || total != 4 || published[0].Subject != "订单发货较慢" {
		t.Errorf("sample letters: %d published, %v", total, err)
	}

	// The 2025 annual report's table counts the sample requests as its text says: four, all
	// closed in the year.
	table, err := interact.NewRequests(pool, nil, nil).YearTable(ctx, 2025)
	if err != nil || fmt.Sprint(table.Rows[0].Counts) != "[3 0 0 0 1 0 4]" || fmt.Sprint(table.Rows[len(table.Rows)-1].Counts) != "[0 0 0 0 0 0 0]" {
		t.Errorf("2025 table: %+v, %v", table, err)
	}
	if sum, err := interact.NewConsultations(pool, nil).Summary(ctx, sampleConsultation); err != nil || sum == nil || sum.Received != 4 || sum.Adopted != 2 {
		t.Errorf("sample consultation summary: %+v, %v", sum, err)
	}

	stdout.Reset()
	if status := run(context.Background(), []string{"seed"}, env, nil, &stdout, &stderr); status != 0 ||
		!strings.Contains(stdout.String(), "示例采购单位：已有采购单位，未添加。") || !strings.Contains(stdout.String(), "示例来信：已有来信，未添加。") ||
		!strings.Contains(stdout.String(), "示例政府信息公开申请：已有申请，未添加。") || !strings.Contains(stdout.String(), "示例征求意见：已有意见，未添加。") {
		t.Errorf("seed again: status %d: %s", status, stdout.String())
	}
}
