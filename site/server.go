// Package site is the Fiber application: the only package that knows HTTP. It turns requests into
// calls on the domain packages and their results into pages, feeds and JSON.
package site

import (
	"context"
	"log/slog"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/compress"
	"github.com/gofiber/fiber/v2/middleware/etag"
	"github.com/gofiber/fiber/v2/middleware/recover"
	"github.com/gofiber/fiber/v2/middleware/requestid"
	"github.com/jackc/pgx/v5/pgxpool"

	"zhenxing"
	"zhenxing/catalog"
	"zhenxing/content"
	"zhenxing/interact"
	"zhenxing/internal/account"
	"zhenxing/order"
	"zhenxing/payment"
	"zhenxing/search"
)

// Identity is what the footer and the meta tags of a government site say about the site.
type Identity struct {
	Name           string // 网站名称, e.g. 西安市灞桥区乡村振兴局
	Sponsor        string // 主办单位
	Address        string
	Phone          string
	Email          string
	Fax            string
	Hours          string // 办公时间, as the disclosure guide states it
	SiteIDCode     string // 网站标识码
	ICP            string // ICP备案号
	PublicSecurity string // 公安备案号, e.g. 陕公网安备 61011102000000号
	ErrorReportURL string // where readers report an error on the site
	ConacURL       string // the 党政机关网站标识's registration page; the badge is left out when ""
}

// PublicSecurityURL is the record page of the 公安备案号 on the national public-security record
// site: its code is the number's digits.
func (id Identity) PublicSecurityURL() string {
	code := strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, id.PublicSecurity)
	if code == "" {
		return ""
	}
	return "https://beian.mps.gov.cn/#/query/webSearch?code=" + code
}

// Config is everything the site needs besides its dependencies.
type Config struct {
	BaseURL        *url.URL // the public address, used for canonical URLs, feeds and HSTS
	Identity       Identity
	TrustedProxies []string // when set, X-Forwarded-For from these addresses names the client
	Logger         *slog.Logger
	Now            func() time.Time    // the clock; time.Now when nil
	SessionIdle    time.Duration       // back-office session idle timeout; DefaultSessionIdle when 0
	SessionMaxAge  time.Duration       // back-office session absolute timeout; DefaultSessionMaxAge when 0
	HallCacheTTL   time.Duration       // how long a rendered hall listing (and the sales statistics) is served again; 0 renders every request
	Bank           payment.BankAccount // the collection account buyers pay by bank transfer into
}

// Deps are the domain services the site calls. All are required.
type Deps struct {
	Content   *content.Store
	DB        *pgxpool.Pool  // the shared pool: readiness and the audit log
	Accounts  *account.Store // staff and buyer accounts, their sessions and the login throttle
	Suppliers *catalog.Suppliers
	Products  *catalog.Products
	Photos    *catalog.Photos
	Stock     *catalog.Stock
	Orders    *order.Service // carts, checkouts, orders, payments and invoices of the hall
	Stats     *order.Stats   // the hall's sales statistics from paid orders
	// Search is the engine behind /search, /api/v1/search and the text queries of the hall's
	// listing and the positions page; an Indexer keeps it in step with Content and the catalogue.
	Search search.Engine

	// The citizens' channels (interact): disclosure requests, the director's mailbox, comments
	// on consultations and reports of errors on the site.
	Requests      *interact.Requests
	Messages      *interact.Messages
	Consultations *interact.Consultations
	Feedback      *interact.Feedback

	// Stripe is the Stripe client; nil without Stripe: buyers pay by bank transfer only, and
	// /account/checkouts/{reference}/stripe and /webhooks/stripe answer 404.
	Stripe *payment.Client
}

// Server holds the application and what its handlers share.
type Server struct {
	App *fiber.App

	cfg     Config
	deps    Deps
	views   *views
	assets  *assets
	metrics *metrics
	pages   pageCache
	hall    hallCache  // the hall's listings for a moment, see hallcache.go
	sales   salesCache // the sales statistics for a moment, see stats.go
	shells  listingShells
	log     *slog.Logger
	outage  *databaseOutage // see health.go

	stopping chan struct{} // closed by Drain
	drainNow sync.Once
}

// New builds the application with its middleware and routes.
func New(cfg Config, deps Deps) (*Server, error) {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	s := &Server{cfg: cfg, deps: deps, log: cfg.Logger, metrics: newMetrics(), stopping: make(chan struct{}),
		hall: hallCache{ttl: cfg.HallCacheTTL}, sales: salesCache{ttl: cfg.HallCacheTTL}}
	s.outage = newDatabaseOutage(s.log, deps.DB, s.stopping)
	var err error
	if s.assets, err = loadAssets(); err != nil {
		return nil, err
	}
	if s.views, err = loadViews(s.assets); err != nil {
		return nil, err
	}
	s.App = fiber.New(fiber.Config{
		AppName:                 "zhenxing",
		ReadTimeout:             15 * time.Second,
		WriteTimeout:            30 * time.Second,
		IdleTimeout:             120 * time.Second,
		BodyLimit:               8 << 20,
		ReadBufferSize:          16 << 10,
		WriteBufferSize:         32 << 10, // a whole document page in one write, not a header write and a body write
		DisableStartupMessage:   true,
		ErrorHandler:            s.handleRejected, // observe handles every other error
		ProxyHeader:             proxyHeader(cfg.TrustedProxies),
		EnableTrustedProxyCheck: len(cfg.TrustedProxies) > 0,
		TrustedProxies:          cfg.TrustedProxies,
	})
	// A panic below observe becomes an error that observe answers, logs and counts; the outer
	// recover is for a panic in observe itself or in the error page.
	recoverPanics := recover.New(recover.Config{EnableStackTrace: true, StackTraceHandler: s.logPanic})
	s.App.Server().CloseOnShutdown = true
	s.App.Use(
		recoverPanics,
		requestid.New(),
		s.securityHeaders,
		s.closeWhenDraining,
		s.observe,
		recoverPanics,
		s.rejectBadRequests,
		compress.New(),
		etag.New(),
	)
	s.routes()
	return s, nil
}

func proxyHeader(trusted []string) string {
	if len(trusted) > 0 {
		return fiber.HeaderXForwardedFor
	}
	return ""
}

func (s *Server) now() time.Time { return s.cfg.Now().In(zhenxing.Beijing) }

func (s *Server) logPanic(c *fiber.Ctx, e any) {
	s.log.Error("panic", "request_id", requestID(c), "path", c.Path(), "panic", e)
}

// Drain begins the shutdown. From now on /readyz answers 503, so that a load balancer stops
// sending requests here, and every answer carries Connection: close, so that a keep-alive client
// sends its next request on a new connection instead of one about to be closed under it. The
// server keeps serving; calling Drain again does nothing.
func (s *Server) Drain() {
	s.drainNow.Do(func() { close(s.stopping) })
}

func (s *Server) draining() bool {
	select {
	case <-s.stopping:
		return true
	default:
		return false
	}
}

// closeWhenDraining asks the client to close its connection after this answer once the server
// drains. It looks after the handler, so a request in flight when Drain is called gets it too.
func (s *Server) closeWhenDraining(c *fiber.Ctx) error {
	err := c.Next()
	if s.draining() {
		c.Response().Header.SetConnectionClose()
	}
	return err
}

// Shutdown drains the server (Drain) for drain, or until ctx is done if that comes first, then
// stops accepting connections, closes the idle ones and waits up to timeout for the requests in
// flight. It returns an error when they did not all finish within timeout.
func (s *Server) Shutdown(ctx context.Context, drain, timeout time.Duration) error {
	s.Drain()
	if drain > 0 {
		t := time.NewTimer(drain)
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
		}
	}
	return s.App.ShutdownWithTimeout(timeout)
}

func requestID(c *fiber.Ctx) string {
	id, _ := c.Locals(requestid.ConfigDefault.ContextKey).(string)
	return id
}
