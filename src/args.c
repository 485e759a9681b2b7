/*-------------------------------------------------------------------------
 *
 * args.c
 *	  Argument checks shared by the SQL functions.
 *
 * The write functions are not STRICT: a NULL id or role is a mistake the
 * caller should hear about (22004), not a silent NULL result.
 *
 *-------------------------------------------------------------------------
 */
#include "group_users.h"

#include "utils/builtins.h"

/* The id in argument argno, which must not be NULL */
int64
gu_arg_id(FunctionCallInfo fcinfo, int argno, const char *name)
{
	if (PG_ARGISNULL(argno))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("argument \"%s\" must not be null", name)));
	return PG_GETARG_INT64(argno);
}

/* The membership role in argument argno: not NULL, not empty */
text *
gu_arg_role(FunctionCallInfo fcinfo, int argno)
{
	text	   *role;

	if (PG_ARGISNULL(argno))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("argument \"role\" must not be null")));
	role = PG_GETARG_TEXT_PP(argno);
	if (VARSIZE_ANY_EXHDR(role) == 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("argument \"role\" must not be empty"),
				 errhint("Leave the argument out to get the default role 'member'.")));
	return role;
}

/*
 * Keyset paging arguments: after_id (NULL: from the start) and max_rows
 * (NULL: no limit).  Sets *lower to the smallest id to return and *limit
 * to the LIMIT (null when there is none).  Returns false when the page is
 * empty whatever the data: max_rows = 0, or no id can follow after_id.
 */
bool
gu_arg_page(FunctionCallInfo fcinfo, int after_argno, int max_argno,
			Datum *lower, Datum *limit, bool *limit_isnull)
{
	int64		after;
	int32		max_rows;

	*limit_isnull = PG_ARGISNULL(max_argno);
	*limit = (Datum) 0;
	if (!*limit_isnull)
	{
		max_rows = PG_GETARG_INT32(max_argno);
		if (max_rows < 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("argument \"max_rows\" must not be negative"),
					 errdetail("max_rows was %d.", max_rows),
					 errhint("Pass NULL for no limit.")));
		if (max_rows == 0)
			return false;
		*limit = Int64GetDatum((int64) max_rows);
	}

	if (PG_ARGISNULL(after_argno))
	{
		*lower = Int64GetDatum(PG_INT64_MIN);
		return true;
	}
	after = PG_GETARG_INT64(after_argno);
	if (after == PG_INT64_MAX)
		return false;
	*lower = Int64GetDatum(after + 1);
	return true;
}
