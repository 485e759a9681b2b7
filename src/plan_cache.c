/*-------------------------------------------------------------------------
 *
 * plan_cache.c
 *	  Statements prepared once per backend, kept, and run through SPI.
 *
 * Every SQL function of the extension runs its statements through
 * gu_execute(): the plan is prepared on first use with SPI_prepare_cursor()
 * and kept with SPI_keepplan(), as ri_triggers.c does.  It is a generic
 * plan, always (CURSOR_OPT_GENERIC_PLAN), so no call pays for planning and
 * no call gets a plan that depends on its argument values.  A plan that
 * the plan cache has invalidated (DDL, ANALYZE) is dropped and prepared
 * again from its text, so a renamed schema is picked up too.
 *
 * Names in statement text are schema-qualified with the schema the calling
 * function lives in, looked up once; search_path plays no part.
 *
 *-------------------------------------------------------------------------
 */
#include "group_users.h"

#include "access/tupconvert.h"
#include "catalog/pg_type.h"
#include "executor/tstoreReceiver.h"
#include "lib/stringinfo.h"
#include "nodes/params.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"

#define GU_SCHEMA_TOKEN "@extschema@"

/* Name of the schema holding the calling function: the extension's */
static char *
function_schema(FunctionCallInfo fcinfo)
{
	Oid			fn_oid = fcinfo->flinfo->fn_oid;
	char	   *name = get_namespace_name(get_func_namespace(fn_oid));

	if (name == NULL)
		elog(ERROR, "schema of function %u not found", fn_oid);
	return name;
}

/*
 * Statement text with GU_SCHEMA_TOKEN replaced by the quoted name of the
 * schema that holds the calling function.
 */
static char *
expand_statement(const char *sql, FunctionCallInfo fcinfo)
{
	StringInfoData buf;
	const char *schema;
	const char *p;
	const char *hit;
	char	   *name;

	name = function_schema(fcinfo);
	schema = quote_identifier(name);
	initStringInfo(&buf);
	for (p = sql; (hit = strstr(p, GU_SCHEMA_TOKEN)) != NULL;
		 p = hit + strlen(GU_SCHEMA_TOKEN))
	{
		appendBinaryStringInfo(&buf, p, hit - p);
		appendStringInfoString(&buf, schema);
	}
	appendStringInfoString(&buf, p);
	return buf.data;
}

/* The statement's kept plan, prepared now if it has none or lost it */
static SPIPlanPtr
statement_plan(GuStatement *stmt, FunctionCallInfo fcinfo)
{
	SPIPlanPtr	plan;
	char	   *sql;

	if (stmt->plan != NULL)
	{
		if (SPI_plan_is_valid(stmt->plan))
			return stmt->plan;
		SPI_freeplan(stmt->plan);
		stmt->plan = NULL;
	}

	sql = expand_statement(stmt->sql, fcinfo);
	plan = SPI_prepare_cursor(sql, stmt->nargs, stmt->argtypes,
							  CURSOR_OPT_GENERIC_PLAN);
	if (plan == NULL)
		elog(ERROR, "SPI_prepare_cursor failed for \"%s\": %s",
			 sql, SPI_result_code_string(SPI_result));
	if (SPI_keepplan(plan) != 0)
		elog(ERROR, "SPI_keepplan failed");
	pfree(sql);

	stmt->plan = plan;
	return plan;
}

void
gu_spi_connect(void)
{
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
}

void
gu_spi_finish(void)
{
	if (SPI_finish() != SPI_OK_FINISH)
		elog(ERROR, "SPI_finish failed");
}

#if PG_VERSION_NUM < 140000
/* Before 14 SPI has no dest option: hand SPI_tuptable's rows to dest */
static void
forward_tuptable(DestReceiver *dest)
{
	SPITupleTable *tuptable = SPI_tuptable;
	TupleTableSlot *slot;
	uint64		i;

	if (tuptable == NULL)
		return;
	slot = MakeSingleTupleTableSlot(tuptable->tupdesc, &TTSOpsHeapTuple);
	dest->rStartup(dest, CMD_SELECT, tuptable->tupdesc);
	for (i = 0; i < SPI_processed; i++)
	{
		ExecStoreHeapTuple(tuptable->vals[i], slot, false);
		dest->receiveSlot(slot, dest);
	}
	dest->rShutdown(dest);
	ExecDropSingleTupleTableSlot(slot);
}
#endif

#if PG_VERSION_NUM < 140000
/*
 * Before 14 the tuplestore receiver stores rows as they come: rows of a
 * table whose column changed type would be read as the function's result
 * type.  So check and convert them here, as 14's receiver does.
 */
typedef struct CheckedStore
{
	DestReceiver pub;
	Tuplestorestate *tstore;
	TupleDesc	target;
	const char *msg;
	TupleConversionMap *map;	/* NULL: the rows fit as they are */
	TupleTableSlot *out;
} CheckedStore;

static void
checked_startup(DestReceiver *self, int operation pg_attribute_unused(),
				TupleDesc typeinfo)
{
	CheckedStore *cs = (CheckedStore *) self;

	/* raises msg, with the column, where the types differ */
	cs->map = convert_tuples_by_position(typeinfo, cs->target, cs->msg);
	if (cs->map != NULL && cs->out == NULL)
		cs->out = MakeSingleTupleTableSlot(cs->target, &TTSOpsVirtual);
}

static bool
checked_receive(TupleTableSlot *slot, DestReceiver *self)
{
	CheckedStore *cs = (CheckedStore *) self;

	if (cs->map != NULL)
		slot = execute_attr_map_slot(cs->map->attrMap, slot, cs->out);
	tuplestore_puttupleslot(cs->tstore, slot);
	return true;
}

static void
checked_shutdown(DestReceiver *self pg_attribute_unused())
{
}

static void
checked_destroy(DestReceiver *self)
{
	CheckedStore *cs = (CheckedStore *) self;

	if (cs->out != NULL)
		ExecDropSingleTupleTableSlot(cs->out);
	pfree(cs);
}
#endif

/*
 * A receiver putting rows into tstore as rows of target: a set-returning
 * function's result.  Rows of another shape raise msg.
 */
DestReceiver *
gu_tuplestore_dest(Tuplestorestate *tstore, MemoryContext cxt,
				   TupleDesc target, const char *msg)
{
#if PG_VERSION_NUM >= 140000
	DestReceiver *dest = CreateDestReceiver(DestTuplestore);

	SetTuplestoreDestReceiverParams(dest, tstore, cxt, false, target, msg);
	return dest;
#else
	CheckedStore *cs = palloc0(sizeof(CheckedStore));

	cs->pub.receiveSlot = checked_receive;
	cs->pub.rStartup = checked_startup;
	cs->pub.rShutdown = checked_shutdown;
	cs->pub.rDestroy = checked_destroy;
	cs->pub.mydest = DestTuplestore;
	cs->tstore = tstore;
	cs->target = target;
	cs->msg = msg;
	(void) cxt;					/* the tuplestore copies into its own */
	return &cs->pub;
#endif
}

/*
 * Run one statement of the extension inside the caller's SPI connection.
 *
 * values/nulls are its parameters (nulls may be NULL: none is null).  Rows
 * go to dest, or nowhere when dest is NULL; at most tcount rows are
 * produced (0: all).  Returns the number of rows processed (for a SELECT
 * with a dest, those the receiver got).
 */
uint64
gu_execute(GuStatement *stmt, FunctionCallInfo fcinfo,
		   Datum *values, const bool *nulls,
		   bool read_only, uint64 tcount, DestReceiver *dest)
{
	SPIPlanPtr	plan = statement_plan(stmt, fcinfo);
	ParamListInfo params = makeParamList(stmt->nargs);
	int			rc;
	int			i;

	for (i = 0; i < stmt->nargs; i++)
	{
		ParamExternData *prm = &params->params[i];

		prm->value = values[i];
		prm->isnull = nulls != NULL && nulls[i];
		prm->pflags = PARAM_FLAG_CONST;
		prm->ptype = stmt->argtypes[i];
	}

#if PG_VERSION_NUM >= 140000
	{
		SPIExecuteOptions options;

		memset(&options, 0, sizeof(options));
		options.params = params;
		options.read_only = read_only;
		options.tcount = tcount;
		options.dest = dest != NULL ? dest : None_Receiver;
		rc = SPI_execute_plan_extended(plan, &options);
	}
#else
	rc = SPI_execute_plan_with_paramlist(plan, params, read_only, tcount);
	if (rc >= 0 && dest != NULL)
		forward_tuptable(dest);
#endif
	if (rc < 0)
		elog(ERROR, "SPI_execute_plan_extended failed: %s",
			 SPI_result_code_string(rc));

	return SPI_processed;
}

/* DestReceiver keeping column 1 of the first row, an int8 */
typedef struct Int8Receiver
{
	DestReceiver pub;
	bool		found;
	bool		isnull;
	int64		value;
} Int8Receiver;

static bool
int8_receive_slot(TupleTableSlot *slot, DestReceiver *self)
{
	Int8Receiver *r = (Int8Receiver *) self;

	if (!r->found)
	{
		Datum		value = slot_getattr(slot, 1, &r->isnull);

		r->found = true;
		if (!r->isnull)
			r->value = DatumGetInt64(value);
	}
	return true;
}

static void
int8_startup(DestReceiver *self pg_attribute_unused(),
			 int operation pg_attribute_unused(), TupleDesc typeinfo)
{
	if (typeinfo->natts < 1 || TupleDescAttr(typeinfo, 0)->atttypid != INT8OID)
		elog(ERROR, "statement does not return a bigint");
}

static void
int8_noop(DestReceiver *self pg_attribute_unused())
{
}

/*
 * Run a statement whose first column of its first row is a bigint (a
 * count, a RETURNING id, a missing id).  Returns false when there is no
 * row or the value is NULL; else sets *result.
 */
bool
gu_execute_int8(GuStatement *stmt, FunctionCallInfo fcinfo,
				Datum *values, bool read_only, int64 *result)
{
	Int8Receiver r;

	memset(&r, 0, sizeof(r));
	r.pub.receiveSlot = int8_receive_slot;
	r.pub.rStartup = int8_startup;
	r.pub.rShutdown = int8_noop;
	r.pub.rDestroy = int8_noop;
	r.pub.mydest = DestNone;

	gu_execute(stmt, fcinfo, values, NULL, read_only, 1, &r.pub);
	if (!r.found || r.isnull)
		return false;
	*result = r.value;
	return true;
}

/* DestReceiver collecting column 1 of every row, an int8, into an array */
typedef struct Int8ListReceiver
{
	DestReceiver pub;
	MemoryContext cxt;			/* the array lives here, not in the executor's */
	int64	   *values;
	int			count;
	int			size;
} Int8ListReceiver;

static bool
int8_list_receive_slot(TupleTableSlot *slot, DestReceiver *self)
{
	Int8ListReceiver *r = (Int8ListReceiver *) self;
	bool		isnull;
	Datum		value = slot_getattr(slot, 1, &isnull);

	if (isnull)
		elog(ERROR, "statement returned a null id");
	if (r->count == r->size)
	{
		r->size = Max(64, r->size * 2);
		r->values = r->values == NULL ?
			MemoryContextAlloc(r->cxt, sizeof(int64) * r->size) :
			repalloc(r->values, sizeof(int64) * r->size);
	}
	r->values[r->count++] = DatumGetInt64(value);
	return true;
}

/*
 * Run a statement returning one bigint column; its values in order, their
 * number in *count, in the caller's memory context (NULL when none).
 */
int64 *
gu_execute_int8_list(GuStatement *stmt, FunctionCallInfo fcinfo,
					 Datum *values, bool read_only, int *count)
{
	Int8ListReceiver r;

	memset(&r, 0, sizeof(r));
	r.pub.receiveSlot = int8_list_receive_slot;
	r.pub.rStartup = int8_startup;
	r.pub.rShutdown = int8_noop;
	r.pub.rDestroy = int8_noop;
	r.pub.mydest = DestNone;
	r.cxt = CurrentMemoryContext;

	gu_execute(stmt, fcinfo, values, NULL, read_only, 0, &r.pub);
	*count = r.count;
	return r.values;
}

typedef enum JoinTableFk
{
	FK_OTHER,					/* not one of ours */
	FK_USER,
	FK_GROUP
} JoinTableFk;

/*
 * Is edata the violation of one of the join table's foreign keys, and if
 * so, which?  The constraint names are those of sql/group_users--*.sql.
 * The schema is looked up last, and only here: the error is a plain
 * constraint violation by then, and catalog access is safe.
 */
static JoinTableFk
join_table_fk(const ErrorData *edata, FunctionCallInfo fcinfo)
{
	if (edata->sqlerrcode != ERRCODE_FOREIGN_KEY_VIOLATION ||
		edata->schema_name == NULL || edata->table_name == NULL ||
		edata->constraint_name == NULL ||
		strcmp(edata->table_name, "group_users") != 0 ||
		strcmp(edata->schema_name, function_schema(fcinfo)) != 0)
		return FK_OTHER;
	if (strcmp(edata->constraint_name, GU_USER_FKEY) == 0)
		return FK_USER;
	if (strcmp(edata->constraint_name, GU_GROUP_FKEY) == 0)
		return FK_GROUP;
	return FK_OTHER;
}

/*
 * 23503 "user 42 does not exist" (user_side) or "group 42 does not exist",
 * for a membership refused by the join table's foreign key: detail is the
 * constraint's own, and so are the schema, table and constraint fields,
 * for clients that look at those.  A NULL uid or gid: the ids of that side
 * came in an array, and the message cannot name the one missing.
 */
void
gu_report_missing(bool user_side, const int64 *uid, const int64 *gid,
				  const char *detail, const char *schema, const char *table,
				  const char *constraint)
{
	ereport(ERROR,
			(errcode(ERRCODE_FOREIGN_KEY_VIOLATION),
			 user_side ?
			 (uid ? errmsg("user %lld does not exist", (long long) *uid) :
			  errmsg("user does not exist")) :
			 (gid ? errmsg("group %lld does not exist", (long long) *gid) :
			  errmsg("group does not exist")),
			 detail ? errdetail_internal("%s", detail) : 0,
			 user_side ?
			 errhint("Insert the user into group_users.users first.") :
			 errhint("Insert the group into group_users.groups first."),
			 err_generic_string(PG_DIAG_SCHEMA_NAME, schema),
			 err_generic_string(PG_DIAG_TABLE_NAME, table),
			 err_generic_string(PG_DIAG_CONSTRAINT_NAME, constraint)));
}

/*
 * Run a write of memberships of user *uid or group *gid and reword a
 * violation of the join table's foreign keys with gu_report_missing().
 * A NULL uid or gid: the ids of that side came in an array (whose ids
 * the caller has checked); the detail still names the one missing.
 *
 * The foreign key's own check decides, under its own lock, so this holds
 * however the write races with a DELETE of the user or group; no pre-check
 * is run (it would cost two more lookups, and FOR KEY SHARE would need
 * UPDATE privilege on users and groups).  The error is caught only to be
 * raised again with a clearer message, the original one kept as its
 * detail; nothing is resumed, so no subtransaction is needed.
 */
uint64
gu_execute_write(GuStatement *stmt, FunctionCallInfo fcinfo,
				 Datum *values, const int64 *uid, const int64 *gid)
{
	MemoryContext oldcxt = CurrentMemoryContext;
	uint64		processed = 0;

	PG_TRY();
	{
		processed = gu_execute(stmt, fcinfo, values, NULL, false, 0, NULL);
	}
	PG_CATCH();
	{
		ErrorData  *edata;
		JoinTableFk fk;

		MemoryContextSwitchTo(oldcxt);
		edata = CopyErrorData();
		fk = join_table_fk(edata, fcinfo);
		if (fk == FK_OTHER)
		{
			FreeErrorData(edata);
			PG_RE_THROW();
		}
		FlushErrorState();
		gu_report_missing(fk == FK_USER, uid, gid, edata->detail,
						  edata->schema_name, edata->table_name,
						  edata->constraint_name);
	}
	PG_END_TRY();

	return processed;
}
