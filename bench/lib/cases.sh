# Sourced by bench/run.sh and bench/growth.sh: what the rows of cases.tsv
# mean, said once.

# is_write_mode MODE: is a case with verify mode MODE a write?  The writes
# are checked by the memberships they leave: a user's (state), a group's
# (gstate), a created group's (cstate); every other case is a read.
is_write_mode() { [[ $1 == state || $1 == gstate || $1 == cstate ]]; }
