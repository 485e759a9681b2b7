#!/usr/bin/env bash
# group_users benchmark: every function of the extension against its anchors
# (SELECT 1, the raw SQL, the same SQL in PL/pgSQL or SQL functions, the
# PostgREST-style statement, Sequelize's statement sequences), run
# interleaved with pgbench on a throwaway cluster, plus a Node benchmark
# (Sequelize findByPk vs the function).  See bench/README.md.
#
#   bash bench/run.sh [--scale N] [--quick] [--rounds N] [--duration S]
#                     [--clients "1 2"] [--only REGEX] [--no-node] [--standby]
#                     [--interleave-scale N] [--huge-pages]
#
# Writes bench/results/<date>-scale<N>.md, bench/results/latest.md and
# bench/results/latest.png.  Not part of the tests (.ci/run never calls it).
# GU_PGBIN=/usr/lib/postgresql/17/bin benches another installed server
# (with the extension installed into it; results named ...-pg17, latest.*
# left alone).
set -euo pipefail

BENCH=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(dirname "$BENCH")
. "$BENCH/lib/cases.sh"
# GU_PGBIN: another installed server to bench; by default PostgreSQL 15,
# what CI tests, installed here if missing
ci_major=15
PGBIN=${GU_PGBIN:-/usr/lib/postgresql/$ci_major/bin}
if [ -n "${GU_PGBIN:-}" ]; then
	pg_major=$("$PGBIN/postgres" --version 2>/dev/null |
		sed -nE 's/.*\(PostgreSQL\) ([0-9]+).*/\1/p') || pg_major=
	[ -n "$pg_major" ] || { echo "run.sh: GU_PGBIN=$PGBIN has no postgres to run" >&2; exit 2; }
else
	pg_major=$ci_major
fi
export LANG=C.UTF-8 LC_ALL=C.UTF-8

usage() {
	sed -n '2,12p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
	cat <<'EOF'
Options:
  --scale N      multiply users and memberships by N (default 1: 100k users,
                 1M memberships; 10: 1M users, 10M memberships; with --quick:
                 the quick dataset's 20k users times N)
  --scale-groups multiply the regular groups by N too, so that a regular
                 group keeps its ~110 members (default: 10,000 regular groups
                 at every scale, ~1,010 members each at scale 10)
  --quick        smoke run: small dataset, 2 s runs, 1 round
  --rounds N     rounds per script (default 5; quick 1)
  --duration S   seconds per pgbench run (default 3; quick 2)
  --warmup S     seconds of an unrecorded run of each script before a call's
                 rounds (default 2; quick 1; 0: none)
  --clients L    client counts, space separated (default "1 2")
  --only REGEX   only the cases whose id matches REGEX (see bench/cases.tsv)
  --no-node      skip the Node benchmark
  --shared-buffers SIZE
                 the cluster's shared_buffers (default 1GB; the scale-10
                 dataset is 1.7 GB)
  --huge-pages   the clusters' shared memory in 2 MB huge pages
                 (huge_pages = on), reserved for them in
                 /proc/sys/vm/nr_hugepages (root; set back at the end), as
                 PostgreSQL's documentation advises for a big buffer pool.
                 Each pgbench run opens new connections, and a new backend
                 maps the shared memory page by page as it first touches it:
                 with 4 kB pages a read of a 2 GB dataset then pays a page
                 fault for each page it meets first, which a short run
                 measures as much as the call (PostgreSQL 15 or later)
  --standby      also make a streaming hot standby of the cluster and run the
                 read cases' function and SELECT 1 on it, interleaved with the
                 same scripts on the primary ("Reads on a hot standby")
  --interleave-scale N
                 also load a second cluster at scale N (same options) and run
                 each pgbench script on it right after the first cluster,
                 every other round the other way round, so that both scales
                 share the machine's state; writes a report for each
                 (bench/growth.sh uses it)
Environment:
  GU_BENCH_NO_BUILD=1  skip scripts/build.sh: use the group_users already
                 installed (e.g. while src/ is being edited and may not build)
  GU_BENCH_KEEP=1      at the end stop the clusters but keep their directories
                 (printed), loaded, for experiments: start one again with
                 runuser -u postgres -- pg_ctl -D DIR/data -l DIR/log start
EOF
}

orig_args="$*"
scale=1 scale2="" scale_groups=0 quick=0 rounds="" duration="" warmup="" clients="1 2" only="" node_bench=1 standby=0 shared_buffers=1GB huge_pages=0
while [ $# -gt 0 ]; do
	case "$1" in
		--scale) scale=${2:?}; shift 2 ;;
		--scale=*) scale=${1#*=}; shift ;;
		--scale-groups) scale_groups=1; shift ;;
		--interleave-scale) scale2=${2:?}; shift 2 ;;
		--quick) quick=1; shift ;;
		--rounds) rounds=${2:?}; shift 2 ;;
		--duration) duration=${2:?}; shift 2 ;;
		--warmup) warmup=${2:?}; shift 2 ;;
		--clients) clients=${2:?}; shift 2 ;;
		--only) only=${2:?}; shift 2 ;;
		--no-node) node_bench=0; shift ;;
		--shared-buffers) shared_buffers=${2:?}; shift 2 ;;
		--standby) standby=1; shift ;;
		--huge-pages) huge_pages=1; shift ;;
		-h|--help) usage; exit 0 ;;
		*) echo "run.sh: unknown argument: $1" >&2; usage >&2; exit 2 ;;
	esac
done
[[ $shared_buffers =~ ^[1-9][0-9]*(kB|MB|GB)$ ]] || { echo "run.sh: --shared-buffers takes a size such as 4GB" >&2; exit 2; }
[[ $scale =~ ^[1-9][0-9]*$ ]] || { echo "run.sh: --scale takes a positive integer" >&2; exit 2; }
[[ -z $scale2 || $scale2 =~ ^[1-9][0-9]*$ ]] || { echo "run.sh: --interleave-scale takes a positive integer" >&2; exit 2; }
[[ -z $scale2 || $standby -eq 0 ]] || { echo "run.sh: --interleave-scale and --standby do not go together" >&2; exit 2; }
if [ "$huge_pages" -eq 1 ]; then
	[ "$(id -u)" -eq 0 ] || { echo "run.sh: --huge-pages reserves huge pages in /proc/sys/vm/nr_hugepages: run it as root" >&2; exit 2; }
	[ "$pg_major" -ge 15 ] || { echo "run.sh: --huge-pages needs PostgreSQL 15 or later (shared_memory_size_in_huge_pages)" >&2; exit 2; }
fi
for c in $clients; do [[ $c =~ ^[1-9][0-9]?$ ]] || { echo "run.sh: bad client count $c" >&2; exit 2; }; done

if [ "$quick" -eq 1 ]; then
	: "${rounds:=1}" "${duration:=2}" "${warmup:=1}"
	base_users=20000 nwriters=2000 base_groups=2000 nbench=200 nlists=200
	node_duration=1
else
	: "${rounds:=5}" "${duration:=3}" "${warmup:=2}"
	base_users=100000 nwriters=10000 base_groups=10000 nbench=1000 nlists=1000
	node_duration=3
fi
[[ $rounds =~ ^[1-9][0-9]*$ && $duration =~ ^[1-9][0-9]*$ && $warmup =~ ^[0-9]+$ ]] ||
	{ echo "run.sh: --rounds and --duration take positive integers, --warmup a number" >&2; exit 2; }

# ---------------------------------------------------------------- helpers
t0=$(date +%s)
start_stamp=$(date -u +%Y-%m-%dT%H%M) start_human=$(date -u '+%Y-%m-%d %H:%M UTC')
step() { printf '\n== %s  (+%ss)\n' "$*" "$(($(date +%s) - t0))"; }
fmt_int() { printf "%'d" "$1"; }
min() { [ "$1" -lt "$2" ] && echo "$1" || echo "$2"; }
now_ms() { echo $(($(date +%s%N) / 1000000)); }

# ---------------------------------------------------------------- 1. packages, build
step "packages and build"
missing=()
packages=(gnuplot-nox)
[ -n "${GU_PGBIN:-}" ] || packages+=("postgresql-$ci_major")
for p in "${packages[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
command -v node >/dev/null 2>&1 || missing+=(nodejs npm)
if [ ${#missing[@]} -gt 0 ]; then
	[ "$(id -u)" -eq 0 ] || { echo "run.sh: run as root to install ${missing[*]}" >&2; exit 1; }
	echo "installing: ${missing[*]}"
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi
if [ "${GU_BENCH_NO_BUILD:-0}" = 1 ]; then   # src/ may be mid-edit: bench what is installed
	echo "GU_BENCH_NO_BUILD=1: build skipped, using the installed group_users"
else
	(cd "$REPO" && bash scripts/build.sh)
	echo "group_users built and installed"
fi

# ---------------------------------------------------------------- 2. cluster
top=$(mktemp -d /var/tmp/gu-bench.XXXXXX)   # on disk (not tmpfs): commits really fsync
sdata=$top/standby ssock=$top/ssock     # the hot standby (--standby), inside $top too
# The clusters: "a" (--scale) in $top and, with --interleave-scale, "b" in
# $top/b; each has its data, socket, logs and its run's files (meta.tsv,
# verify.tsv, runs.tsv, plans.txt) in its $work
clusters=(a); [ -n "$scale2" ] && clusters+=(b)
# Stops the standby if it runs (before the primary, whose fast shutdown
# would otherwise wait for its walsender), then deletes its directories
stop_standby() {
	if [ -f "$sdata/postmaster.pid" ]; then
		runuser -u postgres -- "$PGBIN/pg_ctl" -D "$sdata" -m fast -w stop >/dev/null 2>&1 ||
			runuser -u postgres -- "$PGBIN/pg_ctl" -D "$sdata" -m immediate -w stop >/dev/null 2>&1 || true
	fi
	rm -rf "$sdata" "$ssock"
}
hp_before=""   # /proc/sys/vm/nr_hugepages before --huge-pages raised it
# reserve_huge_pages DATADIR: with --huge-pages, as many more huge pages as
# the cluster in DATADIR (configured, not running) will ask for
reserve_huge_pages() {
	local need want have
	[ "$huge_pages" -eq 1 ] || return 0
	need=$(runuser -u postgres -- "$PGBIN/postgres" -D "$1" -C shared_memory_size_in_huge_pages)
	[[ $need =~ ^[0-9]+$ && $need -gt 0 ]] || { echo "run.sh: the cluster in $1 says it needs '$need' huge pages" >&2; exit 1; }
	[ -n "$hp_before" ] || hp_before=$(cat /proc/sys/vm/nr_hugepages)
	want=$(($(cat /proc/sys/vm/nr_hugepages) + need))
	echo "$want" >/proc/sys/vm/nr_hugepages
	have=$(cat /proc/sys/vm/nr_hugepages)
	[ "$have" -ge "$want" ] ||
		{ echo "run.sh: --huge-pages: the kernel gave $have of the $want huge pages asked for (memory too fragmented or too small?)" >&2; exit 1; }
	echo "huge pages: $need reserved for $1 ($have in all)"
}
cleanup() {
	local rc=$? d
	trap - EXIT INT TERM
	stop_standby
	for d in "$top/data" "$top/b/data"; do
		[ -f "$d/postmaster.pid" ] || continue
		runuser -u postgres -- "$PGBIN/pg_ctl" -D "$d" -m fast -w stop >/dev/null 2>&1 ||
			runuser -u postgres -- "$PGBIN/pg_ctl" -D "$d" -m immediate -w stop >/dev/null 2>&1 || true
	done
	# the huge pages reserved for the clusters (--huge-pages), given back
	[ -z "$hp_before" ] || echo "$hp_before" >/proc/sys/vm/nr_hugepages || true
	if [ "${GU_BENCH_KEEP:-0}" = 1 ]; then
		echo "GU_BENCH_KEEP=1: clusters kept, stopped: $top/data${scale2:+ and $top/b/data}"
	else
		rm -rf "$top"
	fi
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# free_port FIRST: the first port from FIRST to 54429 that nothing listens on
# (TCP) and that has no socket in our directories (our clusters have no TCP)
free_port() {
	local p
	for p in $(seq "$1" 54429); do
		[ -e "$top/sock/.s.PGSQL.$p" ] || [ -e "$ssock/.s.PGSQL.$p" ] || [ -e "$top/b/sock/.s.PGSQL.$p" ] && continue
		if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then echo "$p"; return; fi
	done
}

# The state of one cluster, saved while the other one is in use
STATE_VARS=(work pgdata sock port scale nusers ngroups nmembers gstep gid_small gid_10k gid_100k bg_lo bg_hi
	w_lo w_hi size_small size_10k size_100k step_small step_10k step_100k
	meta verify_tsv runs_tsv plans rows_before load_ms vac_ms av_wait)
save_state() {  # save_state CLUSTER
	local v
	for v in "${STATE_VARS[@]}"; do declare -g "state_$1_$v=${!v-}"; done
}
use_state() {  # use_state CLUSTER: its variables, and psql and pgbench on it
	local v n
	for v in "${STATE_VARS[@]}"; do n=state_$1_$v; declare -g "$v=${!n}"; done
	dataset_vars
	export PGHOST=$sock PGPORT=$port
}
# each_cluster COMMAND...: COMMAND on each cluster in turn ($cl names it),
# keeping what it changed of the cluster's state; then the first cluster's
each_cluster() {
	for cl in "${clusters[@]}"; do
		use_state "$cl"
		"$@"
		save_state "$cl"
	done
	use_state a
}

# dataset_for SCALE: the dataset's sizes and ids at SCALE
dataset_for() {
	scale=$1 nusers=$((base_users * $1)) ngroups=$base_groups
	if [ "$scale_groups" -eq 1 ]; then ngroups=$((base_groups * $1)); fi
	gstep=$((ngroups / 10))
	gid_small=$((ngroups + 1)) gid_10k=$((ngroups + 2)) gid_100k=$((ngroups + 3))
	bg_lo=$((ngroups + 4)) bg_hi=$((ngroups + 3 + nbench))
	w_lo=$((nusers + 1)) w_hi=$((nusers + nwriters))
	size_small=$(min 100 "$nusers") size_10k=$(min 10000 "$nusers") size_100k=$(min 100000 "$nusers")
	step_small=$((nusers / size_small)) step_10k=$((nusers / size_10k)) step_100k=$((nusers / size_100k))
	nmembers=$(((nusers + nwriters) * 10))
	dataset_vars
}
dataset_vars() {  # the dataset's sizes and ids as psql -v words: $vars
	vars=(-v nusers="$nusers" -v ngroups="$ngroups" -v gstep="$gstep" -v nlists="$nlists"
		-v gid_small="$gid_small" -v gid_10k="$gid_10k" -v gid_100k="$gid_100k"
		-v bg_lo="$bg_lo" -v bg_hi="$bg_hi" -v w_lo="$w_lo" -v w_hi="$w_hi"
		-v size_small="$size_small" -v size_10k="$size_10k" -v size_100k="$size_100k"
		-v step_small="$step_small" -v step_10k="$step_10k" -v step_100k="$step_100k")
}

# start_cluster DIR FIRST_PORT: a new cluster in DIR, running, with an
# empty database bench; psql and pgbench are then on it
start_cluster() {
	work=$1 pgdata=$1/data sock=$1/sock
	mkdir -p "$sock" "$work/logs"
	chown -R postgres:postgres "$work"
	port=$(free_port "$2")
	[ -n "$port" ] || { echo "run.sh: no free port in $2-54429" >&2; exit 1; }
	meta=$work/meta.tsv verify_tsv=$work/verify.tsv runs_tsv=$work/runs.tsv plans=$work/plans.txt

	runuser -u postgres -- "$PGBIN/initdb" -D "$pgdata" -U postgres -A trust -E UTF8 \
		--locale=C.UTF-8 >"$work/logs/initdb.log"
	cat >>"$pgdata/postgresql.conf" <<EOF

# --- group_users benchmark
listen_addresses = ''                 # unix socket only
port = $port
unix_socket_directories = '$sock'
max_connections = 50
shared_buffers = $shared_buffers
work_mem = 16MB
maintenance_work_mem = 512MB
effective_cache_size = 8GB
random_page_cost = 1.1                # all in memory: the planner's best plans for the raw SQL anchors
max_wal_size = 8GB
min_wal_size = 1GB
checkpoint_timeout = 30min
synchronous_commit = on               # the default, kept: commits wait for the WAL flush
jit = off                             # JIT compile time would swamp the big-group statements
shared_preload_libraries = 'group_users'  # row locations shared by all sessions (README: Settings)
EOF
	if [ "$huge_pages" -eq 1 ]; then
		echo "huge_pages = on                       # --huge-pages" >>"$pgdata/postgresql.conf"
		reserve_huge_pages "$pgdata"
	fi
	runuser -u postgres -- "$PGBIN/pg_ctl" -D "$pgdata" -l "$work/logs/server.log" -w -t 60 start >/dev/null
	echo "cluster: $pgdata, socket $sock, port $port (no TCP)"

	export PGHOST=$sock PGPORT=$port
	"$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 -d postgres -c "CREATE DATABASE bench"
}
export PGUSER=postgres PGDATABASE=bench
PSQL=("$PGBIN/psql" -X -q -v ON_ERROR_STOP=1)

# Loads rows in chunks with a progress display: load_chunks NAME TOTAL_IDS
# IDS_PER_CHUNK ROWS_PER_ID FILE
load_chunks() {
	local name=$1 total=$2 per=$3 rows_per_id=$4 file=$5 lo=1 hi rows=0 start now rate
	start=$(now_ms)
	while [ "$lo" -le "$total" ]; do
		hi=$(min $((lo + per - 1)) "$total")
		"${PSQL[@]}" "${vars[@]}" -v lo="$lo" -v hi="$hi" -f "$file"
		rows=$((rows + (hi - lo + 1) * rows_per_id))
		now=$(now_ms)
		rate=$((rows * 1000 / (now - start + 1)))
		if [ -t 1 ]; then
			printf '\r  %-12s %12s / %s rows  %10s rows/s ' "$name" "$(fmt_int $rows)" \
				"$(fmt_int $((total * rows_per_id)))" "$(fmt_int $rate)"
		else
			printf '  %-12s %12s / %s rows  %10s rows/s\n' "$name" "$(fmt_int $rows)" \
				"$(fmt_int $((total * rows_per_id)))" "$(fmt_int $rate)"
		fi
		lo=$((hi + 1))
	done
	[ -t 1 ] && printf '  (%.1f s)\n' "$(echo "($(now_ms) - $start) / 1000" | bc -l 2>/dev/null || echo 0)" || true
}

# load_dataset: the dataset (dataset_for) into the cluster (start_cluster),
# vacuumed, analyzed and prewarmed, autovacuum off for its tables
load_dataset() {
	echo "users $(fmt_int "$nusers") (+ $(fmt_int "$nwriters") writer users for the write benchmarks)," \
		"groups $(fmt_int "$ngroups") (+ 3 special, + $(fmt_int "$nbench") empty ones for writes)," \
		"memberships $(fmt_int "$nmembers") + special groups of $size_small, $size_10k and $size_100k members"

	"${PSQL[@]}" -c "CREATE EXTENSION group_users" -c "CREATE EXTENSION pg_prewarm"
	load_start=$(now_ms)
	"${PSQL[@]}" "${vars[@]}" -f "$BENCH/sql/load/groups.sql"

	load_chunks users $((nusers + nwriters)) 100000 1 "$BENCH/sql/load/users.sql"
	load_chunks memberships $((nusers + nwriters)) 20000 10 "$BENCH/sql/load/memberships.sql"
	"${PSQL[@]}" "${vars[@]}" -f "$BENCH/sql/load/special.sql"
	echo "  special groups: $size_small, $size_10k and $size_100k members"
	"${PSQL[@]}" "${vars[@]}" -f "$BENCH/sql/load/finish.sql" >/dev/null
	"${PSQL[@]}" -f "$BENCH/sql/anchors.sql"
	load_ms=$(($(now_ms) - load_start))
	echo "  loaded in $((load_ms / 1000)) s; VACUUM ANALYZE ..."
	vac_start=$(now_ms)
	"${PSQL[@]}" -c "VACUUM (ANALYZE)" -c "CHECKPOINT"
	vac_ms=$(($(now_ms) - vac_start))
	prewarm_sql="SELECT sum(pg_prewarm(c.oid))::bigint || ' blocks prewarmed'
		FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
		WHERE n.nspname IN ('group_users', 'bench') AND c.relkind IN ('r', 'i')"
	"${PSQL[@]}" -At -c "$prewarm_sql" | sed 's/^/  /'
	echo "  VACUUM ANALYZE + CHECKPOINT in $((vac_ms / 1000)) s"
	# No autovacuum during the timed runs: one of a freshly loaded table (the
	# inserts' threshold), reading gigabytes at scale 10, stalled whole rounds.
	# The tables are vacuumed above, and the write runs vacuum after
	# themselves; wait for a worker already at work here to finish.
	"${PSQL[@]}" -c "ALTER TABLE group_users.group_users SET (autovacuum_enabled = off)" \
		-c "ALTER TABLE group_users.users SET (autovacuum_enabled = off)" \
		-c "ALTER TABLE group_users.groups SET (autovacuum_enabled = off)"
	av_start=$(now_ms) av_n=0
	until [ "$("${PSQL[@]}" -At -c "SELECT count(*) FROM pg_stat_activity
			WHERE backend_type = 'autovacuum worker' AND datname = current_database()")" = 0 ]; do
		av_n=$((av_n + 1))
		[ "$av_n" -le 1200 ] || { echo "  an autovacuum worker is still busy after 600 s: timing anyway"; break; }
		sleep 0.5
	done
	av_wait=$((($(now_ms) - av_start) / 1000))
	echo "  autovacuum off for the three tables; waited ${av_wait} s for running workers"
}

# write_meta: the run's settings, machine and dataset (meta.tsv) for its report
write_meta() {
	{
		printf 'stamp\t%s\n' "$start_human"
		printf 'command\t%sbash bench/run.sh %s\n' "${PGOPTIONS:+PGOPTIONS='$PGOPTIONS' }" "$orig_args"
		printf 'scale\t%s\nquick\t%s\nrounds\t%s\nduration\t%s\nwarmup\t%s\nclients\t%s\nnode_duration\t%s\n' \
			"$scale" "$quick" "$rounds" "$duration" "$warmup" "$clients" "$node_duration"
		printf 'nproc\t%s\n' "$(nproc)"
		printf 'memory\t%s\n' "$(awk '/MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)"
		printf 'cpu\t%s\n' "$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)"
		printf 'os\t%s\n' "$(. /etc/os-release && echo "$PRETTY_NAME"), kernel $(uname -r)"
		printf 'git\t%s\n' "$(cd "$REPO" && { git rev-parse --short HEAD 2>/dev/null || echo '(not a git checkout)'; })$(cd "$REPO" && { ! git rev-parse HEAD >/dev/null 2>&1 || git diff --quiet HEAD -- src sql 2>/dev/null || echo ' (src/ or sql/ modified)'; })$([ "${GU_BENCH_NO_BUILD:-0}" = 1 ] && echo ', **build skipped** (GU_BENCH_NO_BUILD=1: the group_users already installed was benchmarked, not necessarily this tree)')"
		printf 'node\t%s\n' "$(node --version 2>/dev/null || echo none)"
		printf 'load_seconds\t%s\nvacuum_seconds\t%s\nautovacuum_wait_seconds\t%s\n' "$((load_ms / 1000))" "$((vac_ms / 1000))" "$av_wait"
		"${PSQL[@]}" -At -F $'\t' -c "SELECT 'pg_version', version()" \
			-c "SELECT 'extension', 'group_users ' || extversion FROM pg_extension WHERE extname = 'group_users'" \
			-c "SELECT 'setting', name || ' = ' || current_setting(name) FROM pg_settings
				WHERE name IN ('shared_buffers', 'synchronous_commit', 'fsync', 'wal_sync_method', 'work_mem',
				               'max_connections', 'jit', 'max_wal_size', 'checkpoint_timeout', 'autovacuum',
				               'max_parallel_workers_per_gather', 'effective_cache_size', 'listen_addresses',
				               'random_page_cost', 'shared_preload_libraries', 'group_users.shared_tid_cache',
				               'huge_pages')
				ORDER BY name" \
			-c "SELECT 'dataset', format('users: %s (%s read, %s writer users)', (SELECT count(*) FROM group_users.users), $nusers, $nwriters)" \
			-c "SELECT 'dataset', format('groups: %s (%s regular, 3 special, %s empty for writes)', (SELECT count(*) FROM group_users.groups), $ngroups, $nbench)" \
			-c "SELECT 'dataset', format('memberships: %s', (SELECT count(*) FROM group_users.group_users))" \
			-c "SELECT 'dataset', format('group %s: %s members; group %s: %s members; group %s: %s members', $gid_small, (SELECT count(*) FROM group_users.group_users WHERE group_id = $gid_small), $gid_10k, (SELECT count(*) FROM group_users.group_users WHERE group_id = $gid_10k), $gid_100k, (SELECT count(*) FROM group_users.group_users WHERE group_id = $gid_100k))" \
			-c "SELECT 'dataset', format('groups per read user: %s on average; members per regular group: %s on average', round((SELECT count(*) FROM group_users.group_users WHERE user_id <= $nusers)::numeric / $nusers, 2), round((SELECT count(*) FROM group_users.group_users WHERE group_id <= $ngroups)::numeric / $ngroups, 1))" \
			-c "SELECT 'dataset', format('database size: %s (group_users.group_users: %s with indexes)', pg_size_pretty(pg_database_size(current_database())), pg_size_pretty(pg_total_relation_size('group_users.group_users')))"
	} >"$meta"
	sed -n 's/^\(dataset\|setting\)\t/  /p' "$meta"
}

# ---------------------------------------------------------------- 3. dataset
for cl in "${clusters[@]}"; do
	if [ "$cl" = a ]; then
		step "throwaway cluster and dataset$([ -n "$scale2" ] && echo " (scale $scale)")"
		dataset_for "$scale"
		start_cluster "$top" 54330
	else
		step "second cluster and dataset (--interleave-scale $scale2)"
		dataset_for "$scale2"
		start_cluster "$top/b" $((state_a_port + 1))
	fi
	load_dataset
	write_meta
	save_state "$cl"
done
use_state a

# ---------------------------------------------------------------- cases
# bench/cases.tsv: case, title, kind, description, script, verify mode, defines
C_CASE=() C_KIND=() C_SCRIPT=() C_VMODE=() C_DEFINES=() C_DESC=() CASE_ORDER=()
while IFS=$'\t' read -r c_case c_title c_kind c_desc c_script c_vmode c_defines; do
	[[ -z $c_case || $c_case == \#* ]] && continue
	if [ -n "$only" ] && ! [[ $c_case =~ $only ]]; then continue; fi
	C_CASE+=("$c_case") C_KIND+=("$c_kind") C_SCRIPT+=("$BENCH/sql/pgbench/$c_script")
	C_VMODE+=("$c_vmode") C_DEFINES+=("$c_defines") C_DESC+=("$c_desc")
	if [ ${#CASE_ORDER[@]} -eq 0 ] || [ "${CASE_ORDER[-1]}" != "$c_case" ]; then CASE_ORDER+=("$c_case"); fi
done <"$BENCH/cases.tsv"
[ ${#CASE_ORDER[@]} -gt 0 ] || { echo "run.sh: no case matches --only '$only'" >&2; exit 2; }
# is_write IDX: whether script IDX writes (it is verified by the
# memberships it leaves: verify mode state, gstate or cstate)
is_write() { is_write_mode "${C_VMODE[$1]}"; }
# The read cases (their function writes nothing), the ones that can also
# run on the standby
declare -A READ_CASE=()
for idx in "${!C_CASE[@]}"; do
	[ "${C_KIND[$idx]}" = fn ] && ! is_write "$idx" && READ_CASE[${C_CASE[$idx]}]=1
done
# on_standby IDX: whether --standby runs this script on the standby too
on_standby() {
	[ "$standby" -eq 1 ] && [ -n "${READ_CASE[${C_CASE[$1]}]:-}" ] &&
		{ [ "${C_KIND[$1]}" = fn ] || [ "${C_KIND[$1]}" = select1 ]; }
}

# ---------------------------------------------------------------- hot standby (--standby)
# wait_replay SECONDS: waits until the standby has replayed all the WAL the
# primary has written by now; prints that LSN and the seconds it took, fails
# on timeout
wait_replay() {
	local target n=0 start
	start=$(now_ms)
	target=$("${PSQL[@]}" -At -c "SELECT pg_current_wal_lsn()")
	until [ "$("${SPSQL[@]}" -At -c "SELECT pg_last_wal_replay_lsn() >= '$target'::pg_lsn")" = t ]; do
		n=$((n + 1))
		[ "$n" -le $(($1 * 10)) ] || return 1
		sleep 0.1
	done
	echo "$target $(((($(now_ms) - start) + 500) / 1000))"
}

if [ "$standby" -eq 1 ] && [ ${#READ_CASE[@]} -eq 0 ]; then
	echo "run.sh: --standby: no read case among the selected ones, no standby made" >&2
	standby=0
fi
if [ "$standby" -eq 1 ]; then
	step "hot standby"
	sport=$(free_port $((port + 1)))
	[ -n "$sport" ] || { echo "run.sh: no free port for the standby in $((port + 1))-54429" >&2; exit 1; }
	SPSQL=("${PSQL[@]}" -h "$ssock" -p "$sport")   # psql on the standby
	mkdir -p "$ssock" && chown postgres:postgres "$ssock"
	# -R: standby.signal and primary_conninfo (our unix socket); -X stream:
	# the WAL of the copy comes with it; -N: no fsync of a throwaway copy
	runuser -u postgres -- "$PGBIN/pg_basebackup" -h "$sock" -p "$port" -U postgres -D "$sdata" \
		-R -X stream -c fast -N
	# The primary's settings (copied with it), but its own port and socket.
	# max_standby_streaming_delay = -1: replay waits for a running benchmark
	# query instead of cancelling it (and we wait for replay before each run).
	cat >>"$sdata/postgresql.conf" <<EOF

# --- group_users benchmark: the hot standby
port = $sport
unix_socket_directories = '$ssock'
hot_standby = on
max_standby_streaming_delay = -1
EOF
	reserve_huge_pages "$sdata"
	runuser -u postgres -- "$PGBIN/pg_ctl" -D "$sdata" -l "$work/logs/standby.log" -w -t 600 start >/dev/null
	[ "$("${SPSQL[@]}" -At -c "SELECT pg_is_in_recovery()")" = t ] ||
		{ echo "run.sh: the standby is not in recovery" >&2; exit 1; }
	replayed=$(wait_replay 600) || { echo "run.sh: the standby did not catch up within 600 s" >&2; exit 1; }
	echo "standby: $sdata, socket $ssock, port $sport (no TCP); replayed up to ${replayed% *} in ${replayed#* } s"
	"${SPSQL[@]}" -At -c "$prewarm_sql" | sed 's/^/  standby: /'
	printf 'standby\tstreaming hot standby of the cluster (pg_basebackup -R -X stream), own port and unix socket, the same settings plus max_standby_streaming_delay = -1\n' >>"$meta"
	printf 'standby\tcaught up after the load (replayed up to the primary'"'"'s LSN %s in %s s), then prewarmed like the primary; before each standby run the script waits until it has replayed everything again\n' \
		"${replayed% *}" "${replayed#* }" >>"$meta"
fi

# The constants every script may use: pgbench -D and psql -v alike
resolve() {  # resolve "@gid_small" -> its value
	local v=$1
	if [[ $v == @* ]]; then v=${v#@}; echo "${!v}"; else echo "$v"; fi
}
const_words() {  # const_words NCLIENTS DEFINES -> name=value per line
	local nc=$1 defs=$2 d
	# n: the write scripts' counter (pgbench keeps a client's variables
	# from one transaction to the next)
	printf '%s\n' nusers="$nusers" ngroups="$ngroups" gstep="$gstep" nlists="$nlists" w_lo="$w_lo" \
		w_per=$((nwriters / nc)) nclients="$nc" bg_lo="$bg_lo" bg_hi="$bg_hi" \
		nbench="$nbench" nblocks=$((nbench / 10)) g_per=$((nbench / nc)) nwblocks=$((nwriters / 10)) n=0 \
		gid_small="$gid_small" gid_10k="$gid_10k" gid_100k="$gid_100k"
	if [ "$defs" != "-" ]; then
		for d in ${defs//,/ }; do
			# a setting or a preparation, not a constant: see server_options
			# and write_prepare
			[[ $d == synchronous_commit=* || $d == fill=* ]] && continue
			printf '%s=%s\n' "${d%%=*}" "$(resolve "${d#*=}")"
		done
	fi
}
# server_options DEFINES -> the PGOPTIONS a case's pgbench runs with (after
# the caller's own): its synchronous_commit=off, which takes the commit's
# WAL flush out of the write cases, to measure what the statements
# themselves cost
server_options() {
	case ",$1," in *,synchronous_commit=off,*) echo "-c synchronous_commit=off" ;; esac
}
# fill_of DEFINES: the rows a write case needs made before each of its
# runs (fill=NAME: sql/runs/fill_NAME.sql; then, if there is one,
# sql/runs/left_NAME.sql checks after the run that every client had some
# left), or nothing
fill_of() {
	local d
	for d in ${1//,/ }; do [[ $d == fill=* ]] && echo "${d#fill=}"; done
	return 0
}
# Per client, rows filled for such a run: more than a client can remove in
# it (without the commit's flush, here: up to 23,000 single removes a
# second on PostgreSQL 17, 12,000 on 15; 1,000 removes of 10): npairs
# pairs, or nlists_fill lists of 10
npairs=$((duration * 40000)) nlists_fill=$((duration * 4000))
maxc=$(printf '%s\n' $clients | sort -n | tail -n 1)
[ "$npairs" -le $(((nwriters / maxc) * nbench)) ] &&
	[ "$nlists_fill" -le $(((nwriters / maxc) * (nbench / 10))) ] &&
	[ "$nlists_fill" -le $(((nbench / maxc) * (nwriters / 10))) ] ||
	{ echo "run.sh: --duration $duration needs more writer users x write groups than the dataset has" >&2; exit 2; }
# psql on the sql/runs scripts with the constants of NCLIENTS clients
runs_sql() {
	local nc=$1 file=$2 kv
	local -a v=(-v npairs="$npairs" -v nlists_fill="$nlists_fill")
	while read -r kv; do v+=(-v "$kv"); done < <(const_words "$nc" -)
	"${PSQL[@]}" -At "${v[@]}" -f "$BENCH/sql/runs/$file"
}

# ---------------------------------------------------------------- 4. verification
step "verification: each function and its anchors give the same results"
member_gid() { echo $((1 + (($1 * 7919 + $2 * gstep) % ngroups))); }
# sample N WRITE -> psql -v words for sample N (1..3) of a read or a write case
sample_vars() {
	local i=$1 write=$2 uid gid after k g1 g2 g3
	if [ "$write" = 1 ]; then
		uid=$((w_lo + i - 1)) gid=$((bg_lo + i - 1)) k=$i after=0 g1=1 g2=2 g3=3
	else
		case $i in
			1) uid=1 gid=$(member_gid 1 0) after=0 k=1
			   g1=$(member_gid 1 0) g2=$(member_gid 1 3) g3=$(member_gid 1 7) ;;
			2) uid=$((nusers / 2 + 3)) gid=$((ngroups / 2 + 1)) after=$((nusers / 3)) k=2
			   g1=5 g2=6 g3=$(member_gid $((nusers / 2 + 3)) 1) ;;
			3) uid=$nusers gid=$gid_small after=$((nusers - 500)) k=$nlists
			   g1=$(member_gid "$nusers" 2) g2=$(member_gid "$nusers" 5) g3=$(member_gid "$nusers" 9) ;;
		esac
	fi
	printf -- '-v\nuid=%s\n-v\ngid=%s\n-v\nafter=%s\n-v\nk=%s\n-v\ng1=%s\n-v\ng2=%s\n-v\ng3=%s\n' \
		"$uid" "$gid" "$after" "$k" "$g1" "$g2" "$g3"
}
# canon SCRIPT VMODE -> SQL printing one canonical line for the script's result
canon_sql() {
	local script=$1 mode=$2 stmt
	case $mode in state|gstate|cstate)
		echo 'BEGIN;'
		echo '\o /dev/null'
		# what a run's fill would have made for the sample (see the script)
		sed -n 's/^-- verify setup: //p' "$script"
		grep -v '^\\' "$script" | grep -vE '^(BEGIN|COMMIT);$'
		echo '\o'
		case $mode in
			state)  # the memberships of user :uid
				echo "SELECT count(*) || ' memberships ' || md5(coalesce(string_agg(group_id || ':' || role, ',' ORDER BY group_id), ''))"
				echo "  FROM group_users.group_users WHERE user_id = :uid;" ;;
			gstate)  # the memberships of group :gid
				echo "SELECT count(*) || ' memberships ' || md5(coalesce(string_agg(user_id || ':' || role, ',' ORDER BY user_id), ''))"
				echo "  FROM group_users.group_users WHERE group_id = :gid;" ;;
			cstate)  # the newest group, and its memberships
				echo "SELECT g.name || ': ' || count(m.*) || ' memberships ' || md5(coalesce(string_agg(m.user_id || ':' || m.role, ',' ORDER BY m.user_id), ''))"
				echo "  FROM group_users.groups g LEFT JOIN group_users.group_users m ON m.group_id = g.id"
				echo " WHERE g.id = (SELECT max(id) FROM group_users.groups) GROUP BY g.name;" ;;
		esac
		echo 'ROLLBACK;'
		return
	esac
	stmt=$(grep -v '^\\' "$script" | sed 's/;[[:space:]]*$//')
	case $mode in
		rows) printf "SELECT count(*) || ' rows ' || md5(coalesce(string_agg(t::text, E'\\\\n'), '')) FROM (\n%s\n) t;\n" "$stmt" ;;
		json) printf "SELECT count(*) || ' docs ' || md5(coalesce(string_agg(t.x::jsonb::text, E'\\\\n'), '')) FROM (\n%s\n) t(x);\n" "$stmt" ;;
		uwg|gwu)
			local outer inner list
			if [ "$mode" = uwg ]; then
				outer="'id', c1, 'username', c2, 'email', c3, 'createdAt', bench.js_ts(c4), 'updatedAt', bench.js_ts(c5)"
				inner="'id', c6, 'name', c7, 'createdAt', bench.js_ts(c8), 'updatedAt', bench.js_ts(c9)"
				list=groups
			else
				outer="'id', c1, 'name', c2, 'createdAt', bench.js_ts(c3), 'updatedAt', bench.js_ts(c4)"
				inner="'id', c5, 'username', c6, 'email', c7, 'createdAt', bench.js_ts(c8), 'updatedAt', bench.js_ts(c9)"
				list=users
			fi
			local first=c6; [ "$mode" = gwu ] && first=c5
			local groupby="c1, c2, c3, c4, c5"; [ "$mode" = gwu ] && groupby="c1, c2, c3, c4"
			printf "SELECT count(*) || ' docs ' || md5(coalesce(string_agg(d::text, E'\\\\n'), '')) FROM (\n"
			printf "  SELECT jsonb_build_object(%s, '%s', coalesce(jsonb_agg(jsonb_build_object(%s,\n" "$outer" "$list" "$inner"
			printf "      'GroupUsers', jsonb_build_object('userId', c10, 'groupId', c11, 'role', c12, 'createdAt', bench.js_ts(c13), 'updatedAt', bench.js_ts(c14)))\n"
			printf "      ORDER BY %s) FILTER (WHERE %s IS NOT NULL), '[]')) AS d\n" "$first" "$first"
			printf "  FROM (\n%s\n) r(c1, c2, c3, c4, c5, c6, c7, c8, c9, c10, c11, c12, c13, c14)\n" "$stmt"
			printf "  GROUP BY %s) z;\n" "$groupby"
			;;
	esac
}
canon() {  # canon IDX SAMPLE [PSQL OPTIONS] -> the canonical line, or ERROR: ...
	local idx=$1 i=$2 write=0 out
	is_write "$idx" && write=1
	local -a v=()
	mapfile -t v < <(sample_vars "$i" "$write")
	while read -r kv; do v+=(-v "$kv"); done < <(const_words 1 "${C_DEFINES[$idx]}")
	if out=$(canon_sql "${C_SCRIPT[$idx]}" "${C_VMODE[$idx]}" |
		"${PSQL[@]}" -At "${v[@]}" "${@:3}" -f - 2>&1); then
		echo "$out" | tail -n 1
	else
		echo "ERROR: $(echo "$out" | grep -m1 ERROR || echo "$out" | tail -n 1)"
	fi
}
nfail=0
# verify_pair KIND DESC WHAT IDX [PSQL OPTIONS]: the function's samples
# (fn_out) against script IDX's on the same samples; one line of verify.tsv
verify_pair() {
	local kind=$1 desc=$2 what=$3 idx=$4 status=PASS detail="" a i
	shift 4
	for i in 1 2 3; do
		a=$(canon "$idx" "$i" "$@")
		if [[ ${fn_out[$i]} == ERROR* || $a == ERROR* || "$a" != "${fn_out[$i]}" ]]; then
			status=FAIL
			detail+="sample $i: $what [${fn_out[$i]}] vs [$a]; "
		else
			detail+="${a% *}; "
		fi
	done
	[ "$status" = FAIL ] && nfail=$((nfail + 1))
	printf '%s\t%s\t%s\t%s\n' "$case_id" "$kind" "$status" "$detail" >>"$verify_tsv"
	printf '  %-4s %-24s = %-55s %s\n' "$status" "$case_id" "$desc" "${detail:0:90}"
}
# verify_all: every case's pairs, on the cluster in use
verify_all() {
	if [ -n "$scale2" ]; then echo "  -- scale $scale"; fi
	: >"$verify_tsv"
	for case_id in "${CASE_ORDER[@]}"; do
		fn=-1
		for idx in "${!C_CASE[@]}"; do
			[ "${C_CASE[$idx]}" = "$case_id" ] && [ "${C_KIND[$idx]}" = fn ] && fn=$idx
		done
		declare -a fn_out=()
		for i in 1 2 3; do fn_out[$i]=$(canon "$fn" "$i"); done
		for idx in "${!C_CASE[@]}"; do
			[ "${C_CASE[$idx]}" = "$case_id" ] || continue
			[ "${C_KIND[$idx]}" = fn ] || [ "${C_VMODE[$idx]}" = - ] && continue
			verify_pair "${C_KIND[$idx]}" "${C_DESC[$idx]}" "function vs anchor" "$idx"
		done
		# --standby: the function on the standby gives what it gives on the primary
		if on_standby "$fn"; then
			verify_pair fn@standby "the function on the hot standby" "primary vs standby" \
				"$fn" -h "$ssock" -p "$sport"
		fi
	done
}
each_cluster verify_all
echo "  verification: $nfail pair(s) failed"

# ---------------------------------------------------------------- plans of the anchors
# The plans pgbench -M prepared can get: the custom plan (for the first
# sample's values) and the generic one.  The C functions' own plans are
# checked by the extension's TAP test (test/t/001_plans.pl).
write_plans() {  # the plans, on the cluster in use, into its plans.txt
	{
		echo "EXPLAIN (COSTS OFF) of the anchor statements, first verification sample: custom plan, then generic plan"
		for idx in "${!C_CASE[@]}"; do
			case ${C_KIND[$idx]} in raw|postgrest|seq) ;; *) continue ;; esac
			is_write "$idx" && [ "${C_KIND[$idx]}" != raw ] && continue
			echo
			echo "==== ${C_CASE[$idx]}: ${C_DESC[$idx]} ($(basename "${C_SCRIPT[$idx]}"))"
			local_v=()
			write=0; is_write "$idx" && write=1
			mapfile -t local_v < <(sample_vars 1 "$write")
			while read -r kv; do local_v+=(-v "$kv"); done < <(const_words 1 "${C_DEFINES[$idx]}")
			# :name -> $n (in order of first appearance); EXECUTE with the psql variables
			grep -v '^\\' "${C_SCRIPT[$idx]}" | grep -vE '^(BEGIN|COMMIT);$|^--' |
				perl -0777 -ne '
					my @stmts = grep { /\S/ } split /;\s*(?:--[^\n]*)?\n/;
					my $i = 0;
					for my $s (@stmts) {
						my (%n, @order);
						$s =~ s/(?<![:\w]):([A-Za-z_]\w*)/exists $n{$1} ? "\$$n{$1}" : do { push @order, $1; $n{$1} = scalar @order; "\$$n{$1}" }/ge;
						$i++;
						my $args = @order ? "(" . join(", ", map { ":$_" } @order) . ")" : "";
						print "BEGIN;\nPREPARE p$i AS\n$s;\n";
						print "\\echo -- custom plan\nSET plan_cache_mode = force_custom_plan;\nEXPLAIN (COSTS OFF) EXECUTE p$i$args;\n";
						print "\\echo -- generic plan\nSET plan_cache_mode = force_generic_plan;\nEXPLAIN (COSTS OFF) EXECUTE p$i$args;\n";
						print "ROLLBACK;\n";
					}' |
				"${PSQL[@]}" -At "${local_v[@]}" -f - 2>&1 || true
		done
	} >"$plans"
}
each_cluster write_plans

# ---------------------------------------------------------------- 5. pgbench
nscripts=${#C_CASE[@]}
nstandby=0; for idx in "${!C_CASE[@]}"; do on_standby "$idx" && nstandby=$((nstandby + 1)); done
nruns=0; for c in $clients; do nruns=$((nruns + (nscripts * ${#clusters[@]} + nstandby) * rounds)); done
step "pgbench: ${#CASE_ORDER[@]} calls, $nscripts scripts$([ "$nstandby" -gt 0 ] && echo " (+ $nstandby on the standby)")$([ -n "$scale2" ] && echo " on both clusters")," \
	"$rounds round(s) x ${duration} s, clients: $clients (about $((nruns * (duration + 1) / 60)) min)"
count_rows() {
	"${PSQL[@]}" -At -c "SELECT count(*) || ' memberships, md5 of the read users'' rows ' ||
		md5(string_agg(user_id || ':' || group_id || ':' || role, ',' ORDER BY user_id, group_id))
		FROM group_users.group_users WHERE user_id <= $nusers"
}
runs_begin() {  # the read users' rows before the runs; runs.tsv's header
	rows_before=$(count_rows)
	printf 'clients\tcase\tkind\tround\ttps\tlatency_ms\tstatus\n' >"$runs_tsv"
}
each_cluster runs_begin
bench_start=$(date +%s) done_runs=0 nerr=0
# bench_once C CASE IDX ROUND KIND [CONNECTION OPTIONS]: one pgbench run of
# script IDX, recorded in runs.tsv under KIND; appends its TPS to $line.
# The standby's runs are recorded as kind "fn@standby" and "select1@standby".
# With warming=1: a run of $warmup seconds, recorded nowhere.
warming=0
bench_once() {
	local c=$1 case_id=$2 idx=$3 r=$4 kind=$5 log rc=0 tps lat failed status kv fill secs=$duration
	[ "$warming" -eq 1 ] && secs=$warmup
	local -a defs=()
	while read -r kv; do defs+=(-D "$kv"); done < <(const_words "$c" "${C_DEFINES[$idx]}")
	log=$work/logs/pgbench-$c-$case_id-$kind-$r.log
	fill=$(fill_of "${C_DEFINES[$idx]}")
	[ -n "$fill" ] && runs_sql "$c" "fill_$fill.sql" >/dev/null
	PGOPTIONS="${PGOPTIONS:+$PGOPTIONS }$(server_options "${C_DEFINES[$idx]}")" \
		"$PGBIN/pgbench" "${@:6}" -n -M prepared -c "$c" -j "$c" -T "$secs" "${defs[@]}" \
		-f "${C_SCRIPT[$idx]}" >"$log" 2>&1 || rc=$?
	tps=$(sed -n 's/^tps = \([0-9.]*\) (without initial connection time)$/\1/p' "$log")
	lat=$(sed -n 's/^latency average = \([0-9.]*\) ms$/\1/p' "$log")
	failed=$(sed -n 's/^number of failed transactions: \([0-9]*\).*/\1/p' "$log")
	status=ok
	if [ "$rc" -ne 0 ] || [ -z "$tps" ] || [ "${failed:-0}" != 0 ] || grep -q 'aborted' "$log"; then
		status=ERROR nerr=$((nerr + 1))
		echo "  ERROR in $case_id/$kind (c=$c, round $r), pgbench exit $rc:"
		grep -m3 -iE 'error|abort|fatal' "$log" | sed 's/^/    /' || true
	fi
	# A write run: did every client find rows to remove to the end?  Then
	# the next run starts from the same tables (sql/runs/reset_writes.sql)
	if is_write "$idx"; then
		if [ -n "$fill" ] && [ -f "$BENCH/sql/runs/left_$fill.sql" ] &&
			[ "$(runs_sql "$c" "left_$fill.sql")" != "$c" ]; then
			status=ERROR nerr=$((nerr + 1))
			echo "  ERROR in $case_id/$kind (c=$c, round $r): a client removed all the rows filled for it (npairs, nlists_fill)"
		fi
		runs_sql "$c" reset_writes.sql >/dev/null
	fi
	[ "$warming" -eq 1 ] && return
	printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$c" "$case_id" "$kind" "$r" \
		"${tps:-0}" "${lat:-0}" "$status" >>"$runs_tsv"
	line+=$(printf ' %s %s' "$kind$line_tag" "$(fmt_int "${tps%.*}" 2>/dev/null || echo "$tps")")
	done_runs=$((done_runs + 1))
}
# bench_clusters C CASE IDX ROUND: bench_once of script IDX on the cluster,
# or with --interleave-scale on both, one right after the other so that
# they share the state of the machine: in odd rounds the first cluster
# first, in even ones the second
bench_clusters() {
	local cl order=("${clusters[@]}")
	[ $(($4 % 2)) -eq 0 ] && [ ${#order[@]} -eq 2 ] && order=(b a)
	for cl in "${order[@]}"; do
		use_state "$cl"
		[ -n "$scale2" ] && line_tag="@s$scale"
		bench_once "$1" "$2" "$3" "$4" "${C_KIND[$3]}"
	done
	use_state a
}
line_tag=""
for c in $clients; do
	for case_id in "${CASE_ORDER[@]}"; do
		idxs=()
		for idx in "${!C_CASE[@]}"; do [ "${C_CASE[$idx]}" = "$case_id" ] && idxs+=("$idx"); done
		# Warm-up: each script once, unrecorded, so that the first round
		# does not pay for pages read in from the disk (at scale 10 the
		# data outgrows shared_buffers, and the first round of a call was
		# up to 40 times slower than the next ones)
		if [ "$warmup" -gt 0 ]; then
			warming=1
			for idx in "${idxs[@]}"; do
				bench_clusters "$c" "$case_id" "$idx" 0
				if on_standby "$idx"; then
					bench_once "$c" "$case_id" "$idx" 0 "${C_KIND[$idx]}@standby" -h "$ssock" -p "$sport"
				fi
			done
			warming=0
		fi
		for r in $(seq 1 "$rounds"); do
			line=""
			for idx in "${idxs[@]}"; do
				bench_clusters "$c" "$case_id" "$idx" "$r"
				# Right after the same script on the primary, so that the two
				# share the state of the machine; the standby has first replayed
				# everything, so no replay competes with the run
				if on_standby "$idx"; then
					wait_replay 60 >/dev/null || echo "  warning: the standby is still replaying after 60 s"
					bench_once "$c" "$case_id" "$idx" "$r" "${C_KIND[$idx]}@standby" -h "$ssock" -p "$sport"
				fi
			done
			el=$(($(date +%s) - bench_start))
			left=$((el * (nruns - done_runs) / done_runs))
			printf '  c=%s %-24s round %s/%s:%s tps   [%d/%d runs, %dm%02ds left]\n' "$c" "$case_id" "$r" \
				"$rounds" "$line" "$done_runs" "$nruns" $((left / 60)) $((left % 60))
		done
	done
done

runs_end() {  # did the runs leave the read users' rows as they were?
	rows_after=$(count_rows)
	if [ "$rows_before" = "$rows_after" ]; then
		printf 'dataset\tafter the runs, the read users'"'"' memberships are unchanged (%s)\n' "${rows_before%%,*}" >>"$meta"
	else
		printf 'dataset\t**the read users'"'"' memberships changed during the runs**: before %s, after %s\n' "$rows_before" "$rows_after" >>"$meta"
	fi
	printf 'dataset\tmemberships in all after the runs: %s\n' "$("${PSQL[@]}" -At -c "SELECT count(*) FROM group_users.group_users")" >>"$meta"
	echo "  read users' memberships$([ -n "$scale2" ] && echo " at scale $scale"): before [$rows_before], after [$rows_after]"
}
each_cluster runs_end
if [ "$standby" -eq 1 ]; then   # not needed any more: stop it before the Node benchmark
	stop_standby
	echo "  standby stopped and deleted"
fi

# ---------------------------------------------------------------- 6. node
node_json=$work/node.json
if [ "$node_bench" -eq 1 ]; then
	step "node: Sequelize findByPk vs the function ($rounds round(s) x ${node_duration} s)"
	(cd "$BENCH/node" && npm install --no-audit --no-fund --package-lock=false --loglevel=error >/dev/null)
	NODE_PATH=$BENCH/node/node_modules node "$BENCH/node/bench.js" --rounds "$rounds" \
		--duration "$node_duration" --nusers "$nusers" --out "$node_json" \
		--w_lo "$w_lo" --nwriters "$nwriters" --bg_lo "$bg_lo" --nbench "$nbench" --nlists "$nlists"
fi

# ---------------------------------------------------------------- 7. report
step "report"
# run_name: the report's name for the cluster in use
run_name() {
	local name="$start_stamp-scale$scale"
	if [ "$quick" -eq 1 ]; then
		name="$start_stamp-quick"; [ "$scale" -ne 1 ] && name+="-scale$scale"
	fi
	if [ "$scale_groups" -eq 1 ] && [ "$scale" -ne 1 ]; then name+="-groupsx$scale"; fi
	[ "$pg_major" != "$ci_major" ] && name+="-pg$pg_major"
	[ -n "$only" ] && name+="-partial"
	echo "$name"
}
mkdir -p "$BENCH/results"
if [ -n "$scale2" ]; then   # each report names the other cluster's
	use_state b; name_b=$(run_name)
	use_state a; name_a=$(run_name)
	printf 'interleaved\tEach pgbench run alternated with the same script on a second cluster loaded at scale %s (`--interleave-scale`): [`%s`](%s.md).\n' \
		"$scale2" "$name_b" "$name_b" >>"$meta"
	use_state b
	printf 'interleaved\tEach pgbench run alternated with the same script on a second cluster loaded at scale %s (the run'"'"'s `--scale`): [`%s`](%s.md).\n' \
		"$state_a_scale" "$name_a" "$name_a" >>"$meta"
	use_state a
fi
report() {  # the cluster's report in bench/results
	name=$(run_name)
	cp "$runs_tsv" "$BENCH/results/$name.runs.tsv"
	cp "$plans" "$BENCH/results/$name.plans.txt"
	node "$BENCH/lib/report.js" --bench "$BENCH" --work "$work" --name "$name" \
		--md "$BENCH/results/$name.md" --png "$BENCH/results/$name.png"
	# a partial run (--only), another version or the second cluster leaves latest.* alone
	if [ "$cl" = a ] && [ -z "$only" ] && [ "$pg_major" = "$ci_major" ]; then
		cp "$BENCH/results/$name.md" "$BENCH/results/latest.md"
		[ -f "$BENCH/results/$name.png" ] && cp "$BENCH/results/$name.png" "$BENCH/results/latest.png"
		echo "results: bench/results/$name.md (and latest.md, latest.png)"
	else
		echo "results: bench/results/$name.md (latest.md left as it was)"
	fi
}
each_cluster report
echo "verification failures: $nfail; pgbench errors: $nerr; total $(($(date +%s) - t0)) s"
