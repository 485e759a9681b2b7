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
	'SELECT group_users.remove_membership(5, 1)',);

# Each call twice: the second run uses the kept plan.
my $sql = join("\n",
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
	next if $chunk =~ /^SELECT (count|length|group_users\.)/;
	my ($text) = $chunk =~ /^([^\n]*)/;
	$plans{$text} .= $chunk;
}

cmp_ok(scalar(keys %plans), '>=', 10, 'saw the plan of every statement');
for my $text (sort keys %plans)
{
	my $plan = $plans{$text};
	my $short = substr($text, 0, 60);
	unlike($plan, qr/Seq Scan/, "no sequential scan: $short");
	unlike($plan, qr/Hash Join|Merge Join/, "no hash or merge join: $short");
	like($plan, qr/Index|Result/, "index probes: $short");
}

# the join side is probed by primary key for the list statements
for my $text (grep { /CROSS JOIN LATERAL/ } keys %plans)
{
	like($plans{$text}, qr/Index Scan using (users|groups)_pkey/,
		'primary key probes: ' . substr($text, 0, 60));
}

$node->stop;
done_testing();
