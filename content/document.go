// Package content parses, validates and renders the site's published content: documents of the
// open-government section and recruitment events, written as Markdown files with YAML front
// matter. Everything is rendered once per load; a Library is immutable and safe to share.
package content

import (
	"time"
)

// Kind is the column a document is published in. Its value is the URL segment.
type Kind string

// The document kinds, in the order the open-government index shows them: the columns the
// Regulations on the Disclosure of Government Information (2019) and 国办发〔2017〕47号 expect.
const (
	KindGuide          Kind = "guide"
	KindRules          Kind = "rules"
	KindFunctions      Kind = "functions"
	KindLeaders        Kind = "leaders"
	KindDepartments    Kind = "departments"
	KindPolicy         Kind = "policies"
	KindInterpretation Kind = "interpretations"
	KindPlans          Kind = "plans"
	KindBudgets        Kind = "budgets"
	KindStatistics     Kind = "statistics"
	KindReport         Kind = "reports"
	KindNotice         Kind = "notices"
	KindNews           Kind = "news"
	KindAnnualReport   Kind = "annual-reports"
)

// Kinds lists every kind in display order.
var Kinds = []Kind{KindGuide, KindRules, KindFunctions, KindLeaders, KindDepartments, KindPolicy, KindInterpretation,
	KindPlans, KindBudgets, KindStatistics, KindReport, KindNotice, KindNews, KindAnnualReport}

var kindNames = map[Kind]string{
	KindGuide:          "政府信息公开指南",
	KindRules:          "政府信息公开制度",
	KindFunctions:      "机构职能",
	KindLeaders:        "领导信息",
	KindDepartments:    "内设机构",
	KindPolicy:         "政策文件",
	KindInterpretation: "政策解读",
	KindPlans:          "规划计划",
	KindBudgets:        "预决算",
	KindStatistics:     "统计信息",
	KindReport:         "工作总结与计划",
	KindNotice:         "通知公告",
	KindNews:           "工作动态",
	KindAnnualReport:   "政府信息公开年度报告",
}

// Mandatory reports whether the kind is one of the 法定主动公开内容: what the regulation requires
// every agency to publish of its own accord (art. 20), as against the guide, the rules and the
// annual reports about disclosure itself.
func (k Kind) Mandatory() bool {
	return k != KindGuide && k != KindRules && k != KindAnnualReport
}

// Name is the kind's Chinese column name, or "" for an unknown kind.
func (k Kind) Name() string { return kindNames[k] }

// ParseKind returns the kind whose URL segment is s, and false when there is none.
func ParseKind(s string) (Kind, bool) {
	k := Kind(s)
	_, ok := kindNames[k]
	return k, ok
}

// Validity is a document's legal status (有效性).
type Validity string

// The validity values a document may carry.
const (
	InForce  Validity = "有效"
	Amended  Validity = "已修改"
	Repealed Validity = "已废止"
	Expired  Validity = "已失效"
)

// Document is one published document with its metadata and rendered body.
// The pointer fields are links resolved when the library is built.
type Document struct {
	Slug        string
	Kind        Kind
	Title       string
	IndexNo     string    // 索引号, unique across the library
	Publisher   string    // 发布机构
	Written     time.Time // 成文日期
	Published   time.Time // 发布日期, with the time of day when given
	Number      string    // 文号, may be empty
	Topic       string    // 主题分类
	Validity    Validity
	Keywords    []string
	Attachments []Attachment
	History     []Change
	File        string // the source file, relative to the content root
	Body
	// RequestsYear is, for an annual report, the year whose request table the site computes
	// from its requests and shows where the body says 【申请情况表】; 0 for none.
	RequestsYear int
	// Consultation is the comment period of a draft (意见征集), nil for none.
	Consultation *Consultation

	// Successor is the document that replaces (已废止, 已失效) or amends (已修改) this one.
	Successor *Document
	// Predecessors are the documents this one replaces or amends.
	Predecessors []*Document
	// Policy is the policy an interpretation explains; Interpretations the reverse.
	Policy          *Document
	Interpretations []*Document
	// Related are a few documents sharing topic or keywords, newest first.
	Related []*Document
	// Projects are the bridging-fund projects the document is about: those it names and those
	// naming it.
	Projects []*Project

	successorSlug string
	policySlug    string
	projectSlugs  []string
	projectLine   int
}

// unlinked returns a copy of the document without the links its library resolved, to serve
// again in a new library while the library d belongs to stays as it is.
func (d *Document) unlinked() *Document {
	c := *d
	c.Successor, c.Predecessors, c.Policy, c.Interpretations, c.Related, c.Projects = nil, nil, nil, nil, nil, nil
	return &c
}

// URL is the document's path on the site.
func (d *Document) URL() string { return "/open/" + string(d.Kind) + "/" + d.Slug }

// InForce reports whether the document is still valid as published.
func (d *Document) InForce() bool { return d.Validity == InForce }

// Attachment is a file published with a document.
type Attachment struct {
	File  string // path relative to the content root, e.g. files/plan.pdf
	Title string
	Type  string // a short Chinese-readable type, e.g. PDF, XLSX
	Size  int64  // bytes
}

// URL is the attachment's path on the site.
func (a Attachment) URL() string { return "/" + a.File }

// Consultation is the period a draft is open for comment: from the start of Opens to the end of
// Closes, Beijing time.
type Consultation struct {
	Opens, Closes time.Time
}

// Ends is the moment comments stop: the midnight after Closes.
func (c *Consultation) Ends() time.Time { return c.Closes.AddDate(0, 0, 1) }

// OpenAt reports whether comments are taken at now.
func (c *Consultation) OpenAt(now time.Time) bool {
	return !now.Before(c.Opens) && now.Before(c.Ends())
}

// ClosedAt reports whether the period is over at now.
func (c *Consultation) ClosedAt(now time.Time) bool { return !now.Before(c.Ends()) }

// Change is one entry of a document's history.
type Change struct {
	Date time.Time
	Note string
}

// link is an internal link found in a body, checked once the whole library is known.
type link struct {
	target string
	line   int
}
