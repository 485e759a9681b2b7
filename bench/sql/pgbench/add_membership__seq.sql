-- Each transaction adds pairs nobody has: the client's own counter n
-- (pgbench keeps it from one transaction to the next) walks its writer
-- users, then the groups nobody is in.  The pairs are deleted between runs
-- (run.sh), so nothing else is in the measured transaction.
\set n :n + 1
\set uid :w_lo + :client_id + :nclients * (:n % :w_per)
\set gid :bg_lo + (:n / :w_per) % :nbench
-- Sequelize addGroup: look for the pair, then insert it (two round trips, as logged)
SELECT "user_id" AS "userId", "group_id" AS "groupId", "role", "created_at" AS "createdAt", "updated_at" AS "updatedAt" FROM "group_users"."group_users" AS "GroupUsers" WHERE "GroupUsers"."user_id" = :uid AND "GroupUsers"."group_id" IN (:gid);
INSERT INTO "group_users"."group_users" ("user_id","group_id","role","created_at","updated_at") VALUES (:uid,:gid,'member',now(),now()) RETURNING "user_id","group_id","role","created_at","updated_at";
