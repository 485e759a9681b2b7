# pg_dump / pg_restore (custom and plain formats) into new databases keep
# every row of every table, and the sequences: new users, groups and
# memberships can be created right after, with fresh ids.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $node = PostgreSQL::Test::Cluster->new('dump');
$node->init;
$node->start;

$node->safe_psql('postgres', 'CREATE DATABASE src');
$node->safe_psql('src', q{
CREATE EXTENSION group_users;
INSERT INTO group_users.users (username, email)
  SELECT 'user' || i, CASE WHEN i % 3 = 0 THEN NULL ELSE 'u' || i || '@example.com' END
    FROM generate_series(1, 500) i;
INSERT INTO group_users.groups (name) SELECT 'group' || i FROM generate_series(1, 50) i;
SELECT count(*) FROM (
  SELECT group_users.add_membership(u, 1 + (u * 7 + k) % 50, CASE WHEN k = 0 THEN 'admin' ELSE 'member' END)
    FROM generate_series(1, 500) u, generate_series(0, 4) k) s;
-- gaps at the end of the id ranges: the sequences are ahead of max(id)
DELETE FROM group_users.users WHERE id > 490;
DELETE FROM group_users.groups WHERE id > 45;
});

my $tables_sql = q{
SELECT 'users', md5(string_agg(u::text, ',' ORDER BY id)) FROM group_users.users u
UNION ALL
SELECT 'groups', md5(string_agg(g::text, ',' ORDER BY id)) FROM group_users.groups g
UNION ALL
SELECT 'group_users', md5(string_agg(m::text, ',' ORDER BY user_id, group_id)) FROM group_users.group_users m
UNION ALL
SELECT 'counts', (SELECT count(*) FROM group_users.users) || '/' ||
  (SELECT count(*) FROM group_users.groups) || '/' || (SELECT count(*) FROM group_users.group_users)
UNION ALL
SELECT 'json', md5(string_agg(group_users.user_with_groups(id)::text, ',' ORDER BY id)) FROM group_users.users
};
my $before = $node->safe_psql('src', $tables_sql);
like($before, qr{counts\|490/45/\d+}, 'source has its rows');

my $tmp = PostgreSQL::Test::Utils::tempdir;
my %formats = (
	custom => [ '-Fc', "$tmp/src.dump" ],
	plain => [ '-Fp', "$tmp/src.sql" ],);

for my $format (sort keys %formats)
{
	my ($flag, $file) = @{ $formats{$format} };
	my $db = "dst_$format";

	$node->command_ok(
		[ 'pg_dump', $flag, '-f', $file, '-d', $node->connstr('src') ],
		"pg_dump $format");
	$node->safe_psql('postgres', "CREATE DATABASE $db");
	if ($format eq 'custom')
	{
		$node->command_ok(
			[ 'pg_restore', '--exit-on-error', '-d', $node->connstr($db), $file ],
			"pg_restore $format");
	}
	else
	{
		$node->command_ok(
			[ 'psql', '-X', '-v', 'ON_ERROR_STOP=1', '-q', '-d', $node->connstr($db), '-f', $file ],
			"psql restore of $format");
	}

	is($node->safe_psql($db, $tables_sql), $before,
		"$format: every row of every table is back");

	# the sequences were restored: new rows get ids past the old ones
	is($node->safe_psql($db, q{
		INSERT INTO group_users.users (username) VALUES ('new user') RETURNING id}),
		'501', "$format: next user id follows the source's sequence");
	is($node->safe_psql($db, q{
		INSERT INTO group_users.groups (name) VALUES ('new group') RETURNING id}),
		'51', "$format: next group id follows the source's sequence");
	is($node->safe_psql($db, q{
		SELECT group_users.add_membership(501, 51, 'admin'),
		       group_users.add_membership(501, 1),
		       group_users.add_membership(1, 51)}),
		't|t|t', "$format: new memberships can be added");
	is($node->safe_psql($db, q{
		SELECT string_agg(id::text, ',' ORDER BY id) FROM group_users.user_groups(501)}),
		'1,51', "$format: and read back");
}

$node->stop;
done_testing();
