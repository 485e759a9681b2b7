/*-------------------------------------------------------------------------
 *
 * direct_write.c
 *	  One membership removed or added directly with the table AM, without
 *	  SPI: remove_membership, add_membership, and the bulk writes that go
 *	  row by row (memberships.c).  What may be done so, and how it keeps to
 *	  what the statement would do, is said at each.
 *
 *-------------------------------------------------------------------------
 */
#include "group_users.h"
#include "direct.h"

#include "access/genam.h"
#include "access/stratnum.h"
#include "access/table.h"
#include "access/tableam.h"
#include "access/xact.h"
#include "catalog/pg_constraint.h"
#include "catalog/pg_index.h"
#include "catalog/pg_trigger.h"
#include "catalog/pg_type.h"
#include "commands/trigger.h"
#include "executor/executor.h"
#include "miscadmin.h"
#include "nodes/makefuncs.h"
#include "optimizer/optimizer.h"
#include "rewrite/rewriteHandler.h"
#include "storage/lmgr.h"
#include "utils/acl.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/fmgroids.h"
#include "utils/inval.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/rel.h"
#include "utils/snapmgr.h"
#include "utils/syscache.h"

/*
 * A direct write, or a direct read standing in for a statement of a
 * volatile function, goes as SPI runs a statement that is not read-only: a
 * new command id and a new snapshot before (under READ COMMITTED, one that
 * sees what committed meanwhile), another command id after, so that what
 * comes next in the transaction sees what it wrote.  Returns the snapshot,
 * which is active.
 */
Snapshot
gu_direct_statement_begin(void)
{
	PushActiveSnapshot(GetTransactionSnapshot());
	CommandCounterIncrement();
	UpdateActiveSnapshotCommandId();
	return GetActiveSnapshot();
}

void
gu_direct_statement_end(void)
{
	PopActiveSnapshot();
	CommandCounterIncrement();
}

/* Could anything but the table AM act on a DELETE from rel? */
static bool
delete_has_hooks(Relation rel)
{
	TriggerDesc *trig = rel->trigdesc;

	return rel->rd_rules != NULL ||
		(trig != NULL &&
		 (trig->trig_delete_before_row || trig->trig_delete_after_row ||
		  trig->trig_delete_instead_row ||
		  trig->trig_delete_before_statement ||
		  trig->trig_delete_after_statement || trig->trig_delete_old_table));
}

/*
 * Which memberships a direct delete is of, as its statement's WHERE says:
 * (uid, gid), or uid's in any group but those of gids (sorted, distinct)
 */
typedef struct DeleteOf
{
	int64		uid;
	int64		gid;			/* when gids is NULL */
	const int64 *gids;
	int			ngids;
} DeleteOf;

static bool
delete_of(const DeleteOf *of, int64 uid, int64 gid)
{
	return uid == of->uid &&
		(of->gids == NULL ? gid == of->gid :
		 gu_ids_find(of->gids, of->ngids, gid) == NULL);
}

/*
 * Delete the row version in slot, a membership of "of", as the executor's
 * DELETE does (ExecDelete): wait for a transaction changing it; then,
 * under READ COMMITTED, do nothing if it deleted the row, or follow its
 * update to the row's newest version, lock that, and delete it if it is
 * still of "of" (EvalPlanQual's recheck of the statement's WHERE); above
 * READ COMMITTED, either is 40001.  Returns whether a row was deleted.
 */
static bool
delete_version(Relation rel, TupleTableSlot *slot, const DeleteOf *of,
			   Snapshot snapshot)
{
	CommandId	cid = GetCurrentCommandId(true);
	ItemPointerData tid = slot->tts_tid;
	TM_FailureData tmfd;
	TM_Result	result;
	bool		isnull;

	for (;;)
	{
		result = table_tuple_delete(rel, &tid, cid, snapshot, InvalidSnapshot,
									true, &tmfd, false);
		if (result == TM_Updated)
		{
			if (IsolationUsesXactSnapshot())
				ereport(ERROR,
						(errcode(ERRCODE_T_R_SERIALIZATION_FAILURE),
						 errmsg("could not serialize access due to concurrent update")));
			result = table_tuple_lock(rel, &tid, snapshot, slot, cid,
									  LockTupleExclusive, LockWaitBlock,
									  TUPLE_LOCK_FLAG_FIND_LAST_VERSION,
									  &tmfd);
			if (result == TM_Ok)
			{
				/* the newest version, locked: still the one asked for? */
				if (!delete_of(of,
							   DatumGetInt64(slot_getattr(slot, gu_rels.m_user_id, &isnull)),
							   DatumGetInt64(slot_getattr(slot, gu_rels.m_group_id, &isnull))))
					return false;
				tid = slot->tts_tid;
				continue;
			}
		}
		switch (result)
		{
			case TM_Ok:
				return true;
			case TM_Deleted:
				if (IsolationUsesXactSnapshot())
					ereport(ERROR,
							(errcode(ERRCODE_T_R_SERIALIZATION_FAILURE),
							 errmsg("could not serialize access due to concurrent delete")));
				return false;
			case TM_SelfModified:
				/* by this very command: nothing to do; else as ExecDelete */
				if (tmfd.cmax != cid)
					ereport(ERROR,
							(errcode(ERRCODE_TRIGGERED_DATA_CHANGE_VIOLATION),
							 errmsg("tuple to be deleted was already modified by an operation triggered by the current command")));
				return false;
			default:
				elog(ERROR, "unexpected status %d deleting a membership",
					 (int) result);
		}
	}
}

/*
 * Delete the memberships of "of" directly: find the versions visible to a
 * new snapshot by the join table's primary key and delete them with the
 * table AM, as the executor's DELETE does (see delete_version), when
 * nothing else would act on the delete: no DELETE trigger or rule, no
 * row-level security applying to the caller, who has table-wide DELETE
 * and SELECT (the statement's WHERE reads two columns), and no security
 * module watching the executor.  Snapshot and command ids: see
 * gu_direct_statement_begin.  With gids, seen[i] is set for each gids[i]
 * whose membership the scan saw (and so did not delete).
 *
 * Returns false, having done nothing, when it may not: the caller then
 * runs its DELETE statement.
 */
static bool
direct_delete(FunctionCallInfo fcinfo, const DeleteOf *of, bool *seen,
			  uint64 *removed)
{
	DirectRelations r;
	Relation	rel;
	Relation	idx;
	IndexScanDesc scan;
	TupleTableSlot *slot;
	ScanKeyData keys[2];
	int			nkeys = of->gids == NULL ? 2 : 1;
	Snapshot	snapshot;
	bool		isnull;

	if (!gu_direct_deletes ||
		!gu_direct_open(fcinfo, false, false, RowExclusiveLock, &r))
		return false;
	rel = r.members;
	if (delete_has_hooks(rel) ||
		pg_class_aclcheck(RelationGetRelid(rel), GetUserId(),
						  ACL_DELETE) != ACLCHECK_OK)
	{
		gu_direct_close(&r);
		return false;
	}
	/* the executor checks this of any DELETE, even one deleting nothing */
	CheckCmdReplicaIdentity(rel, CMD_DELETE);

	snapshot = gu_direct_statement_begin();

	idx = index_open(gu_rels.members_by_user, RowExclusiveLock);
	slot = table_slot_create(rel, NULL);
	ScanKeyInit(&keys[0], 1, BTEqualStrategyNumber, F_INT8EQ,
				Int64GetDatum(of->uid));
	ScanKeyInit(&keys[1], 2, BTEqualStrategyNumber, F_INT8EQ,
				Int64GetDatum(of->gid));
	scan = gu_index_beginscan(rel, idx, snapshot, nkeys, 0);
	index_rescan(scan, keys, nkeys, NULL, 0);
	*removed = 0;
	/* in key order, at most one visible version of each membership */
	while (index_getnext_slot(scan, ForwardScanDirection, slot))
	{
		const int64 *at = NULL;

		if (of->gids != NULL)
			at = gu_ids_find(of->gids, of->ngids,
							 DatumGetInt64(slot_getattr(slot, gu_rels.m_group_id,
														&isnull)));
		if (at != NULL)
			seen[at - of->gids] = true; /* listed: kept */
		else if (delete_version(rel, slot, of, snapshot))
			(*removed)++;
		/* the one pair: nothing more to read */
		if (of->gids == NULL)
			break;
	}
	index_endscan(scan);
	ExecDropSingleTupleTableSlot(slot);
	index_close(idx, NoLock);
	gu_direct_statement_end();
	gu_direct_close(&r);
	return true;
}

/* Remove membership (uid, gid) directly, if it may be (see direct_delete) */
bool
gu_direct_remove(FunctionCallInfo fcinfo, int64 uid, int64 gid, bool *removed)
{
	DeleteOf	of = {.uid = uid,.gid = gid};
	uint64		n;

	if (!direct_delete(fcinfo, &of, NULL, &n))
		return false;
	*removed = n > 0;
	return true;
}

/*
 * The user side of a set: delete directly, if it may be (see
 * direct_delete), uid's memberships of groups not in gids (sorted,
 * distinct), as "DELETE ... WHERE user_id = $1 AND NOT (group_id = ANY
 * ($2))" would, in one scan of the user's memberships; seen[i] (false on
 * entry) tells whether gids[i]'s membership was there.
 */
bool
gu_direct_remove_unlisted(FunctionCallInfo fcinfo, int64 uid,
						  const int64 *gids, int ngids, bool *seen,
						  uint64 *removed)
{
	DeleteOf	of = {.uid = uid,.gids = gids,.ngids = ngids};

	return direct_delete(fcinfo, &of, seen, removed);
}

/*
 * The direct add.  Through SPI, adding one membership runs its INSERT ...
 * ON CONFLICT DO NOTHING in an executor of its own, and then, for the two
 * foreign keys, ri_triggers.c runs two more statements through SPI, each
 * "SELECT 1 FROM ONLY users x WHERE id = $1 FOR KEY SHARE OF x".  Those
 * checks alone are about a quarter of a plain INSERT's time.  So the add
 * does here what that INSERT and its checks do, with the executor's own
 * pieces: the table's CHECK and NOT NULL constraints (ExecConstraints),
 * the ON CONFLICT pre-check on the primary key (ExecCheckIndexConstraints),
 * speculative insertion and ExecInsertIndexTuples, as ExecInsert does; and,
 * in place of the checks, the referenced user and group rows found by
 * their primary keys and locked FOR KEY SHARE, as the checks' LockRows
 * locks them, with the same new snapshot under READ COMMITTED.
 *
 * It is taken only when that is all the INSERT would do:
 *	 - READ COMMITTED (above it, the checks and ON CONFLICT test visibility
 *	   against the transaction's snapshot: the statement does that);
 *	 - what gu_direct_open() asks of a direct read of the join table, plus
 *	   table-wide INSERT;
 *	 - no rule, and no trigger firing on INSERT but the two foreign keys'
 *	   checks, those keys being ours: named as we name them, not deferrable,
 *	   on user_id and group_id, to the primary keys of users and groups
 *	   (ALTER TABLE ... DISABLE TRIGGER, or session_replication_role =
 *	   replica, turns the checks off for the statement: not for us);
 *	 - no generated column, no deferrable index, and no unique index but
 *	   the primary key (ON CONFLICT (user_id, group_id) would infer it as
 *	   a second arbiter).
 * The other columns get their defaults (build_column_default, as the
 * rewriter gives them), evaluated for each row.  The referenced rows are
 * locked before the insert (the checks run after it, at the statement's
 * end): either way the transaction ends up holding both locks or failing,
 * and a missing user or group is the same 23503 as the statement's, with
 * the foreign key's detail (gu_report_missing).  The checks fire in the
 * order of their triggers' names, and so do ours: the error names the
 * same side when both are missing.
 *
 * 13 has the pieces but with other arguments; there the statement runs.
 */
#if PG_VERSION_NUM >= 140000

/* A referenced table: users or groups */
typedef struct Referenced
{
	bool		user;			/* users (else groups) */
	Relation	heap;
	Relation	pkey;
	TupleTableSlot *slot;
	AttrNumber	id_attno;		/* its id */
	AttrNumber	fk_attno;		/* the join table's column referencing it */
	char	   *conname;
} Referenced;

struct GuDirectAdd
{
	DirectRelations r;
	EState	   *estate;
	ResultRelInfo *rri;
	TupleTableSlot *slot;		/* the membership inserted */
	List	   *arbiter;		/* the primary key */
	int			ndefaults;		/* shape's, copied */
	AttrNumber *default_attnos;
	ExprState **defaults;
	Referenced	refs[2];		/* in the order the checks fire */
};

#if PG_VERSION_NUM >= 180000
#define gu_rri_checks(rri) ((rri)->ri_CheckConstraintExprs)
#else
#define gu_rri_checks(rri) ((rri)->ri_ConstraintExprs)
#endif

#if PG_VERSION_NUM >= 180000
#define gu_check_index_constraints(rri, slot, estate, conflict, arbiter) \
	ExecCheckIndexConstraints(rri, slot, estate, conflict, NULL, arbiter)
#else
#define gu_check_index_constraints(rri, slot, estate, conflict, arbiter) \
	ExecCheckIndexConstraints(rri, slot, estate, conflict, arbiter)
#endif
#if PG_VERSION_NUM >= 160000
#define gu_insert_index_tuples(rri, slot, estate, conflicted, arbiter) \
	ExecInsertIndexTuples(rri, slot, estate, false, true, conflicted, \
						  arbiter, false)
#else
#define gu_insert_index_tuples(rri, slot, estate, conflicted, arbiter) \
	ExecInsertIndexTuples(rri, slot, estate, false, true, conflicted, \
						  arbiter)
#endif

/*
 * The one element of array column of a pg_constraint tuple, if it has
 * exactly one, of type elemtype (int2 or oid)
 */
static bool
constraint_single(HeapTuple tuple, AttrNumber column, Oid elemtype,
				  Datum *value)
{
	bool		isnull;
	Datum		d = SysCacheGetAttr(CONSTROID, tuple, column, &isnull);
	ArrayType  *arr;

	if (isnull)
		return false;
	arr = DatumGetArrayTypeP(d);
	if (ARR_NDIM(arr) != 1 || ARR_DIMS(arr)[0] != 1 || ARR_HASNULL(arr) ||
		ARR_ELEMTYPE(arr) != elemtype)
		return false;
	*value = elemtype == INT2OID ?
		Int16GetDatum(*(int16 *) ARR_DATA_PTR(arr)) :
		ObjectIdGetDatum(*(Oid *) ARR_DATA_PTR(arr));
	return true;
}

/*
 * Is trig the check, on INSERT, of one of the join table's two foreign keys
 * as the extension made them?  Sets *user to which.
 */
static bool
is_our_check(const Trigger *trig, bool *user)
{
	HeapTuple	tuple;
	Form_pg_constraint con;
	Datum		key;
	Datum		fkey;
	Datum		eqop;
	bool		ok = false;

	if (trig->tgfoid != F_RI_FKEY_CHECK_INS ||
		!TRIGGER_FOR_ROW(trig->tgtype) ||
		trig->tgenabled != TRIGGER_FIRES_ON_ORIGIN ||
		!OidIsValid(trig->tgconstraint))
		return false;
	tuple = SearchSysCache1(CONSTROID, ObjectIdGetDatum(trig->tgconstraint));
	if (!HeapTupleIsValid(tuple))
		return false;
	con = (Form_pg_constraint) GETSTRUCT(tuple);
	*user = strcmp(NameStr(con->conname), GU_USER_FKEY) == 0;
	if (con->contype == CONSTRAINT_FOREIGN &&
		con->conrelid == gu_rels.members && !con->condeferrable &&
		(*user || strcmp(NameStr(con->conname), GU_GROUP_FKEY) == 0) &&
		con->confrelid == (*user ? gu_rels.users : gu_rels.groups) &&
		con->conindid == (*user ? gu_rels.users_pkey : gu_rels.groups_pkey) &&
		constraint_single(tuple, Anum_pg_constraint_conkey, INT2OID, &key) &&
		constraint_single(tuple, Anum_pg_constraint_confkey, INT2OID, &fkey) &&
		constraint_single(tuple, Anum_pg_constraint_conpfeqop, OIDOID, &eqop))
		ok = DatumGetInt16(key) == (*user ? gu_rels.m_user_id :
									gu_rels.m_group_id) &&
			DatumGetInt16(fkey) == (*user ? gu_rels.u_id : gu_rels.g_id) &&
			get_opcode(DatumGetObjectId(eqop)) == F_INT8EQ;
	ReleaseSysCache(tuple);
	return ok;
}

/*
 * Are the INSERT's triggers exactly our two checks?  Sets *user_first to
 * whether the users check fires first (trigdesc is sorted by name).
 */
static bool
only_our_checks(Relation rel, bool *user_first)
{
	TriggerDesc *trigdesc = rel->trigdesc;
	bool		first = false;
	int			n = 0;
	int			i;

	if (rel->rd_rules != NULL || trigdesc == NULL)
		return false;
	for (i = 0; i < trigdesc->numtriggers; i++)
	{
		Trigger    *trig = &trigdesc->triggers[i];
		bool		user;

		if (!TRIGGER_FOR_INSERT(trig->tgtype))
			continue;
		if (n == 2 || !is_our_check(trig, &user) ||
			(n == 1 && first == user))
			return false;
		if (n++ == 0)
			first = user;
	}
	*user_first = first;
	return n == 2;
}

/* No unique index but the primary key, and none deferrable? */
static bool
indexes_as_made(ResultRelInfo *rri)
{
	int			i;

	for (i = 0; i < rri->ri_NumIndices; i++)
	{
		Form_pg_index index = rri->ri_IndexRelationDescs[i]->rd_index;

		if (!index->indimmediate ||
			(index->indisunique &&
			 index->indexrelid != gu_rels.members_by_user))
			return false;
	}
	return true;
}

/*
 * What the catalogs say of an add, kept while they say the same (the
 * generation of gu_rels, and no function changed: see shape_forget):
 * whether the INSERT's triggers are our two checks, in which order, and
 * the defaults of the other columns, planned as the planner would (from
 * build_column_default, as the rewriter adds them), and the CHECK
 * constraints, planned as ExecRelCheck plans them.  Reading them again per
 * call was a sixth of a direct add, and parsing the CHECKs an eighth.
 */
typedef struct AddShape
{
	uint64		generation;		/* of gu_rels when found; 0: never */
	bool		usable;
	bool		user_first;		/* the users check fires first */
	int			ndefaults;
	AttrNumber *default_attnos;
	Expr	  **defaults;		/* NULL: no default, the column is null */
	int			nchecks;		/* the relcache's num_check */
	Expr	  **checks;			/* in its order; NULL: not enforced */
	MemoryContext cxt;
} AddShape;

static AddShape shape;

/*
 * The planner folds and inlines functions into the defaults (an immutable
 * one becomes its value), so a new version of any function makes them
 * stale, as it invalidates the statement's plan: find them again.
 */
static void
shape_forget(Datum arg pg_attribute_unused(), int cacheid pg_attribute_unused(),
			 uint32 hashvalue pg_attribute_unused())
{
	shape.generation = 0;
}

/*
 * The CHECK constraints as ExecRelCheck prepares them (stringToNode, then
 * ExecPrepareExpr's expression_planner), in the relcache's order.  With no
 * generated column (see shape_find) there is nothing of 18's to expand.
 */
static void
shape_find_checks(TupleConstr *constr)
{
	int			i;

	shape.nchecks = constr ? constr->num_check : 0;
	shape.checks = palloc0(sizeof(Expr *) * Max(shape.nchecks, 1));
	for (i = 0; i < shape.nchecks; i++)
	{
#if PG_VERSION_NUM >= 180000
		if (!constr->check[i].ccenforced)
			continue;
#endif
		shape.checks[i] = expression_planner(stringToNode(constr->check[i].ccbin));
	}
}

static bool
shape_find(Relation rel)
{
	TupleDesc	desc = RelationGetDescr(rel);
	AttrNumber	attno;

	if (!only_our_checks(rel, &shape.user_first))
		return false;
	shape.default_attnos = palloc(sizeof(AttrNumber) * desc->natts);
	shape.defaults = palloc(sizeof(Expr *) * desc->natts);
	for (attno = 1; attno <= desc->natts; attno++)
	{
		Form_pg_attribute att = TupleDescAttr(desc, attno - 1);
		Node	   *expr;

		if (att->attisdropped || attno == gu_rels.m_user_id ||
			attno == gu_rels.m_group_id || attno == gu_rels.m_role)
			continue;
		if (att->attgenerated)
			return false;
		expr = build_column_default(rel, attno);
		shape.default_attnos[shape.ndefaults] = attno;
		shape.defaults[shape.ndefaults++] =
			expr ? expression_planner((Expr *) expr) : NULL;
	}
	shape_find_checks(desc->constr);
	return true;
}

/* Find the shape again; if that fails, it is found again next call */
static void
shape_fill(Relation rel)
{
	MemoryContext oldcxt;

	if (shape.cxt == NULL)
	{
		shape.cxt = AllocSetContextCreate(CacheMemoryContext,
										  "group_users direct add",
										  ALLOCSET_SMALL_SIZES);
		CacheRegisterSyscacheCallback(PROCOID, shape_forget, (Datum) 0);
	}
	shape.generation = 0;
	MemoryContextReset(shape.cxt);
	shape.ndefaults = 0;
	shape.nchecks = 0;
	oldcxt = MemoryContextSwitchTo(shape.cxt);
	shape.usable = shape_find(rel);
	MemoryContextSwitchTo(oldcxt);
	shape.generation = gu_rels.generation;
}

static void
referenced_close(Referenced *ref)
{
	if (ref->slot != NULL)
		ExecDropSingleTupleTableSlot(ref->slot);
	if (ref->pkey != NULL)
		index_close(ref->pkey, NoLock);
	if (ref->heap != NULL)
		table_close(ref->heap, NoLock);
}

/*
 * An expression of the shape, compiled from a copy of its own (NULL stays
 * NULL): a default could call a function that adds a membership, and find
 * the shape again after an invalidation.
 */
static ExprState *
init_own_copy(Expr *expr)
{
	return expr ? ExecInitExpr(copyObject(expr), NULL) : NULL;
}

/*
 * Set up the direct add of memberships, for one or more rows; NULL, with
 * nothing left open, when it may not be used: the caller then runs its
 * INSERT statement.
 */
GuDirectAdd *
gu_direct_add_begin(FunctionCallInfo fcinfo)
{
	GuDirectAdd *add;
	Relation	rel;
	MemoryContext oldcxt;
	int			i;

	if (!gu_direct_inserts || IsolationUsesXactSnapshot())
		return NULL;
	add = palloc0(sizeof(GuDirectAdd));
	if (!gu_direct_open(fcinfo, false, false, RowExclusiveLock, &add->r))
	{
		pfree(add);
		return NULL;
	}
	rel = add->r.members;
	if (shape.generation != gu_rels.generation)
		shape_fill(rel);
	if (!shape.usable ||
		SessionReplicationRole == SESSION_REPLICATION_ROLE_REPLICA ||
		pg_class_aclcheck(RelationGetRelid(rel), GetUserId(),
						  ACL_INSERT) != ACLCHECK_OK)
	{
		gu_direct_close(&add->r);
		pfree(add);
		return NULL;
	}

	/* the referenced tables are opened by the first check (see there) */
	for (i = 0; i < 2; i++)
	{
		Referenced *ref = &add->refs[i];

		ref->user = (i == 0) == shape.user_first;
		ref->id_attno = ref->user ? gu_rels.u_id : gu_rels.g_id;
		ref->fk_attno = ref->user ? gu_rels.m_user_id : gu_rels.m_group_id;
		ref->conname = ref->user ? GU_USER_FKEY : GU_GROUP_FKEY;
	}

	add->estate = CreateExecutorState();
	add->rri = makeNode(ResultRelInfo);
	/* no range table entry: nothing of it is read but to word errors */
	InitResultRelInfo(add->rri, rel, 0, NULL, 0);
	ExecOpenIndices(add->rri, true);
	add->arbiter = list_make1_oid(gu_rels.members_by_user);
	add->slot = table_slot_create(rel, NULL);

	/* opening took in invalidations: are the catalogs still as checked? */
	if (!gu_rels.valid || shape.generation != gu_rels.generation ||
		!indexes_as_made(add->rri))
	{
		gu_direct_add_end(add);
		return NULL;
	}

	/* the add's own copies (see init_own_copy) */
	oldcxt = MemoryContextSwitchTo(add->estate->es_query_cxt);
	add->ndefaults = shape.ndefaults;
	add->default_attnos = palloc(sizeof(AttrNumber) * Max(add->ndefaults, 1));
	add->defaults = palloc(sizeof(ExprState *) * Max(add->ndefaults, 1));
	for (i = 0; i < add->ndefaults; i++)
	{
		add->default_attnos[i] = shape.default_attnos[i];
		add->defaults[i] = init_own_copy(shape.defaults[i]);
	}

	/*
	 * ExecRelCheck's array, built as it would build it on the first row, so
	 * that it does not parse and plan the CHECKs each call.  Only if the
	 * relcache entry has as many as were found: else it builds its own.
	 */
	if (rel->rd_att->constr != NULL &&
		rel->rd_att->constr->num_check == shape.nchecks && shape.nchecks > 0)
	{
		gu_rri_checks(add->rri) =
			palloc(sizeof(ExprState *) * shape.nchecks);
		for (i = 0; i < shape.nchecks; i++)
			gu_rri_checks(add->rri)[i] = init_own_copy(shape.checks[i]);
	}
	MemoryContextSwitchTo(oldcxt);
	return add;
}

/*
 * Lock the row ref's key id points to FOR KEY SHARE, as the foreign key's
 * check does (ri_triggers.c's statement, ExecLockRows): the row visible to
 * snapshot, or, if a transaction changed it meanwhile, its newest version,
 * waited for and still of id.  None: 23503.
 */
static void
lock_referenced(GuDirectAdd *add, Referenced *ref, int64 uid, int64 gid,
				Snapshot snapshot, CommandId cid)
{
	int64		id = ref->user ? uid : gid;
	bool		found = false;

	/*
	 * Locked as the check's statement locks them, and only then: an add of a
	 * pair that is there locks neither, as the statement's does not.
	 */
	if (ref->heap == NULL)
	{
		ref->heap = table_open(ref->user ? gu_rels.users : gu_rels.groups,
							   RowShareLock);
		ref->pkey = index_open(ref->user ? gu_rels.users_pkey :
							   gu_rels.groups_pkey, AccessShareLock);
		ref->slot = table_slot_create(ref->heap, NULL);
	}
	/* the snapshot is the active one, which the probe uses */
	Assert(snapshot == GetActiveSnapshot());
	if (gu_pkey_fetch(ref->heap, ref->pkey, ref->user, id, ref->slot))
	{
		ItemPointerData tid = ref->slot->tts_tid;
		TM_FailureData tmfd;
		TM_Result	result;
		bool		isnull;

		result = table_tuple_lock(ref->heap, &tid, snapshot, ref->slot, cid,
								  LockTupleKeyShare, LockWaitBlock,
								  TUPLE_LOCK_FLAG_FIND_LAST_VERSION, &tmfd);
		switch (result)
		{
			case TM_Ok:
				/* a newer version: the WHERE, rechecked (EvalPlanQual) */
				found = !tmfd.traversed ||
					DatumGetInt64(slot_getattr(ref->slot, ref->id_attno,
											   &isnull)) == id;
				break;
			case TM_Deleted:
			case TM_SelfModified:
				break;			/* gone, as LockRows skips it */
			default:
				elog(ERROR, "unexpected status %d locking a referenced row",
					 (int) result);
		}
	}
	ExecClearTuple(ref->slot);

	if (!found)
	{
		Relation	rel = add->r.members;
		Form_pg_attribute att = TupleDescAttr(RelationGetDescr(rel),
											  ref->fk_attno - 1);

		gu_report_missing(ref->user, &uid, &gid,
						  psprintf("Key (%s)=(" INT64_FORMAT ") is not present in table \"%s\".",
								   quote_identifier(NameStr(att->attname)), id,
								   RelationGetRelationName(ref->heap)),
						  get_namespace_name(RelationGetNamespace(rel)),
						  RelationGetRelationName(rel), ref->conname);
	}
}

/*
 * Add membership (uid, gid) with role, as the INSERT ... ON CONFLICT DO
 * NOTHING would; true if it was inserted, false if it was there.  Snapshot
 * and command ids: see gu_direct_statement_begin.
 *
 * seen_absent: the caller has just read that the pair is not there (a set
 * merging the current memberships, or a group it has just created), so the
 * arbiter's pre-check, a search of the primary key, would find nothing but
 * a pair inserted meanwhile.  The speculative insertion finds such a pair
 * too (its entry in the primary key is checked for conflicts without
 * waiting), and then, as ExecInsert does, the pre-check runs, waiting for
 * an inserter still in progress, before deciding.
 */
bool
gu_direct_add(GuDirectAdd *add, int64 uid, int64 gid, Datum role,
			  bool seen_absent)
{
	Relation	rel = add->r.members;
	EState	   *estate = add->estate;
	TupleTableSlot *slot = add->slot;
	ExprContext *econtext;
	ItemPointerData conflict;
	Snapshot	snapshot;
	CommandId	cid;
	bool		locked = false;
	bool		created = false;
	int			i;

	snapshot = gu_direct_statement_begin();
	cid = GetCurrentCommandId(true);
	estate->es_snapshot = snapshot;
	estate->es_output_cid = cid;
	ResetPerTupleExprContext(estate);
	econtext = GetPerTupleExprContext(estate);

	ExecClearTuple(slot);
	for (i = 0; i < slot->tts_tupleDescriptor->natts; i++)
		slot->tts_isnull[i] = true;
	slot->tts_values[gu_rels.m_user_id - 1] = Int64GetDatum(uid);
	slot->tts_isnull[gu_rels.m_user_id - 1] = false;
	slot->tts_values[gu_rels.m_group_id - 1] = Int64GetDatum(gid);
	slot->tts_isnull[gu_rels.m_group_id - 1] = false;
	slot->tts_values[gu_rels.m_role - 1] = role;
	slot->tts_isnull[gu_rels.m_role - 1] = false;
	for (i = 0; i < add->ndefaults; i++)
	{
		AttrNumber	attno = add->default_attnos[i];

		if (add->defaults[i] != NULL)
			slot->tts_values[attno - 1] =
				ExecEvalExprSwitchContext(add->defaults[i], econtext,
										  &slot->tts_isnull[attno - 1]);
	}
	ExecStoreVirtualTuple(slot);

	/* ExecInsert's order: constraints, then the arbiter */
	if (rel->rd_att->constr != NULL)
		ExecConstraints(add->rri, slot, estate);
	for (;;)
	{
		uint32		token;
		bool		conflicted = false;
		List	   *recheck;

		/* there already, or being inserted (waited for): do nothing */
		if (!seen_absent &&
			!gu_check_index_constraints(add->rri, slot, estate, &conflict,
										add->arbiter))
			break;
		seen_absent = false;
		if (!locked)
		{
			for (i = 0; i < 2; i++)
				lock_referenced(add, &add->refs[i], uid, gid, snapshot, cid);
			locked = true;
		}
		token = SpeculativeInsertionLockAcquire(GetCurrentTransactionId());
		table_tuple_insert_speculative(rel, slot, cid, 0, NULL, token);
		recheck = gu_insert_index_tuples(add->rri, slot, estate, &conflicted,
										 add->arbiter);
		table_tuple_complete_speculative(rel, slot, token, !conflicted);
		SpeculativeInsertionLockRelease(GetCurrentTransactionId());
		list_free(recheck);
		if (!conflicted)
		{
			created = true;
			break;
		}
		/* another session inserted the pair meanwhile: look again */
	}

	gu_direct_statement_end();
	return created;
}

void
gu_direct_add_end(GuDirectAdd *add)
{
	int			i;

	ExecDropSingleTupleTableSlot(add->slot);
	ExecCloseIndices(add->rri);
	FreeExecutorState(add->estate);
	for (i = 0; i < 2; i++)
		referenced_close(&add->refs[i]);
	gu_direct_close(&add->r);
	pfree(add);
}

#else							/* PG_VERSION_NUM < 140000 */

GuDirectAdd *
gu_direct_add_begin(FunctionCallInfo fcinfo pg_attribute_unused())
{
	return NULL;
}

bool
gu_direct_add(GuDirectAdd *add pg_attribute_unused(),
			  int64 uid pg_attribute_unused(), int64 gid pg_attribute_unused(),
			  Datum role pg_attribute_unused(),
			  bool seen_absent pg_attribute_unused())
{
	elog(ERROR, "direct add not available");
	return false;
}

void
gu_direct_add_end(GuDirectAdd *add pg_attribute_unused())
{
}

#endif							/* PG_VERSION_NUM >= 140000 */
