#!/usr/bin/env bash
# Builds group_users and installs it into the PostgreSQL 15 server's
# directories (the same as: make && sudo make install).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh
export PG_CONFIG=${PG_CONFIG:-/usr/lib/postgresql/15/bin/pg_config}
make -s
if [ "$(id -u)" -eq 0 ]; then make -s install >/dev/null; else sudo make -s install >/dev/null; fi
