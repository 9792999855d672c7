//go:build pprof

package main

import (
	"net/http"
	_ "net/http/pprof" // profiling endpoints, only in binaries built with -tags pprof
	"os"
)

// A binary built with `go build -tags pprof` serves /debug/pprof on PPROF_ADDR (default
// 127.0.0.1:6060), for profiling under load. Release builds do not contain this file.
func init() {
	addr := os.Getenv("PPROF_ADDR")
	if addr == "" {
		addr = "127.0.0.1:6060"
	}
	go http.ListenAndServe(addr, nil)
}
