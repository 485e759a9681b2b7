\set uid random(1, :nusers)
SELECT bench.count_user_groups_plpgsql(:uid);
