package site

import (
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

// TestMetricsAfterMixedTraffic sends POST, GET and HEAD requests on one keep-alive connection, so
// that fasthttp reuses its buffers between them, and checks that /metrics still answers 200 with
// a body Prometheus can parse, counting every request under the method it had.
func TestMetricsAfterMixedTraffic(t *testing.T) {
	s := mustServer(t)
	base := listen(t, s)
	client := &http.Client{
		Transport:     &http.Transport{MaxConnsPerHost: 1},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	send := func(method, path string, body io.Reader) {
		t.Helper()
		req, err := http.NewRequest(method, base+path, body)
		if err != nil {
			t.Fatal(err)
		}
		if body != nil {
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		}
		res, err := client.Do(req)
		if err != nil {
			t.Fatalf("%s %s: %v", method, path, err)
		}
		io.Copy(io.Discard, res.Body)
		res.Body.Close()
	}
	form := url.Values{"username": {"liming"}, "password": {"wrong"}}.Encode()
	for range 3 {
		send(http.MethodPost, "/admin/login", strings.NewReader(form))
		send(http.MethodGet, "/open/", nil)
		send(http.MethodHead, "/open/notices/", nil)
		send(http.MethodGet, "/jobs/", nil)
		send(http.MethodPost, "/admin/logout", strings.NewReader(form))
		send(http.MethodGet, "/no/such/page", nil)
	}
	for i := range 2 { // the first scrape is itself counted by the second
		res, err := client.Get(base + "/metrics")
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != http.StatusOK {
			t.Fatalf("scrape %d: status %d\n%.1000s", i, res.StatusCode, body)
		}
		p := expfmt.NewTextParser(model.UTF8Validation)
		families, err := p.TextToMetricFamilies(strings.NewReader(string(body)))
		if err != nil {
			t.Fatalf("scrape %d does not parse: %v", i, err)
		}
		counts := map[string]float64{}
		for _, m := range families["zhenxing_http_requests_total"].GetMetric() {
			for _, l := range m.GetLabel() {
				if l.GetName() == "method" {
					counts[l.GetValue()] += m.GetCounter().GetValue()
				}
			}
		}
		want := map[string]float64{"POST": 6, "GET": 9 + float64(i), "HEAD": 3}
		for method, n := range want {
			if counts[method] != n {
				t.Errorf("scrape %d: %s requests counted %v, want %v (all: %v)", i, method, counts[method], n, counts)
			}
		}
		if len(counts) != len(want) {
			t.Errorf("scrape %d: methods %v, want only %v", i, counts, want)
		}
	}
}
