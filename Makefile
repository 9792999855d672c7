# The two commands of the README: `make run` and `make test`. The rest are for developers.
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
	go run golang.org/x/vuln/cmd/govulncheck@v1.1.4 ./...
