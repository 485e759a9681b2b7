#!/usr/bin/env bash
# Installs what building and testing group_users needs, on Debian 12:
# PostgreSQL 15 with its headers and PGXS, IPC::Run for the TAP tests and
# SQLsmith for the fuzzing one (test/t/006_sqlsmith.pl), curl and xz for
# fetching other versions' headers (scripts/check_versions.sh).
# Does nothing when everything is there already.
set -euo pipefail

packages=(postgresql-15 postgresql-server-dev-15 libipc-run-perl make gcc sqlsmith curl xz-utils)

missing=()
for p in "${packages[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
		missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

as_root=()
if [ "$(id -u)" -ne 0 ]; then
	command -v sudo >/dev/null || { echo "deps.sh: run as root to install: ${missing[*]}" >&2; exit 1; }
	as_root=(sudo)
fi
echo "deps.sh: installing ${missing[*]}"
"${as_root[@]}" apt-get update -qq
"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive \
	apt-get install -y -qq "${missing[@]}" >/dev/null
