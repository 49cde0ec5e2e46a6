# Two commands a new user needs: `make run` and `make test`. Both build .venv themselves.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint venv bench clean

venv: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/commentdesk db upgrade
	$(BIN)/commentdesk serve

test: $(STAMP)
	PATH="$(CURDIR)/$(BIN):$$PATH" bash scripts/test.sh

lint: $(STAMP)
	$(BIN)/ruff check app comments tests bench migrations

bench: $(STAMP)
	$(BIN)/python bench/import.py

clean:
	rm -rf $(VENV) .pytest_cache
