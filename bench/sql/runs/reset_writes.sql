-- After every run of a write script: the groups nobody is in are emptied
-- again, the groups create_group made are deleted (with their
-- memberships), and the join table is vacuumed, so that each run starts
-- from the same tables (and no autovacuum runs during the next one).
DELETE FROM group_users.group_users WHERE group_id BETWEEN :bg_lo AND :bg_hi;
DELETE FROM group_users.groups WHERE id > :bg_hi;
VACUUM group_users.group_users, group_users.groups;
