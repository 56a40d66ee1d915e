#!/usr/bin/env bash
# Set up (scripts/setup.sh) and run the demo: SQLite and a private Redis under ./var.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
exec .venv/bin/tarjama demo "$@"
