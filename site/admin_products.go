package site

import (
	"context"
	"errors"
	"io"
	"mime/multipart"
	"slices"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"zhenxing"
	"zhenxing/catalog"
	"zhenxing/internal/db"
)

// The back office's products: list, create, edit, list/unlist, stock and photos. Every change
// goes through the catalogue's stores, which validate it and write the audit entry.

// tierRow is one bulk price tier as typed in the form.
type tierRow struct {
	Qty, Price string
}

// productForm is the product form as submitted, kept as text so a rejected form shows what was
// typed. Version is the row version the form was loaded with (a hidden field).
type productForm struct {
	Slug, Name, Category, County, Township, Supplier, Spec, Unit string
	Price, MinQty, Multiple, Stock, SeasonStart, SeasonEnd       string
	Description, Version                                         string
	Flags                                                        []string
	Tiers                                                        []tierRow
	Listed                                                       bool
}

// emptyTierRows is how many blank tier rows the form offers beyond the product's own.
const emptyTierRows = 3

func productFormOf(p *catalog.Product, supplierSlug string) productForm {
	f := productForm{
		Slug: p.Slug, Name: p.Name, Category: p.Category, County: p.County, Township: p.Township,
		Supplier: supplierSlug, Spec: p.Spec, Unit: p.Unit, Price: p.Price.Yuan(),
		MinQty: strconv.Itoa(p.MinQty), Multiple: strconv.Itoa(p.Multiple), Stock: strconv.Itoa(p.Stock),
		Description: p.Description, Version: strconv.FormatInt(p.Version, 10), Flags: p.Flags, Listed: p.Listed,
	}
	if p.SeasonStart != 0 {
		f.SeasonStart, f.SeasonEnd = strconv.Itoa(p.SeasonStart), strconv.Itoa(p.SeasonEnd)
	}
	for _, t := range p.Tiers {
		f.Tiers = append(f.Tiers, tierRow{Qty: strconv.Itoa(t.MinQty), Price: t.Price.Yuan()})
	}
	return f
}

// formValues returns every value of a repeated url-encoded form field.
func formValues(c *fiber.Ctx, name string) []string {
	var out []string
	for _, v := range c.Request().PostArgs().PeekMulti(name) {
		out = append(out, string(v))
	}
	return out
}

// readProductForm reads the submitted product form.
func readProductForm(c *fiber.Ctx) productForm {
	f := productForm{
		Slug: formField(c, "slug"), Name: formField(c, "name"), Category: formField(c, "category"),
		County: formField(c, "county"), Township: formField(c, "township"), Supplier: formField(c, "supplier"),
		Spec: formField(c, "spec"), Unit: formField(c, "unit"), Price: formField(c, "price"),
		MinQty: formField(c, "min_qty"), Multiple: formField(c, "multiple"), Stock: formField(c, "stock"),
		SeasonStart: formField(c, "season_start"), SeasonEnd: formField(c, "season_end"),
		Description: formField(c, "description"), Version: formField(c, "version"), Flags: formValues(c, "flags"),
		Listed: formField(c, "listed") == "1",
	}
	qtys, prices := formValues(c, "tier_qty"), formValues(c, "tier_price")
	for i := range max(len(qtys), len(prices)) {
		var row tierRow
		if i < len(qtys) {
			row.Qty = strings.TrimSpace(qtys[i])
		}
		if i < len(prices) {
			row.Price = strings.TrimSpace(prices[i])
		}
		if row.Qty != "" || row.Price != "" {
			f.Tiers = append(f.Tiers, row)
		}
	}
	return f
}

// formInt reads an integer field; blank is def. A bad value records a Chinese message.
func formInt(errs map[string]string, field, label, v string, def int) int {
	v = strings.TrimSpace(v)
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		errs[field] = label + "应为整数"
	}
	return n
}

// product turns the form into a product. Problems the form itself can see (numbers that are
// not numbers) are in errs; the store validates the rest, the supplier included. A version that
// is not a number is 0, which no stored product has: the update is refused as a conflict.
func (f productForm) product() (*catalog.Product, map[string]string) {
	errs := map[string]string{}
	p := &catalog.Product{
		Slug: f.Slug, Name: f.Name, Category: f.Category, County: f.County, Township: f.Township,
		Spec: f.Spec, Unit: f.Unit, Description: strings.ReplaceAll(f.Description, "\r\n", "\n"),
		Flags: f.Flags, Listed: f.Listed, Version: formVersion(f.Version),
	}
	if f.Supplier == "" {
		errs["supplier"] = "请选择供应商"
	}
	if price, err := zhenxing.ParseYuan(f.Price); err != nil {
		errs["price"] = zhenxing.ErrorMessage(err)
	} else {
		p.Price = price
	}
	p.MinQty = formInt(errs, "min_qty", "起订量", f.MinQty, 1)
	p.Multiple = formInt(errs, "multiple", "订购倍数", f.Multiple, 1)
	p.Stock = formInt(errs, "stock", "库存", f.Stock, 0)
	p.SeasonStart = formInt(errs, "season_start", "上市起始月份", f.SeasonStart, 0)
	p.SeasonEnd = formInt(errs, "season_end", "上市结束月份", f.SeasonEnd, 0)
	p.Tiers = []catalog.PriceTier{}
	for i, t := range f.Tiers {
		qty, err := strconv.Atoi(t.Qty)
		if err != nil || qty < 1 {
			errs["tiers"] = "第 " + strconv.Itoa(i+1) + " 档阶梯价的起购数量应为正整数"
			continue
		}
		price, err := zhenxing.ParseYuan(t.Price)
		if err != nil {
			errs["tiers"] = "第 " + strconv.Itoa(i+1) + " 档阶梯价：" + zhenxing.ErrorMessage(err)
			continue
		}
		p.Tiers = append(p.Tiers, catalog.PriceTier{MinQty: qty, Price: price})
	}
	return p, errs
}

// formVersion reads the row version of a form's hidden field; anything but a number is 0.
func formVersion(v string) int64 {
	n, _ := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
	return n
}

// productView is the product form page.
type productView struct {
	Layout
	Admin   adminBase
	New     bool
	Form    productForm
	Errors  map[string]string
	Error   string
	Reload  string // with Error: the address that loads the form again, after a conflicting save
	Notice  string
	Product *catalog.ProductDetail
	Photos  []photoView

	Suppliers  []catalog.Supplier
	Categories []string
	Counties   []string
	Flags      []string
	Months     []int

	StockDelta, StockReason, StockError string
	PhotoAlt, PhotoError                string
}

// photoView is a product photo with its public address.
type photoView struct {
	catalog.Photo
	URL string
}

// fieldView is one text field of a form: what the adminfield partial needs.
type fieldView struct {
	Name, Label, Value, Error, Type string
}

// Field is the text field name of the product form, with its value and message.
func (v *productView) Field(name, label string) fieldView {
	f := v.Form
	values := map[string]string{
		"slug": f.Slug, "name": f.Name, "township": f.Township, "spec": f.Spec, "unit": f.Unit,
		"price": f.Price, "min_qty": f.MinQty, "multiple": f.Multiple, "stock": f.Stock,
	}
	return fieldView{Name: name, Label: label, Value: values[name], Error: v.Errors[name]}
}

// selectView is one drop-down of a form: what the adminselect partial needs.
type selectView struct {
	Name, Label, Value, Error string
	Options                   []string
}

// Select is the drop-down name (category or county) of the product form, with its choices, value
// and message.
func (v *productView) Select(name, label string) selectView {
	choices := map[string][]string{"category": v.Categories, "county": v.Counties}
	values := map[string]string{"category": v.Form.Category, "county": v.Form.County}
	return selectView{Name: name, Label: label, Value: values[name], Error: v.Errors[name], Options: choices[name]}
}

// HasFlag reports whether the form has the flag ticked.
func (f productForm) HasFlag(flag string) bool { return slices.Contains(f.Flags, flag) }

// TierRows are the form's tiers plus blank rows to add more.
func (f productForm) TierRows() []tierRow {
	return append(slices.Clone(f.Tiers), make([]tierRow, emptyTierRows)...)
}

var months = []int{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}

// newProductView gathers what the product page needs besides the form.
func (s *Server) newProductView(c *fiber.Ctx, p *catalog.ProductDetail) (*productView, error) {
	ctx, cancel := dbContext(c)
	defer cancel()
	suppliers, err := s.deps.Suppliers.List(ctx)
	if err != nil {
		return nil, err
	}
	v := &productView{
		Admin: adminBaseOf(c, "products"), New: p == nil, Product: p, Errors: map[string]string{},
		Suppliers: suppliers, Categories: catalog.Categories, Counties: []string{catalog.CountyPaired, catalog.CountyLocal},
		Flags: catalog.Flags, Months: months,
	}
	if p == nil {
		v.Form = productForm{MinQty: "1", Multiple: "1", Stock: "0"}
		return v, nil
	}
	v.Form = productFormOf(&p.Product, p.Supplier.Slug)
	for _, ph := range p.Photos {
		v.Photos = append(v.Photos, photoView{Photo: ph, URL: ph.URL()})
	}
	return v, nil
}

func (s *Server) renderProduct(c *fiber.Ctx, status int, v *productView) error {
	name := ""
	if !v.New {
		name = v.Product.Name
	}
	v.Layout = adminFormLayout("产品", "/admin/products", name)
	return s.renderPage(c, status, "admin_product", v)
}

// adminProductBySlug loads the product of the URL for staff (listed or not).
func (s *Server) adminProductBySlug(c *fiber.Ctx) (*catalog.ProductDetail, error) {
	ctx, cancel := dbContext(c)
	defer cancel()
	return s.deps.Products.Find(ctx, c.Params("slug"))
}

// productNotices are the messages shown after a change, by the done= parameter of the redirect.
var productNotices = map[string]string{
	"created":  "产品已创建。",
	"saved":    "修改已保存。",
	"stock":    "库存已调整。",
	"photo":    "图片已上传。",
	"listed":   "产品已上架。",
	"unlisted": "产品已下架。",
}

// productListView is the back office's list of products.
type productListView struct {
	Layout
	Admin  adminBase
	Result catalog.ProductPage
	Pager  pager
	Notice string
}

// adminProducts lists every product, listed or not, with its stock.
func (s *Server) adminProducts(c *fiber.Ctx) error {
	pg, err := pageParam(c)
	if err != nil {
		return err
	}
	ctx, cancel := dbContext(c)
	defer cancel()
	res, err := s.deps.Products.List(ctx, catalog.ProductQuery{
		IncludeUnlisted: true, Sort: catalog.SortNewest, Page: pg.Number(), PerPage: perPage, Today: s.now(),
	})
	if err != nil {
		return err
	}
	return s.renderPage(c, fiber.StatusOK, "admin_products", &productListView{
		Layout: adminLayout("产品", crumb{Name: "产品"}),
		Admin:  adminBaseOf(c, "products"),
		Result: res,
		Pager:  pg.Pager(requestLink(c).Del("done"), res.Total),
		Notice: productNotices[c.Query("done")],
	})
}

// adminProductNew shows the empty product form.
func (s *Server) adminProductNew(c *fiber.Ctx) error {
	v, err := s.newProductView(c, nil)
	if err != nil {
		return err
	}
	return s.renderProduct(c, fiber.StatusOK, v)
}

// adminProductEdit shows a product's form with its stock, listing and photo controls.
func (s *Server) adminProductEdit(c *fiber.Ctx) error {
	p, err := s.adminProductBySlug(c)
	if err != nil {
		return err
	}
	v, err := s.newProductView(c, p)
	if err != nil {
		return err
	}
	v.Notice = productNotices[c.Query("done")]
	return s.renderProduct(c, fiber.StatusOK, v)
}

// fixFieldsMessage is shown above a form whose problems are shown beside their fields.
const fixFieldsMessage = "请修改下面标出的内容后再提交。"

// formFailure fills the view's messages from a store error: field messages beside their
// fields, the rest above the form. It returns the status to answer with, or the error itself
// when it is not the user's to fix.
func formFailure(err error, errs map[string]string) (int, string, error) {
	code := zhenxing.ErrorCode(err)
	switch code {
	case zhenxing.EInvalid, zhenxing.EConflict:
	default:
		return 0, "", err
	}
	for _, fe := range catalog.AsFieldErrors(err) {
		if _, ok := errs[fe.Field]; !ok {
			errs[fe.Field] = fe.Message
		}
	}
	msg := zhenxing.ErrorMessage(err)
	if len(catalog.AsFieldErrors(err)) > 0 {
		msg = fixFieldsMessage
	}
	return statusOf[code], msg, nil
}

// reloadURL is where the form of a record refused because someone saved it first (the update's
// ErrModified) is loaded again with what is stored now; "" for any other error.
func reloadURL(err error, formURL string) string {
	if errors.Is(err, catalog.ErrModified) {
		return formURL
	}
	return ""
}

// adminProductCreate creates a product from the form. A slug another product has is a conflict
// shown beside the slug: nothing is overwritten.
func (s *Server) adminProductCreate(c *fiber.Ctx) error {
	v, err := s.newProductView(c, nil)
	if err != nil {
		return err
	}
	v.Form = readProductForm(c)
	p, errs := v.Form.product()
	v.Errors = errs
	return s.saveProduct(c, v, p, "created", s.deps.Products.Create)
}

// adminProductUpdate saves the product form over the product of the URL, if nobody saved it
// since the form was loaded (its version). Stock and listing are not part of it: they have their
// own buttons.
func (s *Server) adminProductUpdate(c *fiber.Ctx) error {
	current, err := s.adminProductBySlug(c)
	if err != nil {
		return err
	}
	v, err := s.newProductView(c, current)
	if err != nil {
		return err
	}
	v.Form = readProductForm(c)
	// The URL names the product; stock and listing are shown as they are.
	v.Form.Slug, v.Form.Listed, v.Form.Stock = current.Slug, current.Listed, strconv.Itoa(current.Stock)
	p, errs := v.Form.product()
	v.Errors = errs
	return s.saveProduct(c, v, p, "saved", s.deps.Products.Update)
}

// saveProduct saves the product read from the form of v with save (create or update) unless the
// form found problems (in v.Errors), then goes to its page with the done notice. A form that the
// form itself or the store rejects comes back with the values typed and each message beside its
// field; one refused because someone saved the product first also links to the form as it is
// now.
func (s *Server) saveProduct(c *fiber.Ctx, v *productView, p *catalog.Product, done string,
	save func(context.Context, db.Actor, *catalog.Product, string) error) error {
	var err error
	if len(v.Errors) > 0 {
		err = zhenxing.Errorf(zhenxing.EInvalid, fixFieldsMessage)
	} else {
		ctx, cancel := dbContext(c)
		defer cancel()
		if err = save(ctx, userOf(c).Actor(), p, v.Form.Supplier); err == nil {
			return c.Redirect("/admin/products/"+p.Slug+"?done="+done, fiber.StatusSeeOther)
		}
	}
	status, msg, err2 := formFailure(err, v.Errors)
	if err2 != nil {
		return err2
	}
	v.Error, v.Reload = msg, reloadURL(err, "/admin/products/"+p.Slug)
	return s.renderProduct(c, status, v)
}

// adminProductListing puts the product on sale (listed=1) or takes it off (listed=0).
func (s *Server) adminProductListing(c *fiber.Ctx) error {
	p, err := s.adminProductBySlug(c)
	if err != nil {
		return err
	}
	var listed bool
	switch formField(c, "listed") {
	case "1":
		listed = true
	case "0":
	default:
		return zhenxing.Errorf(zhenxing.EInvalid, "请选择上架或下架。")
	}
	ctx, cancel := dbContext(c)
	defer cancel()
	if err := s.deps.Products.SetListed(ctx, userOf(c).Actor(), p.Slug, listed); err != nil {
		return err
	}
	done := "unlisted"
	if listed {
		done = "listed"
	}
	if formField(c, "back") == "list" {
		return c.Redirect("/admin/products?done="+done, fiber.StatusSeeOther)
	}
	return c.Redirect("/admin/products/"+p.Slug+"?done="+done, fiber.StatusSeeOther)
}

// adminProductStock adjusts the stock by a signed quantity with a reason. Taking more than
// there is answers 409 with 库存不足 and changes nothing.
func (s *Server) adminProductStock(c *fiber.Ctx) error {
	p, err := s.adminProductBySlug(c)
	if err != nil {
		return err
	}
	deltaText, reason := strings.TrimSpace(formField(c, "delta")), formField(c, "reason")
	delta, convErr := strconv.Atoi(strings.TrimPrefix(deltaText, "+"))
	if convErr != nil {
		err = zhenxing.Errorf(zhenxing.EInvalid, "调整数量应为整数，增加填正数，减少填负数（如 -5）。")
	} else {
		ctx, cancel := dbContext(c)
		defer cancel()
		_, err = s.deps.Stock.Adjust(ctx, userOf(c).Actor(), p.Slug, delta, reason)
	}
	return s.finishProductChange(c, p, err, "stock", func(v *productView, msg string) {
		v.StockDelta, v.StockReason, v.StockError = deltaText, reason, msg
	})
}

// adminProductPhoto adds an uploaded photo. The store decides the type from the bytes and
// checks the size; the upload is read up to one byte past the limit so an oversized file is
// refused without reading it all.
func (s *Server) adminProductPhoto(c *fiber.Ctx) error {
	p, err := s.adminProductBySlug(c)
	if err != nil {
		return err
	}
	alt := formField(c, "alt")
	fh, ferr := c.FormFile("photo")
	var data []byte
	switch {
	case ferr != nil || fh.Size == 0:
		err = zhenxing.Errorf(zhenxing.EInvalid, "请选择要上传的图片文件。")
	case fh.Size > catalog.MaxPhotoBytes:
		err = zhenxing.Errorf(zhenxing.EInvalid, "图片过大：不能超过 %d MB。", catalog.MaxPhotoBytes>>20)
	default:
		data, err = readUpload(fh, catalog.MaxPhotoBytes+1)
	}
	if err == nil {
		ctx, cancel := dbContext(c)
		defer cancel()
		_, err = s.deps.Photos.Add(ctx, userOf(c).Actor(), p.Slug, data, alt)
	}
	return s.finishProductChange(c, p, err, "photo", func(v *productView, msg string) {
		v.PhotoAlt, v.PhotoError = alt, msg
	})
}

// finishProductChange answers a stock or photo change of p that ended with err. Without an error
// it goes to the product's page with the done notice; with one the user can fix, it shows the
// product page again, where show puts what was typed and the message beside its form. Any other
// error is returned.
func (s *Server) finishProductChange(c *fiber.Ctx, p *catalog.ProductDetail, err error, done string, show func(v *productView, msg string)) error {
	if err == nil {
		return c.Redirect("/admin/products/"+p.Slug+"?done="+done, fiber.StatusSeeOther)
	}
	status, msg, err := formFailure(err, map[string]string{})
	if err != nil {
		return err
	}
	v, err := s.newProductView(c, p)
	if err != nil {
		return err
	}
	show(v, msg)
	return s.renderProduct(c, status, v)
}

// readUpload reads at most limit bytes of an uploaded file.
func readUpload(fh *multipart.FileHeader, limit int64) ([]byte, error) {
	f, err := fh.Open()
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(io.LimitReader(f, limit))
}
