#!/usr/bin/env bash
# Set up Tarjama on a fresh Debian machine: system packages, a virtualenv in .venv, compiled catalogs.
# Safe to run again; it only installs what is missing.
#   TARJAMA_SETUP_TEST=1  also installs what the tests need (PostgreSQL, docker-compose, test extras).
set -euo pipefail
cd "$(dirname "$0")/.."

apt_packages=(redis-server apertium apertium-eng-spa apertium-fr-es gettext)
if [[ "${TARJAMA_SETUP_TEST:-}" == 1 ]]; then
  apt_packages+=(postgresql docker-compose chromium chromium-driver fonts-noto-core)
fi
missing=()
for package in "${apt_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
sudo_cmd=""; [[ $(id -u) -ne 0 ]] && sudo_cmd="sudo"
if (( ${#missing[@]} )); then
  echo "installing Debian packages: ${missing[*]}"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${missing[@]}" >/dev/null
fi

[[ -x .venv/bin/python ]] || python3 -m venv .venv
pip=(.venv/bin/python -m pip install -q)
"${pip[@]}" --upgrade pip

if [[ "${TARJAMA_SETUP_TEST:-}" == 1 ]]; then
  "${pip[@]}" -e ".[test]"
  # The W3C Nu HTML checker for the page-validity test (runs on Java; npm fetches the jar).
  command -v java >/dev/null || DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq default-jre-headless >/dev/null
  command -v npm >/dev/null || DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq npm >/dev/null
  [[ -f .tools/node_modules/vnu-jar/build/dist/vnu.jar ]] || \
    npm install --no-save --no-audit --no-fund --prefix .tools vnu-jar@26.9.27 >/dev/null
else
  "${pip[@]}" -e .
fi
.venv/bin/pybabel compile -d locales >/dev/null 2>&1
echo "setup done: .venv is ready"
