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
 * Two statements, both read under the caller's snapshot: the row itself by
 * primary key, then its list in id order; each row is written as JSON by
 * the receiver as the executor produces it.
 *
 *-------------------------------------------------------------------------
 */
#include "group_users.h"

#include "catalog/pg_type.h"

PG_FUNCTION_INFO_V1(gu_user_with_groups);
PG_FUNCTION_INFO_V1(gu_group_with_users);

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

/* The other side is behind OFFSET 0 to keep its primary-key probes */
static GuStatement groups_of_user_stmt = {
	.sql =
	"SELECT g.id, g.name, g.created_at, g.updated_at, " MEMBERSHIP_COLUMNS
	"  FROM @extschema@.group_users m"
	"  CROSS JOIN LATERAL"
	"    (SELECT g.id, g.name, g.created_at, g.updated_at"
	"       FROM @extschema@.groups g"
	"      WHERE g.id OPERATOR(pg_catalog.=) m.group_id OFFSET 0) g"
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

/*
 * Shared body (STRICT in SQL): the row found by head, then list_key and the
 * array of list's rows; NULL when head finds no row.
 */
static Datum
document(FunctionCallInfo fcinfo,
		 GuStatement *head, const GuJsonShape *head_shape,
		 const char *list_key,
		 GuStatement *list, const GuJsonShape *list_shape)
{
	Datum		id = PG_GETARG_DATUM(0);
	bool		with_membership = PG_GETARG_BOOL(1);
	StringInfoData buf;
	DestReceiver *dest;
	uint64		found;

	/* in the caller's context, with room for the varlena header */
	initStringInfo(&buf);
	appendStringInfoSpaces(&buf, VARHDRSZ);

	gu_spi_connect();
	dest = gu_json_receiver(&buf, head_shape, false, false);
	found = gu_execute(head, fcinfo, &id, NULL, true, 1, dest);
	if (found > 0)
	{
		appendStringInfoString(&buf, list_key);
		dest = gu_json_receiver(&buf, list_shape, with_membership, true);
		gu_execute(list, fcinfo, &id, NULL, true, 0, dest);
		appendStringInfoString(&buf, "]}");
	}
	gu_spi_finish();

	if (found == 0)
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
	return document(fcinfo, &user_stmt, &user_shape, ",\"groups\":[",
					&groups_of_user_stmt, &group_membership_shape);
}

Datum
gu_group_with_users(PG_FUNCTION_ARGS)
{
	return document(fcinfo, &group_stmt, &group_shape, ",\"users\":[",
					&users_of_group_stmt, &user_membership_shape);
}
