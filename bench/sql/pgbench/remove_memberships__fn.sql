-- Each transaction removes a list of memberships that run.sh made before
-- the run (sql/runs/fill_user_lists.sql): the client's own counter n walks
-- them, and run.sh checks that some were left.  So nothing else is in the
-- measured transaction.  For the comparison of the variants, the line
-- below makes the sample's list first:
-- verify setup: INSERT INTO group_users.group_users (user_id, group_id) SELECT :uid, unnest((SELECT ids FROM bench.new_gid_lists WHERE k = :k));
\set n :n + 1
\set uid :w_lo + :client_id + :nclients * (:n % :w_per)
\set k 1 + (:n / :w_per) % :nblocks
SELECT group_users.remove_memberships(:uid, (SELECT ids FROM bench.new_gid_lists WHERE k = :k));
