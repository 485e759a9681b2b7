# A streaming replica answers every read function with the primary's
# results after catch-up; every write function fails there with 25006 and
# a message naming it.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $primary = PostgreSQL::Test::Cluster->new('primary');
$primary->init(allows_streaming => 1);
$primary->start;
$primary->safe_psql('postgres', q{
CREATE EXTENSION group_users;
INSERT INTO group_users.users (username, email)
  SELECT 'user' || i, 'u' || i || '@example.com' FROM generate_series(1, 200) i;
INSERT INTO group_users.groups (name) SELECT 'group' || i FROM generate_series(1, 20) i;
SELECT count(*) FROM (SELECT group_users.add_memberships(u, ARRAY[1 + u % 20, 1 + (u * 7) % 20]::bigint[])
  FROM generate_series(1, 200) u) s;
});

$primary->backup('backup');
my $standby = PostgreSQL::Test::Cluster->new('standby');
$standby->init_from_backup($primary, 'backup', has_streaming => 1);
$standby->start;

# written after the base backup: reaches the standby by streaming
$primary->safe_psql('postgres', q{
SELECT group_users.create_group('streamed', '{1,2,3}', 'admin');
SELECT * FROM group_users.set_user_groups(4, '{1,21}');
});
$primary->wait_for_catchup($standby);

is($standby->safe_psql('postgres', 'SELECT pg_is_in_recovery()'), 't', 'standby is in recovery');

my %reads = (
	user_groups => 'SELECT json_agg(t) FROM group_users.user_groups(4) t',
	user_groups_paged => 'SELECT json_agg(t) FROM group_users.user_groups(4, 1, 1) t',
	group_members => 'SELECT json_agg(t) FROM group_users.group_members(21) t',
	is_member => 'SELECT group_users.is_member(4, 21), group_users.is_member(4, 2)',
	user_with_groups => 'SELECT group_users.user_with_groups(4)',
	group_with_users => 'SELECT group_users.group_with_users(21, false)',
	counts => 'SELECT group_users.count_user_groups(4), group_users.count_group_members(1)',
	all_any => 'SELECT group_users.is_member_of_all(4, \'{1,21}\'), group_users.is_member_of_any(4, \'{2,3}\')',
	users_with_groups => 'SELECT json_agg(d) FROM group_users.users_with_groups(\'{3,1,2,4}\') d',);

for my $name (sort keys %reads)
{
	my $on_primary = $primary->safe_psql('postgres', $reads{$name});
	my $on_standby = $standby->safe_psql('postgres', $reads{$name});
	isnt($on_primary, '', "$name answers on the primary");
	is($on_standby, $on_primary, "$name: the standby gives the primary's result");
}

my %writes = (
	add_membership => 'SELECT group_users.add_membership(1, 1)',
	remove_membership => 'SELECT group_users.remove_membership(1, 1)',
	add_memberships => 'SELECT group_users.add_memberships(1, \'{1}\')',
	remove_memberships => 'SELECT group_users.remove_memberships(1, \'{1}\')',
	set_user_groups => 'SELECT group_users.set_user_groups(1, \'{}\')',
	add_group_members => 'SELECT group_users.add_group_members(1, \'{1}\')',
	remove_group_members => 'SELECT group_users.remove_group_members(1, \'{1}\')',
	set_group_members => 'SELECT group_users.set_group_members(1, \'{}\')',
	create_group => 'SELECT group_users.create_group(\'x\')',);

for my $name (sort keys %writes)
{
	my ($ret, $stdout, $stderr) = $standby->psql('postgres',
		"\\set VERBOSITY verbose\n$writes{$name}");
	isnt($ret, 0, "$name fails on the standby");
	like($stderr, qr/ERROR:  25006: cannot execute \Q$name\E\(\) in a read-only transaction/,
		"$name: 25006 naming the function");
}

# and the standby follows later writes
$primary->safe_psql('postgres', 'SELECT group_users.remove_membership(4, 21)');
$primary->wait_for_catchup($standby);
is($standby->safe_psql('postgres', 'SELECT group_users.is_member(4, 21)'), 'f',
	'the standby follows a later remove');

$standby->stop;
$primary->stop;
done_testing();
