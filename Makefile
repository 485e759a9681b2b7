# group_users: PGXS build
PG_CONFIG ?= pg_config

EXTENSION = group_users
MODULE_big = group_users
OBJS = \
	src/group_users.o \
	src/result_rows.o \
	src/args.o \
	src/json_writer.o \
	src/plan_cache.o \
	src/membership.o \
	src/memberships.o \
	src/user_groups.o \
	src/user_with_groups.o \
	src/index_read.o \
	src/tid_cache.o \
	src/direct_write.o

# Every released script is kept as shipped; the script of the current
# version is built from the first one and the upgrades, so that a fresh
# install and an upgraded one are the same by construction.
EXTVERSION = 1.3
UPGRADES = sql/group_users--1.0--1.1.sql sql/group_users--1.1--1.2.sql \
	sql/group_users--1.2--1.3.sql
DATA = sql/group_users--1.0.sql $(UPGRADES)
DATA_built = sql/group_users--$(EXTVERSION).sql

# pg_regress: SQL in test/sql, expected output in the top-level expected/
REGRESS = schema settings reads writes json bulk bad_input contexts direct direct_remove direct_add differential security upgrade memory result_rows
REGRESS_OPTS = --inputdir=test
# pg_isolation_regress: specs in test/specs, expected output in expected/
ISOLATION = add_membership_race set_race set_direct direct_reads remove_race upgrade_live
ISOLATION_OPTS = --inputdir=test --outputdir=.
# TAP (PostgreSQL::Test::Cluster); needs libipc-run-perl and a non-root user
TAP_TESTS = 1
PROVE_TESTS = test/t/*.pl

# Warnings are errors here; override with make WARNFLAGS= on other compilers.
# The server headers are system headers, so -Wextra judges our code only.
WARNFLAGS = -Wall -Wextra -Werror
PG_CFLAGS = $(WARNFLAGS)
PG_CPPFLAGS = -isystem $(shell $(PG_CONFIG) --includedir-server)

EXTRA_CLEAN = results output_iso tmp_check log regression.diffs regression.out

PGXS := $(shell $(PG_CONFIG) --pgxs)
include $(PGXS)

sql/group_users--$(EXTVERSION).sql: sql/group_users--1.0.sql $(UPGRADES)
	{ cat sql/group_users--1.0.sql; for f in $(UPGRADES); do sed '/^\\echo Use/d' $$f; done; } > $@

# The plain regression and isolation suites, without TAP (which needs its
# own clusters and a non-root user; see scripts/test.sh).
.PHONY: installcheck-sql installcheck-tap
installcheck-sql:
	$(pg_regress_installcheck) $(REGRESS_OPTS) $(REGRESS)
	$(pg_isolation_regress_installcheck) $(ISOLATION_OPTS) $(ISOLATION)

# The pg_regress tests' names (scripts/test.sh runs most of them twice)
.PHONY: print-regress
print-regress:
	@echo $(REGRESS)

# The TAP tests alone: they start their own clusters (run as a non-root user).
installcheck-tap:
	$(prove_installcheck)
