package zhenxing_test

import (
	"errors"
	"os/exec"
	"slices"
	"strings"
	"testing"
)

// domainPackages know nothing of HTTP. search and order are listed before they exist so that each
// is held to the rule from its first commit.
var domainPackages = []string{"zhenxing/content", "zhenxing/catalog", "zhenxing/internal/account", "zhenxing/internal/db",
	"zhenxing/order", "zhenxing/payment", "zhenxing/search", "zhenxing/interact"}

// layerRules are the imports the layout forbids: a package under from (or from itself) must not
// depend, directly or through others, on a package under any of to.
var layerRules = func() []layerRule {
	var rules []layerRule
	for _, d := range domainPackages {
		rules = append(rules, layerRule{d, []string{"zhenxing/site", "github.com/gofiber", "github.com/valyala/fasthttp"}, "a domain package knows nothing of HTTP"})
	}
	return append(rules,
		layerRule{"zhenxing/site", []string{"zhenxing/cmd"}, "site is built by cmd, never the other way"},
		layerRule{"zhenxing/content", []string{"zhenxing/catalog"}, "content stands without the catalogue"},
		layerRule{"zhenxing/catalog", []string{"zhenxing/internal/account"}, "the catalogue and the accounts are separate aggregates"},
		layerRule{"zhenxing/internal/account", []string{"zhenxing/catalog"}, "the catalogue and the accounts are separate aggregates"},
		layerRule{"zhenxing/catalog", []string{"zhenxing/order", "zhenxing/payment"}, "orders stand on the catalogue, not the other way"},
		layerRule{"zhenxing/internal/account", []string{"zhenxing/order", "zhenxing/payment"}, "orders take the buyer from the site, not from the accounts"},
		layerRule{"zhenxing/order", []string{"zhenxing/internal/account", "zhenxing/payment"}, "the site joins orders to accounts and to Stripe"},
		layerRule{"zhenxing/payment", []string{"zhenxing/order", "zhenxing/catalog", "zhenxing/internal/account"}, "payment speaks to Stripe only"},
		layerRule{"zhenxing/content", []string{"zhenxing/search"}, "the domain knows nothing of the search engine: the indexer reads it"},
		layerRule{"zhenxing/catalog", []string{"zhenxing/search"}, "the domain knows nothing of the search engine: the indexer reads it"},
		layerRule{"zhenxing/order", []string{"zhenxing/search"}, "the domain knows nothing of the search engine: the indexer reads it"},
		layerRule{"zhenxing/search", []string{"zhenxing/order", "zhenxing/payment", "zhenxing/internal/account"}, "search holds public records only: no orders, payments or accounts"},
	)
}()

type layerRule struct {
	from string
	to   []string
	why  string
}

// under reports whether the import path p is pkg or a package below it.
func under(p, pkg string) bool { return p == pkg || strings.HasPrefix(p, pkg+"/") }

// layerViolations lists, for the dependency graph deps (each package of the module with every
// package it depends on), the dependencies that a rule forbids: the first one under each
// forbidden path, once per package.
func layerViolations(deps map[string][]string, rules []layerRule) []string {
	var out []string
	for _, r := range rules {
		for pkg, ds := range deps {
			if !under(pkg, r.from) {
				continue
			}
			for _, to := range r.to {
				if i := slices.IndexFunc(ds, func(d string) bool { return under(d, to) }); i >= 0 {
					out = append(out, pkg+" depends on "+ds[i]+" ("+r.why+")")
				}
			}
		}
	}
	slices.Sort(out)
	return out
}

// TestLayering lets `go list -deps` decide what every package of the module depends on, tests
// aside, and fails on each dependency the layout forbids.
func TestLayering(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", "-f", `{{if .Module}}{{if .Module.Main}}{{.ImportPath}} {{join .Deps " "}}{{end}}{{end}}`, "./...").Output()
	if err != nil {
		if ee := (*exec.ExitError)(nil); errors.As(err, &ee) {
			t.Fatalf("go list: %v\n%s", err, ee.Stderr)
		}
		t.Fatalf("go list: %v", err)
	}
	deps := map[string][]string{}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		fields := strings.Fields(line)
		if len(fields) > 0 {
			deps[fields[0]] = fields[1:]
		}
	}
	// The rules must be about packages that exist, or they hold vacuously.
	for _, pkg := range []string{"zhenxing/content", "zhenxing/catalog", "zhenxing/internal/account", "zhenxing/internal/db", "zhenxing/site", "zhenxing/cmd/zhenxing"} {
		if _, ok := deps[pkg]; !ok {
			t.Errorf("go list does not list %s", pkg)
		}
	}
	if !slices.Contains(deps["zhenxing/site"], "github.com/gofiber/fiber/v2") {
		t.Errorf("site does not depend on Fiber: the dependency lists are not what this test expects")
	}
	for _, v := range layerViolations(deps, layerRules) {
		t.Error(v)
	}
}

// Each rule fires on a graph that breaks it, and on nothing else.
func TestLayerViolations(t *testing.T) {
	allowed := map[string][]string{
		"zhenxing/site":             {"zhenxing/catalog", "zhenxing/internal/account", "github.com/gofiber/fiber/v2", "github.com/valyala/fasthttp"},
		"zhenxing/cmd/zhenxing":     {"zhenxing/site", "zhenxing/catalog"},
		"zhenxing/catalog":          {"zhenxing/internal/db", "github.com/jackc/pgx/v5"},
		"zhenxing/sitemap":          {"zhenxing/cmd/zhenxing"}, // not under zhenxing/site
		"zhenxing/contents":         {"zhenxing/catalog"},      // not under zhenxing/content
		"zhenxing/internal/account": {"zhenxing/internal/db"},
	}
	if got := layerViolations(allowed, layerRules); len(got) != 0 {
		t.Errorf("allowed graph refused: %q", got)
	}
	tests := []struct {
		name, pkg, dep string
	}{
		{"content imports Fiber", "zhenxing/content", "github.com/gofiber/fiber/v2/middleware/compress"},
		{"catalog imports fasthttp", "zhenxing/catalog", "github.com/valyala/fasthttp"},
		{"account imports site", "zhenxing/internal/account", "zhenxing/site"},
		{"db imports Fiber", "zhenxing/internal/db", "github.com/gofiber/fiber/v2"},
		{"search imports site", "zhenxing/search/meili", "zhenxing/site"},
		{"site imports cmd", "zhenxing/site", "zhenxing/cmd/zhenxing"},
		{"content imports catalog", "zhenxing/content/events", "zhenxing/catalog"},
		{"catalog imports account", "zhenxing/catalog", "zhenxing/internal/account"},
		{"account imports catalog", "zhenxing/internal/account", "zhenxing/catalog"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := layerViolations(map[string][]string{tt.pkg: {"zhenxing", tt.dep}}, layerRules)
			if len(got) != 1 || !strings.HasPrefix(got[0], tt.pkg+" depends on "+tt.dep) {
				t.Errorf("violations = %q, want one for %s -> %s", got, tt.pkg, tt.dep)
			}
		})
	}
}
