#!/usr/bin/env bash
# pgindent over src/: PostgreSQL 17's pgindent and pg_bsd_indent, run in
# the Debian 13 chroot that scripts/test_other_version.sh 17 makes (Debian
# 12's PostgreSQL 15 ships neither, and 17's binaries need a newer libc).
#
#   sudo bash scripts/pgindent.sh           rewrite src/*.c, src/*.h in place
#   sudo bash scripts/pgindent.sh --check   only list what would change; exit 2 if any
#
# The typedef list is every typedef of the server headers and of src/
# (PostgreSQL's own typedefs.list is not packaged).
set -euo pipefail
cd "$(dirname "$0")/.."

. scripts/lib/versions.sh
root=${GU_CHROOTS:-/srv/group_users}/${debian_suite[17]}
[ "$(id -u)" -eq 0 ] || { echo "pgindent.sh: run as root (chroot)" >&2; exit 1; }
[ -x "$root/usr/lib/postgresql/17/bin/pgindent" ] ||
	{ echo "pgindent.sh: no chroot at $root: run scripts/test_other_version.sh 17 first" >&2; exit 1; }

work=$root/indent
rm -rf "$work" && mkdir -p "$work"
cp src/*.c src/*.h "$work/"
chroot "$root" bash -c '
	set -e
	cd /indent
	inc=/usr/include/postgresql/17/server
	{
		grep -rhoE "^typedef [^;()]*[ *]([A-Za-z_][A-Za-z0-9_]*);" $inc *.c *.h |
			sed -E "s/.*[ *]([A-Za-z_][A-Za-z0-9_]*);/\1/"
		grep -rhoE "^\} *([A-Za-z_][A-Za-z0-9_]*);" $inc *.c *.h |
			sed -E "s/^\} *([A-Za-z_0-9]*);/\1/"
		grep -rhoE "typedef [^;]*\(\*([A-Za-z_0-9]*)\)" $inc |
			sed -E "s/.*\(\*([A-Za-z_0-9]*)\)/\1/"
		# simplehash.h makes <prefix>_hash types
		grep -hoE "define SH_PREFIX[[:space:]]+[a-z_]+" *.c | awk "{ print \$3 \"_hash\" }"
	} | sort -u >typedefs.list
	PATH=/usr/lib/postgresql/17/bin:$PATH pgindent --typedefs=typedefs.list *.c *.h
'
changed=0
for f in "$work"/*.[ch]; do
	dst=src/$(basename "$f")
	cmp -s "$f" "$dst" && continue
	changed=1
	if [ "${1:-}" = --check ]; then
		diff -u "$dst" "$f" || true
	else
		cp "$f" "$dst"
		echo "reindented: $dst"
	fi
done
if [ $changed -eq 0 ]; then
	echo "pgindent: src/ is already laid out as pgindent lays it out"
elif [ "${1:-}" = --check ]; then
	exit 2
fi
