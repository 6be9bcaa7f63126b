# Two commands for a fresh machine: `make demo` and `make test` (see README.md).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
export TF_CPP_MIN_LOG_LEVEL ?= 2

.PHONY: install demo test build bench bench-fast release gradescope clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[test]"
	touch $@

install: $(VENV)/.installed

## demo: grade the bundled example submissions of lesson 01 and print the gradebook
demo: install
	$(PY) -m autograder grade examples/submissions --out build/demo-grades

# Another CPU's float kernels, here: oneDNN limited to SSE4.1 picks other convolution kernels, whose last bits differ.
OTHER_CPU := ONEDNN_MAX_CPU_ISA=SSE41

## test: drift check and visible checks (also as on another CPU), unit tests, the reference notebooks in fast mode
## (nbval) and the student notebooks up to their stubs
test: install
	$(PY) -m autograder build --check
	$(OTHER_CPU) $(PY) -m autograder build --check
	$(OTHER_CPU) $(PY) -m autograder selfcheck
	COURSE_FAST=1 MPLBACKEND=Agg $(PY) -m pytest -q --nbval-lax --nbval-cell-timeout=900 tests solutions/notebooks

## build: regenerate lessons, reference notebooks, nbgrader sources, expected outputs and demo submissions
build: install
	$(PY) -m autograder build

## bench: train every reference model (the README's figures); bench-fast: a few-minute smoke run
bench: install
	$(PY) -m benchmark

bench-fast: install
	$(PY) -m benchmark --fast

## release: the student release (lessons and self-checks, no answers); gradescope: the Gradescope autograder zip
release: install
	$(PY) -m autograder release build/release

gradescope: install
	$(PY) -m autograder gradescope --out build/autograder.zip

clean:
	rm -rf build .pytest_cache
