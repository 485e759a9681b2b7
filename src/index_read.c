/*-------------------------------------------------------------------------
 *
 * index_read.c
 *	  The thin reads (user_groups, group_members, their counts, is_member,
 *	  is_member_of_all, is_member_of_any) and the two parts of a JSON
 *	  document (user_with_groups, group_with_users) done directly on the
 *	  indexes, without SPI or an executor.
 *
 * Through SPI, each call of user_groups() starts a second executor for a
 * statement whose plan is already known: an index scan of the join table
 * and a primary-key probe of the other side per row.  That fixed cost is
 * most of a call for the usual ten rows, so these reads run the same
 * scans here with the index AM: the same snapshot (the active one, which
 * SPI's read-only execution uses too), the same AccessShareLocks, and the
 * same predicate locks under SERIALIZABLE (the AMs take those).
 *
 * The direct path is taken only when it is sure to return what the SPI
 * statement would:
 *	 - the caller has USAGE on the schema and SELECT on every table read
 *	   (table-level; column grants are left to the executor's checks);
 *	 - no row-level security policy applies to the caller on those tables;
 *	 - the tables, columns and indexes are still the ones the extension
 *	   created: same names, types and key columns.
 * Otherwise the caller runs its SPI statement, which then raises the
 * privilege error or applies the policies.  What was found is kept per
 * backend and forgotten on any relcache invalidation of those relations.
 *
 *-------------------------------------------------------------------------
 */
#include "group_users.h"
#include "direct.h"
#include "tid_cache.h"

#include "access/genam.h"
#include "access/heapam.h"
#include "access/htup_details.h"
#include "access/itup.h"
#include "access/nbtree.h"
#include "access/relation.h"
#include "access/stratnum.h"
#include "access/table.h"
#include "access/tableam.h"
#include "access/visibilitymap.h"
#include "access/xact.h"
#include "catalog/pg_am.h"
#include "catalog/pg_constraint.h"
#include "catalog/pg_index.h"
#include "catalog/pg_namespace.h"
#include "catalog/pg_opfamily.h"
#include "catalog/pg_type.h"
#include "commands/trigger.h"
#include "executor/executor.h"
#include "executor/tuptable.h"
#include "miscadmin.h"
#include "pgstat.h"
#include "storage/bufmgr.h"
#include "storage/predicate.h"
#include "utils/acl.h"
#include "utils/fmgroids.h"
#include "utils/inval.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/rel.h"
#include "utils/rls.h"
#include "utils/snapmgr.h"
#include "utils/syscache.h"


DirectRels	gu_rels;
static bool callback_registered = false;

static void
rels_invalidate(Datum arg pg_attribute_unused(), Oid relid)
{
	if (relid == InvalidOid ||
		relid == gu_rels.members || relid == gu_rels.members_by_user ||
		relid == gu_rels.members_by_group || relid == gu_rels.users ||
		relid == gu_rels.users_pkey || relid == gu_rels.groups ||
		relid == gu_rels.groups_pkey)
		gu_rels.valid = false;
}

/* Attribute number of column name of relid if it has type typid, else 0 */
static AttrNumber
column(Oid relid, const char *name, Oid typid)
{
	AttrNumber	attnum = get_attnum(relid, name);

	if (attnum <= 0 || get_atttype(relid, attnum) != typid)
		return InvalidAttrNumber;
	return attnum;
}

/*
 * Is index name (in the extension's schema) a valid, plain btree index of
 * heap on exactly the int8 columns key1[, key2], in that order?  Returns
 * its OID, or InvalidOid.
 */
static Oid
btree_index(const char *name, Oid heap, AttrNumber key1, AttrNumber key2)
{
	Oid			index = get_relname_relid(name, gu_rels.nsp);
	int			nkeys = key2 == InvalidAttrNumber ? 1 : 2;
	HeapTuple	tuple;
	Form_pg_index form;
	bool		ok;

	if (!OidIsValid(index) || get_rel_relkind(index) != RELKIND_INDEX)
		return InvalidOid;
	tuple = SearchSysCache1(INDEXRELID, ObjectIdGetDatum(index));
	if (!HeapTupleIsValid(tuple))
		return InvalidOid;
	form = (Form_pg_index) GETSTRUCT(tuple);
	ok = form->indrelid == heap && form->indisvalid && form->indisready &&
		form->indislive && form->indnkeyatts == nkeys &&
		form->indkey.values[0] == key1 &&
		(nkeys == 1 || form->indkey.values[1] == key2) &&
		heap_attisnull(tuple, Anum_pg_index_indexprs, NULL) &&
		heap_attisnull(tuple, Anum_pg_index_indpred, NULL);
	if (ok)
	{
		bool		isnull;
		Datum		d = SysCacheGetAttr(INDEXRELID, tuple,
										Anum_pg_index_indclass, &isnull);
		oidvector  *indclass = (oidvector *) DatumGetPointer(d);
		int			i;

		for (i = 0; ok && i < nkeys; i++)
			ok = get_opclass_family(indclass->values[i]) == INTEGER_BTREE_FAM_OID &&
				get_opclass_input_type(indclass->values[i]) == INT8OID;
	}
	ReleaseSysCache(tuple);
	/* an opclass of the btree integer family: a btree index */
	return ok ? index : InvalidOid;
}

/* The join table's columns, in the order of DirectRels' by_*_cols */
static void
member_columns(AttrNumber *cols)
{
	cols[0] = gu_rels.m_user_id;
	cols[1] = gu_rels.m_group_id;
	cols[2] = gu_rels.m_role;
	cols[3] = gu_rels.m_created_at;
	cols[4] = gu_rels.m_updated_at;
}

/*
 * Positions in index (1-based, key or INCLUDE columns) of the heap's
 * columns cols, 0 where one is not in it.  Returns whether all are.
 */
static bool
index_columns(Oid index, const AttrNumber *cols, int n, AttrNumber *pos)
{
	HeapTuple	tuple = SearchSysCache1(INDEXRELID, ObjectIdGetDatum(index));
	Form_pg_index form = NULL;
	bool		all = true;
	int			i,
				k;

	/* dropped since it was found: then it covers nothing */
	if (HeapTupleIsValid(tuple))
		form = (Form_pg_index) GETSTRUCT(tuple);
	for (k = 0; k < n; k++)
	{
		pos[k] = InvalidAttrNumber;
		for (i = 0; form != NULL && i < form->indnatts; i++)
			if (form->indkey.values[i] == cols[k])
				pos[k] = i + 1;
		all = all && pos[k] != InvalidAttrNumber;
	}
	if (form != NULL)
		ReleaseSysCache(tuple);
	return all;
}

/* Look everything up again; gu_rels.usable says whether it was all there */
static void
rels_fill(FunctionCallInfo fcinfo)
{
	static uint64 generation = 0;

	if (!callback_registered)
	{
		CacheRegisterRelcacheCallback(rels_invalidate, (Datum) 0);
		callback_registered = true;
	}
	memset(&gu_rels, 0, sizeof(gu_rels));
	gu_rels.generation = ++generation;
	/* valid first: an invalidation arriving while we look clears it */
	gu_rels.valid = true;

	gu_rels.nsp = get_func_namespace(fcinfo->flinfo->fn_oid);
	gu_rels.members = get_relname_relid("group_users", gu_rels.nsp);
	gu_rels.users = get_relname_relid("users", gu_rels.nsp);
	gu_rels.groups = get_relname_relid("groups", gu_rels.nsp);
	if (!OidIsValid(gu_rels.members) || !OidIsValid(gu_rels.users) ||
		!OidIsValid(gu_rels.groups) ||
		get_rel_relkind(gu_rels.members) != RELKIND_RELATION ||
		get_rel_relkind(gu_rels.users) != RELKIND_RELATION ||
		get_rel_relkind(gu_rels.groups) != RELKIND_RELATION)
		return;

	gu_rels.m_user_id = column(gu_rels.members, "user_id", INT8OID);
	gu_rels.m_group_id = column(gu_rels.members, "group_id", INT8OID);
	gu_rels.m_role = column(gu_rels.members, "role", TEXTOID);
	gu_rels.m_created_at = column(gu_rels.members, "created_at", TIMESTAMPTZOID);
	gu_rels.m_updated_at = column(gu_rels.members, "updated_at", TIMESTAMPTZOID);
	gu_rels.u_created_at = column(gu_rels.users, "created_at", TIMESTAMPTZOID);
	gu_rels.u_updated_at = column(gu_rels.users, "updated_at", TIMESTAMPTZOID);
	gu_rels.g_created_at = column(gu_rels.groups, "created_at", TIMESTAMPTZOID);
	gu_rels.g_updated_at = column(gu_rels.groups, "updated_at", TIMESTAMPTZOID);
	gu_rels.u_id = column(gu_rels.users, "id", INT8OID);
	gu_rels.u_username = column(gu_rels.users, "username", TEXTOID);
	gu_rels.u_email = column(gu_rels.users, "email", TEXTOID);
	gu_rels.g_id = column(gu_rels.groups, "id", INT8OID);
	gu_rels.g_name = column(gu_rels.groups, "name", TEXTOID);
	if (!gu_rels.m_user_id || !gu_rels.m_group_id || !gu_rels.m_role ||
		!gu_rels.m_created_at || !gu_rels.m_updated_at ||
		!gu_rels.u_created_at || !gu_rels.u_updated_at ||
		!gu_rels.g_created_at || !gu_rels.g_updated_at ||
		!gu_rels.u_id || !gu_rels.u_username ||
		!gu_rels.u_email || !gu_rels.g_id || !gu_rels.g_name)
		return;

	gu_rels.members_by_user = btree_index("group_users_pkey", gu_rels.members,
										  gu_rels.m_user_id, gu_rels.m_group_id);
	gu_rels.members_by_group = btree_index("group_users_group_id_user_id_idx",
										   gu_rels.members,
										   gu_rels.m_group_id, gu_rels.m_user_id);
	gu_rels.users_pkey = btree_index("users_pkey", gu_rels.users,
									 gu_rels.u_id, InvalidAttrNumber);
	gu_rels.groups_pkey = btree_index("groups_pkey", gu_rels.groups,
									  gu_rels.g_id, InvalidAttrNumber);
	gu_rels.usable = OidIsValid(gu_rels.members_by_user) &&
		OidIsValid(gu_rels.members_by_group) &&
		OidIsValid(gu_rels.users_pkey) && OidIsValid(gu_rels.groups_pkey);
	if (gu_rels.usable)
	{
		AttrNumber	cols[5];

		member_columns(cols);
		gu_rels.by_user_covers = index_columns(gu_rels.members_by_user, cols, 5,
											   gu_rels.by_user_cols);
		gu_rels.by_group_covers = index_columns(gu_rels.members_by_group, cols, 5,
												gu_rels.by_group_cols);
	}
}

/* Found what the direct path needs?  If not, look again next call. */
static bool
rels_usable(FunctionCallInfo fcinfo)
{
	if (!gu_rels.valid)
		rels_fill(fcinfo);
	if (!gu_rels.usable)
	{
		/* an index renamed back, say, sends no invalidation we'd notice */
		gu_rels.valid = false;
		return false;
	}
	return true;
}

/*
 * May the direct path read rel (NULL: not read) in place of its statements:
 * the caller may read all of it, no policy applies, and rel is all the
 * statements read?  They name our tables without ONLY, so they also read
 * the rows of a table inheriting from one.  (relhassubclass outlives the
 * last child until an ANALYZE of rel: stepping aside until then only costs
 * time.)
 */
static bool
may_read(Relation rel)
{
	Oid			relid;

	if (rel == NULL)
		return true;
	relid = RelationGetRelid(rel);
	if (rel->rd_rel->relhassubclass ||
		pg_class_aclcheck(relid, GetUserId(), ACL_SELECT) != ACLCHECK_OK)
		return false;
	/* the relcache knows whether the table has RLS at all: skip the lookup */
	return !rel->rd_rel->relrowsecurity ||
		check_enable_rls(relid, InvalidOid, true) != RLS_ENABLED;
}


void
gu_direct_close(DirectRelations *r)
{
	/* locks are kept to the end of the transaction, as the executor's */
	if (r->members != NULL)
		table_close(r->members, NoLock);
	if (r->users != NULL)
		table_close(r->users, NoLock);
	if (r->groups != NULL)
		table_close(r->groups, NoLock);
	r->members = r->users = r->groups = NULL;
}

/*
 * Open the join table (locked in members_lock) and, as asked, users and
 * groups, if the direct path may read them.  Returns false, with nothing
 * read or left open, when it may not: the caller then runs its SPI
 * statement.
 */
bool
gu_direct_open(FunctionCallInfo fcinfo, bool users, bool groups,
			   LOCKMODE members_lock, DirectRelations *r)
{
	int			tries;

	memset(r, 0, sizeof(*r));
	/* a security module checking the executor's accesses must see ours */
	if (ExecutorCheckPerms_hook != NULL)
		return false;
	for (tries = 0; tries < 3; tries++)
	{
		if (!rels_usable(fcinfo))
			return false;
		r->members = table_open(gu_rels.members, members_lock);
		if (users)
			r->users = table_open(gu_rels.users, AccessShareLock);
		if (groups)
			r->groups = table_open(gu_rels.groups, AccessShareLock);
		/* locking took in pending invalidations: did any touch us? */
		if (gu_rels.valid)
			break;
		gu_direct_close(r);
	}
	if (r->members == NULL)
		return false;			/* the catalogs keep changing: use SPI */

	if (
#if PG_VERSION_NUM >= 160000
		object_aclcheck(NamespaceRelationId, gu_rels.nsp, GetUserId(),
						ACL_USAGE) == ACLCHECK_OK &&
#else
		pg_namespace_aclcheck(gu_rels.nsp, GetUserId(), ACL_USAGE) == ACLCHECK_OK &&
#endif
		may_read(r->members) && may_read(r->users) && may_read(r->groups))
		return true;

	gu_direct_close(r);
	return false;
}

/*
 * Is the index entry the scan is on visible to its snapshot?  With
 * index_only, as an index-only scan decides it: an entry on an all-visible
 * heap page needs no heap visit (nor, then, a slot), but a predicate lock
 * on that page, as if it had been visited.
 */
static bool
entry_visible(IndexScanDesc scan, bool index_only, Buffer *vmbuf,
			  TupleTableSlot *slot)
{
	BlockNumber block = ItemPointerGetBlockNumber(&scan->xs_heaptid);

	if (index_only && VM_ALL_VISIBLE(scan->heapRelation, block, vmbuf))
	{
		PredicateLockPage(scan->heapRelation, block, scan->xs_snapshot);
		return true;
	}
	return index_fetch_heap(scan, slot);
}

/*
 * Next entry of an index scan whose heap tuple is visible to the scan's
 * snapshot (see entry_visible()).  With index_only, the entry's key
 * columns are then in scan->xs_itup.
 */
static bool
scan_next(IndexScanDesc scan, bool index_only, Buffer *vmbuf,
		  TupleTableSlot *slot)
{
	if (!index_only)
		return index_getnext_slot(scan, ForwardScanDirection, slot);
	while (index_getnext_tid(scan, ForwardScanDirection) != NULL)
	{
		if (entry_visible(scan, true, vmbuf, slot))
			return true;
	}
	return false;
}

/*
 * Probes of a primary key for ascending ids: the other side of a list,
 * in the join index's order.  Each probe by equality descends the btree
 * from its root.  When the ids come close together (a group of every
 * tenth user, say), one scan of the range just above the id instead finds
 * the next ones by reading on along the leaf pages it has: each leaf page
 * is then read once, not once per id.  Either way the AM gives the same
 * entries, visibility, HOT chains and predicate locks as an equality scan.
 */
typedef struct PkeyProbe
{
	Relation	heap;
	Relation	index;
	bool		index_only;		/* see entry_visible() */
	Buffer		vmbuf;
	IndexScanDesc eq;			/* by equality, begun when first needed */
	IndexScanDesc range;		/* of a range, with the entries' keys, too */
	IndexScanDesc scan;			/* the one positioned by the last rescan */
	bool		started;		/* a probe was made: last is set */
	int64		last;			/* the last id probed */
	int			near;			/* how many ids in a row came near */
	int64		hi;				/* scan's range ends here (inclusive) */
	bool		done;			/* scan has no more entries */
	bool		have_entry;		/* scan is on an entry of id entry */
	int64		entry;
	GuTids		tids;			/* remembered TIDs (tid_cache.c) */
	AttrNumber	id_attno;		/* the heap's primary key column */
	Buffer		cbuf;			/* pinned: the heap page last fetched from */
} PkeyProbe;

/*
 * Read on, not descend, once PROBE_NEAR_RUN ids in a row have come at most
 * PROBE_NEAR_GAP apart (a range scan costs more to start than a probe, so
 * a pair of near ids does not pay for it); then scan PROBE_AHEAD gaps'
 * worth of ids ahead.  Measured on a dense bigint key: reading on costs
 * fewer instructions than descending up to a gap of about 18 entries
 * (15% fewer at 10), more beyond (4% more at 30, 26% at 100).
 */
#define PROBE_NEAR_GAP	16
#define PROBE_NEAR_RUN	2
#define PROBE_AHEAD		64

/* users: heap is users, else groups */
static void
probe_begin(PkeyProbe *p, Relation heap, Relation index, bool users,
			bool index_only)
{
	memset(p, 0, sizeof(*p));
	p->heap = heap;
	p->index = index;
	p->index_only = index_only;
	p->vmbuf = InvalidBuffer;
	p->cbuf = InvalidBuffer;
	/* even an index-only probe: one heap page costs less than a descent */
	gu_tids_open(&p->tids, heap, users);
	p->id_attno = users ? gu_rels.u_id : gu_rels.g_id;
}

static void
probe_end(PkeyProbe *p)
{
	if (BufferIsValid(p->vmbuf))
		ReleaseBuffer(p->vmbuf);
	if (p->eq != NULL)
		index_endscan(p->eq);
	if (p->range != NULL)
		index_endscan(p->range);
	if (BufferIsValid(p->cbuf))
		ReleaseBuffer(p->cbuf);
}

/*
 * heapam_index_fetch_tuple() for one TID of a heap table, its page pinned
 * (kept in *cbuf) through the block's recent buffer when there is one;
 * false too if the heap has no such block.  Moves tid along the HOT
 * chain; *all_dead as heap_hot_search_buffer() sets it.
 */
static bool
fetch_tid(GuTids *t, Buffer *cbuf, ItemPointer tid, Snapshot snapshot,
		  TupleTableSlot *slot, bool *all_dead)
{
	BufferHeapTupleTableSlot *bslot = (BufferHeapTupleTableSlot *) slot;
	BlockNumber block = ItemPointerGetBlockNumber(tid);
	bool		found;

	Assert(TTS_IS_BUFFERTUPLE(slot));
	*all_dead = false;
	if (!BufferIsValid(*cbuf) || BufferGetBlockNumber(*cbuf) != block)
	{
		if (BufferIsValid(*cbuf))
			ReleaseBuffer(*cbuf);
		*cbuf = gu_tids_read_buffer(t, block);
		if (!BufferIsValid(*cbuf))
			return false;		/* past the heap's end */
		heap_page_prune_opt(t->heap, *cbuf);
	}
	LockBuffer(*cbuf, BUFFER_LOCK_SHARE);
	found = heap_hot_search_buffer(tid, t->heap, *cbuf, snapshot,
								   &bslot->base.tupdata, all_dead, true);
	bslot->base.tupdata.t_self = *tid;
	LockBuffer(*cbuf, BUFFER_LOCK_UNLOCK);
	if (found)
	{
		slot->tts_tableOid = RelationGetRelid(t->heap);
		ExecStoreBufferHeapTuple(&bslot->base.tupdata, slot, *cbuf);
	}
	return found;
}

/* fetch_tid() for a probe (the tables are heap: see gu_tids_open()) */
static bool
probe_fetch(PkeyProbe *p, ItemPointer tid, TupleTableSlot *slot)
{
	bool		all_dead;

	return fetch_tid(&p->tids, &p->cbuf, tid, GetActiveSnapshot(), slot,
					 &all_dead);
}

/*
 * scan_next() of a scan that is not index-only, each entry's heap tuple
 * fetched as index_fetch_heap() fetches it, but with fetch_tid(): in the
 * key's order a user's memberships go from page to page, and
 * index_fetch_heap() looks each page up in the buffer mapping.
 */
static bool
members_next(IndexScanDesc scan, GuTids *t, Buffer *cbuf,
			 TupleTableSlot *slot)
{
	while (index_getnext_tid(scan, ForwardScanDirection) != NULL)
	{
		bool		all_dead;

		if (fetch_tid(t, cbuf, &scan->xs_heaptid, scan->xs_snapshot, slot,
					  &all_dead))
		{
			pgstat_count_heap_fetch(scan->indexRelation);
			return true;
		}
		/* a whole dead HOT chain: the AM may mark its entry */
		if (!scan->xactStartedInRecovery)
			scan->kill_prior_tuple = all_dead;
	}
	return false;
}

/* Where slot's tuple, of a heap page, begins on it (GuPlace's pos) */
static inline uint16
slot_pos(TupleTableSlot *slot)
{
	BufferHeapTupleTableSlot *bslot = (BufferHeapTupleTableSlot *) slot;

	Assert(TTS_IS_BUFFERTUPLE(slot) && BufferIsValid(bslot->buffer));
	return gu_place_pos(BufferGetPage(bslot->buffer), bslot->base.tuple->t_data);
}

/*
 * The row of id at its remembered TID, if there is one, visible to the
 * snapshot and still of id; else forget the TID.
 */
static bool
probe_place(PkeyProbe *p, int64 id, TupleTableSlot *slot)
{
	GuPlace		place;
	ItemPointerData tid;
	bool		isnull;

	if (!gu_tids_get(&p->tids, id, &place))
		return false;
	tid = place.tid;
	if (probe_fetch(p, &tid, slot))
	{
		Datum		found = slot_getattr(slot, p->id_attno, &isnull);

		if (!isnull && DatumGetInt64(found) == id)
		{
			/* its place not known (an index-only probe put it), or moved */
			if (p->tids.shared && slot_pos(slot) != place.pos)
			{
				place.pos = slot_pos(slot);
				gu_tids_put(&p->tids, id, &place);
			}
			return true;
		}
	}
	gu_tids_forget(&p->tids, id, &place);
	return false;
}

/* Position a scan on the entries of id, and of ids up to p->hi if near */
static void
probe_rescan(PkeyProbe *p, int64 id)
{
	ScanKeyData keys[2];
	uint64		gap = p->started && id > p->last ?
		(uint64) id - (uint64) p->last : PG_UINT64_MAX;

	p->near = gap <= PROBE_NEAR_GAP ? p->near + 1 : 0;
	if (p->near >= PROBE_NEAR_RUN)
	{
		int64		ahead = (int64) gap * PROBE_AHEAD;

		p->hi = id > PG_INT64_MAX - ahead ? PG_INT64_MAX : id + ahead;
		if (p->range == NULL)
		{
			p->range = gu_index_beginscan(p->heap, p->index,
										  GetActiveSnapshot(), 2, 0);
			p->range->xs_want_itup = true;
		}
		ScanKeyInit(&keys[0], 1, BTGreaterEqualStrategyNumber, F_INT8GE,
					Int64GetDatum(id));
		ScanKeyInit(&keys[1], 1, BTLessEqualStrategyNumber, F_INT8LE,
					Int64GetDatum(p->hi));
		p->scan = p->range;
	}
	else
	{
		p->hi = id;
		if (p->eq == NULL)
			p->eq = gu_index_beginscan(p->heap, p->index,
									   GetActiveSnapshot(), 1, 0);
		ScanKeyInit(&keys[0], 1, BTEqualStrategyNumber, F_INT8EQ,
					Int64GetDatum(id));
		p->scan = p->eq;
	}
	/* as many keys as the scan was begun with */
	index_rescan(p->scan, keys, p->scan->numberOfKeys, NULL, 0);
	p->done = p->have_entry = false;
}

/*
 * Is there a row of id, visible to the snapshot?  Its heap tuple is then
 * in slot (unless the index alone answered, index_only).  ids must come
 * in ascending order.
 */
static bool
probe(PkeyProbe *p, int64 id, TupleTableSlot *slot)
{
	GuPlace		place;

	if (gu_tids_in_use(&p->tids) && probe_place(p, id, slot))
		return true;
	if (!p->started || id > p->hi || id <= p->last)
		probe_rescan(p, id);
	p->started = true;
	p->last = id;

	for (;;)
	{
		if (!p->have_entry)
		{
			bool		isnull;

			/* past its end a btree scan would start over: never call it */
			if (p->done)
				return false;
			if (index_getnext_tid(p->scan, ForwardScanDirection) == NULL)
			{
				p->done = true;
				return false;
			}
			p->entry = p->scan == p->eq ? id :
				DatumGetInt64(index_getattr(p->scan->xs_itup, 1,
											p->scan->xs_itupdesc, &isnull));
			p->have_entry = true;
		}
		if (p->entry > id)
			return false;		/* no entry of id: kept for the next id */
		p->have_entry = false;
		if (p->entry < id)
			continue;			/* an id in between, not asked for */
		/* the entry's TID: fetching moves it along a HOT chain */
		place.tid = p->scan->xs_heaptid;
		if (entry_visible(p->scan, p->index_only, &p->vmbuf, slot))
		{
			/* a descent saved next time; reading on is cheap already */
			if (gu_tids_in_use(&p->tids) && p->scan == p->eq)
			{
				/* index-only: not fetched, the next probe_place() puts it */
				place.pos = p->index_only ? 0 : slot_pos(slot);
				gu_tids_put(&p->tids, id, &place);
			}
			return true;
		}
		/* a dead version: the next entry may be of id still */
	}
}

/*
 * The row of users (else groups) of id visible to the active snapshot, by
 * its remembered TID or else its primary key (index); false if none.  The
 * direct add's foreign-key checks: see direct_write.c.
 */
bool
gu_pkey_fetch(Relation heap, Relation index, bool users, int64 id,
			  TupleTableSlot *slot)
{
	PkeyProbe	p;
	bool		found;

	probe_begin(&p, heap, index, users, false);
	found = probe(&p, id, slot);
	probe_end(&p);
	return found;
}

/*
 * The other side's rows of the entries a few ahead of the one the join
 * index scan is on, on its current leaf page, are brought towards the
 * CPU's cache (see gu_tids_prefetch()): at 1M users nearly every row is a
 * cache miss, each waited for in turn without this (count_group_members
 * 10,000 TPS at 1M users without, 12,000 with).  The btree scan has the
 * page's entries already (nbtree.h's scan position; direct_scan() asks
 * for their tuples): this only reads them.  Entries up to PREFETCH_BUCKET
 * ahead: the remembered TID's bucket; up to PREFETCH_ROW ahead: its buffer
 * and page, found with that TID; on a new leaf page, all of them at once
 * (a short list whole).  Only with the shared locations: a session's own
 * are a hash table, whose lookups this would double.
 */
#define PREFETCH_BUCKET	16
#define PREFETCH_ROW	8

/* How far along the scan's leaf page the prefetches have gone */
typedef struct Prefetched
{
	BlockNumber page;			/* the leaf page, by its block */
	int			buckets;		/* last entry whose bucket was prefetched */
	int			rows;			/* ... whose row */
} Prefetched;

/* The other side's id in the entry at index i of the scan's leaf page */
static inline bool
entry_at(IndexScanDesc scan, int i, int64 *other)
{
	BTScanOpaque so = (BTScanOpaque) scan->opaque;
	IndexTuple	itup;
	bool		isnull;

	itup = (IndexTuple) (so->currTuples + so->currPos.items[i].tupleOffset);
	*other = DatumGetInt64(index_getattr(itup, 2, scan->xs_itupdesc, &isnull));
	return !isnull;
}

static void
prefetch_ahead(IndexScanDesc scan, PkeyProbe *p, Prefetched *pf)
{
	BTScanOpaque so = (BTScanOpaque) scan->opaque;
	int			here = so->currPos.itemIndex;
	int64		other;

	if (!p->tids.shared)
		return;
	Assert(so->currTuples != NULL); /* xs_want_itup */
	/* a new leaf page: from the entry the scan is on (a short list: all) */
	if (so->currPos.currPage != pf->page)
	{
		pf->page = so->currPos.currPage;
		pf->buckets = pf->rows = here;
	}
	while (pf->buckets < Min(here + PREFETCH_BUCKET, so->currPos.lastItem))
		if (entry_at(scan, ++pf->buckets, &other))
			gu_tids_prefetch(&p->tids, other);
	while (pf->rows < Min(here + PREFETCH_ROW, so->currPos.lastItem))
		if (entry_at(scan, ++pf->rows, &other))
			gu_tids_prefetch_row(&p->tids, other);
}

/* Where the rows of a direct read go */
typedef enum DirectOut
{
	OUT_COUNT,					/* nowhere: only counted */
	OUT_LIST,					/* user_groups / group_members rows */
	OUT_DOCUMENT				/* the other side's row + the membership's */
} DirectOut;

/*
 * Copy columns attnums of slot into values/nulls from position *i on.
 */
static void
take(TupleTableSlot *slot, const AttrNumber *attnums, int n,
	 Datum *values, bool *nulls, int *i)
{
	int			k;
	AttrNumber	last = 0;

	/* deform the tuple once, up to the last column wanted */
	for (k = 0; k < n; k++)
		last = Max(last, attnums[k]);
	slot_getsomeattrs(slot, last);
	for (k = 0; k < n; k++, (*i)++)
	{
		values[*i] = slot->tts_values[attnums[k] - 1];
		nulls[*i] = slot->tts_isnull[attnums[k] - 1];
	}
}

/*
 * The columns of a users (else groups) row in the order the documents
 * write them; the lists take the first three (two) of them.
 */
static int
row_columns(bool users, AttrNumber *cols)
{
	if (users)
	{
		cols[0] = gu_rels.u_id;
		cols[1] = gu_rels.u_username;
		cols[2] = gu_rels.u_email;
		cols[3] = gu_rels.u_created_at;
		cols[4] = gu_rels.u_updated_at;
		return 5;
	}
	cols[0] = gu_rels.g_id;
	cols[1] = gu_rels.g_name;
	cols[2] = gu_rels.g_created_at;
	cols[3] = gu_rels.g_updated_at;
	return 4;
}

/*
 * A virtual slot with the column types of a document's rows (when
 * by_group: users' five columns, else groups' four), followed, with_list,
 * by the membership's five, as the JSON receiver expects them.  The four
 * descriptors are made once per backend.
 */
static TupleTableSlot *
document_slot(bool by_group, bool with_list)
{
	static TupleDesc descs[2][2];
	static const Oid user_types[] = {INT8OID, TEXTOID, TEXTOID,
	TIMESTAMPTZOID, TIMESTAMPTZOID};
	static const Oid group_types[] = {INT8OID, TEXTOID, TIMESTAMPTZOID,
	TIMESTAMPTZOID};
	static const Oid member_types[] = {INT8OID, INT8OID, TEXTOID,
	TIMESTAMPTZOID, TIMESTAMPTZOID};
	TupleDesc	desc = descs[by_group][with_list];

	if (desc == NULL)
	{
		const Oid  *types = by_group ? user_types : group_types;
		int			ntypes = by_group ? lengthof(user_types) : lengthof(group_types);
		int			natts = ntypes + (with_list ? lengthof(member_types) : 0);
		MemoryContext oldcxt = MemoryContextSwitchTo(TopMemoryContext);
		int			i;

		desc = CreateTemplateTupleDesc(natts);
		for (i = 0; i < natts; i++)
			TupleDescInitEntry(desc, i + 1, NULL,
							   i < ntypes ? types[i] : member_types[i - ntypes],
							   -1, 0);
		MemoryContextSwitchTo(oldcxt);
		descs[by_group][with_list] = desc;
	}
	return MakeSingleTupleTableSlot(desc, &TTSOpsVirtual);
}

/*
 * Do rel's triggers of constraint conoid (its checks on the join table, its
 * cascades on users or groups) all fire in a session that is not a
 * replica's?  None at all: not a foreign key we know.
 */
static bool
fkey_triggers_fire(Relation rel, Oid conoid)
{
	TriggerDesc *trigdesc = rel->trigdesc;
	int			found = 0;
	int			i;

	for (i = 0; trigdesc != NULL && i < trigdesc->numtriggers; i++)
	{
		Trigger    *trigger = &trigdesc->triggers[i];

		if (trigger->tgconstraint != conoid)
			continue;
		if (trigger->tgenabled != TRIGGER_FIRES_ON_ORIGIN &&
			trigger->tgenabled != TRIGGER_FIRES_ALWAYS)
			return false;
		found++;
	}
	return found > 0;
}

/*
 * Has the join table a validated foreign key (column fkcol) to other's
 * primary key (pkcol) whose triggers fire?
 */
static bool
fkey_enforced(Relation members, Relation other, AttrNumber fkcol,
			  AttrNumber pkcol)
{
	ListCell   *lc;

	foreach(lc, RelationGetFKeyList(members))
	{
		ForeignKeyCacheInfo *fk = lfirst_node(ForeignKeyCacheInfo, lc);
		HeapTuple	tuple;
		bool		validated;

		if (fk->confrelid != RelationGetRelid(other) || fk->nkeys != 1 ||
			fk->conkey[0] != fkcol || fk->confkey[0] != pkcol)
			continue;
		tuple = SearchSysCache1(CONSTROID, ObjectIdGetDatum(fk->conoid));
		if (!HeapTupleIsValid(tuple))
			continue;
		validated = ((Form_pg_constraint) GETSTRUCT(tuple))->convalidated;
		ReleaseSysCache(tuple);
		if (validated && fkey_triggers_fire(members, fk->conoid) &&
			fkey_triggers_fire(other, fk->conoid))
			return true;
	}
	return false;
}

/*
 * May a count of r's join table rows (by_group: a group's) leave out the
 * other side's probes, as every membership's user (group) is there?  The
 * statement it replaces joins that side only for its policies, which
 * gu_direct_open() found none of, and for rows the foreign key lets no
 * membership outlive.  That holds while the key is validated and its
 * triggers fire (ALTER TABLE changing either invalidates r's relcache
 * entries, and so gu_rels), the session is not a replica's (whose writes
 * skip the checks), and none of its checks or cascades wait in this
 * transaction's after-trigger queue: until they have fired, a user
 * deleted by this transaction can still have memberships.  (A snapshot
 * taken in between, a cursor opened by an earlier trigger of that
 * statement, could still show such a membership later.)
 */
static bool
fkey_holds(DirectRelations *r, bool by_group)
{
	Relation	other = by_group ? r->users : r->groups;
	GuFkeyState *state = by_group ? &gu_rels.user_fkey : &gu_rels.group_fkey;

	if (*state == GU_FKEY_UNKNOWN)
		*state = fkey_enforced(r->members, other,
							   by_group ? gu_rels.m_user_id : gu_rels.m_group_id,
							   by_group ? gu_rels.u_id : gu_rels.g_id) ?
			GU_FKEY_ENFORCED : GU_FKEY_NOT_ENFORCED;
	if (*state != GU_FKEY_ENFORCED ||
		SessionReplicationRole == SESSION_REPLICATION_ROLE_REPLICA)
		return false;
	return !AfterTriggerPendingOnRel(RelationGetRelid(r->members)) &&
		!AfterTriggerPendingOnRel(RelationGetRelid(other));
}

/*
 * One side's rows of id, from relations r: the join table's index on
 * (id, other id) from lower on, each joined to the other side's row by its
 * primary key, at most limit rows (limit < 0: all).  Returns their number.
 */
static int64
direct_scan(DirectRelations *r, bool by_group, int64 id,
			int64 lower, int64 limit, DirectOut out,
			Tuplestorestate *ts, TupleDesc desc, DestReceiver *dest)
{
	Relation	midx,
				oidx = NULL;
	Relation	orel = by_group ? r->users : r->groups;
	IndexScanDesc mscan;
	PkeyProbe	oprobe;
	Prefetched	prefetched;
	TupleTableSlot *mslot,
			   *oslot = NULL,
			   *islot = NULL,
			   *vslot = NULL;
	ScanKeyData mkeys[2];
	int64		n = 0;

	/*
	 * A count needs no column but the index's, and an index holding all the
	 * join table's columns (1.2's on group_id, 1.3's primary key) gives a
	 * list's: both are read index-only, as the planner would, without a heap
	 * visit per member on all-visible pages.  The members' columns then come
	 * from the index entry, at the index's positions.  The other side's
	 * probes are index-only for a count alone: a list returns that side's
	 * row.
	 */
	bool		covers = by_group ? gu_rels.by_group_covers : gu_rels.by_user_covers;
	bool		index_only = out == OUT_COUNT || covers;
	bool		from_index = covers && out != OUT_COUNT;	/* columns too */
	AttrNumber	heap_cols[5];
	const AttrNumber *cols = heap_cols;
	Buffer		mvm = InvalidBuffer;
	AttrNumber	other_cols[5];
	AttrNumber	member_cols[5];
	int			n_other;
	int			n_member;
	GuTids		mbufs;			/* the join table's recent buffers */
	Buffer		mcbuf = InvalidBuffer;
	bool		own_fetch = !index_only &&
		r->members->rd_rel->relam == HEAP_TABLE_AM_OID;
	bool		probes;

	/* a count whose foreign key says every other side's row is there */
	probes = out != OUT_COUNT || !fkey_holds(r, by_group);
	member_columns(heap_cols);
	if (from_index)
		cols = by_group ? gu_rels.by_group_cols : gu_rels.by_user_cols;
	/* the columns written, in the order of the statement they replace */
	n_other = row_columns(by_group, other_cols);
	if (out == OUT_LIST)
	{
		n_other = by_group ? 3 : 2;
		member_cols[0] = cols[2];	/* role */
		member_cols[1] = cols[3];	/* created_at */
		n_member = 2;
	}
	else
	{
		memcpy(member_cols, cols, sizeof(member_cols));
		n_member = 5;
	}

	midx = index_open(by_group ? gu_rels.members_by_group : gu_rels.members_by_user,
					  AccessShareLock);
	mslot = table_slot_create(r->members, NULL);
	/* a count that trusts the key never looks at the other side */
	if (probes)
	{
		oidx = index_open(by_group ? gu_rels.users_pkey : gu_rels.groups_pkey,
						  AccessShareLock);
		oslot = table_slot_create(orel, NULL);
		probe_begin(&oprobe, orel, oidx, by_group, out == OUT_COUNT);
	}
	if (from_index)
		islot = MakeSingleTupleTableSlot(RelationGetDescr(midx), &TTSOpsVirtual);
	if (out == OUT_DOCUMENT)
	{
		vslot = document_slot(by_group, true);
		dest->rStartup(dest, CMD_SELECT, vslot->tts_tupleDescriptor);
	}

	ScanKeyInit(&mkeys[0], 1, BTEqualStrategyNumber, F_INT8EQ,
				Int64GetDatum(id));
	ScanKeyInit(&mkeys[1], 2, BTGreaterEqualStrategyNumber, F_INT8GE,
				Int64GetDatum(lower));
	mscan = gu_index_beginscan(r->members, midx, GetActiveSnapshot(), 2, 0);
	/* the entries' tuples: the other side's id, and for prefetch_ahead() */
	mscan->xs_want_itup = true;
	index_rescan(mscan, mkeys, 2, NULL, 0);
	prefetched.page = InvalidBlockNumber;
	prefetched.buckets = prefetched.rows = -1;

	if (own_fetch)
		gu_tids_open_buffers(&mbufs, r->members);
	while ((limit < 0 || n < limit) &&
		   (own_fetch ? members_next(mscan, &mbufs, &mcbuf, mslot) :
			scan_next(mscan, index_only, &mvm, mslot)))
	{
		bool		isnull;
		Datum		other;
		int			i = 0;

		CHECK_FOR_INTERRUPTS();
		/* a foreign key's row deleted in this snapshot: no row, as a join */
		if (probes)
		{
			/* the other side's id: the index's second key column */
			other = index_getattr(mscan->xs_itup, 2, mscan->xs_itupdesc,
								  &isnull);
			prefetch_ahead(mscan, &oprobe, &prefetched);
			if (!probe(&oprobe, DatumGetInt64(other), oslot))
				continue;
		}
		n++;
		if (islot != NULL)
		{
			/* the entry's columns, as nodeIndexonlyscan.c's StoreIndexTuple */
			ExecClearTuple(islot);
			index_deform_tuple(mscan->xs_itup, mscan->xs_itupdesc,
							   islot->tts_values, islot->tts_isnull);
			ExecStoreVirtualTuple(islot);
		}
		if (out == OUT_LIST)
		{
			Datum		values[5];
			bool		nulls[5];

			take(oslot, other_cols, n_other, values, nulls, &i);
			take(islot ? islot : mslot, member_cols, n_member, values, nulls, &i);
			Assert(i == desc->natts);
			tuplestore_putvalues(ts, desc, values, nulls);
		}
		else if (out == OUT_DOCUMENT)
		{
			ExecClearTuple(vslot);
			take(oslot, other_cols, n_other, vslot->tts_values,
				 vslot->tts_isnull, &i);
			take(islot ? islot : mslot, member_cols, n_member,
				 vslot->tts_values, vslot->tts_isnull, &i);
			ExecStoreVirtualTuple(vslot);
			dest->receiveSlot(vslot, dest);
		}
	}

	if (vslot != NULL)
	{
		dest->rShutdown(dest);
		ExecDropSingleTupleTableSlot(vslot);
	}
	if (BufferIsValid(mvm))
		ReleaseBuffer(mvm);
	if (BufferIsValid(mcbuf))
		ReleaseBuffer(mcbuf);
	if (islot != NULL)
		ExecDropSingleTupleTableSlot(islot);
	index_endscan(mscan);
	if (probes)
	{
		probe_end(&oprobe);
		ExecDropSingleTupleTableSlot(oslot);
		index_close(oidx, NoLock);
	}
	ExecDropSingleTupleTableSlot(mslot);
	index_close(midx, NoLock);
	return n;
}

/*
 * user_groups / group_members rows (ts not NULL), or their number only:
 * see direct_scan().  Returns false, having read nothing, when the direct
 * path cannot be used.
 */
bool
gu_direct_list(FunctionCallInfo fcinfo, bool by_group, int64 id,
			   int64 lower, int64 limit, Tuplestorestate *ts,
			   TupleDesc desc, int64 *count)
{
	DirectRelations r;

	if (!gu_direct_reads ||
		!gu_direct_open(fcinfo, by_group, !by_group, AccessShareLock, &r))
		return false;
	*count = direct_scan(&r, by_group, id, lower, limit,
						 ts != NULL ? OUT_LIST : OUT_COUNT, ts, desc, NULL);
	gu_direct_close(&r);
	return true;
}

/* A JSON document read directly: all three tables open for both parts */
struct GuDirectDocument
{
	DirectRelations r;
	bool		group;			/* group_with_users, else user_with_groups */
};

/*
 * Open what user_with_groups (group_with_users, with group) reads, if the
 * direct path may read it; NULL if not: the caller then runs both parts'
 * SPI statements.
 */
GuDirectDocument *
gu_direct_document_begin(FunctionCallInfo fcinfo, bool group)
{
	DirectRelations r;
	GuDirectDocument *doc;

	if (!gu_direct_reads ||
		!gu_direct_open(fcinfo, true, true, AccessShareLock, &r))
		return NULL;
	doc = palloc(sizeof(GuDirectDocument));
	doc->r = r;
	doc->group = group;
	return doc;
}

/*
 * The head of the document, to dest: the row of user id (group id) by
 * primary key.  Returns whether there is one.
 */
bool
gu_direct_document_head(GuDirectDocument *doc, int64 id, DestReceiver *dest)
{
	Relation	rel = doc->group ? doc->r.groups : doc->r.users;
	Relation	idx;
	PkeyProbe	pk;
	TupleTableSlot *slot,
			   *vslot;
	bool		found;

	idx = index_open(doc->group ? gu_rels.groups_pkey : gu_rels.users_pkey,
					 AccessShareLock);
	slot = table_slot_create(rel, NULL);
	vslot = document_slot(!doc->group, false);
	probe_begin(&pk, rel, idx, !doc->group, false);
	found = probe(&pk, id, slot);
	dest->rStartup(dest, CMD_SELECT, vslot->tts_tupleDescriptor);
	if (found)
	{
		int			i = 0;
		AttrNumber	cols[5];
		int			ncols = row_columns(!doc->group, cols);

		take(slot, cols, ncols, vslot->tts_values, vslot->tts_isnull, &i);
		ExecStoreVirtualTuple(vslot);
		dest->receiveSlot(vslot, dest);
	}
	dest->rShutdown(dest);
	probe_end(&pk);
	ExecDropSingleTupleTableSlot(vslot);
	ExecDropSingleTupleTableSlot(slot);
	index_close(idx, NoLock);
	return found;
}

/*
 * The list of the document, to dest: the other side's rows of id with
 * their memberships, as the statements of user_with_groups.c give them.
 */
void
gu_direct_document_list(GuDirectDocument *doc, int64 id, DestReceiver *dest)
{
	direct_scan(&doc->r, doc->group, id, PG_INT64_MIN, -1, OUT_DOCUMENT,
				NULL, NULL, dest);
}

void
gu_direct_document_end(GuDirectDocument *doc)
{
	gu_direct_close(&doc->r);
	pfree(doc);
}

/*
 * Is user uid a member of the groups gids (n of them, n > 0): of all of
 * them (all), or of any?  One index-only probe of the join table's primary
 * key per group, in the order given, stopping as soon as the answer is
 * known: each probe takes the predicate locks of what it read, so under
 * SERIALIZABLE the answer is protected as the SPI statement's would be.
 * Returns false, having read nothing, when the direct path cannot be used.
 */
bool
gu_direct_is_member_of(FunctionCallInfo fcinfo, int64 uid, const int64 *gids,
					   int n, bool all, bool *result)
{
	DirectRelations r;
	Relation	midx;
	IndexScanDesc scan;
	TupleTableSlot *slot;
	ScanKeyData keys[2];
	Buffer		vmbuf = InvalidBuffer;
	int			i;

	Assert(n > 0);
	if (!gu_direct_reads ||
		!gu_direct_open(fcinfo, false, false, AccessShareLock, &r))
		return false;
	midx = index_open(gu_rels.members_by_user, AccessShareLock);
	slot = table_slot_create(r.members, NULL);
	scan = gu_index_beginscan(r.members, midx, GetActiveSnapshot(), 2, 0);
	/* all: true until one is missing; any: false until one is there */
	*result = all;
	for (i = 0; i < n && *result == all; i++)
	{
		ScanKeyInit(&keys[0], 1, BTEqualStrategyNumber, F_INT8EQ,
					Int64GetDatum(uid));
		ScanKeyInit(&keys[1], 2, BTEqualStrategyNumber, F_INT8EQ,
					Int64GetDatum(gids[i]));
		index_rescan(scan, keys, 2, NULL, 0);
		if (scan_next(scan, true, &vmbuf, slot) != all)
			*result = !all;
	}
	if (BufferIsValid(vmbuf))
		ReleaseBuffer(vmbuf);
	index_endscan(scan);
	ExecDropSingleTupleTableSlot(slot);
	index_close(midx, NoLock);
	gu_direct_close(&r);
	return true;
}

/*
 * The smallest of ids (n of them, ascending) with no row of users (else
 * groups) visible, as the bulk writes' check of their argument finds it
 * (memberships.c's MISSING_SQL, run as the statement of a volatile
 * function: see gu_direct_statement_begin): *any, and *missing.  One
 * probe of the primary key per id, most of them by the remembered TID, in
 * place of a statement's executor.  Returns false, having read nothing,
 * when the direct path cannot be used.
 */
bool
gu_direct_first_missing(FunctionCallInfo fcinfo, bool users, const int64 *ids,
						int n, bool *any, int64 *missing)
{
	DirectRelations r;
	Relation	heap;
	Relation	index;
	TupleTableSlot *slot;
	PkeyProbe	p;
	int			i;

	if (!gu_direct_reads ||
		!gu_direct_open(fcinfo, users, !users, AccessShareLock, &r))
		return false;
	heap = users ? r.users : r.groups;
	index = index_open(users ? gu_rels.users_pkey : gu_rels.groups_pkey,
					   AccessShareLock);
	slot = table_slot_create(heap, NULL);
	(void) gu_direct_statement_begin();
	probe_begin(&p, heap, index, users, true);
	*any = false;
	for (i = 0; i < n && !*any; i++)
	{
		if (!probe(&p, ids[i], slot))
		{
			*any = true;
			*missing = ids[i];
		}
		ExecClearTuple(slot);
	}
	probe_end(&p);
	gu_direct_statement_end();
	ExecDropSingleTupleTableSlot(slot);
	index_close(index, NoLock);
	gu_direct_close(&r);
	return true;
}
