/*-------------------------------------------------------------------------
 *
 * tid_cache.c
 *	  Where the rows of users and groups were found: the heap TIDs their
 *	  primary keys gave, remembered so that the direct reads fetch a row
 *	  asked for before without descending the btree again.
 *
 * Most calls ask for rows asked for before (the same few thousand groups,
 * say), and each primary-key probe descends the btree from its root: on a
 * big table, a cache miss on nearly every page it touches.  Nothing of the
 * row is kept, only its TID, and a TID is only ever a hint: the reader
 * (index_read.c) uses the tuple found there, following its HOT chain, only
 * if it is visible to the call's snapshot and has the id asked for, and it
 * is then the row the index would have given, since a primary key has at
 * most one version visible to an MVCC snapshot.  Anything else (the tuple
 * pruned, updated, deleted, its line pointer reused, the page truncated
 * away, the table rewritten) falls back to the index.  So a wrong TID costs
 * a probe, never a wrong answer, and nothing needs invalidating.
 *
 * Two homes, the same rules:
 *	 - shared: when the library is in shared_preload_libraries, one table in
 *	   shared memory (group_users.shared_tid_cache) for every session of
 *	   every database.  Four-way: each id has a bucket of four slots in
 *	   one cache line (see shared_bucket()), each slot one 64-bit word
 *	   (block, offset, the tuple's place on the page and a tag), read and
 *	   written atomically, so no lock is taken and a reader never sees
 *	   half of a write.  A fifth id in a full bucket simply takes one of
 *	   its slots.
 *	   The hash is seeded with the database and the relation's storage, so
 *	   a rewritten table (TRUNCATE, VACUUM FULL, CLUSTER) starts afresh.
 *	 - local: otherwise, each session's own hash table, of at most
 *	   group_users.tid_cache ids per table.
 *
 * Neither is used under SERIALIZABLE, where the index probe's predicate
 * lock on its leaf page also covers an id not found.
 *
 *-------------------------------------------------------------------------
 */
#include "group_users.h"
#include "tid_cache.h"

#include "access/htup_details.h"
#include "access/xact.h"
#include "catalog/pg_am.h"
#include "common/hashfn.h"
#include "miscadmin.h"
#include "pgstat.h"
#include "port/atomics.h"
#include "storage/buf_internals.h"
#include "storage/bufmgr.h"
#include "storage/bufpage.h"
#include "storage/ipc.h"
#include "storage/lwlock.h"
#include "storage/shmem.h"
#include "utils/memutils.h"
#include "utils/rel.h"

int			gu_tid_cache = 65536;
int			gu_shared_tid_cache = 32768;	/* kB */

#if PG_VERSION_NUM >= 160000
#define RelStorage(rel)		((rel)->rd_locator)
#define StorageEquals(a, b)	RelFileLocatorEquals(a, b)
typedef RelFileLocator RelStorageId;
#else
#define RelStorage(rel)		((rel)->rd_node)
#define StorageEquals(a, b)	RelFileNodeEquals(a, b)
typedef RelFileNode RelStorageId;
#endif

/* ---------------------------------------------------------------------
 * Shared
 * ---------------------------------------------------------------------
 */
#define SLOT_RUN	512			/* 16 kB of buckets: see shared_bucket() */
#define SLOT_WAYS	4			/* slots a bucket: half a cache line */

typedef struct SharedTids
{
	uint64		mask;			/* slots - 1, slots a power of 2 */
	char		pad[PG_CACHE_LINE_SIZE - sizeof(uint64)];	/* slots' lines */
	pg_atomic_uint64 slots[FLEXIBLE_ARRAY_MEMBER];
} SharedTids;

static SharedTids *shared_tids = NULL;

StaticAssertDecl(GU_SHARED_TID_CACHE_MIN * 1024 ==
				 SLOT_RUN * SLOT_WAYS * sizeof(pg_atomic_uint64),
				 "the least shared table holds one run's buckets");

/*
 * group_users.shared_tid_cache: 0, or room for one run's buckets at least.
 * A smaller table could not be used, and a setting that silently turned
 * the sharing off would be a surprise: it is refused (in the file, at
 * start, PostgreSQL then warns and keeps the default).
 */
bool
gu_shared_tid_cache_check(int *newval, void **extra, GucSource source)
{
	(void) extra;
	(void) source;
	if (*newval == 0 || *newval >= GU_SHARED_TID_CACHE_MIN)
		return true;
	GUC_check_errdetail("group_users.shared_tid_cache is 0 (off) or at least %dkB.",
						GU_SHARED_TID_CACHE_MIN);
	return false;
}

#if PG_VERSION_NUM >= 150000
static shmem_request_hook_type prev_shmem_request_hook = NULL;
#endif
static shmem_startup_hook_type prev_shmem_startup_hook = NULL;

/* How many slots group_users.shared_tid_cache holds: a power of 2, or 0 */
static uint64
shared_slots(void)
{
	uint64		bytes = (uint64) gu_shared_tid_cache * 1024;
	uint64		slots = 1;

	if (bytes < GU_SHARED_TID_CACHE_MIN * 1024)
		return 0;				/* 0: gu_shared_tid_cache_check() */
	while (slots * 2 * sizeof(pg_atomic_uint64) <= bytes)
		slots *= 2;
	return slots;
}

static Size
shared_size(void)
{
	return add_size(offsetof(SharedTids, slots),
					mul_size(shared_slots(), sizeof(pg_atomic_uint64)));
}

#if PG_VERSION_NUM >= 150000
static void
tids_shmem_request(void)
{
	if (prev_shmem_request_hook)
		prev_shmem_request_hook();
	RequestAddinShmemSpace(shared_size());
}
#endif

static void
tids_shmem_startup(void)
{
	bool		found;
	uint64		slots = shared_slots();

	if (prev_shmem_startup_hook)
		prev_shmem_startup_hook();

	LWLockAcquire(AddinShmemInitLock, LW_EXCLUSIVE);
	shared_tids = ShmemInitStruct("group_users row locations", shared_size(),
								  &found);
	if (!found)
	{
		shared_tids->mask = slots - 1;
		for (uint64 i = 0; i < slots; i++)
			pg_atomic_init_u64(&shared_tids->slots[i], 0);
	}
	LWLockRelease(AddinShmemInitLock);
}

/*
 * From _PG_init: ask for the shared table, if loaded by
 * shared_preload_libraries and given any memory.
 */
void
gu_tid_cache_init(void)
{
	if (!process_shared_preload_libraries_in_progress || shared_slots() == 0)
		return;
#if PG_VERSION_NUM >= 150000
	prev_shmem_request_hook = shmem_request_hook;
	shmem_request_hook = tids_shmem_request;
#else
	RequestAddinShmemSpace(shared_size());
#endif
	prev_shmem_startup_hook = shmem_startup_hook;
	shmem_startup_hook = tids_shmem_startup;
}

/* murmur3's 64-bit finalizer: every bit of x moves every bit of the hash */
static inline uint64
mix64(uint64 x)
{
	x ^= x >> 33;
	x *= UINT64CONST(0xff51afd7ed558ccd);
	x ^= x >> 33;
	x *= UINT64CONST(0xc4ceb9fe1a85ec53);
	x ^= x >> 33;
	return x;
}

/*
 * A slot's word: the TID's block in the low 32 bits, its offset in the
 * next OFFSET_BITS, the place of the tuple on the page (GuPlace's pos) in
 * the next POS_BITS, and a tag of the id's run above (13 bits with 8 kB
 * pages).  0 is empty (no offset is 0).
 */
#define PAGE_BITS	(BLCKSZ > 16384 ? 15 : BLCKSZ > 8192 ? 14 : \
					 BLCKSZ > 4096 ? 13 : BLCKSZ > 2048 ? 12 : \
					 BLCKSZ > 1024 ? 11 : 10)
#define OFFSET_BITS	(PAGE_BITS - 4)
#define POS_BITS	(PAGE_BITS - 3) /* in GU_POS_UNITs */
#define TAG_SHIFT	(32 + OFFSET_BITS + POS_BITS)
#define SLOT_TAG(run_hash)	((run_hash) & ~((UINT64CONST(1) << TAG_SHIFT) - 1))

StaticAssertDecl((1 << PAGE_BITS) == BLCKSZ, "PAGE_BITS is BLCKSZ's");
StaticAssertDecl(GU_POS_UNIT == 8, "POS_BITS is for 8-byte units");
StaticAssertDecl(MaxHeapTuplesPerPage < (1 << OFFSET_BITS),
				 "a heap page's offsets fit OFFSET_BITS");

static inline uint64
slot_word(uint64 run_hash, const GuPlace *place)
{
	return SLOT_TAG(run_hash) |
		((uint64) place->pos << (32 + OFFSET_BITS)) |
		((uint64) ItemPointerGetOffsetNumberNoCheck(&place->tid) << 32) |
		(uint64) ItemPointerGetBlockNumberNoCheck(&place->tid);
}

static inline void
slot_place(uint64 word, GuPlace *place)
{
	ItemPointerSet(&place->tid, (BlockNumber) (word & 0xFFFFFFFF),
				   (OffsetNumber) ((word >> 32) & ((1 << OFFSET_BITS) - 1)));
	place->pos = (uint16) ((word >> (32 + OFFSET_BITS)) & ((1 << POS_BITS) - 1));
}

/*
 * An id's bucket: the hash of its run of SLOT_RUN ids picks where the run's
 * buckets begin (its low bits), and the id's place in the run which bucket
 * is its own among them.  Ids are mostly dense, so the buckets of a
 * table's rows fill whole cache lines and pages, and a read of many rows
 * touches as few of them as it can; hashing each id alone spread even a
 * small table's ids over all of the shared memory, a cache (and TLB) miss
 * each.  The ids of one run never share a bucket, so the ids a bucket may
 * hold differ in their run: the run's hash (its top bits, the tag) tells
 * them apart.  Runs overlap where their hashes fall close: at 1M users
 * and 32 MB, with one slot a bucket a quarter of the ids lost theirs to
 * another run's; with two, one in thirty (a count of a group's 100
 * members descended the primary key 3.4 times); with four, that many
 * slots in the same memory, one in 250 (0.4 times).
 */
static inline pg_atomic_uint64 *
shared_bucket(GuTids *t, int64 id, uint64 *run_hash)
{
	*run_hash = mix64(((uint64) id / SLOT_RUN) ^ t->seed);
	return &shared_tids->slots[((*run_hash * SLOT_RUN + (uint64) id % SLOT_RUN) *
								SLOT_WAYS) & shared_tids->mask];
}

/* Does word, a slot's, hold a TID of an id of the run of run_hash? */
static inline bool
slot_of_run(uint64 word, uint64 run_hash)
{
	return word != 0 && SLOT_TAG(word) == SLOT_TAG(run_hash);
}

/* ---------------------------------------------------------------------
 * Local
 * ---------------------------------------------------------------------
 */
typedef struct RowPlace
{
	int64		id;
	ItemPointerData tid;		/* as the primary key's entry has it */
	char		status;			/* simplehash's */
} RowPlace;

#define SH_PREFIX		places
#define SH_ELEMENT_TYPE	RowPlace
#define SH_KEY_TYPE		int64
#define SH_KEY			id
#define SH_HASH_KEY(tb, key) \
	murmurhash32((uint32) (key) ^ (uint32) ((uint64) (key) >> 32))
#define SH_EQUAL(tb, a, b)	((a) == (b))
#define SH_SCOPE		static inline
#define SH_DECLARE
#define SH_DEFINE
#include "lib/simplehash.h"

#if PG_VERSION_NUM < 140000
/* simplehash gained delete_item in 14; before, delete by the key */
#define places_delete_item(tb, entry)	places_delete((tb), (entry)->id)
#endif

/*
 * What a session keeps of users (else groups): its own row locations, when
 * they are not shared, and the buffers the heap's blocks were last found
 * in (see gu_tids_read_buffer()).  Both are of one storage of the heap, and
 * forgotten when it changes.
 */
struct SessionHeap
{
	Oid			relid;
	RelStorageId storage;
	places_hash *places;		/* created when first needed */
	Buffer	   *bufs;			/* by block; InvalidBuffer: not known */
	BlockNumber nbufs;
};

/* Whose SessionHeap: the join table keeps only buffers (gu_tids_open_buffers) */
typedef enum SessionHeapKind
{
	SESSION_USERS,
	SESSION_GROUPS,
	SESSION_MEMBERS
} SessionHeapKind;

static SessionHeap session_heaps[SESSION_MEMBERS + 1];

static SessionHeap *
session_heap(Relation heap, SessionHeapKind which)
{
	SessionHeap *sh = &session_heaps[which];

	if (sh->relid != RelationGetRelid(heap) ||
		!StorageEquals(sh->storage, RelStorage(heap)))
	{
		if (sh->places != NULL)
			places_reset(sh->places);
		if (sh->bufs != NULL)
			memset(sh->bufs, 0, sh->nbufs * sizeof(Buffer));
		sh->relid = RelationGetRelid(heap);
		sh->storage = RelStorage(heap);
	}
	return sh;
}

/* sh's row locations, the hash table made when first needed */
static places_hash *
session_places(SessionHeap *sh)
{
	if (sh->places == NULL)
	{
		static MemoryContext cxt = NULL;

		if (cxt == NULL)
			cxt = AllocSetContextCreate(TopMemoryContext,
										"group_users row locations",
										ALLOCSET_DEFAULT_SIZES);
		sh->places = places_create(cxt, 256, NULL);
	}
	return sh->places;
}

/*
 * When full, forget one id first: the first remembered from a bucket
 * picked by a counter hashed, so about any.  Starting afresh instead left
 * the cache half full on average, and ids read in turn, more of them than
 * it holds (a big group's members, a table bigger than the cache), were
 * never found in it.
 */
static void
places_put(places_hash *hash, int64 id, const GuPlace *place)
{
	bool		found;

	if (hash->members > (uint32) gu_tid_cache)
		places_reset(hash);		/* the setting was lowered */
	else if (hash->members == (uint32) gu_tid_cache)
	{
		static uint32 evictions = 0;
		places_iterator it;
		RowPlace   *victim;

		places_start_iterate_at(hash, &it, murmurhash32(evictions++));
		victim = places_iterate(hash, &it);
		if (victim != NULL)
			places_delete_item(hash, victim);
	}
	places_insert(hash, id, &found)->tid = place->tid;
}

/* ---------------------------------------------------------------------
 * Buffers
 * ---------------------------------------------------------------------
 */

/*
 * The shared buffer each block of a heap was last read into, by block
 * number, for ReadRecentBuffer(): a buffer found there is pinned without
 * the buffer mapping table's lookup (its hash, its partition lock and a
 * cache miss or two on a big pool).  Each session's own: a few kB per
 * hundred MB of heap.  Only ever a hint, too: ReadRecentBuffer() checks
 * the buffer still holds the block.
 */
#define BLOCK_BUFFERS_MAX	(1 << 18)	/* blocks: 1 MB of hints, 2 GB of heap */

/*
 * A pin on block of t's heap, as ReadBuffer() gives it; InvalidBuffer if
 * the heap has no such block (VACUUM may have cut its end off since a TID
 * was remembered).  A block found in its recent buffer is there: the
 * caller's lock on the heap keeps VACUUM from truncating it, and a
 * truncation drops the buffers past the new end.  So only a miss asks the
 * heap's size, a system call (lseek): asked on every call, it was 7% of a
 * set_user_groups, whose adds each look up a user and a group.
 */
Buffer
gu_tids_read_buffer(GuTids *t, BlockNumber block)
{
	SessionHeap *sh = t->session;
	Buffer		buf;

#if PG_VERSION_NUM >= 140000
	if (block < sh->nbufs && BufferIsValid(sh->bufs[block]) &&
		ReadRecentBuffer(RelStorage(t->heap), MAIN_FORKNUM, block,
						 sh->bufs[block]))
	{
		/* counted as ReadBuffer() counts a hit */
		pgstat_count_buffer_read(t->heap);
		pgstat_count_buffer_hit(t->heap);
		return sh->bufs[block];
	}
#endif
	if (t->nblocks == InvalidBlockNumber || block >= t->nblocks)
	{
		t->nblocks = RelationGetNumberOfBlocks(t->heap);
		if (block >= t->nblocks)
			return InvalidBuffer;
	}
	buf = ReadBuffer(t->heap, block);
	if (block >= sh->nbufs && block < BLOCK_BUFFERS_MAX)
	{
		BlockNumber n = Max(sh->nbufs, 1024);

		while (n <= block)
			n *= 2;
		if (sh->bufs == NULL)
			sh->bufs = MemoryContextAllocZero(TopMemoryContext,
											  n * sizeof(Buffer));
		else
		{
			sh->bufs = repalloc(sh->bufs, n * sizeof(Buffer));
			memset(sh->bufs + sh->nbufs, 0, (n - sh->nbufs) * sizeof(Buffer));
		}
		sh->nbufs = n;
	}
	if (block < sh->nbufs)
		sh->bufs[block] = buf;
	return buf;
}

/* ---------------------------------------------------------------------
 * Prefetching
 * ---------------------------------------------------------------------
 */
#ifdef __GNUC__
#define prefetch(addr)	__builtin_prefetch(addr)
#else
#define prefetch(addr)	((void) 0)
#endif

/*
 * Bring id's bucket towards the CPU's cache, for a gu_tids_get() of id a
 * few rows later: on a big table the bucket is a cache miss otherwise.
 */
void
gu_tids_prefetch(GuTids *t, int64 id)
{
	uint64		run_hash;

	if (t->shared)
		prefetch(shared_bucket(t, id, &run_hash));
}

/*
 * Bring what reading id's row will touch towards the CPU's cache: the
 * descriptor of the buffer its block was last in, the page's header, the
 * row's line pointer and, where it was when last read, the tuple.  The
 * page is not pinned: its addresses are only prefetched, never read.
 */
void
gu_tids_prefetch_row(GuTids *t, int64 id)
{
	GuPlace		place;
	BlockNumber block;
	Buffer		buf;
	char	   *page;

	if (!gu_tids_get(t, id, &place))
		return;
	block = ItemPointerGetBlockNumber(&place.tid);
	if (block >= t->session->nbufs ||
		!BufferIsValid(buf = t->session->bufs[block]))
		return;
	page = (char *) BufferGetBlock(buf);
	prefetch(GetBufferDescriptor(buf - 1));
	prefetch(page);
	prefetch(page + SizeOfPageHeaderData +
			 (ItemPointerGetOffsetNumber(&place.tid) - 1) * sizeof(ItemIdData));
	if (place.pos != 0)
		prefetch(page + place.pos * GU_POS_UNIT);
}

/* ---------------------------------------------------------------------
 * The interface: either home
 * ---------------------------------------------------------------------
 */

/*
 * Begin using the remembered TIDs of heap (users, else groups); none may be
 * used unless gu_tids_in_use() says so.
 */
void
gu_tids_open(GuTids *t, Relation heap, bool users)
{
	t->shared = t->local = false;
	t->heap = heap;
	t->session = NULL;
	t->nblocks = InvalidBlockNumber;
	if (gu_tid_cache <= 0 || IsolationIsSerializable() ||
		heap->rd_rel->relam != HEAP_TABLE_AM_OID)
		return;
	t->session = session_heap(heap, users ? SESSION_USERS : SESSION_GROUPS);
	if (shared_tids != NULL)
	{
		RelStorageId storage = RelStorage(heap);

		t->shared = true;
		t->seed = mix64(((uint64) MyDatabaseId << 32) ^
						hash_bytes((const unsigned char *) &storage,
								   sizeof(storage)));
	}
	else
	{
		t->local = true;
		(void) session_places(t->session);
	}
}

/*
 * Only the recent buffers (gu_tids_read_buffer) of heap, the join table:
 * its rows are found by its own indexes, so no TID is remembered.
 */
void
gu_tids_open_buffers(GuTids *t, Relation heap)
{
	t->shared = t->local = false;
	t->heap = heap;
	t->nblocks = InvalidBlockNumber;
	t->session = session_heap(heap, SESSION_MEMBERS);
}

/* The place remembered for id, if any */
bool
gu_tids_get(GuTids *t, int64 id, GuPlace *place)
{
	if (t->shared)
	{
		uint64		run_hash;
		pg_atomic_uint64 *bucket = shared_bucket(t, id, &run_hash);

		for (int way = 0; way < SLOT_WAYS; way++)
		{
			uint64		word = pg_atomic_read_u64(&bucket[way]);

			if (slot_of_run(word, run_hash))
			{
				slot_place(word, place);
				return true;
			}
		}
		return false;
	}
	else
	{
		RowPlace   *row = places_lookup(t->session->places, id);

		if (row == NULL)
			return false;
		place->tid = row->tid;
		place->pos = 0;
		return true;
	}
}

/* Remember place, where the primary key's entry of id points */
void
gu_tids_put(GuTids *t, int64 id, const GuPlace *place)
{
	if (t->shared)
	{
		uint64		run_hash;
		pg_atomic_uint64 *bucket = shared_bucket(t, id, &run_hash);
		uint64		word = slot_word(run_hash, place);
		uint64		w[SLOT_WAYS];
		int			way = -1;

		StaticAssertStmt((SLOT_WAYS & (SLOT_WAYS - 1)) == 0,
						 "a victim is picked by bits of the hash");
		/* id's own slot, else an empty one, else the run's victim */
		for (int i = 0; i < SLOT_WAYS; i++)
		{
			w[i] = pg_atomic_read_u64(&bucket[i]);
			if (slot_of_run(w[i], run_hash))
			{
				way = i;
				break;
			}
			if (w[i] == 0 && way < 0)
				way = i;
		}
		if (way < 0)
			way = (run_hash >> 44) & (SLOT_WAYS - 1);
		/* a store only when it changes: the line stays shared otherwise */
		if (w[way] != word)
			pg_atomic_write_u64(&bucket[way], word);
	}
	else
		places_put(t->session->places, id, place);
}

/* Forget place, given by gu_tids_get() for id, which was not id's row */
void
gu_tids_forget(GuTids *t, int64 id, const GuPlace *place)
{
	if (t->shared)
	{
		uint64		run_hash;
		pg_atomic_uint64 *bucket = shared_bucket(t, id, &run_hash);

		/* unless another session has put a newer one there meanwhile */
		for (int way = 0; way < SLOT_WAYS; way++)
		{
			uint64		word = slot_word(run_hash, place);

			if (pg_atomic_compare_exchange_u64(&bucket[way], &word, 0))
				break;
		}
	}
	else
		places_delete(t->session->places, id);
}
