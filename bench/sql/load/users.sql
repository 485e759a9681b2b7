-- Users :lo..:hi (one chunk).  Every 7th has no email; every 1000th has
-- quotes, a backslash and non-ASCII in its name (JSON escaping is compared).
SET session_replication_role = replica;
INSERT INTO group_users.users (id, username, email, created_at, updated_at)
SELECT u,
       CASE WHEN u % 1000 = 0 THEN 'o''brien "' || u || '" \ é' ELSE 'user' || u END,
       CASE WHEN u % 7 = 0 THEN NULL ELSE 'user' || u || '@example.com' END,
       t.ts, t.ts + make_interval(days => (u % 3)::int)
  FROM generate_series(:lo::bigint, :hi::bigint) AS u,
       LATERAL (SELECT timestamptz '2017-01-01 00:00:00+00'
                       + make_interval(secs => u * 1.234567) AS ts) AS t;
