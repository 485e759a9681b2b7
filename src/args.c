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

#include "access/xact.h"
#include "catalog/pg_type.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"

/*
 * Writes refuse to run in a read-only transaction (every transaction of a
 * hot standby is one) with a message naming the function, before SPI would
 * name its INSERT or DELETE.
 */
void
gu_check_writable(FunctionCallInfo fcinfo)
{
	if (XactReadOnly)
		ereport(ERROR,
				(errcode(ERRCODE_READ_ONLY_SQL_TRANSACTION),
				 errmsg("cannot execute %s() in a read-only transaction",
						get_func_name(fcinfo->flinfo->fn_oid))));
}

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

static int
cmp_int64(const void *a, const void *b)
{
	int64		x = *(const int64 *) a;
	int64		y = *(const int64 *) b;

	return (x > y) - (x < y);
}

/* An id and where it stood in the argument */
typedef struct IdAt
{
	int64		id;
	int			at;
} IdAt;

static int
cmp_id_at(const void *a, const void *b)
{
	const IdAt *x = (const IdAt *) a;
	const IdAt *y = (const IdAt *) b;

	if (x->id != y->id)
		return (x->id > y->id) - (x->id < y->id);
	return (x->at > y->at) - (x->at < y->at);
}

static int
cmp_at(const void *a, const void *b)
{
	return ((const IdAt *) a)->at - ((const IdAt *) b)->at;
}

static Datum
int8_array(const int64 *ids, int n)
{
	Datum	   *elems = palloc(sizeof(Datum) * Max(n, 1));
	int			i;

	for (i = 0; i < n; i++)
		elems[i] = Int64GetDatum(ids[i]);
	return PointerGetDatum(construct_array(elems, n, INT8OID, sizeof(int64),
										   FLOAT8PASSBYVAL, TYPALIGN_DOUBLE));
}

/*
 * The bigint[] in argument argno as a bigint[] of distinct ids, and their
 * number in *count.  Sorted, unless keep_order: then in the order given,
 * each id where it first stood.  Sorted ids are what the bulk writes need:
 * sessions writing overlapping sets then lock rows in the same order, so
 * they wait for one another instead of deadlocking.
 *
 * NULL, a NULL element: 22004.  More than one dimension: 22023.
 */
Datum
gu_arg_ids(FunctionCallInfo fcinfo, int argno, const char *name,
		   bool keep_order, int *count)
{
	ArrayType  *arr;
	const int64 *data;
	int			n;
	int			m;
	int			i;

	if (PG_ARGISNULL(argno))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("argument \"%s\" must not be null", name)));
	arr = PG_GETARG_ARRAYTYPE_P(argno);
	if (ARR_NDIM(arr) > 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("argument \"%s\" must be a one-dimensional array",
						name)));
	if (array_contains_nulls(arr))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("argument \"%s\" must not contain null elements",
						name)));
	Assert(ARR_ELEMTYPE(arr) == INT8OID);
	n = ArrayGetNItems(ARR_NDIM(arr), ARR_DIMS(arr));
	data = (const int64 *) ARR_DATA_PTR(arr);

	if (!keep_order)
	{
		int64	   *ids;

		/* already sorted and distinct, as a careful caller sends them */
		for (i = 1; i < n && data[i - 1] < data[i]; i++)
			;
		if (i >= n)
		{
			*count = n;
			return PointerGetDatum(arr);
		}
		ids = palloc(sizeof(int64) * n);
		memcpy(ids, data, sizeof(int64) * n);
		qsort(ids, n, sizeof(int64), cmp_int64);
		for (i = 0, m = 0; i < n; i++)
			if (m == 0 || ids[m - 1] != ids[i])
				ids[m++] = ids[i];
		*count = m;
		return int8_array(ids, m);
	}
	else
	{
		IdAt	   *pairs = palloc(sizeof(IdAt) * Max(n, 1));
		int64	   *ids = palloc(sizeof(int64) * Max(n, 1));

		for (i = 0; i < n; i++)
		{
			pairs[i].id = data[i];
			pairs[i].at = i;
		}
		/* by id then position: keep the first of each id, back in order */
		qsort(pairs, n, sizeof(IdAt), cmp_id_at);
		for (i = 0, m = 0; i < n; i++)
			if (m == 0 || pairs[m - 1].id != pairs[i].id)
				pairs[m++] = pairs[i];
		qsort(pairs, m, sizeof(IdAt), cmp_at);
		for (i = 0; i < m; i++)
			ids[i] = pairs[i].id;
		*count = m;
		return int8_array(ids, m);
	}
}

/* The ids of a bigint[] that gu_arg_ids() returned, as a C array */
const int64 *
gu_ids_data(Datum ids)
{
	return (const int64 *) ARR_DATA_PTR(DatumGetArrayTypeP(ids));
}

/*
 * Where id is in ids, sorted and distinct as gu_arg_ids() makes them
 * (without keep_order), or NULL
 */
const int64 *
gu_ids_find(const int64 *ids, int n, int64 id)
{
	return n == 0 ? NULL : bsearch(&id, ids, n, sizeof(int64), cmp_int64);
}
