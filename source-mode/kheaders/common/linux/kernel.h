/* SPDX-License-Identifier: Apache-2.0 */
/* stopsim kernel shim: constants and small helpers (ours: written from the documented API). */
#ifndef STOPSIM_LINUX_KERNEL_H
#define STOPSIM_LINUX_KERNEL_H
#include <linux/types.h>
#include <stopsim/kops.h>
/* The table the runtime fills in after loading this object. */
STOPSIM_EXPORT const struct stopsim_kops *stopsim_k;
/*
 * The current CPU's poll-loop state (the runtime points it at the CPU the code runs on through
 * stopsim_fast_slot(); the variable itself stays local to the object, so a read is one load).
 */
static struct stopsim_fast *stopsim_fast;
STOPSIM_EXPORT struct stopsim_fast **stopsim_fast_slot(void) { return &stopsim_fast; }

/* Spend cycles in this CPU's local time; past the granted slack the simulator takes over. */
static inline void stopsim_spend(unsigned long long cycles, int boundary)
{
	struct stopsim_fast *f = stopsim_fast;
	if (f->slack_valid && cycles < f->slack - f->local)
		f->local += cycles;
	else
		stopsim_k->spend_slow(cycles, boundary);
}
/* A read of what a poll loop's condition tests: charged when a delay is next to it. */
static inline void stopsim_poll_read(int pending)
{
	struct stopsim_fast *f = stopsim_fast;
	/* the rung's verdict is its wait loop's: a check (the first, or one after a delay), not a
	 * re-read after the loop, which may already see a CPU that came up meanwhile */
	if (f->last_was_delay || f->first_check_due || !f->rung_checks)
		f->last_pending = pending;
	if (f->last_was_delay || f->first_check_due) {
		f->first_check_due = 0;
		stopsim_spend(f->check_cycles, 0);
	} else {
		f->check_owed = 1;
	}
	f->last_was_delay = 0;
	if (f->rung_open)
		f->rung_checks++;
}

#define USEC_PER_MSEC 1000L
#define USEC_PER_SEC 1000000L
#define MSEC_PER_SEC 1000L
#define NSEC_PER_USEC 1000L
#define NR_CPUS STOPSIM_NR_CPUS
#define ENOSYS 38
#define EINVAL 22
#define EIO 5
#define EOPNOTSUPP 95
/* IS_ENABLED(CONFIG_X) reads the STOPSIM_CFG_CONFIG_X value every compiled switch has. */
#define IS_ENABLED(option) STOPSIM_CFG_##option
#define IS_BUILTIN(option) STOPSIM_CFG_##option
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define min(a, b) ({ __typeof__(a) _sa = (a); __typeof__(b) _sb = (b); _sa < _sb ? _sa : _sb; })
#define max(a, b) ({ __typeof__(a) _sa = (a); __typeof__(b) _sb = (b); _sa > _sb ? _sa : _sb; })
#define min_t(t, a, b) min((t)(a), (t)(b))
#define max_t(t, a, b) max((t)(a), (t)(b))

/* Per-CPU variables: one instance (the stop code uses them only as cookies); exports: none. */
#define DEFINE_PER_CPU(type, name) type name
#define DEFINE_PER_CPU_READ_MOSTLY(type, name) type name
#define DEFINE_PER_CPU_ALIGNED(type, name) type name
#define DECLARE_PER_CPU(type, name) extern type name
#define EXPORT_SYMBOL(sym) extern int stopsim_export_unused
#define EXPORT_SYMBOL_GPL(sym) extern int stopsim_export_unused
#define EXPORT_PER_CPU_SYMBOL(sym) extern int stopsim_export_unused
#define EXPORT_PER_CPU_SYMBOL_GPL(sym) extern int stopsim_export_unused

/* Services of other subsystems that a dispatch switch names but no stop path runs. */
static inline void scheduler_ipi(void) { stopsim_k->unmodelled("scheduler_ipi"); }
static inline void generic_smp_call_function_interrupt(void)
{
	stopsim_k->unmodelled("generic_smp_call_function_interrupt");
}
static inline void irq_work_run(void) { stopsim_k->unmodelled("irq_work_run"); }
static inline void tick_receive_broadcast(void) { stopsim_k->unmodelled("tick_receive_broadcast"); }
struct pt_regs;
static inline void kgdb_nmicallback(int cpu, struct pt_regs *regs)
{
	(void)cpu;
	(void)regs;
	stopsim_k->unmodelled("kgdb_nmicallback");
}
/* Tracepoints: the report has its own. */
#define trace_ipi_entry(name) do { (void)(name); } while (0)
#define trace_ipi_exit(name) do { (void)(name); } while (0)
#define trace_ipi_entry_rcuidle(name) do { (void)(name); } while (0)
#define trace_ipi_exit_rcuidle(name) do { (void)(name); } while (0)
#define trace_ipi_raise(mask, name) do { (void)(mask); (void)(name); } while (0)
#endif
