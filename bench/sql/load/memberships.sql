-- 10 memberships for each user :lo..:hi (one chunk), in regular groups:
-- group 1 + ((u * 7919 + k * :gstep) % :ngroups) for k = 0..9, distinct
-- for one user, about :nusers * 10 / :ngroups members per group.  The
-- benchmark scripts use the same formula to pick a group the user is in.
SET session_replication_role = replica;
INSERT INTO group_users.group_users (user_id, group_id, role, created_at, updated_at)
SELECT u, 1 + ((u * 7919 + k * :gstep) % :ngroups),
       CASE WHEN k = 0 AND u % 5 = 0 THEN 'admin' ELSE 'member' END,
       t.ts, t.ts + make_interval(mins => k)
  FROM generate_series(:lo::bigint, :hi::bigint) AS u
 CROSS JOIN generate_series(0, 9) AS k,
       LATERAL (SELECT timestamptz '2018-01-01 00:00:00+00'
                       + make_interval(secs => (u * 10 + k) * 0.345678) AS ts) AS t;
