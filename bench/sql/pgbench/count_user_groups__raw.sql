\set uid random(1, :nusers)
SELECT count(*)
  FROM group_users.group_users m
  JOIN group_users.groups g ON g.id = m.group_id
 WHERE m.user_id = :uid;
