package site

import (
	"testing"

	"github.com/valyala/fasthttp"
)

// BenchmarkHallListing renders one hall listing a request, without the hall cache, through the
// server's handler (no network): the cost that scripts/bench-hall measures end to end.
func BenchmarkHallListing(b *testing.B) {
	f := newHallFixture(b)
	s := f.server(b, testNow)
	h := s.App.Handler()
	for _, target := range []string{"/hall/products", "/hall/products?category=%E8%8F%8C%E8%8F%87&county=%E7%95%A5%E9%98%B3%E5%8E%BF"} {
		b.Run(target, func(b *testing.B) {
			var ctx fasthttp.RequestCtx
			for b.Loop() {
				ctx.Request.Reset()
				ctx.Response.Reset()
				ctx.Request.SetRequestURI(target)
				h(&ctx)
				if ctx.Response.StatusCode() != 200 {
					b.Fatalf("%s: %d", target, ctx.Response.StatusCode())
				}
			}
		})
	}
}
