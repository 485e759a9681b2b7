-- The special groups: every :step_x-th regular user, :size_x of them.
SET session_replication_role = replica;
INSERT INTO group_users.group_users (user_id, group_id, role, created_at, updated_at)
SELECT u, s.gid, CASE WHEN u % 97 = 0 THEN 'admin' ELSE 'member' END,
       timestamptz '2019-01-01 00:00:00+00' + make_interval(secs => u * 0.654321),
       timestamptz '2019-01-01 00:00:00+00' + make_interval(secs => u * 0.654321)
  FROM (VALUES (:gid_small::bigint, :step_small::bigint, :size_small::bigint),
               (:gid_10k, :step_10k, :size_10k),
               (:gid_100k, :step_100k, :size_100k)) AS s(gid, step, size)
 CROSS JOIN LATERAL generate_series(s.step, s.step * s.size, s.step) AS u;
