/* group_users 1.1 -> 1.2: a group's memberships read from its index alone */

\echo Use "ALTER EXTENSION group_users UPDATE TO '1.2'" to load this file. \quit

-- sql/group_users--1.2.sql is group_users--1.0.sql with the upgrades
-- appended (see the Makefile), so a fresh 1.2 and an updated 1.1 are the same.

-- The group index now also holds the membership's other columns, so that
-- group_members, group_with_users and the planner's plans read a group's
-- memberships from the index alone (index-only, on all-visible pages)
-- instead of visiting one heap page per member: the join table is stored
-- in the order rows were added, and a group's rows are spread all over it.
-- Every column of the table is then in an index, so an update of a role
-- is no longer HOT.  Rebuilt under its old name: the update holds an
-- ACCESS EXCLUSIVE lock on group_users.group_users while the index builds
-- (about 15 s for 10M memberships on 2 cores; see the README).
--
-- An index entry must fit in a third of a page, so a role now has a
-- bound: 255 characters, as Sequelize's DataTypes.STRING (varchar(255)).
-- A longer role already there makes the update fail here, saying so.
ALTER TABLE group_users.group_users
    ADD CONSTRAINT group_users_role_length
    CHECK (pg_catalog.char_length(role) OPERATOR(pg_catalog.<=) 255);
DROP INDEX group_users.group_users_group_id_user_id_idx;
CREATE INDEX group_users_group_id_user_id_idx
    ON group_users.group_users (group_id, user_id)
    INCLUDE (role, created_at, updated_at);
