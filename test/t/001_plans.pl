# The plans SPI actually runs, on a dataset with statistics: every statement
# of every function is index probes; never a sequential scan, never a hash
# join (a page of ten groups must not read the whole groups table).
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $node = PostgreSQL::Test::Cluster->new('plans');
$node->init;
$node->start;

$node->safe_psql('postgres', q{
CREATE EXTENSION group_users;
INSERT INTO group_users.users (username)
  SELECT 'user' || i FROM generate_series(1, 20000) i;
INSERT INTO group_users.groups (name)
  SELECT 'group' || i FROM generate_series(1, 2000) i;
-- ten groups per user, and one big group holding every user
INSERT INTO group_users.group_users (user_id, group_id)
  SELECT u, 1 + (u * 7 + k * 197) % 1999 FROM generate_series(1, 20000) u,
         generate_series(1, 10) k
  ON CONFLICT DO NOTHING;
INSERT INTO group_users.group_users (user_id, group_id)
  SELECT u, 2000 FROM generate_series(1, 20000) u;
VACUUM ANALYZE group_users.users, group_users.groups, group_users.group_users;
});

my @calls = (
	'SELECT count(*) FROM group_users.user_groups(5)',
	'SELECT count(*) FROM group_users.user_groups(5, 100, 3)',
	'SELECT count(*) FROM group_users.group_members(7)',
	'SELECT count(*) FROM group_users.group_members(2000)',
	'SELECT count(*) FROM group_users.group_members(2000, 10000, 10)',
	'SELECT group_users.is_member(5, 2000)',
	'SELECT length(group_users.user_with_groups(5)::text)',
	'SELECT length(group_users.group_with_users(7)::text)',
	'SELECT length(group_users.group_with_users(2000)::text)',
	'SELECT group_users.add_membership(5, 1)',
	'SELECT group_users.add_membership(5, 1, \'admin\')',
	'SELECT group_users.remove_membership(5, 1)',
	'SELECT group_users.count_user_groups(5)',
	'SELECT group_users.count_group_members(7)',
	'SELECT group_users.is_member_of_all(5, \'{1,2,2000}\')',
	'SELECT group_users.is_member_of_any(5, \'{1,2,2000}\')',
	'SELECT count(*) FROM group_users.users_with_groups(\'{9,5,7,100}\')',
	'SELECT group_users.add_memberships(5, \'{1,2,3}\', \'admin\')',
	'SELECT group_users.remove_memberships(5, \'{1,2}\')',
	'SELECT count(*) FROM group_users.set_user_groups(5, \'{3,4,2000}\')',
	'SELECT group_users.add_group_members(7, \'{1,2,3}\')',
	'SELECT group_users.remove_group_members(7, \'{1,2}\')',
	'SELECT count(*) FROM group_users.set_group_members(7, \'{3,4}\')',
	'SELECT group_users.create_group(\'new\', \'{1,2}\')',);

# Each call twice: the second run uses the kept plan.  The thin reads, the
# adds and the removes run their statements only when the direct path steps
# aside (see below).
my $sql = join("\n",
	'SET group_users.direct_reads = off;',
	'SET group_users.direct_inserts = off;',
	'SET group_users.direct_deletes = off;',
	"LOAD 'auto_explain';",
	'SET auto_explain.log_min_duration = 0;',
	'SET auto_explain.log_nested_statements = on;',
	'SET auto_explain.log_level = notice;',
	map { ("$_;", "$_;") } @calls);
my ($stdout, $stderr);
$node->psql('postgres', $sql, stdout => \$stdout, stderr => \$stderr,
	on_error_die => 1);

# One plan per statement run inside a function: split on "Query Text:"
my %plans;
for my $chunk (split /Query Text: /, $stderr)
{
	next unless $chunk =~ /^(SELECT|INSERT|UPDATE|DELETE)\b.*group_users\.(?:users|groups|group_users)\b/;
	next if $chunk =~ /^SELECT (count\(\*\) FROM group_users\.[a-z_]+\(|length|group_users\.)/;
	my ($text) = $chunk =~ /^([^\n]*)/;
	$plans{$text} .= $chunk;
}

# every statement of the extension: 10 of 1.0, 14 of 1.1
is(scalar(keys %plans), 24, 'saw the plan of every statement');
for my $text (sort keys %plans)
{
	my $plan = $plans{$text};
	my $short = substr($text, 0, 60);
	unlike($plan, qr/Seq Scan/, "no sequential scan: $short");
	unlike($plan, qr/Hash Join|Merge Join/, "no hash or merge join: $short");
	like($plan, qr/Index|Result|Function Scan on unnest/, "index probes: $short");
}

# the join side is probed by primary key for the list statements
for my $text (grep { /CROSS JOIN LATERAL/ } keys %plans)
{
	like($plans{$text}, qr/Index (Only )?Scan using (users|groups)_pkey/,
		'primary key probes: ' . substr($text, 0, 60));
}

# With direct reads on (the default), the thin reads (is_member_of_all and
# is_member_of_any among them) and the two JSON documents run no statement
# at all; under row-level security, or for a
# role with column grants only, they run theirs (a document's two parts
# decide each on its own).
my @thin = (
	'SELECT count(*) FROM group_users.user_groups(5)',
	'SELECT count(*) FROM group_users.group_members(2000, 10000, 10)',
	'SELECT group_users.is_member(5, 2000)',
	'SELECT group_users.is_member_of_all(5, \'{1,2,2000}\')',
	'SELECT group_users.is_member_of_any(5, \'{1,2,2000}\')',
	'SELECT group_users.count_user_groups(5)',
	'SELECT group_users.count_group_members(7)',
	'SELECT length(group_users.user_with_groups(5)::text)',
	'SELECT length(group_users.group_with_users(7, false)::text)',);
sub nested_plans
{
	my ($setup) = @_;
	my ($out, $err);
	$node->psql('postgres',
		join("\n", "LOAD 'auto_explain';",
			'SET auto_explain.log_min_duration = 0;',
			'SET auto_explain.log_nested_statements = on;',
			'SET auto_explain.log_level = notice;',
			$setup, map { "$_;" } @thin),
		stdout => \$out, stderr => \$err, on_error_die => 1);
	my @nested = grep { /^SELECT\b.*\bFROM group_users\.(users|groups|group_users)\b/ }
	  split /Query Text: /, $err;
	return scalar(@nested);
}
$node->safe_psql('postgres', q{
CREATE ROLE reader;
GRANT USAGE ON SCHEMA group_users TO reader;
GRANT SELECT ON ALL TABLES IN SCHEMA group_users TO reader;
CREATE ROLE column_reader;
GRANT USAGE ON SCHEMA group_users TO column_reader;
GRANT SELECT ON group_users.group_users TO column_reader;
GRANT SELECT (id, name, created_at, updated_at) ON group_users.groups TO column_reader;
GRANT SELECT (id, username, email, created_at, updated_at) ON group_users.users TO column_reader;
});
is(nested_plans(''), 0, 'direct reads: the thin reads run no statement');
is(nested_plans('SET ROLE reader;'), 0, 'direct reads for a read-only app role');
# is_member and is_member_of_* read only the join table, on which this
# role has a table grant
is(nested_plans('SET ROLE column_reader;'), 8, 'column grants only on users and groups: their statements run');
is(nested_plans('SET group_users.direct_reads = off;'), 11, 'direct_reads off: the statements run');
$node->safe_psql('postgres', q{
ALTER TABLE group_users.groups ENABLE ROW LEVEL SECURITY;
CREATE POLICY everything ON group_users.groups TO reader USING (true);
});
# user_groups and count_user_groups read groups; a document reads both
# tables, and goes direct for both of its parts or for neither: both
# documents run their two statements
is(nested_plans('SET ROLE reader;'), 6, 'RLS on groups: the statements reading groups run');
is(nested_plans(''), 0, 'the owner, to whom the policy does not apply: direct');

# Removes: remove_membership, the group-side removes and a user's set
# delete directly (no statement) unless something else acts on a delete: a
# DELETE trigger here, or group_users.direct_deletes = off.
sub delete_statements
{
	my ($setup) = @_;
	my ($out, $err);
	$node->psql('postgres',
		join("\n", 'BEGIN;', "LOAD 'auto_explain';",
			'SET auto_explain.log_min_duration = 0;',
			'SET auto_explain.log_nested_statements = on;',
			'SET auto_explain.log_level = notice;',
			$setup,
			'SELECT group_users.remove_membership(5, 2000);',
			'SELECT group_users.remove_membership(6, 2000);',
			'SELECT group_users.remove_group_members(2000, \'{7,8,9}\');',
			'SELECT * FROM group_users.set_user_groups(10, \'{268,1}\');',
			'ROLLBACK;'),
		stdout => \$out, stderr => \$err, on_error_die => 1);
	return scalar(grep { /^DELETE FROM group_users\.group_users/ }
		  split /Query Text: /, $err);
}
is(delete_statements(''), 0, 'direct deletes: the removes run no statement');
is(delete_statements('SET group_users.direct_deletes = off;'), 6,
	'direct_deletes off: one DELETE statement per removed pair, one for the set');
$node->safe_psql('postgres', q{
CREATE FUNCTION public.noop() RETURNS trigger LANGUAGE plpgsql AS 'BEGIN RETURN OLD; END';
CREATE TRIGGER noop BEFORE DELETE ON group_users.group_users
  FOR EACH ROW EXECUTE FUNCTION public.noop();
});
is(delete_statements(''), 6, 'a DELETE trigger: the statements run, and it fires');
$node->safe_psql('postgres', 'DROP TRIGGER noop ON group_users.group_users');

# Adds: add_membership and the adds of the bulk writes insert directly: no
# INSERT statement, and none of the foreign keys' checks ("SELECT 1 FROM
# ONLY ... FOR KEY SHARE OF x", one per key and row), unless something
# else acts on an insert: an INSERT trigger here, or
# group_users.direct_inserts = off.  Returns "INSERTs/checks".
sub insert_statements
{
	my ($setup, $begin) = @_;
	my ($out, $err);
	$node->psql('postgres',
		join("\n", $begin // 'BEGIN;', "LOAD 'auto_explain';",
			'SET auto_explain.log_min_duration = 0;',
			'SET auto_explain.log_nested_statements = on;',
			'SET auto_explain.log_level = notice;',
			$setup,
			'SELECT group_users.add_membership(12001, 1500);',
			'SELECT group_users.add_membership(12002, 1500, \'admin\');',
			'SELECT group_users.add_group_members(1500, \'{12003,12004,12005}\');',
			'SELECT group_users.add_memberships(12006, \'{1500,1501}\');',
			'SELECT * FROM group_users.set_user_groups(12007, \'{1500,1501,1502}\');',
			'ROLLBACK;'),
		stdout => \$out, stderr => \$err, on_error_die => 1);
	my @texts = split /Query Text: /, $err;
	return scalar(grep { /^INSERT INTO group_users\.group_users/ } @texts) . '/'
	  . scalar(grep { /FOR KEY SHARE OF x/ } @texts);
}
# none of these pairs exists: 2 + 3 + 2 + 3 rows, each with two checks
is($node->safe_psql('postgres',
		'SELECT count(*) FROM group_users.group_users WHERE group_id BETWEEN 1500 AND 1502 '
		  . 'AND user_id BETWEEN 12001 AND 12007'),
	0, 'the pairs the adds add are new');
# before 14 the adds always run their statements
my $direct_adds = $node->safe_psql('postgres', 'SHOW server_version_num') >= 140000;
is(insert_statements(''), $direct_adds ? '0/0' : '7/20',
	'direct adds: no INSERT, no foreign-key check statement');
is(insert_statements('SET group_users.direct_inserts = off;'), '7/20',
	'direct_inserts off: the INSERT statements (the user side set-based) and their checks');
$node->safe_psql('postgres', q{
CREATE FUNCTION public.keep() RETURNS trigger LANGUAGE plpgsql AS 'BEGIN RETURN NEW; END';
CREATE TRIGGER keep BEFORE INSERT ON group_users.group_users
  FOR EACH ROW EXECUTE FUNCTION public.keep();
});
is(insert_statements(''), '7/20', 'an INSERT trigger: the statements run, and it fires');
$node->safe_psql('postgres', 'DROP TRIGGER keep ON group_users.group_users');
is(insert_statements('', 'BEGIN ISOLATION LEVEL REPEATABLE READ;'), '7/20',
	'REPEATABLE READ: the statements');

# A table inheriting from the join table: the statements (no ONLY) read and
# delete its rows too, so every read and remove runs its statement, until
# an ANALYZE finds the parent without children again
$node->safe_psql('postgres',
	'CREATE TABLE public.more_members () INHERITS (group_users.group_users)');
is(nested_plans(''), 11, 'a child of the join table: the reads run their statements');
is(delete_statements(''), 6, 'a child of the join table: the removes run their statements');
$node->safe_psql('postgres', 'DROP TABLE public.more_members');
is(nested_plans(''), 11, 'child dropped, parent not analyzed: still the statements');
$node->safe_psql('postgres', 'ANALYZE group_users.group_users');
is(nested_plans(''), 0, 'after ANALYZE: direct reads again');
is(delete_statements(''), 0, 'after ANALYZE: direct deletes again');

$node->stop;
done_testing();
