package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"zhenxing"
	"zhenxing/catalog"
	"zhenxing/internal/db"
)

// badArgs is a command line the catalogue commands cannot use; the program exits with status 2.
type badArgs string

func (e badArgs) Error() string { return string(e) }

// withCatalog opens the database named by the environment and runs fn on the catalogue.
func withCatalog(ctx context.Context, getenv func(string) string, fn func(*catalog.Catalog) error) error {
	return withDB(ctx, getenv, func(_ *config, pool *pgxpool.Pool) error { return fn(catalog.New(pool, catalog.Config{})) })
}

// importFailure lists the problems of a refused import on stdout, one a line, and returns the
// summary as the error; any other error is returned as it is.
func importFailure(err error, stdout io.Writer) error {
	var problems catalog.ImportProblems
	if !errors.As(err, &problems) {
		return err
	}
	for _, p := range problems {
		fmt.Fprintln(stdout, p)
	}
	return errors.New(zhenxing.ErrorMessage(err))
}

// importCmd is `zhenxing import products|suppliers [--dry-run] FILE`: the whole file or nothing,
// every problem listed by row and column.
func importCmd(ctx context.Context, getenv func(string) string, args []string, stdout io.Writer) error {
	dryRun := false
	var rest []string
	for _, a := range args {
		if a == "--dry-run" || a == "-n" {
			dryRun = true
			continue
		}
		rest = append(rest, a)
	}
	if len(rest) != 2 || (rest[0] != "products" && rest[0] != "suppliers") {
		return badArgs("用法：zhenxing import products|suppliers [--dry-run] 文件（.csv 或 .json）")
	}
	kind, name := rest[0], rest[1]
	f, err := os.Open(name)
	if err != nil {
		return fmt.Errorf("无法打开 %s：%w", name, err)
	}
	defer f.Close()
	opts := catalog.ImportOptions{Name: name, Photos: os.DirFS(filepath.Dir(name)), DryRun: dryRun}
	return withCatalog(ctx, getenv, func(store *catalog.Catalog) error {
		load := store.ImportProducts
		if kind == "suppliers" {
			load = store.ImportSuppliers
		}
		res, err := load(ctx, db.CommandLine, f, opts)
		if err != nil {
			return importFailure(err, stdout)
		}
		verb := "已导入"
		if dryRun {
			verb = "检查通过（未写入）"
		}
		fmt.Fprintf(stdout, "%s %s：新建 %d，更新 %d，未变 %d\n", verb, name, res.Created, res.Updated, res.Unchanged)
		return nil
	})
}

// exportCmd is `zhenxing export products [FILE]`: CSV to the file, or to standard output.
func exportCmd(ctx context.Context, getenv func(string) string, args []string, stdout io.Writer) error {
	if len(args) < 1 || len(args) > 2 || args[0] != "products" {
		return badArgs("用法：zhenxing export products [文件.csv]（不写文件名时输出到标准输出）")
	}
	return withCatalog(ctx, getenv, func(store *catalog.Catalog) error {
		if len(args) == 1 {
			return store.ExportProducts(ctx, stdout)
		}
		f, err := os.Create(args[1])
		if err != nil {
			return fmt.Errorf("无法创建 %s：%w", args[1], err)
		}
		if err := store.ExportProducts(ctx, f); err != nil {
			f.Close()
			return err
		}
		return f.Close()
	})
}

// seedCmd is `zhenxing seed`: adds the embedded sample suppliers and products that are missing,
// and the sample organisations, orders and letters when there are none.
func seedCmd(ctx context.Context, getenv func(string) string, stdout io.Writer) error {
	return withDB(ctx, getenv, func(_ *config, pool *pgxpool.Pool) error {
		res, err := catalog.New(pool, catalog.Config{}).Seed(ctx, catalog.SeedFS())
		if err != nil {
			return importFailure(err, stdout)
		}
		fmt.Fprintf(stdout, "示例数据：新增供应商 %d 家（已有 %d 家），新增商品 %d 种（已有 %d 种）\n",
			res.Suppliers.Created, res.Suppliers.Skipped, res.Products.Created, res.Products.Skipped)
		if err := seedSample(ctx, pool, stdout, time.Now()); err != nil {
			return err
		}
		if err := seedSampleLetters(ctx, pool, stdout, time.Now()); err != nil {
			return err
		}
		if err := seedSampleRequests(ctx, pool, stdout, time.Now()); err != nil {
			return err
		}
		return seedSampleConsultation(ctx, pool, stdout)
	})
}
