package catalog

import (
	"bytes"
	"context"
	"embed"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"zhenxing/internal/db"
)

//go:embed seed
var seedFiles embed.FS

// SeedFS is the sample catalogue embedded in the binary: suppliers.json, products.json and the
// photos/ they name.
func SeedFS() fs.FS {
	sub, err := fs.Sub(seedFiles, "seed")
	if err != nil {
		panic(err) // the directory is embedded at build time
	}
	return sub
}

// SeedResult says what Seed did with each file.
type SeedResult struct {
	Suppliers ImportResult
	Products  ImportResult
}

// Seed loads the sample catalogue from fsys (suppliers.json, then products.json with photos from
// photos/): it creates the suppliers and products that are missing and leaves existing ones as
// they are, so that running it again changes nothing and records nothing. Each file is imported
// whole or not at all; problems are ImportProblems inside an EInvalid error.
func (c *Catalog) Seed(ctx context.Context, fsys fs.FS) (SeedResult, error) {
	var res SeedResult
	for _, step := range []struct {
		name   string
		result *ImportResult
		load   func(context.Context, db.Actor, io.Reader, ImportOptions) (ImportResult, error)
	}{
		{"suppliers.json", &res.Suppliers, c.ImportSuppliers},
		{"products.json", &res.Products, c.ImportProducts},
	} {
		data, err := fs.ReadFile(fsys, step.name)
		if errors.Is(err, fs.ErrNotExist) {
			return res, fmt.Errorf("seed: %s is missing", step.name)
		}
		if err != nil {
			return res, fmt.Errorf("seed: %w", err)
		}
		r, err := step.load(ctx, db.CommandLine, bytes.NewReader(data), ImportOptions{Name: step.name, Photos: fsys, OnlyNew: true})
		*step.result = r
		if err != nil {
			return res, err
		}
	}
	return res, nil
}
