#!/usr/bin/env bash
# Installs everything the tests need (system packages, Python dependencies, a PostgreSQL
# server if none answers on 127.0.0.1:5432) and runs lint and the test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh test
bash scripts/ensure-postgres.sh
.venv/bin/ruff check .
.venv/bin/ruff format --check .
.venv/bin/mypy
# One test process per core (pytest-xdist): many tests wait on real services, real OCR and
# real outages, and the suite must stay well inside CI's time on a 2-core machine.
exec .venv/bin/python -m pytest -q -n "${BACKOFFICE_TEST_PROCESSES:-auto}" "$@"
