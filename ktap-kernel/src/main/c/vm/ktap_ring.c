// SPDX-License-Identifier: GPL-2.0
/*
 * ktap_ring.c - producer side of the per-CPU output rings (RING.md).
 *
 * The protocol is libbpf's ring buffer, simplified for a single producer per
 * ring: the producer publishes producer_pos with a store-release after writing
 * a BUSY header, fills the payload, then clears BUSY with a store-release of
 * the header's len; the reader loads producer_pos and each len with
 * load-acquire, stops at a BUSY record, skips DISCARD records, and gives the
 * space back with a store-release of consumer_pos.  Records never wrap: one
 * that does not fit before the end of the data area is preceded by a DISCARD
 * filler up to the end.  A full ring drops the record and counts it; the
 * count is reported by a LOST record as soon as there is room again.
 *
 * Producers of one ring are serialised by the VM (see ktapvm.h).
 */
#include "ktap_ring.h"

int ktap_ring_init(struct ktap_ring *r, u32 cpu, u32 size)
{
	size_t map_size = KTAP_RING_DATA_OFF + (size_t)size;

	memset(r, 0, sizeof(*r));
	r->map = ktap_port_ring_alloc(map_size);
	if (!r->map)
		return -1;
	r->cons = (struct ktap_ring_consumer *)r->map;
	r->prod = (struct ktap_ring_producer *)(r->map + KTAP_RING_PAGE);
	r->data = r->map + KTAP_RING_DATA_OFF;
	r->size = size;
	r->mask = size - 1;
	r->prod->magic = KTAP_RING_MAGIC;
	r->prod->version = KTAP_RING_VERSION;
	r->prod->data_size = size;
	r->prod->cpu = cpu;
	return 0;
}

void ktap_ring_destroy(struct ktap_ring *r)
{
	if (r->map)
		ktap_port_ring_free(r->map, KTAP_RING_DATA_OFF + (size_t)r->size);
	r->map = NULL;
}

u32 ktap_ring_max_payload(const struct ktap_ring *r)
{
	/* Half the ring, so that a record always fits after a filler. */
	return r->size / 2 - KTAP_REC_HDR;
}

/*
 * Finds room for need bytes (a multiple of 8) at the producer position,
 * writing a filler when the record would cross the end of the data area.
 * Returns the record's offset, or -1 when the reader has not freed enough.
 */
static s64 ring_room(struct ktap_ring *r, u64 *prod, u32 need)
{
	u64 cons = ktap_load_acquire(&r->cons->consumer_pos);
	u32 off = (u32)(*prod & r->mask);
	u32 pad = 0;
	struct ktap_rec_hdr *h;

	if (off + need > r->size)
		pad = r->size - off;
	/* A reader that publishes a position ahead of ours is broken: treat as full. */
	if (cons > *prod || *prod + pad + need - cons > r->size)
		return -1;
	if (pad) {
		/* The filler may be only 8 bytes: write len, type and cpu, never time_ns. */
		h = (struct ktap_rec_hdr *)(r->data + off);
		h->type = KTAP_REC_PAD;
		h->cpu = (u16)r->prod->cpu;
		h->len = pad | KTAP_REC_DISCARD;
		*prod += pad;
		off = 0;
	}
	return off;
}

static struct ktap_rec_hdr *ring_put(struct ktap_ring *r, u64 *prod, u16 type,
				     u16 cpu, u64 time_ns, u32 payload)
{
	u32 need = KTAP_ALIGN8(KTAP_REC_HDR + payload);
	struct ktap_rec_hdr *h;
	s64 off;

	off = ring_room(r, prod, need);
	if (off < 0)
		return NULL;
	h = (struct ktap_rec_hdr *)(r->data + off);
	h->type = type;
	h->cpu = cpu;
	h->time_ns = time_ns;
	h->len = (KTAP_REC_HDR + payload) | KTAP_REC_BUSY;
	*prod += need;
	return h;
}

void *ktap_ring_reserve(struct ktap_ring *r, u16 type, u16 cpu, u64 time_ns, u32 payload)
{
	u64 prod = r->prod->producer_pos;
	struct ktap_rec_hdr *lost = NULL;
	struct ktap_rec_hdr *h;

	if (payload > ktap_ring_max_payload(r))
		goto out_lost;

	if (r->pending_lost) {
		lost = ring_put(r, &prod, KTAP_REC_LOST, cpu, time_ns, 8);
		if (!lost)
			goto out_lost;
		memcpy(lost + 1, &r->pending_lost, 8);
	}
	h = ring_put(r, &prod, type, cpu, time_ns, payload);
	if (!h) {
		/* Keep the LOST record only if the new one fits: retract it. */
		goto out_lost;
	}
	if (lost) {
		r->pending_lost = 0;
		lost->len &= ~KTAP_REC_BUSY;
	}
	/* Publish both headers (BUSY for the new one) and the space they take. */
	ktap_store_release(&r->prod->producer_pos, prod);
	return h + 1;

out_lost:
	r->pending_lost++;
	r->prod->lost++;
	return NULL;
}

void ktap_ring_commit(struct ktap_ring *r, void *payload)
{
	struct ktap_rec_hdr *h = (struct ktap_rec_hdr *)payload - 1;

	(void)r;
	ktap_store_release(&h->len, h->len & ~KTAP_REC_BUSY);
}
