/* group_users 1.0 -> 1.1: every belongsToMany operation as one call */

\echo Use "ALTER EXTENSION group_users UPDATE TO '1.1'" to load this file. \quit

-- sql/group_users--1.1.sql is this file appended to group_users--1.0.sql
-- (see the Makefile), so a fresh 1.1 and an updated 1.0 are the same.

CREATE FUNCTION group_users.count_user_groups(uid bigint)
RETURNS bigint
AS 'MODULE_PATHNAME', 'gu_count_user_groups'
LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION group_users.count_user_groups(bigint) IS
'number of groups of user uid (Sequelize countGroups); agrees with user_groups(uid)';

CREATE FUNCTION group_users.count_group_members(gid bigint)
RETURNS bigint
AS 'MODULE_PATHNAME', 'gu_count_group_members'
LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION group_users.count_group_members(bigint) IS
'number of members of group gid (Sequelize countUsers); agrees with group_members(gid)';

CREATE FUNCTION group_users.is_member_of_all(uid bigint, gids bigint[])
RETURNS boolean
AS 'MODULE_PATHNAME', 'gu_is_member_of_all'
LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION group_users.is_member_of_all(bigint, bigint[]) IS
'whether user uid is a member of every group in gids (Sequelize hasGroups); true for an empty array';

CREATE FUNCTION group_users.is_member_of_any(uid bigint, gids bigint[])
RETURNS boolean
AS 'MODULE_PATHNAME', 'gu_is_member_of_any'
LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION group_users.is_member_of_any(bigint, bigint[]) IS
'whether user uid is a member of at least one group in gids; false for an empty array';

CREATE FUNCTION group_users.add_memberships(uid bigint, gids bigint[], role text DEFAULT 'member')
RETURNS integer
AS 'MODULE_PATHNAME', 'gu_add_memberships'
LANGUAGE C VOLATILE;
COMMENT ON FUNCTION group_users.add_memberships(bigint, bigint[], text) IS
'make user uid a member of every group in gids (Sequelize addGroups); returns how many were created; existing ones get role; all or nothing';

CREATE FUNCTION group_users.remove_memberships(uid bigint, gids bigint[])
RETURNS integer
AS 'MODULE_PATHNAME', 'gu_remove_memberships'
LANGUAGE C VOLATILE;
COMMENT ON FUNCTION group_users.remove_memberships(bigint, bigint[]) IS
'remove user uid from every group in gids (Sequelize removeGroups); returns how many were removed';

CREATE FUNCTION group_users.set_user_groups(uid bigint, gids bigint[], role text DEFAULT 'member')
RETURNS TABLE (added integer, removed integer)
AS 'MODULE_PATHNAME', 'gu_set_user_groups'
LANGUAGE C VOLATILE ROWS 1;
COMMENT ON FUNCTION group_users.set_user_groups(bigint, bigint[], text) IS
'make the groups of user uid exactly gids (Sequelize setGroups): new memberships get role, kept ones keep theirs; atomic, and concurrent calls for one user run one after the other';

CREATE FUNCTION group_users.add_group_members(gid bigint, uids bigint[], role text DEFAULT 'member')
RETURNS integer
AS 'MODULE_PATHNAME', 'gu_add_group_members'
LANGUAGE C VOLATILE;
COMMENT ON FUNCTION group_users.add_group_members(bigint, bigint[], text) IS
'make every user in uids a member of group gid (Sequelize addUsers); returns how many were created; existing ones get role; all or nothing';

CREATE FUNCTION group_users.remove_group_members(gid bigint, uids bigint[])
RETURNS integer
AS 'MODULE_PATHNAME', 'gu_remove_group_members'
LANGUAGE C VOLATILE;
COMMENT ON FUNCTION group_users.remove_group_members(bigint, bigint[]) IS
'remove every user in uids from group gid (Sequelize removeUsers); returns how many were removed';

CREATE FUNCTION group_users.set_group_members(gid bigint, uids bigint[], role text DEFAULT 'member')
RETURNS TABLE (added integer, removed integer)
AS 'MODULE_PATHNAME', 'gu_set_group_members'
LANGUAGE C VOLATILE ROWS 1;
COMMENT ON FUNCTION group_users.set_group_members(bigint, bigint[], text) IS
'make the members of group gid exactly uids (Sequelize setUsers): new memberships get role, kept ones keep theirs; atomic, and concurrent calls for one group run one after the other';

CREATE FUNCTION group_users.create_group(name text, member_uids bigint[] DEFAULT '{}', role text DEFAULT 'member')
RETURNS bigint
AS 'MODULE_PATHNAME', 'gu_create_group'
LANGUAGE C VOLATILE;
COMMENT ON FUNCTION group_users.create_group(text, bigint[], text) IS
'create a group with the users in member_uids as members (Sequelize createGroup); returns its id; all or nothing';

CREATE FUNCTION group_users.users_with_groups(uids bigint[], with_membership boolean DEFAULT true)
RETURNS SETOF json
AS 'MODULE_PATHNAME', 'gu_users_with_groups'
LANGUAGE C STABLE STRICT PARALLEL SAFE ROWS 100;
COMMENT ON FUNCTION group_users.users_with_groups(bigint[], boolean) IS
'user_with_groups for each existing user in uids, in the order given (Sequelize findAll with include); two statements for the whole list';
