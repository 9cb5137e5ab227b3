/* SPDX-License-Identifier: Apache-2.0 */
/* stopsim kernel shim: busy-wait delays (simulated time; the runtime runs them decoupled). */
#ifndef STOPSIM_LINUX_DELAY_H
#define STOPSIM_LINUX_DELAY_H
#include <linux/kernel.h>
static inline void udelay(unsigned long us)
{
	struct stopsim_fast *f = stopsim_fast;
	if (us != f->delay_us || !f->delay_cycles) {
		stopsim_k->udelay(us); /* a new length: the runtime converts it and remembers */
		return;
	}
	if (f->check_owed) {
		f->check_owed = 0;
		stopsim_spend(f->check_cycles, 0);
	}
	stopsim_spend(f->delay_cycles, 1);
	f->last_was_delay = 1;
	f->delay_end = f->local; /* an ordering point for later loads */
	f->delay_end_valid = 1;
}
static inline void mdelay(unsigned long ms) { stopsim_k->mdelay(ms); }
static inline void ndelay(unsigned long ns) { stopsim_k->udelay((ns + 999) / 1000); }
#endif
