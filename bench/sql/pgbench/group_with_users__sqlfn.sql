\set gid random(1, :ngroups)
SELECT bench.group_with_users_sql(:gid);
