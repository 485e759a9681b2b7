-- Groups: :ngroups regular ones (ids 1..:ngroups), three special ones
-- (:gid_small, :gid_10k, :gid_100k) and :nbench groups nobody belongs to
-- (:bg_lo..:bg_hi), used by the write benchmarks.  Explicit ids; the
-- identity sequence is moved past them at the end.
SET session_replication_role = replica;   -- no FK triggers while loading
INSERT INTO group_users.groups (id, name, created_at, updated_at)
SELECT g,
       CASE
         WHEN g = :gid_small THEN 'small group (~100 members)'
         WHEN g = :gid_10k THEN 'big group (10k members)'
         WHEN g = :gid_100k THEN 'huge group (100k members)'
         WHEN g >= :bg_lo THEN 'bench group ' || g
         WHEN g % 100 = 0 THEN 'group ' || g || ' "quoted" \ back/slash, ü'
         ELSE 'group ' || g
       END,
       t.ts, t.ts + make_interval(hours => g % 5)
  FROM generate_series(1, :bg_hi) AS g,
       LATERAL (SELECT timestamptz '2016-06-01 00:00:00+00'
                       + make_interval(secs => g * 3.456789) AS ts) AS t;
