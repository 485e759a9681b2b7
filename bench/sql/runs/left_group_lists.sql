-- After a run of remove_group_members' scripts: did every client find its
-- lists to the end?  The number of clients (each writes its own groups)
-- with memberships left over, which must be all of them.
SELECT count(DISTINCT (group_id - :bg_lo) % :nclients)
  FROM group_users.group_users
 WHERE group_id BETWEEN :bg_lo AND :bg_hi;
