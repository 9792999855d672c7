package site

import (
	"log/slog"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/adaptor"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// metrics are the Prometheus series of one server, in a registry of its own.
type metrics struct {
	registry *prometheus.Registry
	requests *prometheus.CounterVec
	latency  *prometheus.HistogramVec
}

func newMetrics() *metrics {
	m := &metrics{
		registry: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "zhenxing_http_requests_total",
			Help: "HTTP requests served, by method, route and status.",
		}, []string{"method", "route", "status"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "zhenxing_http_request_duration_seconds",
			Help:    "Time to serve HTTP requests, by method and route.",
			Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5},
		}, []string{"method", "route"}),
	}
	m.registry.MustRegister(m.requests, m.latency,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// observe counts one answer. The method becomes a label, which the registry keeps: it is mapped
// to a constant, never kept as given, since fasthttp reuses the bytes behind c.Method() for the
// next request on the connection. A route must be a registered route's path or a constant.
func (m *metrics) observe(method, route string, status int, took time.Duration) {
	m.count(method, route, status)
	m.latency.WithLabelValues(methodLabel(method), route).Observe(took.Seconds())
}

// count is observe for an answer whose duration is not known.
func (m *metrics) count(method, route string, status int) {
	m.requests.WithLabelValues(methodLabel(method), route, strconv.Itoa(status)).Inc()
}

// methodLabel is the constant for a standard HTTP method and "OTHER" for anything else, so that
// neither a reused buffer nor a client's invented methods can reach the registry.
func methodLabel(method string) string {
	for _, m := range httpMethods {
		if method == m {
			return m
		}
	}
	return "OTHER"
}

var httpMethods = [...]string{
	fiber.MethodGet, fiber.MethodHead, fiber.MethodPost, fiber.MethodPut, fiber.MethodPatch,
	fiber.MethodDelete, fiber.MethodOptions, fiber.MethodConnect, fiber.MethodTrace,
}

func (m *metrics) handler() fiber.Handler {
	return adaptor.HTTPHandler(promhttp.HandlerFor(m.registry, promhttp.HandlerOpts{}))
}

// slogLevel is the level of an answer's access log line. A 503 (the database cannot be reached,
// or the server is shutting down) is INFO: its cause is logged once, as a WARN line, not once per
// request.
func slogLevel(status int) slog.Level {
	switch {
	case status == fiber.StatusServiceUnavailable:
		return slog.LevelInfo
	case status >= 500:
		return slog.LevelError
	case status >= 400:
		return slog.LevelWarn
	default:
		return slog.LevelInfo
	}
}
