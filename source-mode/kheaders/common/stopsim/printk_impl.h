/* SPDX-License-Identifier: Apache-2.0 */
/*
 * stopsim kernel shim: printk()'s formatter, compiled into the generated object (the format
 * walk needs the C va_list). Conversions: d i u x X o c s p %, flags, width and precision
 * (also '*'), lengths hh h l ll z t, and the cpumask range list "%*pbl".
 */
#ifndef STOPSIM_PRINTK_IMPL_H
#define STOPSIM_PRINTK_IMPL_H
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static void stopsim_put(char *buf, size_t cap, size_t *len, const char *s, size_t n)
{
	while (n-- && *len + 1 < cap)
		buf[(*len)++] = *s++;
	buf[*len] = 0;
}

static void stopsim_ranges(char *buf, size_t cap, size_t *len, int nbits, const unsigned long *bits)
{
	const int per = 8 * sizeof(unsigned long);
	int first = 1, i = 0;
	char tmp[32];
	while (i < nbits) {
		if (!(bits[i / per] >> (i % per) & 1)) {
			i++;
			continue;
		}
		int j = i;
		while (j + 1 < nbits && (bits[(j + 1) / per] >> ((j + 1) % per) & 1))
			j++;
		int n = j == i ? snprintf(tmp, sizeof(tmp), "%s%d", first ? "" : ",", i)
			       : snprintf(tmp, sizeof(tmp), "%s%d-%d", first ? "" : ",", i, j);
		stopsim_put(buf, cap, len, tmp, (size_t)n);
		first = 0;
		i = j + 1;
	}
}

__attribute__((visibility("default"))) int printk(const char *fmt, ...)
{
	char out[1024];
	size_t len = 0;
	int level = 4; /* default_message_loglevel */
	va_list ap;
	out[0] = 0;
	if (fmt[0] == '\001' && fmt[1]) {
		if (fmt[1] >= '0' && fmt[1] <= '7')
			level = fmt[1] - '0';
		fmt += 2;
	}
	va_start(ap, fmt);
	for (const char *p = fmt; *p; p++) {
		if (*p != '%') {
			stopsim_put(out, sizeof(out), &len, p, 1);
			continue;
		}
		const char *start = p++;
		char spec[32];
		int star_w = 0, have_star = 0;
		while (*p && strchr("-+ #0", *p))
			p++;
		if (*p == '*') {
			have_star = 1;
			star_w = va_arg(ap, int);
			p++;
		} else {
			while (*p >= '0' && *p <= '9')
				p++;
		}
		int star_p = -1;
		if (*p == '.') {
			p++;
			if (*p == '*') {
				star_p = va_arg(ap, int);
				p++;
			} else {
				while (*p >= '0' && *p <= '9')
					p++;
			}
		}
		int lng = 0; /* 1 l, 2 ll, 3 z, 4 t, -1 h, -2 hh */
		if (*p == 'h') { lng = -1; p++; if (*p == 'h') { lng = -2; p++; } }
		else if (*p == 'l') { lng = 1; p++; if (*p == 'l') { lng = 2; p++; } }
		else if (*p == 'z') { lng = 3; p++; }
		else if (*p == 't') { lng = 4; p++; }
		const char conv = *p;
		if (!conv)
			break;
		if (conv == 'p' && p[1] == 'b') {
			/* %*pb / %*pbl: a bitmap, as a range list with 'l' */
			const unsigned long *bits = va_arg(ap, const unsigned long *);
			int nbits = have_star ? star_w : 0;
			p++;
			if (p[1] == 'l') {
				p++;
				stopsim_ranges(out, sizeof(out), &len, nbits, bits);
			} else {
				stopsim_ranges(out, sizeof(out), &len, nbits, bits);
			}
			continue;
		}
		size_t sl = (size_t)(p - start + 1);
		if (sl >= sizeof(spec))
			sl = sizeof(spec) - 1;
		memcpy(spec, start, sl);
		spec[sl] = 0;
		char tmp[256];
		int n = 0;
		/* the width/precision stars were consumed above: pass them back */
		#define STOPSIM_FMT(val) \
			(have_star && star_p >= 0 ? snprintf(tmp, sizeof(tmp), spec, star_w, star_p, val) \
			 : have_star ? snprintf(tmp, sizeof(tmp), spec, star_w, val) \
			 : star_p >= 0 ? snprintf(tmp, sizeof(tmp), spec, star_p, val) \
			 : snprintf(tmp, sizeof(tmp), spec, val))
		switch (conv) {
		case 'd': case 'i':
			if (lng == 1) n = STOPSIM_FMT(va_arg(ap, long));
			else if (lng == 2) n = STOPSIM_FMT(va_arg(ap, long long));
			else if (lng == 3 || lng == 4) n = STOPSIM_FMT(va_arg(ap, long));
			else n = STOPSIM_FMT(va_arg(ap, int));
			break;
		case 'u': case 'x': case 'X': case 'o':
			if (lng == 1) n = STOPSIM_FMT(va_arg(ap, unsigned long));
			else if (lng == 2) n = STOPSIM_FMT(va_arg(ap, unsigned long long));
			else if (lng == 3 || lng == 4) n = STOPSIM_FMT(va_arg(ap, unsigned long));
			else n = STOPSIM_FMT(va_arg(ap, unsigned int));
			break;
		case 'c':
			n = STOPSIM_FMT(va_arg(ap, int));
			break;
		case 's': {
			const char *s = va_arg(ap, const char *);
			n = STOPSIM_FMT(s ? s : "(null)");
			break;
		}
		case 'p':
			n = STOPSIM_FMT(va_arg(ap, void *));
			break;
		case '%':
			tmp[0] = '%';
			tmp[1] = 0;
			n = 1;
			break;
		default:
			n = snprintf(tmp, sizeof(tmp), "%s", spec);
			break;
		}
		#undef STOPSIM_FMT
		if (n > 0)
			stopsim_put(out, sizeof(out), &len, tmp, (size_t)n < sizeof(tmp) ? (size_t)n : sizeof(tmp) - 1);
	}
	va_end(ap);
	while (len && out[len - 1] == '\n')
		out[--len] = 0;
	stopsim_k->printk(level, out);
	return (int)len;
}
#endif
