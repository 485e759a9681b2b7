-- After a run of remove_membership's scripts: did every client find its
-- pairs to the end?  The number of clients with pairs left over, which
-- must be all of them (else some removes found nothing to remove).
SELECT count(DISTINCT (user_id - :w_lo) % :nclients)
  FROM group_users.group_users
 WHERE group_id BETWEEN :bg_lo AND :bg_hi;
