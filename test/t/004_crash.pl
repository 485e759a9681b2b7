# Crashes in the middle of writes: kill -9 of the whole server (postmaster
# and every child, as a power cut or the OOM killer would) and, separately,
# kill -9 of the one backend doing the write (the postmaster then resets
# the cluster).  After restart every operation is all or nothing, and every
# write the client saw committed is there.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use IPC::Run;
use Time::HiRes qw(usleep);

my $node = PostgreSQL::Test::Cluster->new('crash');
$node->init;
# the harness turns this off; a backend crash must reset the cluster here
$node->append_conf('postgresql.conf', 'restart_after_crash = on');
$node->start;
$node->safe_psql('postgres', q{
CREATE EXTENSION group_users;
INSERT INTO group_users.users (id, username) SELECT i, 'user' || i FROM generate_series(1, 10) i;
INSERT INTO group_users.groups (id, name) SELECT i, 'group' || i FROM generate_series(1, 150000) i;
VACUUM ANALYZE;
});

my $tmp = PostgreSQL::Test::Utils::tempdir;

# Start psql running $sql in the background
sub start_psql
{
	my ($sql, $out) = @_;
	my $file = "$tmp/script.sql";
	open(my $fh, '>', $file) or die;
	print $fh $sql;
	close($fh);
	$$out = '';
	my $err = '';
	return IPC::Run::start(
		[ 'psql', '-XAtq', '-d', $node->connstr('postgres'), '-f', $file ],
		'>', $out, '2>', \$err);
}

# Wait until a backend runs a statement matching $pattern (or the client
# has $lines lines of output), so that the crash lands mid-operation.
sub wait_for_work
{
	my ($h, $out, $pattern, $lines) = @_;
	for (my $i = 0; $i < 2000; $i++)
	{
		$h->pump_nb;
		if (defined $lines)
		{
			return 1 if (() = $$out =~ /\n/g) >= $lines;
		}
		else
		{
			my $active = $node->safe_psql('postgres',
				"SELECT count(*) FROM pg_stat_activity WHERE state = 'active' "
				  . "AND query LIKE '%$pattern%' AND pid <> pg_backend_pid() "
				  . "AND now() - query_start > interval '50 ms'");
			return 1 if $active > 0;
		}
		usleep(10_000);
	}
	return 0;
}

sub backend_pid
{
	my ($pattern) = @_;
	return $node->safe_psql('postgres',
		"SELECT pid FROM pg_stat_activity WHERE query LIKE '%$pattern%' "
		  . "AND pid <> pg_backend_pid() LIMIT 1");
}

# (pid, state, ppid) of a /proc/PID/stat file, or () if it is gone; comm
# may hold spaces and parentheses
sub proc_stat
{
	my ($path) = @_;
	open(my $fh, '<', $path) or return ();
	my $line = <$fh>;
	close($fh);
	return defined $line && $line =~ /^(\d+) \(.*\) (\S) (\d+) / ? ($1, $2, $3) : ();
}

# The state letter of process $pid (R, S, T for stopped...), '' if gone
sub process_state
{
	my ($pid) = @_;
	my @stat = proc_stat("/proc/$pid/stat");
	return @stat ? $stat[1] : '';
}

# Pids whose parent is $ppid, from /proc
sub children_of
{
	my ($ppid) = @_;
	my @pids;
	for my $path (glob('/proc/[0-9]*/stat'))
	{
		my @stat = proc_stat($path);
		push @pids, $stat[0] if @stat && $stat[2] == $ppid;
	}
	return @pids;
}

# The System V segment the server's processes attach (postmaster.pid's
# seventh line: key and id): a new postmaster refuses to start while any
# process still has it attached ("pre-existing shared memory block is
# still in use")
sub shm_segment
{
	open(my $fh, '<', $node->data_dir . '/postmaster.pid')
	  or die "postmaster.pid: $!";
	my @lines = <$fh>;
	close($fh);
	$lines[6] =~ /^\s*(\d+)\s+(\d+)/ or die "no shared memory key in postmaster.pid";
	return ($1, $2);
}

# How many processes have segment $id attached (0 once it is gone)
sub shm_nattch
{
	my ($id) = @_;
	open(my $fh, '<', '/proc/sysvipc/shm') or die "/proc/sysvipc/shm: $!";
	while (my $line = <$fh>)
	{
		my @f = split(' ', $line);
		return $f[6] if @f > 6 && $f[1] eq $id;
	}
	return 0;
}

# Pids mapping the segment of key $key
sub shm_holders
{
	my ($key) = @_;
	my $name = sprintf('/SYSV%08x', $key);
	my @pids;
	for my $maps (glob('/proc/[0-9]*/maps'))
	{
		open(my $fh, '<', $maps) or next;
		push @pids, $maps =~ m{^/proc/(\d+)/} if grep { index($_, $name) >= 0 } <$fh>;
		close($fh);
	}
	return @pids;
}

# kill -9 of the postmaster and all its children, then a normal start.
# The postmaster is stopped first, so that it forks no child after the
# list is made; a process missed anyway is found by the segment it holds,
# as the new postmaster would find it (once, on 13, one was missed).
sub crash_server
{
	my $pm = $node->{_pid};
	my ($key, $id) = shm_segment();
	kill('STOP', $pm);
	for (my $i = 0; $i < 1000 && process_state($pm) ne 'T'; $i++)
	{
		usleep(1_000);
	}
	my @all = ($pm, children_of($pm));
	kill(9, @all);
	$node->{_pid} = undef;
	for (my $i = 0; $i < 1000 && (kill(0, @all) || shm_nattch($id) > 0); $i++)
	{
		kill(9, shm_holders($key)) if $i % 10 == 9;
		usleep(10_000);
	}
	is(shm_nattch($id), 0, 'server crash: no process left attached');
	$node->start;
}

# kill -9 of one backend: the postmaster resets every backend and replays WAL
sub crash_backend
{
	my ($pid) = @_;
	kill(9, $pid) if $pid =~ /^\d+$/;
	$node->poll_query_until('postgres', 'SELECT true')
	  or die 'server did not come back';
}

sub finish_psql
{
	my ($h) = @_;
	eval { $h->finish; };
	return;
}

for my $how ('server', 'backend')
{
	my $crash = sub {
		my ($pattern) = @_;
		if ($how eq 'server') { crash_server(); }
		else { crash_backend(backend_pid($pattern)); }
	};

	# 1. a 100,000-id add_memberships
	$node->safe_psql('postgres', 'DELETE FROM group_users.group_users');
	my $out;
	my $h = start_psql(
		"SELECT group_users.add_memberships(1, ARRAY(SELECT generate_series(1, 100000))::bigint[]);\n",
		\$out);
	my $mid = wait_for_work($h, \$out, 'add_memberships', undef);
	$crash->('add_memberships');
	finish_psql($h);
	my $n = $node->safe_psql('postgres',
		'SELECT count(*) FROM group_users.group_users WHERE user_id = 1');
	note("add_memberships: crashed mid-operation: $mid; rows after restart: $n");
	ok($n == 0 || $n == 100000, "$how crash: a 100k add_memberships is all or nothing ($n rows)");
	is($n, $out =~ /^100000$/m ? 100000 : 0,
		"$how crash: its rows are there exactly when its result reached the client");

	# 2. a set_user_groups replacing 50,000 memberships by 100,000 others
	$node->safe_psql('postgres',
		'SELECT group_users.add_memberships(3, ARRAY(SELECT generate_series(1, 50000))::bigint[])');
	$h = start_psql(
		"SELECT * FROM group_users.set_user_groups(3, ARRAY(SELECT generate_series(50001, 150000))::bigint[]);\n",
		\$out);
	$mid = wait_for_work($h, \$out, 'set_user_groups', undef);
	$crash->('set_user_groups');
	finish_psql($h);
	my $state = $node->safe_psql('postgres',
		'SELECT count(*) || \' \' || coalesce(min(group_id), 0) || \' \' || coalesce(max(group_id), 0) '
		  . 'FROM group_users.group_users WHERE user_id = 3');
	note("set_user_groups: crashed mid-operation: $mid; count min max after restart: $state");
	ok($state eq '50000 1 50000' || $state eq '100000 50001 150000',
		"$how crash: set_user_groups leaves the old set or the new one ($state)");

	# 3. a stream of single adds, each its own transaction
	$node->safe_psql('postgres', 'DELETE FROM group_users.group_users WHERE user_id = 2');
	$h = start_psql(
		join('', map { "SELECT group_users.add_membership(2, $_);\n" } 1 .. 20000),
		\$out);
	$mid = wait_for_work($h, \$out, undef, 300);
	$crash->('add_membership');
	finish_psql($h);
	my $acked = () = $out =~ /^t$/mg;
	my ($rows, $max) = split /\|/, $node->safe_psql('postgres',
		'SELECT count(*), coalesce(max(group_id), 0) FROM group_users.group_users WHERE user_id = 2');
	note("single adds: acknowledged $acked, rows after restart $rows");
	cmp_ok($acked, '>=', 300, "$how crash: the stream was running");
	ok($rows >= $acked && $rows <= $acked + 1,
		"$how crash: every acknowledged add is there, at most one more ($acked acked, $rows rows)");
	is($max, $rows, "$how crash: the adds that survived are a prefix of the stream");

	# the extension works normally after recovery
	$node->safe_psql('postgres', 'SELECT group_users.remove_membership(5, 5)');
	is($node->safe_psql('postgres', 'SELECT group_users.add_membership(5, 5)'),
		't', "$how crash: writes work after restart");
	is($node->safe_psql('postgres', 'SELECT group_users.is_member(5, 5)'),
		't', "$how crash: reads work after restart");
}

$node->stop;
done_testing();
