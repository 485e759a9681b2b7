# SQLsmith (Debian package sqlsmith) sends a bounded stream of random
# queries to a database with the extension: no server process may crash,
# and since SQLsmith rolls back every statement, no row may change.
#
# SQLsmith calls only scalar functions, picked among some 3,000 in
# pg_catalog, and queries only the tables it finds.  So that its random
# joins, lateral subqueries, window functions and CASE arms run our
# functions too (the set-returning ones included), the database holds
# views over every read and write function in a schema of its own, and the
# run uses --exclude-catalog: the fuzzer's tables are ours and these views.
#
#   GU_SQLSMITH_QUERIES=N  (default 10000)   GU_SQLSMITH_SEED=N (default 1)
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use IPC::Run;

my $queries = $ENV{GU_SQLSMITH_QUERIES} // 10000;
my $seed = $ENV{GU_SQLSMITH_SEED} // 1;

my ($sqlsmith) = grep { -x } map { "$_/sqlsmith" } split /:/, $ENV{PATH};
ok(defined $sqlsmith, 'sqlsmith is installed (scripts/deps.sh installs it)')
  or BAIL_OUT('sqlsmith is missing');

my $node = PostgreSQL::Test::Cluster->new('sqlsmith');
$node->init;
# errors are the fuzzer's daily bread: keep them out of the log, keep LOG
# lines such as "server process ... was terminated by signal"
$node->append_conf('postgresql.conf', qq{
log_statement = none
log_min_messages = log
log_min_error_statement = panic
track_functions = all
});
$node->start;
$node->safe_psql('postgres', q{
CREATE EXTENSION group_users;
INSERT INTO group_users.users (username, email)
  SELECT 'user' || i, 'u' || i || '@example.com' FROM generate_series(1, 300) i;
INSERT INTO group_users.groups (name) SELECT 'group' || i FROM generate_series(1, 30) i;
SELECT count(*) FROM (SELECT group_users.add_memberships(u, ARRAY[1 + u % 30, 1 + (u * 7) % 30]::bigint[], 'member')
  FROM generate_series(1, 300) u) s;
SELECT group_users.create_group('big', ARRAY(SELECT generate_series(1, 300))::bigint[], 'admin');

CREATE ROLE fuzz LOGIN;
GRANT USAGE ON SCHEMA group_users TO fuzz;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA group_users TO fuzz;

-- every function in a view: SQLsmith reads these like tables
CREATE SCHEMA fuzz AUTHORIZATION fuzz;
SET ROLE fuzz;
CREATE VIEW fuzz.user_groups_v AS
  SELECT u.id AS uid, g.* FROM group_users.users u, group_users.user_groups(u.id) g;
CREATE VIEW fuzz.user_groups_paged_v AS
  SELECT u.id AS uid, p.n, g.* FROM group_users.users u, generate_series(0, 3) p(n),
    group_users.user_groups(u.id, p.n, p.n) g;
CREATE VIEW fuzz.group_members_v AS
  SELECT gr.id AS gid, m.* FROM group_users.groups gr, group_users.group_members(gr.id) m;
CREATE VIEW fuzz.group_members_paged_v AS
  SELECT gr.id AS gid, p.n, m.* FROM group_users.groups gr, generate_series(0, 50, 7) p(n),
    group_users.group_members(gr.id, p.n * 3, p.n) m;
CREATE VIEW fuzz.json_v AS
  SELECT u.id, group_users.user_with_groups(u.id) AS uj,
         group_users.user_with_groups(u.id, false) AS uj_plain,
         group_users.group_with_users(u.id % 40) AS gj,
         group_users.count_user_groups(u.id) AS ucount,
         group_users.count_group_members(u.id % 40) AS gcount
  FROM group_users.users u;
CREATE VIEW fuzz.users_with_groups_v AS
  SELECT g.id AS gid, d FROM group_users.groups g,
    group_users.users_with_groups(ARRAY[g.id, g.id * 10, 0, -1, g.id * 10 + 1]) d;
CREATE VIEW fuzz.is_member_v AS
  SELECT u.id AS uid, g.id AS gid, group_users.is_member(u.id, g.id) AS member,
         group_users.is_member_of_all(u.id, ARRAY[g.id, 1]) AS member_all,
         group_users.is_member_of_any(u.id, ARRAY[g.id, 2, 3]) AS member_any
  FROM group_users.users u, group_users.groups g;
CREATE VIEW fuzz.writes_v AS
  SELECT u, g,
         group_users.add_membership(u, g, 'fuzzer') AS added,
         group_users.remove_membership(u, g + 1) AS removed,
         group_users.add_memberships(u, ARRAY[g, g + 2]) AS added_n,
         group_users.remove_memberships(u, ARRAY[g + 3]) AS removed_n,
         group_users.add_group_members(g, ARRAY[u, u + 1]) AS gadded_n,
         group_users.remove_group_members(g, ARRAY[u + 2]) AS gremoved_n
  FROM generate_series(1, 6) u, generate_series(1, 4) g;
CREATE VIEW fuzz.sets_v AS
  SELECT u, s.added, s.removed, m.added AS madded, m.removed AS mremoved,
         group_users.create_group('fuzz' || u, ARRAY[u, u + 5]) AS new_group
  FROM generate_series(1, 5) u,
       group_users.set_user_groups(u, ARRAY[u, 2 * u, 3 * u]) s,
       group_users.set_group_members(u, ARRAY[u, u + 50]) m;
RESET ROLE;
});

# SQLsmith rolls back every statement: afterwards, the tables are as now
my $checksum = q{
SELECT md5(string_agg(t, ',' ORDER BY t)) FROM (
  SELECT 'u' || id || username || coalesce(email, '') || created_at AS t FROM group_users.users
  UNION ALL SELECT 'g' || id || name || created_at FROM group_users.groups
  UNION ALL SELECT 'm' || user_id || ':' || group_id || role || created_at FROM group_users.group_users) s};
my $before = $node->safe_psql('postgres', $checksum);
$node->safe_psql('postgres', 'SELECT pg_stat_reset()');    # count the run's calls only

my $connstr = $node->connstr('postgres') . ' user=fuzz';
my $queries_file = "$PostgreSQL::Test::Utils::tmp_check/sqlsmith_queries.sql";
my $err_file = "$PostgreSQL::Test::Utils::tmp_check/sqlsmith_stderr.txt";
my @cmd = ($sqlsmith, "--target=$connstr", "--seed=$seed",
	"--max-queries=$queries", '--exclude-catalog', '--dump-all-queries', '--verbose');
note(join(' ', @cmd));
# A crashed server would leave SQLsmith reconnecting forever: watch the
# log and stop it at the first sign of a crash.
my $crash = qr/was terminated by signal|terminated by exception|PANIC|server process .* exited with exit code [^0]/;
my $h = IPC::Run::start(\@cmd, '>', $queries_file, '2>', $err_file,
	IPC::Run::timeout($PostgreSQL::Test::Utils::timeout_default * 5));
while ($h->pumpable)
{
	$h->pump_nb;
	if (slurp_file($node->logfile) =~ $crash)
	{
		$h->kill_kill;
		last;
	}
	select(undef, undef, undef, 0.2);
}
my $ok = $h->finish;
my $out = slurp_file($queries_file);
my $err = slurp_file($err_file);
my $log = slurp_file($node->logfile);
unlike($log, $crash, 'no server process crashed')
  or BAIL_OUT('the server crashed: ' . join("\n", grep { /$crash/ } split /\n/, $log));
ok($ok, "sqlsmith ran $queries queries and exited 0");
unlike($err, qr/recovery mode|terminating connection because of crash/,
	'sqlsmith never saw the server in recovery');
my ($rate) = $err =~ /error rate: ([0-9.]+)/;
note('sqlsmith error rate: ' . ($rate // '?'));

# which of our functions the generated queries named, directly or through
# a view; and how many calls of them actually ran (pg_stat_user_functions)
my $direct = () = $out =~ /group_users\.[a-z_]+\(/g;
my $viewed = () = $out =~ /fuzz\.[a-z_]+_v\b/g;
note("queries naming our functions: $direct; naming our views: $viewed");
cmp_ok($viewed, '>=', $queries / 20, 'the fuzzer queried the function views');

is($node->safe_psql('postgres', 'SELECT 1'), '1', 'the server still answers');

is($node->safe_psql('postgres', $checksum), $before, 'every table is as before the run');

# the backends' statistics reach the shared ones when they exit
$node->poll_query_until('postgres',
	q{SELECT sum(calls) > 0 FROM pg_stat_user_functions WHERE schemaname = 'group_users'});
my $calls = $node->safe_psql('postgres', q{
SELECT sum(calls) || ' calls of ' || count(*) || ' functions: '
       || string_agg(funcname || ' ' || calls, ', ' ORDER BY calls DESC)
FROM pg_stat_user_functions WHERE schemaname = 'group_users'});
note("completed calls of our functions during the run: $calls");
my ($ncalls, $nfuncs) = $calls =~ /^(\d+) calls of (\d+) functions/;
my $ours = $node->safe_psql('postgres',
	q{SELECT count(*) FROM pg_proc WHERE pronamespace = 'group_users'::regnamespace});
is($nfuncs, $ours, "the run completed calls of every one of our $ours functions");

done_testing();
