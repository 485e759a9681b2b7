SELECT * FROM group_users.group_members(:gm_gid);
