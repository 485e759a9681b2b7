\set after random(0, :nusers)
SELECT * FROM group_users.group_members(:gm_gid, :after, 50);
