#!/usr/bin/env bash
# Installs what the service needs on Debian (as root): system packages, then a virtualenv
# with the project and its Python dependencies from the lock in requirements/. Safe to run
# again; skips what is there.
# Usage: scripts/setup.sh [runtime|test]
set -euo pipefail
cd "$(dirname "$0")/.."
profile="${1:-runtime}"

# libreoffice-writer-nogui: the review page shows a Word original's pages by converting it
# to PDF (pipeline/review/pages.py); without it the page says so instead
packages=(python3 python3-venv python3-pip tesseract-ocr tesseract-ocr-vie tesseract-ocr-eng
          fonts-dejavu-core libreoffice-writer-nogui)
if [ "$profile" = test ]; then
    # fonts-liberation2: the contract generator sets some layouts in Liberation Serif/Sans,
    # as Word documents often are
    # libreoffice-calc-nogui: the export tests open the CSV and XLSX exports in it
    # nginx, openssl: the HTTPS reverse-proxy recipe of the README is run by tests/api/test_proxy.py
    packages+=(chromium postgresql fonts-liberation2 libreoffice-calc-nogui nginx openssl)
    # npm: axe-core, the browser tests' accessibility checker, comes from the npm registry.
    # Debian's nodejs and npm only where there is no npm yet: a machine's own Node.js stays.
    command -v npm >/dev/null || packages+=(nodejs npm)
fi

missing=()
for package in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" \
        || missing+=("$package")
done
if [ "${#missing[@]}" -gt 0 ]; then
    echo "installing system packages: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

python=python3
if [ ! -x .venv/bin/python ]; then
    "$python" -m venv .venv
fi
.venv/bin/python -m pip install -q --upgrade pip
# Exactly the locked versions, each checked against its hash (scripts/lock.sh updates the
# lock); the project itself without dependencies and without build isolation, so nothing
# unlocked is fetched (the lock carries the build backend too).
.venv/bin/python -m pip install -q --require-hashes -r "requirements/$profile.txt"
.venv/bin/python -m pip install -q --no-deps --no-build-isolation -e .
if [ "$profile" = test ]; then
    # Exactly the locked axe-core (tests/axe/package-lock.json, with its integrity hash).
    npm ci --prefix tests/axe --no-audit --no-fund --silent
fi
