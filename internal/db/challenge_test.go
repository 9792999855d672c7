package db_test

import (
	"context"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"zhenxing"
	"zhenxing/internal/db"
	"zhenxing/internal/testdb"
)

var sum = regexp.MustCompile(`^([一二三四五六七八九])加([一二三四五六七八九])等于多少？$`)

func answer(t *testing.T, question string) int {
	t.Helper()
	m := sum.FindStringSubmatch(question)
	if m == nil {
		t.Fatalf("question %q", question)
	}
	n := func(s string) int { return strings.Index("一二三四五六七八九", s)/len("一") + 1 }
	return n(m[1]) + n(m[2])
}

func TestChallenges(t *testing.T) {
	pool := testdb.New(t)
	ctx := context.Background()
	ch := db.NewChallenges(pool)
	now := time.Date(2026, 11, 28, 10, 0, 0, 0, time.UTC)

	// The right answer, in full-width digits as a Chinese input method types them, passes once.
	c, err := ch.New(ctx, now)
	if err != nil {
		t.Fatal(err)
	}
	right := strconv.Itoa(answer(t, c.Question))
	full := strings.Map(func(r rune) rune { return r - '0' + '０' }, right)
	if err := ch.Solve(ctx, c.Token, full, now.Add(time.Minute)); err != nil {
		t.Fatalf("right answer: %v", err)
	}
	if err := ch.Solve(ctx, c.Token, right, now.Add(time.Minute)); zhenxing.ErrorCode(err) != zhenxing.EInvalid ||
		!strings.Contains(zhenxing.ErrorMessage(err), "已失效") {
		t.Fatalf("used again = %v, want EInvalid 已失效", err)
	}

	// A wrong answer uses the challenge up too.
	c, _ = ch.New(ctx, now)
	wrong := strconv.Itoa(answer(t, c.Question) + 1)
	if err := ch.Solve(ctx, c.Token, wrong, now); zhenxing.ErrorCode(err) != zhenxing.EInvalid ||
		!strings.Contains(zhenxing.ErrorMessage(err), "不正确") {
		t.Fatalf("wrong answer = %v, want EInvalid 不正确", err)
	}
	if err := ch.Solve(ctx, c.Token, strconv.Itoa(answer(t, c.Question)), now); zhenxing.ErrorCode(err) != zhenxing.EInvalid {
		t.Fatalf("after a wrong answer = %v, want EInvalid", err)
	}

	// An expired challenge fails, and Purge removes it; a live one stays.
	old, _ := ch.New(ctx, now)
	live, _ := ch.New(ctx, now.Add(db.ChallengeTTL))
	if n, err := ch.Purge(ctx, now.Add(db.ChallengeTTL)); err != nil || n != 1 {
		t.Fatalf("Purge = %d, %v; want 1", n, err)
	}
	if err := ch.Solve(ctx, old.Token, strconv.Itoa(answer(t, old.Question)), now.Add(db.ChallengeTTL)); zhenxing.ErrorCode(err) != zhenxing.EInvalid {
		t.Fatalf("expired = %v, want EInvalid", err)
	}
	if err := ch.Solve(ctx, live.Token, strconv.Itoa(answer(t, live.Question)), now.Add(db.ChallengeTTL)); err != nil {
		t.Fatalf("live challenge: %v", err)
	}
	if err := ch.Solve(ctx, "", "5", now); zhenxing.ErrorCode(err) != zhenxing.EInvalid {
		t.Fatalf("no token = %v", err)
	}
}
