#!/usr/bin/env bash
# Runs the Python tests of examples/psycopg (unittest, psycopg 3 from
# Debian's python3-psycopg) against the installed extension, on a throwaway
# PostgreSQL 15 cluster made by pg_virtualenv.  Debian's own python3 runs
# them, whatever else is first on PATH.  Ends with unittest's summary
# ("Ran N tests", then "OK" or "FAILED (...)"); exits non-zero on a failure.
set -euo pipefail
cd "$(dirname "$0")/.."
export LANG=C.UTF-8 LC_ALL=C.UTF-8

bash scripts/build.sh

if ! /usr/bin/python3 -c 'import psycopg' >/dev/null 2>&1; then
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-psycopg >/dev/null
fi

log=$(mktemp)
trap 'rm -f "$log"' EXIT
# pg_virtualenv prints the server log after the command: keep the runner's
# output in $log to print its summary last
status=0
pg_virtualenv -t /usr/bin/python3 -m unittest -v examples/psycopg/test_group_users.py 2>&1 |
	tee "$log" || status=$?
echo "== python3 -m unittest summary (examples/psycopg)"
grep -E '^(Ran [0-9]+ tests? in|OK|FAILED)' "$log" || { echo "python-test.sh: no unittest summary" >&2; exit 1; }
exit "$status"
