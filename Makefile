# Two commands for a newcomer: `make run` (demo app on http://127.0.0.1:8000) and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)
BENCH_STAMP := $(VENV)/.bench-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)
HOST ?= 127.0.0.1
PORT ?= 8000
# Two pytest-xdist workers, each on a test database and a Redis database of its own
# (config/test_settings.py). PYTEST_ARGS= runs the suite in one process.
PYTEST_ARGS ?= -n 2

.PHONY: run test bench setup system-deps migrate worker beat messages clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11+ is needed"'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet ".[test]"
	rm -f $(VENV)/.installed-* && touch $@

setup: $(STAMP)

# The bench's own packages (locust), kept out of the app's and the tests' environment.
$(BENCH_STAMP): $(STAMP)
	$(BIN)/pip install --quiet ".[test,bench]"
	rm -f $(VENV)/.bench-* && touch $@

system-deps:
	scripts/system-deps.sh $(if $(filter test,$(MAKECMDGOALS)),test,run)

migrate: setup
	$(BIN)/python manage.py migrate --noinput

run: export DEBUG ?= 1
run: setup system-deps migrate
	$(BIN)/python manage.py seed_demo
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

# mypy's Django plugin loads the settings: DEBUG=1 lets them load without production secrets.
test: setup system-deps
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	DEBUG=1 $(BIN)/mypy
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# The benchmark (bench/README.md): DROPS and recreates BENCH_DATABASE_URL, generates a province
# of CADRES cadres, prints the table and writes bench/results/latest.md.
CADRES ?= 100000
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/so_ren_luyen_bench
bench: $(BENCH_STAMP) system-deps
	CADRES=$(CADRES) BENCH_DATABASE_URL=$(BENCH_DATABASE_URL) $(BIN)/python bench/run.py

worker: setup
	$(BIN)/celery -A config worker --loglevel=INFO --concurrency=2

beat: setup
	$(BIN)/celery -A config beat --loglevel=INFO

# Rebuild the Vietnamese catalogue from locale/fragments/*.po (needs gettext).
messages:
	scripts/build-messages.sh

clean:
	rm -rf $(VENV) staticfiles .pytest_cache
