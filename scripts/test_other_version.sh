#!/usr/bin/env bash
# Runs the pg_regress, isolation and TAP tests on another PostgreSQL version
# than the 15 of Debian 12: 13, 17 or 18, each in a chroot of the Debian
# release that ships it (debootstrap from deb.debian.org; about 600 MB and
# a few minutes the first time, kept in $GU_CHROOTS, default /srv/group_users).
#
#   sudo bash scripts/test_other_version.sh 17 [--no-tap]
#
# Not part of scripts/test.sh (too heavy for every run); that one compiles
# against these versions' headers instead (scripts/check_versions.sh).
# Needs root (chroot, mounts).  Exits non-zero if a test failed.
set -euo pipefail
cd "$(dirname "$0")/.."

v=${1:?usage: test_other_version.sh 13|17|18 [--no-tap]}
tap=1
[ "${2:-}" = --no-tap ] && tap=0
. scripts/lib/versions.sh
suite=${debian_suite[$v]:-}
[ -n "$suite" ] || { echo "test_other_version.sh: one of ${other_versions[*]}" >&2; exit 2; }
[ "$(id -u)" -eq 0 ] || { echo "test_other_version.sh: run as root" >&2; exit 1; }
root=${GU_CHROOTS:-/srv/group_users}/$suite

if [ ! -x "$root/usr/lib/postgresql/$v/bin/postgres" ]; then
	command -v debootstrap >/dev/null ||
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null
	echo "== debootstrap $suite into $root"
	debootstrap --variant=minbase \
		--include="postgresql-$v,postgresql-server-dev-$v,make,gcc,libipc-run-perl" \
		"$suite" "$root" "${DEBIAN_MIRROR:-http://deb.debian.org/debian}" \
		"/usr/share/debootstrap/scripts/$(debootstrap_script "$suite")" >"$root.debootstrap.log" 2>&1 ||
		{ tail -20 "$root.debootstrap.log"; exit 1; }
fi
# SQLsmith through apt inside the chroot: debootstrap's own resolver
# misses a dependency of bullseye's (libboost-regex1.74.0-icu67).  A
# testing suite's Release can be past its Valid-Until by this machine's
# clock (debootstrap does not check it; apt refuses it): not checked.
if [ ! -x "$root/usr/bin/sqlsmith" ]; then
	chroot "$root" env DEBIAN_FRONTEND=noninteractive \
		bash -c 'apt-get -o Acquire::Check-Valid-Until=false update -qq &&
			apt-get install -y -qq sqlsmith' \
		>>"$root.debootstrap.log" 2>&1 ||
		{ tail -20 "$root.debootstrap.log"; exit 1; }
fi

for m in proc dev; do
	mountpoint -q "$root/$m" || mount --bind "/$m" "$root/$m"
done
trap 'umount "$root/proc" "$root/dev" 2>/dev/null || true' EXIT

# the working copy (new files too), not build products
rm -rf "$root/build"
mkdir -p "$root/build"
git ls-files -z --cached --others --exclude-standard | xargs -0 cp --parents -t "$root/build"

echo "== PostgreSQL $v ($suite): build, pg_regress and isolation"
status=0
chroot "$root" env LANG=C.UTF-8 LC_ALL=C.UTF-8 bash -c "
	set -e
	cd /build
	export PG_CONFIG=/usr/lib/postgresql/$v/bin/pg_config
	make -s && make -s install >/dev/null
	# Debian's postgresql-server-dev-13 has no pg_isolation_regress
	if [ -x \$(dirname \$(\$PG_CONFIG --pgxs))/../../src/test/isolation/pg_isolation_regress ]; then
		pg_virtualenv -v $v -t make -s installcheck-sql
	else
		echo '(no pg_isolation_regress for $v: the isolation specs are skipped)'
		pg_virtualenv -v $v -t make -s installcheck ISOLATION= TAP_TESTS=
	fi
" || status=1
for d in "$root/build/regression.diffs" "$root/build/output_iso/regression.diffs"; do
	[ -s "$d" ] && cat "$d"
done

if [ $tap -eq 1 ]; then
	echo "== PostgreSQL $v ($suite): TAP"
	chroot "$root" env LANG=C.UTF-8 LC_ALL=C.UTF-8 bash -c "
		chown -R postgres: /build
		cd /build && runuser -u postgres -- \
			make -s installcheck-tap PG_CONFIG=/usr/lib/postgresql/$v/bin/pg_config
	" || status=1
fi
exit $status
