/*-------------------------------------------------------------------------
 *
 * json_writer.c
 *	  JSON text as Sequelize (JSON.stringify of a model instance) writes it,
 *	  and a DestReceiver that writes one JSON object per result row.
 *
 * Strings are escaped as JSON.stringify does (\" \\ \b \f \n \r \t, other
 * control characters as \u00xx, everything else as is); timestamps are
 * Date.prototype.toJSON(): UTC, whole milliseconds, "Z", whatever the
 * session's TimeZone.  Rows are written straight from the executor's slot,
 * with no copy of the result set in between.
 *
 *-------------------------------------------------------------------------
 */
#include "group_users.h"

#include "datatype/timestamp.h"
#include "catalog/pg_type.h"
#include "executor/tuptable.h"
#include "utils/builtins.h"
#include "utils/datetime.h"

/* JavaScript's Date holds at most this many ms either side of 1970 */
#define JS_MAX_DATE_MS INT64CONST(8640000000000000)
/* ms from 1970-01-01 to 2000-01-01, PostgreSQL's epoch */
#define PG_EPOCH_UNIX_MS \
	((int64) (POSTGRES_EPOCH_JDATE - UNIX_EPOCH_JDATE) * SECS_PER_DAY * 1000)

/*
 * Room for n more bytes at the end of buf, where the caller writes them
 * and then says so with wrote(): one check for a whole piece of JSON,
 * instead of an appendStringInfo call for each part of it.
 */
static inline char *
reserve(StringInfo buf, int n)
{
	if (buf->len + n >= buf->maxlen)
		enlargeStringInfo(buf, n);
	return buf->data + buf->len;
}

static inline void
wrote(StringInfo buf, int n)
{
	buf->len += n;
	buf->data[buf->len] = '\0';
}

/* Write str (len bytes, no NUL needed) as a quoted JSON string */
void
gu_json_string(StringInfo buf, const char *str, int len)
{
	const char *end = str + len;
	const char *run = str;
	const char *p;

	/* the usual string, with nothing to escape: one copy */
	for (p = str; p < end; p++)
	{
		unsigned char c = (unsigned char) *p;

		if (c < 0x20 || c == '"' || c == '\\')
			break;
	}
	if (p == end)
	{
		char	   *out = reserve(buf, len + 2);

		out[0] = '"';
		memcpy(out + 1, str, len);
		out[len + 1] = '"';
		wrote(buf, len + 2);
		return;
	}

	appendStringInfoCharMacro(buf, '"');
	for (p = str; p < end; p++)
	{
		unsigned char c = (unsigned char) *p;
		const char *esc;

		if (c >= 0x20 && c != '"' && c != '\\')
			continue;
		if (p > run)
			appendBinaryStringInfo(buf, run, p - run);
		run = p + 1;
		switch (c)
		{
			case '"':
				esc = "\\\"";
				break;
			case '\\':
				esc = "\\\\";
				break;
			case '\b':
				esc = "\\b";
				break;
			case '\f':
				esc = "\\f";
				break;
			case '\n':
				esc = "\\n";
				break;
			case '\r':
				esc = "\\r";
				break;
			case '\t':
				esc = "\\t";
				break;
			default:
				appendStringInfo(buf, "\\u%04x", (unsigned int) c);
				continue;
		}
		appendBinaryStringInfo(buf, esc, 2);
	}
	if (p > run)
		appendBinaryStringInfo(buf, run, p - run);
	appendStringInfoCharMacro(buf, '"');
}

/* Write two digits of value (0..99) at p */
static inline void
put2(char *p, int value)
{
	p[0] = '0' + value / 10;
	p[1] = '0' + value % 10;
}

/* Write usec, a time of day, as HH:MM:SS.mmmZ" (14 bytes) at out */
static inline void
write_time(char *out, int64 usec)
{
	int			ms = (int) (usec / 1000);

	put2(out, ms / 3600000);
	out[2] = ':';
	put2(out + 3, ms / 60000 % 60);
	out[5] = ':';
	put2(out + 6, ms / 1000 % 60);
	out[8] = '.';
	out[9] = '0' + ms % 1000 / 100;
	put2(out + 10, ms % 100);
	out[12] = 'Z';
	out[13] = '"';
}

/*
 * Write ts as Date.prototype.toJSON() does: "2017-07-17T10:00:00.123Z",
 * microseconds cut to milliseconds (node-postgres truncates them too),
 * years outside 0..9999 as +/-YYYYYY, and null for infinity or for what a
 * Date cannot hold.
 *
 * A document's timestamps mostly fall on few days, so the date part of the
 * last day written is kept, and a timestamp of that day only writes its
 * time of day: j2date() is most of what timestamp2tm() costs.
 */
void
gu_json_timestamptz(StringInfo buf, TimestampTz ts)
{
	static int64 cached_day = PG_INT64_MIN;
	static char cached_date[12];	/* "YYYY-MM-DDT" */
	int64		unix_ms;
	int64		day;
	int64		usec;
	char	   *out;

	if (TIMESTAMP_NOT_FINITE(ts))
	{
		appendStringInfoString(buf, "null");
		return;
	}
	unix_ms = (ts >= 0 ? ts / 1000 : -((-ts + 999) / 1000)) + PG_EPOCH_UNIX_MS;
	if (unix_ms > JS_MAX_DATE_MS || unix_ms < -JS_MAX_DATE_MS)
	{
		appendStringInfoString(buf, "null");
		return;
	}
	/* no time zone: fields in UTC; the day and time as timestamp2tm() */
	day = ts / USECS_PER_DAY;
	usec = ts % USECS_PER_DAY;
	if (usec < 0)
	{
		usec += USECS_PER_DAY;
		day--;
	}

	if (day != cached_day)
	{
		int			year,
					month,
					mday;

		j2date((int) (day + POSTGRES_EPOCH_JDATE), &year, &month, &mday);
		if (year < 0 || year > 9999)
		{
			/* rare: written as +/-YYYYYY, and not kept */
			appendStringInfo(buf, "\"%c%06d-%02d-%02dT", year < 0 ? '-' : '+',
							 year < 0 ? -year : year, month, mday);
			out = reserve(buf, 14);
			write_time(out, usec);
			wrote(buf, 14);
			return;
		}
		put2(cached_date, year / 100);
		put2(cached_date + 2, year % 100);
		cached_date[4] = '-';
		put2(cached_date + 5, month);
		cached_date[7] = '-';
		put2(cached_date + 8, mday);
		cached_date[10] = 'T';
		cached_day = day;
	}
	/* "YYYY-MM-DDTHH:MM:SS.mmmZ" */
	out = reserve(buf, 26);
	out[0] = '"';
	memcpy(out + 1, cached_date, 11);
	write_time(out + 12, usec);
	wrote(buf, 26);
}

static void
write_value(StringInfo buf, GuJsonKind kind, Datum value, bool isnull)
{
	if (isnull)
	{
		appendBinaryStringInfo(buf, "null", 4);
		return;
	}
	switch (kind)
	{
		case GU_JSON_INT8:
			{
				char	   *out = reserve(buf, MAXINT8LEN + 1);

#if PG_VERSION_NUM >= 140000
				wrote(buf, pg_lltoa(DatumGetInt64(value), out));
#else
				pg_lltoa(DatumGetInt64(value), out);
				wrote(buf, strlen(out));
#endif
				break;
			}
		case GU_JSON_TEXT:
			{
				text	   *t = DatumGetTextPP(value);

				gu_json_string(buf, VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t));
				if ((Pointer) t != DatumGetPointer(value))
					pfree(t);
				break;
			}
		case GU_JSON_TIMESTAMPTZ:
			gu_json_timestamptz(buf, DatumGetTimestampTz(value));
			break;
	}
}

/* Write "k1":v1,"k2":v2,... from columns first .. first + nfields - 1 */
static void
write_members(StringInfo buf, const GuJsonField *fields, int nfields,
			  TupleTableSlot *slot, int first)
{
	int			i;

	for (i = 0; i < nfields; i++)
	{
		int			n = fields[i].keylen + (i > 0);
		char	   *out = reserve(buf, n);

		if (i > 0)
			*out++ = ',';
		memcpy(out, fields[i].key, fields[i].keylen);
		wrote(buf, n);
		write_value(buf, fields[i].kind, slot->tts_values[first + i],
					slot->tts_isnull[first + i]);
	}
}

/*
 * DestReceiver writing each row as an object, comma-separated; or, with a
 * key column, comma-separated within runs of rows with the same key, each
 * run a segment of its own.
 */
typedef struct JsonReceiver
{
	DestReceiver pub;
	StringInfo	buf;
	const GuJsonShape *shape;
	bool		with_nested;
	bool		close_object;	/* false: leave it open for the caller */
	uint64		nrows;
	int			key_attno;		/* 0-based int8 column, or -1: no segments */
	MemoryContext cxt;			/* segments live here, not in the executor's */
	GuJsonSegment *segments;
	int			nsegments;
	int			maxsegments;
} JsonReceiver;

/* Close the current segment (if any) and open one for key */
static void
start_segment(JsonReceiver *r, int64 key)
{
	if (r->nsegments > 0)
		r->segments[r->nsegments - 1].len =
			r->buf->len - r->segments[r->nsegments - 1].start;
	if (r->nsegments == r->maxsegments)
	{
		r->maxsegments = Max(16, r->maxsegments * 2);
		r->segments = r->segments == NULL ?
			MemoryContextAlloc(r->cxt, sizeof(GuJsonSegment) * r->maxsegments) :
			repalloc(r->segments, sizeof(GuJsonSegment) * r->maxsegments);
	}
	r->segments[r->nsegments].key = key;
	r->segments[r->nsegments].start = r->buf->len;
	r->segments[r->nsegments].len = 0;
	r->nsegments++;
}

static bool
json_receive_slot(TupleTableSlot *slot, DestReceiver *self)
{
	JsonReceiver *r = (JsonReceiver *) self;
	const GuJsonShape *shape = r->shape;
	StringInfo	buf = r->buf;
	bool		first;

	slot_getallattrs(slot);
	if (r->key_attno >= 0)
	{
		int64		key = DatumGetInt64(slot->tts_values[r->key_attno]);

		first = r->nsegments == 0 ||
			r->segments[r->nsegments - 1].key != key;
		if (first)
			start_segment(r, key);
	}
	else
		first = r->nrows == 0;
	r->nrows++;
	if (!first)
		appendStringInfoCharMacro(buf, ',');
	appendStringInfoCharMacro(buf, '{');
	write_members(buf, shape->fields, shape->nfields, slot, 0);
	if (r->with_nested && shape->nested_key != NULL)
	{
		appendStringInfoCharMacro(buf, ',');
		appendStringInfoString(buf, shape->nested_key);
		appendStringInfoCharMacro(buf, '{');
		write_members(buf, shape->nested, shape->nnested, slot,
					  shape->nfields);
		appendStringInfoCharMacro(buf, '}');
	}
	if (r->close_object)
		appendStringInfoCharMacro(buf, '}');
	return true;
}

/*
 * The statement's column attno (0-based) must be of type typid: values are
 * written as their kind says, so a column whose type was changed (ALTER
 * TABLE) must not reach write_value().  Only the SPI statements get here
 * then; the direct paths check the catalogs and step aside.
 */
static void
check_column(TupleDesc typeinfo, int attno, Oid typid)
{
	Oid			found = TupleDescAttr(typeinfo, attno)->atttypid;

	if (found != typid)
		ereport(ERROR,
				(errcode(ERRCODE_DATATYPE_MISMATCH),
				 errmsg("table does not match the function's result type"),
				 errdetail("Returned type %s does not match expected type %s in column %d.",
						   format_type_be(found), format_type_be(typid),
						   attno + 1)));
}

static void
check_fields(TupleDesc typeinfo, const GuJsonField *fields, int nfields,
			 int first)
{
	static const Oid kind_type[] = {
		[GU_JSON_INT8] = INT8OID,
		[GU_JSON_TEXT] = TEXTOID,
		[GU_JSON_TIMESTAMPTZ] = TIMESTAMPTZOID
	};
	int			i;

	for (i = 0; i < nfields; i++)
		check_column(typeinfo, first + i, kind_type[fields[i].kind]);
}

static void
json_startup(DestReceiver *self, int operation pg_attribute_unused(),
			 TupleDesc typeinfo)
{
	JsonReceiver *r = (JsonReceiver *) self;
	const GuJsonShape *shape = r->shape;
	int			needed = shape->nfields;

	if (r->with_nested)
		needed += shape->nnested;
	/* the statements' column lists are fixed: only their types can change */
	if (typeinfo->natts < needed || r->key_attno >= typeinfo->natts)
		elog(ERROR, "query returns %d columns, JSON shape needs %d",
			 typeinfo->natts, Max(needed, r->key_attno + 1));
	check_fields(typeinfo, shape->fields, shape->nfields, 0);
	if (r->with_nested)
		check_fields(typeinfo, shape->nested, shape->nnested, shape->nfields);
	if (r->key_attno >= 0)
		check_column(typeinfo, r->key_attno, INT8OID);
}

static void
json_shutdown(DestReceiver *self)
{
	JsonReceiver *r = (JsonReceiver *) self;

	if (r->nsegments > 0)
		r->segments[r->nsegments - 1].len =
			r->buf->len - r->segments[r->nsegments - 1].start;
}

static void
json_destroy(DestReceiver *self)
{
	JsonReceiver *r = (JsonReceiver *) self;

	if (r->segments != NULL)
		pfree(r->segments);
	pfree(self);
}

/*
 * A receiver that appends one object per row to buf.  The objects of a
 * second run with the same buf are not separated from the first: use one
 * receiver per JSON array.
 */
DestReceiver *
gu_json_receiver(StringInfo buf, const GuJsonShape *shape,
				 bool with_nested, bool close_object)
{
	JsonReceiver *r = palloc0(sizeof(JsonReceiver));

	r->pub.receiveSlot = json_receive_slot;
	r->pub.rStartup = json_startup;
	r->pub.rShutdown = json_shutdown;
	r->pub.rDestroy = json_destroy;
	/* not DestSPI: SPI must not collect the rows itself */
	r->pub.mydest = DestNone;
	r->buf = buf;
	r->shape = shape;
	r->with_nested = with_nested;
	r->close_object = close_object;
	r->key_attno = -1;
	return &r->pub;
}

/*
 * A receiver that writes rows as gu_json_receiver() does, but splits them
 * into segments, one for each run of rows with the same value of the int8
 * column key_attno; objects are comma-separated within a segment only.
 * Get the segments with gu_json_segments() after the statement has run.
 */
DestReceiver *
gu_json_segment_receiver(StringInfo buf, const GuJsonShape *shape,
						 bool with_nested, bool close_object, int key_attno)
{
	JsonReceiver *r = (JsonReceiver *)
		gu_json_receiver(buf, shape, with_nested, close_object);

	r->key_attno = key_attno;
	r->cxt = CurrentMemoryContext;
	return &r->pub;
}

/* The segments written so far, in the order their rows came */
GuJsonSegment *
gu_json_segments(DestReceiver *self, int *count)
{
	JsonReceiver *r = (JsonReceiver *) self;

	*count = r->nsegments;
	return r->segments;
}
