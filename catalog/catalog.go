package catalog

import (
	"time"

	"zhenxing"
)

// The two origins of products: the paired county and the district itself.
const (
	CountyPaired = "略阳县" // 对口帮扶县
	CountyLocal  = "灞桥区"
)

// SupplierKinds are the kinds of supplier the hall works with.
var SupplierKinds = []string{"合作社", "企业", "家庭农场"}

// Categories are the product categories, in display order.
var Categories = []string{"樱桃", "菌菇", "禽蛋肉类", "中药材", "粮油", "蜂产品", "干果", "茶叶", "果蔬", "其他"}

// Flags are the certification marks a product may carry.
var Flags = []string{"地理标志", "绿色", "有机"}

// Supplier is a cooperative, enterprise or family farm selling through the hall.
type Supplier struct {
	ID           int64      `db:"id" json:"-"`
	Slug         string     `db:"slug" json:"slug"`
	Name         string     `db:"name" json:"name"`
	Kind         string     `db:"kind" json:"kind"`         // one of SupplierKinds
	County       string     `db:"county" json:"county"`     // CountyPaired or CountyLocal
	Township     string     `db:"township" json:"township"` // 镇/街道
	CreditCode   string     `db:"credit_code" json:"credit_code"`
	CertNumber   string     `db:"cert_number" json:"cert_number"` // 扶贫产品认定 number, "" when none
	CertDate     *time.Time `db:"cert_date" json:"cert_date"`
	CertExpiry   *time.Time `db:"cert_expiry" json:"cert_expiry"`
	Households   int        `db:"households" json:"households"` // 联农带农: farming households linked
	Linkage      string     `db:"linkage" json:"linkage"`       // 联农带农: how
	ContactName  string     `db:"contact_name" json:"contact_name"`
	ContactPhone string     `db:"contact_phone" json:"contact_phone"`
	Description  string     `db:"description" json:"description"`
	CreatedAt    time.Time  `db:"created_at" json:"created_at"`
	UpdatedAt    time.Time  `db:"updated_at" json:"updated_at"`
	Version      int64      `db:"version" json:"-"` // row version: Suppliers.Update refuses an older one
}

// PriceTier is a bulk price: from MinQty units on, each unit costs Price.
type PriceTier struct {
	MinQty int            `json:"min_qty"`
	Price  zhenxing.Money `json:"price"`
}

// Product is one item of the catalogue.
type Product struct {
	ID          int64          `db:"id" json:"-"`
	Slug        string         `db:"slug" json:"slug"`
	Name        string         `db:"name" json:"name"`
	Category    string         `db:"category" json:"category"`
	County      string         `db:"county" json:"county"`
	Township    string         `db:"township" json:"township"`
	SupplierID  int64          `db:"supplier_id" json:"-"`
	Spec        string         `db:"spec" json:"spec"`   // 规格, e.g. 500克/袋
	Unit        string         `db:"unit" json:"unit"`   // 袋, 箱, 盒 ...
	Price       zhenxing.Money `db:"price" json:"price"` // per unit
	Tiers       []PriceTier    `db:"tiers" json:"tiers"` // ascending MinQty, descending Price
	MinQty      int            `db:"min_qty" json:"min_qty"`
	Multiple    int            `db:"multiple" json:"multiple"`
	Stock       int            `db:"stock" json:"stock"`
	SeasonStart int            `db:"season_start" json:"season_start"` // month 1-12; 0 with SeasonEnd 0: all year
	SeasonEnd   int            `db:"season_end" json:"season_end"`
	Flags       []string       `db:"flags" json:"flags"`
	Description string         `db:"description" json:"description"` // Markdown
	Listed      bool           `db:"listed" json:"listed"`
	CreatedAt   time.Time      `db:"created_at" json:"created_at"`
	UpdatedAt   time.Time      `db:"updated_at" json:"updated_at"`
	Version     int64          `db:"version" json:"-"` // row version: Products.Update refuses an older one
}
