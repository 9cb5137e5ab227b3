/* SPDX-License-Identifier: Apache-2.0 */
/* stopsim kernel shim: busy-wait delays (simulated time; the runtime runs them decoupled). */
#ifndef STOPSIM_LINUX_DELAY_H
#define STOPSIM_LINUX_DELAY_H
#include <linux/kernel.h>
static inline void udelay(unsigned long us) { stopsim_k->udelay(us); }
static inline void mdelay(unsigned long ms) { stopsim_k->mdelay(ms); }
static inline void ndelay(unsigned long ns) { stopsim_k->udelay((ns + 999) / 1000); }
#endif
