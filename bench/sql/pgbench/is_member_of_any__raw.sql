-- Half of the calls list one of the user's groups (g1), the others three random ones
\set uid random(1, :nusers)
\set hit random(0, 1)
\set g1 CASE WHEN :hit = 1 THEN 1 + ((:uid * 7919 + 5 * :gstep) % :ngroups) ELSE random(1, :ngroups) END
\set g2 random(1, :ngroups)
\set g3 random(1, :ngroups)
SELECT EXISTS (SELECT FROM group_users.group_users m
                WHERE m.user_id = :uid AND m.group_id = ANY (ARRAY[:g1::bigint, :g2::bigint, :g3::bigint]));
