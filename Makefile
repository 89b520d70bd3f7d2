# The front door. `make demo` and `make test` work on a fresh Debian 12 machine: both install
# what they need first (scripts/bootstrap, idempotent).
SHELL := /bin/bash
.DEFAULT_GOAL := build
FUZZ_SECONDS ?= 10

.PHONY: build bootstrap demo test test-release test-asan fuzz bench e2e hostile servers e2e-only e2e-postgres-only hostile-only servers-only clean help

help:
	@echo "make            build the optimised binary at build/cairn"
	@echo "make demo       set up, build and run Cairn's main job on the embedded database"
	@echo "make test       set up, build and run every test (release, browser, hostile HTTP, ASan+UBSan, fuzz smoke)"
	@echo "make bench      build and run the benchmarks"
	@echo "make e2e        build and run the browser tests (headless Chromium against cairn serve)"
	@echo "make hostile    build and run the hostile-HTTP suite against cairn serve on 127.0.0.1"
	@echo "make servers    build and run two cairn serve processes on one PostgreSQL database (one killed)"
	@echo "make clean      remove build output"

bootstrap:
	@scripts/bootstrap

build:
	@cmake --preset release >/dev/null
	@cmake --build --preset release

demo: bootstrap build
	@scripts/demo

test: bootstrap test-release e2e-only e2e-postgres-only hostile-only servers-only test-asan fuzz

test-release:
	@cmake --preset release >/dev/null
	@cmake --build --preset release
	@ctest --preset release

test-asan:
	@cmake --preset asan >/dev/null
	@cmake --build --preset asan
	@ctest --preset asan

fuzz:
	@scripts/fuzz --seconds $(FUZZ_SECONDS)

bench: bootstrap build
	@scripts/bench

# Browser tests (tests/e2e) and the hostile-HTTP suite (tests/hostile), both against
# `cairn serve` on 127.0.0.1; `make test` runs them on the build test-release made.
e2e: bootstrap build e2e-only
hostile: bootstrap build hostile-only
servers: bootstrap build servers-only

e2e-only:
	@scripts/e2e

# Every browser test again with the servers on PostgreSQL (a throwaway cluster scripts/e2e starts
# and removes), and the regional analyst's, which needs PostgreSQL for its region of two councils.
e2e-postgres-only:
	@CAIRN_E2E_BACKEND=postgresql scripts/e2e

hostile-only:
	@tests/hostile/run
	@CAIRN_HOSTILE_BACKEND=postgresql tests/hostile/run

servers-only:
	@tests/servers/run

clean:
	rm -rf build build-asan build-debug build-fuzz out
