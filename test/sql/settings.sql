-- The settings of group_users and their defaults; the prefix is reserved.
-- (expected/settings_1.out: before PostgreSQL 15 a misspelt setting is
-- kept as a placeholder, warned about only if set before the library
-- loads.)
SET client_min_messages = warning;
DROP EXTENSION IF EXISTS group_users CASCADE;
RESET client_min_messages;
CREATE EXTENSION group_users;
-- (group_users.shared_tid_cache exists only when the library is preloaded:
-- test/t/007_shared_tids.pl)
SELECT name, setting, vartype, context FROM pg_settings
 WHERE name LIKE 'group\_users.%' AND context <> 'postmaster' ORDER BY name;
-- a misspelt setting is refused
SET group_users.direct_read = off;
SHOW group_users.direct_read;
