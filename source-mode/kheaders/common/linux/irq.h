/* SPDX-License-Identifier: Apache-2.0 */
/*
 * stopsim kernel shim: the generic IRQ layer as far as IPIs go (per-CPU IRQs and NMIs, their
 * descriptors, sending, the interrupted registers), the NMI backtrace and the crash save.
 */
#ifndef STOPSIM_LINUX_IRQ_H
#define STOPSIM_LINUX_IRQ_H
#include <linux/cpumask.h>
typedef int irqreturn_t;
#define IRQ_NONE 0
#define IRQ_HANDLED 1
typedef irqreturn_t (*irq_handler_t)(int, void *);
struct irq_desc {
	unsigned int irq;
};
struct pt_regs;
#define STOPSIM_MAX_IRQ 64
static struct irq_desc stopsim_irq_descs[STOPSIM_MAX_IRQ];
static inline struct irq_desc *irq_to_desc(unsigned int irq)
{
	if (irq >= STOPSIM_MAX_IRQ)
		return NULL;
	stopsim_irq_descs[irq].irq = irq;
	return &stopsim_irq_descs[irq];
}
#define IRQ_HIDDEN (1u << 20)
static inline void irq_set_status_flags(unsigned int irq, unsigned long set) { (void)irq; (void)set; }
/* the per-CPU statistics the IPI code passes as dev_id (a cookie here) */
static int irq_stat __attribute__((unused));
static inline int request_percpu_irq(unsigned int irq, irq_handler_t h, const char *name, void *dev)
{
	(void)name; (void)dev;
	return stopsim_k->request_percpu_irq(irq, h, 0);
}
static inline int request_percpu_nmi(unsigned int irq, irq_handler_t h, const char *name, void *dev)
{
	(void)name; (void)dev;
	return stopsim_k->request_percpu_irq(irq, h, 1);
}
static inline int prepare_percpu_nmi(unsigned int irq) { (void)irq; return 0; }
static inline void teardown_percpu_nmi(unsigned int irq) { (void)irq; }
static inline void enable_percpu_irq(unsigned int irq, unsigned int type) { (void)type; stopsim_k->enable_percpu(irq, 0); }
static inline void enable_percpu_nmi(unsigned int irq, unsigned int type) { (void)type; stopsim_k->enable_percpu(irq, 1); }
static inline void disable_percpu_irq(unsigned int irq) { (void)irq; }
static inline void disable_percpu_nmi(unsigned int irq) { (void)irq; }
static inline void __ipi_send_mask(struct irq_desc *desc, const struct cpumask *dest)
{
	stopsim_k->ipi_send_mask(desc ? desc->irq : ~0u, dest);
}
static inline void __ipi_send_single(struct irq_desc *desc, unsigned int cpu)
{
	struct cpumask m;
	cpumask_clear(&m);
	cpumask_set_cpu(cpu, &m);
	__ipi_send_mask(desc, &m);
}
static inline struct pt_regs *get_irq_regs(void) { return stopsim_k->get_irq_regs(); }
static inline bool nmi_cpu_backtrace(struct pt_regs *regs) { return stopsim_k->nmi_cpu_backtrace(regs); }
static inline void nmi_trigger_cpumask_backtrace(const struct cpumask *mask, int exclude_cpu,
						 void (*raise)(struct cpumask *mask))
{
	stopsim_k->nmi_trigger_cpumask_backtrace(mask, exclude_cpu, raise);
}
static inline void crash_save_cpu(struct pt_regs *regs, int cpu) { stopsim_k->crash_save_cpu(regs, cpu); }
static inline void local_irq_disable(void) { stopsim_k->local_irq_disable(); }
static inline void local_irq_enable(void) { stopsim_k->local_irq_enable(); }
#endif
