\set gid random(1, :ngroups)
SELECT bench.count_group_members_plpgsql(:gid);
