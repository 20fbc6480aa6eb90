/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ktap_ring.h - the per-CPU output ring: layout shared with readers.
 *
 * The specification is the ring protocol section of the kernel module guide
 * (src/site/markdown/kernel-module.md); this header is its C form.  A reader (the
 * JNA transport) maps a ring as
 *
 *	[0, 4096)		consumer page: consumer_pos (the reader writes it)
 *	[4096, 8192)		producer page: producer_pos, lost, geometry
 *	[8192, 8192 + size)	data area, size a power of two
 *
 * and walks records from consumer_pos to producer_pos.  Every record starts
 * 8-byte aligned with a 16-byte header; len holds the BUSY and DISCARD bits.
 */
#ifndef KTAP_RING_H
#define KTAP_RING_H

#include "ktap_port.h"

#define KTAP_RING_MAGIC		0x4b524e47u	/* "KRNG" */
#define KTAP_RING_VERSION	1u
#define KTAP_RING_PAGE		4096u
#define KTAP_RING_DATA_OFF	(2 * KTAP_RING_PAGE)

#define KTAP_REC_BUSY		(1u << 31)
#define KTAP_REC_DISCARD	(1u << 30)
#define KTAP_REC_LEN_MASK	((1u << 30) - 1)
#define KTAP_REC_HDR		16u

/* Record types. */
enum ktap_rec_type {
	KTAP_REC_PAD = 0,	/* wrap filler, always DISCARD */
	KTAP_REC_PRINT = 1,	/* text bytes */
	KTAP_REC_HISTOGRAM = 2,	/* u32 rows, u32 omitted, rows */
	KTAP_REC_EMIT = 3,	/* u32 schema, packed fields */
	KTAP_REC_ERROR = 4,	/* u32 line, message bytes */
	KTAP_REC_LOST = 5,	/* u64 records dropped before this one */
	KTAP_REC_EXIT = 6,	/* s64 exit status */
	KTAP_REC_AGGREGATION = 7,	/* print of an aggregation: see the ring section of the guide */
};

struct ktap_rec_hdr {
	u32 len;		/* header + payload bytes, | BUSY | DISCARD */
	u16 type;
	u16 cpu;
	u64 time_ns;
};

struct ktap_ring_consumer {
	u64 consumer_pos;	/* bytes consumed, free running */
};

struct ktap_ring_producer {
	u64 producer_pos;	/* bytes produced, free running */
	u64 lost;		/* records dropped since the ring was made */
	u32 magic;
	u32 version;
	u32 data_size;		/* bytes of the data area */
	u32 cpu;		/* the CPU id that writes this ring */
};

/* Producer-side state of one ring (not shared with readers). */
struct ktap_ring {
	u8 *map;		/* the mapping: consumer page, producer page, data */
	struct ktap_ring_consumer *cons;
	struct ktap_ring_producer *prod;
	u8 *data;
	u32 size;
	u32 mask;
	u64 pending_lost;	/* dropped since the last LOST record */
};

int ktap_ring_init(struct ktap_ring *r, u32 cpu, u32 size);
void ktap_ring_destroy(struct ktap_ring *r);
/*
 * Reserves a record with payload bytes; returns the payload, or NULL when the
 * ring is full (the record is counted as lost).  The record stays BUSY until
 * ktap_ring_commit().
 */
void *ktap_ring_reserve(struct ktap_ring *r, u16 type, u16 cpu, u64 time_ns, u32 payload);
void ktap_ring_commit(struct ktap_ring *r, void *payload);
/* The largest payload a record of this ring may have. */
u32 ktap_ring_max_payload(const struct ktap_ring *r);

#endif /* KTAP_RING_H */
