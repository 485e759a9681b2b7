/*-------------------------------------------------------------------------
 *
 * group_users.c
 *	  Module entry of the group_users extension.
 *
 *-------------------------------------------------------------------------
 */
#include "group_users.h"
#include "tid_cache.h"

#include "funcapi.h"
#include "miscadmin.h"
#include "utils/guc.h"
#include "utils/tuplestore.h"

PG_MODULE_MAGIC;

bool		gu_direct_reads = true;
bool		gu_direct_inserts = true;
bool		gu_direct_deletes = true;

void		_PG_init(void);

void
_PG_init(void)
{
	DefineCustomBoolVariable("group_users.direct_reads",
							 "Runs the thin reads and the JSON documents directly on the indexes, without SPI.",
							 "user_groups, group_members, count_user_groups, count_group_members, "
							 "is_member, is_member_of_all, is_member_of_any, user_with_groups and "
							 "group_with_users.  They use SPI anyway when row-level security "
							 "applies or the caller's privileges are not table-wide.",
							 &gu_direct_reads,
							 true,
							 PGC_USERSET,
							 0,
							 NULL, NULL, NULL);
	DefineCustomBoolVariable("group_users.direct_inserts",
							 "Adds one membership directly with the table AM, without SPI.",
							 "add_membership, and the row-by-row adds of the bulk writes.  They use SPI "
							 "anyway above READ COMMITTED, when a trigger, rule or row-level security "
							 "could act on the INSERT, when the caller's privileges are not table-wide, "
							 "and before PostgreSQL 14.",
							 &gu_direct_inserts,
							 true,
							 PGC_USERSET,
							 0,
							 NULL, NULL, NULL);
	DefineCustomBoolVariable("group_users.direct_deletes",
							 "Deletes one membership directly with the table AM, without SPI.",
							 "remove_membership, and the group-side bulk writes' removes.  They use SPI "
							 "anyway when a DELETE trigger or rule, or row-level security, could act, "
							 "or the caller's privileges are not table-wide.",
							 &gu_direct_deletes,
							 true,
							 PGC_USERSET,
							 0,
							 NULL, NULL, NULL);
	DefineCustomIntVariable("group_users.tid_cache",
							"How many row locations of each of users and groups the direct reads keep per session.",
							"They fetch a row asked for before at its remembered TID instead of probing its "
							"primary key, if it is still there and visible.  About 32 bytes each.  Not used "
							"when the library is preloaded (see group_users.shared_tid_cache); 0 turns "
							"both off.",
							&gu_tid_cache,
							65536, 0, INT_MAX / 2,
							PGC_USERSET,
							0,
							NULL, NULL, NULL);
	/* a postmaster setting can only be made while preloading */
	if (process_shared_preload_libraries_in_progress)
		DefineCustomIntVariable("group_users.shared_tid_cache",
								"Shared memory for the row locations of users and groups, kept for every session.",
								"Used, instead of each session's own, when group_users is in "
								"shared_preload_libraries.  8 bytes a row location; 0 turns it off, "
								"else at least 16kB.",
								&gu_shared_tid_cache,
								32768, 0, INT_MAX / 2,
								PGC_POSTMASTER,
								GUC_UNIT_KB,
								gu_shared_tid_cache_check, NULL, NULL);
	gu_tid_cache_init();

	/* a misspelt group_users.* setting is an error (before 15, a warning) */
#if PG_VERSION_NUM >= 150000
	MarkGUCPrefixReserved("group_users");
#else
	EmitWarningsOnPlaceholders("group_users");
#endif
}
