# Lapor Aman: `make run` starts everything, `make test` checks everything. `make help` lists all.
SHELL := /bin/bash
.DEFAULT_GOAL := help
APP_PY := .venv/app/bin/python
RASA := .venv/engine/bin/rasa
# One line for the header of docs/nlu-report.md (no backquotes or double quotes: it goes through the shell).
NLU_NOTE ?= model trained by make train from this commit's config.yml and data/. The held-out set's errors were read to revise the training data and the safety-net lexicon, so these figures are optimistic; each batch's honest score, taken once while it was sealed, is in docs/nlu-evaluation.md.
export PYTHONPATH := $(CURDIR)

.PHONY: help
help: ## List the targets
	@grep -E '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  \033[1m%-14s\033[0m %s\n", $$1, $$2}'

.PHONY: install
install: ## Create or reuse the engine (Python 3.10, Rasa) and app (Python 3.11+) environments
	@scripts/env.sh

.PHONY: train
train: install ## Train the Rasa model if config.yml, bot/domain or data/ changed (cached by hash)
	@scripts/train.sh >/dev/null

.PHONY: run
run: install ## Start Redis (if needed), Rasa, the action server and the bridge; print the URLs
	@model=$$(scripts/train.sh) && $(APP_PY) scripts/stack.py run --model "$$model"

.PHONY: lint
lint: install ## ruff lint and format check
	$(APP_PY) -m ruff check .
	$(APP_PY) -m ruff format --check .

.PHONY: format
format: install ## Apply ruff formatting and safe fixes
	$(APP_PY) -m ruff check --fix .
	$(APP_PY) -m ruff format .

.PHONY: types
types: install ## mypy on the app code
	$(APP_PY) -m mypy

.PHONY: validate
validate: install ## rasa data validate (domain, NLU, rules and stories agree)
	$(RASA) data validate --config config.yml --domain bot/domain --data data --fail-on-warnings

.PHONY: unit
unit: install ## Unit and integration tests (real Redis and PostgreSQL), no Rasa processes
	$(APP_PY) -m pytest -q -m "not e2e"

.PHONY: e2e
e2e: train ## End-to-end tests: real Rasa, action server, bridge, fake Telegram/WhatsApp servers
	$(APP_PY) -m pytest -q -m e2e

.PHONY: never-silent
never-silent: train ## Every held-out message as a first message (make test sends at most 3,000)
	LAPOR_NEVER_SILENT_SAMPLE=0 $(APP_PY) -m pytest -q tests/e2e/test_never_silent.py

.PHONY: test
test: install lint types validate train ## Everything CI runs: lint, types, data validation, all tests
	$(APP_PY) -m pytest -q

.PHONY: lexicon-check
lexicon-check: install ## What a safety-net lexicon change does on every training and held-out message (BASE=HEAD)
	$(APP_PY) scripts/lexicon_check.py --base "$(or $(BASE),HEAD)"

.PHONY: nlu-report
nlu-report: train ## Evaluate the NLU on the held-out set into docs/nlu-report.md
	$(APP_PY) scripts/nlu_report.py --model "$$(scripts/train.sh)" --rasa $(RASA) --note "$(NLU_NOTE)"

.PHONY: bench
bench: train ## Benchmarks (throughput, latency, memory) into docs/benchmarks.md
	$(APP_PY) scripts/bench.py --model "$$(scripts/train.sh)"

.PHONY: lock
lock: ## Re-pin both environments' lock files from requirements/*.in
	scripts/lock.sh

.PHONY: clean
clean: ## Remove local state (models, var/, caches); the shared environment cache is kept
	rm -rf models var .pytest_cache .mypy_cache .ruff_cache
