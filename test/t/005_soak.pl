# A bounded soak: 16 concurrent clients, each running a seeded stream of
# reads, adds, removes and sets; some on hot shared users and groups, some
# on its own user.  Afterwards: no duplicate or orphan row; every client's
# own user holds exactly the state its stream implies; every count agrees
# with the table; the only errors are the documented ones it provoked.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use IPC::Run;
use Time::HiRes qw(time);

my $clients = 16;
my $steps = 3000;    # per client
my $hot_users = 3;    # users 1..3, in hot groups 1..10 only
my $hot_groups = 10;
my $own_groups = 40;    # groups 11..50, for the clients' own users
my $missing = 999999;    # provokes the documented 23503

my $node = PostgreSQL::Test::Cluster->new('soak');
$node->init;
$node->append_conf('postgresql.conf', "max_connections = 40\n");
$node->start;
$node->safe_psql('postgres', qq{
CREATE EXTENSION group_users;
INSERT INTO group_users.users (id, username)
  SELECT i, 'user' || i FROM generate_series(1, 100) i;
INSERT INTO group_users.groups (id, name)
  SELECT i, 'group' || i FROM generate_series(1, @{[ $hot_groups + $own_groups ]}) i;
});

srand(20171117);
sub pick { my @a = @_; return $a[ int(rand(@a)) ]; }
sub some_ids
{
	my ($lo, $hi, $max) = @_;
	return map { $lo + int(rand($hi - $lo + 1)) } 1 .. int(rand($max + 1));
}
sub arr { return "'{" . join(',', @_) . "}'"; }

my (@scripts, @expected);
for my $c (1 .. $clients)
{
	my $own = 10 + $c;    # users 11..26
	my %state;    # group -> role, the own user's memberships as replayed
	my @sql = ("\\set VERBOSITY sqlstate\n");
	for (1 .. $steps)
	{
		my $r = rand();
		my $role = pick('member', 'admin', 'owner');
		if ($r < 0.30)
		{
			# reads, of everything
			my $u = 1 + int(rand(30));
			my $g = 1 + int(rand($hot_groups + $own_groups));
			push @sql, pick(
				"SELECT count(*) FROM group_users.user_groups($u);",
				"SELECT count(*) FROM group_users.group_members($g, NULL, 5);",
				"SELECT length(group_users.user_with_groups($u)::text) > 0;",
				"SELECT length(group_users.group_with_users($g)::text) > 0;",
				"SELECT group_users.count_user_groups($u), group_users.count_group_members($g);",
				"SELECT group_users.is_member($u, $g), group_users.is_member_of_any($u, '{1,2,3}');",
				"SELECT count(*) FROM group_users.users_with_groups('{$u,1,2,3,$own}');");
		}
		elsif ($r < 0.55)
		{
			# hot: shared users and groups, contended by everyone
			my $u = 1 + int(rand($hot_users));
			my $g = 1 + int(rand($hot_groups));
			my @us = some_ids(1, $hot_users, 3);
			my @gs = some_ids(1, $hot_groups, 4);
			push @sql, pick(
				"SELECT group_users.add_membership($u, $g, '$role');",
				"SELECT group_users.remove_membership($u, $g);",
				"SELECT added FROM group_users.set_user_groups($u, " . arr(@gs) . ", '$role');",
				"SELECT added FROM group_users.set_group_members($g, " . arr(@us) . ");",
				"SELECT group_users.add_memberships($u, " . arr(reverse @gs) . ", '$role');",
				"SELECT group_users.remove_group_members($g, " . arr(@us) . ");");
		}
		elsif ($r < 0.98)
		{
			# own user: replayed here to know the final state
			my $g = 11 + int(rand($own_groups));
			my @gs = some_ids(11, 10 + $own_groups, 5);
			my $k = int(rand(5));
			if ($k == 0)
			{
				push @sql, "SELECT group_users.add_membership($own, $g, '$role');";
				$state{$g} = $role;
			}
			elsif ($k == 1)
			{
				push @sql, "SELECT group_users.remove_membership($own, $g);";
				delete $state{$g};
			}
			elsif ($k == 2)
			{
				push @sql, "SELECT group_users.add_memberships($own, " . arr(@gs) . ", '$role');";
				$state{$_} = $role for @gs;
			}
			elsif ($k == 3)
			{
				push @sql, "SELECT group_users.remove_memberships($own, " . arr(@gs) . ");";
				delete $state{$_} for @gs;
			}
			else
			{
				push @sql, "SELECT removed FROM group_users.set_user_groups($own, " . arr(@gs) . ", '$role');";
				my %new = map { $_ => ($state{$_} // $role) } @gs;
				%state = %new;
			}
		}
		else
		{
			# documented errors, provoked: unknown group, all or nothing
			my @gs = (some_ids(11, 10 + $own_groups, 2), $missing);
			push @sql, pick(
				"SELECT group_users.add_membership($own, $missing);",
				"SELECT group_users.add_memberships($own, " . arr(@gs) . ");",
				"SELECT added FROM group_users.set_user_groups($own, " . arr(@gs) . ");");
		}
	}
	push @scripts, join("\n", @sql) . "\n";
	push @expected, join(',', map { "$_:$state{$_}" } sort { $a <=> $b } keys %state);
}

my $tmp = PostgreSQL::Test::Utils::tempdir;
my (@harness, @out, @err);
for my $c (0 .. $clients - 1)
{
	my $file = "$tmp/client$c.sql";
	open(my $fh, '>', $file) or die;
	print $fh $scripts[$c];
	close($fh);
	$out[$c] = '';
	$err[$c] = '';
	push @harness, IPC::Run::start(
		[ 'psql', '-XAtq', '-d', $node->connstr('postgres'), '-f', $file ],
		'>', \$out[$c], '2>', \$err[$c]);
}
my $start = time();
$_->finish for @harness;
my $seconds = time() - $start;

# errors seen, by SQLSTATE
my %errors;
for my $c (0 .. $clients - 1)
{
	$errors{$1}++ while $err[$c] =~ /ERROR:  ([0-9A-Z]{5})/g;
	$errors{other}++ while $err[$c] =~ /^(?!.*ERROR:  [0-9A-Z]{5}).+$/mg;
}
my $statements = $clients * $steps;
note(sprintf("soak: %d clients x %d statements = %d in %.1f s (%.0f/s); errors: ",
		$clients, $steps, $statements, $seconds, $statements / $seconds)
	  . join(', ', map { "$_ x $errors{$_}" } sort keys %errors));
ok(exists $errors{'23503'}, 'the provoked 23503 errors happened');
is(join(',', grep { $_ ne '23503' } sort keys %errors), '',
	'no error other than the documented 23503 (no deadlock, no unique violation)');

# the own users' final states, as their streams imply
for my $c (0 .. $clients - 1)
{
	my $own = 11 + $c;
	my $got = $node->safe_psql('postgres',
		"SELECT coalesce(string_agg(group_id || ':' || role, ',' ORDER BY group_id), '') "
		  . "FROM group_users.group_users WHERE user_id = $own");
	is($got, $expected[$c], "client @{[ $c + 1 ]}: its user holds exactly what its stream implies");
}

# invariants of the whole table
is($node->safe_psql('postgres', q{
	SELECT count(*) - count(DISTINCT (user_id, group_id)) FROM group_users.group_users}),
	'0', 'no duplicate membership');
is($node->safe_psql('postgres', q{
	SELECT count(*) FROM group_users.group_users m
	 WHERE NOT EXISTS (SELECT FROM group_users.users u WHERE u.id = m.user_id)
	    OR NOT EXISTS (SELECT FROM group_users.groups g WHERE g.id = m.group_id)}),
	'0', 'no orphan membership');
is($node->safe_psql('postgres', q{
	SELECT count(*) FROM group_users.group_users WHERE group_id <= 10 AND user_id > 3}),
	'0', 'hot groups hold hot users only');
is($node->safe_psql('postgres', q{
	SELECT count(*) FROM group_users.users u
	 WHERE group_users.count_user_groups(u.id) <> (SELECT count(*) FROM group_users.user_groups(u.id))
	    OR group_users.count_user_groups(u.id) <> (SELECT count(*) FROM group_users.group_users WHERE user_id = u.id)
	    OR json_array_length(group_users.user_with_groups(u.id) -> 'groups') <> group_users.count_user_groups(u.id)}),
	'0', 'every user: the counts, the list and the document agree with the table');
is($node->safe_psql('postgres', q{
	SELECT count(*) FROM group_users.groups g
	 WHERE group_users.count_group_members(g.id) <> (SELECT count(*) FROM group_users.group_members(g.id))
	    OR group_users.count_group_members(g.id) <> (SELECT count(*) FROM group_users.group_users WHERE group_id = g.id)
	    OR json_array_length(group_users.group_with_users(g.id) -> 'users') <> group_users.count_group_members(g.id)}),
	'0', 'every group: the counts, the list and the document agree with the table');
is($node->safe_psql('postgres', q{
	SELECT count(*) FROM group_users.users_with_groups(ARRAY(SELECT id FROM group_users.users ORDER BY id)) d
	 WHERE d::text <> group_users.user_with_groups((d ->> 'id')::bigint)::text}),
	'0', 'users_with_groups agrees with user_with_groups for every user');

$node->stop;
done_testing();
