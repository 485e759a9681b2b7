#!/usr/bin/env bash
# Compiles the C sources against the server headers of the PostgreSQL
# versions Debian 12 does not carry, so that their PG_VERSION_NUM branches
# are built on every run: 13 (Debian 11), 17 (Debian 13) and 18 (Debian
# testing).  15 is the version the tests run on.  (14 and 16 were never in
# a Debian release; their branches are the ones between.)
#
#   bash scripts/check_versions.sh [VERSION...]    default: 13 17 18
#
# Downloads each postgresql-server-dev-N package from deb.debian.org and
# unpacks it (nothing is installed), then compiles every src/*.c with the
# Makefile's flags (-Wall -Wextra -Werror).  One line per version: "ok",
# "FAILED" (with the compiler's messages) or "skipped" when the package
# could not be fetched (a suite moved to the archive, no network): a
# missing download is not a failure of ours.  Exits non-zero if any failed.
set -uo pipefail
cd "$(dirname "$0")/.."

. scripts/lib/versions.sh
versions=("$@")
[ ${#versions[@]} -gt 0 ] || versions=("${other_versions[@]}")
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
cache=${GU_HEADERS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/group_users/headers}
cc=${CC:-gcc}
mkdir -p "$cache"

# The unpacked headers of version $1 in $cache/$1; false if not fetched
fetch() {
	local v=$1 dir="$cache/$1" file
	[ -f "$dir/ok" ] && return 0
	[ -n "${debian_suite[$v]:-}" ] || { echo "no Debian suite known for $v" >&2; return 1; }
	# the whole index is read: awk leaving early would fail curl's write
	file=$(curl -fsS --max-time 120 "$mirror/dists/${debian_suite[$v]}/main/binary-amd64/Packages.xz" |
		xz -dc | awk -v p="postgresql-server-dev-$v" \
			'$1 == "Package:" { want = ($2 == p) } want && $1 == "Filename:" { print $2; want = 0 }') ||
		return 1
	file=${file%%$'\n'*}
	[ -n "$file" ] || { echo "postgresql-server-dev-$v not in ${debian_suite[$v]}" >&2; return 1; }
	rm -rf "$dir" && mkdir -p "$dir" &&
		curl -fsS --max-time 300 -o "$dir/dev.deb" "$mirror/$file" &&
		dpkg-deb -x "$dir/dev.deb" "$dir/root" && rm "$dir/dev.deb" && touch "$dir/ok"
}

failed=0
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
for v in "${versions[@]}"; do
	if ! fetch "$v"; then
		echo "PostgreSQL $v: skipped (headers not fetched)"
		continue
	fi
	inc="$cache/$v/root/usr/include/postgresql/$v/server"
	log="$out/$v.log"
	: >"$log"
	for src in src/*.c; do
		"$cc" -std=gnu99 -O2 -fPIC -Wall -Wextra -Werror -isystem "$inc" \
			-c -o "$out/$(basename "$src" .c).o" "$src" >>"$log" 2>&1 ||
			echo "  ($src did not compile)" >>"$log"
	done
	if [ -s "$log" ]; then
		echo "PostgreSQL $v: FAILED"
		sed 's/^/  /' "$log"
		failed=1
	else
		echo "PostgreSQL $v: ok ($(ls src/*.c | wc -l) files)"
	fi
done
exit $failed
