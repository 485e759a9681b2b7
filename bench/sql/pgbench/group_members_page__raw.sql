\set after random(0, :nusers)
SELECT u.id, u.username, u.email, m.role, m.created_at
  FROM group_users.group_users m
  JOIN group_users.users u ON u.id = m.user_id
 WHERE m.group_id = :gm_gid AND m.user_id > :after
 ORDER BY m.user_id
 LIMIT 50;
