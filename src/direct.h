/*-------------------------------------------------------------------------
 *
 * direct.h
 *	  What the direct paths (index_read.c, direct_write.c) share: the
 *	  extension's relations as found in the catalogs, and opening them
 *	  when a direct path may stand in for a statement.
 *
 *-------------------------------------------------------------------------
 */
#ifndef GROUP_USERS_DIRECT_H
#define GROUP_USERS_DIRECT_H

#include "storage/lockdefs.h"
#include "executor/tuptable.h"
#include "utils/relcache.h"
#include "utils/snapshot.h"

typedef enum GuFkeyState
{
	GU_FKEY_UNKNOWN = 0,		/* not looked up since the fill (memset) */
	GU_FKEY_ENFORCED,
	GU_FKEY_NOT_ENFORCED
} GuFkeyState;

/* Relations and columns of the extension, as found in the catalogs */
typedef struct DirectRels
{
	bool		valid;			/* cleared by a relcache invalidation */
	uint64		generation;		/* counts the fills: what is derived from
								 * these is stale once it changes */
	bool		usable;			/* everything found, with the right shape */
	Oid			nsp;
	Oid			members;		/* group_users.group_users */
	Oid			members_by_user;	/* its index on (user_id, group_id) */
	Oid			members_by_group;	/* its index on (group_id, user_id) */
	Oid			users;
	Oid			users_pkey;
	Oid			groups;
	Oid			groups_pkey;
	AttrNumber	m_user_id;
	AttrNumber	m_group_id;
	AttrNumber	m_role;
	AttrNumber	m_created_at;
	AttrNumber	m_updated_at;
	AttrNumber	u_id;
	AttrNumber	u_username;
	AttrNumber	u_email;
	AttrNumber	u_created_at;
	AttrNumber	u_updated_at;
	AttrNumber	g_id;
	AttrNumber	g_name;
	AttrNumber	g_created_at;
	AttrNumber	g_updated_at;

	/*
	 * Where the join table's columns (user_id, group_id, role, created_at,
	 * updated_at, in that order) are in each of its two indexes, key or
	 * INCLUDE columns, 0 where not; covers: all five are there, so a list can
	 * be read from the index alone (1.2's group index, 1.3's primary key).
	 */
	AttrNumber	by_user_cols[5];
	AttrNumber	by_group_cols[5];
	bool		by_user_covers;
	bool		by_group_covers;

	/*
	 * Are the join table's foreign keys to users and to groups validated and
	 * enforced?  Looked up by the first count after a fill that needs one
	 * (index_read.c's fkey_holds()).
	 */
	GuFkeyState user_fkey;
	GuFkeyState group_fkey;
} DirectRels;

/* The tables a direct read has open, locked as the executor locks them */
typedef struct DirectRelations
{
	Relation	members;
	Relation	users;			/* NULL: not read */
	Relation	groups;			/* NULL: not read */
} DirectRelations;

/* Valid while gu_rels.valid; filled again by gu_direct_open */
extern DirectRels gu_rels;

extern bool gu_direct_open(FunctionCallInfo fcinfo, bool users, bool groups,
						   LOCKMODE members_lock, DirectRelations *r);
extern void gu_direct_close(DirectRelations *r);
extern bool gu_pkey_fetch(Relation heap, Relation index, bool users,
						  int64 id, TupleTableSlot *slot);
extern Snapshot gu_direct_statement_begin(void);
extern void gu_direct_statement_end(void);

#endif							/* GROUP_USERS_DIRECT_H */
