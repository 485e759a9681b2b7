-- Each writer user always has exactly the 10 groups of the last list it was
-- set to, so the dataset keeps its size.  Clients write disjoint users.
\set uid :w_lo + :nclients * random(0, :w_per - 1) + :client_id
\set k random(1, :nlists)
-- The equivalent single statement: delete the unlisted, insert the missing
WITH want AS (SELECT unnest(ids) AS gid FROM bench.gid_lists WHERE k = :k),
     del AS (DELETE FROM group_users.group_users m
              WHERE m.user_id = :uid AND m.group_id NOT IN (SELECT gid FROM want)
             RETURNING 1),
     ins AS (INSERT INTO group_users.group_users (user_id, group_id)
             SELECT :uid, gid FROM want
             ON CONFLICT DO NOTHING
             RETURNING 1)
SELECT (SELECT count(*) FROM ins) AS added, (SELECT count(*) FROM del) AS removed;
