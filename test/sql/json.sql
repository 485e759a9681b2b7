-- user_with_groups and group_with_users: the JSON of Sequelize's
-- findByPk(id, {include: ...}), byte for byte.
DROP EXTENSION IF EXISTS group_users CASCADE;
CREATE EXTENSION group_users;
SET TimeZone = 'UTC';
-- rows as they are, not padded: the width psql gives an emoji differs
-- between versions
\pset format unaligned

INSERT INTO group_users.users (id, username, email, created_at, updated_at) VALUES
  (1, 'ozmic', 'a@b.c', '2017-07-17 10:00:00+00', '2017-07-17 10:00:00.5+00'),
  (2, 'no groups', NULL, '2017-07-17 10:00:00.999999+00', '2017-07-17 23:59:59.9999+00'),
  (3, E'quote " backslash \\ slash / tab \t newline \n cr \r bs \b ff \f bell \x07 esc \x1b del \x7f',
      'zoë@exämple.com', '1999-12-31 23:59:59.123456+00', '2000-01-01 00:00:00+00'),
  (4, 'Ελληνικά 日本語 emoji 😀', '', '2017-07-17 10:00:00+00', '2017-07-17 10:00:00+00');
INSERT INTO group_users.groups (id, name, created_at, updated_at) VALUES
  (2, 'Post-it', '2017-07-18 00:00:00+00', '2017-07-18 00:00:00+00'),
  (1, 'Andela', '2017-07-18 00:00:00.001+00', '2017-07-18 00:00:00.0019+00'),
  (3, E'"} ,{\\', '2017-07-18 00:00:00+00', '2017-07-18 00:00:00+00'),
  (5, 'empty', '2017-07-18 00:00:00+00', '2017-07-18 00:00:00+00');
INSERT INTO group_users.group_users (user_id, group_id, role, created_at, updated_at) VALUES
  (1, 2, 'member', '2017-07-19 00:00:00+00', '2017-07-19 00:00:00+00'),
  (1, 1, 'admin', '2017-07-19 00:00:00.000001+00', '2017-07-19 00:00:00.000999+00'),
  (3, 1, E'ro"le', '2017-07-19 00:00:00+00', '2017-07-19 00:00:00+00'),
  (4, 3, 'member', '2017-07-19 00:00:00+00', '2017-07-19 00:00:00+00'),
  (4, 1, 'member', '2017-07-19 00:00:00+00', '2017-07-19 00:00:00+00');

-- the user, its groups by id, each with its GroupUsers through object
SELECT group_users.user_with_groups(1);
-- with_membership => false leaves GroupUsers out
SELECT group_users.user_with_groups(1, false);
SELECT group_users.user_with_groups(1, with_membership => false);
-- no groups: "groups":[]
SELECT group_users.user_with_groups(2);
-- escaping: quotes, backslashes, control characters; non-ASCII as is
SELECT group_users.user_with_groups(3);
SELECT group_users.user_with_groups(4, false);
-- unknown user, NULL arguments: NULL
SELECT group_users.user_with_groups(999) IS NULL AS unknown,
       group_users.user_with_groups(NULL) IS NULL AS null_id,
       group_users.user_with_groups(1, NULL) IS NULL AS null_flag;

-- the mirror: a group with its users
SELECT group_users.group_with_users(1);
SELECT group_users.group_with_users(1, false);
SELECT group_users.group_with_users(5);
SELECT group_users.group_with_users(3);
SELECT group_users.group_with_users(999) IS NULL AS unknown;

-- valid JSON, keys in Sequelize's order, and it round-trips through jsonb
SELECT json_typeof(group_users.user_with_groups(u.id)) AS type,
       (SELECT array_agg(k) FROM json_object_keys(group_users.user_with_groups(u.id)) k) AS keys
  FROM group_users.users u ORDER BY u.id;
SELECT (SELECT array_agg(k) FROM json_object_keys(group_users.user_with_groups(1) -> 'groups' -> 0) k) AS group_keys,
       (SELECT array_agg(k) FROM json_object_keys(group_users.user_with_groups(1) -> 'groups' -> 0 -> 'GroupUsers') k) AS through_keys,
       (SELECT array_agg(k) FROM json_object_keys(group_users.group_with_users(1) -> 'users' -> 0) k) AS user_keys;
SELECT group_users.user_with_groups(3) ->> 'username' =
       (SELECT username FROM group_users.users WHERE id = 3) AS escaping_round_trips,
       group_users.user_with_groups(4) ->> 'username' =
       (SELECT username FROM group_users.users WHERE id = 4) AS unicode_round_trips;
-- the same content as a json_agg statement would give
SELECT group_users.user_with_groups(1)::jsonb = jsonb_build_object(
  'id', u.id, 'username', u.username, 'email', u.email,
  'createdAt', to_char(u.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
  'updatedAt', to_char(u.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
  'groups', (SELECT jsonb_agg(jsonb_build_object('id', g.id, 'name', g.name,
        'createdAt', to_char(g.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
        'updatedAt', to_char(g.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
        'GroupUsers', jsonb_build_object('userId', m.user_id, 'groupId', m.group_id, 'role', m.role,
          'createdAt', to_char(m.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
          'updatedAt', to_char(m.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')))
        ORDER BY g.id)
     FROM group_users.group_users m JOIN group_users.groups g ON g.id = m.group_id
    WHERE m.user_id = u.id)) AS same
  FROM group_users.users u WHERE u.id = 1;

-- timestamps are UTC with milliseconds whatever the session's TimeZone
CREATE TEMP TABLE in_utc AS
  SELECT u.id, group_users.user_with_groups(u.id)::text AS doc FROM group_users.users u;
SET TimeZone = 'America/St_Johns';
SELECT group_users.user_with_groups(2);
SELECT count(*) AS differing FROM in_utc WHERE doc <> group_users.user_with_groups(id)::text;
SET TimeZone = 'Pacific/Kiritimati';
SELECT count(*) AS differing FROM in_utc WHERE doc <> group_users.user_with_groups(id)::text;
SET DateStyle = 'German, DMY';
SELECT count(*) AS differing FROM in_utc WHERE doc <> group_users.user_with_groups(id)::text;
RESET DateStyle;
SET TimeZone = 'UTC';

-- timestamps JavaScript's Date writes differently: years past 9999 and
-- before year 0 (+/-YYYYYY), and values a Date cannot hold (null)
UPDATE group_users.users SET created_at = '12345-06-07 08:09:10.111+00',
  updated_at = '0044-03-15 12:00:00+00 BC' WHERE id = 2;
SELECT group_users.user_with_groups(2, false);
UPDATE group_users.users SET created_at = 'infinity', updated_at = '-infinity' WHERE id = 2;
SELECT group_users.user_with_groups(2, false);
UPDATE group_users.users SET created_at = '275760-09-13 00:00:00+00',
  updated_at = '275760-09-13 00:00:00.001+00' WHERE id = 2;
SELECT group_users.user_with_groups(2, false);
UPDATE group_users.users SET created_at = '1969-12-31 23:59:59.9995+00',
  updated_at = '1970-01-01 00:00:00+00' WHERE id = 2;
SELECT group_users.user_with_groups(2, false);

-- a large group: every member, in order, in one document
INSERT INTO group_users.users (id, username)
  SELECT i, 'user' || i FROM generate_series(1000, 5999) i;
INSERT INTO group_users.group_users (user_id, group_id)
  SELECT i, 5 FROM generate_series(5999, 1000, -1) i;
SELECT json_array_length(d -> 'users') AS members,
       (d -> 'users' -> 0 ->> 'id')::bigint AS first,
       (d -> 'users' -> 4999 ->> 'id')::bigint AS last,
       (SELECT bool_and(a < b) FROM (
          SELECT (e ->> 'id')::bigint AS a, lead((e ->> 'id')::bigint) OVER () AS b
            FROM json_array_elements(d -> 'users') e) s WHERE b IS NOT NULL) AS ordered
  FROM (SELECT group_users.group_with_users(5) AS d) s;
