/*-------------------------------------------------------------------------
 *
 * memberships.c
 *	  Writes of many memberships at once, from either side:
 *	  add_memberships(uid, gids, role), remove_memberships(uid, gids),
 *	  set_user_groups(uid, gids, role) and, for a group,
 *	  add_group_members(gid, uids, role), remove_group_members(gid, uids),
 *	  set_group_members(gid, uids, role); and create_group(name,
 *	  member_uids, role).
 *
 * Each is a few set-based statements in the caller's transaction, so each
 * is all-or-nothing.  The array is sorted and deduplicated first
 * (gu_arg_ids): rows are then written in key order, and sessions writing
 * overlapping sets wait for each other instead of deadlocking.  Ids of the
 * array side that do not exist are found by one anti-join before anything
 * is written, so the error can name the smallest of them; a row hidden
 * from the caller by row-level security counts as missing there.
 *
 * A set_* call first takes a transaction-scoped lock on its user or group
 * (an advisory lock tag of our own, see set_members), so two sets of the
 * same user's groups run one after the other: the later one reads what the
 * earlier one wrote, and the result is exactly the later caller's set,
 * never a mix of the two.
 *
 *-------------------------------------------------------------------------
 */
#include "group_users.h"

#include "catalog/pg_type.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "storage/lock.h"
#include "utils/tuplestore.h"

PG_FUNCTION_INFO_V1(gu_add_memberships);
PG_FUNCTION_INFO_V1(gu_remove_memberships);
PG_FUNCTION_INFO_V1(gu_set_user_groups);
PG_FUNCTION_INFO_V1(gu_add_group_members);
PG_FUNCTION_INFO_V1(gu_remove_group_members);
PG_FUNCTION_INFO_V1(gu_set_group_members);
PG_FUNCTION_INFO_V1(gu_create_group);

/*
 * locktag_field4 of the advisory locks taken by set_user_groups and
 * set_group_members (pg_locks.objsubid); pg_advisory_lock() uses 1 and 2,
 * so these never collide with an application's advisory locks.
 */
#define GU_LOCK_USER_SET	0x4755
#define GU_LOCK_GROUP_SET	0x4756

/*
 * Statements of one side.  $1 is the scalar id (self_col), $2 the sorted
 * distinct ids of the other side (other_col), $3 the role.
 *
 * The array is matched with a sublink, "= ANY (SELECT unnest($2))", never
 * "= ANY ($2)": an array parameter is not hashed, so as a filter (a plan
 * made while the table was small) it would be scanned once per row,
 * quadratic for 100k ids.  The sublink becomes a semi-join, or under NOT
 * a hashed subplan: linear whatever the plan.
 */
#define MISSING_SQL(other_table) \
	"SELECT i.id FROM pg_catalog.unnest($1) AS i(id)" \
	" WHERE NOT EXISTS (SELECT FROM @extschema@." other_table " o" \
	"                    WHERE o.id OPERATOR(pg_catalog.=) i.id)" \
	" ORDER BY i.id LIMIT 1"
#define INSERT_SQL(self_col, other_col) \
	"INSERT INTO @extschema@.group_users (" self_col ", " other_col ", role)" \
	" SELECT $1, i.id, $3 FROM pg_catalog.unnest($2) AS i(id)" \
	" ON CONFLICT (user_id, group_id) DO NOTHING"
#define UPDATE_ROLE_SQL(self_col, other_col) \
	"UPDATE @extschema@.group_users" \
	"   SET role = $3, updated_at = pg_catalog.now()" \
	" WHERE " self_col " OPERATOR(pg_catalog.=) $1" \
	"   AND " other_col " OPERATOR(pg_catalog.=) ANY" \
	"            (SELECT pg_catalog.unnest($2))" \
	"   AND role OPERATOR(pg_catalog.<>) $3"
#define DELETE_LISTED_SQL(self_col, other_col) \
	"DELETE FROM @extschema@.group_users" \
	" WHERE " self_col " OPERATOR(pg_catalog.=) $1" \
	"   AND " other_col " OPERATOR(pg_catalog.=) ANY" \
	"            (SELECT pg_catalog.unnest($2))"
#define DELETE_UNLISTED_SQL(self_col, other_col) \
	"DELETE FROM @extschema@.group_users" \
	" WHERE " self_col " OPERATOR(pg_catalog.=) $1" \
	"   AND NOT (" other_col " OPERATOR(pg_catalog.=) ANY" \
	"            (SELECT pg_catalog.unnest($2)))"

#define SIDE_STATEMENT(sql_, nargs_, ...) \
	{ .sql = (sql_), .nargs = (nargs_), .argtypes = {__VA_ARGS__} }
#define ROLE_ARGS INT8OID, INT8ARRAYOID, TEXTOID
#define IDS_ARGS INT8OID, INT8ARRAYOID

typedef struct Side
{
	bool		self_is_user;	/* $1 is a user id (else a group id) */
	const char *self_name;		/* argument names, for errors */
	const char *others_name;
	uint16		lock_kind;
	GuStatement missing;
	GuStatement insert;
	GuStatement update_role;
	GuStatement delete_listed;
	GuStatement delete_unlisted;
} Side;

static Side user_side = {
	true, "uid", "gids", GU_LOCK_USER_SET,
	SIDE_STATEMENT(MISSING_SQL("groups"), 1, INT8ARRAYOID),
	SIDE_STATEMENT(INSERT_SQL("user_id", "group_id"), 3, ROLE_ARGS),
	SIDE_STATEMENT(UPDATE_ROLE_SQL("user_id", "group_id"), 3, ROLE_ARGS),
	SIDE_STATEMENT(DELETE_LISTED_SQL("user_id", "group_id"), 2, IDS_ARGS),
	SIDE_STATEMENT(DELETE_UNLISTED_SQL("user_id", "group_id"), 2, IDS_ARGS)
};

static Side group_side = {
	false, "gid", "uids", GU_LOCK_GROUP_SET,
	SIDE_STATEMENT(MISSING_SQL("users"), 1, INT8ARRAYOID),
	SIDE_STATEMENT(INSERT_SQL("group_id", "user_id"), 3, ROLE_ARGS),
	SIDE_STATEMENT(UPDATE_ROLE_SQL("group_id", "user_id"), 3, ROLE_ARGS),
	SIDE_STATEMENT(DELETE_LISTED_SQL("group_id", "user_id"), 2, IDS_ARGS),
	SIDE_STATEMENT(DELETE_UNLISTED_SQL("group_id", "user_id"), 2, IDS_ARGS)
};

static GuStatement insert_group_stmt = {
	.sql =
	"INSERT INTO @extschema@.groups (name) VALUES ($1) RETURNING id",
	.nargs = 1,
	.argtypes = {TEXTOID}
};

/* The arguments of a write from one side: (id, ids[, role]) */
typedef struct SideArgs
{
	Datum		values[3];		/* as $1, $2, $3 of the side's statements */
	int64		self;
	int			nothers;
} SideArgs;

static void
side_args(FunctionCallInfo fcinfo, const Side *side, bool with_role,
		  SideArgs *args)
{
	gu_check_writable(fcinfo);
	args->self = gu_arg_id(fcinfo, 0, side->self_name);
	args->values[0] = Int64GetDatum(args->self);
	args->values[1] = gu_arg_ids(fcinfo, 1, side->others_name, false,
								 &args->nothers);
	args->values[2] = with_role ?
		PointerGetDatum(gu_arg_role(fcinfo, 2)) : (Datum) 0;
}

/*
 * 23503 naming the smallest id listed in argument others_name that does
 * not exist
 */
static void
check_others_exist(FunctionCallInfo fcinfo, Side *side, SideArgs *args,
				   const char *others_name)
{
	int64		missing;

	if (!gu_execute_int8(&side->missing, fcinfo, &args->values[1], false,
						 &missing))
		return;
	ereport(ERROR,
			(errcode(ERRCODE_FOREIGN_KEY_VIOLATION),
			 side->self_is_user ?
			 errmsg("group %lld does not exist", (long long) missing) :
			 errmsg("user %lld does not exist", (long long) missing),
			 errdetail("Argument \"%s\" lists it; nothing was written.",
					   others_name)));
}

/*
 * Insert the listed memberships that are missing (with the role); with
 * update_roles, also give the role to the listed ones that have another.
 * Returns how many were inserted.  The caller has run check_others_exist().
 */
static uint64
add_listed(FunctionCallInfo fcinfo, Side *side, SideArgs *args,
		   bool update_roles)
{
	uint64		added;

	added = gu_execute_write(&side->insert, fcinfo, args->values,
							 side->self_is_user ? &args->self : NULL,
							 side->self_is_user ? NULL : &args->self);
	if (update_roles && added < (uint64) args->nothers)
		gu_execute(&side->update_role, fcinfo, args->values, NULL, false, 0,
				   NULL);
	return added;
}

static Datum
add_members(FunctionCallInfo fcinfo, Side *side)
{
	SideArgs	args;
	uint64		added = 0;

	side_args(fcinfo, side, true, &args);
	if (args.nothers > 0)
	{
		gu_spi_connect();
		check_others_exist(fcinfo, side, &args, side->others_name);
		added = add_listed(fcinfo, side, &args, true);
		gu_spi_finish();
	}
	PG_RETURN_INT32((int32) added);
}

static Datum
remove_members(FunctionCallInfo fcinfo, Side *side)
{
	SideArgs	args;
	uint64		removed = 0;

	side_args(fcinfo, side, false, &args);
	if (args.nothers > 0)
	{
		gu_spi_connect();
		removed = gu_execute(&side->delete_listed, fcinfo, args.values, NULL,
							 false, 0, NULL);
		gu_spi_finish();
	}
	PG_RETURN_INT32((int32) removed);
}

/*
 * Replace the set: delete the unlisted, add the missing listed ones with
 * the role.  Kept memberships keep their role, as with Sequelize's
 * setGroups(ids): a set changes who is a member, not what they are (use
 * add_memberships for that).  Returns one row (added, removed).
 */
static Datum
set_members(FunctionCallInfo fcinfo, Side *side)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	SideArgs	args;
	LOCKTAG		tag;
	uint64		added = 0;
	uint64		removed;
	Datum		row[2];
	bool		nulls[2] = {false, false};

	side_args(fcinfo, side, true, &args);
	GU_INIT_MATERIALIZED_SRF(fcinfo, MAT_SRF_USE_EXPECTED_DESC);

	/*
	 * Held to the end of the transaction; both halves of the id go in the
	 * tag, so distinct users never share a lock.
	 */
	SET_LOCKTAG_ADVISORY(tag, MyDatabaseId,
						 (uint32) ((uint64) args.self >> 32),
						 (uint32) args.self, side->lock_kind);
	(void) LockAcquire(&tag, ExclusiveLock, false, false);

	gu_spi_connect();
	if (args.nothers > 0)
		check_others_exist(fcinfo, side, &args, side->others_name);
	removed = gu_execute(&side->delete_unlisted, fcinfo, args.values, NULL,
						 false, 0, NULL);
	if (args.nothers > 0)
		added = add_listed(fcinfo, side, &args, false);
	gu_spi_finish();

	row[0] = Int32GetDatum((int32) added);
	row[1] = Int32GetDatum((int32) removed);
	tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, row, nulls);
	return (Datum) 0;
}

Datum
gu_add_memberships(PG_FUNCTION_ARGS)
{
	return add_members(fcinfo, &user_side);
}

Datum
gu_remove_memberships(PG_FUNCTION_ARGS)
{
	return remove_members(fcinfo, &user_side);
}

Datum
gu_set_user_groups(PG_FUNCTION_ARGS)
{
	return set_members(fcinfo, &user_side);
}

Datum
gu_add_group_members(PG_FUNCTION_ARGS)
{
	return add_members(fcinfo, &group_side);
}

Datum
gu_remove_group_members(PG_FUNCTION_ARGS)
{
	return remove_members(fcinfo, &group_side);
}

Datum
gu_set_group_members(PG_FUNCTION_ARGS)
{
	return set_members(fcinfo, &group_side);
}

/*
 * create_group(name, member_uids, role): Sequelize's createGroup plus the
 * members, in one call.  The members are checked before the group is
 * inserted, so a missing user leaves no group behind either.
 */
Datum
gu_create_group(PG_FUNCTION_ARGS)
{
	SideArgs	args;
	Datum		name;
	int64		gid;

	gu_check_writable(fcinfo);
	if (PG_ARGISNULL(0))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("argument \"name\" must not be null")));
	name = PG_GETARG_DATUM(0);
	args.values[1] = gu_arg_ids(fcinfo, 1, "member_uids", false,
								&args.nothers);
	args.values[2] = PointerGetDatum(gu_arg_role(fcinfo, 2));

	gu_spi_connect();
	if (args.nothers > 0)
		check_others_exist(fcinfo, &group_side, &args, "member_uids");
	if (!gu_execute_int8(&insert_group_stmt, fcinfo, &name, false, &gid))
		elog(ERROR, "INSERT into groups returned no id");
	if (args.nothers > 0)
	{
		args.self = gid;
		args.values[0] = Int64GetDatum(gid);
		gu_execute_write(&group_side.insert, fcinfo, args.values, NULL, &gid);
	}
	gu_spi_finish();

	PG_RETURN_INT64(gid);
}
