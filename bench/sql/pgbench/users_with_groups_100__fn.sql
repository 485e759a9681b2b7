\set k random(1, :nlists)
SELECT group_users.users_with_groups((SELECT ids FROM bench.uid_lists WHERE k = :k));
