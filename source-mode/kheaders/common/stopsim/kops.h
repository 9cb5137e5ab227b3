/* SPDX-License-Identifier: Apache-2.0 */
/*
 * stopsim source mode: the table of kernel services the compiled stop code reaches. The
 * kernel-named inline functions of the headers beside this one call through it; the stopsim
 * runtime fills it in (source-mode/src/runtime.cpp) and every entry runs on the calling CPU's
 * shim. Written for stopsim; no kernel text.
 */
#ifndef STOPSIM_KOPS_H
#define STOPSIM_KOPS_H

#ifdef __cplusplus
extern "C" {
#endif

struct cpumask;
struct pt_regs;

#define STOPSIM_NR_CPUS 4096
#define STOPSIM_MASK_LONGS (STOPSIM_NR_CPUS / (8 * sizeof(unsigned long)))

/*
 * The current CPU's poll-loop state, shared by the inline functions of the headers and the
 * runtime: what a `while (cond() && timeout--) udelay(1);` iteration touches lives here, so the
 * loop runs without a call into the simulator until its local time reaches the slack the
 * simulator granted (docs/source-mode.md, "Timing").
 */
struct stopsim_fast {
	unsigned int cpu;                 /* smp_processor_id() */
	const unsigned int *num_online;   /* the counter num_online_cpus() returns */
	const unsigned long *online_bits; /* cpu_online_mask, as bits */
	unsigned long long local;         /* cycles spent locally since the simulator last looked */
	unsigned long long slack;         /* cycles that may be spent locally (valid if slack_valid) */
	unsigned long long check_cycles;  /* one evaluation of a loop condition */
	unsigned long delay_us;           /* the last udelay() length ... */
	unsigned long long delay_cycles;  /* ... and its cycles */
	int slack_valid;
	int last_was_delay;   /* the last thing this CPU did was a delay */
	int check_owed;       /* a condition read waits to be charged by the next delay */
	int first_check_due;  /* a stop IPI went out: the next read is its wait loop's first check */
	int last_pending;     /* what the last condition read concluded */
	int rung_open;        /* a stop rung is open on this CPU ... */
	unsigned int rung_checks; /* ... and its wait loop read this often */
	/* the memory-ordering model: the last delay loop ended `delay_end` local cycles into the
	 * current stretch (valid if delay_end_valid); later loads are ordered after that point */
	unsigned long long delay_end;
	int delay_end_valid;
};

struct stopsim_kops {
	/* a local spend that reaches the slack: the simulator takes over */
	void (*spend_slow)(unsigned long long cycles, int boundary);
	/* identity */
	unsigned int (*smp_processor_id)(void);
	unsigned int (*nr_cpu_ids)(void);
	int (*system_state)(void);
	/* console: level 0..7, text without the level prefix or the trailing newline */
	void (*printk)(int level, const char *text);
	/* time */
	void (*udelay)(unsigned long us);
	void (*mdelay)(unsigned long ms);
	/* the online mask and its counter */
	int (*cpu_online)(unsigned int cpu);
	unsigned int (*num_online_cpus)(void);
	const struct cpumask *(*cpu_online_mask)(void);
	void (*set_cpu_online)(unsigned int cpu, int online);
	/* atomics and bit operations on kernel memory (each an atomic store the others see) */
	int (*atomic_read)(const int *v);
	void (*atomic_set)(int *v, int i);
	void (*atomic_add)(int *v, int i);
	int (*atomic_add_return)(int *v, int i);
	int (*atomic_cmpxchg)(int *v, int old, int neu);
	int (*test_and_set_bit)(unsigned long nr, volatile unsigned long *addr);
	int (*test_and_clear_bit)(unsigned long nr, volatile unsigned long *addr);
	void (*set_bit)(unsigned long nr, volatile unsigned long *addr);
	void (*clear_bit)(unsigned long nr, volatile unsigned long *addr);
	/* barriers, with the kernel function they sit in (kernel.elide_barriers may remove one) */
	void (*smp_mb)(const char *site);
	void (*smp_rmb)(const char *site);
	void (*smp_wmb)(const char *site);
	/* interrupts */
	void (*local_irq_disable)(void);
	void (*local_irq_enable)(void);
	struct pt_regs *(*get_irq_regs)(void);
	int (*request_percpu_irq)(unsigned int irq, int (*handler)(int, void *), int nmi);
	int (*enable_percpu)(unsigned int irq, int nmi);
	void (*ipi_send_mask)(unsigned int irq, const struct cpumask *mask);
	int (*nmi_cpu_backtrace)(struct pt_regs *regs);
	void (*nmi_trigger_cpumask_backtrace)(const struct cpumask *mask, int exclude_cpu,
					      void (*raise)(struct cpumask *mask));
	/* crash dump, WARN/BUG */
	void (*crash_save_cpu)(struct pt_regs *regs, int cpu);
	void (*warn)(const char *file, int line);
	void (*bug)(const char *file, int line) __attribute__((noreturn));
	/* a kernel service the stop code does not use in any modelled scenario was called */
	void (*unmodelled)(const char *what);
	/* arm64 */
	void (*local_daif_mask)(void);
	void (*cpu_park_loop)(void) __attribute__((noreturn));
	int (*system_uses_irq_prio_masking)(void);
	int (*sdei_mask_local_cpu)(void);
	int (*sdei_unmask_local_cpu)(void);
	void (*sdei_handler_abort)(void);
	int (*cpu_die_present)(unsigned int cpu);
	void (*cpu_die)(unsigned int cpu);
	/* arm64 SDEI client (include/linux/arm_sdei.h names) */
	int (*sdei_event_register)(unsigned int event, int (*cb)(unsigned int, struct pt_regs *, void *), void *arg);
	int (*sdei_event_enable)(unsigned int event);
	int (*sdei_event_disable)(unsigned int event);
	int (*sdei_event_signal)(unsigned int event, unsigned long long target_pe);
	int (*sdei_is_present)(void);
	unsigned long long (*cpu_logical_map)(unsigned int cpu);
};

#ifdef __cplusplus
}
#endif
#endif
