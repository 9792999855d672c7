package site

import (
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"zhenxing"
	"zhenxing/catalog"
)

// The back office's suppliers: list, create and edit. The store validates (the credit code's
// check digit included) and writes the audit entry.

// supplierForm is the supplier form as submitted, kept as text so a rejected form shows what was
// typed. Version is the row version the form was loaded with (a hidden field).
type supplierForm struct {
	Slug, Name, Kind, County, Township, CreditCode, CertNumber, CertDate, CertExpiry string
	Households, Linkage, ContactName, ContactPhone, Description, Version             string
}

func supplierFormOf(sp *catalog.Supplier) supplierForm {
	day := func(t *time.Time) string {
		if t == nil {
			return ""
		}
		return t.In(zhenxing.Beijing).Format("2006-01-02")
	}
	return supplierForm{
		Slug: sp.Slug, Name: sp.Name, Kind: sp.Kind, County: sp.County, Township: sp.Township,
		CreditCode: sp.CreditCode, CertNumber: sp.CertNumber, CertDate: day(sp.CertDate), CertExpiry: day(sp.CertExpiry),
		Households: strconv.Itoa(sp.Households), Linkage: sp.Linkage, ContactName: sp.ContactName,
		ContactPhone: sp.ContactPhone, Description: sp.Description, Version: strconv.FormatInt(sp.Version, 10),
	}
}

// readSupplierForm reads the submitted supplier form, whose fields are named like the columns of
// supplier import files.
func readSupplierForm(c *fiber.Ctx) supplierForm {
	v := map[string]string{}
	for _, f := range catalog.SupplierColumns {
		v[f] = formField(c, f)
	}
	return supplierForm{
		Slug: v["slug"], Name: v["name"], Kind: v["kind"], County: v["county"], Township: v["township"],
		CreditCode: v["credit_code"], CertNumber: v["cert_number"], CertDate: v["cert_date"], CertExpiry: v["cert_expiry"],
		Households: v["households"], Linkage: v["linkage"], ContactName: v["contact_name"], ContactPhone: v["contact_phone"],
		Description: strings.ReplaceAll(v["description"], "\r\n", "\n"), Version: formField(c, "version"),
	}
}

// supplier turns the form into a supplier; problems the form itself sees (a date that is not a
// date, a count that is not a number) are in errs.
func (f supplierForm) supplier() (*catalog.Supplier, map[string]string) {
	errs := map[string]string{}
	sp := &catalog.Supplier{
		Slug: f.Slug, Name: f.Name, Kind: f.Kind, County: f.County, Township: f.Township, CreditCode: f.CreditCode,
		CertNumber: f.CertNumber, Linkage: f.Linkage, ContactName: f.ContactName, ContactPhone: f.ContactPhone,
		Description: f.Description, Version: formVersion(f.Version),
	}
	date := func(field, label, v string) *time.Time {
		v = strings.TrimSpace(v)
		if v == "" {
			return nil
		}
		t, err := time.ParseInLocation("2006-01-02", v, zhenxing.Beijing)
		if err != nil {
			errs[field] = label + "应为日期，格式如 2026-05-01"
			return nil
		}
		return &t
	}
	sp.CertDate = date("cert_date", "认定日期", f.CertDate)
	sp.CertExpiry = date("cert_expiry", "认定有效期", f.CertExpiry)
	sp.Households = formInt(errs, "households", "带动农户数", f.Households, 0)
	return sp, errs
}

// supplierView is the supplier form page.
type supplierView struct {
	Layout
	Admin    adminBase
	New      bool
	Supplier *catalog.Supplier
	Form     supplierForm
	Errors   map[string]string
	Error    string
	Reload   string // with Error: the address that loads the form again, after a conflicting save
	Notice   string
	Kinds    []string
	Counties []string
}

// Field is the text field name of the supplier form, with its value and message.
func (v *supplierView) Field(name, label string) fieldView {
	f := v.Form
	values := map[string]string{
		"slug": f.Slug, "name": f.Name, "township": f.Township, "credit_code": f.CreditCode,
		"cert_number": f.CertNumber, "cert_date": f.CertDate, "cert_expiry": f.CertExpiry,
		"households": f.Households, "contact_name": f.ContactName, "contact_phone": f.ContactPhone,
	}
	typ := ""
	if name == "cert_date" || name == "cert_expiry" {
		typ = "date"
	}
	return fieldView{Name: name, Label: label, Value: values[name], Error: v.Errors[name], Type: typ}
}

// Select is the drop-down name (kind or county) of the supplier form, with its choices, value and
// message.
func (v *supplierView) Select(name, label string) selectView {
	choices := map[string][]string{"kind": v.Kinds, "county": v.Counties}
	values := map[string]string{"kind": v.Form.Kind, "county": v.Form.County}
	return selectView{Name: name, Label: label, Value: values[name], Error: v.Errors[name], Options: choices[name]}
}

func (s *Server) newSupplierView(c *fiber.Ctx, sp *catalog.Supplier) *supplierView {
	v := &supplierView{
		Admin: adminBaseOf(c, "suppliers"), New: sp == nil, Supplier: sp, Errors: map[string]string{},
		Kinds: catalog.SupplierKinds, Counties: []string{catalog.CountyPaired, catalog.CountyLocal},
	}
	if sp != nil {
		v.Form = supplierFormOf(sp)
	} else {
		v.Form = supplierForm{Households: "0"}
	}
	return v
}

func (s *Server) renderSupplier(c *fiber.Ctx, status int, v *supplierView) error {
	name := ""
	if !v.New {
		name = v.Supplier.Name
	}
	v.Layout = adminFormLayout("供应商", "/admin/suppliers", name)
	return s.renderPage(c, status, "admin_supplier", v)
}

var supplierNotices = map[string]string{"created": "供应商已创建。", "saved": "修改已保存。"}

// supplierListView is the back office's list of suppliers.
type supplierListView struct {
	Layout
	Admin     adminBase
	Suppliers []catalog.Supplier
	Notice    string
}

// adminSuppliers lists every supplier with its number of products.
func (s *Server) adminSuppliers(c *fiber.Ctx) error {
	ctx, cancel := dbContext(c)
	defer cancel()
	list, err := s.deps.Suppliers.List(ctx)
	if err != nil {
		return err
	}
	return s.renderPage(c, fiber.StatusOK, "admin_suppliers", &supplierListView{
		Layout:    adminLayout("供应商", crumb{Name: "供应商"}),
		Admin:     adminBaseOf(c, "suppliers"),
		Suppliers: list,
		Notice:    supplierNotices[c.Query("done")],
	})
}

// adminSupplierNew shows the empty supplier form.
func (s *Server) adminSupplierNew(c *fiber.Ctx) error {
	return s.renderSupplier(c, fiber.StatusOK, s.newSupplierView(c, nil))
}

// adminSupplierEdit shows a supplier's form.
func (s *Server) adminSupplierEdit(c *fiber.Ctx) error {
	ctx, cancel := dbContext(c)
	defer cancel()
	sp, err := s.deps.Suppliers.Find(ctx, c.Params("slug"))
	if err != nil {
		return err
	}
	v := s.newSupplierView(c, sp)
	v.Notice = supplierNotices[c.Query("done")]
	return s.renderSupplier(c, fiber.StatusOK, v)
}

// adminSupplierSave creates a supplier (no slug in the URL) or updates the one of the URL, if
// nobody saved it since the form was loaded (its version). A rejected form comes back with the
// values typed and each message beside its field; one refused because someone saved the supplier
// first also links to the form as it is now. A slug another supplier has is a conflict shown
// beside the slug: nothing is overwritten.
func (s *Server) adminSupplierSave(c *fiber.Ctx) error {
	ctx, cancel := dbContext(c)
	defer cancel()
	var current *catalog.Supplier
	save, done := s.deps.Suppliers.Create, "created"
	if slug := c.Params("slug"); slug != "" {
		var err error
		if current, err = s.deps.Suppliers.Find(ctx, slug); err != nil {
			return err
		}
		save, done = s.deps.Suppliers.Update, "saved"
	}
	v := s.newSupplierView(c, current)
	v.Form = readSupplierForm(c)
	if current != nil {
		v.Form.Slug = current.Slug // the URL names the supplier
	}
	sp, errs := v.Form.supplier()
	v.Errors = errs
	var err error
	if len(errs) > 0 {
		// The form could not even be read: the store's checks of the other fields show too.
		sp.Normalize()
		for _, fe := range catalog.AsFieldErrors(sp.Validate()) {
			if _, ok := errs[fe.Field]; !ok {
				errs[fe.Field] = fe.Message
			}
		}
		err = zhenxing.Errorf(zhenxing.EInvalid, fixFieldsMessage)
	} else if err = save(ctx, userOf(c).Actor(), sp); err == nil {
		return c.Redirect("/admin/suppliers/"+sp.Slug+"?done="+done, fiber.StatusSeeOther)
	}
	status, msg, err2 := formFailure(err, v.Errors)
	if err2 != nil {
		return err2
	}
	v.Error, v.Reload = msg, reloadURL(err, "/admin/suppliers/"+sp.Slug)
	return s.renderSupplier(c, status, v)
}
