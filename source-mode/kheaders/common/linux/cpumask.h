/* SPDX-License-Identifier: Apache-2.0 */
/* stopsim kernel shim: struct cpumask, the online mask and the operations the stop code uses. */
#ifndef STOPSIM_LINUX_CPUMASK_H
#define STOPSIM_LINUX_CPUMASK_H
#include <linux/kernel.h>
struct cpumask {
	unsigned long bits[STOPSIM_MASK_LONGS];
};
typedef struct cpumask cpumask_t;
#define STOPSIM_BPL (8 * sizeof(unsigned long))
#define nr_cpu_ids (stopsim_k->nr_cpu_ids())
#define cpumask_bits(m) ((m)->bits)
#define cpumask_pr_args(m) (int)nr_cpu_ids, cpumask_bits(m)
/* The live mask, as of this call (a snapshot the runtime keeps per CPU). */
#define cpu_online_mask (stopsim_k->cpu_online_mask())
static inline void cpumask_copy(struct cpumask *d, const struct cpumask *s) { *d = *s; }
static inline void cpumask_clear_cpu(int cpu, struct cpumask *m)
{
	m->bits[(unsigned)cpu / STOPSIM_BPL] &= ~(1UL << ((unsigned)cpu % STOPSIM_BPL));
}
static inline void cpumask_set_cpu(unsigned int cpu, struct cpumask *m)
{
	m->bits[cpu / STOPSIM_BPL] |= 1UL << (cpu % STOPSIM_BPL);
}
static inline bool cpumask_test_cpu(int cpu, const struct cpumask *m)
{
	return (m->bits[(unsigned)cpu / STOPSIM_BPL] >> ((unsigned)cpu % STOPSIM_BPL)) & 1;
}
static inline void cpumask_clear(struct cpumask *m)
{
	for (unsigned i = 0; i < STOPSIM_MASK_LONGS; i++)
		m->bits[i] = 0;
}
static inline bool cpumask_empty(const struct cpumask *m)
{
	for (unsigned i = 0; i < STOPSIM_MASK_LONGS; i++)
		if (m->bits[i])
			return false;
	return true;
}
static inline unsigned int cpumask_weight(const struct cpumask *m)
{
	unsigned int w = 0;
	for (unsigned i = 0; i < STOPSIM_MASK_LONGS; i++)
		w += (unsigned)__builtin_popcountl(m->bits[i]);
	return w;
}
static inline unsigned int cpumask_next(int n, const struct cpumask *m)
{
	for (unsigned c = (unsigned)(n + 1); c < nr_cpu_ids; c++)
		if (cpumask_test_cpu((int)c, m))
			return c;
	return nr_cpu_ids;
}
#define cpumask_first(m) cpumask_next(-1, (m))
#define for_each_cpu(cpu, mask) for ((cpu) = cpumask_first(mask); (cpu) < nr_cpu_ids; (cpu) = cpumask_next((cpu), (mask)))
#define for_each_online_cpu(cpu) for_each_cpu(cpu, cpu_online_mask)
static inline void cpumask_andnot(struct cpumask *d, const struct cpumask *a, const struct cpumask *b)
{
	for (unsigned i = 0; i < STOPSIM_MASK_LONGS; i++)
		d->bits[i] = a->bits[i] & ~b->bits[i];
}
static inline bool cpu_online(unsigned int cpu)
{
	return cpu < STOPSIM_NR_CPUS && ((stopsim_fast->online_bits[cpu / STOPSIM_BPL] >> (cpu % STOPSIM_BPL)) & 1);
}
static inline unsigned int num_online_cpus(void)
{
	struct stopsim_fast *f = stopsim_fast;
	unsigned int n = *f->num_online;
	/* what `num_other_online_cpus()` concludes from this read */
	stopsim_poll_read(n > (unsigned int)cpu_online(f->cpu));
	return n;
}
static inline void set_cpu_online(unsigned int cpu, bool online) { stopsim_k->set_cpu_online(cpu, online); }
#endif
