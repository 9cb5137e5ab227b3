/* SPDX-License-Identifier: Apache-2.0 */
/*
 * stopsim kernel shim, arm64: DAIF masking, the park loop, priority masking, the SDEI client
 * calls and the CPU operations the stop code reaches (each a call into the arm64 models).
 */
#ifndef STOPSIM_ASM_ARM64_H
#define STOPSIM_ASM_ARM64_H
#include <stopsim/prelude.h>
static inline void local_daif_mask(void) { stopsim_k->local_daif_mask(); }
static inline void __noreturn cpu_park_loop(void) { stopsim_k->cpu_park_loop(); }
static inline bool system_uses_irq_prio_masking(void) { return stopsim_k->system_uses_irq_prio_masking(); }
static inline int sdei_mask_local_cpu(void) { return stopsim_k->sdei_mask_local_cpu(); }
static inline int sdei_unmask_local_cpu(void) { return stopsim_k->sdei_unmask_local_cpu(); }
static inline void sdei_handler_abort(void) { stopsim_k->sdei_handler_abort(); }
/*
 * The SDEI client API of include/linux/arm_sdei.h, over the EL3 model. sdei_event_register()
 * registers the event for the calling CPU (what the driver's cross-call does on each CPU of a
 * private event) and remembers the callback; call it from every CPU (a cpu-up hook).
 */
typedef int(sdei_event_callback)(u32 event, struct pt_regs *regs, void *arg);
#define SDEI_EV_HANDLED 0
#define SDEI_EV_FAILED 1
static inline int sdei_event_register(u32 event_num, sdei_event_callback *cb, void *arg)
{
	return stopsim_k->sdei_event_register(event_num, cb, arg);
}
static inline int sdei_event_enable(u32 event_num) { return stopsim_k->sdei_event_enable(event_num); }
static inline int sdei_event_disable(u32 event_num) { return stopsim_k->sdei_event_disable(event_num); }
/* SDEI_EVENT_SIGNAL: the call the cross-CPU NMI series makes (the PE by its MPIDR) */
static inline int sdei_event_signal(u32 event_num, u64 target_pe) { return stopsim_k->sdei_event_signal(event_num, target_pe); }
static inline bool sdei_is_present(void) { return stopsim_k->sdei_is_present(); }
static inline u64 cpu_logical_map(unsigned int cpu) { return stopsim_k->cpu_logical_map(cpu); }

/* struct cpu_operations: only the member the stop code calls. PSCI provides it when present. */
struct cpu_operations {
	const char *name;
	void (*cpu_die)(unsigned int cpu);
};
static const struct cpu_operations stopsim_psci_ops = {"psci", 0};
static struct cpu_operations stopsim_cpu_ops;
static inline const struct cpu_operations *get_cpu_ops(int cpu)
{
	if (!stopsim_k->cpu_die_present((unsigned)cpu))
		return NULL;
	stopsim_cpu_ops = stopsim_psci_ops;
	stopsim_cpu_ops.cpu_die = stopsim_k->cpu_die;
	return &stopsim_cpu_ops;
}
#endif
