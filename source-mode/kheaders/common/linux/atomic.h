/* SPDX-License-Identifier: Apache-2.0 */
/* stopsim kernel shim: atomics, bit operations and barriers on shared kernel memory. */
#ifndef STOPSIM_LINUX_ATOMIC_H
#define STOPSIM_LINUX_ATOMIC_H
#include <linux/kernel.h>
static inline int atomic_read(const atomic_t *v) { return stopsim_k->atomic_read(&v->counter); }
static inline void atomic_set(atomic_t *v, int i) { stopsim_k->atomic_set(&v->counter, i); }
static inline void atomic_inc(atomic_t *v) { stopsim_k->atomic_add(&v->counter, 1); }
static inline void atomic_dec(atomic_t *v) { stopsim_k->atomic_add(&v->counter, -1); }
static inline void atomic_add(int i, atomic_t *v) { stopsim_k->atomic_add(&v->counter, i); }
static inline void atomic_sub(int i, atomic_t *v) { stopsim_k->atomic_add(&v->counter, -i); }
static inline int atomic_inc_return(atomic_t *v) { return stopsim_k->atomic_add_return(&v->counter, 1); }
static inline int atomic_dec_return(atomic_t *v) { return stopsim_k->atomic_add_return(&v->counter, -1); }
static inline bool atomic_dec_and_test(atomic_t *v) { return stopsim_k->atomic_add_return(&v->counter, -1) == 0; }
static inline int atomic_cmpxchg(atomic_t *v, int old, int neu) { return stopsim_k->atomic_cmpxchg(&v->counter, old, neu); }
static inline int test_and_set_bit(long nr, volatile unsigned long *addr) { return stopsim_k->test_and_set_bit((unsigned long)nr, addr); }
static inline int test_and_clear_bit(long nr, volatile unsigned long *addr) { return stopsim_k->test_and_clear_bit((unsigned long)nr, addr); }
static inline void set_bit(long nr, volatile unsigned long *addr) { stopsim_k->set_bit((unsigned long)nr, addr); }
static inline void clear_bit(long nr, volatile unsigned long *addr) { stopsim_k->clear_bit((unsigned long)nr, addr); }
static inline bool test_bit(long nr, const volatile unsigned long *addr)
{
	return (addr[nr / (8 * sizeof(long))] >> (nr % (8 * sizeof(long)))) & 1;
}
/* Each barrier names the function it is written in, so that kernel.elide_barriers can remove it
 * there (the transcriptions name the same Linux function). */
#define smp_mb() stopsim_k->smp_mb(__func__)
#define smp_rmb() stopsim_k->smp_rmb(__func__)
#define smp_wmb() stopsim_k->smp_wmb(__func__)
#define mb() smp_mb()
#define rmb() smp_rmb()
#define wmb() smp_wmb()
#define smp_mb__before_atomic() smp_mb()
#define smp_mb__after_atomic() smp_mb()
#endif
