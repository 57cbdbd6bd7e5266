# keepgate — see README.md. Every target installs what it needs first.
SHELL := /bin/bash
DATA ?= ./data
PORT ?= 9000
API_PORT ?= 9001
HOST ?= 127.0.0.1
# Medium-size Buffers are malloc'd; under glibc's dynamic mmap threshold the heap fragments and
# RSS grows under load without being given back. A fixed threshold keeps it flat (see README).
export GLIBC_TUNABLES := glibc.malloc.mmap_threshold=131072
NODE_TEST := node --import tsx --test --test-reporter=spec --test-concurrency=1

.PHONY: run serve build test test-unit test-integration test-compat test-stress bench lint typecheck clean

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

dist/.built: node_modules/.installed $(shell find src -name '*.ts' 2>/dev/null)
	npx tsc -p tsconfig.build.json
	touch $@

build: dist/.built

# Embedded backend in DATA by default. With ARVADOS_API_HOST set (here or in the environment) the
# gateway runs in front of that Arvados cluster instead, with no data directory; it reads
# ARVADOS_API_HOST, ARVADOS_API_HOST_INSECURE, ARVADOS_SYSTEM_ROOT_TOKEN and ARVADOS_KEEP_SERVICES
# from the environment (make passes variables given on its command line through).
run: build
	node dist/src/main.js serve $(if $(ARVADOS_API_HOST),--cluster-type arvados,--data "$(DATA)") --port $(PORT) --api-port $(API_PORT) --host $(HOST)

# The whole suite: unit, integration and real clients (compat), then the stress parts.
test: node_modules/.installed
	$(NODE_TEST) $$(find test/unit test/contract test/integration test/compat test/arch.test.ts -name '*.test.ts' 2>/dev/null | sort)

test-unit: node_modules/.installed
	$(NODE_TEST) $$(find test/unit test/arch.test.ts -name '*.test.ts' | sort)

test-integration: node_modules/.installed
	$(NODE_TEST) $$(find test/contract test/integration -name '*.test.ts' 2>/dev/null | sort)

test-compat: node_modules/.installed
	$(NODE_TEST) $$(find test/compat -name '*.test.ts' 2>/dev/null | sort)

test-stress: node_modules/.installed
	$(NODE_TEST) $$(find test/stress -name '*.test.ts' 2>/dev/null | sort)

bench: build
	node --import tsx test/bench/run.ts $(if $(QUICK),--quick,)

typecheck: node_modules/.installed
	npx tsc -p tsconfig.json --noEmit

lint: typecheck
	npx eslint src test

clean:
	rm -rf dist
