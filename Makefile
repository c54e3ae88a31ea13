# Two commands for a newcomer (see README):
#   make demo   set up, then build the sample newsroom's January 2017 edition
#   make test   set up, then run the whole test suite
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: demo test setup bench clean

demo: $(STAMP)
	$(BIN)/pressbook build --issue 2017-01

test: $(STAMP)
	$(BIN)/python -m pytest

setup: $(STAMP)

$(STAMP): pyproject.toml scripts/setup
	VENV=$(VENV) scripts/setup
	touch $(STAMP)

clean:
	rm -rf build .cache .pytest_cache .hypothesis

bench: $(STAMP)
	$(BIN)/python benchmarks/run.py --sizes 100,1000
