package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"zhenxing/internal/testdb"
)

func TestCatalogCommands(t *testing.T) {
	_, dbURL := testdb.NewWithURL(t)
	env := dbEnv(dbURL)
	dir := t.TempDir()
	exported := filepath.Join(dir, "products.csv")
	bad := filepath.Join(dir, "bad.csv")
	if err := os.WriteFile(bad, []byte("slug,price,colour\nbailuyuan-hongdeng-cherry-1kg,abc,red\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		args   []string
		status int
		out    string // in stdout, or stderr for status 2
	}{
		{"seed", []string{"seed"}, 0, "新增商品"},
		{"seed again", []string{"seed"}, 0, "新增供应商 0 家"},
		{"export", []string{"export", "products", exported}, 0, ""},
		{"import the export", []string{"import", "products", exported}, 0, "新建 0，更新 0"},
		{"dry run", []string{"import", "--dry-run", "products", exported}, 0, "检查通过（未写入）"},
		{"bad file", []string{"import", "products", bad}, 1, "第 2 行，price 列：单价“abc”无效"},
		{"bad file lists its header", []string{"import", "products", bad}, 1, "第 1 行，colour 列：未知的列“colour”"},
		{"missing file", []string{"import", "suppliers", filepath.Join(dir, "nothing.csv")}, 1, ""},
		{"import what", []string{"import", "orders", bad}, 2, "用法：zhenxing import"},
		{"export what", []string{"export"}, 2, "用法：zhenxing export"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			status := run(context.Background(), tt.args, env, strings.NewReader(""), &stdout, &stderr)
			if status != tt.status {
				t.Fatalf("status %d, want %d; stdout %q stderr %q", status, tt.status, stdout.String(), stderr.String())
			}
			got := stdout.String()
			if tt.status == 2 {
				got = stderr.String()
			}
			if !strings.Contains(got, tt.out) {
				t.Errorf("output %q lacks %q", got, tt.out)
			}
		})
	}
	data, err := os.ReadFile(exported)
	if err != nil || !bytes.HasPrefix(data, []byte("\uFEFFslug,name,category,")) || bytes.Count(data, []byte("\n")) < 41 {
		t.Errorf("the export has %d lines: %v", bytes.Count(data, []byte("\n")), err)
	}
	var stdout bytes.Buffer
	if status := run(context.Background(), []string{"export", "products"}, env, nil, &stdout, &stdout); status != 0 || !bytes.Equal(stdout.Bytes(), data) {
		t.Errorf("export to standard output differs from the file (status %d)", status)
	}
}
