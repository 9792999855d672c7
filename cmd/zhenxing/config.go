package main

import (
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"zhenxing"
	"zhenxing/content"
	"zhenxing/payment"
	"zhenxing/site"
)

// config is the program's configuration, read from the environment. Every variable is listed in
// the README.
type config struct {
	Addr             string
	BaseURL          *url.URL
	DatabaseURL      string
	ContentDir       string
	LogLevel         slog.Level
	LogFormat        string
	MigrateOnStart   bool
	ShutdownDrain    time.Duration // SHUTDOWN_DRAIN: after SIGTERM, how long to keep serving with Connection: close
	ShutdownTimeout  time.Duration // SHUTDOWN_TIMEOUT: then how long the requests in flight may run
	TrustedProxies   []string
	Identity         site.Identity
	SessionIdle      time.Duration       // SESSION_IDLE_TIMEOUT: a back-office session unused this long ends
	SessionMaxAge    time.Duration       // SESSION_MAX_AGE: a back-office session ends this long after login
	HallCacheTTL     time.Duration       // HALL_CACHE_TTL: how long a rendered hall listing is served again; 0 turns the cache off
	Stripe           *payment.Config     // STRIPE_*: nil when STRIPE_SECRET_KEY is unset, and buyers pay by bank transfer only
	OrderPayTime     time.Duration       // ORDER_PAY_HOURS: an unpaid order is cancelled and its stock released this long after it is placed
	BankAccount      payment.BankAccount // BANK_ACCOUNT_NAME, BANK_NAME, BANK_ACCOUNT_NUMBER: the collection account for bank transfers
	Search           searchConfig
	MessageReplyDays int // MESSAGE_REPLY_DAYS: the working days within which a mailbox message is answered
	RetentionYears   int // RETENTION_YEARS: personal data of a closed case is deleted this many years after it closed
}

// searchConfig is which search engine to use and how the index keeps in step.
type searchConfig struct {
	MeiliURL     string        // MEILI_URL: "" for the embedded engine
	MeiliKey     string        // MEILI_KEY
	MeiliPrefix  string        // MEILI_INDEX_PREFIX: index names start with it
	MeiliTimeout time.Duration // MEILI_TIMEOUT: how long a request or task may take
	Fallback     bool          // SEARCH_FALLBACK=embedded: answer from an embedded index while Meilisearch is down
	Recheck      time.Duration // SEARCH_RECHECK: how often the index checks the catalogue and content for changes
	Cache        int           // SEARCH_CACHE: how many answers each server remembers; 0 for none
	DataDir      string        // DATA_DIR: where the embedded index keeps its snapshots (DATA_DIR/search); "" for none
}

// nationalErrorReport is the national platform where readers report errors on government sites
// (我为政府网站找错); the footer's link adds the site's code and the page's address.
const nationalErrorReport = "https://zfwzzc.www.gov.cn/check_web/errorInfo_querySiteInfo.action"

var meiliPrefix = regexp.MustCompile(`^[A-Za-z0-9_-]{0,40}$`)

// configError names the setting that is wrong; main prints it and exits with status 2.
type configError struct {
	Name, Problem string
}

func (e *configError) Error() string { return fmt.Sprintf("配置错误：%s %s", e.Name, e.Problem) }

var siteIDCode = regexp.MustCompile(`^[0-9A-Za-z]{10}$`)

// loadConfig reads the environment. needDB says whether DATABASE_URL is required.
func loadConfig(getenv func(string) string, needDB bool) (*config, error) {
	get := func(name, def string) string {
		if v := strings.TrimSpace(getenv(name)); v != "" {
			return v
		}
		return def
	}
	c := &config{
		Addr:        get("ADDR", ":8080"),
		DatabaseURL: get("DATABASE_URL", ""),
		ContentDir:  get("CONTENT_DIR", ""),
		LogFormat:   get("LOG_FORMAT", "json"),
		Identity: site.Identity{
			Name:           get("SITE_NAME", "西安市灞桥区乡村振兴局"),
			Sponsor:        get("SITE_SPONSOR", "西安市灞桥区乡村振兴局"),
			Address:        get("SITE_ADDRESS", "西安市灞桥区纺织城正街"),
			Phone:          get("SITE_PHONE", "029-83510000"),
			Email:          get("SITE_EMAIL", "xczx@baqiao.example.cn"),
			Fax:            get("SITE_FAX", "029-83510001"),
			Hours:          get("SITE_HOURS", "周一至周五（法定节假日除外）上午 8:30—12:00，下午 14:00—17:30"),
			SiteIDCode:     get("SITE_ID_CODE", "6101110000"),
			ICP:            get("SITE_ICP", "陕ICP备00000000号"),
			PublicSecurity: get("SITE_PUBLIC_SECURITY", "陕公网安备 61011102000000号"),
			ErrorReportURL: get("SITE_ERROR_REPORT_URL", nationalErrorReport),
			ConacURL:       get("SITE_CONAC_URL", ""),
		},
	}

	if _, port, err := net.SplitHostPort(c.Addr); err != nil || port == "" {
		return nil, &configError{"ADDR", fmt.Sprintf("应为“主机：端口”，如 :8080（当前值 %q）", c.Addr)}
	}
	base := get("BASE_URL", "http://localhost:8080")
	u, err := url.Parse(base)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
		return nil, &configError{"BASE_URL", fmt.Sprintf("应为以 http:// 或 https:// 开头的网站地址（当前值 %q）", base)}
	}
	u.Path = strings.TrimSuffix(u.Path, "/")
	c.BaseURL = u

	if c.DatabaseURL == "" && needDB {
		return nil, &configError{"DATABASE_URL", "未设置：应为 PostgreSQL 连接地址，如 postgres://user@127.0.0.1:5432/zhenxing"}
	}
	if c.DatabaseURL != "" {
		if du, err := url.Parse(c.DatabaseURL); err != nil || (du.Scheme != "postgres" && du.Scheme != "postgresql") {
			return nil, &configError{"DATABASE_URL", "应为以 postgres:// 开头的 PostgreSQL 连接地址"}
		}
	}
	if c.ContentDir != "" {
		if info, err := os.Stat(c.ContentDir); err != nil || !info.IsDir() {
			return nil, &configError{"CONTENT_DIR", fmt.Sprintf("不是一个可读的目录（当前值 %q）", c.ContentDir)}
		}
		if err := content.CheckLayout(os.DirFS(c.ContentDir)); err != nil {
			return nil, &configError{"CONTENT_DIR", fmt.Sprintf("%q %s", c.ContentDir, zhenxing.ErrorMessage(err))}
		}
	}
	switch lvl := strings.ToLower(get("LOG_LEVEL", "info")); lvl {
	case "debug":
		c.LogLevel = slog.LevelDebug
	case "info":
		c.LogLevel = slog.LevelInfo
	case "warn", "warning":
		c.LogLevel = slog.LevelWarn
	case "error":
		c.LogLevel = slog.LevelError
	default:
		return nil, &configError{"LOG_LEVEL", fmt.Sprintf("应为 debug、info、warn 或 error（当前值 %q）", lvl)}
	}
	if c.LogFormat != "json" && c.LogFormat != "text" {
		return nil, &configError{"LOG_FORMAT", fmt.Sprintf("应为 json 或 text（当前值 %q）", c.LogFormat)}
	}
	if v := get("MIGRATE_ON_START", "false"); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return nil, &configError{"MIGRATE_ON_START", fmt.Sprintf("应为 true 或 false（当前值 %q）", v)}
		}
		c.MigrateOnStart = b
	}
	sd := get("SHUTDOWN_DRAIN", "5s")
	if c.ShutdownDrain, err = time.ParseDuration(sd); err != nil || c.ShutdownDrain < 0 {
		return nil, &configError{"SHUTDOWN_DRAIN", fmt.Sprintf("应为不小于 0 的时长，如 5s（当前值 %q）", sd)}
	}
	st := get("SHUTDOWN_TIMEOUT", "20s")
	if c.ShutdownTimeout, err = time.ParseDuration(st); err != nil || c.ShutdownTimeout <= 0 {
		return nil, &configError{"SHUTDOWN_TIMEOUT", fmt.Sprintf("应为正的时长，如 20s（当前值 %q）", st)}
	}
	for _, d := range []struct {
		name, def string
		to        *time.Duration
	}{{"SESSION_IDLE_TIMEOUT", "30m", &c.SessionIdle}, {"SESSION_MAX_AGE", "12h", &c.SessionMaxAge}} {
		v := get(d.name, d.def)
		if *d.to, err = time.ParseDuration(v); err != nil || *d.to < time.Minute {
			return nil, &configError{d.name, fmt.Sprintf("应为不短于 1 分钟的时长，如 %s（当前值 %q）", d.def, v)}
		}
	}
	ht := get("HALL_CACHE_TTL", "2s")
	if c.HallCacheTTL, err = time.ParseDuration(ht); err != nil || c.HallCacheTTL < 0 {
		return nil, &configError{"HALL_CACHE_TTL", fmt.Sprintf("应为不小于 0 的时长，如 2s；0 表示不缓存（当前值 %q）", ht)}
	}
	if err := loadPayment(get, c); err != nil {
		return nil, err
	}
	if err := loadSearch(get, c); err != nil {
		return nil, err
	}
	if c.SessionIdle > c.SessionMaxAge {
		return nil, &configError{"SESSION_IDLE_TIMEOUT", fmt.Sprintf("不应长于 SESSION_MAX_AGE（当前值 %s > %s）", c.SessionIdle, c.SessionMaxAge)}
	}
	if v := get("TRUSTED_PROXIES", ""); v != "" {
		for _, p := range strings.Split(v, ",") {
			p = strings.TrimSpace(p)
			if net.ParseIP(p) == nil {
				if _, _, err := net.ParseCIDR(p); err != nil {
					return nil, &configError{"TRUSTED_PROXIES", fmt.Sprintf("应为逗号分隔的 IP 地址或网段（%q 无效）", p)}
				}
			}
			c.TrustedProxies = append(c.TrustedProxies, p)
		}
	}
	if !siteIDCode.MatchString(c.Identity.SiteIDCode) {
		return nil, &configError{"SITE_ID_CODE", fmt.Sprintf("网站标识码应为 10 位数字或字母（当前值 %q）", c.Identity.SiteIDCode)}
	}
	if u, err := url.Parse(c.Identity.ErrorReportURL); err != nil || !slices.Contains([]string{"https", "http", "mailto"}, u.Scheme) ||
		u.Scheme != "mailto" && u.Host == "" {
		return nil, &configError{"SITE_ERROR_REPORT_URL", fmt.Sprintf("应为 https:// 或 mailto: 开头的地址（当前值 %q）", c.Identity.ErrorReportURL)}
	}
	if v := c.Identity.ConacURL; v != "" {
		if u, err := url.Parse(v); err != nil || u.Scheme != "https" || u.Host == "" {
			return nil, &configError{"SITE_CONAC_URL", fmt.Sprintf("应为党政机关网站标识注册页面的 https:// 地址（当前值 %q）", v)}
		}
	}
	return c, nil
}

// Stripe keys: a secret (or restricted) key and a webhook endpoint's signing secret.
var (
	stripeKey           = regexp.MustCompile(`^(sk|rk)_(test|live)_[0-9A-Za-z]+$`)
	stripeWebhookSecret = regexp.MustCompile(`^whsec_[0-9A-Za-z_]+$`)
	bankAccountNumber   = regexp.MustCompile(`^[0-9][0-9 -]{6,40}[0-9]$`)
)

// maxBankField is the longest payee or bank name, in characters.
const maxBankField = 100

// loadPayment reads how buyers pay: Stripe (only with STRIPE_SECRET_KEY), the payment deadline
// and the collection account for bank transfers. Every value set is checked, used or not.
func loadPayment(get func(name, def string) string, c *config) error {
	key := get("STRIPE_SECRET_KEY", "")
	if key != "" && !stripeKey.MatchString(key) {
		return &configError{"STRIPE_SECRET_KEY", "应为 Stripe 的密钥，以 sk_live_、sk_test_、rk_live_ 或 rk_test_ 开头"}
	}
	secret := get("STRIPE_WEBHOOK_SECRET", "")
	if secret != "" && !stripeWebhookSecret.MatchString(secret) {
		return &configError{"STRIPE_WEBHOOK_SECRET", "应为 Stripe 回调端点的签名密钥，以 whsec_ 开头"}
	}
	if key != "" && secret == "" {
		return &configError{"STRIPE_WEBHOOK_SECRET", "未设置：设置了 STRIPE_SECRET_KEY 时必须设置，否则无法验证支付回调"}
	}
	apiURL := get("STRIPE_API_URL", "")
	if apiURL != "" {
		u, err := url.Parse(apiURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
			return &configError{"STRIPE_API_URL", fmt.Sprintf("应为以 http:// 或 https:// 开头的接口地址，如 %s（当前值 %q）", payment.DefaultAPIURL, apiURL)}
		}
	}
	var methods []string
	for _, m := range strings.Split(get("STRIPE_PAYMENT_METHODS", payment.MethodCard), ",") {
		m = strings.ToLower(strings.TrimSpace(m))
		if !payment.ValidMethod(m) {
			return &configError{"STRIPE_PAYMENT_METHODS", fmt.Sprintf("应为逗号分隔的 %s（%q 无效）", strings.Join(payment.Methods, "、"), m)}
		}
		if !slices.Contains(methods, m) {
			methods = append(methods, m)
		}
	}
	if key != "" {
		c.Stripe = &payment.Config{SecretKey: key, WebhookSecret: secret, APIURL: apiURL, PaymentMethods: methods}
	}

	ph := get("ORDER_PAY_HOURS", "48")
	hours, err := strconv.Atoi(ph)
	if err != nil || hours < 1 || hours > 8760 {
		return &configError{"ORDER_PAY_HOURS", fmt.Sprintf("应为 1 至 8760 之间的整数小时数，如 48（当前值 %q）", ph)}
	}
	c.OrderPayTime = time.Duration(hours) * time.Hour

	if c.MessageReplyDays, err = intSetting(get, "MESSAGE_REPLY_DAYS", "5", 1, 60, "个工作日"); err != nil {
		return err
	}
	if c.RetentionYears, err = intSetting(get, "RETENTION_YEARS", "3", 1, 30, "年"); err != nil {
		return err
	}

	// The defaults are samples for make run, and say so on every page that shows them.
	c.BankAccount = payment.BankAccount{
		Name:   get("BANK_ACCOUNT_NAME", "西安市灞桥区乡村振兴局（示例账户，请勿转账）"),
		Bank:   get("BANK_NAME", "示例银行西安灞桥支行"),
		Number: get("BANK_ACCOUNT_NUMBER", "0000 0000 0000 0000 000"),
	}
	for _, f := range []struct{ name, value string }{{"BANK_ACCOUNT_NAME", c.BankAccount.Name}, {"BANK_NAME", c.BankAccount.Bank}} {
		if n := utf8.RuneCountInString(f.value); n > maxBankField {
			return &configError{f.name, fmt.Sprintf("不应超过 %d 个字（当前 %d 个字）", maxBankField, n)}
		}
	}
	if !bankAccountNumber.MatchString(c.BankAccount.Number) {
		return &configError{"BANK_ACCOUNT_NUMBER", fmt.Sprintf("应为银行账号：数字，可用空格或连字符分组（当前值 %q）", c.BankAccount.Number)}
	}
	return nil
}

// loadSearch reads the search settings. Every value set is checked, used or not.
func loadSearch(get func(name, def string) string, c *config) error {
	s := &c.Search
	if dir := get("DATA_DIR", ""); dir != "" {
		if info, err := os.Stat(dir); err != nil || !info.IsDir() {
			return &configError{"DATA_DIR", fmt.Sprintf("不是一个已有的目录（当前值 %q）", dir)}
		}
		probe, err := os.CreateTemp(dir, ".write-check-*")
		if err != nil {
			return &configError{"DATA_DIR", fmt.Sprintf("无法写入（当前值 %q）", dir)}
		}
		probe.Close()
		os.Remove(probe.Name())
		s.DataDir = filepath.Join(dir, "search")
	}
	s.MeiliURL = get("MEILI_URL", "")
	if s.MeiliURL != "" {
		u, err := url.Parse(s.MeiliURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
			return &configError{"MEILI_URL", fmt.Sprintf("应为以 http:// 或 https:// 开头的 Meilisearch 地址，如 http://127.0.0.1:7700（当前值 %q）", s.MeiliURL)}
		}
	}
	s.MeiliKey = get("MEILI_KEY", "")
	s.MeiliPrefix = get("MEILI_INDEX_PREFIX", "zhenxing_")
	if !meiliPrefix.MatchString(s.MeiliPrefix) {
		return &configError{"MEILI_INDEX_PREFIX", fmt.Sprintf("只能由字母、数字、下划线和连字符组成，不超过 40 个字符（当前值 %q）", s.MeiliPrefix)}
	}
	mt := get("MEILI_TIMEOUT", "5s")
	var err error
	if s.MeiliTimeout, err = time.ParseDuration(mt); err != nil || s.MeiliTimeout < 100*time.Millisecond || s.MeiliTimeout > 5*time.Minute {
		return &configError{"MEILI_TIMEOUT", fmt.Sprintf("应为 100ms 至 5m 之间的时长，如 5s（当前值 %q）", mt)}
	}
	switch fb := get("SEARCH_FALLBACK", ""); fb {
	case "":
	case "embedded":
		if s.MeiliURL == "" {
			return &configError{"SEARCH_FALLBACK", "只在设置了 MEILI_URL 时有意义：未设置 MEILI_URL 时本来就使用内置搜索"}
		}
		s.Fallback = true
	default:
		return &configError{"SEARCH_FALLBACK", fmt.Sprintf("应为 embedded 或不设置（当前值 %q）", fb)}
	}
	sc := get("SEARCH_CACHE", "1000")
	if s.Cache, err = strconv.Atoi(sc); err != nil || s.Cache < 0 || s.Cache > 1_000_000 {
		return &configError{"SEARCH_CACHE", fmt.Sprintf("应为 0 至 1000000 之间的整数，0 表示不缓存（当前值 %q）", sc)}
	}
	rc := get("SEARCH_RECHECK", "2s")
	if s.Recheck, err = time.ParseDuration(rc); err != nil || s.Recheck < 100*time.Millisecond || s.Recheck > time.Hour {
		return &configError{"SEARCH_RECHECK", fmt.Sprintf("应为 100ms 至 1h 之间的时长，如 2s（当前值 %q）", rc)}
	}
	return nil
}

func (c *config) logger() *slog.Logger {
	opts := &slog.HandlerOptions{Level: c.LogLevel}
	if c.LogFormat == "text" {
		return slog.New(slog.NewTextHandler(os.Stderr, opts))
	}
	return slog.New(slog.NewJSONHandler(os.Stderr, opts))
}

// intSetting reads the whole number of the setting name (def when unset), between lo and hi;
// unit names what it counts in the error's message.
func intSetting(get func(string, string) string, name, def string, lo, hi int, unit string) (int, error) {
	v := get(name, def)
	n, err := strconv.Atoi(v)
	if err != nil || n < lo || n > hi {
		return 0, &configError{name, fmt.Sprintf("应为 %d 至 %d 之间的整数（%s），如 %s（当前值 %q）", lo, hi, unit, def, v)}
	}
	return n, nil
}
