/*-------------------------------------------------------------------------
 *
 * result_rows.c
 *	  Where the set-returning functions put their rows: a tuplestore, as
 *	  InitMaterializedSRF() makes it, but in memory the backend keeps from
 *	  one call to the next.
 *
 * The executor reads a function's rows from a tuplestore it frees at the
 * end of the statement.  Made in the statement's memory, a big result (the
 * 100,000 members of a group: some 14 MB) is malloc'd afresh by every call
 * and freed at its end; where malloc gives it back to the kernel, each call
 * pays a page fault for every 4 kB it writes (measured on the benchmark's
 * cluster: 3,600 faults a call, a third of group_members()' time on such
 * a group).  Here the tuplestore lives in a context of the backend's:
 * tuplestore_end() puts its rows on that context's free lists, and the
 * next call's rows reuse them.
 *
 * What is kept is bounded.  A tuplestore holds at most work_mem in memory
 * (it spills to a temporary file past that), and the context is emptied,
 * before a call, when no tuplestore in it is alive and it holds more than
 * twice work_mem (work_mem lowered, rows of another size, or the rows of a
 * statement that failed: an error ends no tuplestore, so those stay
 * allocated until then).  A tuplestore is alive until the statement's
 * memory goes, which a reset callback on that memory notes.
 *
 * From PostgreSQL 18 on, a tuplestore keeps its rows in a context of its
 * own, a child of ours, which tuplestore_end() deletes: the rows' memory
 * is not reused from one call to the next there.  The bound holds all the
 * same, for the children are counted (a failed statement's rows stay in
 * its tuplestore's child until the context is emptied).
 *
 *-------------------------------------------------------------------------
 */
#include "group_users.h"

#include "funcapi.h"
#include "miscadmin.h"
#include "utils/memutils.h"
#include "utils/tuplestore.h"

static MemoryContext rows_context = NULL;
static int	rows_alive = 0;		/* tuplestores whose statement is running */

static void
rows_statement_done(void *arg pg_attribute_unused())
{
	rows_alive--;
}

/*
 * Make fcinfo's call return its rows in materialize mode, described by the
 * caller's expected descriptor: InitMaterializedSRF(fcinfo,
 * MAT_SRF_USE_EXPECTED_DESC), with the tuplestore in rows_context.
 */
void
gu_rows_begin(FunctionCallInfo fcinfo)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	MemoryContext query_context;
	MemoryContext oldcxt;
	MemoryContextCallback *callback;

	if (rsinfo == NULL || !IsA(rsinfo, ReturnSetInfo))
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("set-valued function called in context that cannot accept a set")));
	if ((rsinfo->allowedModes & SFRM_Materialize) == 0 ||
		rsinfo->expectedDesc == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("materialize mode required, but it is not allowed in this context")));
	query_context = rsinfo->econtext->ecxt_per_query_memory;

	if (rows_context == NULL)
		rows_context = AllocSetContextCreate(TopMemoryContext,
											 "group_users rows",
											 ALLOCSET_DEFAULT_SIZES);
	else if (rows_alive == 0 &&
			 MemoryContextMemAllocated(rows_context, true) >
			 (Size) work_mem * 2 * 1024)
		MemoryContextReset(rows_context);

	/* the callback first: if its palloc fails, the count has not moved */
	callback = MemoryContextAlloc(query_context, sizeof(MemoryContextCallback));
	callback->func = rows_statement_done;
	callback->arg = NULL;
	MemoryContextRegisterResetCallback(query_context, callback);
	rows_alive++;

	oldcxt = MemoryContextSwitchTo(rows_context);
	rsinfo->setResult =
		tuplestore_begin_heap((rsinfo->allowedModes & SFRM_Materialize_Random) != 0,
							  false, work_mem);
	MemoryContextSwitchTo(query_context);
	rsinfo->setDesc = CreateTupleDescCopy(rsinfo->expectedDesc);
	rsinfo->returnMode = SFRM_Materialize;
	MemoryContextSwitchTo(oldcxt);
}
