-- Each transaction creates a group with 10 writer users (a random block);
-- the new groups are deleted between runs (run.sh).
\set k random(1, :nwblocks)
SELECT group_users.create_group('new bench group', (SELECT ids FROM bench.new_uid_lists WHERE k = :k));
