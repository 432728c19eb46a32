# The README's commands. Everything runs from the project's own virtualenv.
PYTHON ?= python3
VENV   ?= .venv
HOST   ?= 127.0.0.1
PORT   ?= 8000
BIN    := $(VENV)/bin

.PHONY: demo serve test lint bench browser mailtools clean-venv

demo: $(VENV)/.installed
	$(BIN)/kefu demo --host $(HOST) --port $(PORT)

serve: $(VENV)/.installed
	$(BIN)/kefu serve --host $(HOST) --port $(PORT)

test: $(VENV)/.installed-dev browser mailtools
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

# The end-to-end tests drive Debian's chromium through Playwright (no browser download),
# with a CJK font so screenshots show Chinese. Installed here when missing and when this
# user may; otherwise those tests skip and say so.
CHROMIUM ?= /usr/bin/chromium
CJK_FONT ?= /usr/share/fonts/truetype/wqy/wqy-zenhei.ttc
browser:
	@if [ -x "$(CHROMIUM)" ] && [ -f "$(CJK_FONT)" ]; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		echo "installing Debian's chromium for the end-to-end tests"; \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium fonts-wqy-zenhei >/dev/null \
		|| (apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium fonts-wqy-zenhei >/dev/null) \
		|| echo "warning: could not install chromium; end-to-end tests will be skipped"; \
	else \
		echo "warning: $(CHROMIUM) missing (apt-get install chromium); end-to-end tests will be skipped"; \
	fi

# The email tests talk to real peers: Dovecot as the IMAP server, swaks as an SMTP client.
mailtools:
	@if command -v dovecot >/dev/null && command -v swaks >/dev/null; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		echo "installing Debian's dovecot-imapd and swaks for the email tests"; \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -q dovecot-imapd swaks >/dev/null \
		|| (apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q dovecot-imapd swaks >/dev/null) \
		|| echo "warning: could not install dovecot-imapd/swaks; those email tests will be skipped"; \
	else \
		echo "warning: dovecot or swaks missing (apt-get install dovecot-imapd swaks); those email tests will be skipped"; \
	fi

clean-venv:
	rm -rf $(VENV)
