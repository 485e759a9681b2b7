/*-------------------------------------------------------------------------
 *
 * user_with_groups.c
 *	  user_with_groups(uid, with_membership) and its mirror
 *	  group_with_users(gid, with_membership): one row with the rows of the
 *	  other side, as the JSON Sequelize gives for
 *	  Users.findByPk(id, {include: [{model: Groups, as: 'groups'}]}).
 *
 *	  {"id":1,"username":"ozmic","email":null,"createdAt":"...","updatedAt":"...",
 *	   "groups":[{"id":1,"name":"Andela","createdAt":"...","updatedAt":"...",
 *				  "GroupUsers":{"userId":1,"groupId":1,"role":"member",
 *								"createdAt":"...","updatedAt":"..."}}]}
 *
 * Two reads, both under the caller's snapshot: the row itself by primary
 * key, then its list in id order; each row is written as JSON by the
 * receiver as it comes.  Each read is done on the indexes directly
 * (index_read.c) when privileges and row-level security allow, else by its
 * statement through SPI.
 *
 * users_with_groups(uids, with_membership) gives the same document for
 * each of many users, still with two statements in all: the users in the
 * order given, then every membership of all of them, ordered by user; the
 * JSON of each run of one user's groups is a segment of one buffer, found
 * by binary search when that user's document is put together.
 *
 *-------------------------------------------------------------------------
 */
#include "group_users.h"

#include "catalog/pg_type.h"
#include "funcapi.h"
#include "utils/tuplestore.h"

PG_FUNCTION_INFO_V1(gu_user_with_groups);
PG_FUNCTION_INFO_V1(gu_group_with_users);
PG_FUNCTION_INFO_V1(gu_users_with_groups);

static const GuJsonField user_fields[] = {
	GU_JSON_FIELD("id", GU_JSON_INT8),
	GU_JSON_FIELD("username", GU_JSON_TEXT),
	GU_JSON_FIELD("email", GU_JSON_TEXT),
	GU_JSON_FIELD("createdAt", GU_JSON_TIMESTAMPTZ),
	GU_JSON_FIELD("updatedAt", GU_JSON_TIMESTAMPTZ)
};

static const GuJsonField group_fields[] = {
	GU_JSON_FIELD("id", GU_JSON_INT8),
	GU_JSON_FIELD("name", GU_JSON_TEXT),
	GU_JSON_FIELD("createdAt", GU_JSON_TIMESTAMPTZ),
	GU_JSON_FIELD("updatedAt", GU_JSON_TIMESTAMPTZ)
};

/* The through object, keyed by the through model's name */
static const GuJsonField membership_fields[] = {
	GU_JSON_FIELD("userId", GU_JSON_INT8),
	GU_JSON_FIELD("groupId", GU_JSON_INT8),
	GU_JSON_FIELD("role", GU_JSON_TEXT),
	GU_JSON_FIELD("createdAt", GU_JSON_TIMESTAMPTZ),
	GU_JSON_FIELD("updatedAt", GU_JSON_TIMESTAMPTZ)
};

#define MEMBERSHIP_KEY "\"GroupUsers\":"
#define MEMBERSHIP_COLUMNS "m.user_id, m.group_id, m.role, m.created_at, m.updated_at"

static const GuJsonShape user_shape = {
	user_fields, lengthof(user_fields), NULL, NULL, 0
};
static const GuJsonShape group_shape = {
	group_fields, lengthof(group_fields), NULL, NULL, 0
};
static const GuJsonShape user_membership_shape = {
	user_fields, lengthof(user_fields),
	MEMBERSHIP_KEY, membership_fields, lengthof(membership_fields)
};
static const GuJsonShape group_membership_shape = {
	group_fields, lengthof(group_fields),
	MEMBERSHIP_KEY, membership_fields, lengthof(membership_fields)
};

static GuStatement user_stmt = {
	.sql =
	"SELECT id, username, email, created_at, updated_at"
	"  FROM @extschema@.users WHERE id OPERATOR(pg_catalog.=) $1",
	.nargs = 1,
	.argtypes = {INT8OID}
};

static GuStatement group_stmt = {
	.sql =
	"SELECT id, name, created_at, updated_at"
	"  FROM @extschema@.groups WHERE id OPERATOR(pg_catalog.=) $1",
	.nargs = 1,
	.argtypes = {INT8OID}
};

/*
 * Groups with their memberships, for one user or many; the groups side is
 * behind OFFSET 0 to keep its primary-key probes.
 */
#define GROUPS_WITH_MEMBERSHIPS \
	"SELECT g.id, g.name, g.created_at, g.updated_at, " MEMBERSHIP_COLUMNS \
	"  FROM @extschema@.group_users m" \
	"  CROSS JOIN LATERAL" \
	"    (SELECT g.id, g.name, g.created_at, g.updated_at" \
	"       FROM @extschema@.groups g" \
	"      WHERE g.id OPERATOR(pg_catalog.=) m.group_id OFFSET 0) g"

static GuStatement groups_of_user_stmt = {
	.sql =
	GROUPS_WITH_MEMBERSHIPS
	" WHERE m.user_id OPERATOR(pg_catalog.=) $1"
	" ORDER BY m.group_id",
	.nargs = 1,
	.argtypes = {INT8OID}
};

static GuStatement users_of_group_stmt = {
	.sql =
	"SELECT u.id, u.username, u.email, u.created_at, u.updated_at, "
	MEMBERSHIP_COLUMNS
	"  FROM @extschema@.group_users m"
	"  CROSS JOIN LATERAL"
	"    (SELECT u.id, u.username, u.email, u.created_at, u.updated_at"
	"       FROM @extschema@.users u"
	"      WHERE u.id OPERATOR(pg_catalog.=) m.user_id OFFSET 0) u"
	" WHERE m.group_id OPERATOR(pg_catalog.=) $1"
	" ORDER BY m.user_id",
	.nargs = 1,
	.argtypes = {INT8OID}
};

/* $1: distinct ids, in the order the caller wants the documents */
static GuStatement users_listed_stmt = {
	.sql =
	"SELECT u.id, u.username, u.email, u.created_at, u.updated_at"
	"  FROM pg_catalog.unnest($1) WITH ORDINALITY AS i(id, ord)"
	"  CROSS JOIN LATERAL"
	"    (SELECT u.id, u.username, u.email, u.created_at, u.updated_at"
	"       FROM @extschema@.users u"
	"      WHERE u.id OPERATOR(pg_catalog.=) i.id OFFSET 0) u"
	" ORDER BY i.ord",
	.nargs = 1,
	.argtypes = {INT8ARRAYOID}
};

static GuStatement groups_of_users_stmt = {
	.sql =
	GROUPS_WITH_MEMBERSHIPS
	" WHERE m.user_id OPERATOR(pg_catalog.=) ANY (SELECT pg_catalog.unnest($1))"
	" ORDER BY m.user_id, m.group_id",
	.nargs = 1,
	.argtypes = {INT8ARRAYOID}
};

/* Column of groups_of_users_stmt holding the user id (m.user_id) */
#define GROUPS_OF_USERS_KEY lengthof(group_fields)

/* What one kind of document is made of: its head row, then its list */
typedef struct DocumentKind
{
	bool		group;			/* group_with_users, else user_with_groups */
	GuStatement *head;
	const GuJsonShape *head_shape;
	const char *list_key;
	GuStatement *list;
	const GuJsonShape *list_shape;
} DocumentKind;

static const DocumentKind user_document = {
	false, &user_stmt, &user_shape, ",\"groups\":[",
	&groups_of_user_stmt, &group_membership_shape
};
static const DocumentKind group_document = {
	true, &group_stmt, &group_shape, ",\"users\":[",
	&users_of_group_stmt, &user_membership_shape
};

/*
 * Append the document of id to buf: the row found by the head, then the
 * list key and the array of the list's rows; both parts straight from the
 * indexes with direct, else by the statements (SPI connected).  Returns
 * false when the head finds no row: buf then holds no document, and the
 * caller drops it.
 */
static bool
write_document(StringInfo buf, FunctionCallInfo fcinfo,
			   GuDirectDocument *direct, const DocumentKind *kind, Datum id,
			   bool with_membership)
{
	DestReceiver *dest = gu_json_receiver(buf, kind->head_shape, false, false);
	bool		found;

	if (direct != NULL)
		found = gu_direct_document_head(direct, DatumGetInt64(id), dest);
	else
		found = gu_execute(kind->head, fcinfo, &id, NULL, true, 1, dest) > 0;
	if (!found)
		return false;
	appendStringInfoString(buf, kind->list_key);
	dest = gu_json_receiver(buf, kind->list_shape, with_membership, true);
	if (direct != NULL)
		gu_direct_document_list(direct, DatumGetInt64(id), dest);
	else
		gu_execute(kind->list, fcinfo, &id, NULL, true, 0, dest);
	appendStringInfoString(buf, "]}");
	return true;
}

/* Shared body (STRICT in SQL): the document, NULL when there is no head */
static Datum
document(FunctionCallInfo fcinfo, const DocumentKind *kind)
{
	Datum		id = PG_GETARG_DATUM(0);
	bool		with_membership = PG_GETARG_BOOL(1);
	StringInfoData buf;
	bool		found;

	/* both parts straight from the indexes when they may be, else via SPI */
	GuDirectDocument *direct = gu_direct_document_begin(fcinfo, kind->group);

	/* in the caller's context, with room for the varlena header */
	initStringInfo(&buf);
	appendStringInfoSpaces(&buf, VARHDRSZ);
	if (direct == NULL)
		gu_spi_connect();
	found = write_document(&buf, fcinfo, direct, kind, id, with_membership);
	if (direct != NULL)
		gu_direct_document_end(direct);
	else
		gu_spi_finish();

	if (!found)
	{
		pfree(buf.data);
		PG_RETURN_NULL();
	}
	SET_VARSIZE(buf.data, buf.len);
	PG_RETURN_TEXT_P((text *) buf.data);
}

Datum
gu_user_with_groups(PG_FUNCTION_ARGS)
{
	return document(fcinfo, &user_document);
}

Datum
gu_group_with_users(PG_FUNCTION_ARGS)
{
	return document(fcinfo, &group_document);
}

static int
cmp_segment_key(const void *key, const void *segment)
{
	int64		a = *(const int64 *) key;
	int64		b = ((const GuJsonSegment *) segment)->key;

	return (a > b) - (a < b);
}

/*
 * users_with_groups straight from the indexes, when they may be read so:
 * each user's document as user_with_groups reads it, one after the other,
 * with the relations opened and the access checked once.  Each of a
 * user's groups is then found by its remembered TID, where the two
 * statements below probe the primary key for it.  Returns false, having
 * read nothing, when the statements must run.
 */
static bool
users_direct(FunctionCallInfo fcinfo, ReturnSetInfo *rsinfo,
			 const int64 *uids, int nids, bool with_membership)
{
	GuDirectDocument *direct = gu_direct_document_begin(fcinfo, false);
	MemoryContext per_doc;
	MemoryContext oldcxt;
	int			i;

	if (direct == NULL)
		return false;
	/* what one document needs is freed before the next */
	per_doc = AllocSetContextCreate(CurrentMemoryContext,
									"users_with_groups document",
									ALLOCSET_DEFAULT_SIZES);
	for (i = 0; i < nids; i++)
	{
		StringInfoData doc;
		Datum		value;
		bool		isnull = false;

		oldcxt = MemoryContextSwitchTo(per_doc);
		initStringInfo(&doc);
		appendStringInfoSpaces(&doc, VARHDRSZ);
		if (write_document(&doc, fcinfo, direct, &user_document,
						   Int64GetDatum(uids[i]), with_membership))
		{
			SET_VARSIZE(doc.data, doc.len);
			value = PointerGetDatum(doc.data);
			tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, &value,
								 &isnull);
		}
		MemoryContextSwitchTo(oldcxt);
		MemoryContextReset(per_doc);
	}
	MemoryContextDelete(per_doc);
	gu_direct_document_end(direct);
	return true;
}

/*
 * STRICT in SQL.  One document per existing user of uids, in the order
 * given (a repeated id gives one, where it first stands); unknown ids give
 * none.
 */
Datum
gu_users_with_groups(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	bool		with_membership = PG_GETARG_BOOL(1);
	Datum		ids;
	int			nids;
	StringInfoData users;
	StringInfoData groups;
	StringInfoData doc;
	DestReceiver *users_dest;
	DestReceiver *groups_dest;
	GuJsonSegment *user_segs;
	GuJsonSegment *group_segs;
	int			nusers;
	int			ngroups;
	int			i;

	gu_rows_begin(fcinfo);
	ids = gu_arg_ids(fcinfo, 0, "uids", true, &nids);
	if (nids == 0)
		return (Datum) 0;
	if (users_direct(fcinfo, rsinfo, gu_ids_data(ids), nids, with_membership))
		return (Datum) 0;

	/* buffers and receivers outlive the SPI connection */
	initStringInfo(&users);
	initStringInfo(&groups);
	users_dest = gu_json_segment_receiver(&users, &user_shape, false, false, 0);
	groups_dest = gu_json_segment_receiver(&groups, &group_membership_shape,
										   with_membership, true,
										   GROUPS_OF_USERS_KEY);

	gu_spi_connect();
	gu_execute(&users_listed_stmt, fcinfo, &ids, NULL, true, 0, users_dest);
	gu_execute(&groups_of_users_stmt, fcinfo, &ids, NULL, true, 0,
			   groups_dest);
	gu_spi_finish();

	user_segs = gu_json_segments(users_dest, &nusers);
	group_segs = gu_json_segments(groups_dest, &ngroups);

	/* each document in one reused buffer, room left for a varlena header */
	initStringInfo(&doc);
	for (i = 0; i < nusers; i++)
	{
		GuJsonSegment *u = &user_segs[i];
		GuJsonSegment *g = ngroups == 0 ? NULL :
			bsearch(&u->key, group_segs, ngroups, sizeof(GuJsonSegment),
					cmp_segment_key);
		Datum		value;
		bool		isnull = false;

		resetStringInfo(&doc);
		appendStringInfoSpaces(&doc, VARHDRSZ);
		appendBinaryStringInfo(&doc, users.data + u->start, u->len);
		appendStringInfoString(&doc, ",\"groups\":[");
		if (g != NULL)
			appendBinaryStringInfo(&doc, groups.data + g->start, g->len);
		appendStringInfoString(&doc, "]}");
		SET_VARSIZE(doc.data, doc.len);
		value = PointerGetDatum(doc.data);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, &value,
							 &isnull);
	}

	users_dest->rDestroy(users_dest);
	groups_dest->rDestroy(groups_dest);
	return (Datum) 0;
}
