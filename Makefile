# Two commands on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
PIP    := $(PY) -m pip
# The stamp is rebuilt whenever the package metadata or the pins change.
STAMP  := $(VENV)/.gradkit-installed

BENCH_STAMP := $(VENV)/.gradkit-bench-installed
# `make demo` installs only what the demo uses: gradkit's own dependencies
# (numpy, numba) and matplotlib for its picture, not the test extra.
DEMO_STAMP  := $(VENV)/.gradkit-demo-installed
DOCS_STAMP  := $(VENV)/.gradkit-docs-installed

.PHONY: demo test docs bench venv clean

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

$(STAMP): $(PY) pyproject.toml constraints.txt
	$(PIP) install --quiet -c constraints.txt -e ".[test]"
	touch $(STAMP)

venv: $(STAMP)

$(DEMO_STAMP): $(PY) pyproject.toml constraints.txt
	$(PIP) install --quiet -c constraints.txt -e ".[plot]"
	touch $(DEMO_STAMP)

demo: $(DEMO_STAMP)
	$(PY) -m gradkit.demo

# The whole suite, then the differential, property and explain tests once more
# on the generic array-API kernel (the compiled NumPy kernel switched off), so
# both paths are held to the same oracles.
test: $(STAMP)
	$(PY) -m pytest -q
	GRADKIT_DISABLE_JIT=1 $(PY) -m pytest -q -p no:cacheprovider tests/conformance tests/properties tests/test_explain.py

$(DOCS_STAMP): $(STAMP)
	$(PIP) install --quiet -c constraints.txt -e ".[test,docs]"
	touch $(DOCS_STAMP)

# The documentation site, into docs/_build/html. Any warning fails the build:
# a docstring Sphinx cannot parse, a cross-reference or link to nothing (-n),
# a missing page or image; --keep-going lists them all first.
docs: $(DOCS_STAMP)
	rm -rf docs/_build/html docs/_build/doctrees
	$(PY) -m sphinx -b html -E -W -n --keep-going -q -d docs/_build/doctrees docs docs/_build/html
	@echo "docs: open docs/_build/html/index.html"

$(BENCH_STAMP): $(STAMP)
	$(PIP) install --quiet -c constraints.txt -e ".[test,bench]"
	touch $(BENCH_STAMP)

# Benchmarks (not part of the tests): writes benchmarks/results.json and .md.
bench: $(BENCH_STAMP)
	$(PY) benchmarks/run_benchmarks.py --readme README.md

clean:
	rm -rf $(VENV) build dist docs/_build src/*.egg-info .pytest_cache .hypothesis
