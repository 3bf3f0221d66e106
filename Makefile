# The two set-up commands of README.md: `make demo` and `make test`. Each creates .venv
# when it is missing and installs the project from its own files.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin

.PHONY: demo test bench soak lint clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed-sandbox: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[sandbox]'
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@ $(VENV)/.installed-sandbox

demo: $(VENV)/.installed-sandbox
	$(BIN)/python -m pulumi_speko.demo

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/mypy --strict provider/

test: lint
	$(BIN)/pulumi-speko schema --check schema.json
	$(BIN)/pytest

bench: $(VENV)/.installed-dev
	$(BIN)/python benchmarks/fleet.py

soak: $(VENV)/.installed-dev
	$(BIN)/pytest tests/reliability tests/bench/test_rate_limited_fleet.py -m soak -p no:cacheprovider

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
