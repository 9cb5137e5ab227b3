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
