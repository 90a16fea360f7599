#!/usr/bin/env bash
# Installs everything the tests need (system packages, Python dependencies) and runs them.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m venv .venv
.venv/bin/pip install -q --upgrade pip
.venv/bin/pip install -q -e '.[test]'
.venv/bin/ruff check .
.venv/bin/python -m pytest -q "$@"
