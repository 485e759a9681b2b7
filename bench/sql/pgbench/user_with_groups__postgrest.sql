-- PostgREST-style: the document built by json_build_object/json_agg in one statement
-- (The to_char format quotes its colons, HH24":"MI":"SS, because pgbench would
-- take a colon followed by letters for a variable; the output is the same.)
\set uid random(1, :nusers)
SELECT json_build_object(
         'id', u.id, 'username', u.username, 'email', u.email,
         'createdAt', to_char(u.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24":"MI":"SS.MS"Z"'),
         'updatedAt', to_char(u.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24":"MI":"SS.MS"Z"'),
         'groups', coalesce(x.groups, '[]'))
  FROM group_users.users u
  LEFT JOIN LATERAL (
    SELECT json_agg(json_build_object(
             'id', g.id, 'name', g.name,
             'createdAt', to_char(g.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24":"MI":"SS.MS"Z"'),
             'updatedAt', to_char(g.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24":"MI":"SS.MS"Z"'),
             'GroupUsers', json_build_object(
               'userId', m.user_id, 'groupId', m.group_id, 'role', m.role,
               'createdAt', to_char(m.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24":"MI":"SS.MS"Z"'),
               'updatedAt', to_char(m.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24":"MI":"SS.MS"Z"')))
             ORDER BY g.id) AS groups
      FROM group_users.group_users m
      JOIN group_users.groups g ON g.id = m.group_id
     WHERE m.user_id = u.id) x ON true
 WHERE u.id = :uid;
