\set after random(0, :nusers)
SELECT * FROM bench.group_members_plpgsql(:gm_gid, :after, 50);
