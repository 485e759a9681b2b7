#!/usr/bin/env bash
# Runs the Node tests of examples/express-sequelize (node:test) against the
# installed extension, on a throwaway PostgreSQL 15 cluster made by
# pg_virtualenv. Each test file makes its own database in it.
# Exits non-zero if any test fails; node's summary (# tests, # pass,
# # fail, ...) is printed again at the very end.
set -euo pipefail
cd "$(dirname "$0")/.."
# UTF-8 clusters whatever the caller's locale (the tests hold non-ASCII text)
export LANG=C.UTF-8 LC_ALL=C.UTF-8

bash scripts/build.sh

if ! command -v node >/dev/null 2>&1; then
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null
fi

(cd examples/express-sequelize &&
	npm install --no-audit --no-fund --package-lock=false --loglevel=error >/dev/null)

log=$(mktemp)
trap 'rm -f "$log"' EXIT
# pg_virtualenv prints the server log and "Dropping cluster" after the
# command: keep the runner's output in $log to print its summary last.
status=0
pg_virtualenv -t bash -c 'cd examples/express-sequelize && node --test test/' 2>&1 |
	tee "$log" || status=$?

# node's closing summary: the block from "# tests N" to the end of its output
summary=$(awk '/^# tests [0-9]+$/ { block = "" ; on = 1 }
	on && /^# [a-z_]+ [0-9.]+$/ { block = block $0 "\n"; next }
	on { on = 0 }
	END { printf "%s", block }' "$log")
if [ -z "$summary" ]; then
	echo "node-test.sh: no test summary from node --test" >&2
	exit 1
fi
if [ "$status" -eq 0 ] && ! grep -qx '# fail 0' <<<"$summary"; then status=1; fi
echo "== node --test summary (examples/express-sequelize)"
printf '%s\n' "$summary"
exit "$status"
