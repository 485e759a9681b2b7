#!/usr/bin/env bash
# The main job: builds and installs group_users, then runs the tutorial's
# scenario (examples/tutorial.sql) on a throwaway PostgreSQL 15 cluster,
# printing the real result of every function.  The cluster is dropped after.
set -euo pipefail
cd "$(dirname "$0")/.."
# UTF-8 clusters whatever the caller's locale (tests hold non-ASCII text)
export LANG=C.UTF-8 LC_ALL=C.UTF-8
bash scripts/build.sh
# the library preloaded, as the README recommends (shared row locations)
pg_virtualenv -t -o shared_preload_libraries=group_users psql -X -q -f examples/tutorial.sql
