# Each target does its own setup when needed; a second run reuses what is there.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
KEYS   := fixtures/keys/.built

.PHONY: demo test bench keys lint clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[test]'
	touch $@

$(KEYS): fixtures/keys/Makefile
	$(MAKE) -C fixtures/keys -j2 all
	touch $@

keys: $(KEYS)

demo: $(STAMP) $(KEYS)
	$(PY) examples/demo.py

lint: $(STAMP)
	$(VENV)/bin/ruff check nodessl tests examples bench

test: $(STAMP) $(KEYS) lint
	$(PY) -m pytest -q tests

bench: $(STAMP) $(KEYS)
	$(PY) bench/bench.py

clean:
	rm -rf $(VENV)
	$(MAKE) -C fixtures/keys clean
