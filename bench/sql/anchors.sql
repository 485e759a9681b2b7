-- Anchor functions the benchmark compares the extension's C functions with,
-- in a schema of their own (bench).  Each runs the same statement as the
-- corresponding raw-SQL anchor script.
SET client_min_messages = warning;
CREATE SCHEMA IF NOT EXISTS bench;

-- The raw joins inside PL/pgSQL (RETURN QUERY)
CREATE FUNCTION bench.user_groups_plpgsql(uid bigint)
RETURNS TABLE (id bigint, name text, role text, joined_at timestamptz)
LANGUAGE plpgsql STABLE AS $$
BEGIN
  RETURN QUERY
  SELECT g.id, g.name, m.role, m.created_at
    FROM group_users.group_users m
    JOIN group_users.groups g ON g.id = m.group_id
   WHERE m.user_id = uid
   ORDER BY m.group_id;
END $$;

CREATE FUNCTION bench.group_members_plpgsql(gid bigint, after_id bigint, max_rows integer)
RETURNS TABLE (id bigint, username text, email text, role text, joined_at timestamptz)
LANGUAGE plpgsql STABLE AS $$
BEGIN
  RETURN QUERY
  SELECT u.id, u.username, u.email, m.role, m.created_at
    FROM group_users.group_users m
    JOIN group_users.users u ON u.id = m.user_id
   WHERE m.group_id = gid AND m.user_id > after_id
   ORDER BY m.user_id
   LIMIT max_rows;
END $$;

CREATE FUNCTION bench.is_member_plpgsql(uid bigint, gid bigint)
RETURNS boolean
LANGUAGE plpgsql STABLE AS $$
BEGIN
  RETURN EXISTS (SELECT 1 FROM group_users.group_users m
                  WHERE m.user_id = uid AND m.group_id = gid);
END $$;

CREATE FUNCTION bench.count_user_groups_plpgsql(uid bigint)
RETURNS bigint
LANGUAGE plpgsql STABLE AS $$
BEGIN
  RETURN (SELECT count(*)
            FROM group_users.group_users m
            JOIN group_users.groups g ON g.id = m.group_id
           WHERE m.user_id = uid);
END $$;

CREATE FUNCTION bench.is_member_of_all_plpgsql(uid bigint, gids bigint[])
RETURNS boolean
LANGUAGE plpgsql STABLE AS $$
BEGIN
  RETURN NOT EXISTS (SELECT FROM unnest(gids) AS l(gid)
                      WHERE NOT EXISTS (SELECT FROM group_users.group_users m
                                         WHERE m.user_id = uid AND m.group_id = l.gid));
END $$;

CREATE FUNCTION bench.count_group_members_plpgsql(gid bigint)
RETURNS bigint
LANGUAGE plpgsql STABLE AS $$
BEGIN
  RETURN (SELECT count(*)
            FROM group_users.group_users m
            JOIN group_users.users u ON u.id = m.user_id
           WHERE m.group_id = gid);
END $$;

CREATE FUNCTION bench.is_member_of_any_plpgsql(uid bigint, gids bigint[])
RETURNS boolean
LANGUAGE plpgsql STABLE AS $$
BEGIN
  RETURN EXISTS (SELECT FROM group_users.group_users m
                  WHERE m.user_id = uid AND m.group_id = ANY (gids));
END $$;

-- The PostgREST-style statements wrapped in SQL functions
CREATE FUNCTION bench.user_with_groups_sql(uid bigint)
RETURNS json
LANGUAGE sql STABLE AS $$
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
 WHERE u.id = uid
$$;

CREATE FUNCTION bench.group_with_users_sql(gid bigint)
RETURNS json
LANGUAGE sql STABLE AS $$
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
 WHERE g.id = gid
$$;

-- Verification only (never timed): a timestamp as Date.prototype.toJSON()
-- writes it, to turn the raw joins' rows into the functions' JSON.
CREATE FUNCTION bench.js_ts(t timestamptz)
RETURNS text
LANGUAGE sql IMMUTABLE AS $$
SELECT to_char(t AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24":"MI":"SS.MS"Z"')
$$;
