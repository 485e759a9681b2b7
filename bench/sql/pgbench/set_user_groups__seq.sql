-- Each writer user always has exactly the 10 groups of the last list it was
-- set to, so the dataset keeps its size.  Clients write disjoint users.
\set uid :w_lo + :nclients * random(0, :w_per - 1) + :client_id
\set k random(1, :nlists)
-- Sequelize setGroups in a transaction, as logged: read the current rows,
-- delete the obsolete ones, insert the new ones.  Sequelize computes the two
-- lists in JavaScript; here the DELETE and the INSERT compute them.
BEGIN;
SELECT "user_id" AS "userId", "group_id" AS "groupId", "role", "created_at" AS "createdAt", "updated_at" AS "updatedAt" FROM "group_users"."group_users" AS "GroupUsers" WHERE "GroupUsers"."user_id" = :uid;
DELETE FROM "group_users"."group_users" WHERE "user_id" = :uid AND NOT ("group_id" = ANY ((SELECT ids FROM bench.gid_lists WHERE k = :k)::bigint[]));
INSERT INTO "group_users"."group_users" ("user_id","group_id","role","created_at","updated_at")
SELECT :uid, l.gid, 'member', now(), now()
  FROM unnest((SELECT ids FROM bench.gid_lists WHERE k = :k)) AS l(gid)
 WHERE NOT EXISTS (SELECT FROM group_users.group_users m WHERE m.user_id = :uid AND m.group_id = l.gid)
RETURNING "user_id","group_id","role","created_at","updated_at";
COMMIT;
