# Two entry points, both from a fresh clone: `make run` (the portal on SQLite with demo data) and `make test`.
VENV ?= .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1:8000
PYTEST_WORKERS ?= 2

.PHONY: install run test lint typecheck pytest messages

$(VENV)/.installed: requirements.txt requirements-dev.txt
	python3 -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed

run: install
	$(PY) manage.py migrate --no-input
	$(PY) manage.py seed_demo
	$(PY) manage.py collectstatic --no-input -v0
	$(PY) manage.py runserver $(HOST)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

typecheck: install
	$(VENV)/bin/mypy .

# Tests that stop or restart services run first, one at a time, apart from the rest; then the rest in parallel.
pytest: install
	$(VENV)/bin/pytest -m services -p no:xdist || [ $$? -eq 5 ]  # 5: no such tests
	$(VENV)/bin/pytest -m "not services" -n $(PYTEST_WORKERS) --dist loadfile --durations=10

test: lint typecheck pytest

messages: install
	$(PY) manage.py makemessages -l en --ignore=.venv --ignore=staticfiles --ignore=node_modules
	$(PY) manage.py compilemessages -l en --ignore=.venv
