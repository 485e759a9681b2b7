-- Writes keep the dataset stable: each transaction undoes its effect with
-- the line marked restore (the same statement in every variant; left out
-- when the variants' results are compared).  Each client writes its own
-- range of writer users (client_id), so clients never touch the same row.
\set uid :w_lo + :nclients * random(0, :w_per - 1) + :client_id
\set gid random(:bg_lo, :bg_hi)
-- Sequelize addGroup: look for the pair, then insert it (two round trips, as logged)
SELECT "user_id" AS "userId", "group_id" AS "groupId", "role", "created_at" AS "createdAt", "updated_at" AS "updatedAt" FROM "group_users"."group_users" AS "GroupUsers" WHERE "GroupUsers"."user_id" = :uid AND "GroupUsers"."group_id" IN (:gid);
INSERT INTO "group_users"."group_users" ("user_id","group_id","role","created_at","updated_at") VALUES (:uid,:gid,'member',now(),now()) RETURNING "user_id","group_id","role","created_at","updated_at";
DELETE FROM group_users.group_users WHERE user_id = :uid AND group_id = :gid; -- restore
