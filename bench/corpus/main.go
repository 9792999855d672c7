// Command corpus writes a generated corpus of documents for the benchmarks: the bodies of the
// sample documents under fresh front matter, as a zhenxing content directory (docs/<kind>/) and
// as a Hugo site over the same Markdown files.
//
//	go run ./bench/corpus -n 5000 -out /tmp/corpus
package main

import (
	"bytes"
	"flag"
	"fmt"
	"io/fs"
	"log"
	"os"
	"path"
	"path/filepath"
	"strings"

	"zhenxing/content"
)

func main() {
	n := flag.Int("n", 5000, "number of documents")
	out := flag.String("out", "corpus", "output directory")
	flag.Parse()

	bodies, err := sampleBodies()
	if err != nil {
		log.Fatal(err)
	}
	docs := filepath.Join(*out, "zhenxing", "docs")
	hugo := filepath.Join(*out, "hugo")
	for _, dir := range []string{docs, filepath.Join(hugo, "layouts", "_default")} {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			log.Fatal(err)
		}
	}
	topics := []string{"乡村振兴", "社会保障", "财政资金", "就业创业", "农业农村", "政务公开"}
	for i := 0; i < *n; i++ {
		kind := content.Kinds[i%len(content.Kinds)]
		if kind == content.KindInterpretation { // interpretations need a policy: publish as notices
			kind = content.KindNotice
		}
		year := 2016 + i%10
		fm := fmt.Sprintf(`---
title: 生成文件第%d号：关于乡村振兴重点工作的%s
index_no: 11610111MB1C2345XA/%d-%05d
publisher: 西安市灞桥区乡村振兴局
written: %d-%02d-%02d
published: %d-%02d-%02d 09:30
topic: %s
validity: 有效
keywords: [乡村振兴, 第%d组]
summary: 基准测试生成的第%d号文件。
history:
  - date: %d-%02d-%02d
    note: 首次发布
---
`, i, kind.Name(), year, i, year, 1+i%12, 1+i%28, year, 1+i%12, 1+i%28, topics[i%len(topics)], i%50, i, year, 1+i%12, 1+i%28)
		body := bodies[i%len(bodies)]
		dir := filepath.Join(docs, string(kind))
		if err := os.MkdirAll(dir, 0o755); err != nil {
			log.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("doc-%05d.md", i)), []byte(fm+body), 0o644); err != nil {
			log.Fatal(err)
		}
	}
	// The Hugo site reads the very same files.
	if err := os.Symlink(docs, filepath.Join(hugo, "content")); err != nil && !os.IsExist(err) {
		log.Fatal(err)
	}
	files := map[string]string{
		"hugo.toml":                    "baseURL = 'http://localhost/'\nlanguageCode = 'zh-CN'\ntitle = 'bench'\ndisableKinds = ['taxonomy', 'term', 'RSS', 'sitemap']\n[markup.goldmark.extensions]\n  cjk = { enable = true, eastAsianLineBreaks = true }\n",
		"layouts/_default/single.html": "<!DOCTYPE html><html lang=\"zh-CN\"><head><title>{{ .Title }}</title></head><body><h1>{{ .Title }}</h1><p>{{ .Params.index_no }} {{ .Params.publisher }}</p>{{ .Content }}</body></html>\n",
		"layouts/_default/list.html":   "<!DOCTYPE html><html><body><ul>{{ range .Pages }}<li><a href=\"{{ .RelPermalink }}\">{{ .Title }}</a></li>{{ end }}</ul></body></html>\n",
	}
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(hugo, name), []byte(body), 0o644); err != nil {
			log.Fatal(err)
		}
	}
	fmt.Printf("wrote %d documents to %s\n", *n, *out)
}

// sampleBodies returns the Markdown bodies of the embedded sample documents.
func sampleBodies() ([]string, error) {
	var bodies []string
	err := fs.WalkDir(content.Embedded(), "docs", func(p string, e fs.DirEntry, err error) error {
		if err != nil || e.IsDir() || path.Ext(p) != ".md" {
			return err
		}
		data, err := fs.ReadFile(content.Embedded(), p)
		if err != nil {
			return err
		}
		parts := bytes.SplitN(data, []byte("\n---\n"), 2)
		if len(parts) == 2 {
			body := string(parts[1])
			// Links between sample documents would dangle in the generated corpus.
			body = strings.ReplaceAll(body, "](/open/", "](https://example.cn/open/")
			bodies = append(bodies, body)
		}
		return nil
	})
	return bodies, err
}
