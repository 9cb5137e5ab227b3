/* SPDX-License-Identifier: Apache-2.0 */
/*
 * stopsim source mode, x86: the table of x86 kernel services the compiled stop code reaches,
 * beside the common one (stopsim/kops.h). The runtime (source-mode/src/x86/variant.cpp) fills it
 * in after loading the object; every entry runs on the calling CPU's kl::x86::X86Shim. Written
 * for stopsim; no kernel text.
 */
#ifndef STOPSIM_KOPS_X86_H
#define STOPSIM_KOPS_X86_H

#ifdef __cplusplus
extern "C" {
#endif

struct cpumask;
struct pt_regs;

/* int handler(unsigned int type, struct pt_regs *regs): an NMI handler (NMI_HANDLED / NMI_DONE) */
typedef int (*stopsim_nmi_handler_t)(unsigned int, struct pt_regs *);

struct stopsim_x86_kops {
	/* local APIC: the ICR (shorthand all-but-self, or one destination), EOI, software disable */
	void (*send_IPI_allbutself)(unsigned int vector);
	void (*send_IPI)(unsigned int cpu, unsigned int vector);
	void (*apic_eoi)(void);
	void (*disable_local_APIC)(void);
	/* the CPU: HLT (the stopped CPU's resting place), WBINVD, PAUSE, CLI of local_irq_save() */
	void (*native_halt)(void);
	void (*native_wbinvd)(void);
	void (*cpu_relax)(void);
	void (*local_irq_save)(void);
	/* VMXOFF/SVM off on this CPU (the KVM callback of cpu_emergency_disable_virtualization) */
	void (*virt_off)(void);
	void (*mcheck_cpu_clear)(void);
	/* CPUID 0x8000001f EAX bit 0 (SME) */
	int (*cpu_has_sme)(void);
	/* the boot parameter reboot=force; whether KVM is loaded (kernel.kvm) */
	int (*reboot_force)(void);
	int (*kvm_loaded)(void);
	/* arch/x86/kernel/nmi.c: the NMI_LOCAL handler list and the emergency slot */
	int (*register_nmi_handler)(unsigned int type, stopsim_nmi_handler_t fn, unsigned long flags, const char *name);
	void (*unregister_nmi_handler)(unsigned int type, const char *name);
	void (*set_emergency_nmi_handler)(unsigned int type, stopsim_nmi_handler_t fn);
	/* shared cpumasks: atomic stores */
	void (*mask_copy)(struct cpumask *dst, const struct cpumask *src);
	void (*mask_clear)(struct cpumask *m);
	/* WRITE_ONCE() of 1, 2, 4 or 8 bytes: a plain store the other CPUs see */
	void (*write_once)(volatile void *p, unsigned long long v, unsigned int size);
};

#ifdef __cplusplus
}
#endif
#endif
