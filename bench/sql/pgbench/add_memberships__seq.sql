-- Writes keep the dataset stable: the line marked restore removes the 10
-- memberships again (the same statement in every variant).
\set uid :w_lo + :nclients * random(0, :w_per - 1) + :client_id
\set k random(1, :nlists)
-- Sequelize addGroups: look for the pairs, then insert the missing ones (as logged)
SELECT "user_id" AS "userId", "group_id" AS "groupId", "role", "created_at" AS "createdAt", "updated_at" AS "updatedAt" FROM "group_users"."group_users" AS "GroupUsers" WHERE "GroupUsers"."user_id" = :uid AND "GroupUsers"."group_id" = ANY ((SELECT ids FROM bench.new_gid_lists WHERE k = :k)::bigint[]);
INSERT INTO "group_users"."group_users" ("user_id","group_id","role","created_at","updated_at") SELECT :uid, l.gid, 'member', now(), now() FROM unnest((SELECT ids FROM bench.new_gid_lists WHERE k = :k)) AS l(gid) RETURNING "user_id","group_id","role","created_at","updated_at";
DELETE FROM group_users.group_users WHERE user_id = :uid AND group_id = ANY ((SELECT ids FROM bench.new_gid_lists WHERE k = :k)::bigint[]); -- restore
