-- Each group nobody else is in starts with the 10 writer users of one block
-- (sql/runs/fill_group_sets.sql) and is set to another random block each
-- time, so it always has 10 members.  Clients write disjoint groups.
-- verify setup: INSERT INTO group_users.group_users (user_id, group_id) SELECT unnest((SELECT ids FROM bench.new_uid_lists WHERE k = :k + 1)), :gid;
\set gid :bg_lo + :client_id + :nclients * random(0, :g_per - 1)
\set k random(1, :nwblocks)
-- Sequelize group.setUsers in a transaction, as setUserGroups' replay: read the
-- current rows, delete the obsolete ones, insert the new ones.
BEGIN;
SELECT "user_id" AS "userId", "group_id" AS "groupId", "role", "created_at" AS "createdAt", "updated_at" AS "updatedAt" FROM "group_users"."group_users" AS "GroupUsers" WHERE "GroupUsers"."group_id" = :gid;
DELETE FROM "group_users"."group_users" WHERE "group_id" = :gid AND NOT ("user_id" = ANY ((SELECT ids FROM bench.new_uid_lists WHERE k = :k)::bigint[]));
INSERT INTO "group_users"."group_users" ("user_id","group_id","role","created_at","updated_at")
SELECT l.uid, :gid, 'member', now(), now()
  FROM unnest((SELECT ids FROM bench.new_uid_lists WHERE k = :k)) AS l(uid)
 WHERE NOT EXISTS (SELECT FROM group_users.group_users m WHERE m.group_id = :gid AND m.user_id = l.uid)
RETURNING "user_id","group_id","role","created_at","updated_at";
COMMIT;
