-- Writes keep the dataset stable: each transaction undoes its effect with
-- the line marked restore (the same statement in every variant; left out
-- when the variants' results are compared).  Each client writes its own
-- range of writer users (client_id), so clients never touch the same row.
\set uid :w_lo + :nclients * random(0, :w_per - 1) + :client_id
\set gid random(:bg_lo, :bg_hi)
SELECT group_users.add_membership(:uid, :gid);
DELETE FROM group_users.group_users WHERE user_id = :uid AND group_id = :gid; -- restore
