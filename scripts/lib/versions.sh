# Sourced by scripts/check_versions.sh, test_other_version.sh and
# pgindent.sh: the PostgreSQL versions other than Debian 12's 15 that the
# code is checked against, and the Debian suite that ships each (14 and 16
# were never in a Debian release).
declare -A debian_suite=([13]=bullseye [17]=trixie [18]=forky)
# debootstrap's script for a suite: testing is known to it as sid
debootstrap_script() { [ "$1" = forky ] && echo sid || echo "$1"; }
other_versions=(13 17 18)
