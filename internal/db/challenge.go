package db

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"math/big"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"golang.org/x/text/width"

	"zhenxing"
)

// Challenges are the questions of the public forms that a person answers without JavaScript: a
// sum of two numbers from one to nine, written in Chinese numerals. They live in the
// form_challenges table, so that the replica that checks a form need not be the one that showed
// it; each is used once.
type Challenges struct {
	pool *pgxpool.Pool
}

// NewChallenges returns the challenges on the pool. The schema must be migrated (Migrate).
func NewChallenges(pool *pgxpool.Pool) *Challenges { return &Challenges{pool: pool} }

// ChallengeTTL is how long a form's challenge can be answered: long enough to write a letter.
const ChallengeTTL = 2 * time.Hour

// Challenge is one question as a form shows it.
type Challenge struct {
	Token    string // goes in the form's hidden challenge field
	Question string // e.g. 三加五等于多少？
}

var numerals = []string{"零", "一", "二", "三", "四", "五", "六", "七", "八", "九"}

// New stores a new challenge, answerable until now+ChallengeTTL. Errors: internal only.
func (ch *Challenges) New(ctx context.Context, now time.Time) (Challenge, error) {
	a, b := 1+randN(9), 1+randN(9)
	var raw [24]byte
	if _, err := rand.Read(raw[:]); err != nil {
		return Challenge{}, fmt.Errorf("challenge token: %w", err)
	}
	token := base64.RawURLEncoding.EncodeToString(raw[:])
	id := sha256.Sum256([]byte(token))
	if _, err := ch.pool.Exec(ctx, `INSERT INTO form_challenges (id, answer, expires_at) VALUES ($1, $2, $3)`,
		id[:], a+b, now.Add(ChallengeTTL)); err != nil {
		return Challenge{}, fmt.Errorf("store challenge: %w", err)
	}
	return Challenge{Token: token, Question: numerals[a] + "加" + numerals[b] + "等于多少？"}, nil
}

func randN(n int64) int {
	v, err := rand.Int(rand.Reader, big.NewInt(n))
	if err != nil {
		panic(err) // crypto/rand does not fail on supported platforms
	}
	return int(v.Int64())
}

// Solve checks answer (Arabic digits, half or full width) against the challenge of token and
// uses the challenge up, whether the answer is right or not. Errors: EInvalid with a Chinese
// message for a wrong answer and for an unknown, used or expired challenge; internal otherwise.
func (ch *Challenges) Solve(ctx context.Context, token, answer string, now time.Time) error {
	if token == "" {
		return zhenxing.Errorf(zhenxing.EInvalid, "验证问题已失效，请重新回答页面上的验证问题后再提交。")
	}
	id := sha256.Sum256([]byte(token))
	var want int
	var expires time.Time
	err := ch.pool.QueryRow(ctx, `DELETE FROM form_challenges WHERE id = $1 RETURNING answer, expires_at`, id[:]).Scan(&want, &expires)
	if errors.Is(err, pgx.ErrNoRows) || err == nil && !now.Before(expires) {
		return zhenxing.Errorf(zhenxing.EInvalid, "验证问题已失效，请重新回答页面上的验证问题后再提交。")
	}
	if err != nil {
		return fmt.Errorf("check challenge: %w", err)
	}
	got, err := strconv.Atoi(strings.TrimSpace(width.Narrow.String(answer)))
	if err != nil || got != want {
		return zhenxing.Errorf(zhenxing.EInvalid, "验证问题的答案不正确，请用数字填写新问题的答案。")
	}
	return nil
}

// Purge deletes the challenges expired at now and returns how many. Errors: internal only.
func (ch *Challenges) Purge(ctx context.Context, now time.Time) (int64, error) {
	tag, err := ch.pool.Exec(ctx, `DELETE FROM form_challenges WHERE expires_at <= $1`, now)
	if err != nil {
		return 0, fmt.Errorf("purge challenges: %w", err)
	}
	return tag.RowsAffected(), nil
}
