\set uid random(1, :nusers)
SELECT g.id, g.name, m.role, m.created_at
  FROM group_users.group_users m
  JOIN group_users.groups g ON g.id = m.group_id
 WHERE m.user_id = :uid
 ORDER BY m.group_id;
