#!/usr/bin/env bash
# Runs every test of group_users on throwaway PostgreSQL 15 clusters:
#   pg_regress (test/sql) and pg_isolation_regress (test/specs) on a cluster
#   made by pg_virtualenv, then the TAP tests (test/t), which start their own,
#   then the Node tests of examples/express-sequelize (real Sequelize and
#   Express against the extension; scripts/node-test.sh), then the Python
#   tests of examples/psycopg (scripts/python-test.sh), then a compile of
#   the C sources against PostgreSQL 13, 17 and 18's headers
#   (scripts/check_versions.sh).
# Ends with one line "N passed, N failed"; exits non-zero on any failure.
set -uo pipefail
cd "$(dirname "$0")/.."
# UTF-8 clusters whatever the caller's locale (tests hold non-ASCII text)
export LANG=C.UTF-8 LC_ALL=C.UTF-8
bash scripts/build.sh || exit 1
export PG_CONFIG=${PG_CONFIG:-/usr/lib/postgresql/15/bin/pg_config}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
chmod 755 "$work"
status=0

echo "== pg_regress and pg_isolation_regress"
pg_virtualenv -t make -s installcheck-sql 2>&1 | tee "$work/sql.log"
[ "${PIPESTATUS[0]}" -eq 0 ] || status=1
if [ -s regression.diffs ]; then cat regression.diffs; fi

echo "== pg_regress and pg_isolation_regress, library preloaded (shared row locations)"
# the same suites again, but memory (its bound is the session's own
# locations') and upgrade (no direct path involved), on a cluster where the
# direct reads keep their row locations in shared memory
pg_virtualenv -t -o shared_preload_libraries=group_users make -s installcheck-sql \
	REGRESS="$(make -s print-regress | sed -E 's/ (memory|upgrade)\b//g')" 2>&1 | tee "$work/sql-preloaded.log"
[ "${PIPESTATUS[0]}" -eq 0 ] || status=1
if [ -s regression.diffs ]; then cat regression.diffs; fi

echo "== TAP"
# initdb refuses to run as root: as root, run a copy of the tree as postgres
if [ "$(id -u)" -eq 0 ]; then
	cp -a . "$work/tree"
	chown -R postgres: "$work"
	(cd "$work/tree" && runuser -u postgres -- make -s installcheck-tap PG_CONFIG="$PG_CONFIG") 2>&1 |
		tee "$work/tap.log"
else
	make -s installcheck-tap 2>&1 | tee "$work/tap.log"
fi
[ "${PIPESTATUS[0]}" -eq 0 ] || status=1

echo "== Node (Sequelize, Express)"
bash scripts/node-test.sh 2>&1 | tee "$work/node.log"
[ "${PIPESTATUS[0]}" -eq 0 ] || status=1

echo "== Python (psycopg)"
bash scripts/python-test.sh 2>&1 | tee "$work/python.log"
[ "${PIPESTATUS[0]}" -eq 0 ] || status=1

echo "== other PostgreSQL versions (compile only)"
bash scripts/check_versions.sh 2>&1 | tee "$work/versions.log"
[ "${PIPESTATUS[0]}" -eq 0 ] || status=1

# One closing line over all suites: pg_regress tests, TAP subtests, Node
# tests, versions compiled
sql_ok=$(cat "$work/sql.log" "$work/sql-preloaded.log" | grep -cE '\.\.\. ok')
sql_failed=$(cat "$work/sql.log" "$work/sql-preloaded.log" | grep -cE '\.\.\. FAILED')
tap_total=$(sed -nE 's/^Files=[0-9]+, Tests=([0-9]+),.*/\1/p' "$work/tap.log")
tap_failed=$(awk '/Failed [0-9]+\/[0-9]+ subtests/ { split($2, n, "/"); s += n[1] } END { print s + 0 }' "$work/tap.log")
tap_total=${tap_total:-0}
tap_failed=${tap_failed:-0}
if [ "$tap_total" -eq 0 ]; then tap_failed=$((tap_failed + 1)); status=1; fi
node_pass=$(sed -nE 's/^# pass ([0-9]+)$/\1/p' "$work/node.log" | tail -1)
node_fail=$(sed -nE 's/^# fail ([0-9]+)$/\1/p' "$work/node.log" | tail -1)
if [ -z "$node_pass" ]; then node_pass=0; node_fail=$((${node_fail:-0} + 1)); status=1; fi
# unittest: "Ran N tests", then "OK" or "FAILED (failures=F, errors=E)"
py_ran=$(sed -nE 's/^Ran ([0-9]+) tests? in .*/\1/p' "$work/python.log" | tail -1)
py_failed=$(sed -nE 's/^FAILED \((.*)\)$/\1/p' "$work/python.log" | tail -1 |
	grep -oE '(failures|errors)=[0-9]+' | awk -F= '{ s += $2 } END { print s + 0 }')
if [ -z "$py_ran" ]; then py_ran=0; py_failed=$((py_failed + 1)); status=1; fi
versions_ok=$(grep -c ': ok (' "$work/versions.log")
versions_failed=$(grep -c ': FAILED$' "$work/versions.log")
passed=$((sql_ok + tap_total - tap_failed + node_pass + py_ran - py_failed + versions_ok))
failed=$((sql_failed + tap_failed + ${node_fail:-0} + py_failed + versions_failed))
[ "$failed" -eq 0 ] || status=1
echo "$passed passed, $failed failed"
exit $status
