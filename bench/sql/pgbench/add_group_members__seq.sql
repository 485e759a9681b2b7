-- Each transaction adds a list of 10 writer users (disjoint blocks) to a
-- group nobody else is in: the client's own counter n walks its own groups,
-- then the blocks, so no pair is added twice; they are deleted between runs
-- (run.sh), so nothing else is in the measured transaction.
\set n :n + 1
\set gid :bg_lo + :client_id + :nclients * (:n % :g_per)
\set k 1 + (:n / :g_per) % :nwblocks
-- Sequelize group.addUsers: look for the pairs, then insert the missing ones (as logged)
SELECT "user_id" AS "userId", "group_id" AS "groupId", "role", "created_at" AS "createdAt", "updated_at" AS "updatedAt" FROM "group_users"."group_users" AS "GroupUsers" WHERE "GroupUsers"."group_id" = :gid AND "GroupUsers"."user_id" = ANY ((SELECT ids FROM bench.new_uid_lists WHERE k = :k)::bigint[]);
INSERT INTO "group_users"."group_users" ("user_id","group_id","role","created_at","updated_at") SELECT l.uid, :gid, 'member', now(), now() FROM unnest((SELECT ids FROM bench.new_uid_lists WHERE k = :k)) AS l(uid) RETURNING "user_id","group_id","role","created_at","updated_at";
