SELECT * FROM bench.group_members_plpgsql(:gm_gid, 0, NULL);
