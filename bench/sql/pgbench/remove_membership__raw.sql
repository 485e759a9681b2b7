-- Each transaction removes a pair that run.sh made before the run
-- (sql/runs/fill_pairs.sql): the client's own counter n walks the same
-- pairs as add_membership's, and run.sh filled enough of them for the
-- whole run (it checks that some were left).  So nothing else is in the
-- measured transaction.  For the comparison of the variants, the line
-- below makes the sample's pair first:
-- verify setup: INSERT INTO group_users.group_users (user_id, group_id) VALUES (:uid, :gid);
\set n :n + 1
\set uid :w_lo + :client_id + :nclients * (:n % :w_per)
\set gid :bg_lo + (:n / :w_per) % :nbench
DELETE FROM group_users.group_users WHERE user_id = :uid AND group_id = :gid;
