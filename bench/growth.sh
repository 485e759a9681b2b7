#!/usr/bin/env bash
# group_users growth benchmark: do the read functions keep their speed when
# the tables grow?  One bench/run.sh run with two clusters, loaded at scale 1
# and at scale 10 (--interleave-scale), each pgbench run on one followed by
# the same on the other (the read cases only, no Node benchmark); compares
# each read's TPS and its raw SQL anchor's.  Both datasets scale the regular
# groups with the users (--scale-groups), so a regular group has ~110
# members in both and only the tables grow.
#
#   bash bench/growth.sh [--quick] [--rounds N] [--duration S] [--fixed-groups]
#                        [--clients "1 2"] [--only REGEX] [--shared-buffers SIZE]
#                        [--huge-pages]
#
# Writes bench/results/<date>-growth.md next to the two runs' own reports.
# Not part of the tests.  See bench/README.md.
set -euo pipefail

BENCH=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$BENCH/lib/cases.sh"
export LANG=C.UTF-8 LC_ALL=C.UTF-8
small=1 big=10   # the two scales
min_ratio=0.8    # the target: TPS at scale 10 >= 0.8 x TPS at scale 1

usage() {
	sed -n '2,15p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
	cat <<'EOF'
Options (passed to bench/run.sh):
  --quick        smoke run: run.sh --quick at both scales, i.e. the quick
                 dataset (20k users, 200k memberships) and 10 times it (200k
                 users, 2M memberships); 2 s runs, 1 round
  --rounds N     rounds per script (default 5; quick 1)
  --duration S   seconds per pgbench run (default 3; quick 2)
  --warmup S     seconds of an unrecorded run of each script first (default 2)
  --clients L    client counts, space separated (default "1 2")
  --shared-buffers SIZE  the clusters' shared_buffers (default 1GB)
  --huge-pages   the clusters' shared memory in huge pages (see run.sh --help)
  --only REGEX   only the read cases whose id matches REGEX (default: all
                 read cases; the write cases never run here)
  --fixed-groups keep 10,000 regular groups at scale 10 too (run.sh without
                 --scale-groups): a regular group then has ~1,010 members,
                 and the calls that read a whole one return 10 times more
Environment:
  GU_BENCH_NO_BUILD=1  skip the build (passed on to run.sh)
EOF
}

orig_args="$*"
pass=() only="" quick=0 groups=(--scale-groups)
while [ $# -gt 0 ]; do
	case "$1" in
		--quick) quick=1; pass+=(--quick); shift ;;
		--rounds|--duration|--warmup|--clients|--shared-buffers) pass+=("$1" "${2:?}"); shift 2 ;;
		--only) only=${2:?}; shift 2 ;;
		--fixed-groups) groups=(); shift ;;
		--huge-pages) pass+=("$1"); shift ;;
		-h|--help) usage; exit 0 ;;
		*) echo "growth.sh: unknown argument: $1" >&2; usage >&2; exit 2 ;;
	esac
done

# The read cases, as run.sh tells them (bench/lib/cases.sh)
reads=()
while IFS=$'\t' read -r c_case _ c_kind _ _ c_vmode _; do
	[[ -z $c_case || $c_case == \#* ]] && continue
	[ "$c_kind" = fn ] && ! is_write_mode "$c_vmode" || continue
	if [ -n "$only" ] && ! [[ $c_case =~ $only ]]; then continue; fi
	reads+=("$c_case")
done <"$BENCH/cases.tsv"
[ ${#reads[@]} -gt 0 ] || { echo "growth.sh: no read case matches --only '$only'" >&2; exit 2; }
only_re="^($(IFS='|'; echo "${reads[*]}"))$"

stamp=$(date -u +%Y-%m-%dT%H%M) stamp_human=$(date -u '+%Y-%m-%d %H:%M UTC')
logs=$(mktemp -d /tmp/gu-growth.XXXXXX)
trap 'rm -rf "$logs"' EXIT

# One run, both clusters: the first report's name is the scale-1 one's
printf '\n==== growth: bench/run.sh --scale %s --interleave-scale %s (%s read cases)\n' "$small" "$big" "${#reads[@]}"
bash "$BENCH/run.sh" --scale "$small" --interleave-scale "$big" "${groups[@]}" "${pass[@]}" \
	--only "$only_re" --no-node | tee "$logs/run.log"
mapfile -t names < <(sed -n 's|^results: bench/results/\([^ ]*\)\.md.*|\1|p' "$logs/run.log")
[ ${#names[@]} -eq 2 ] && [ -f "$BENCH/results/${names[0]}.runs.tsv" ] && [ -f "$BENCH/results/${names[1]}.runs.tsv" ] ||
	{ echo "growth.sh: bench/run.sh did not report the two runs' results" >&2; exit 1; }
name_small=${names[0]} name_big=${names[1]}

out="$stamp-growth"; [ "$quick" -eq 1 ] && out+="-quick"
[ ${#groups[@]} -eq 0 ] && out+="-fixedgroups"
[ -n "$only" ] && out+="-partial"
node "$BENCH/lib/growth.js" --bench "$BENCH" --a "$name_small" --b "$name_big" --reads "${reads[*]}" \
	--a-label "scale $small" --b-label "scale $big" --min "$min_ratio" \
	--md "$BENCH/results/$out.md" --stamp "$stamp_human" \
	--command "bash bench/growth.sh $orig_args"
echo "growth: bench/results/$out.md (from $name_small and $name_big)"
