# Each target does its own setup when needed; a second run reuses what is there.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
KEYS   := fixtures/keys/.built

# The shared backend (issue 9): the system Python with the distribution's pyOpenSSL and
# cryptography, which link the system's shared libssl.  The venv sees them through
# --system-site-packages; pip adds only what they leave missing (the floors in pyproject.toml
# are met by the system packages, so pip does not fetch wheels of pyOpenSSL/cryptography).
SYSTEM_PYTHON ?= /usr/bin/python3
SHARED_VENV   := .venv-shared
SHARED_PY     := $(SHARED_VENV)/bin/python
SHARED_STAMP  := $(SHARED_VENV)/.installed
SHARED_DEBS   := python3-openssl python3-cryptography python3-cffi python3-venv
SUDO          := $(if $(filter 0,$(shell id -u)),,sudo)

# The bundled backend's floor: the oldest cryptography wheels whose binding has every function
# nodessl calls, and the oldest pyOpenSSL that accepts them.  With .venv (the newest wheels)
# and .venv-shared (Debian's pyOpenSSL 23 / cryptography 38, the floors pyproject.toml
# declares), `make test` runs every end of the ranges pyproject.toml states.
OLDEST_VENV   := .venv-oldest
OLDEST_PY     := $(OLDEST_VENV)/bin/python
OLDEST_STAMP  := $(OLDEST_VENV)/.installed
OLDEST_PINS   := cryptography==47.0.0 pyOpenSSL==26.1.0

.PHONY: demo docs test test-bundled test-shared test-oldest bench keys lint typecheck clean redis-debs

# `pip install -e .` (here and below) is a static .pth line naming the checkout, which mypy
# reads from any directory: pyproject.toml's package-dir makes setuptools choose it over an
# import hook.  A change to pyproject.toml reinstalls every venv (the stamps depend on it).
$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[test]'
	touch $@

$(OLDEST_STAMP): pyproject.toml
	$(PYTHON) -m venv $(OLDEST_VENV)
	$(OLDEST_PY) -m pip install -q --upgrade pip
	$(OLDEST_PY) -m pip install -q -e '.[test]' $(OLDEST_PINS)
	touch $@

$(SHARED_STAMP): pyproject.toml
	@$(SYSTEM_PYTHON) -c 'import OpenSSL, cryptography, cffi, ensurepip' 2>/dev/null || { \
	  echo "installing the shared backend: $(SHARED_DEBS)"; \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -q $(SHARED_DEBS) \
	  || { $(SUDO) apt-get update -q && \
	       $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -q $(SHARED_DEBS); }; }
	$(SYSTEM_PYTHON) -m venv --system-site-packages $(SHARED_VENV)
	$(SHARED_PY) -m pip install -q -e '.[test]'
	NODESSL_BACKEND=shared $(SHARED_PY) -c 'import nodessl; print("shared backend:", nodessl.backend.openssl_version, nodessl.backend.library)'
	touch $@

# The engine tests on the shared backend (tests/interop/test_engine.py): Debian's pkcs11
# engine for OpenSSL 3 and softhsm2, whose token holds the test key.
ENGINE_DEBS  := softhsm2 libengine-pkcs11-openssl
ENGINE_STAMP := $(SHARED_VENV)/.engine-debs

$(ENGINE_STAMP): $(SHARED_STAMP)
	@{ command -v softhsm2-util && ls /usr/lib/*/engines-3/pkcs11.so; } >/dev/null 2>&1 || { \
	  echo "installing the engine test peers: $(ENGINE_DEBS)"; \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -q $(ENGINE_DEBS) \
	  || { $(SUDO) apt-get update -q && \
	       $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -q $(ENGINE_DEBS); }; }
	touch $@

# nodessl.sessions' tests (tests/test_sessions_redis.py) start Debian's redis-server on a
# loopback port; checked on every run (cheap), installed when missing.
REDIS_DEBS := redis-server

redis-debs:
	@command -v redis-server >/dev/null 2>&1 || { \
	  echo "installing the session store's test server: $(REDIS_DEBS)"; \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -q $(REDIS_DEBS) \
	  || { $(SUDO) apt-get update -q && \
	       $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -q $(REDIS_DEBS); }; }

$(KEYS): fixtures/keys/Makefile
	$(MAKE) -C fixtures/keys -j2 all
	touch $@

keys: $(KEYS)

demo: $(STAMP) $(KEYS)
	$(PY) examples/demo.py

lint: $(STAMP) typecheck
	$(VENV)/bin/ruff check nodessl tests examples bench

# The API reference (mkdocs.yml): the pages in docs/ and the docstrings, built into site/.
# --strict: a warning (a broken link, a docstring mkdocstrings cannot read) fails the
# build, and so `make test`.  The docs extra's exact pins go into .venv beside the test
# extras; the build itself fetches nothing.
DOCS_STAMP := $(VENV)/.docs-installed

$(DOCS_STAMP): $(STAMP) pyproject.toml
	$(PY) -m pip install -q -e '.[test,docs]'
	touch $@

docs: $(DOCS_STAMP)
	$(VENV)/bin/mkdocs build --strict --quiet

# mypy (pinned in pyproject.toml's test extra, configured in its [tool.mypy]) on the
# installed-editable package, against the newest wheels' annotations.
typecheck: $(STAMP)
	$(PY) -m mypy --strict nodessl

# The whole suite on each backend, one after the other (2 cores: in parallel they would
# only slow each other down).
test: lint docs test-bundled test-shared test-oldest

test-bundled: $(STAMP) $(KEYS) redis-debs
	NODESSL_BACKEND=bundled $(PY) -m pytest -q tests

test-shared: $(SHARED_STAMP) $(ENGINE_STAMP) $(KEYS) redis-debs
	NODESSL_BACKEND=shared $(SHARED_PY) -m pytest -q tests

test-oldest: $(OLDEST_STAMP) $(KEYS) redis-debs
	NODESSL_BACKEND=bundled $(OLDEST_PY) -m pytest -q tests

# The bench's load generator (bench/peer.c): C on the system's OpenSSL, whose headers come
# from Debian's libssl-dev.
PEER    := build/peer
PEER_CC ?= gcc

$(PEER): bench/peer.c
	@test -f /usr/include/openssl/ssl.h || { \
	  echo "installing the bench peer's headers: libssl-dev"; \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -q libssl-dev \
	  || { $(SUDO) apt-get update -q && \
	       $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -q libssl-dev; }; }
	mkdir -p build
	$(PEER_CC) -O2 -Wall -Wextra -o $@ bench/peer.c -lssl -lcrypto

# BENCH_ARGS: e.g. --only server: or --columns nodessl,bare,bare-shared,node (bare-shared
# needs .venv-shared: make test-shared builds it).  BENCH_ROUNDS / BENCH_SCALE: see bench.py.
BENCH_ARGS ?=
bench: $(STAMP) $(KEYS) $(PEER)
	$(PY) bench/bench.py $(BENCH_ARGS)
	$(PY) bench/scale.py

clean:
	rm -rf $(VENV) $(SHARED_VENV) site
	$(MAKE) -C fixtures/keys clean
