# Skyforge: the two commands a newcomer needs are `make up` and `make test`.
.PHONY: up test bench package web openapi fmt lint clean

## up: install what is missing, start the AWS stand-in and the platform with demo data
up:
	@infra/scripts/up.sh

## test: run every test against a fresh AWS stand-in; non-zero exit on any failure
test:
	@infra/scripts/test.sh

## bench: dashboard render, sync and fan-out benchmarks against a fresh AWS stand-in (prints figures; minutes)
bench:
	@infra/scripts/bench.sh

## package: release Lambda zips of every function (cargo lambda), their sizes and cold starts (~20 min)
package:
	@infra/scripts/package.sh

## web: build the web app into web/dist
web:
	@infra/scripts/web.sh build

## openapi: write the OpenAPI document the web app's types are generated from
openapi:
	@bin="$$(infra/scripts/build.sh)/debug/skyforge-local" && "$$bin" openapi > web/openapi.json

fmt:
	cargo fmt --all

lint:
	cargo fmt --all -- --check
	cargo clippy --workspace --all-targets -- -D warnings

clean:
	rm -rf .run
