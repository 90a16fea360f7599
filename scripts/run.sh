#!/usr/bin/env bash
# Installs everything, then runs the whole service on the embedded SQLite database:
# watcher on ./inbox, workers, and the API at http://127.0.0.1:8000 (Ctrl-C stops it).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh runtime
exec .venv/bin/backoffice run "$@"
