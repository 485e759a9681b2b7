\set gid random(1, :ngroups)
SELECT count(*)
  FROM group_users.group_users m
  JOIN group_users.users u ON u.id = m.user_id
 WHERE m.group_id = :gid;
