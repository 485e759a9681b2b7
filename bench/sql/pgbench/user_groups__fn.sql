\set uid random(1, :nusers)
SELECT * FROM group_users.user_groups(:uid);
