// Command zhenxing runs the site of a district rural-revitalization bureau and its chores.
//
//	zhenxing serve          run the site
//	zhenxing check [DIR]    validate a content directory (default: the embedded content)
//	zhenxing migrate        apply database migrations
//	zhenxing user add --staff USERNAME [--role ROLE] [--name NAME]   create a back-office account
//	zhenxing user bootstrap                            the first administrator (make run)
//	zhenxing import products|suppliers FILE            import a CSV or JSON file, all rows or none
//	zhenxing export products [FILE]                    write the products as CSV
//	zhenxing seed                                      add the sample catalogue, buyers and orders
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"os"
	"os/signal"
	"syscall"
	"time"
	_ "time/tzdata" // Asia/Shanghai without the system zone database

	"github.com/jackc/pgx/v5/pgxpool"

	"zhenxing"
	"zhenxing/catalog"
	"zhenxing/content"
	"zhenxing/interact"
	"zhenxing/internal/account"
	"zhenxing/internal/db"
	"zhenxing/order"
	"zhenxing/payment"
	"zhenxing/search"
	"zhenxing/site"
)

const usage = `用法：zhenxing <命令> [参数]

命令：
  serve          运行网站
  check [目录]   检查内容目录（默认检查内置内容），逐条列出问题
  migrate        执行数据库迁移
  user add --staff 用户名 [--role hall|open|messages|admin] [--name 显示名称]
                 创建后台工作人员账号（角色默认为 admin；密码从终端或标准输入读取）
  user bootstrap 还没有工作人员账号时创建管理员 admin（make run 使用）
  import products|suppliers [--dry-run] 文件
                 导入商品或供应商（CSV 或 JSON，全部成功或全部不导入）
  export products [文件]
                 导出全部商品为 CSV（默认输出到标准输出）
  seed           载入示例供应商、商品、采购单位和订单（只新增缺少的，可重复执行）
  reindex        重建站内搜索索引（旧索引在重建期间照常响应）
`

func main() {
	os.Exit(run(context.Background(), os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr))
}

// run executes one subcommand and returns the process exit status: 0 on success, 1 on failure,
// 2 on a usage or configuration error.
func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	var err error
	switch args[0] {
	case "serve":
		err = serve(ctx, getenv, stderr)
	case "check":
		err = check(args[1:], stdout)
	case "migrate":
		err = migrateCmd(ctx, getenv, stdout)
	case "user":
		err = userCmd(ctx, args[1:], getenv, stdin, stdout, stderr)
	case "import":
		err = importCmd(ctx, getenv, args[1:], stdout)
	case "export":
		err = exportCmd(ctx, getenv, args[1:], stdout)
	case "seed":
		err = seedCmd(ctx, getenv, stdout)
	case "reindex":
		err = reindexCmd(ctx, getenv, stdout)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return 0
	default:
		fmt.Fprintf(stderr, "未知命令 %q\n\n%s", args[0], usage)
		return 2
	}
	var cerr *configError
	var uerr *usageError
	var aerr badArgs
	switch {
	case err == nil:
		return 0
	case errors.As(err, &aerr):
		fmt.Fprintln(stderr, aerr)
		return 2
	case errors.As(err, &uerr):
		fmt.Fprintln(stderr, uerr)
		return 2
	case errors.As(err, &cerr):
		fmt.Fprintln(stderr, cerr)
		return 2
	default:
		fmt.Fprintln(stderr, "错误：", err)
		return 1
	}
}

// openPool makes the connection pool; connections are opened when first needed.
func openPool(ctx context.Context, cfg *config) (*pgxpool.Pool, error) {
	pool, err := pgxpool.New(ctx, cfg.DatabaseURL)
	if err != nil {
		return nil, &configError{"DATABASE_URL", fmt.Sprintf("无法解析：%v", err)}
	}
	return pool, nil
}

// withDB reads the configuration from the environment, opens the pool of its database and runs
// fn with both; the pool is closed when fn returns. A configuration error comes before fn runs.
func withDB(ctx context.Context, getenv func(string) string, fn func(*config, *pgxpool.Pool) error) error {
	cfg, err := loadConfig(getenv, true)
	if err != nil {
		return err
	}
	pool, err := openPool(ctx, cfg)
	if err != nil {
		return err
	}
	defer pool.Close()
	return fn(cfg, pool)
}

func migrateCmd(ctx context.Context, getenv func(string) string, stdout io.Writer) error {
	var applied []db.MigrationResult
	err := withDB(ctx, getenv, func(_ *config, pool *pgxpool.Pool) (err error) {
		applied, err = db.Migrate(ctx, pool)
		return err
	})
	if err != nil {
		return err
	}
	for _, m := range applied {
		fmt.Fprintf(stdout, "已应用迁移 %d (%s)\n", m.Version, m.Source)
	}
	fmt.Fprintf(stdout, "数据库已是最新（本次应用 %d 个迁移）\n", len(applied))
	return nil
}

// check validates a content directory and lists every problem as file:line: message.
func check(args []string, stdout io.Writer) error {
	var fsys fs.FS = content.Embedded()
	name := "内置内容"
	if len(args) > 0 {
		info, err := os.Stat(args[0])
		if err != nil || !info.IsDir() {
			return fmt.Errorf("%s 不是目录", args[0])
		}
		fsys, name = os.DirFS(args[0]), args[0]
		if err := content.CheckLayout(fsys); err != nil {
			return fmt.Errorf("%s %s", name, zhenxing.ErrorMessage(err))
		}
	}
	lib, problems := content.Load(fsys)
	for _, p := range problems {
		fmt.Fprintln(stdout, p)
	}
	if len(problems) > 0 {
		return fmt.Errorf("%s 有 %d 处问题", name, len(problems))
	}
	fmt.Fprintf(stdout, "%s 检查通过：%d 篇文件，%d 场招聘活动\n", name, lib.Len(), len(lib.AllEvents()))
	return nil
}

func serve(ctx context.Context, getenv func(string) string, stderr io.Writer) error {
	cfg, err := loadConfig(getenv, true)
	if err != nil {
		return err
	}
	log := cfg.logger()
	ctx, stop := signal.NotifyContext(ctx, syscall.SIGINT, syscall.SIGTERM)
	defer stop()

	pool, err := openPool(ctx, cfg)
	if err != nil {
		return err
	}
	defer pool.Close()
	if cfg.MigrateOnStart {
		applied, err := db.Migrate(ctx, pool)
		if err != nil {
			return err
		}
		log.Info("migrations applied", "count", len(applied))
	}

	var fsys fs.FS = content.Embedded()
	if cfg.ContentDir != "" {
		fsys = os.DirFS(cfg.ContentDir)
	}
	start := time.Now()
	store := content.NewStore(fsys, log)
	log.Info("content ready", "documents", store.Library().Len(), "took", time.Since(start))
	if cfg.ContentDir != "" {
		if err := store.Watch(ctx, cfg.ContentDir, nil); err != nil {
			log.Warn("content watch unavailable; reload with SIGHUP", "err", err)
		}
		hup := make(chan os.Signal, 1)
		signal.Notify(hup, syscall.SIGHUP)
		defer signal.Stop(hup)
		go func() {
			for {
				select {
				case <-ctx.Done():
					return
				case <-hup:
					store.Reload()
				}
			}
		}()
	}

	accounts := account.NewStore(pool)
	go purgeSessions(ctx, accounts, pool, cfg.SessionIdle, log)
	orders := order.New(pool, order.Config{PayWithin: cfg.OrderPayTime, Log: log})
	go orders.Orders.Run(ctx) // every replica may: each expired order is cancelled once

	var ix *search.Indexer
	cat := catalog.New(pool, catalog.Config{OnChange: func() { ix.Changed() }})
	engine, ix := newSearch(cfg, store.Library, cat, pool, log)
	defer engine.Close()
	startSearch(ctx, cfg, ix, log)

	var stripe *payment.Client
	if cfg.Stripe != nil {
		if stripe, err = payment.New(*cfg.Stripe); err != nil {
			return err
		}
	}

	requests, messages := interact.NewRequests(pool, nil, nil), interact.NewMessages(pool, nil, nil, cfg.MessageReplyDays)
	consultations, feedback := interact.NewConsultations(pool, nil), interact.NewFeedback(pool, nil)
	go purgePersonal(ctx, cfg.RetentionYears, log, requests, messages, consultations, feedback)

	srv, err := site.New(site.Config{
		BaseURL:        cfg.BaseURL,
		Identity:       cfg.Identity,
		TrustedProxies: cfg.TrustedProxies,
		Logger:         log,
		SessionIdle:    cfg.SessionIdle,
		SessionMaxAge:  cfg.SessionMaxAge,
		HallCacheTTL:   cfg.HallCacheTTL,
		Bank:           cfg.BankAccount,
	}, site.Deps{Content: store, DB: pool, Accounts: accounts,
		Suppliers: cat.Suppliers, Products: cat.Products, Photos: cat.Photos, Stock: cat.Stock,
		Orders: orders, Stats: order.NewStats(pool), Stripe: stripe, Search: engine,
		Requests: requests, Messages: messages, Consultations: consultations, Feedback: feedback})
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return &configError{"ADDR", fmt.Sprintf("无法监听 %s：%v", cfg.Addr, err)}
	}
	served := make(chan error, 1)
	go func() { served <- srv.App.Listener(ln) }()
	log.Info("listening", "addr", ln.Addr().String(), "base_url", cfg.BaseURL.String())

	select {
	case err := <-served:
		return err
	case <-ctx.Done():
	}
	again, stopAgain := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM) // a second signal ends the drain
	defer stopAgain()
	srv.Drain()
	log.Info("shutting down: draining", "drain", cfg.ShutdownDrain, "timeout", cfg.ShutdownTimeout)
	if err := srv.Shutdown(again, cfg.ShutdownDrain, cfg.ShutdownTimeout); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	<-served
	log.Info("stopped")
	return nil
}
