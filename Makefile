# Two commands for a newcomer: `make run` and `make test`. Needs Python 3.11+ and make.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cat requirements.lock pyproject.toml | cksum | cut -d' ' -f1)
HOST   ?= 127.0.0.1
PORT   ?= 8000

.PHONY: run test test-fast lint lock schema docs messages migrate token contract clean bench bench-throttle bench-webhooks bench-executors bench-events bench-scale bench-quote bench-issuance bench-drop bench-outbox graphiql operations frontend-check

$(STAMP): requirements.lock pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --require-hashes --requirement requirements.lock
	rm -f $(VENV)/.installed-* && touch $@

venv: $(STAMP)

run: $(STAMP)  ## migrate, load demo data when empty, print tokens, serve http://127.0.0.1:8000/graphql
	$(BIN)/python manage.py migrate
	$(BIN)/python manage.py demo
	MIGRATE_ON_START=false $(BIN)/uvicorn server:app --host $(HOST) --port $(PORT) --no-server-header \
		--ws-max-size 2097152

test: $(STAMP)  ## the whole suite (DATABASE_URL=postgresql+psycopg://… to run it on PostgreSQL)
	$(BIN)/python -m pytest -q $(PYTEST_ARGS)

test-fast: $(STAMP)  ## everything but the races, crashes, fuzzing and the browser (about 4 minutes on two cores)
	$(BIN)/python -m pytest -q -m "not slow" $(PYTEST_ARGS)

lint: $(STAMP)  ## ruff and mypy, as CI runs them
	$(BIN)/ruff check .
	$(BIN)/mypy

schema: $(STAMP)  ## rewrite schema.graphql from the served schema
	$(BIN)/python manage.py schema

docs: $(STAMP)  ## rewrite docs/events.md's event reference from the served schema (E9; a test fails when stale)
	$(BIN)/python manage.py docs

contract: $(STAMP)  ## compare schema.graphql with contract/contract.graphql and the built extensions of contract/contract.d/
	$(BIN)/python contract/tools/check-contract schema.graphql
	$(BIN)/python contract/tools/check-contract schema.graphql --with contract/contract.d/rules-2.graphql
	$(BIN)/python contract/tools/check-contract schema.graphql --with contract/contract.d/events.graphql
	$(BIN)/python contract/tools/check-contract schema.graphql --with contract/contract.d/find.graphql
	$(BIN)/python contract/tools/check-contract schema.graphql --with contract/contract.d/find.graphql \
		contract/contract.d/rules-3.graphql
	$(BIN)/python contract/tools/check-contract schema.graphql --with contract/contract.d/events.graphql \
		contract/contract.d/integrators.graphql
	$(BIN)/python contract/tools/check-contract schema.graphql --with contract/contract.d/find.graphql \
		contract/contract.d/coupons-2.graphql

bench: $(STAMP)  ## the benchmark suite (a few minutes): prints a table, writes bench/results.json
	$(BIN)/python -m bench.run

bench-throttle: $(STAMP)  ## H1: µs per bucket spend in the process, PostgreSQL and Redis; a served process with each
	$(BIN)/python -m bench.throttle

bench-webhooks: $(STAMP)  ## E10: ms per webhook body (default vs payloadQuery), deliveries/s of one worker, 100 endpoints
	$(BIN)/python -m bench.webhooks

bench-executors: $(STAMP)  ## compiled plans vs today's executor vs raw graphql-core vs a bare endpoint (W1, wallet)
	$(BIN)/python -m bench.executors

bench-events: $(STAMP)  ## E8/E4: the outbox's cost per mutation, event-to-subscriber latency with 100 subscribers
	$(BIN)/python -m bench.events

# Extras are kept (cachecontrol[filecache]): pip 23 in hash-checking mode refuses a dependency's extra that the lock
# lists without it, as unpinned
lock:  ## re-resolve pyproject.toml (dependencies + dev) and write requirements.lock with every file's SHA-256
	rm -rf .lock-venv && $(PYTHON) -m venv .lock-venv && .lock-venv/bin/pip install --quiet pip-tools
	.lock-venv/bin/pip-compile --quiet --extra dev --generate-hashes --allow-unsafe \
		--no-emit-index-url --no-emit-find-links --index-url https://pypi.org/simple -o requirements.lock pyproject.toml
	rm -rf .lock-venv

bench-scale: $(STAMP)  ## F: lists, report and export at a million rows on PostgreSQL (a database of its own; ~5 min)
	$(BIN)/python -m bench.scale

bench-issuance: $(STAMP)  ## W12: buyers/s of one issueCoupons of 1,000 buyers vs 1,000 claimCoupon calls, both databases
	$(BIN)/python -m bench.issuance

bench-drop: $(STAMP)  ## issue 34: a live room's coupon drop (3,000 buyers, 1,500 in stock, 64 in flight) through the API vs the database alone
	$(BIN)/python -m bench.coupon_drop

bench-outbox: $(STAMP)  ## issue 34: commits/s of event-writing transactions at 1, 16 and 64 writers on PostgreSQL
	$(BIN)/python -m bench.outbox

bench-quote: $(STAMP)  ## W10: checkout quote time for wallets of 10, 100 and 1,000 coupons
	$(BIN)/python -m bench.checkout_quote

operations: $(STAMP)  ## rewrite operations/manifest.json (trusted documents) from operations/*.graphql
	$(BIN)/python manage.py operations

frontend-check:  ## generate TypeScript types from schema.graphql + operations/ and type-check them (Node.js, npm)
	cd frontend-check && npm ci --no-audit --no-fund && npm run check

graphiql:  ## rebuild web/static/graphiql/ from the pinned graphiql npm package (needs Node.js and npm)
	cd web/graphiql && npm ci --no-audit --no-fund && npm run build

messages: $(STAMP)  ## F6: extract the messages again and merge new ones into locale/*/LC_MESSAGES/messages.po
	$(BIN)/python i18n.py

migrate: $(STAMP)
	$(BIN)/python manage.py migrate

clean:
	rm -rf $(VENV) var
