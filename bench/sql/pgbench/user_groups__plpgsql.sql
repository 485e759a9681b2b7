\set uid random(1, :nusers)
SELECT * FROM bench.user_groups_plpgsql(:uid);
