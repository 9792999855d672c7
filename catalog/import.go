package catalog

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"slices"
	"strconv"
	"strings"
	"time"
	"zhenxing/internal/db"

	"github.com/jackc/pgx/v5"

	"zhenxing"
)

// ImportOptions say how to read an import file and what to do with it.
type ImportOptions struct {
	Name    string // the file's name: its extension picks the format when Format is "", and it names the import in the audit log
	Format  string // FormatCSV or FormatJSON
	Photos  fs.FS  // where the photos column's paths are read; nil: a non-empty photos cell is a problem
	OnlyNew bool   // create what is missing and leave existing suppliers and products untouched (the seed)
	DryRun  bool   // check everything and count what would change, write nothing
}

// ImportResult counts the records of an import file by what happened to them.
type ImportResult struct {
	Created   int `json:"created"`
	Updated   int `json:"updated"`
	Unchanged int `json:"unchanged"`
	Skipped   int `json:"skipped"` // existing, left alone because of OnlyNew
}

// The columns of import and export files (JSON keys or the CSV header). Money is in fen, dates
// are YYYY-MM-DD, lists are separated by "|" (or ";", "、", ","), tiers are written
// "50:6500;100:6200" in CSV (from 50 units 6500 fen each, from 100 units 6200) and
// [{"min_qty": 50, "price": 6500}, ...] in JSON, flags and photos are JSON arrays. The Chinese
// headers of the alias tables are accepted too.
var (
	SupplierColumns = []string{"slug", "name", "kind", "county", "township", "credit_code", "cert_number",
		"cert_date", "cert_expiry", "households", "linkage", "contact_name", "contact_phone", "description"}
	ProductColumns = []string{"slug", "name", "category", "county", "township", "supplier", "spec", "unit",
		"price", "tiers", "min_qty", "multiple", "stock", "season_start", "season_end", "flags",
		"description", "listed", "photos"}
)

var supplierAliases = map[string]string{
	"网址标识": "slug", "标识": "slug", "名称": "name", "供应商名称": "name", "主体名称": "name",
	"类型": "kind", "主体类型": "kind", "县区": "county", "所在县区": "county", "镇街": "township", "乡镇": "township",
	"统一社会信用代码": "credit_code", "信用代码": "credit_code", "认定编号": "cert_number", "扶贫产品认定编号": "cert_number",
	"认定日期": "cert_date", "有效期至": "cert_expiry", "认定有效期": "cert_expiry", "带动农户数": "households",
	"联农带农方式": "linkage", "联农带农": "linkage", "联系人": "contact_name", "联系电话": "contact_phone", "简介": "description",
}

var productAliases = map[string]string{
	"网址标识": "slug", "标识": "slug", "品名": "name", "名称": "name", "商品名称": "name", "品类": "category",
	"产地": "county", "县区": "county", "镇街": "township", "乡镇": "township", "供应商": "supplier", "规格": "spec",
	"单位": "unit", "单价（分）": "price", "阶梯价（分）": "tiers",
	"起订量": "min_qty", "订购倍数": "multiple", "倍数": "multiple", "库存": "stock", "上市起始月": "season_start",
	"上市开始月": "season_start", "上市结束月": "season_end", "认证": "flags", "认证标志": "flags", "介绍": "description",
	"商品介绍": "description", "上架": "listed", "是否上架": "listed", "图片": "photos",
}

// ambiguousProduct are headers refused with a hint.
var ambiguousProduct = map[string]string{
	"单价":          "单价请以“分”为单位，列名写 price 或 单价（分）",
	"单价（元）":       "单价请以“分”为单位，列名写 price 或 单价（分）",
	"price_yuan":  "单价请以“分”为单位，列名写 price",
	"supplier_id": "请用 supplier 列填写供应商的网址标识(slug)",
}

func headerMap(columns []string, aliases map[string]string) map[string]string {
	m := make(map[string]string, len(columns)+len(aliases))
	for _, c := range columns {
		m[c] = c
	}
	for a, c := range aliases {
		m[foldHeader(a)] = c
	}
	return m
}

// importer holds one import while it runs.
type importer struct {
	opts     ImportOptions
	unit     string
	problems ImportProblems
	seen     map[string]int // slug → the row that has it
}

func (im *importer) problem(row int, column, format string, args ...any) {
	im.problems = append(im.problems, ImportProblem{Row: row, Column: column, Message: fmt.Sprintf(format, args...), unit: im.unit})
}

// cellProblems returns the columns of a record (at row) whose cells did not parse, and bad, which
// records a problem with a cell and adds its column to them.
func (im *importer) cellProblems(row int) (failed map[string]bool, bad func(col, format string, args ...any)) {
	failed = map[string]bool{}
	return failed, func(col, format string, args ...any) {
		im.problem(row, col, format, args...)
		failed[col] = true
	}
}

// fieldProblems adds a record's validation errors, but none for the columns that did not even
// parse (failed), and reports whether the record has any problem.
func (im *importer) fieldProblems(row int, err error, failed map[string]bool) bool {
	for _, e := range AsFieldErrors(err) {
		if !failed[e.Field] {
			im.problem(row, e.Field, "%s", e.Message)
		}
	}
	return err != nil || len(failed) > 0
}

// slug returns the record's slug, and false with a problem when an earlier record of the file
// has the same one.
func (im *importer) slug(rec record) (string, bool) {
	slug := strings.TrimSpace(rec.cells["slug"])
	if prev, dup := im.seen[slug]; dup && slug != "" {
		im.problem(rec.row, "slug", "网址标识“%s”与第 %d %s重复", slug, prev, im.unit)
		return "", false
	}
	im.seen[slug] = rec.row
	return slug, true
}

func (im *importer) fail() error {
	if len(im.problems) == 0 {
		return nil
	}
	name := im.opts.Name
	if name == "" {
		name = "导入文件"
	}
	return &zhenxing.Error{Code: zhenxing.EInvalid,
		Message: fmt.Sprintf("%s 有 %d 处问题，未导入任何记录。", name, len(im.problems)), Err: im.problems}
}

func (im *importer) note() string {
	if im.opts.Name == "" {
		return "导入"
	}
	return "导入 " + path.Base(im.opts.Name)
}

// errRollback ends an import's transaction without keeping anything: a dry run, or nothing changed.
var errRollback = errors.New("rollback")

// writeImport runs an import's writes, fn, in one transaction, which it keeps only when this is
// not a dry run and fn counted records created or updated in res.
func (c *Catalog) writeImport(ctx context.Context, im *importer, res *ImportResult, fn func(pgx.Tx) error) error {
	err := c.db.write(ctx, func(tx pgx.Tx) error {
		if err := fn(tx); err != nil {
			return err
		}
		if im.opts.DryRun || res.Created+res.Updated == 0 {
			return errRollback // nothing to keep, not even the catalogue's new version
		}
		return nil
	})
	if errors.Is(err, errRollback) {
		return nil
	}
	return err
}

func (c *Catalog) startImport(r io.Reader, opts ImportOptions, columns []string, aliases, ambiguous map[string]string) (*importer, *table, error) {
	im := &importer{opts: opts, unit: "行", seen: map[string]int{}}
	if opts.Format == "" {
		opts.Format = formatOf(opts.Name)
		im.opts.Format = opts.Format
	}
	data, err := io.ReadAll(io.LimitReader(r, 64<<20+1))
	if err != nil {
		return nil, nil, fmt.Errorf("read %s: %w", opts.Name, err)
	}
	if len(data) > 64<<20 {
		return nil, nil, zhenxing.Errorf(zhenxing.EInvalid, "导入文件不能超过 64 MB。")
	}
	t, problems := readTable(data, opts.Format, headerMap(columns, aliases), ambiguous)
	if t != nil {
		im.unit = t.unit
		if !slices.Contains(t.columns, "slug") && len(t.records) > 0 {
			// Without slugs no record can be matched or checked: this is the only problem to report.
			problems = append(problems, ImportProblem{Row: 1, Column: "slug", Message: "缺少 slug（网址标识）列，无法对应已有记录", unit: t.unit})
			t = nil
		}
	}
	for i := range problems {
		problems[i].unit = im.unit
	}
	if t != nil && len(t.records) == 0 && len(problems) == 0 {
		problems = append(problems, ImportProblem{Message: "文件中没有记录"})
	}
	im.problems = problems
	if t == nil {
		return nil, nil, im.fail()
	}
	return im, t, nil // problems so far are reported with those of the records

}

// ImportSuppliers reads suppliers from a CSV or JSON file and creates or updates them by slug, all
// in one transaction: every record or none. Columns a file leaves out keep their stored values.
// Every problem (a bad value, an unknown column, a duplicate slug or credit code, a code that
// another supplier holds) is reported at once by row and column as ImportProblems inside an
// EInvalid error, and then nothing is written. Each change is in the audit log under actor.
func (c *Catalog) ImportSuppliers(ctx context.Context, actor db.Actor, r io.Reader, opts ImportOptions) (ImportResult, error) {
	var res ImportResult
	im, t, err := c.startImport(r, opts, SupplierColumns, supplierAliases, nil)
	if err != nil {
		return res, err
	}
	err = c.writeImport(ctx, im, &res, func(tx pgx.Tx) error {
		existing, err := lockSuppliers(ctx, tx)
		if err != nil {
			return err
		}
		bySlug := map[string]*Supplier{}
		codeOwner := map[string]string{} // credit code → slug, stored and imported
		for _, sp := range existing {
			bySlug[sp.Slug] = sp
			codeOwner[sp.CreditCode] = sp.Slug
		}
		type change struct {
			before, after *Supplier
		}
		var changes []change
		for _, rec := range t.records {
			slug, ok := im.slug(rec)
			if !ok {
				continue
			}
			before := bySlug[slug]
			if before != nil && opts.OnlyNew {
				res.Skipped++
				continue
			}
			sp := &Supplier{}
			if before != nil {
				*sp = *before
			}
			failed := im.applySupplier(rec, sp)
			sp.Normalize()
			if im.fieldProblems(rec.row, sp.Validate(), failed) {
				continue
			}
			if owner, ok := codeOwner[sp.CreditCode]; ok && owner != sp.Slug {
				im.problem(rec.row, "credit_code", "统一社会信用代码 %s 已属于供应商“%s”", sp.CreditCode, owner)
				continue
			}
			if before != nil {
				delete(codeOwner, before.CreditCode)
			}
			codeOwner[sp.CreditCode] = sp.Slug
			changes = append(changes, change{before, sp})
		}
		if err := im.fail(); err != nil {
			return err
		}
		for _, ch := range changes {
			if ch.before == nil {
				if err := createSupplier(ctx, tx, actor, ch.after, im.note()); err != nil {
					return err
				}
				res.Created++
				continue
			}
			changed, err := updateSupplier(ctx, tx, actor, ch.before, ch.after, im.note())
			if err != nil {
				return err
			}
			if changed {
				res.Updated++
			} else {
				res.Unchanged++
			}
		}
		return nil
	})
	return res, err
}

func lockSuppliers(ctx context.Context, tx pgx.Tx) ([]*Supplier, error) {
	rows, err := tx.Query(ctx, `SELECT `+supplierColumns+` FROM suppliers s ORDER BY s.id FOR UPDATE`)
	if err != nil {
		return nil, fmt.Errorf("lock suppliers: %w", err)
	}
	return pgx.CollectRows(rows, func(row pgx.CollectableRow) (*Supplier, error) { return scanSupplier(row) })
}

// applySupplier sets the record's cells on sp and returns the columns that did not parse.
func (im *importer) applySupplier(rec record, sp *Supplier) map[string]bool {
	failed, bad := im.cellProblems(rec.row)
	for col, v := range rec.cells {
		switch col {
		case "slug":
			sp.Slug = v
		case "name":
			sp.Name = v
		case "kind":
			sp.Kind = v
		case "county":
			sp.County = v
		case "township":
			sp.Township = v
		case "credit_code":
			sp.CreditCode = v
		case "cert_number":
			sp.CertNumber = v
		case "cert_date", "cert_expiry":
			d, err := parseDate(v)
			if err != nil {
				bad(col, "日期“%s”无效，应写成 2024-03-01", v)
				continue
			}
			if col == "cert_date" {
				sp.CertDate = d
			} else {
				sp.CertExpiry = d
			}
		case "households":
			n, err := parseInt(v, 0)
			if err != nil {
				bad(col, "带动农户数“%s”应为整数", v)
				continue
			}
			sp.Households = n
		case "linkage":
			sp.Linkage = v
		case "contact_name":
			sp.ContactName = v
		case "contact_phone":
			sp.ContactPhone = v
		case "description":
			sp.Description = v
		}
	}
	return failed
}

// parseDate reads YYYY-MM-DD (or YYYY/MM/DD, as Excel may write it); "" is no date.
func parseDate(s string) (*time.Time, error) {
	if s == "" {
		return nil, nil
	}
	for _, layout := range []string{"2006-01-02", "2006/1/2", "2006-1-2", "2006.1.2", "2006年1月2日"} {
		if t, err := time.Parse(layout, s); err == nil {
			return &t, nil
		}
	}
	return nil, fmt.Errorf("bad date %q", s)
}

// parseInt reads a whole number; "" is def.
func parseInt(s string, def int) (int, error) {
	if s == "" {
		return def, nil
	}
	n, err := strconv.Atoi(strings.ReplaceAll(s, ",", ""))
	if err != nil {
		// Spreadsheets write whole numbers as 12.0 at times.
		if f, ferr := strconv.ParseFloat(s, 64); ferr == nil && f == float64(int(f)) && f > -1e9 && f < 1e9 {
			return int(f), nil
		}
		return 0, err
	}
	return n, nil
}

func splitList(s string) []string {
	var out []string
	for _, part := range strings.FieldsFunc(s, func(r rune) bool { return strings.ContainsRune(";\uff1b、,\uff0c|\n", r) }) {
		if p := strings.TrimSpace(part); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// ParseTiers reads price tiers written "50:6500;100:6200" (quantity:fen; "|" "," "、" between
// tiers and full-width colons are accepted too). "" is no tiers. A bad tier is EInvalid.
func ParseTiers(s string) ([]PriceTier, error) {
	tiers := []PriceTier{}
	for _, part := range splitList(s) {
		q, p, ok := strings.Cut(strings.ReplaceAll(part, "\uff1a", ":"), ":")
		if !ok {
			return nil, zhenxing.Errorf(zhenxing.EInvalid, "阶梯价“%s”应写成“数量：单价（分）”，如 50:6500", part)
		}
		n, err := strconv.Atoi(strings.TrimSpace(q))
		if err != nil || n < 1 {
			return nil, zhenxing.Errorf(zhenxing.EInvalid, "阶梯价“%s”的数量应为正整数", part)
		}
		fen, err := strconv.ParseInt(strings.TrimSpace(p), 10, 64)
		if err != nil || fen < 1 {
			return nil, zhenxing.Errorf(zhenxing.EInvalid, "阶梯价“%s”的单价应为正整数（分）", part)
		}
		tiers = append(tiers, PriceTier{MinQty: n, Price: zhenxing.Money(fen)})
	}
	return tiers, nil
}

// FormatTiers writes tiers the way ParseTiers reads them.
func FormatTiers(tiers []PriceTier) string {
	parts := make([]string, len(tiers))
	for i, t := range tiers {
		parts[i] = fmt.Sprintf("%d:%d", t.MinQty, int64(t.Price))
	}
	return strings.Join(parts, ";")
}

func parseBool(s string) (bool, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "1", "true", "yes", "y", "是", "上架", "已上架":
		return true, nil
	case "", "0", "false", "no", "n", "否", "下架", "未上架":
		return false, nil
	}
	return false, fmt.Errorf("bad bool %q", s)
}

// importedPhoto is a photo read for an import.
type importedPhoto struct {
	contentType string
	data        []byte
	sha256      string
}

// ImportProducts reads products from a CSV or JSON file and creates or updates them by slug, all in
// one transaction: every record or none. New products are listed unless the file says otherwise
// (listed: 否). The supplier column names a supplier by slug (or its exact
// name). Columns a file leaves out keep their stored values; a stock cell that differs from the
// stored stock becomes a stock movement; a non-empty photos cell replaces the product's photos
// when they differ (paths read from opts.Photos). Every problem is reported at once by row and
// column as ImportProblems inside an EInvalid error, and then nothing is written.
func (c *Catalog) ImportProducts(ctx context.Context, actor db.Actor, r io.Reader, opts ImportOptions) (ImportResult, error) {
	var res ImportResult
	im, t, err := c.startImport(r, opts, ProductColumns, productAliases, ambiguousProduct)
	if err != nil {
		return res, err
	}
	err = c.writeImport(ctx, im, &res, func(tx pgx.Tx) error {
		suppliers, err := lockSuppliers(ctx, tx)
		if err != nil {
			return err
		}
		slugs := make([]string, 0, len(t.records))
		for _, rec := range t.records {
			slugs = append(slugs, strings.TrimSpace(rec.cells["slug"]))
		}
		rows, err := tx.Query(ctx, `SELECT `+productColumns+` FROM products p WHERE p.slug = ANY($1) ORDER BY p.id FOR UPDATE`, slugs)
		if err != nil {
			return fmt.Errorf("lock products: %w", err)
		}
		existing, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (*Product, error) { return scanProduct(row) })
		if err != nil {
			return fmt.Errorf("lock products: %w", err)
		}
		bySlug := map[string]*Product{}
		for _, p := range existing {
			bySlug[p.Slug] = p
		}
		type change struct {
			row           int
			before, after *Product
			stock         int  // the file's stock
			setStock      bool // the file has a stock cell
			photos        []importedPhoto
		}
		var changes []change
		for _, rec := range t.records {
			slug, ok := im.slug(rec)
			if !ok {
				continue
			}
			before := bySlug[slug]
			if before != nil && opts.OnlyNew {
				res.Skipped++
				continue
			}
			p := &Product{MinQty: 1, Multiple: 1, Listed: true}
			if before != nil {
				*p = *before
				p.Tiers, p.Flags = slices.Clone(before.Tiers), slices.Clone(before.Flags)
			}
			ch := change{row: rec.row, before: before, after: p}
			failed := im.applyProduct(rec, p, suppliers, &ch.photos)
			ch.stock, ch.setStock = p.Stock, rec.cells["stock"] != "" || before == nil
			p.Normalize()
			if im.fieldProblems(rec.row, p.Validate(), failed) {
				continue
			}
			changes = append(changes, ch)
		}
		if err := im.fail(); err != nil {
			return err
		}
		for _, ch := range changes {
			changed := false
			if ch.before == nil {
				if err := createProduct(ctx, tx, actor, ch.after, im.note()); err != nil {
					return rowError(ch.row, im.unit, err)
				}
				changed = true
			} else {
				if changed, err = updateProduct(ctx, tx, actor, ch.before, ch.after, im.note()); err != nil {
					return rowError(ch.row, im.unit, err)
				}
				if ch.setStock && ch.stock != ch.before.Stock {
					if _, err := adjustStock(ctx, tx, actor, ch.before.ID, ch.stock-ch.before.Stock, im.note(), ""); err != nil {
						return rowError(ch.row, im.unit, err)
					}
					changed = true
				}
			}
			photosChanged, err := replacePhotos(ctx, tx, actor, ch.after, ch.photos, im.note())
			if err != nil {
				return rowError(ch.row, im.unit, err)
			}
			switch {
			case ch.before == nil:
				res.Created++
			case changed || photosChanged:
				res.Updated++
			default:
				res.Unchanged++
			}
		}
		return nil
	})
	return res, err
}

// rowError names the row of a write that the database refused after every check passed (a rare
// race with another writer).
func rowError(row int, unit string, err error) error {
	var ze *zhenxing.Error
	if errors.As(err, &ze) && ze.Code != zhenxing.EInternal {
		return &zhenxing.Error{Code: ze.Code, Message: fmt.Sprintf("第 %d %s：%s", row, unit, ze.Message), Err: err}
	}
	return fmt.Errorf("row %d: %w", row, err)
}

// applyProduct sets the record's cells on p and returns the columns that did not parse.
func (im *importer) applyProduct(rec record, p *Product, suppliers []*Supplier, photos *[]importedPhoto) map[string]bool {
	failed, bad := im.cellProblems(rec.row)
	for col, v := range rec.cells {
		switch col {
		case "slug":
			p.Slug = v
		case "name":
			p.Name = v
		case "category":
			p.Category = v
		case "county":
			p.County = v
		case "township":
			p.Township = v
		case "supplier":
			i := slices.IndexFunc(suppliers, func(sp *Supplier) bool { return sp.Slug == v })
			if i < 0 {
				i = slices.IndexFunc(suppliers, func(sp *Supplier) bool { return sp.Name == v })
			}
			switch {
			case v == "":
				bad(col, "请填写供应商（网址标识或名称）")
			case i < 0:
				bad(col, "供应商“%s”不存在，请先导入供应商", v)
			default:
				p.SupplierID = suppliers[i].ID
			}
		case "spec":
			p.Spec = v
		case "unit":
			p.Unit = v
		case "price":
			fen, err := strconv.ParseInt(strings.ReplaceAll(v, ",", ""), 10, 64)
			if err != nil || fen < 1 {
				bad(col, "单价“%s”无效，应为以“分”为单位的正整数，如 3990 表示 39.90 元", v)
				continue
			}
			p.Price = zhenxing.Money(fen)
		case "tiers":
			tiers, err := ParseTiers(v)
			if err != nil {
				bad(col, "%s", zhenxing.ErrorMessage(err))
				continue
			}
			p.Tiers = tiers
		case "min_qty", "multiple", "stock", "season_start", "season_end":
			def := 0
			if col == "min_qty" || col == "multiple" {
				def = 1
			}
			n, err := parseInt(v, def)
			if err != nil {
				bad(col, "“%s”应为整数", v)
				continue
			}
			switch col {
			case "min_qty":
				p.MinQty = n
			case "multiple":
				p.Multiple = n
			case "stock":
				p.Stock = n
			case "season_start":
				p.SeasonStart = n
			case "season_end":
				p.SeasonEnd = n
			}
		case "flags":
			p.Flags = splitList(v)
		case "description":
			p.Description = v
		case "listed":
			b, err := parseBool(v)
			if err != nil {
				bad(col, "“%s”应为 是 或 否", v)
				continue
			}
			p.Listed = b
		case "photos":
			for _, name := range splitList(v) {
				ph, msg := im.readPhoto(name)
				if msg != "" {
					bad(col, "%s", msg)
					continue
				}
				*photos = append(*photos, ph)
			}
			if len(*photos) > MaxPhotos {
				bad(col, "每个商品最多 %d 张图片", MaxPhotos)
			}
		}
	}
	return failed
}

// readPhoto reads a photo named in the photos column: a path relative to opts.Photos, or to its
// photos/ folder.
func (im *importer) readPhoto(name string) (importedPhoto, string) {
	if im.opts.Photos == nil {
		return importedPhoto{}, "此次导入不读取图片文件，请清空 photos 列或改用命令行导入"
	}
	clean := path.Clean(strings.ReplaceAll(name, "\\", "/"))
	if !fs.ValidPath(clean) {
		return importedPhoto{}, fmt.Sprintf("图片路径“%s”无效，应为相对于导入文件的路径", name)
	}
	data, err := fs.ReadFile(im.opts.Photos, clean)
	if errors.Is(err, fs.ErrNotExist) {
		data, err = fs.ReadFile(im.opts.Photos, path.Join("photos", clean))
	}
	if err != nil {
		return importedPhoto{}, fmt.Sprintf("找不到图片“%s”", name)
	}
	ct, err := CheckPhoto(data)
	if err != nil {
		return importedPhoto{}, fmt.Sprintf("图片“%s”：%s", name, zhenxing.ErrorMessage(err))
	}
	return importedPhoto{contentType: ct, data: data, sha256: sha256Hex(data)}, ""
}

// replacePhotos makes the product's photos the given ones, in order, unless they are already
// (same contents in the same order) or none are given; it reports whether it changed anything.
func replacePhotos(ctx context.Context, tx pgx.Tx, actor db.Actor, p *Product, photos []importedPhoto, note string) (bool, error) {
	if len(photos) == 0 {
		return false, nil
	}
	rows, err := tx.Query(ctx, `SELECT id, sha256 FROM product_photos WHERE product_id = $1 ORDER BY position`, p.ID)
	if err != nil {
		return false, fmt.Errorf("list photos: %w", err)
	}
	type stored struct {
		id  int64
		sum string
	}
	current, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (stored, error) {
		var s stored
		err := row.Scan(&s.id, &s.sum)
		return s, err
	})
	if err != nil {
		return false, fmt.Errorf("list photos: %w", err)
	}
	same := len(current) == len(photos)
	for i := 0; same && i < len(photos); i++ {
		same = current[i].sum == photos[i].sha256
	}
	if same {
		return false, nil
	}
	for i := len(current) - 1; i >= 0; i-- {
		if err := deletePhoto(ctx, tx, actor, p, current[i].id, note); err != nil {
			return false, err
		}
	}
	for _, ph := range photos {
		if _, err := insertPhoto(ctx, tx, actor, p, ph.contentType, ph.data, p.Name, note); err != nil {
			return false, err
		}
	}
	return true, nil
}
