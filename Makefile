# Two entry points a new user needs: `make demo` and `make test`. Both set everything up first.
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.setup-stamp

.PHONY: setup demo test test-slow clean-venv

$(STAMP): setup.cfg pyproject.toml requirements/constraints.txt scripts/setup_env.sh
	VENV=$(VENV) bash scripts/setup_env.sh
	touch $@

setup: $(STAMP)

## Attack the built-in victim (built on first use) on 50 held-out tweets with TextFooler; print the summary.
demo: setup
	$(VENV)/bin/attack-recipe run

## Fast test suite (a few minutes on 2 cores, see the README; no slow real-model tests).
test: setup
	$(PY) -m pytest -q

## Real-model end-to-end tests on the built-in victim (builds it if it is not cached).
test-slow: setup
	$(PY) -m pytest -q -m slow

clean-venv:
	rm -rf $(VENV)
