package catalog

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path"
	"slices"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"
)

// An import file is read into a table: the columns it names and, for each record, its cells by
// column. CSV files may be UTF-8 with or without a byte-order mark or GB18030 (what Excel writes
// on a Chinese Windows); JSON files are an array of objects whose keys are the column names.

// ImportProblem is one thing wrong in an import file: where (row and column) and what, in Chinese.
type ImportProblem struct {
	Row     int    // CSV: the spreadsheet row (the header is row 1); JSON: the record's number from 1; 0 for the file as a whole
	Column  string // "" when the problem is the whole row
	Message string
	unit    string // 行 or 条
}

func (p ImportProblem) String() string {
	switch {
	case p.Row == 0:
		return p.Message
	case p.Column == "":
		return fmt.Sprintf("第 %d %s：%s", p.Row, p.unit, p.Message)
	}
	return fmt.Sprintf("第 %d %s，%s 列：%s", p.Row, p.unit, p.Column, p.Message)
}

// ImportProblems are every problem found in an import file. Imports return them wrapped in a
// zhenxing EInvalid error (find them with errors.As); nothing is written when there are any.
type ImportProblems []ImportProblem

func (ps ImportProblems) Error() string {
	lines := make([]string, len(ps))
	for i, p := range ps {
		lines[i] = p.String()
	}
	return strings.Join(lines, "\n")
}

// table is an import file read into cells.
type table struct {
	unit    string // 行 or 条
	columns []string
	records []record
}

type record struct {
	row   int
	cells map[string]string // column → value; a column missing from a JSON record is absent
}

// Import file formats.
const (
	FormatCSV  = "csv"
	FormatJSON = "json"
)

// formatOf picks the format from the file name's extension; "" when unknown.
func formatOf(name string) string {
	switch strings.ToLower(path.Ext(name)) {
	case ".csv", ".txt":
		return FormatCSV
	case ".json":
		return FormatJSON
	}
	return ""
}

// decodeText returns the file's text: UTF-8 without its byte-order mark, or GB18030 converted.
func decodeText(data []byte) (string, error) {
	if bytes.HasPrefix(data, []byte{0xFF, 0xFE}) || bytes.HasPrefix(data, []byte{0xFE, 0xFF}) {
		return "", fmt.Errorf("文件是 UTF-16 编码，请在 Excel 中另存为“CSV UTF-8（逗号分隔）”或“CSV（逗号分隔）”")
	}
	data = bytes.TrimPrefix(data, []byte{0xEF, 0xBB, 0xBF})
	if utf8.Valid(data) {
		return string(data), nil
	}
	out, err := simplifiedchinese.GB18030.NewDecoder().Bytes(data)
	if err != nil || !utf8.Valid(out) {
		return "", fmt.Errorf("文件编码无法识别，应为 UTF-8 或 GB18030(GBK)")
	}
	return string(out), nil
}

// readTable reads an import file. columns maps every accepted header (names and aliases, already
// folded by foldHeader) to its column; problems with the file's structure are returned as
// ImportProblems.
func readTable(data []byte, format string, columns map[string]string, ambiguous map[string]string) (*table, ImportProblems) {
	text, err := decodeText(data)
	if err != nil {
		return nil, ImportProblems{{Message: err.Error()}}
	}
	switch format {
	case FormatCSV:
		return readCSV(text, columns, ambiguous)
	case FormatJSON:
		return readJSON(text, columns, ambiguous)
	}
	return nil, ImportProblems{{Message: "文件格式应为 CSV 或 JSON（按扩展名 .csv、.json 判断）"}}
}

// foldHeader makes a header comparable: trimmed, lower-case, full-width brackets as ASCII, no spaces.
func foldHeader(h string) string {
	// Full-width parentheses, as a Chinese input method types them, fold to ASCII ones.
	h = strings.NewReplacer("\uff08", "(", "\uff09", ")", " ", "", "\u3000", "", "\t", "").Replace(h)
	return strings.ToLower(strings.TrimSpace(h))
}

func mapHeader(h string, columns, ambiguous map[string]string) (string, string) {
	f := foldHeader(h)
	if c, ok := columns[f]; ok {
		return c, ""
	}
	for a, why := range ambiguous {
		if foldHeader(a) == f {
			return "", why
		}
	}
	return "", fmt.Sprintf("未知的列“%s”", h)
}

func readCSV(text string, columns, ambiguous map[string]string) (*table, ImportProblems) {
	r := csv.NewReader(strings.NewReader(text))
	r.FieldsPerRecord = -1
	t := &table{unit: "行"}
	var problems ImportProblems
	add := func(row int, col, format string, args ...any) {
		problems = append(problems, ImportProblem{Row: row, Column: col, Message: fmt.Sprintf(format, args...), unit: t.unit})
	}
	header, err := r.Read()
	if err == io.EOF {
		return nil, ImportProblems{{Message: "文件是空的"}}
	}
	if err != nil {
		return nil, ImportProblems{{Row: 1, Message: csvMessage(err), unit: t.unit}}
	}
	pos := make([]string, len(header)) // column of each cell position; "" for a bad header
	for i, h := range header {
		if strings.TrimSpace(h) == "" {
			add(1, "", "第 %d 列没有列名", i+1)
			continue
		}
		c, why := mapHeader(h, columns, ambiguous)
		if why != "" {
			add(1, h, "%s", why)
			continue
		}
		if slices.Contains(t.columns, c) {
			add(1, h, "列“%s”重复", c)
			continue
		}
		pos[i] = c
		t.columns = append(t.columns, c)
	}
	for row := 2; ; row++ {
		cells, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			add(row, "", "%s", csvMessage(err))
			break
		}
		if blank(cells) {
			continue
		}
		if len(cells) > len(header) && !blank(cells[len(header):]) {
			add(row, "", "有 %d 个单元格，比表头多 %d 个", len(cells), len(cells)-len(header))
			continue
		}
		rec := record{row: row, cells: make(map[string]string, len(t.columns))}
		for i, c := range pos {
			if c == "" {
				continue
			}
			if i < len(cells) {
				rec.cells[c] = strings.TrimSpace(cells[i])
			} else {
				rec.cells[c] = ""
			}
		}
		t.records = append(t.records, rec)
	}
	return t, problems
}

func blank(cells []string) bool {
	for _, c := range cells {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

func csvMessage(err error) string {
	switch {
	case errors.Is(err, csv.ErrQuote):
		return "引号不成对"
	case errors.Is(err, csv.ErrBareQuote):
		return "单元格中有未转义的引号"
	}
	return "无法按 CSV 读取"
}

func readJSON(text string, columns, ambiguous map[string]string) (*table, ImportProblems) {
	t := &table{unit: "条"}
	var raw []map[string]json.RawMessage
	d := json.NewDecoder(strings.NewReader(text))
	if err := d.Decode(&raw); err != nil {
		msg := "不是有效的 JSON：应为对象组成的数组"
		var se *json.SyntaxError
		if errors.As(err, &se) {
			msg = fmt.Sprintf("不是有效的 JSON（第 %d 个字节附近有语法错误）", se.Offset)
		}
		return nil, ImportProblems{{Message: msg}}
	}
	if d.More() {
		return nil, ImportProblems{{Message: "JSON 数组之后还有多余内容"}}
	}
	var problems ImportProblems
	for i, obj := range raw {
		row := i + 1
		rec := record{row: row, cells: map[string]string{}}
		bad := false
		for key, v := range obj {
			c, why := mapHeader(key, columns, ambiguous)
			if why != "" {
				problems = append(problems, ImportProblem{Row: row, Column: key, Message: why, unit: t.unit})
				bad = true
				continue
			}
			s, err := jsonCell(v)
			if err != nil {
				problems = append(problems, ImportProblem{Row: row, Column: key, Message: err.Error(), unit: t.unit})
				bad = true
				continue
			}
			rec.cells[c] = s
			if !slices.Contains(t.columns, c) {
				t.columns = append(t.columns, c)
			}
		}
		if !bad {
			t.records = append(t.records, rec)
		}
	}
	return t, problems
}

// jsonCell turns a JSON value into the text a CSV cell would hold: strings as they are, numbers
// as written, booleans as true/false, null as empty, arrays of scalars joined with "|", and
// arrays of price tiers ({"min_qty": 50, "price": 6500}) as "50:6500|...".
func jsonCell(v json.RawMessage) (string, error) {
	d := json.NewDecoder(bytes.NewReader(v))
	d.UseNumber()
	var x any
	if err := d.Decode(&x); err != nil {
		return "", fmt.Errorf("无法读取")
	}
	scalar := func(x any) (string, bool) {
		switch y := x.(type) {
		case nil:
			return "", true
		case string:
			return strings.TrimSpace(y), true
		case json.Number:
			return y.String(), true
		case bool:
			if y {
				return "true", true
			}
			return "false", true
		}
		return "", false
	}
	if s, ok := scalar(x); ok {
		return s, nil
	}
	arr, ok := x.([]any)
	if !ok {
		return "", fmt.Errorf("应为文字、数字或数组")
	}
	parts := make([]string, 0, len(arr))
	for _, el := range arr {
		if s, ok := scalar(el); ok {
			parts = append(parts, s)
			continue
		}
		obj, ok := el.(map[string]any)
		if !ok || len(obj) != 2 {
			return "", fmt.Errorf("数组的元素应为文字，或 {\"min_qty\": 数量， \"price\": 单价（分）} 形式的阶梯价")
		}
		q, ok1 := scalar(obj["min_qty"])
		p, ok2 := scalar(obj["price"])
		if !ok1 || !ok2 || q == "" || p == "" {
			return "", fmt.Errorf("阶梯价应写成 {\"min_qty\": 数量， \"price\": 单价（分）}")
		}
		parts = append(parts, q+":"+p)
	}
	return strings.Join(parts, "|"), nil
}
