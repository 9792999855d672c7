// Command zhpunct rewrites files so that punctuation next to Chinese characters is full-width
// (see package zhtext). It prints the files it changed.
//
//	go run ./internal/zhtext/zhpunct $(git ls-files 'content/*.md' 'site/templates/*.html' 'catalog/seed/*.json' '*.go')
//
// Read the diff afterwards: test fixtures that are CSV, or ASCII on purpose (iCalendar escaping),
// must keep their ASCII punctuation.
package main

import (
	"fmt"
	"os"

	"zhenxing/internal/zhtext"
)

func main() {
	status := 0
	for _, name := range os.Args[1:] {
		data, err := os.ReadFile(name)
		if err != nil || !zhtext.Valid(string(data)) {
			fmt.Fprintln(os.Stderr, "skip", name, err)
			status = 1
			continue
		}
		fixed := zhtext.Fix(string(data), zhtext.KindOf(name))
		if fixed == string(data) {
			continue
		}
		if err := os.WriteFile(name, []byte(fixed), 0o644); err != nil {
			fmt.Fprintln(os.Stderr, err)
			status = 1
			continue
		}
		fmt.Println(name)
	}
	os.Exit(status)
}
