/*-------------------------------------------------------------------------
 *
 * membership.c
 *	  add_membership(uid, gid, role), remove_membership(uid, gid),
 *	  is_member(uid, gid), is_member_of_all(uid, gids) and
 *	  is_member_of_any(uid, gids).
 *
 * add_membership is INSERT ... ON CONFLICT DO NOTHING: sessions adding the
 * same pair at once wait for one another and never see a unique violation
 * (under READ COMMITTED; REPEATABLE READ and SERIALIZABLE may raise 40001,
 * to be retried).  Only when the pair existed does a second statement set
 * a different role, as Sequelize's addGroup does with through attributes.
 *
 *-------------------------------------------------------------------------
 */
#include "group_users.h"

#include "catalog/pg_type.h"

PG_FUNCTION_INFO_V1(gu_add_membership);
PG_FUNCTION_INFO_V1(gu_remove_membership);
PG_FUNCTION_INFO_V1(gu_is_member);
PG_FUNCTION_INFO_V1(gu_is_member_of_all);
PG_FUNCTION_INFO_V1(gu_is_member_of_any);

static GuStatement insert_stmt = {
	.sql =
	"INSERT INTO @extschema@.group_users (user_id, group_id, role)"
	" VALUES ($1, $2, $3)"
	" ON CONFLICT (user_id, group_id) DO NOTHING",
	.nargs = 3,
	.argtypes = {INT8OID, INT8OID, TEXTOID}
};

static GuStatement update_role_stmt = {
	.sql =
	"UPDATE @extschema@.group_users"
	"   SET role = $3, updated_at = pg_catalog.now()"
	" WHERE user_id OPERATOR(pg_catalog.=) $1"
	"   AND group_id OPERATOR(pg_catalog.=) $2"
	"   AND role OPERATOR(pg_catalog.<>) $3",
	.nargs = 3,
	.argtypes = {INT8OID, INT8OID, TEXTOID}
};

static GuStatement delete_stmt = {
	.sql =
	"DELETE FROM @extschema@.group_users"
	" WHERE user_id OPERATOR(pg_catalog.=) $1"
	"   AND group_id OPERATOR(pg_catalog.=) $2",
	.nargs = 2,
	.argtypes = {INT8OID, INT8OID}
};

static GuStatement exists_stmt = {
	.sql =
	"SELECT FROM @extschema@.group_users"
	" WHERE user_id OPERATOR(pg_catalog.=) $1"
	"   AND group_id OPERATOR(pg_catalog.=) $2",
	.nargs = 2,
	.argtypes = {INT8OID, INT8OID}
};

/*
 * $2 holds distinct ids, so the count tells whether all are there.  The
 * array is a sublink for the reason given in memberships.c.
 */
static GuStatement count_listed_stmt = {
	.sql =
	"SELECT pg_catalog.count(*) FROM @extschema@.group_users"
	" WHERE user_id OPERATOR(pg_catalog.=) $1"
	"   AND group_id OPERATOR(pg_catalog.=) ANY (SELECT pg_catalog.unnest($2))",
	.nargs = 2,
	.argtypes = {INT8OID, INT8ARRAYOID}
};

static GuStatement any_listed_stmt = {
	.sql =
	"SELECT FROM @extschema@.group_users"
	" WHERE user_id OPERATOR(pg_catalog.=) $1"
	"   AND group_id OPERATOR(pg_catalog.=) ANY (SELECT pg_catalog.unnest($2))",
	.nargs = 2,
	.argtypes = {INT8OID, INT8ARRAYOID}
};

/* Give membership (uid, gid) role if it has another; the caller is connected */
static void
give_role(FunctionCallInfo fcinfo, int64 uid, int64 gid, Datum role)
{
	Datum		values[3];

	values[0] = Int64GetDatum(uid);
	values[1] = Int64GetDatum(gid);
	values[2] = role;
	gu_execute(&update_role_stmt, fcinfo, values, NULL, false, 0, NULL);
}

/*
 * Add one membership, or give it role if it exists with another; true if
 * it was created.  Directly if the caller could begin a direct add, else
 * by the INSERT statement.  Both statements touch that one row only.  The
 * caller is connected to SPI; add_membership and the row-by-row bulk
 * writes of memberships.c share this.  seen_absent: see gu_direct_add.
 */
bool
gu_add_one(FunctionCallInfo fcinfo, GuDirectAdd *direct, int64 uid,
		   int64 gid, Datum role, bool update_role, bool seen_absent)
{
	Datum		values[3];
	bool		created;

	if (direct != NULL)
		created = gu_direct_add(direct, uid, gid, role, seen_absent);
	else
	{
		values[0] = Int64GetDatum(uid);
		values[1] = Int64GetDatum(gid);
		values[2] = role;
		created = gu_execute_write(&insert_stmt, fcinfo, values,
								   &uid, &gid) > 0;
	}
	if (!created && update_role)
		give_role(fcinfo, uid, gid, role);
	return created;
}

/* The DELETE statement of one membership; the caller is connected */
static bool
remove_by_statement(FunctionCallInfo fcinfo, int64 uid, int64 gid)
{
	Datum		values[2];

	values[0] = Int64GetDatum(uid);
	values[1] = Int64GetDatum(gid);
	return gu_execute(&delete_stmt, fcinfo, values, NULL, false, 0, NULL) > 0;
}

/*
 * Remove one membership; true if it was there.  Directly when nothing but
 * the table AM would act on the delete (see gu_direct_remove), else by the
 * statement: the caller is connected to SPI.
 */
bool
gu_remove_one(FunctionCallInfo fcinfo, int64 uid, int64 gid)
{
	bool		removed;

	if (gu_direct_remove(fcinfo, uid, gid, &removed))
		return removed;
	return remove_by_statement(fcinfo, uid, gid);
}

Datum
gu_add_membership(PG_FUNCTION_ARGS)
{
	int64		uid;
	int64		gid;
	text	   *role;
	GuDirectAdd *direct;
	bool		created;

	gu_check_writable(fcinfo);
	uid = gu_arg_id(fcinfo, 0, "uid");
	gid = gu_arg_id(fcinfo, 1, "gid");
	role = gu_arg_role(fcinfo, 2);

	/* no SPI connection when the insert is direct and adds the row */
	direct = gu_direct_add_begin(fcinfo);
	if (direct != NULL)
	{
		created = gu_direct_add(direct, uid, gid, PointerGetDatum(role),
								false);
		gu_direct_add_end(direct);
		if (!created)
		{
			/* it was there: the role, by its statement */
			gu_spi_connect();
			give_role(fcinfo, uid, gid, PointerGetDatum(role));
			gu_spi_finish();
		}
		PG_RETURN_BOOL(created);
	}
	gu_spi_connect();
	created = gu_add_one(fcinfo, NULL, uid, gid, PointerGetDatum(role), true,
						 false);
	gu_spi_finish();

	PG_RETURN_BOOL(created);
}

Datum
gu_remove_membership(PG_FUNCTION_ARGS)
{
	int64		uid;
	int64		gid;
	bool		removed;

	gu_check_writable(fcinfo);
	uid = gu_arg_id(fcinfo, 0, "uid");
	gid = gu_arg_id(fcinfo, 1, "gid");

	/* no SPI connection when the delete is direct */
	if (gu_direct_remove(fcinfo, uid, gid, &removed))
		PG_RETURN_BOOL(removed);
	gu_spi_connect();
	removed = remove_by_statement(fcinfo, uid, gid);
	gu_spi_finish();

	PG_RETURN_BOOL(removed);
}

/* STRICT in SQL: both ids are there */
Datum
gu_is_member(PG_FUNCTION_ARGS)
{
	Datum		values[2];
	uint64		found;
	int64		gid = PG_GETARG_INT64(1);
	bool		member;

	if (gu_direct_is_member_of(fcinfo, PG_GETARG_INT64(0), &gid, 1, true,
							   &member))
		PG_RETURN_BOOL(member);

	values[0] = PG_GETARG_DATUM(0);
	values[1] = PG_GETARG_DATUM(1);

	gu_spi_connect();
	found = gu_execute(&exists_stmt, fcinfo, values, NULL, true, 1, NULL);
	gu_spi_finish();

	PG_RETURN_BOOL(found > 0);
}

/* STRICT in SQL.  hasGroups([...]): all of them; an empty list: true */
Datum
gu_is_member_of_all(PG_FUNCTION_ARGS)
{
	Datum		values[2];
	int			n;
	int64		found = 0;
	bool		member;

	values[0] = PG_GETARG_DATUM(0);
	values[1] = gu_arg_ids(fcinfo, 1, "gids", false, &n);
	if (n == 0)
		PG_RETURN_BOOL(true);
	if (gu_direct_is_member_of(fcinfo, PG_GETARG_INT64(0),
							   gu_ids_data(values[1]), n, true, &member))
		PG_RETURN_BOOL(member);

	gu_spi_connect();
	gu_execute_int8(&count_listed_stmt, fcinfo, values, true, &found);
	gu_spi_finish();

	PG_RETURN_BOOL(found == n);
}

/* STRICT in SQL.  Any of them; an empty list: false */
Datum
gu_is_member_of_any(PG_FUNCTION_ARGS)
{
	Datum		values[2];
	int			n;
	uint64		found;
	bool		member;

	values[0] = PG_GETARG_DATUM(0);
	values[1] = gu_arg_ids(fcinfo, 1, "gids", false, &n);
	if (n == 0)
		PG_RETURN_BOOL(false);
	if (gu_direct_is_member_of(fcinfo, PG_GETARG_INT64(0),
							   gu_ids_data(values[1]), n, false, &member))
		PG_RETURN_BOOL(member);

	gu_spi_connect();
	found = gu_execute(&any_listed_stmt, fcinfo, values, NULL, true, 1, NULL);
	gu_spi_finish();

	PG_RETURN_BOOL(found > 0);
}
