# With group_users in shared_preload_libraries, the row locations (heap
# TIDs) of users and groups are kept in shared memory for every session
# (group_users.shared_tid_cache): a row one session read is fetched at its
# TID by the next session, without a primary-key descent.  They are hints
# only: whatever other sessions did to the rows since, in whichever
# database, and however small the table of locations, the direct reads give
# what the SPI statements give.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $node = PostgreSQL::Test::Cluster->new('shared_tids');
$node->init;
$node->append_conf('postgresql.conf', qq{
shared_preload_libraries = 'group_users'
group_users.shared_tid_cache = '4MB'
});
$node->start;

my $setup = q{
CREATE EXTENSION group_users;
INSERT INTO group_users.users (id, username)
  SELECT i, :'prefix' || 'user' || i FROM generate_series(1, 300) i;
INSERT INTO group_users.groups (id, name)
  SELECT i, :'prefix' || 'group' || i FROM generate_series(1, 30) i;
INSERT INTO group_users.group_users (user_id, group_id, role)
  SELECT u, g, 'r' || (u + g) % 3 FROM generate_series(1, 300) u,
         generate_series(1, 30) g WHERE (u * g) % 7 = 1;
};
$node->safe_psql('postgres', "\\set prefix ''\n$setup");
$node->safe_psql('postgres', 'CREATE DATABASE other');
# the same ids in another database, other rows
$node->safe_psql('other', "\\set prefix 'other-'\n$setup");

is($node->safe_psql('postgres', 'SHOW group_users.shared_tid_cache'), '4MB',
	'the setting exists once preloaded');
is( $node->safe_psql(
		'postgres',
		q{SELECT size BETWEEN 4 * 1024 * 1024 AND 4 * 1024 * 1024 + 1024
		    FROM pg_shmem_allocations WHERE name = 'group_users row locations'}),
	't',
	'4MB of shared memory are allocated');

# Every direct read of every user and group, as one text; and the same
# through SPI (direct_reads off), which never uses the locations
my $reads = q{
SELECT string_agg(r, E'\n' ORDER BY k) FROM (
  SELECT 'u' || i AS k, concat_ws(' ', group_users.user_with_groups(i),
         group_users.count_user_groups(i),
         (SELECT json_agg(t) FROM group_users.user_groups(i) t)) AS r
    FROM generate_series(1, 310) i
  UNION ALL
  SELECT 'g' || i, concat_ws(' ', group_users.group_with_users(i),
         group_users.count_group_members(i),
         (SELECT json_agg(t) FROM group_users.group_members(i) t))
    FROM generate_series(1, 32) i) s;
};
sub compare
{
	my ($db, $name) = @_;
	my $direct = $node->safe_psql($db, $reads);
	my $spi = $node->safe_psql($db, "SET group_users.direct_reads = off;\n$reads");
	isnt($direct, '', "$name: the reads answer");
	is($direct, $spi, "$name: direct reads give what SPI gives");
}

# The primary-key descents of one session's reads of every user and group
# (the index scan counts not yet reported, taken before and after: they
# may hold the session's earlier statements too)
sub descents
{
	my ($db, $settings, $users) = @_;
	$users //= 300;
	return $node->safe_psql(
		$db, qq{
$settings
CREATE TEMP VIEW descents AS
  SELECT pg_stat_get_xact_numscans('group_users.users_pkey'::regclass)
       + pg_stat_get_xact_numscans('group_users.groups_pkey'::regclass) AS n;
BEGIN;
SELECT n AS before FROM descents \\gset
SELECT count(group_users.user_with_groups(i)) FROM generate_series(1, $users) i;
SELECT count(group_users.group_with_users(i)) FROM generate_series(1, 30) i;
SELECT n - :before FROM descents;
COMMIT;
});
}

# one session reads every row: each is found by a descent, and remembered
my ($count_u, $count_g, $first) = split /\n/, descents('postgres', '');
is("$count_u $count_g", '300 30', 'every user and group read');
cmp_ok($first, '>=', 330, 'the first session descends for every row');
# the next sessions find them at their TIDs (where the 30 groups' run of
# buckets falls on the users', each keeps a slot of the four)
my (undef, undef, $second) = split /\n/, descents('postgres', '');
is($second, '0', 'the next session finds the rows without descents');
# ... unless its own setting turns the locations off
my (undef, undef, $off) = split /\n/,
  descents('postgres', 'SET group_users.tid_cache = 0;');
cmp_ok($off, '>=', 330, 'group_users.tid_cache = 0 turns them off for a session');
# the same ids in another database are other rows: nothing is shared
my (undef, undef, $other) = split /\n/, descents('other', '');
cmp_ok($other, '>=', 330, 'another database has its own locations');
compare('postgres', 'remembered');
compare('other', 'the other database');

# Another session changes the rows that were remembered: new versions
# (username is indexed: not HOT), HOT updates, rows deleted and made again
# under their ids, TIDs freed by VACUUM and taken by new rows
$node->safe_psql(
	'postgres', q{
UPDATE group_users.users SET username = username || '~' WHERE id % 3 = 0;
UPDATE group_users.users SET email = 'hot' || id WHERE id % 5 = 0;
UPDATE group_users.groups SET name = name || '*' WHERE id % 4 = 0;
DELETE FROM group_users.users WHERE id BETWEEN 100 AND 140;
VACUUM group_users.users, group_users.group_users;
INSERT INTO group_users.users (id, username)
  SELECT i, 'again' || i FROM generate_series(100, 120) i;
INSERT INTO group_users.group_users (user_id, group_id)
  SELECT i, 1 + i % 30 FROM generate_series(100, 120) i;
DELETE FROM group_users.groups WHERE id = 7;
INSERT INTO group_users.groups (id, name) VALUES (7, 'seven again');
});
compare('postgres', 'rows changed by another session');

# TRUNCATE gives the tables new storage: the old locations point nowhere
$node->safe_psql(
	'postgres', q{
TRUNCATE group_users.users, group_users.groups CASCADE;
INSERT INTO group_users.users (id, username)
  SELECT i, 'new' || i FROM generate_series(300, 1, -1) i;
INSERT INTO group_users.groups (id, name)
  SELECT i, 'new' || i FROM generate_series(30, 1, -1) i;
INSERT INTO group_users.group_users (user_id, group_id)
  SELECT u, 1 + u % 30 FROM generate_series(1, 300) u;
});
compare('postgres', 'truncated and filled again');

# The smallest table (16kB: 512 buckets of four slots), and 256kB of shared
# buffers, so that pages leave the buffers they were remembered in
$node->append_conf('postgresql.conf', qq{
group_users.shared_tid_cache = '16kB'
shared_buffers = '256kB'
});
$node->restart;
is( $node->safe_psql(
		'postgres',
		q{SELECT size BETWEEN 16384 AND 16384 + 1024 FROM pg_shmem_allocations
		   WHERE name = 'group_users row locations'}),
	't',
	'16kB of shared memory are allocated');
# a run of 512 ids takes all 512 buckets: users 1-1535, three runs, and
# groups 1-30 put up to four ids in each bucket; with two slots a bucket,
# they would keep taking each other's
$node->safe_psql(
	'postgres', q{
INSERT INTO group_users.users (id, username)
  SELECT i, 'more' || i FROM generate_series(301, 1535) i;
INSERT INTO group_users.group_users (user_id, group_id)
  SELECT u, 1 + u % 30 FROM generate_series(301, 1535) u;
});
my (undef, undef, $fill) = split /\n/, descents('postgres', '', 1535);
my (undef, undef, $shared) = split /\n/, descents('postgres', '', 1535);
diag("descents in 512 buckets: first $fill, second $shared");
cmp_ok($fill, '>=', 1565, '512 buckets: the first session descends for every row');
is($shared, '0', '512 buckets: four runs of ids share them without descents');
# then 3,000 users: ids keep taking each other's slots, and the rows read
# keep pushing each other's pages out of the buffers
my $evicted = q{SELECT heap_blks_read FROM pg_statio_user_tables
                 WHERE relid = 'group_users.users'::regclass};
my $read_before = $node->safe_psql('postgres', $evicted);
$node->safe_psql(
	'postgres', q{
INSERT INTO group_users.users (id, username)
  SELECT i, 'more' || i FROM generate_series(1536, 3000) i;
INSERT INTO group_users.groups (id, name) VALUES (31, 'big');
INSERT INTO group_users.group_users (user_id, group_id)
  SELECT u, 31 FROM generate_series(1, 3000, 2) u;
});
$node->safe_psql('postgres',
	'SELECT count(group_users.user_with_groups(i)) FROM generate_series(1, 3000) i');
compare('postgres', 'a table of 2048 slots');
# (the sessions' statistics reach the view once they have ended)
ok( $node->poll_query_until('postgres',
		"SELECT ($evicted) > $read_before + 100"),
	'256kB of buffers: users pages were read again, from out of the buffers');
is( $node->safe_psql(
		'postgres', q{
SELECT count(*) FILTER (WHERE u.username IS DISTINCT FROM m.username)
  FROM group_users.group_members(31) m
  LEFT JOIN group_users.users u ON u.id = m.id}),
	'0',
	'the big group: every member as the table has it');

# less than one run's buckets (16kB) could not be used: refused, with what
# it takes, rather than silently not sharing (an extension's setting in
# the file: PostgreSQL warns and keeps the default)
$node->append_conf('postgresql.conf', "group_users.shared_tid_cache = '8kB'");
$node->restart;
like(
	slurp_file($node->logfile),
	qr/invalid value for parameter "group_users.shared_tid_cache": 8.*\n.*is 0 \(off\) or at least 16kB/,
	'8kB: refused, saying what it takes');
is( $node->safe_psql(
		'postgres',
		q{SELECT current_setting('group_users.shared_tid_cache'), count(*)
		    FROM pg_shmem_allocations WHERE name = 'group_users row locations'}),
	'32MB|1',
	'8kB: the default is kept, and the locations are shared');

# 0: no shared memory, each session keeps its own
$node->append_conf('postgresql.conf', "group_users.shared_tid_cache = 0");
$node->restart;
is( $node->safe_psql(
		'postgres',
		q{SELECT count(*) FROM pg_shmem_allocations
		   WHERE name = 'group_users row locations'}),
	'0',
	'0: no shared memory');
# a session finds again what it read itself (the reads made once before,
# in the same session, ahead of the counted ones) ...
my $again = (split /\n/, descents('postgres', q{
SELECT count(group_users.user_with_groups(i)) FROM generate_series(1, 300) i;
SELECT count(group_users.group_with_users(i)) FROM generate_series(1, 30) i;
}))[-1];
cmp_ok($again, '<=', 30, '0: a session finds the rows it read before');
# ... but a new session does not find what another read
my $local = (split /\n/, descents('postgres', ''))[-1];
diag("descents with each session's own: again $again, new session $local");
cmp_ok($local, '>=', 330, '0: a new session does not find what another read');
compare('postgres', 'each session its own');

$node->stop;
done_testing();
