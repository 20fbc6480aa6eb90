// SPDX-License-Identifier: GPL-2.0
/*
 * ktap_printf.c - ktap's printf, byte for byte the Java VM's io.ktap.vm.Printf:
 * %d %i %u %x %X %o %c %s %p %%, the flags - + space # 0, width and precision
 * (either may be *), C's length modifiers accepted and ignored.  Everything is
 * formatted here (no host printf), so the kernel and userspace builds agree.
 */
#include "ktap_int.h"

#define KTAP_MAX_WIDTH	(1 << 20)

u32 ktap_fmt_u64(char *buf, u64 v, u32 base, bool upper)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char tmp[24];
	u32 n = 0, i;

	do {
		tmp[n++] = digits[v % base];
		v /= base;
	} while (v);
	for (i = 0; i < n; i++)
		buf[i] = tmp[n - 1 - i];
	return n;
}

u32 ktap_fmt_s64(char *buf, s64 v)
{
	if (v < 0) {
		buf[0] = '-';
		return 1 + ktap_fmt_u64(buf + 1, (u64)0 - (u64)v, 10, false);
	}
	return ktap_fmt_u64(buf, (u64)v, 10, false);
}

struct out {
	char *p;
	u32 len;
	u32 size;
	bool overflow;
};

static void put(struct out *o, const char *s, u32 n)
{
	if (n > o->size - o->len) {
		o->overflow = true;
		n = o->size - o->len;
	}
	memcpy(o->p + o->len, s, n);
	o->len += n;
}

static void repeat(struct out *o, char c, s64 n)
{
	while (n-- > 0) {
		if (o->len == o->size) {
			o->overflow = true;
			return;
		}
		o->p[o->len++] = c;
	}
}

/* Printf.digits: at least precision digits; precision 0 and value 0 print nothing. */
static u32 apply_precision(char *out, const char *d, u32 n, s32 precision, bool zero_value)
{
	u32 i = 0;

	if (precision < 0) {
		memcpy(out, d, n);
		return n;
	}
	if (precision == 0 && zero_value)
		return 0;
	while ((s32)(i + n) < precision)
		out[i++] = '0';
	memcpy(out + i, d, n);
	return i + n;
}

static void pad(struct out *o, const char *prefix, u32 plen, const char *digits, u32 dlen,
		s64 width, bool left, bool zero)
{
	s64 fill = width - plen - dlen;

	if (left) {
		put(o, prefix, plen);
		put(o, digits, dlen);
		repeat(o, ' ', fill);
	} else if (zero) {
		put(o, prefix, plen);
		repeat(o, '0', fill);
		put(o, digits, dlen);
	} else {
		repeat(o, ' ', fill);
		put(o, prefix, plen);
		put(o, digits, dlen);
	}
}

static int no_value(struct ktap_vm *vm, const char *fn, u32 a)
{
	ktap_err_begin(vm);
	ktap_err_str(vm, "bad argument #");
	ktap_err_num(vm, a + 2);
	ktap_err_str(vm, " to '");
	ktap_err_str(vm, fn);
	ktap_err_str(vm, "' (no value)");
	return KTAP_ERR;
}

static int int_arg(struct ktap_vm *vm, const char *fn, const struct ktap_value *args, u32 count,
		   u32 a, s64 *out)
{
	if (a >= count)
		return no_value(vm, fn, a);
	if (args[a].tag != KT_NUM) {
		ktap_err_begin(vm);
		ktap_err_str(vm, "bad argument #");
		ktap_err_num(vm, a + 2);
		ktap_err_str(vm, " to '");
		ktap_err_str(vm, fn);
		ktap_err_str(vm, "' (number expected, got ");
		ktap_err_str(vm, ktap_typename(&args[a]));
		ktap_err_str(vm, ")");
		return KTAP_ERR;
	}
	*out = args[a].v.n;
	return 0;
}

static int too_large(struct ktap_vm *vm, const char *fn, const char *what)
{
	ktap_err_begin(vm);
	ktap_err_str(vm, "invalid format to '");
	ktap_err_str(vm, fn);
	ktap_err_str(vm, "' (");
	ktap_err_str(vm, what);
	ktap_err_str(vm, " too large)");
	return KTAP_ERR;
}

static int bad_conversion(struct ktap_vm *vm, const char *fn, const char *f, u32 from, u32 to)
{
	ktap_err_begin(vm);
	ktap_err_str(vm, "invalid conversion '");
	ktap_err_mem(vm, f + from, to - from);
	ktap_err_str(vm, "' to '");
	ktap_err_str(vm, fn);
	ktap_err_str(vm, "'");
	return KTAP_ERR;
}

s32 ktap_format(struct ktap_vm *vm, const char *fn, const struct ktap_str *fmt,
		const struct ktap_value *args, u32 count)
{
	struct out o = { vm->scratch, 0, vm->scratch_size, false };
	const char *f = fmt->data;
	u32 flen = fmt->len;
	u32 i = 0, arg = 0;

	while (i < flen) {
		bool left = false, plus = false, space = false, alt = false, zero = false;
		char digits[80], body[96];
		s64 width = 0, v;
		s32 precision = -1;
		u32 start, n;
		char c = f[i++];

		if (c != '%') {
			put(&o, &c, 1);
			continue;
		}
		start = i - 1;
		for (; i < flen; i++) {
			if (f[i] == '-')
				left = true;
			else if (f[i] == '+')
				plus = true;
			else if (f[i] == ' ')
				space = true;
			else if (f[i] == '#')
				alt = true;
			else if (f[i] == '0')
				zero = true;
			else
				break;
		}
		if (i < flen && f[i] == '*') {
			i++;
			if (int_arg(vm, fn, args, count, arg++, &width))
				return KTAP_ERR;
			if (width < 0) {
				left = true;
				width = (s64)(0 - (u64)width);
			}
			if (width > KTAP_MAX_WIDTH)
				return too_large(vm, fn, "width");
			if (width < 0)
				width = 0;	/* -MIN: Java's (int) cast keeps 0 */
		} else {
			while (i < flen && f[i] >= '0' && f[i] <= '9') {
				width = width * 10 + (f[i++] - '0');
				if (width > KTAP_MAX_WIDTH)
					return too_large(vm, fn, "width");
			}
		}
		if (i < flen && f[i] == '.') {
			i++;
			if (i < flen && f[i] == '*') {
				i++;
				if (int_arg(vm, fn, args, count, arg++, &v))
					return KTAP_ERR;
				if (v < 0)
					precision = -1;
				else if (v > KTAP_MAX_WIDTH)
					return too_large(vm, fn, "width");
				else
					precision = (s32)v;
			} else {
				s64 pr = 0;

				while (i < flen && f[i] >= '0' && f[i] <= '9') {
					pr = pr * 10 + (f[i++] - '0');
					if (pr > KTAP_MAX_WIDTH)
						return too_large(vm, fn, "precision");
				}
				precision = (s32)pr;
			}
		}
		while (i < flen && (f[i] == 'h' || f[i] == 'l' || f[i] == 'z' || f[i] == 'j' ||
				    f[i] == 't' || f[i] == 'L' || f[i] == 'q'))
			i++;
		if (i >= flen)
			return bad_conversion(vm, fn, f, start, i);
		c = f[i++];
		switch (c) {
		case '%':
			put(&o, "%", 1);
			continue;
		case 'd':
		case 'i': {
			const char *sign = "";

			if (int_arg(vm, fn, args, count, arg++, &v))
				return KTAP_ERR;
			n = ktap_fmt_u64(digits, v < 0 ? (u64)0 - (u64)v : (u64)v, 10, false);
			if (v < 0)
				sign = "-";
			else if (plus)
				sign = "+";
			else if (space)
				sign = " ";
			if (precision > 64) {
				/* Long precisions: pad by hand rather than in the buffer. */
				if (left) {
					put(&o, sign, (u32)strlen(sign));
					repeat(&o, '0', precision - (s64)n);
					put(&o, digits, n);
					repeat(&o, ' ', width - (s64)strlen(sign) - (precision > (s32)n ? (s64)precision : (s64)n));
				} else {
					repeat(&o, ' ', width - (s64)strlen(sign) - (precision > (s32)n ? (s64)precision : (s64)n));
					put(&o, sign, (u32)strlen(sign));
					repeat(&o, '0', precision - (s64)n);
					put(&o, digits, n);
				}
				continue;
			}
			n = apply_precision(body, digits, n, precision, v == 0);
			pad(&o, sign, (u32)strlen(sign), body, n, width, left, zero && precision < 0);
			continue;
		}
		case 'u':
		case 'x':
		case 'X':
		case 'o': {
			const char *prefix = "";
			u32 base = c == 'u' ? 10 : c == 'o' ? 8 : 16;

			if (int_arg(vm, fn, args, count, arg++, &v))
				return KTAP_ERR;
			n = ktap_fmt_u64(digits, (u64)v, base, c == 'X');
			if ((c == 'x' || c == 'X') && alt && v != 0)
				prefix = c == 'X' ? "0X" : "0x";
			if (precision > 64) {
				u32 plen = (u32)strlen(prefix);
				s64 body_len = precision > (s32)n ? (s64)precision : (s64)n;

				if (c == 'o' && alt && precision <= (s32)n && digits[0] != '0')
					body_len++;
				if (!left)
					repeat(&o, ' ', width - plen - body_len);
				put(&o, prefix, plen);
				repeat(&o, '0', body_len - n);
				put(&o, digits, n);
				if (left)
					repeat(&o, ' ', width - plen - body_len);
				continue;
			}
			n = apply_precision(body, digits, n, precision, v == 0);
			if (c == 'o' && alt && (n == 0 || body[0] != '0')) {
				memmove(body + 1, body, n);
				body[0] = '0';
				n++;
			}
			pad(&o, prefix, (u32)strlen(prefix), body, n, width, left, zero && precision < 0);
			continue;
		}
		case 'p':
			if (int_arg(vm, fn, args, count, arg++, &v))
				return KTAP_ERR;
			n = ktap_fmt_u64(digits, (u64)v, 16, false);
			pad(&o, "0x", 2, digits, n, width, left, zero);
			continue;
		case 'c': {
			char ch;

			if (int_arg(vm, fn, args, count, arg++, &v))
				return KTAP_ERR;
			ch = (char)(v & 0xff);
			if (!left)
				repeat(&o, ' ', width - 1);
			put(&o, &ch, 1);
			if (left)
				repeat(&o, ' ', width - 1);
			continue;
		}
		case 's': {
			u32 a = arg++;
			u32 blen;

			if (a >= count)
				return no_value(vm, fn, a);
			if (args[a].tag == KT_STR) {
				blen = args[a].v.s->len;
				if (precision >= 0 && (u32)precision < blen)
					blen = (u32)precision;
				if (!left)
					repeat(&o, ' ', width - blen);
				put(&o, args[a].v.s->data, blen);
				if (left)
					repeat(&o, ' ', width - blen);
				continue;
			}
			/* Other values as print shows them, formatted in place. */
			blen = ktap_display(vm, &args[a], o.p + o.len, o.size - o.len);
			if (blen == o.size - o.len)
				o.overflow = true;
			if (precision >= 0 && (u32)precision < blen)
				blen = (u32)precision;
			if (!left && width > blen) {
				u32 fill = (u32)(width - blen);

				if (fill > o.size - o.len - blen) {
					o.overflow = true;
					continue;
				}
				memmove(o.p + o.len + fill, o.p + o.len, blen);
				memset(o.p + o.len, ' ', fill);
				o.len += fill;
			}
			o.len += blen;
			if (left)
				repeat(&o, ' ', width - blen);
			continue;
		}
		default:
			return bad_conversion(vm, fn, f, start, i);
		}
	}
	if (o.overflow)
		return (s32)vm->scratch_size + 1;
	return (s32)o.len;
}
