// SPDX-License-Identifier: GPL-2.0
/*
 * ktap_load.c - the chunk reader: bytecode.md section 5, rules R1-R14, check
 * for check what io.ktap.bytecode.ChunkReader does.  Every read is bounded by
 * the current section; every count is checked against the bytes that remain
 * before anything is allocated for it.  The parsed chunk lives in a few
 * load-time blocks (freed by ktap_chunk_release).
 */
#include "ktap_int.h"

#define MAX_FILE_BYTES		(1u << 28)
#define MAX_STRINGS		(1u << 20)
#define MAX_STRING_BYTES	(1u << 20)
#define HEADER_SIZE		24u
#define TRAILER_SIZE		4u
#define LIMITS_SIZE		44u
#define NONE_INDEX		0xffffffffu
#define MAX_INT			0x7fffffffu

/* Load-time memory: a list of blocks, bump allocated. */
struct lblock {
	struct lblock *next;
	size_t size;
	size_t used;
};

struct reader {
	const u8 *in;
	u32 len;
	u32 pos;
	u32 limit;
	struct ktap_str **strings;
	u32 nstrings;
	struct lblock *mem;
	char *err;
	size_t err_size;
};

static void *lalloc(struct reader *r, size_t size)
{
	struct lblock *b = r->mem;
	void *p;

	size = (size + 15) & ~(size_t)15;
	if (!b || b->size - b->used < size) {
		size_t want = size + sizeof(*b) + 16 > 65536 ? size + sizeof(*b) + 16 : 65536;

		b = ktap_port_alloc(want);
		if (!b)
			return NULL;
		b->size = want;
		b->used = (sizeof(*b) + 15) & ~(size_t)15;
		b->next = r->mem;
		r->mem = b;
	}
	p = (u8 *)b + b->used;
	b->used += size;
	return p;
}

static void lfree(void *mem)
{
	struct lblock *b = mem;

	while (b) {
		struct lblock *next = b->next;

		ktap_port_free(b);
		b = next;
	}
}

/* ---- messages ------------------------------------------------------------------ */

static void msg_append(char *buf, size_t size, size_t *len, const char *s)
{
	while (*s && *len + 1 < size)
		buf[(*len)++] = *s++;
	if (size)
		buf[*len < size ? *len : size - 1] = 0;
}

static int fail(struct reader *r, u32 at, const char *what, u64 found, bool show)
{
	char num[24];
	size_t n = 0;

	msg_append(r->err, r->err_size, &n, "chunk: offset ");
	num[ktap_fmt_u64(num, at, 10, false)] = 0;
	msg_append(r->err, r->err_size, &n, num);
	msg_append(r->err, r->err_size, &n, ": ");
	msg_append(r->err, r->err_size, &n, what);
	if (show) {
		msg_append(r->err, r->err_size, &n, " (found ");
		num[ktap_fmt_u64(num, found, 10, false)] = 0;
		msg_append(r->err, r->err_size, &n, num);
		msg_append(r->err, r->err_size, &n, ")");
	}
	return -1;
}

/* ---- primitives ------------------------------------------------------------------ */

static int need(struct reader *r, u32 n)
{
	if (n > r->limit - r->pos)
		return fail(r, r->pos, "read past the end of the section", n, false);
	return 0;
}

static int rd_u8(struct reader *r, u32 *v)
{
	if (need(r, 1))
		return -1;
	*v = r->in[r->pos++];
	return 0;
}

static int rd_u16(struct reader *r, u32 *v)
{
	if (need(r, 2))
		return -1;
	*v = r->in[r->pos] | (u32)r->in[r->pos + 1] << 8;
	r->pos += 2;
	return 0;
}

static int rd_u32(struct reader *r, u32 *v)
{
	const u8 *p;

	if (need(r, 4))
		return -1;
	p = r->in + r->pos;
	*v = p[0] | (u32)p[1] << 8 | (u32)p[2] << 16 | (u32)p[3] << 24;
	r->pos += 4;
	return 0;
}

static int rd_u64(struct reader *r, u64 *v)
{
	u32 lo, hi;

	if (need(r, 8) || rd_u32(r, &lo) || rd_u32(r, &hi))
		return -1;
	*v = lo | (u64)hi << 32;
	return 0;
}

static int rd_u31(struct reader *r, u32 *v, const char *what)
{
	u32 at = r->pos;

	if (rd_u32(r, v))
		return -1;
	if (*v > MAX_INT)
		return fail(r, at, what, *v, true);
	return 0;
}

static int rd_u63(struct reader *r, u64 *v, const char *what)
{
	u32 at = r->pos;

	if (rd_u64(r, v))
		return -1;
	if (*v >> 63)
		return fail(r, at, what, *v, true);
	return 0;
}

static int rd_count(struct reader *r, u32 min_entry, u32 *n, const char *what)
{
	u32 at = r->pos;

	if (rd_u32(r, n))
		return -1;
	if ((u64)*n * min_entry > r->limit - r->pos)
		return fail(r, at, what, *n, true);
	return 0;
}

static int rd_string(struct reader *r, struct ktap_str **s)
{
	u32 at = r->pos;
	u32 i;

	if (rd_u32(r, &i))
		return -1;
	if (i >= r->nstrings)
		return fail(r, at, "string index out of range", i, true);
	*s = r->strings[i];
	return 0;
}

static int rd_reserved(struct reader *r, u32 n)
{
	u32 v, i;

	for (i = 0; i < n; i++) {
		u32 at = r->pos;

		if (rd_u8(r, &v))
			return -1;
		if (v)
			return fail(r, at, "expected a reserved byte 0", v, true);
	}
	return 0;
}

static int enter(struct reader *r, u32 id)
{
	u32 at = r->pos;
	u32 found, length;

	r->limit = r->len - TRAILER_SIZE;
	if (r->limit - r->pos < 8)
		return fail(r, at, "expected a section id and length", id, false);
	if (rd_u32(r, &found))
		return -1;
	if (found != id)
		return fail(r, at, "expected the next section in order", found, true);
	if (rd_u32(r, &length))
		return -1;
	if (length > r->limit - r->pos)
		return fail(r, at + 4, "section length runs past the CRC", length, true);
	r->limit = r->pos + length;
	return 0;
}

static int leave(struct reader *r)
{
	if (r->pos != r->limit)
		return fail(r, r->pos, "unread bytes remain in the section", r->limit - r->pos, true);
	return 0;
}

/* CRC-32 (IEEE, reflected), the value of zlib and java.util.zip.CRC32. */
static u32 crc32_ieee(const u8 *p, u32 n)
{
	u32 crc = 0xffffffffu;
	u32 i, k;

	for (i = 0; i < n; i++) {
		crc ^= p[i];
		for (k = 0; k < 8; k++)
			crc = (crc >> 1) ^ (0xedb88320u & (0u - (crc & 1)));
	}
	return ~crc;
}

/* ---- sections ---------------------------------------------------------------------- */

static int string_pool(struct reader *r)
{
	u32 n, i, len;

	if (rd_count(r, 4, &n, "count of strings needs more bytes than remain"))
		return -1;
	if (n > MAX_STRINGS)
		return fail(r, r->pos - 4, "too many strings", n, true);
	r->strings = lalloc(r, (size_t)n * sizeof(*r->strings) + 1);
	if (!r->strings)
		return fail(r, r->pos, "out of memory", 0, false);
	for (i = 0; i < n; i++) {
		struct ktap_str *s;
		u32 at = r->pos;

		if (rd_u32(r, &len))
			return -1;
		if (len > MAX_STRING_BYTES)
			return fail(r, at, "string too long", len, true);
		if (need(r, len))
			return -1;
		s = lalloc(r, sizeof(*s) + len + 1);
		if (!s)
			return fail(r, r->pos, "out of memory", 0, false);
		memset(&s->gc, 0, sizeof(s->gc));
		s->gc.type = KGC_STR;
		s->gc.flags = KGC_FLAG_CONST | KGC_FLAG_HASHED;
		s->len = len;
		memcpy(s->data, r->in + r->pos, len);
		s->data[len] = 0;
		s->hash = ktap_str_hash(s->data, len);
		r->pos += len;
		r->strings[i] = s;
		r->nstrings = i + 1;
	}
	return 0;
}

static int read_proto(struct reader *r, struct ktap_proto *p)
{
	struct ktap_str *name;
	u32 parent, at, v, flags, n, i;

	if (rd_string(r, &name))
		return -1;
	p->name = name->data;
	p->name_len = name->len;
	if (rd_u31(r, &p->line, "line exceeds 2^31-1"))
		return -1;
	at = r->pos;
	if (rd_u32(r, &parent))
		return -1;
	if (parent != NONE_INDEX && parent > MAX_INT)
		return fail(r, at, "expected a parent prototype index or NONE", parent, true);
	p->parent = parent == NONE_INDEX ? -1 : (s32)parent;
	if (rd_u8(r, &v))
		return -1;
	p->nparams = (u8)v;
	at = r->pos;
	if (rd_u8(r, &flags))
		return -1;
	if (flags & ~1u)
		return fail(r, at, "expected prototype flags 0 or 1", flags, true);
	p->variadic = (u8)(flags & 1);
	if (rd_u8(r, &v))
		return -1;
	p->frame = (u8)v;
	if (rd_reserved(r, 1))
		return -1;

	if (rd_count(r, 8, &n, "count of upvalues needs more bytes than remain"))
		return -1;
	p->nups = n;
	p->up_instack = lalloc(r, (size_t)n + 1);
	p->up_index = lalloc(r, (size_t)n + 1);
	if (!p->up_instack || !p->up_index)
		return fail(r, r->pos, "out of memory", 0, false);
	for (i = 0; i < n; i++) {
		struct ktap_str *uname;

		at = r->pos;
		if (rd_u8(r, &v))
			return -1;
		if (v > 1)
			return fail(r, at, "expected an upvalue's in-stack flag 0 or 1", v, true);
		p->up_instack[i] = (u8)v;
		if (rd_u8(r, &v))
			return -1;
		p->up_index[i] = (u8)v;
		if (rd_reserved(r, 2) || rd_string(r, &uname))
			return -1;
	}

	if (rd_count(r, 5, &n, "count of constants needs more bytes than remain"))
		return -1;
	p->nk = n;
	p->k = lalloc(r, (size_t)n * sizeof(*p->k) + 1);
	if (!p->k)
		return fail(r, r->pos, "out of memory", 0, false);
	for (i = 0; i < n; i++) {
		at = r->pos;
		if (rd_u8(r, &v))
			return -1;
		p->k[i].aux = 0;
		if (v == 1) {
			u64 x;

			if (rd_u64(r, &x))
				return -1;
			p->k[i].tag = KT_NUM;
			p->k[i].v.u = x;
		} else if (v == 2) {
			struct ktap_str *s;

			if (rd_string(r, &s))
				return -1;
			p->k[i].tag = KT_STR;
			p->k[i].v.s = s;
		} else {
			return fail(r, at, "expected a constant tag (1 integer, 2 string)", v, true);
		}
	}

	if (rd_count(r, 8, &n, "count of instructions needs more bytes than remain"))
		return -1;
	p->ncode = n;
	p->code = lalloc(r, (size_t)n * 4 + 4);
	p->lines = lalloc(r, (size_t)n * 4 + 4);
	if (!p->code || !p->lines)
		return fail(r, r->pos, "out of memory", 0, false);
	for (i = 0; i < n; i++)
		if (rd_u32(r, &p->code[i]))
			return -1;
	for (i = 0; i < n; i++)
		if (rd_u31(r, &p->lines[i], "line table entry exceeds 2^31-1"))
			return -1;
	return 0;
}

static int read_probe(struct reader *r, struct ktap_probe *p)
{
	struct ktap_str *s;
	u32 at = r->pos;
	u32 v, n, i;

	if (rd_u8(r, &v))
		return -1;
	if (v < 1 || v > KTAPVM_PROBE_MAX)
		return fail(r, at, "expected a probe kind 1..11", v, true);
	p->kind = v;
	if (rd_reserved(r, 3) || rd_string(r, &s))
		return -1;
	p->spec = s->data;
	p->spec_len = s->len;
	at = r->pos;
	if (rd_u32(r, &v))
		return -1;
	if (v == NONE_INDEX) {
		p->filter = NULL;
		p->filter_len = 0;
	} else {
		r->pos = at;
		if (rd_string(r, &s))
			return -1;
		p->filter = s->data;
		p->filter_len = s->len;
	}
	if (rd_u31(r, &p->handler, "handler prototype index exceeds 2^31-1") ||
	    rd_u63(r, &p->period_ns, "timer period exceeds 2^63-1") ||
	    rd_count(r, 8, &n, "count of event ids needs more bytes than remain"))
		return -1;
	p->nids = n;
	p->ids = lalloc(r, (size_t)n * 8 + 8);
	if (!p->ids)
		return fail(r, r->pos, "out of memory", 0, false);
	for (i = 0; i < n; i++)
		if (rd_u64(r, &p->ids[i]))
			return -1;
	return 0;
}

static int read_schema(struct reader *r, struct ktap_schema *s)
{
	struct ktap_str *name;
	u32 n, i, at, v;

	if (rd_string(r, &name))
		return -1;
	s->name = name->data;
	s->name_len = name->len;
	if (rd_count(r, 8, &n, "count of schema fields needs more bytes than remain"))
		return -1;
	s->nfields = n;
	s->fname = lalloc(r, (size_t)n * sizeof(*s->fname) + 1);
	s->fname_len = lalloc(r, (size_t)n * 4 + 4);
	s->ftype = lalloc(r, (size_t)n + 1);
	if (!s->fname || !s->fname_len || !s->ftype)
		return fail(r, r->pos, "out of memory", 0, false);
	for (i = 0; i < n; i++) {
		if (rd_string(r, &name))
			return -1;
		s->fname[i] = name->data;
		s->fname_len[i] = name->len;
		at = r->pos;
		if (rd_u8(r, &v))
			return -1;
		if (v < KTAP_FIELD_NUMBER || v > KTAP_FIELD_ANY)
			return fail(r, at, "expected a field type (1 number, 2 string, 3 boolean, 4 any)", v, true);
		s->ftype[i] = (u8)v;
		if (rd_reserved(r, 3))
			return -1;
	}
	return 0;
}

static int read_aggregation(struct reader *r, struct ktap_agg_spec *a)
{
	struct ktap_str *name;
	u32 at, v;
	u64 x;

	if (rd_string(r, &name))
		return -1;
	a->name = name->data;
	a->name_len = name->len;
	at = r->pos;
	if (rd_u8(r, &v))
		return -1;
	if (v < 1 || v > KTAP_AGG_KIND_MAX)
		return fail(r, at, "expected an aggregation kind (1 count .. 8 lhist)", v, true);
	a->kind = v;
	if (rd_reserved(r, 3))
		return -1;
	if (rd_u64(r, &x))
		return -1;
	a->min = (s64)x;
	if (rd_u64(r, &x))
		return -1;
	a->max = (s64)x;
	if (rd_u64(r, &x))
		return -1;
	a->step = (s64)x;
	a->nbuckets = ktap_agg_nbuckets(a->kind, a->min, a->max, a->step);
	a->quota = 1 + (a->nbuckets + 7) / 8;
	return 0;
}

static int parse(struct reader *r, struct ktap_chunk *c)
{
	static const u8 magic[8] = { 0x1b, 'K', 'T', 'A', 'P', 'V', 'M', '\n' };
	struct ktap_limits *l = &c->limits;
	struct ktap_str *s;
	u32 v, crc, n, i, crc_at;

	if (r->len > MAX_FILE_BYTES)
		return fail(r, 0, "chunk exceeds the format's maximum size", r->len, true);
	if (r->len < HEADER_SIZE + TRAILER_SIZE)
		return fail(r, r->len, "expected at least 28 bytes", r->len, true);
	for (i = 0; i < 8; i++)
		if (r->in[i] != magic[i])
			return fail(r, i, "expected the magic \\x1bKTAPVM\\n: not a ktapvm chunk", 0, false);
	r->pos = 8;
	if (rd_u16(r, &v))
		return -1;
	if (v != 2)
		return fail(r, 8, "expected format version 2", v, true);
	if (rd_u16(r, &v))
		return -1;
	if (v != HEADER_SIZE)
		return fail(r, 10, "expected header size 24", v, true);
	if (rd_u32(r, &v))
		return -1;
	if (v != 0x01020304u)
		return fail(r, 12, "expected byte-order mark 04 03 02 01", v, true);
	if (rd_u32(r, &v))
		return -1;
	if (v)
		return fail(r, 16, "expected flags 0", v, true);
	if (rd_u32(r, &v))
		return -1;
	if (v != r->len)
		return fail(r, 20, "total length differs from the input's length", v, true);
	crc_at = r->len - TRAILER_SIZE;
	r->pos = crc_at;
	if (rd_u32(r, &crc))
		return -1;
	if (crc != crc32_ieee(r->in, crc_at))
		return fail(r, crc_at, "CRC-32 mismatch", crc, true);
	r->pos = HEADER_SIZE;
	r->limit = crc_at;

	if (enter(r, 1) || string_pool(r) || leave(r))
		return -1;

	if (enter(r, 2) || rd_string(r, &s) || leave(r))
		return -1;
	c->source = s->data;
	c->source_len = s->len;

	if (enter(r, 3))
		return -1;
	if (r->limit - r->pos != LIMITS_SIZE)
		return fail(r, r->pos - 4, "expected a LIMITS payload of 44 bytes", r->limit - r->pos, true);
	if (rd_u63(r, &l->handler_budget, "handler budget exceeds 2^63-1") ||
	    rd_u63(r, &l->main_budget, "main budget exceeds 2^63-1") ||
	    rd_u31(r, &l->max_call_depth, "max call depth exceeds 2^31-1") ||
	    rd_u31(r, &l->max_stack_slots, "max stack slots exceeds 2^31-1") ||
	    rd_u31(r, &l->max_string, "max string length exceeds 2^31-1") ||
	    rd_u31(r, &l->max_tables, "max tables exceeds 2^31-1") ||
	    rd_u31(r, &l->max_entries, "max table entries exceeds 2^31-1") ||
	    rd_u31(r, &l->string_pool, "string pool bytes exceeds 2^31-1") ||
	    rd_u31(r, &l->max_closures, "max closures exceeds 2^31-1") || leave(r))
		return -1;

	if (enter(r, 4) || rd_count(r, 4, &n, "count of globals needs more bytes than remain"))
		return -1;
	c->nglobals = n;
	c->gname = lalloc(r, (size_t)n * sizeof(*c->gname) + 1);
	c->gname_len = lalloc(r, (size_t)n * 4 + 4);
	if (!c->gname || !c->gname_len)
		return fail(r, r->pos, "out of memory", 0, false);
	c->arg_slot = -1;
	for (i = 0; i < n; i++) {
		if (rd_string(r, &s))
			return -1;
		c->gname[i] = s->data;
		c->gname_len[i] = s->len;
		if (c->arg_slot < 0 && s->len == 3 && !memcmp(s->data, "arg", 3))
			c->arg_slot = (s32)i;
	}
	if (leave(r))
		return -1;

	if (enter(r, 5) || rd_count(r, 28, &n, "count of prototypes needs more bytes than remain"))
		return -1;
	c->nprotos = n;
	c->protos = lalloc(r, (size_t)n * sizeof(*c->protos) + 1);
	if (!c->protos)
		return fail(r, r->pos, "out of memory", 0, false);
	memset(c->protos, 0, (size_t)n * sizeof(*c->protos));
	for (i = 0; i < n; i++) {
		c->protos[i].index = i;
		if (read_proto(r, &c->protos[i]))
			return -1;
	}
	if (leave(r))
		return -1;

	if (enter(r, 6) || rd_count(r, 28, &n, "count of probes needs more bytes than remain"))
		return -1;
	c->nprobes = n;
	c->probes = lalloc(r, (size_t)n * sizeof(*c->probes) + 1);
	if (!c->probes)
		return fail(r, r->pos, "out of memory", 0, false);
	for (i = 0; i < n; i++)
		if (read_probe(r, &c->probes[i]))
			return -1;
	if (leave(r))
		return -1;

	if (enter(r, 7) || rd_count(r, 4, &n, "count of end blocks needs more bytes than remain"))
		return -1;
	c->nend = n;
	c->end = lalloc(r, (size_t)n * 4 + 4);
	if (!c->end)
		return fail(r, r->pos, "out of memory", 0, false);
	for (i = 0; i < n; i++)
		if (rd_u31(r, &c->end[i], "end block prototype index exceeds 2^31-1"))
			return -1;
	if (leave(r))
		return -1;

	if (enter(r, 8) || rd_count(r, 8, &n, "count of schemas needs more bytes than remain"))
		return -1;
	c->nschemas = n;
	c->schemas = lalloc(r, (size_t)n * sizeof(*c->schemas) + 1);
	if (!c->schemas)
		return fail(r, r->pos, "out of memory", 0, false);
	for (i = 0; i < n; i++)
		if (read_schema(r, &c->schemas[i]))
			return -1;
	if (leave(r))
		return -1;

	if (enter(r, 9) || rd_count(r, 32, &n, "count of aggregations needs more bytes than remain"))
		return -1;
	c->naggs = n;
	c->aggs = lalloc(r, (size_t)n * sizeof(*c->aggs) + 1);
	if (!c->aggs)
		return fail(r, r->pos, "out of memory", 0, false);
	for (i = 0; i < n; i++)
		if (read_aggregation(r, &c->aggs[i]))
			return -1;
	if (leave(r))
		return -1;

	if (r->pos != crc_at)
		return fail(r, r->pos, "expected the CRC-32 trailer after the last section", crc_at - r->pos, true);
	return 0;
}

int ktap_chunk_parse(struct ktap_chunk *c, const u8 *data, size_t len, char *err, size_t err_size)
{
	struct reader r;

	memset(c, 0, sizeof(*c));
	memset(&r, 0, sizeof(r));
	r.in = data;
	r.len = len > MAX_FILE_BYTES ? MAX_FILE_BYTES + 1 : (u32)len;
	r.err = err;
	r.err_size = err_size;
	if (err_size)
		err[0] = 0;
	if (len > MAX_FILE_BYTES) {
		fail(&r, 0, "chunk exceeds the format's maximum size", len, true);
		return -1;
	}
	if (parse(&r, c)) {
		lfree(r.mem);
		memset(c, 0, sizeof(*c));
		return -1;
	}
	c->mem = r.mem;
	return 0;
}

void ktap_chunk_release(struct ktap_chunk *c)
{
	lfree(c->mem);
	c->mem = NULL;
}
