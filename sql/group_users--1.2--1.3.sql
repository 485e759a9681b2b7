/* group_users 1.2 -> 1.3: a user's memberships read from the primary key alone */

\echo Use "ALTER EXTENSION group_users UPDATE TO '1.3'" to load this file. \quit

-- The primary key now also holds the membership's other columns, as 1.2's
-- group index does, so that user_groups, user_with_groups and the
-- planner's plans for them read a user's memberships from the index alone
-- (index-only, on all-visible pages) instead of visiting one heap page per
-- membership: rows are stored in the order they were added, so a user's
-- rows are spread over the table as a group's are.  Uniqueness is still on
-- (user_id, group_id) alone, and ON CONFLICT (user_id, group_id) still
-- finds it.  Rebuilt under its old name in one statement: the update holds
-- an ACCESS EXCLUSIVE lock on group_users.group_users while the key builds,
-- and fails (changing nothing) if a constraint of another table references
-- this key (see the README).
ALTER TABLE group_users.group_users
    DROP CONSTRAINT group_users_pkey,
    ADD CONSTRAINT group_users_pkey PRIMARY KEY (user_id, group_id)
        INCLUDE (role, created_at, updated_at);
