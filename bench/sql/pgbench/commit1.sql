-- The floor of a write: one round trip whose transaction writes one WAL
-- record (a transactional logical message, which takes an xid), so that its
-- commit writes a commit record and, with synchronous_commit on, waits for
-- the flush, as a row's insert or delete does.  No transaction that writes
-- a row can commit faster.  (An xid alone would not do: a transaction that
-- wrote no WAL before its commit record commits without waiting.)
SELECT pg_catalog.pg_logical_emit_message(true, 'group_users', '');
