# Tidbit: `make run` to start it, `make test` for the whole suite, `make bench`
# for the benchmarks. Each target installs what it is missing first.

GO        ?= go
BIN       := bin
VERSION   ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS   := -X main.version=$(VERSION)
ARGS      ?=
# Debian packages the tests need (calendar reference, CalDAV server, ...):
# one a line in .ci/deps/apt.txt, so CI and developers install the same set.
APT_TEST  := $(shell cat .ci/deps/apt.txt)
# Fyne (the lesson windows) needs cgo, OpenGL and X11 headers to build.
APT_RUN   := gcc libc6-dev pkg-config libgl1-mesa-dev xorg-dev

.PHONY: all build run test test-go vet fmt-check bench fuzz deps-run deps-test deps-npm clean package footprint

all: build

build: deps-run
	$(GO) build -ldflags "$(LDFLAGS)" -o $(BIN)/tidbit ./cmd/tidbit
	$(GO) build -ldflags "$(LDFLAGS)" -o $(BIN)/tidbit-ui ./cmd/tidbit-ui
	$(GO) build -ldflags "$(LDFLAGS)" -o $(BIN)/tidbit-lab ./cmd/tidbit-lab

# `make run` starts the tray (tidbit-ui, built beside it, shows the lesson
# windows); `make run ARGS=learn` runs a lesson in this terminal instead.
run: build
	$(BIN)/tidbit $(ARGS)

# apt-install PKGS: installs the Debian packages that are missing, as root
# or through passwordless sudo; otherwise prints the exact command and fails.
define apt-install
	@missing=""; for p in $(1); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'install ok installed' || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  if ! command -v apt-get >/dev/null 2>&1; then \
	    echo "Missing packages:$$missing (this is not a Debian/Ubuntu system: install their equivalents)"; exit 1; \
	  elif [ "$$(id -u)" = 0 ]; then \
	    echo "Installing:$$missing"; apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	  elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then \
	    echo "Installing:$$missing"; sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	  else \
	    echo "Missing Debian packages:$$missing"; echo "Install them with: sudo apt-get install$$missing"; exit 1; \
	  fi; \
	fi
endef

deps-run:
	$(call apt-install,$(APT_RUN))
	$(GO) mod download

deps-test: deps-run deps-npm
	$(call apt-install,$(APT_TEST))

# The FSRS tests compare against ts-fsrs and the fsrs-rs optimizer (npm).
deps-npm:
	@command -v npm >/dev/null 2>&1 || { echo "npm (Node.js >= 20) is needed for the FSRS reference tests"; exit 1; }
	@[ -d app/learner/fsrs/testdata/gen/node_modules/ts-fsrs ] && [ -d app/learner/fsrs/testdata/gen/node_modules/@open-spaced-repetition/binding ] \
	  || app/learner/fsrs/testdata/gen/install.sh

vet:
	$(GO) vet ./...

fmt-check:
	@out=$$(gofmt -l cmd app widgets scheduler llm assets 2>/dev/null); \
	if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi

# The whole suite, with the race detector. Tests that need an outside
# program skip locally when it is missing but fail under CI=true.
test: deps-test fmt-check vet test-go

# Real servers for the integration tests, built or installed once and cached
# under ~/.cache/tidbit-ci: an Ollama server built from the module version in
# go.mod (.ci/ollama.sh; minutes the first time) and Learning Locker's xAPI
# statement service from npm (.ci/lrs.sh). The tests start them on 127.0.0.1
# and stop them by PID. TIDBIT_ARTIFACTS receives screenshots for people.
ARTIFACTS ?= $(CURDIR)/artifacts
SERVERS = bin=$$(.ci/ollama.sh) && lrs=$$(.ci/lrs.sh) && mkdir -p $(ARTIFACTS) && \
	export TIDBIT_OLLAMA_BIN=$$bin TIDBIT_LRS_DIR=$$lrs TIDBIT_ARTIFACTS=$(ARTIFACTS) &&

test-go:
	$(SERVERS) $(GO) test -race -count=1 -timeout 30m ./...

# Benchmarks: each prints ns/op plus its own metrics (medians, p99, MB).
bench: deps-test
	$(SERVERS) $(GO) test -run '^$$' -bench . -benchmem -timeout 60m ./...

# A short run of every fuzz target (go test -fuzz takes one target a run).
FUZZTIME ?= 15s
fuzz:
	@for pkg in $$($(GO) list ./...); do \
	  dir=$$($(GO) list -f '{{.Dir}}' $$pkg); \
	  for t in $$(grep -ho '^func Fuzz[A-Za-z0-9_]*' $$dir/*_test.go 2>/dev/null | sed 's/func //'); do \
	    echo "== $$pkg $$t"; $(GO) test -run '^$$' -fuzz "^$$t$$" -fuzztime $(FUZZTIME) $$pkg || exit 1; \
	  done; \
	done

# Linux archive in dist/: tidbit-ui packaged by fyne package (menu entry,
# icon), the resident tidbit beside it, and an install Makefile.
package: deps-run
	VERSION=$(VERSION) .ci/package.sh dist

# Idle cost and moment-to-window latency in a private desktop session;
# ARGS adds peers, e.g. ARGS="--peer workrave --peer safeeyes". sync
# first: the pages of a binary just built are still dirty in the page
# cache, and the resident cannot give dirty pages back (MADV_PAGEOUT
# skips them), which adds about 3 MB to its idle RSS that an installed
# tidbit does not have.
footprint: build
	sync
	$(BIN)/tidbit-lab footprint --session --tidbit $(BIN)/tidbit --warmup 45s $(ARGS)

clean:
	rm -rf $(BIN) dist
