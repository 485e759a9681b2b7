\set uid random(1, :nusers)
SELECT group_users.user_with_groups(:uid);
