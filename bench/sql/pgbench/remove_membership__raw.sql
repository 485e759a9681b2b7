-- Writes keep the dataset stable: the setup line creates the membership
-- that the variant then removes (the same statement in every variant).
\set uid :w_lo + :nclients * random(0, :w_per - 1) + :client_id
\set gid random(:bg_lo, :bg_hi)
INSERT INTO group_users.group_users (user_id, group_id) VALUES (:uid, :gid); -- setup
DELETE FROM group_users.group_users WHERE user_id = :uid AND group_id = :gid;
