/*-------------------------------------------------------------------------
 *
 * tid_cache.h
 *	  The remembered heap TIDs of users and groups rows (tid_cache.c).
 *
 *-------------------------------------------------------------------------
 */
#ifndef GROUP_USERS_TID_CACHE_H
#define GROUP_USERS_TID_CACHE_H

#include "storage/block.h"
#include "storage/buf.h"
#include "storage/itemptr.h"
#include "utils/guc.h"
#include "utils/relcache.h"

typedef struct SessionHeap SessionHeap;

/*
 * Where a row was found: its TID, as the primary key's entry points, and
 * (shared only) where on its page its visible version began, for
 * prefetching: in 8-byte units, 0 if not known.  Both only hints.
 */
typedef struct GuPlace
{
	ItemPointerData tid;
	uint16		pos;
} GuPlace;

#define GU_POS_UNIT 8

/* GuPlace's pos of a tuple that begins at tuple on page */
static inline uint16
gu_place_pos(const void *page, const void *tuple)
{
	return (uint16) (((const char *) tuple - (const char *) page) / GU_POS_UNIT);
}

/* The remembered TIDs of one table, for the length of one call */
typedef struct GuTids
{
	bool		shared;			/* in shared memory, else this session's */
	uint64		seed;			/* shared: the table's hash seed */
	bool		local;			/* else this session's */
	Relation	heap;
	SessionHeap *session;		/* this session's of heap (tid_cache.c) */
	BlockNumber nblocks;		/* heap's size, asked on a buffer miss */
} GuTids;

extern int	gu_tid_cache;		/* GUC group_users.tid_cache */
extern int	gu_shared_tid_cache;	/* GUC group_users.shared_tid_cache, kB */

/* group_users.shared_tid_cache's least size but 0: one run's buckets */
#define GU_SHARED_TID_CACHE_MIN 16	/* kB */

extern void gu_tid_cache_init(void);
extern bool gu_shared_tid_cache_check(int *newval, void **extra,
									  GucSource source);
extern void gu_tids_open(GuTids *t, Relation heap, bool users);
extern void gu_tids_open_buffers(GuTids *t, Relation heap);
extern bool gu_tids_get(GuTids *t, int64 id, GuPlace *place);
extern void gu_tids_put(GuTids *t, int64 id, const GuPlace *place);
extern void gu_tids_forget(GuTids *t, int64 id, const GuPlace *place);
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
