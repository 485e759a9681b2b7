\set uid random(1, :nusers)
SELECT group_users.count_user_groups(:uid);
