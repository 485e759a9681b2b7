/*-------------------------------------------------------------------------
 *
 * group_users.h
 *	  Shared declarations of the group_users extension.
 *
 * The SQL functions live in files named after them (user_groups.c,
 * membership.c, user_with_groups.c); the chores they share have one helper
 * each: plan_cache.c (prepared, kept SPI plans), index_read.c (the thin
 * reads done on the indexes, without SPI, when that gives the same answer),
 * direct_write.c (one membership added or removed the same way),
 * args.c (argument checks), json_writer.c (JSON text and the receiver
 * that writes it) and result_rows.c (where the set-returning functions
 * put their rows).
 *
 *-------------------------------------------------------------------------
 */
#ifndef GROUP_USERS_H
#define GROUP_USERS_H

#include "postgres.h"

#include "executor/spi.h"
#include "fmgr.h"
#include "lib/stringinfo.h"
#include "tcop/dest.h"
#include "utils/timestamp.h"
#include "utils/tuplestore.h"

#if PG_VERSION_NUM < 130000
#error "group_users requires PostgreSQL 13 or later"
#endif

/* ----------------
 * result_rows.c
 * ----------------
 */
extern void gu_rows_begin(FunctionCallInfo fcinfo);

/* ----------------
 * plan_cache.c
 * ----------------
 */

#define GU_MAX_PARAMS 4

/*
 * One SQL statement of the extension: its text, written with @extschema@
 * where the extension's schema goes, and the plan kept for this backend.
 */
typedef struct GuStatement
{
	const char *sql;
	int			nargs;
	Oid			argtypes[GU_MAX_PARAMS];
	SPIPlanPtr	plan;			/* kept plan; NULL until first use */
} GuStatement;

extern void gu_spi_connect(void);
extern void gu_spi_finish(void);
extern uint64 gu_execute(GuStatement *stmt, FunctionCallInfo fcinfo,
						 Datum *values, const bool *nulls,
						 bool read_only, uint64 tcount, DestReceiver *dest);
extern DestReceiver *gu_tuplestore_dest(Tuplestorestate *tstore,
										MemoryContext cxt, TupleDesc target,
										const char *msg);
extern bool gu_execute_int8(GuStatement *stmt, FunctionCallInfo fcinfo,
							Datum *values, bool read_only, int64 *result);
extern int64 *gu_execute_int8_list(GuStatement *stmt, FunctionCallInfo fcinfo,
								   Datum *values, bool read_only, int *count);
extern uint64 gu_execute_write(GuStatement *stmt, FunctionCallInfo fcinfo,
							   Datum *values, const int64 *uid,
							   const int64 *gid);
extern void gu_report_missing(bool user_side, const int64 *uid,
							  const int64 *gid, const char *detail,
							  const char *schema, const char *table,
							  const char *constraint);

/* The join table's foreign keys, as sql/group_users--*.sql names them */
#define GU_USER_FKEY	"group_users_user_id_fkey"
#define GU_GROUP_FKEY	"group_users_group_id_fkey"

/* ----------------
 * membership.c: one row, for the row-by-row bulk writes (SPI connected)
 * ----------------
 */
typedef struct GuDirectAdd GuDirectAdd;
extern bool gu_add_one(FunctionCallInfo fcinfo, GuDirectAdd *direct,
					   int64 uid, int64 gid, Datum role, bool update_role,
					   bool seen_absent);
extern bool gu_remove_one(FunctionCallInfo fcinfo, int64 uid, int64 gid);

/* ----------------
 * index_read.c: the thin reads without SPI, when privileges and RLS allow
 * ----------------
 */
extern bool gu_direct_reads;	/* GUC group_users.direct_reads */
extern bool gu_direct_list(FunctionCallInfo fcinfo, bool by_group, int64 id,
						   int64 lower, int64 limit, Tuplestorestate *ts,
						   TupleDesc desc, int64 *count);
typedef struct GuDirectDocument GuDirectDocument;
extern GuDirectDocument *gu_direct_document_begin(FunctionCallInfo fcinfo,
												  bool group);
extern bool gu_direct_document_head(GuDirectDocument *doc, int64 id,
									DestReceiver *dest);
extern void gu_direct_document_list(GuDirectDocument *doc, int64 id,
									DestReceiver *dest);
extern void gu_direct_document_end(GuDirectDocument *doc);
extern bool gu_direct_is_member_of(FunctionCallInfo fcinfo, int64 uid,
								   const int64 *gids, int n, bool all,
								   bool *result);
extern bool gu_direct_first_missing(FunctionCallInfo fcinfo, bool users,
									const int64 *ids, int n, bool *any,
									int64 *missing);

/* ----------------
 * direct_write.c: one membership added or removed without SPI
 * ----------------
 */
extern bool gu_direct_inserts;	/* GUC group_users.direct_inserts */
extern bool gu_direct_deletes;	/* GUC group_users.direct_deletes */
extern bool gu_direct_remove(FunctionCallInfo fcinfo, int64 uid, int64 gid,
							 bool *removed);
extern GuDirectAdd *gu_direct_add_begin(FunctionCallInfo fcinfo);
extern bool gu_direct_add(GuDirectAdd *add, int64 uid, int64 gid, Datum role,
						  bool seen_absent);
extern bool gu_direct_remove_unlisted(FunctionCallInfo fcinfo, int64 uid,
									  const int64 *gids, int ngids,
									  bool *seen, uint64 *removed);
extern void gu_direct_add_end(GuDirectAdd *add);

/* ----------------
 * args.c
 * ----------------
 */
extern int64 gu_arg_id(FunctionCallInfo fcinfo, int argno, const char *name);
extern text *gu_arg_role(FunctionCallInfo fcinfo, int argno);
extern bool gu_arg_page(FunctionCallInfo fcinfo, int after_argno,
						int max_argno, Datum *lower, Datum *limit,
						bool *limit_isnull);
extern Datum gu_arg_ids(FunctionCallInfo fcinfo, int argno, const char *name,
						bool keep_order, int *count);
extern const int64 *gu_ids_data(Datum ids);
extern const int64 *gu_ids_find(const int64 *ids, int n, int64 id);
extern void gu_check_writable(FunctionCallInfo fcinfo);

/* ----------------
 * json_writer.c
 * ----------------
 */
typedef enum GuJsonKind
{
	GU_JSON_INT8,
	GU_JSON_TEXT,
	GU_JSON_TIMESTAMPTZ
} GuJsonKind;

/* A key with its quotes and colon already written out, and its value kind */
typedef struct GuJsonField
{
	const char *key;
	int			keylen;
	GuJsonKind	kind;
} GuJsonField;

#define GU_JSON_FIELD(name, kind) \
	{ "\"" name "\":", sizeof("\"" name "\":") - 1, (kind) }

/*
 * The object written for each result row: the first nfields columns as its
 * members, then (when asked for) the next nnested columns as an object
 * under nested_key.
 */
typedef struct GuJsonShape
{
	const GuJsonField *fields;
	int			nfields;
	const char *nested_key;		/* written as is: "\"key\":" */
	const GuJsonField *nested;
	int			nnested;
} GuJsonShape;

/* A run of rows with the same key, written at buf->data[start .. +len) */
typedef struct GuJsonSegment
{
	int64		key;
	int			start;
	int			len;
} GuJsonSegment;

extern void gu_json_string(StringInfo buf, const char *str, int len);
extern void gu_json_timestamptz(StringInfo buf, TimestampTz ts);
extern DestReceiver *gu_json_receiver(StringInfo buf, const GuJsonShape *shape,
									  bool with_nested, bool close_object);
extern DestReceiver *gu_json_segment_receiver(StringInfo buf,
											  const GuJsonShape *shape,
											  bool with_nested,
											  bool close_object,
											  int key_attno);
extern GuJsonSegment *gu_json_segments(DestReceiver *self, int *count);

/* ----------------
 * Version compatibility (13 to 18); PostgreSQL 15 is what CI tests, and
 * scripts/check_versions.sh compiles against the others' headers.
 * ----------------
 */
/* 18 gave index_beginscan() the scan's instrumentation (none here) */
#if PG_VERSION_NUM >= 180000
#define gu_index_beginscan(heap, index, snapshot, nkeys, norderbys) \
	index_beginscan((heap), (index), (snapshot), NULL, (nkeys), (norderbys))
#else
#define gu_index_beginscan(heap, index, snapshot, nkeys, norderbys) \
	index_beginscan((heap), (index), (snapshot), (nkeys), (norderbys))
#endif

#endif							/* GROUP_USERS_H */
