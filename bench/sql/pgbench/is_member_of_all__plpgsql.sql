\set uid random(1, :nusers)
\set hit random(0, 1)
\set g1 CASE WHEN :hit = 1 THEN 1 + ((:uid * 7919 + 0 * :gstep) % :ngroups) ELSE random(1, :ngroups) END
\set g2 CASE WHEN :hit = 1 THEN 1 + ((:uid * 7919 + 3 * :gstep) % :ngroups) ELSE random(1, :ngroups) END
\set g3 CASE WHEN :hit = 1 THEN 1 + ((:uid * 7919 + 7 * :gstep) % :ngroups) ELSE random(1, :ngroups) END
SELECT bench.is_member_of_all_plpgsql(:uid, ARRAY[:g1::bigint, :g2::bigint, :g3::bigint]);
