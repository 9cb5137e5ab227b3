/* SPDX-License-Identifier: Apache-2.0 */
/*
 * stopsim source mode, RISC-V: the table of RISC-V kernel services the compiled stop code
 * reaches, beside the common one (stopsim/kops.h). The runtime (source-mode/src/riscv/variant.cpp)
 * fills it in after loading the object; every entry runs on the calling hart's
 * kl::riscv::RiscvShim. Written for stopsim; no kernel text.
 */
#ifndef STOPSIM_KOPS_RISCV_H
#define STOPSIM_KOPS_RISCV_H

#ifdef __cplusplus
extern "C" {
#endif

struct cpumask;
struct pt_regs;

/* int handler(u32 event, void *arg, struct pt_regs *regs): an SSE event handler */
typedef int (*stopsim_sse_handler_t)(unsigned int, void *, struct pt_regs *);

struct stopsim_riscv_kops {
	/* WFI: where a stopped hart rests */
	void (*wait_for_interrupt)(void);
	/* csr_clear(): only CSR_IP / SSIP is modelled */
	void (*csr_clear)(unsigned long csr, unsigned long bits);
	/* the pre-6.4 IPI path: riscv_ipi_ops.ipi_inject() of the probed irqchip */
	void (*ipi_inject)(const struct cpumask *mask);
	/* xchg() on a word of kernel memory */
	unsigned long (*xchg_ulong)(unsigned long *p, unsigned long v);
	/* cpu_ops->cpu_stop(): SBI HSM HART_STOP; and whether it exists (cpu_has_hotplug) */
	void (*cpu_stop)(void);
	int (*cpu_has_hotplug)(unsigned int cpu);
	unsigned long (*cpuid_to_hartid)(unsigned int cpu);
	/* ECALL (a0 .. a2 carried; the SBI calls of the stop paths use no more) */
	long (*sbi_ecall)(int ext, int fid, unsigned long a0, unsigned long a1, unsigned long a2, long *value);
	/* the SSE core: per-hart registration (this hart), enable, unregister, by event */
	int (*sse_register)(unsigned int event, unsigned int prio, stopsim_sse_handler_t fn, void *arg);
	int (*sse_enable)(unsigned int event);
	void (*sse_disable)(unsigned int event);
	void (*sse_unregister)(unsigned int event);
};

#ifdef __cplusplus
}
#endif
#endif
