/*-------------------------------------------------------------------------
 *
 * tid_cache.h
 *	  The remembered heap TIDs of users and groups rows (tid_cache.c).
 *
 *-------------------------------------------------------------------------
 */
#ifndef GROUP_USERS_TID_CACHE_H
#define GROUP_USERS_TID_CACHE_H

#include "storage/buf.h"
#include "storage/itemptr.h"
#include "utils/relcache.h"

typedef struct SessionHeap SessionHeap;

/* The remembered TIDs of one table, for the length of one call */
typedef struct GuTids
{
	bool		shared;			/* in shared memory, else this session's */
	uint64		seed;			/* shared: the table's hash seed */
	bool		local;			/* else this session's */
	Relation	heap;
	SessionHeap *session;		/* this session's of heap (tid_cache.c) */
} GuTids;

extern int	gu_tid_cache;		/* GUC group_users.tid_cache */
extern int	gu_shared_tid_cache;	/* GUC group_users.shared_tid_cache, kB */

extern void gu_tid_cache_init(void);
extern void gu_tids_open(GuTids *t, Relation heap, bool users);
extern bool gu_tids_get(GuTids *t, int64 id, ItemPointer tid);
extern void gu_tids_put(GuTids *t, int64 id, ItemPointer tid);
extern void gu_tids_forget(GuTids *t, int64 id, ItemPointer tid);
extern Buffer gu_tids_read_buffer(GuTids *t, BlockNumber block);
extern void gu_tids_prefetch(GuTids *t, int64 id);
extern void gu_tids_prefetch_row(GuTids *t, int64 id);

/* May t be used (gu_tids_get/put/forget)? */
static inline bool
gu_tids_in_use(const GuTids *t)
{
	return t->shared || t->local;
}

#endif							/* GROUP_USERS_TID_CACHE_H */
