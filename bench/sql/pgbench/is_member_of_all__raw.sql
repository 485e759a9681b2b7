\set uid random(1, :nusers)
\set hit random(0, 1)
\set g1 CASE WHEN :hit = 1 THEN 1 + ((:uid * 7919 + 0 * :gstep) % :ngroups) ELSE random(1, :ngroups) END
\set g2 CASE WHEN :hit = 1 THEN 1 + ((:uid * 7919 + 3 * :gstep) % :ngroups) ELSE random(1, :ngroups) END
\set g3 CASE WHEN :hit = 1 THEN 1 + ((:uid * 7919 + 7 * :gstep) % :ngroups) ELSE random(1, :ngroups) END
SELECT NOT EXISTS (SELECT FROM unnest(ARRAY[:g1::bigint, :g2::bigint, :g3::bigint]) AS l(gid)
                   WHERE NOT EXISTS (SELECT FROM group_users.group_users m
                                      WHERE m.user_id = :uid AND m.group_id = l.gid));
