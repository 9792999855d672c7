package site

import (
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
)

var (
	challengeField    = regexp.MustCompile(`name="challenge" value="([^"]+)"`)
	challengeQuestion = regexp.MustCompile(`验证问题：([一二三四五六七八九])加([一二三四五六七八九])等于多少？`)
)

// guarded fills the defences of the public form on the page at from as a person would: the CSRF
// token, the challenge's answer, the honeypot left empty. It fails the test when the page has no
// such form.
func (b *adminClient) guarded(from string, form url.Values) url.Values {
	b.t.Helper()
	res := b.get(from)
	if res.Status != http.StatusOK {
		b.t.Fatalf("GET %s: %d", from, res.Status)
	}
	csrf := adminCSRFField.FindStringSubmatch(res.Body)
	token := challengeField.FindStringSubmatch(res.Body)
	q := challengeQuestion.FindStringSubmatch(res.Body)
	if csrf == nil || token == nil || q == nil {
		b.t.Fatalf("GET %s: no guarded form (token, challenge and question)", from)
	}
	digit := func(s string) int { return strings.Index("一二三四五六七八九", s)/len("一") + 1 }
	out := url.Values{}
	for k, v := range form {
		out[k] = v
	}
	out.Set("_csrf", csrf[1])
	out.Set("challenge", token[1])
	out.Set("challenge_answer", strconv.Itoa(digit(q[1])+digit(q[2])))
	return out
}

// submitGuarded posts form to target, guarded as the public form on the page at from.
func (b *adminClient) submitGuarded(from, target string, form url.Values) response {
	b.t.Helper()
	return b.post(target, b.guarded(from, form))
}
