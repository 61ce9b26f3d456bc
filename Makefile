# ovirt-lab: `make demo` and `make test` do all set-up on a fresh machine (see README.md).
SHELL := bash
.DEFAULT_GOAL := help
NPM_STAMP := node_modules/.package-lock.json

.PHONY: help setup deps toolchain sdk build demo test bench lint clean

help:
	@echo "make demo   - build what is missing, start the embedded 4.4 engine, pulumi up the lab stack"
	@echo "make demo DEMO=migration - the seed lab's whole 4.3 -> 4.4 move on two embedded engines (docs/migration.md)"
	@echo "make test   - build what is missing and run the whole test suite"
	@echo "make bench  - build what is missing and run the benchmarks (bench/results/latest.json, docs/benchmarks.md)"
	@echo "make lint   - typecheck, eslint and prettier"

# npm ci only when the lockfile changed since the last install.
$(NPM_STAMP): package.json package-lock.json
	@# better-sqlite3 builds from source here (no prebuilt download): point node-gyp at the system's Node headers.
	npm_config_nodedir=$$( [ -d /usr/include/node ] && echo /usr || true ) npm ci --no-audit --no-fund
	@touch $(NPM_STAMP)

deps: $(NPM_STAMP)

toolchain: deps
	bash testbed/toolchain/build.sh

sdk:
	bash testbed/sdk/install.sh

build: deps
	npm run -s build

setup: deps toolchain sdk build

# DEMO=migration: the 4.3 -> 4.4 move instead of the 4.4 lab.
DEMO ?= lab
demo: setup
	@if [[ "$(DEMO)" == migration ]]; then node dist/testbed/demo-migration.js; \
	elif [[ "$(DEMO)" == lab ]]; then node dist/testbed/demo.js; \
	else echo "DEMO=$(DEMO): must be lab or migration" >&2; exit 2; fi

test: setup
	bash testbed/run-tests.sh $(JEST_ARGS)

bench: setup
	node dist/bench/run.js

lint: deps
	npm run -s typecheck && npx eslint . && npx prettier --check .

# The demo's engine FUSE-mounts real Gluster volumes under .state: unmount them first, and never let
# rm cross into another file system (that would delete the volumes' data).
clean:
	@if [[ $$(id -u) == 0 ]]; then bash testbed/hosts/testbed.sh unmount-gluster "$$PWD/.state"; fi
	rm -rf --one-file-system dist .state
