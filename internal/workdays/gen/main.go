// Command gen writes the holiday file of a year from the tables of github.com/6tail/lunar-go,
// which follow the State Council's yearly notices (国务院办公厅关于部分节假日安排的通知):
//
//	go run ./internal/workdays/gen 2027 > internal/workdays/holidays/2027.txt
//
// Check the result against the notice before committing it: the test of package workdays holds
// every committed file to the same tables.
package main

import (
	"fmt"
	"os"
	"strconv"

	"github.com/6tail/lunar-go/HolidayUtil"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "用法：go run ./internal/workdays/gen 年份")
		os.Exit(2)
	}
	year, err := strconv.Atoi(os.Args[1])
	if err != nil || year < 2000 || year > 2100 {
		fmt.Fprintf(os.Stderr, "年份无效：%q\n", os.Args[1])
		os.Exit(2)
	}
	days := HolidayUtil.GetHolidaysByYear(year)
	if days.Len() == 0 {
		fmt.Fprintf(os.Stderr, "没有 %d 年的节假日安排（国务院办公厅的通知可能尚未发布）。\n", year)
		os.Exit(1)
	}
	fmt.Printf("# %d 年节假日安排（国务院办公厅通知）：每行一个日期，“休”为放假，“班”为调休上班。\n", year)
	for e := days.Front(); e != nil; e = e.Next() {
		h := e.Value.(*HolidayUtil.Holiday)
		kind := "休"
		if h.IsWork() {
			kind = "班"
		}
		fmt.Printf("%s %s %s\n", h.GetDay(), kind, h.GetName())
	}
}
