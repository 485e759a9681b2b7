\set uid random(1, :nusers)
\set gid CASE WHEN random(0, 1) = 1 THEN 1 + ((:uid * 7919 + random(0, 9) * :gstep) % :ngroups) ELSE random(1, :ngroups) END
SELECT EXISTS (SELECT 1 FROM group_users.group_users WHERE user_id = :uid AND group_id = :gid);
