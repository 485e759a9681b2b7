\set gid random(1, :ngroups)
SELECT group_users.count_group_members(:gid);
