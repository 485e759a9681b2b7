/*-------------------------------------------------------------------------
 *
 * user_groups.c
 *	  user_groups(uid, after_id, max_rows) and its mirror
 *	  group_members(gid, after_id, max_rows): one side's rows, keyset paged;
 *	  count_user_groups(uid) and count_group_members(gid): how many rows
 *	  those would give unpaged.
 *
 * Both read the join table through its index on (user_id, group_id) or
 * (group_id, user_id), which also gives the order, and fetch the other
 * side's row by primary key.  That side is a LATERAL subquery behind
 * OFFSET 0, so the plan is index probes whatever the statistics say; a
 * hash join with a sequential scan of groups or users would read the whole
 * table for a page of ten rows.  Rows go straight into the result
 * tuplestore.
 *
 *-------------------------------------------------------------------------
 */
#include "group_users.h"

#include "catalog/pg_type.h"
#include "executor/tstoreReceiver.h"
#include "funcapi.h"

PG_FUNCTION_INFO_V1(gu_user_groups);
PG_FUNCTION_INFO_V1(gu_group_members);
PG_FUNCTION_INFO_V1(gu_count_user_groups);
PG_FUNCTION_INFO_V1(gu_count_group_members);

static GuStatement user_groups_stmt = {
	.sql =
	"SELECT g.id, g.name, m.role, m.created_at"
	"  FROM @extschema@.group_users m"
	"  CROSS JOIN LATERAL"
	"    (SELECT g.id, g.name FROM @extschema@.groups g"
	"      WHERE g.id OPERATOR(pg_catalog.=) m.group_id OFFSET 0) g"
	" WHERE m.user_id OPERATOR(pg_catalog.=) $1"
	"   AND m.group_id OPERATOR(pg_catalog.>=) $2"
	" ORDER BY m.group_id"
	" LIMIT $3",
	.nargs = 3,
	.argtypes = {INT8OID, INT8OID, INT8OID}
};

static GuStatement group_members_stmt = {
	.sql =
	"SELECT u.id, u.username, u.email, m.role, m.created_at"
	"  FROM @extschema@.group_users m"
	"  CROSS JOIN LATERAL"
	"    (SELECT u.id, u.username, u.email FROM @extschema@.users u"
	"      WHERE u.id OPERATOR(pg_catalog.=) m.user_id OFFSET 0) u"
	" WHERE m.group_id OPERATOR(pg_catalog.=) $1"
	"   AND m.user_id OPERATOR(pg_catalog.>=) $2"
	" ORDER BY m.user_id"
	" LIMIT $3",
	.nargs = 3,
	.argtypes = {INT8OID, INT8OID, INT8OID}
};

/*
 * The counts join the other side as the lists do, so that they agree with
 * them when row-level security hides some groups or users.
 */
static GuStatement count_user_groups_stmt = {
	.sql =
	"SELECT pg_catalog.count(*)"
	"  FROM @extschema@.group_users m"
	"  CROSS JOIN LATERAL"
	"    (SELECT FROM @extschema@.groups g"
	"      WHERE g.id OPERATOR(pg_catalog.=) m.group_id OFFSET 0) g"
	" WHERE m.user_id OPERATOR(pg_catalog.=) $1",
	.nargs = 1,
	.argtypes = {INT8OID}
};

static GuStatement count_group_members_stmt = {
	.sql =
	"SELECT pg_catalog.count(*)"
	"  FROM @extschema@.group_users m"
	"  CROSS JOIN LATERAL"
	"    (SELECT FROM @extschema@.users u"
	"      WHERE u.id OPERATOR(pg_catalog.=) m.user_id OFFSET 0) u"
	" WHERE m.group_id OPERATOR(pg_catalog.=) $1",
	.nargs = 1,
	.argtypes = {INT8OID}
};

/*
 * Shared body: args are (id, after_id, max_rows); a NULL id gives no rows,
 * as a STRICT function would (the paging arguments may be NULL).
 */
static Datum
list_page(FunctionCallInfo fcinfo, GuStatement *stmt, bool by_group)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	Datum		values[3];
	bool		nulls[3] = {false, false, false};
	DestReceiver *dest;
	int64		count;

	gu_rows_begin(fcinfo);
	if (PG_ARGISNULL(0))
		return (Datum) 0;
	values[0] = PG_GETARG_DATUM(0);
	if (!gu_arg_page(fcinfo, 1, 2, &values[1], &values[2], &nulls[2]))
		return (Datum) 0;

	if (gu_direct_list(fcinfo, by_group, DatumGetInt64(values[0]),
					   DatumGetInt64(values[1]),
					   nulls[2] ? -1 : DatumGetInt64(values[2]),
					   rsinfo->setResult, rsinfo->setDesc, &count))
		return (Datum) 0;

	dest = gu_tuplestore_dest(rsinfo->setResult,
							  rsinfo->econtext->ecxt_per_query_memory,
							  rsinfo->setDesc,
							  gettext_noop("table does not match the function's result type"));

	gu_spi_connect();
	gu_execute(stmt, fcinfo, values, nulls, true, 0, dest);
	gu_spi_finish();
	dest->rDestroy(dest);

	return (Datum) 0;
}

Datum
gu_user_groups(PG_FUNCTION_ARGS)
{
	return list_page(fcinfo, &user_groups_stmt, false);
}

Datum
gu_group_members(PG_FUNCTION_ARGS)
{
	return list_page(fcinfo, &group_members_stmt, true);
}

/* Shared body of the counts (STRICT in SQL) */
static Datum
count_rows(FunctionCallInfo fcinfo, GuStatement *stmt, bool by_group)
{
	Datum		id = PG_GETARG_DATUM(0);
	int64		count = 0;

	if (gu_direct_list(fcinfo, by_group, DatumGetInt64(id), PG_INT64_MIN, -1,
					   NULL, NULL, &count))
		PG_RETURN_INT64(count);

	gu_spi_connect();
	gu_execute_int8(stmt, fcinfo, &id, true, &count);
	gu_spi_finish();

	PG_RETURN_INT64(count);
}

Datum
gu_count_user_groups(PG_FUNCTION_ARGS)
{
	return count_rows(fcinfo, &count_user_groups_stmt, false);
}

Datum
gu_count_group_members(PG_FUNCTION_ARGS)
{
	return count_rows(fcinfo, &count_group_members_stmt, true);
}
