# The two commands of the README: `make run` and `make test`. The rest are for developers.
# Go 1.26.10 or later (1.26.8 has reachable standard-library vulnerabilities); fetched once from
# the Go module proxy when the machine has an older Go.
export GOTOOLCHAIN := $(or $(ZHENXING_GO),go1.26.10)

.PHONY: run test bench check fmt vet govulncheck

run:
	@scripts/run

test:
	@scripts/test

bench:
	@scripts/bench

check:
	@go run ./cmd/zhenxing check

fmt:
	gofmt -l -w .

vet:
	go vet ./...

govulncheck:
	@scripts/govulncheck
