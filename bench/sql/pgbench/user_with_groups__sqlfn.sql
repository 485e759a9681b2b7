\set uid random(1, :nusers)
SELECT bench.user_with_groups_sql(:uid);
