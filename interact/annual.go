package interact

import (
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"time"
)

// The annual report's request table (收到和处理政府信息公开申请情况) in the format of
// 国办公开办函〔2021〕30号: requests counted by who asked and how each was handled.

// ApplicantCategory is a column of the table: a citizen, or one of the kinds of organisation.
// It is kept apart from the applicant's personal data, so the table outlives retention.
type ApplicantCategory struct {
	Code  string
	Label string
}

// ApplicantCategories are the table's columns, in its order; the first is the citizen's.
var ApplicantCategories = []ApplicantCategory{
	{"citizen", "自然人"},
	{"business", "商业企业"},
	{"research", "科研机构"},
	{"nonprofit", "社会公益组织"},
	{"legal", "法律服务机构"},
	{"other", "其他"},
}

// OrgCategories are the categories an organisation chooses from on the form.
var OrgCategories = ApplicantCategories[1:]

func categoryIndex(code string) int {
	for i, c := range ApplicantCategories {
		if c.Code == code {
			return i
		}
	}
	return len(ApplicantCategories) - 1 // an unknown category counts as 其他
}

// Outcome is how a closed request was handled: a row of the table.
type Outcome struct {
	Code  string
	Group string // the table's group: 予以公开, 部分公开, 不予公开, 无法提供, 不予处理 or 其他处理
	Row   string // the row within the group, "" when the group is a single row
}

// Label is the outcome as the applicant and staff read it.
func (o Outcome) Label() string {
	if o.Row == "" {
		return o.Group
	}
	return o.Group + "：" + o.Row
}

// The table's groups, in its order.
const (
	groupDisclosed   = "予以公开"
	groupPartial     = "部分公开"
	groupRefused     = "不予公开"
	groupUnavailable = "无法提供"
	groupUnprocessed = "不予处理"
	groupOther       = "其他处理"
)

// OutcomeNoSupplement closes a request whose applicant never sent what was asked: the one
// outcome open to a request waiting for more information.
const OutcomeNoSupplement = "other_no_supplement"

// AnswerOutcomes are the outcomes of Answer, in the table's order; refusals come from
// RefusalReasons through Refuse.
var AnswerOutcomes = []Outcome{
	{"disclosed", groupDisclosed, ""},
	{"partial", groupPartial, ""},
	{"unavailable_not_held", groupUnavailable, "本机关不掌握相关政府信息"},
	{"unavailable_not_made", groupUnavailable, "没有现成信息需要另行制作"},
	{"unavailable_unclear", groupUnavailable, "补正后申请内容仍不明确"},
	{"unprocessed_petition", groupUnprocessed, "信访举报投诉类申请"},
	{"unprocessed_repeat", groupUnprocessed, "重复申请"},
	{"unprocessed_publication", groupUnprocessed, "要求提供公开出版物"},
	{"unprocessed_excessive", groupUnprocessed, "无正当理由大量反复申请"},
	{"unprocessed_confirm", groupUnprocessed, "要求行政机关确认或重新出具已获取信息"},
	{OutcomeNoSupplement, groupOther, "申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"},
	{"other_no_fee", groupOther, "申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请"},
	{"other_other", groupOther, "其他"},
}

// outcomes are every outcome in the table's order: the answers with the refusals in their place.
var outcomes = func() []Outcome {
	var out []Outcome
	for _, o := range AnswerOutcomes {
		if o.Group == groupUnavailable && out[len(out)-1].Group == groupPartial {
			for _, r := range RefusalReasons {
				out = append(out, Outcome{"refused_" + r.Code, groupRefused, r.Row})
			}
		}
		out = append(out, o)
	}
	return out
}()

// OutcomeOf returns the outcome with the code, and false when there is none.
func OutcomeOf(code string) (Outcome, bool) {
	for _, o := range outcomes {
		if o.Code == code {
			return o, true
		}
	}
	return Outcome{}, false
}

// TableRow is one row of the request table. Counts has one number per applicant category and
// the total last; a heading row (三、本年度办理结果) has none.
type TableRow struct {
	Label  string
	Level  int // 0 for the numbered sections, 1 for a group, 2 for a row within a group
	Counts []int
}

// RequestTable is the year's table.
type RequestTable struct {
	Year     int
	Columns  []string // the applicant categories and 总计
	Rows     []TableRow
	Received int // new in the year, every category
	Closed   int // closed in the year, every category
}

var groupNumerals = []string{"（一）", "（二）", "（三）", "（四）", "（五）", "（六）", "（七）"}

// YearTable computes the table for the year (Beijing time) from the requests: those received in
// the year, those carried over from the year before, those closed in the year by outcome, and
// those carried into the next. Errors: internal only.
func (r *Requests) YearTable(ctx context.Context, year int) (*RequestTable, error) {
	start, end := yearBounds(year)
	rows, err := r.pool.Query(ctx, `SELECT applicant_category, outcome, received_at, closed_at FROM disclosure_requests
		WHERE received_at < $2 AND (closed_at IS NULL OR closed_at >= $1)`, start, end)
	if err != nil {
		return nil, fmt.Errorf("count requests: %w", err)
	}
	defer rows.Close()
	width := len(ApplicantCategories) + 1
	counts := func() []int { return make([]int, width) }
	received, carriedIn, carriedOut, total := counts(), counts(), counts(), counts()
	byOutcome := map[string][]int{}
	for rows.Next() {
		var category, outcome string
		var receivedAt time.Time
		var closedAt *time.Time
		if err := rows.Scan(&category, &outcome, &receivedAt, &closedAt); err != nil {
			return nil, fmt.Errorf("count requests: %w", err)
		}
		col := categoryIndex(category)
		add := func(c []int) { c[col]++; c[width-1]++ }
		if receivedAt.Before(start) {
			add(carriedIn)
		} else {
			add(received)
		}
		switch {
		case closedAt == nil || !closedAt.Before(end):
			add(carriedOut)
		default:
			if byOutcome[outcome] == nil {
				byOutcome[outcome] = counts()
			}
			add(byOutcome[outcome])
			add(total)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("count requests: %w", err)
	}

	t := &RequestTable{Year: year, Received: received[width-1], Closed: total[width-1]}
	for _, c := range ApplicantCategories {
		t.Columns = append(t.Columns, c.Label)
	}
	t.Columns = append(t.Columns, "总计")
	t.Rows = append(t.Rows,
		TableRow{Label: "一、本年新收政府信息公开申请数量", Counts: received},
		TableRow{Label: "二、上年结转政府信息公开申请数量", Counts: carriedIn},
		TableRow{Label: "三、本年度办理结果"})
	group := -1
	for i, o := range outcomes {
		n := byOutcome[o.Code]
		if n == nil {
			n = counts()
		}
		if i == 0 || outcomes[i-1].Group != o.Group {
			group++
			label := groupNumerals[group] + o.Group
			if o.Group == groupPartial {
				label += "（区分处理的，只计这一情形，不计其他情形）"
			}
			if o.Row == "" {
				t.Rows = append(t.Rows, TableRow{Label: label, Level: 1, Counts: n})
				continue
			}
			t.Rows = append(t.Rows, TableRow{Label: label, Level: 1, Counts: counts()})
		}
		head := &t.Rows[len(t.Rows)-1-rowsInGroup(t.Rows)]
		for c := range n {
			head.Counts[c] += n[c]
		}
		t.Rows = append(t.Rows, TableRow{Label: rowNumber(t.Rows) + o.Row, Level: 2, Counts: n})
	}
	t.Rows = append(t.Rows,
		TableRow{Label: groupNumerals[group+1] + "总计", Level: 1, Counts: total},
		TableRow{Label: "四、结转下年度继续办理", Counts: carriedOut})
	return t, nil
}

// rowsInGroup counts the rows at level 2 at the end of rows: those after the group's heading.
func rowsInGroup(rows []TableRow) int {
	n := 0
	for i := len(rows) - 1; i >= 0 && rows[i].Level == 2; i-- {
		n++
	}
	return n
}

// rowNumber is the number of the next row within the current group: "1.", "2.", ...
func rowNumber(rows []TableRow) string { return strconv.Itoa(rowsInGroup(rows)+1) + "." }

// WriteCSV writes the table as CSV, with a byte-order mark so that spreadsheet programs read it
// as UTF-8.
func (t *RequestTable) WriteCSV(w io.Writer) error {
	if _, err := io.WriteString(w, "\uFEFF"); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	_ = cw.Write(append([]string{fmt.Sprintf("%d年收到和处理政府信息公开申请情况", t.Year)}, t.Columns...))
	for _, row := range t.Rows {
		line := []string{row.Label}
		for _, n := range row.Counts {
			line = append(line, strconv.Itoa(n))
		}
		_ = cw.Write(line)
	}
	cw.Flush()
	return cw.Error()
}
