# Two commands for a newcomer (see README):
#   make demo   set up, then build the sample newsroom's January 2017 edition
#   make test   set up, then run the whole test suite
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: demo test setup bench mutation clean

demo: $(STAMP)
	@$(BIN)/pressbook build --issue 2017-01
	@case "$${LANGUAGE:-$${LC_ALL:-$${LC_MESSAGES:-$$LANG}}}" in vi*) echo "tiếp theo: mở tệp PDF và EPUB ở trên; $(BIN)/pressbook --help liệt kê các lệnh; make test chạy các bài kiểm thử";; *) echo "next: open the PDF and EPUB above; $(BIN)/pressbook --help lists the commands; make test runs the tests";; esac

test: $(STAMP)
	$(BIN)/python -m pytest

setup: $(STAMP)

$(STAMP): pyproject.toml scripts/setup
	@VENV=$(VENV) scripts/setup
	@touch $(STAMP)

clean:
	rm -rf build .cache .pytest_cache .hypothesis mutants

bench: $(STAMP)
	$(BIN)/python benchmarks/run.py --sizes 100,1000 --repeat 3
	$(BIN)/python benchmarks/serve.py --repeat 5

# Mutation testing of the text rules, the edition, front matter and the scraped-page importer:
# what share of small bugs planted in them the tests catch (scripts/mutation, about 2 minutes).
mutation: $(STAMP)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check 'mutmut==3.8.1'
	$(BIN)/python scripts/mutation --min 90
