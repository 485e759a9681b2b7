\set gid random(1, :ngroups)
SELECT group_users.group_with_users(:gid);
