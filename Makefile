# Polku: `make run` serves the app with demo content, `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
FLASK := $(BIN)/flask --app workshop
HOST ?= 127.0.0.1
PORT ?= 5000
# Processes the suite runs in (pytest-xdist); 0 runs it in this one.
TEST_WORKERS ?= 2

.PHONY: install run test test-postgres translations messages serve lint bench lighthouse clean

## install: the virtual environment with the app, test tools, compiled translations, secret key,
##          and the pinned htmx in static/vendor/ for rooms without internet (needs npm; without
##          it, a warning: the pages still load htmx from its CDN)
install: $(STAMP) translations instance/secret_key static/vendor/htmx.min.js

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c constraints.txt -e '.[test]'
	touch $(STAMP)

instance/secret_key:
	mkdir -p instance
	$(PYTHON) -c 'import secrets; print(secrets.token_hex(32))' > $@
	chmod 600 $@

## translations: compile the fi/sv/en catalogs (the .mo files are not in git); only those whose
##               .po changed, so a suite already running never reads a catalog being rewritten
CATALOGS := $(patsubst %.po,%.mo,$(wildcard translations/*/LC_MESSAGES/messages.po))
translations: $(CATALOGS)

translations/%/LC_MESSAGES/messages.mo: translations/%/LC_MESSAGES/messages.po $(STAMP)
	@$(BIN)/pybabel compile -d translations -l $* >/dev/null 2>&1 || $(BIN)/pybabel compile -d translations -l $*

## messages: extract new strings and merge them into the catalogs for translating
messages: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -k lazy_pgettext:1c,2 -o translations/messages.pot --no-location --sort-output --project Polku . >/dev/null
	$(BIN)/pybabel update -i translations/messages.pot -d translations --no-fuzzy-matching >/dev/null

## run: migrate the SQLite database in instance/, load the demo once, serve on 127.0.0.1:5000
##      (HOST=0.0.0.0 serves the local network, so phones can join; PORT=… another port).
##      The laptop serves the room: pages load htmx from its own static/vendor/ copy, so
##      phones on a Wi-Fi without internet get it too (POLKU_HTMX_URL=… overrides)
run: install
	$(FLASK) db upgrade
	$(FLASK) demo --host $(HOST) --port $(PORT)
	$(ROOM_HTMX) $(FLASK) run --host $(HOST) --port $(PORT)

# Expanded when the recipe runs, after install has fetched (or failed to fetch) the copy.
ROOM_HTMX = $(if $(POLKU_HTMX_URL),,$(if $(wildcard static/vendor/htmx.min.js),POLKU_HTMX_URL=/static/vendor/htmx.min.js))

## lighthouse: Lighthouse's accessibility and best-practices scores of the main pages, served
##             as `make run` serves them (needs npm and Chromium; not part of make test)
lighthouse: install static/vendor/htmx.min.js
	$(BIN)/python scripts/lighthouse.py

## vendor: the pinned htmx (the pages' fallback when the CDN is out of reach) and axe-core (for
##         the browser tests) into static/vendor/; a copy of htmx that matches the pin is kept
static/vendor/htmx.min.js: scripts/fetch_vendor.py workshop/config.py | $(STAMP)
	$(BIN)/python scripts/fetch_vendor.py htmx --optional

static/vendor/axe.min.js: scripts/fetch_vendor.py workshop/config.py | $(STAMP)
	$(BIN)/python scripts/fetch_vendor.py axe

## test: the whole suite on SQLite, browser tests included, in TEST_WORKERS processes (also
##       fetches the pinned Nu HTML Checker into .checkers/; it needs Java)
test: install static/vendor/axe.min.js
	$(BIN)/python scripts/fetch_vendor.py htmx vnu
	$(BIN)/python -m pytest -n $(TEST_WORKERS)

## test-postgres: the whole suite again on a throwaway PostgreSQL cluster
test-postgres: install static/vendor/axe.min.js
	$(BIN)/python scripts/fetch_vendor.py htmx vnu
	bash scripts/with-postgres.sh $(BIN)/python -m pytest -n $(TEST_WORKERS)

## serve: production-style server (gunicorn) on the configured database
serve: install
	$(FLASK) db upgrade
	$(BIN)/gunicorn --config gunicorn.conf.py 'workshop:create_app()'

lint: install
	$(BIN)/ruff check .

## bench: the PDF against WeasyPrint alone; a real server's latencies and a workshop under load;
##        the survey report of 2,000 respondents (page ÷ hello, PDF ÷ the sprint summary's)
bench: install static/vendor/htmx.min.js
	rm -f bench-goals.jsonl
	POLKU_BENCH_GOALS=bench-goals.jsonl $(BIN)/python bench/pdf_bench.py
	POLKU_BENCH_GOALS=bench-goals.jsonl $(BIN)/python bench/server_bench.py
	POLKU_BENCH_GOALS=bench-goals.jsonl $(BIN)/python bench/survey_bench.py
	$(BIN)/python bench/goals.py bench-goals.jsonl

clean:
	rm -rf $(VENV) static/vendor .checkers .pytest_cache
