-- Each transaction adds pairs nobody has: the client's own counter n
-- (pgbench keeps it from one transaction to the next) walks its writer
-- users, then the groups nobody is in.  The pairs are deleted between runs
-- (run.sh), so nothing else is in the measured transaction.
\set n :n + 1
\set uid :w_lo + :client_id + :nclients * (:n % :w_per)
\set gid :bg_lo + (:n / :w_per) % :nbench
INSERT INTO group_users.group_users (user_id, group_id) VALUES (:uid, :gid) ON CONFLICT DO NOTHING;
