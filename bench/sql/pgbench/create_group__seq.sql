-- Each transaction creates a group with 10 writer users (a random block);
-- the new groups are deleted between runs (run.sh).
\set k random(1, :nwblocks)
-- Sequelize Groups.create, then group.addUsers: INSERT the group, look for the
-- pairs, insert them (three round trips, no transaction, as logged)
INSERT INTO "group_users"."groups" ("id","name","created_at","updated_at") VALUES (DEFAULT,'new bench group',now(),now()) RETURNING "id","name","created_at","updated_at" \gset new_
SELECT "user_id" AS "userId", "group_id" AS "groupId", "role", "created_at" AS "createdAt", "updated_at" AS "updatedAt" FROM "group_users"."group_users" AS "GroupUsers" WHERE "GroupUsers"."group_id" = :new_id AND "GroupUsers"."user_id" = ANY ((SELECT ids FROM bench.new_uid_lists WHERE k = :k)::bigint[]);
INSERT INTO "group_users"."group_users" ("user_id","group_id","role","created_at","updated_at") SELECT l.uid, :new_id, 'member', now(), now() FROM unnest((SELECT ids FROM bench.new_uid_lists WHERE k = :k)) AS l(uid) RETURNING "user_id","group_id","role","created_at","updated_at";
