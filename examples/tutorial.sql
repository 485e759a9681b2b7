-- The tutorial's scenario ("How to create Many to Many relationship using
-- Sequelize ORM (Postgres) on Express"), done with group_users in psql:
-- users belong to many groups, groups hold many users, and the controller
-- fetches "the user with its groups included" in one call.
--
--   psql -X -f examples/tutorial.sql      (in a database you can write to)
\set ON_ERROR_STOP on
\pset footer off
SET client_min_messages = warning;
DROP EXTENSION IF EXISTS group_users CASCADE;
CREATE EXTENSION group_users;
RESET client_min_messages;

\echo '== the tutorial''s users and groups'
INSERT INTO group_users.users (username, email) VALUES
  ('ozmic', 'ozmic@example.com'),
  ('chioma', 'chioma@example.com'),
  ('d''arcy "the quoter"', NULL),
  ('zoë', 'zoe@example.com');
INSERT INTO group_users.groups (name) VALUES
  ('Andela'), ('Post-it devs'), ('Lagos JS'), ('Nobody here yet');
SELECT id, username, email FROM group_users.users ORDER BY id;
SELECT id, name FROM group_users.groups ORDER BY id;

\echo '== add_membership(uid, gid [, role]): true when created'
SELECT group_users.add_membership(1, 1) AS ozmic_andela,
       group_users.add_membership(1, 2, 'admin') AS ozmic_postit_admin,
       group_users.add_membership(1, 3) AS ozmic_lagos,
       group_users.add_membership(2, 1) AS chioma_andela,
       group_users.add_membership(3, 1) AS darcy_andela,
       group_users.add_membership(3, 2) AS darcy_postit;

\echo '== the tutorial''s "user already in group": false, not an error'
SELECT group_users.add_membership(1, 1) AS again;
\echo '== a different role updates the existing membership (still false)'
SELECT group_users.add_membership(2, 1, 'moderator') AS chioma_promoted;

\echo '== user_groups(uid): the groups of ozmic, by id'
SELECT * FROM group_users.user_groups(1);
\echo '== keyset paging: after group 1, at most 1 row'
SELECT * FROM group_users.user_groups(1, after_id => 1, max_rows => 1);

\echo '== group_members(gid): the members of Andela, by id'
SELECT * FROM group_users.group_members(1);

\echo '== is_member(uid, gid)'
SELECT group_users.is_member(1, 2) AS ozmic_in_postit,
       group_users.is_member(4, 2) AS zoe_in_postit;

-- JSON documents: one compact line each
\pset format unaligned
\pset tuples_only on
\echo '== user_with_groups(uid): the controller''s "user with its groups included"'
\echo '   (the JSON of Users.findByPk(1, {include: [{model: Groups, as: ''groups''}]}))'
SELECT group_users.user_with_groups(1);
\echo '== ... without the GroupUsers through object (through: {attributes: []})'
SELECT group_users.user_with_groups(3, with_membership => false);
\echo '== a user with no groups: "groups": []; an unknown user: NULL'
SELECT group_users.user_with_groups(4);
SELECT group_users.user_with_groups(999) IS NULL AS unknown_is_null;

\echo '== group_with_users(gid): the mirror'
SELECT group_users.group_with_users(2);
\pset format aligned
\pset tuples_only off

\echo '== remove_membership(uid, gid): true when one was removed'
SELECT group_users.remove_membership(1, 3) AS removed,
       group_users.remove_membership(1, 3) AS removed_again;

\echo '== deleting a group removes its memberships (ON DELETE CASCADE)'
DELETE FROM group_users.groups WHERE name = 'Post-it devs';
SELECT * FROM group_users.user_groups(3);

\echo '== 1.1: every belongsToMany mixin as one call'
\echo '== count_user_groups / count_group_members (countGroups, countUsers)'
SELECT group_users.count_user_groups(1) AS ozmic_groups,
       group_users.count_group_members(1) AS andela_members;

\echo '== is_member_of_all / is_member_of_any (hasGroups, "any of")'
SELECT group_users.is_member_of_all(2, '{1,3}') AS chioma_in_all,
       group_users.is_member_of_any(2, '{1,3}') AS chioma_in_any;

\echo '== add_memberships(uid, gids, role) (addGroups): returns how many were created'
SELECT group_users.add_memberships(4, '{3,1,3}') AS zoe_joins;
\echo '== all or nothing: one missing group, nothing added'
\set ON_ERROR_STOP off
SELECT group_users.add_memberships(4, '{4,77}');
\set ON_ERROR_STOP on
SELECT * FROM group_users.user_groups(4);

\echo '== set_user_groups(uid, gids) (setGroups): exactly these groups, atomically'
SELECT * FROM group_users.set_user_groups(1, '{3,4}');
SELECT * FROM group_users.user_groups(1);

\echo '== remove_memberships(uid, gids) (removeGroups)'
SELECT group_users.remove_memberships(4, '{3,99}') AS removed;

\echo '== the group side: add_group_members, set_group_members, remove_group_members'
SELECT group_users.add_group_members(4, '{2,3}', 'member') AS added;
SELECT * FROM group_users.set_group_members(4, '{1,2}');
SELECT group_users.remove_group_members(4, '{1}') AS removed;
SELECT * FROM group_users.group_members(4);

\echo '== create_group(name, member_uids, role) (createGroup)'
SELECT group_users.create_group('Lagos JS meetup', '{1,2}', 'organiser') AS new_group;
SELECT * FROM group_users.group_members(5);

\echo '== users_with_groups(uids): a page of users, each with its groups, in the order given'
\pset format unaligned
\pset tuples_only on
SELECT group_users.users_with_groups('{4,1,999}', false);
\pset format aligned
\pset tuples_only off

\echo '== errors have their own SQLSTATE'
\set ON_ERROR_STOP off
\set VERBOSITY verbose
SELECT group_users.add_membership(42, 1);
SELECT group_users.add_membership(1, NULL);
SELECT group_users.add_membership(1, 1, '');
SELECT * FROM group_users.user_groups(1, max_rows => -1);
