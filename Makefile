# Two commands on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
PIP    := $(PY) -m pip
# The stamp is rebuilt whenever the package metadata or the pins change.
STAMP  := $(VENV)/.gradkit-installed

BENCH_STAMP := $(VENV)/.gradkit-bench-installed

.PHONY: demo test bench venv clean

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

$(STAMP): $(PY) pyproject.toml constraints.txt
	$(PIP) install --quiet -c constraints.txt -e ".[test]"
	touch $(STAMP)

venv: $(STAMP)

demo: $(STAMP)
	$(PY) -m gradkit.demo

# The whole suite, then the differential, property and explain tests once more
# on the generic array-API kernel (the compiled NumPy kernel switched off), so
# both paths are held to the same oracles.
test: $(STAMP)
	$(PY) -m pytest -q
	GRADKIT_DISABLE_JIT=1 $(PY) -m pytest -q -p no:cacheprovider tests/conformance tests/properties tests/test_explain.py

$(BENCH_STAMP): $(STAMP)
	$(PIP) install --quiet -c constraints.txt -e ".[test,bench]"
	touch $(BENCH_STAMP)

# Benchmarks (not part of the tests): writes benchmarks/results.json and .md.
bench: $(BENCH_STAMP)
	$(PY) benchmarks/run_benchmarks.py --readme README.md

clean:
	rm -rf $(VENV) build src/*.egg-info .pytest_cache .hypothesis
