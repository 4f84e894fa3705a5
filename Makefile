# Everything here needs only the README's install (.venv with the [test] extra).
PY ?= .venv/bin/python
PG_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/test

.PHONY: help lint format typecheck test test-pg e2e bench translations

help:  ## list the targets
	@grep -E '^[a-z0-9-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-13s %s\n", $$1, $$2}'

lint:  ## ruff lint and format check; the import contracts (docs/architecture.md)
	$(PY) -m ruff check .
	$(PY) -m ruff format --check wellbeing tests bench
	$(dir $(PY))lint-imports --no-cache

format:  ## apply ruff's formatting and safe fixes
	$(PY) -m ruff format wellbeing tests bench
	$(PY) -m ruff check --fix .

typecheck:  ## mypy --strict on wellbeing/
	$(PY) -m mypy

test:  ## the test suite on SQLite
	$(PY) -m pytest

test-pg:  ## the test suite on PostgreSQL
	WELLBEING_TEST_DATABASE_URL=$(PG_URL) $(PY) -m pytest

e2e:  ## browser tests against a live demo server (needs Debian's chromium)
	$(PY) -m pytest -n 0 -m e2e tests/e2e

bench:  ## run the benchmarks (prints figures; not tests)
	$(PY) bench/crypto.py

translations:  ## extract messages and update the catalogues (then translate, reinstall)
	$(PY) -m babel.messages.frontend extract -F babel.cfg -k _l -k lazy_gettext -o /tmp/wellbeing.pot .
	$(PY) -m babel.messages.frontend update -i /tmp/wellbeing.pot -d wellbeing/translations -w 100
