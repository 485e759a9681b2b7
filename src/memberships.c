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
 * Each is a few statements in the caller's transaction (the adds direct,
 * one row at a time, and a user's set's deletes, in one scan of the user's
 * memberships, when direct_write.c may), so each is all-or-nothing.
 * The array is sorted and deduplicated first (gu_arg_ids): rows are then
 * written in key order, and sessions writing overlapping sets wait for
 * each other instead of deadlocking.  Ids of the array side that do not
 * exist are found before anything is written (by one anti-join, or where
 * the direct path may read, one probe of the primary key per id), so the
 * error can name the smallest of them; a row hidden from the caller by
 * row-level security counts as missing there.
 *
 * Each of these first takes a transaction-scoped lock on its user or group
 * (an advisory lock tag of our own, see lock_self), so the bulk writes of
 * one user's groups run one after the other.  Two sets then never mix: the
 * later one reads what the earlier one wrote, and the result is exactly the
 * later caller's set.
 *
 * No two writes can deadlock.  Bulk writes of one user (or one group) run
 * one at a time; of different users they touch different rows.  A
 * single-row write holds one row, so it waits for nothing while holding.
 * What is left is a cycle through bulk writes of users and of groups in
 * turn: a group's write holding one membership and waiting for another,
 * whose user's write waits for a membership held by another group's write,
 * and so on.  The user-side writes are a DELETE (a statement, or direct
 * deletes in the order of the primary key), the inserts (an INSERT
 * statement, or direct adds row by row) and an UPDATE, each in key order
 * but not all together, so the group-side writes go row by row in
 * increasing user id.  Around any such cycle the user id would then stay
 * equal across each user's write and grow across each group's write, and
 * could not come back to where it started.
 *
 *-------------------------------------------------------------------------
 */
#include "group_users.h"

#include "catalog/pg_type.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "storage/lock.h"
#include "utils/array.h"
#include "utils/tuplestore.h"

PG_FUNCTION_INFO_V1(gu_add_memberships);
PG_FUNCTION_INFO_V1(gu_remove_memberships);
PG_FUNCTION_INFO_V1(gu_set_user_groups);
PG_FUNCTION_INFO_V1(gu_add_group_members);
PG_FUNCTION_INFO_V1(gu_remove_group_members);
PG_FUNCTION_INFO_V1(gu_set_group_members);
PG_FUNCTION_INFO_V1(gu_create_group);

/*
 * locktag_field4 of the advisory locks taken by the bulk writes of a user's
 * groups and of a group's members (pg_locks.objsubid); pg_advisory_lock()
 * uses 1 and 2, so these never collide with an application's advisory
 * locks.
 */
#define GU_LOCK_USER_SET	0x4755
#define GU_LOCK_GROUP_SET	0x4756

/*
 * Statements of the user side: $1 is the user id, $2 the sorted distinct
 * group ids, $3 the role.
 *
 * The array is matched with a sublink, "= ANY (SELECT unnest($2))", never
 * "= ANY ($2)": an array parameter is not hashed, so as a filter (a plan
 * made while the table was small) it would be scanned once per row,
 * quadratic for 100k ids.  The sublink becomes a semi-join, or under NOT
 * a hashed subplan: linear whatever the plan.
 */
#define LISTED(col) \
	" " col " OPERATOR(pg_catalog.=) ANY (SELECT pg_catalog.unnest($2))"

/* Both sides: the smallest listed id ($1) not in other_table */
#define MISSING_SQL(other_table) \
	"SELECT i.id FROM pg_catalog.unnest($1) AS i(id)" \
	" WHERE NOT EXISTS (SELECT FROM @extschema@." other_table " o" \
	"                    WHERE o.id OPERATOR(pg_catalog.=) i.id)" \
	" ORDER BY i.id LIMIT 1"

#define STATEMENT(sql_, nargs_, ...) \
	{ .sql = (sql_), .nargs = (nargs_), .argtypes = {__VA_ARGS__} }

typedef struct Side
{
	bool		self_is_user;	/* $1 is a user id (else a group id) */
	bool		row_by_row;		/* in key order one row at a time (above) */
	const char *self_name;		/* argument names, for errors */
	const char *others_name;
	uint16		lock_kind;
	GuStatement missing;
	/* set-based side */
	GuStatement insert;
	GuStatement update_role;
	GuStatement delete_listed;
	GuStatement delete_unlisted;
	/* row-by-row side: the other side's ids, in order */
	GuStatement members;
} Side;

static Side user_side = {
	.self_is_user = true,
	.row_by_row = false,
	.self_name = "uid",
	.others_name = "gids",
	.lock_kind = GU_LOCK_USER_SET,
	.missing = STATEMENT(MISSING_SQL("groups"), 1, INT8ARRAYOID),
	.insert = STATEMENT(
						"INSERT INTO @extschema@.group_users (user_id, group_id, role)"
						" SELECT $1, i.id, $3 FROM pg_catalog.unnest($2) AS i(id)"
						" ON CONFLICT (user_id, group_id) DO NOTHING",
						3, INT8OID, INT8ARRAYOID, TEXTOID),
	.update_role = STATEMENT(
							 "UPDATE @extschema@.group_users"
							 "   SET role = $3, updated_at = pg_catalog.now()"
							 " WHERE user_id OPERATOR(pg_catalog.=) $1 AND" LISTED("group_id")
							 "   AND role OPERATOR(pg_catalog.<>) $3",
							 3, INT8OID, INT8ARRAYOID, TEXTOID),
	.delete_listed = STATEMENT(
							   "DELETE FROM @extschema@.group_users"
							   " WHERE user_id OPERATOR(pg_catalog.=) $1 AND" LISTED("group_id"),
							   2, INT8OID, INT8ARRAYOID),
	.delete_unlisted = STATEMENT(
								 "DELETE FROM @extschema@.group_users"
								 " WHERE user_id OPERATOR(pg_catalog.=) $1 AND NOT (" LISTED("group_id") ")",
								 2, INT8OID, INT8ARRAYOID)
};

static Side group_side = {
	.self_is_user = false,
	.row_by_row = true,
	.self_name = "gid",
	.others_name = "uids",
	.lock_kind = GU_LOCK_GROUP_SET,
	.missing = STATEMENT(MISSING_SQL("users"), 1, INT8ARRAYOID),
	.members = STATEMENT(
						 "SELECT user_id FROM @extschema@.group_users"
						 " WHERE group_id OPERATOR(pg_catalog.=) $1 ORDER BY user_id",
						 1, INT8OID)
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
	const int64 *others;		/* values[1]'s ids: sorted, distinct */
	int			nothers;
} SideArgs;

/* One membership of self and other, as (uid, gid) */
#define SIDE_UID(side, args, other) ((side)->self_is_user ? (args)->self : (other))
#define SIDE_GID(side, args, other) ((side)->self_is_user ? (other) : (args)->self)

/*
 * Lock the user or group the write is about, to the end of the
 * transaction; both halves of the id go in the tag, so distinct ids never
 * share a lock.  No privilege is needed.
 */
static void
lock_self(const Side *side, int64 self)
{
	LOCKTAG		tag;

	SET_LOCKTAG_ADVISORY(tag, MyDatabaseId, (uint32) ((uint64) self >> 32),
						 (uint32) self, side->lock_kind);
	(void) LockAcquire(&tag, ExclusiveLock, false, false);
}

static void
side_args(FunctionCallInfo fcinfo, const Side *side, bool with_role,
		  SideArgs *args)
{
	gu_check_writable(fcinfo);
	args->self = gu_arg_id(fcinfo, 0, side->self_name);
	args->values[0] = Int64GetDatum(args->self);
	args->values[1] = gu_arg_ids(fcinfo, 1, side->others_name, false,
								 &args->nothers);
	args->others = gu_ids_data(args->values[1]);
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
	bool		any;

	if (!gu_direct_first_missing(fcinfo, !side->self_is_user, args->others,
								 args->nothers, &any, &missing))
		any = gu_execute_int8(&side->missing, fcinfo, &args->values[1],
							  false, &missing);
	if (!any)
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
 *
 * Row by row, in key order, when a direct add can be used: the user side
 * then too, since a direct add costs less than a row of the INSERT (whose
 * two foreign-key checks are a statement each); its rows go in the same
 * order, so what is said above of deadlocks still holds.
 *
 * seen: NULL, or the caller has just read the current memberships, and
 * seen[i] says whether others[i]'s is one of them; the row-by-row adds of
 * the others then know them absent (see gu_direct_add).  Those seen are
 * added as without: one may be being deleted by a transaction still in
 * progress, which the add waits for, as the INSERT statement does.
 */
static uint64
add_listed(FunctionCallInfo fcinfo, Side *side, SideArgs *args,
		   bool update_roles, const bool *seen)
{
	GuDirectAdd *direct = gu_direct_add_begin(fcinfo);
	uint64		added = 0;
	int			i;

	if (direct != NULL || side->row_by_row)
	{
		/* the user side gives roles below, set-based, as without */
		bool		row_roles = update_roles && side->row_by_row;

		for (i = 0; i < args->nothers; i++)
			added += gu_add_one(fcinfo, direct,
								SIDE_UID(side, args, args->others[i]),
								SIDE_GID(side, args, args->others[i]),
								args->values[2], row_roles,
								seen != NULL && !seen[i]);
		if (direct != NULL)
			gu_direct_add_end(direct);
		if (side->row_by_row)
			return added;
	}
	else
		added = gu_execute_write(&side->insert, fcinfo, args->values,
								 &args->self, NULL);
	/* the user side */
	Assert(side->self_is_user);
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
		lock_self(side, args.self);
		gu_spi_connect();
		check_others_exist(fcinfo, side, &args, side->others_name);
		added = add_listed(fcinfo, side, &args, true, NULL);
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
		lock_self(side, args.self);
		gu_spi_connect();
		if (side->row_by_row)
		{
			int			i;

			for (i = 0; i < args.nothers; i++)
				removed += gu_remove_one(fcinfo,
										 SIDE_UID(side, &args, args.others[i]),
										 SIDE_GID(side, &args, args.others[i]));
		}
		else
			removed = gu_execute(&side->delete_listed, fcinfo, args.values,
								 NULL, false, 0, NULL);
		gu_spi_finish();
	}
	PG_RETURN_INT32((int32) removed);
}

/*
 * The set as a merge of the current members and the listed ones, both in
 * key order: delete or insert one row at a time, in increasing key.
 */
static void
set_row_by_row(FunctionCallInfo fcinfo, Side *side, SideArgs *args,
			   uint64 *added, uint64 *removed)
{
	int			ncurrent;
	int64	   *current = gu_execute_int8_list(&side->members, fcinfo,
											   args->values, false, &ncurrent);
	int			i = 0;
	int			j = 0;
	GuDirectAdd *direct = gu_direct_add_begin(fcinfo);

	while (i < ncurrent || j < args->nothers)
	{
		if (j >= args->nothers ||
			(i < ncurrent && current[i] < args->others[j]))
		{
			*removed += gu_remove_one(fcinfo, SIDE_UID(side, args, current[i]),
									  SIDE_GID(side, args, current[i]));
			i++;
		}
		else if (i >= ncurrent || args->others[j] < current[i])
		{
			*added += gu_add_one(fcinfo, direct,
								 SIDE_UID(side, args, args->others[j]),
								 SIDE_GID(side, args, args->others[j]),
								 args->values[2], false, true);
			j++;
		}
		else
		{
			i++;				/* kept, with its role */
			j++;
		}
	}
	if (direct != NULL)
		gu_direct_add_end(direct);
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
	uint64		added = 0;
	uint64		removed = 0;
	Datum		row[2];
	bool		nulls[2] = {false, false};

	side_args(fcinfo, side, true, &args);
	gu_rows_begin(fcinfo);
	lock_self(side, args.self);

	gu_spi_connect();
	if (args.nothers > 0)
		check_others_exist(fcinfo, side, &args, side->others_name);
	if (side->row_by_row)
		set_row_by_row(fcinfo, side, &args, &added, &removed);
	else
	{
		/* one scan of the user's memberships, or the DELETE statement */
		bool	   *seen = palloc0(sizeof(bool) * Max(args.nothers, 1));

		if (!gu_direct_remove_unlisted(fcinfo, args.self, args.others,
									   args.nothers, seen, &removed))
		{
			removed = gu_execute(&side->delete_unlisted, fcinfo, args.values,
								 NULL, false, 0, NULL);
			seen = NULL;
		}
		if (args.nothers > 0)
			added = add_listed(fcinfo, side, &args, false, seen);
	}
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
	args.others = gu_ids_data(args.values[1]);
	args.values[2] = PointerGetDatum(gu_arg_role(fcinfo, 2));

	gu_spi_connect();
	if (args.nothers > 0)
		check_others_exist(fcinfo, &group_side, &args, "member_uids");
	if (!gu_execute_int8(&insert_group_stmt, fcinfo, &name, false, &gid))
		elog(ERROR, "INSERT into groups returned no id");
	if (args.nothers > 0)
	{
		/* a group no other transaction can see yet has no members */
		bool	   *seen = palloc0(sizeof(bool) * args.nothers);

		args.self = gid;
		args.values[0] = Int64GetDatum(gid);
		add_listed(fcinfo, &group_side, &args, false, seen);
	}
	gu_spi_finish();

	PG_RETURN_INT64(gid);
}
