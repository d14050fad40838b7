# The two commands: `make run` and `make test`. Everything else is set up by them.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: run test test-server bench lint demo clean bundle

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)
	@# the system libraries Qt needs for a window: installed as root (a container, CI);
	@# otherwise it stops with the apt-get command that installs them
	@$(BIN)/python -m app.system_libraries --install
	$(BIN)/merchant-office

test: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -n 2 --dist loadgroup -q

# the suite on a shared server: MERCHANT_DATABASE_URL's, or a throwaway cluster of Debian's
# PostgreSQL (installed when run as root); skipped with the reason otherwise
test-server: $(STAMP)
	$(BIN)/python -m tests.server_run $(PYTEST_ARGS)

bench: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest tests/benchmarks -q -s -p no:randomly -o addopts="" -W default

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	$(BIN)/mypy --cache-dir $(VENV)/.mypy_cache

demo: $(STAMP)
	$(BIN)/merchant-office demo

bundle: $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[build]'
	$(BIN)/pyinstaller --noconfirm build.spec

clean:
	rm -rf $(VENV) build dist *.egg-info
