#!/usr/bin/env bash
# Installs the Debian packages benchagent needs to build, test and benchmark.
# Idempotent: when every package is already installed it returns at once.
set -euo pipefail

PKGS=(
  build-essential cmake pkg-config git
  libcurl4-openssl-dev libjansson-dev libsqlite3-dev liblua5.4-dev
  libpq-dev postgresql   # the shared team store (libpq) and the server its tests start
  libcairo2-dev libyaml-dev libmicrohttpd-dev libcmocka-dev
  libpng-dev libjpeg-dev zlib1g-dev
  nginx-light wrk sqlite3 curl python3 python3-yaml openssl
  wordnet-base
  chromium   # headless page tests of the report and the review pages
  flite1-dev libespeak-ng-dev espeak-ng-data libsndfile1-dev
  libpocketsphinx-dev pocketsphinx-en-us libtesseract-dev tesseract-ocr-eng libleptonica-dev
)

missing=()
for p in "${PKGS[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
echo "installing: ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
