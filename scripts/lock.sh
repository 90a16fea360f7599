#!/usr/bin/env bash
# Regenerates the hashed lock files from pyproject.toml, for Python 3.11 on Linux x86_64:
#   requirements/runtime.txt  what the service needs (and the build backend, so that
#                             scripts/setup.sh builds the project without fetching anything)
#   requirements/test.txt     the same pins plus the `test` extra
# Versions already in the lock are kept unless pyproject.toml no longer allows them, so a
# changed dependency moves only itself. Pass --upgrade for the newest versions of everything,
# or --upgrade-package NAME to move one package.
# Usage: scripts/lock.sh [--upgrade | --upgrade-package NAME ...]
set -euo pipefail
cd "$(dirname "$0")/.."

uv_version=0.13.9
tools=.tools/uv
if [ ! -x "$tools/bin/uv" ] || [ "$("$tools/bin/uv" --version | cut -d' ' -f2)" != "$uv_version" ]; then
    python3 -m venv "$tools"
    "$tools/bin/python" -m pip install -q "uv==$uv_version"
fi

# build-system.requires: setup.sh installs the project with --no-build-isolation
build_requires() {
    python3 -c 'import tomllib; print("\n".join(tomllib.load(open("pyproject.toml", "rb"))["build-system"]["requires"]))'
}
compile() {
    "$tools/bin/uv" pip compile --quiet --generate-hashes --python-version 3.11 \
        --python-platform x86_64-unknown-linux-gnu --custom-compile-command scripts/lock.sh "$@"
}

build_requires | compile pyproject.toml - -o requirements/runtime.txt "$@"
# the test lock is constrained to the runtime pins: the suite tests what the service runs
build_requires | compile pyproject.toml - --extra test -c requirements/runtime.txt \
    -o requirements/test.txt "$@"
