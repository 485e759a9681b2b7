-- Each transaction adds pairs nobody has: the client's own counter n
-- (pgbench keeps it from one transaction to the next) walks its writer
-- users, then the groups nobody is in.  The pairs are deleted between runs
-- (run.sh), so nothing else is in the measured transaction.
-- Lists k are disjoint blocks of 10 of those groups.
\set n :n + 1
\set uid :w_lo + :client_id + :nclients * (:n % :w_per)
\set k 1 + (:n / :w_per) % :nblocks
-- Sequelize addGroups: look for the pairs, then insert the missing ones (as logged)
SELECT "user_id" AS "userId", "group_id" AS "groupId", "role", "created_at" AS "createdAt", "updated_at" AS "updatedAt" FROM "group_users"."group_users" AS "GroupUsers" WHERE "GroupUsers"."user_id" = :uid AND "GroupUsers"."group_id" = ANY ((SELECT ids FROM bench.new_gid_lists WHERE k = :k)::bigint[]);
INSERT INTO "group_users"."group_users" ("user_id","group_id","role","created_at","updated_at") SELECT :uid, l.gid, 'member', now(), now() FROM unnest((SELECT ids FROM bench.new_gid_lists WHERE k = :k)) AS l(gid) RETURNING "user_id","group_id","role","created_at","updated_at";
