-- (The to_char format quotes its colons, HH24":"MI":"SS, because pgbench would
-- take a colon followed by letters for a variable; the output is the same.)
\set gid random(1, :ngroups)
SELECT json_build_object(
         'id', g.id, 'name', g.name,
         'createdAt', to_char(g.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24":"MI":"SS.MS"Z"'),
         'updatedAt', to_char(g.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24":"MI":"SS.MS"Z"'),
         'users', coalesce(x.users, '[]'))
  FROM group_users.groups g
  LEFT JOIN LATERAL (
    SELECT json_agg(json_build_object(
             'id', u.id, 'username', u.username, 'email', u.email,
             'createdAt', to_char(u.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24":"MI":"SS.MS"Z"'),
             'updatedAt', to_char(u.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24":"MI":"SS.MS"Z"'),
             'GroupUsers', json_build_object(
               'userId', m.user_id, 'groupId', m.group_id, 'role', m.role,
               'createdAt', to_char(m.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24":"MI":"SS.MS"Z"'),
               'updatedAt', to_char(m.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24":"MI":"SS.MS"Z"')))
             ORDER BY u.id) AS users
      FROM group_users.group_users m
      JOIN group_users.users u ON u.id = m.user_id
     WHERE m.group_id = g.id) x ON true
 WHERE g.id = :gid;
