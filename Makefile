# The README's commands. Everything runs from the project's own virtualenv.
PYTHON ?= python3
VENV   ?= .venv
HOST   ?= 127.0.0.1
PORT   ?= 8000
BIN    := $(VENV)/bin

.PHONY: demo serve test lint bench clean-venv

demo: $(VENV)/.installed
	$(BIN)/kefu demo --host $(HOST) --port $(PORT)

serve: $(VENV)/.installed
	$(BIN)/kefu serve --host $(HOST) --port $(PORT)

test: $(VENV)/.installed-dev
	PYTHON=$(BIN)/python bash scripts/test.sh

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check kefu bench
	$(BIN)/mypy kefu

bench: $(VENV)/.installed-dev
	@if [ -f bench/api_throughput.py ]; then \
		$(BIN)/python bench/api_throughput.py; \
	else \
		echo "bench/api_throughput.py not present yet"; \
	fi

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Reinstall only when pyproject.toml changed since the last install (stamp files).
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e '.[dev]'
	touch $@ $(VENV)/.installed

clean-venv:
	rm -rf $(VENV)
