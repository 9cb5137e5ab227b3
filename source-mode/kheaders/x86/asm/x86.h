/* SPDX-License-Identifier: Apache-2.0 */
/*
 * stopsim kernel shim, x86: what arch/x86/kernel/{smp,process,reboot,crash}.c reach outside the
 * functions the manifest takes: the local APIC and its IPIs, the NMI handler registry of nmi.c,
 * HLT/PAUSE/WBINVD, the machine-check and virtualization hooks, the shutdown hooks of the I/O
 * APIC, HPET and IOMMU (none of which the models have: they do nothing), smp_ops and the
 * cpumask operations on the stop mask. Written by stopsim from the documented kernel API; each
 * call reaches the x86 models through the same kl::x86::X86Shim accesses the transcribed eras
 * make (source-mode/src/x86/variant.cpp).
 */
#ifndef STOPSIM_ASM_X86_H
#define STOPSIM_ASM_X86_H
#include <stopsim/prelude.h>
#include <stopsim/kops_x86.h>

/* The x86 table the runtime fills in after loading this object. */
STOPSIM_EXPORT const struct stopsim_x86_kops *stopsim_kx;

#ifndef BIT
#define BIT(nr) (1UL << (nr))
#endif
#ifndef EXPORT_SYMBOL
#define EXPORT_SYMBOL(sym) extern int stopsim_exported_##sym __attribute__((unused))
#endif
#ifndef EXPORT_SYMBOL_GPL
#define EXPORT_SYMBOL_GPL(sym) extern int stopsim_exported_##sym __attribute__((unused))
#endif
#define ____cacheline_aligned
#define __rcu
#define this_cpu_ptr(p) (p)
#define safe_smp_processor_id() smp_processor_id()

/* ---- vectors (arch/x86/include/asm/irq_vectors.h values) ---- */
#define NMI_VECTOR 0x02
#define REBOOT_VECTOR 0xf8
#define CALL_FUNCTION_SINGLE_VECTOR 0xfb
#define CALL_FUNCTION_VECTOR 0xfc
#define RESCHEDULE_VECTOR 0xfd

/* ---- the local APIC ---- */
struct apic {
	void (*send_IPI)(int cpu, int vector);
	void (*send_IPI_allbutself)(int vector);
	void (*eoi)(void);
};
static inline void stopsim_apic_send_IPI(int cpu, int vector) { stopsim_kx->send_IPI((unsigned)cpu, (unsigned)vector); }
static inline void stopsim_apic_send_allbutself(int vector) { stopsim_kx->send_IPI_allbutself((unsigned)vector); }
static inline void stopsim_apic_eoi(void) { stopsim_kx->apic_eoi(); }
static struct apic stopsim_the_apic __attribute__((unused)) = {
	stopsim_apic_send_IPI, stopsim_apic_send_allbutself, stopsim_apic_eoi};
static struct apic *apic __attribute__((unused)) = &stopsim_the_apic;
static inline void __apic_send_IPI(int cpu, int vector) { stopsim_apic_send_IPI(cpu, vector); }
static inline void __apic_send_IPI_allbutself(unsigned int vector) { stopsim_apic_send_allbutself((int)vector); }
/* The shorthand when other CPUs are online; nothing to send otherwise. */
static inline void apic_send_IPI_allbutself(unsigned int vector)
{
	if (num_online_cpus() < 2)
		return;
	stopsim_apic_send_allbutself((int)vector);
}
static inline void ack_APIC_irq(void) { stopsim_kx->apic_eoi(); }
static inline void apic_eoi(void) { stopsim_kx->apic_eoi(); }
static inline void disable_local_APIC(void) { stopsim_kx->disable_local_APIC(); }
/* The stop paths disable the APIC themselves: the shutdown hooks after them have nothing left. */
static inline void lapic_shutdown(void) {}
static inline void restore_boot_irq_mode(void) {}
static inline void clear_IO_APIC(void) {}
static inline void ioapic_zap_locks(void) {}
static inline void hpet_disable(void) {}

/* ---- the CPU ---- */
static inline void native_halt(void) { stopsim_kx->native_halt(); }
static inline void halt(void) { stopsim_kx->native_halt(); }
static inline void native_wbinvd(void) { stopsim_kx->native_wbinvd(); }
static inline void wbinvd(void) { stopsim_kx->native_wbinvd(); }
static inline void cpu_relax(void) { stopsim_kx->cpu_relax(); }
/*
 * local_irq_save() clears IF; EFLAGS is not visible through the shim, so the saved flags say
 * "was clear", which is true on every path that gets here (panic() and native_machine_shutdown()
 * disable interrupts first): local_irq_restore() leaves them off.
 */
#define local_irq_save(flags) do { (flags) = 0; stopsim_kx->local_irq_save(); } while (0)
#define local_irq_restore(flags) do { (void)(flags); } while (0)
#define lockdep_assert_irqs_disabled() do { } while (0)

/* struct cpuinfo_x86: the fields the stop code reads. */
struct cpuinfo_x86 {
	unsigned int extended_cpuid_level;
};
static struct cpuinfo_x86 cpu_info __attribute__((unused)) = {0x80000021u};
static struct cpuinfo_x86 boot_cpu_data __attribute__((unused)) = {0x80000021u};
static inline unsigned int cpuid_eax(unsigned int op)
{
	if (op == 0x8000001fu)
		return stopsim_kx->cpu_has_sme() ? 1u : 0u;
	return 0;
}
static inline void mcheck_cpu_clear(struct cpuinfo_x86 *c) { (void)c; stopsim_kx->mcheck_cpu_clear(); }

/* ---- virtualization (the KVM side; the reboot.c side is compiled) ---- */
typedef void(cpu_emergency_virt_cb)(void);
#define rcu_read_lock() do { } while (0)
#define rcu_read_unlock() do { } while (0)
#define synchronize_rcu() do { } while (0)
#define rcu_dereference(p) READ_ONCE(p)
/*
 * The only test of the VMX-off callback the stop code makes is "did KVM register one" (the
 * restart path's, 6.6 on); the runtime registers it at boot so that every VMX-off does its modelled
 * work, and this test sees it only when the scenario has KVM loaded (kernel.kvm).
 */
#define rcu_access_pointer(p) (stopsim_kx->kvm_loaded() ? READ_ONCE(p) : (__typeof__(p))0)
#define rcu_assign_pointer(p, v) WRITE_ONCE(p, v)
/* A VMX CPU: the SVM hooks find no SVM; VMXOFF is the callback KVM registers (the runtime does). */
static inline int cpu_has_vmx(void) { return 1; }
static inline int cpu_has_svm(const char **msg) { (void)msg; return 0; }
static inline void cpu_emergency_svm_disable(void) {}
static inline void cpu_emergency_vmxoff(void) {}
static inline void cpu_emergency_stop_pt(void) {}
static inline void kdump_sev_callback(void) {}
void cpu_emergency_disable_virtualization(void);

/* ---- arch/x86/kernel/nmi.c ---- */
#define NMI_LOCAL 0
#define NMI_UNKNOWN 1
#define NMI_SERR 2
#define NMI_IO_CHECK 3
#define NMI_FLAG_FIRST 1
#define NMI_DONE 0
#define NMI_HANDLED 1
#define register_nmi_handler(t, fn, fg, n, ...) stopsim_kx->register_nmi_handler((t), (fn), (fg), (n))
#define unregister_nmi_handler(t, n) stopsim_kx->unregister_nmi_handler((t), (n))
#define set_emergency_nmi_handler(t, fn) stopsim_kx->set_emergency_nmi_handler((t), (fn))
static inline void clear_emergency_nmi_handler(unsigned int type) { (stopsim_kx->set_emergency_nmi_handler)(type, 0); }

/* ---- IDT entry points: the sysvec functions are exported for the runtime to call ---- */
#define DEFINE_IDTENTRY_SYSVEC(func) STOPSIM_EXPORT void func(struct pt_regs *regs)
#define DEFINE_IDTENTRY_SYSVEC_SIMPLE(func) STOPSIM_EXPORT void func(struct pt_regs *regs)
#define inc_irq_stat(member) do { } while (0)
#define trace_reschedule_entry(v) do { (void)(v); } while (0)
#define trace_reschedule_exit(v) do { (void)(v); } while (0)
#define trace_call_function_entry(v) do { (void)(v); } while (0)
#define trace_call_function_exit(v) do { (void)(v); } while (0)
#define trace_call_function_single_entry(v) do { (void)(v); } while (0)
#define trace_call_function_single_exit(v) do { (void)(v); } while (0)
static inline void generic_smp_call_function_single_interrupt(void)
{
	stopsim_k->unmodelled("generic_smp_call_function_single_interrupt");
}

/* ---- smp_ops, reboot and kexec state ---- */
struct smp_ops {
	void (*stop_other_cpus)(int wait);
	void (*crash_stop_other_cpus)(void);
	void (*stop_this_cpu)(void);
};
/* Filled in by the runtime with the compiled native_stop_other_cpus / kdump_nmi_shootdown_cpus. */
STOPSIM_EXPORT struct smp_ops smp_ops;
static inline void stop_other_cpus(void) { smp_ops.stop_other_cpus(1); }
static inline void smp_send_stop(void) { smp_ops.stop_other_cpus(0); }
#define reboot_force (stopsim_kx->reboot_force())
#define kexec_in_progress false
static inline void smp_kick_mwait_play_dead(void) {}
typedef void (*nmi_shootdown_cb)(int, struct pt_regs *);
void nmi_shootdown_cpus(nmi_shootdown_cb callback);
void run_crash_ipi_callback(struct pt_regs *regs);
void __noreturn stop_this_cpu(void *dummy);
/* reboot.c's crashing CPU; visible to the runtime, which filters the NMI it traces */
extern int crashing_cpu __attribute__((visibility("default")));
/* The ack mask of the v6.5+ stop (process.c); visible to the runtime for its rung records. */
extern struct cpumask cpus_stop_mask __attribute__((visibility("default")));
/* x86_platform: the shutdown hooks the models have nothing behind. */
static inline void stopsim_x86_nothing(void) {}
struct x86_guest_ops {
	void (*enc_kexec_begin)(void);
	void (*enc_kexec_finish)(void);
};
struct x86_platform_ops {
	void (*iommu_shutdown)(void);
	struct x86_guest_ops guest;
};
static struct x86_platform_ops x86_platform __attribute__((unused)) = {
	stopsim_x86_nothing, {stopsim_x86_nothing, stopsim_x86_nothing}};
static inline void tboot_shutdown(int type) { (void)type; }

/* ---- atomics the x86 code uses beyond the common set ---- */
static inline bool atomic_try_cmpxchg(atomic_t *v, int *old, int neu)
{
	const int seen = atomic_cmpxchg(v, *old, neu);
	if (seen == *old)
		return true;
	*old = seen;
	return false;
}

/*
 * Shared cpumasks: cpus_stop_mask is the stop's ack channel. Reading it in a loop condition is a
 * poll (its cost rule: docs/source-mode.md, "Timing"), and writes to it are atomic stores that
 * other CPUs' pollers see, as cpumask_clear_cpu()'s clear_bit() is on hardware.
 */
static inline bool stopsim_x86_cpumask_empty(const struct cpumask *m)
{
	const volatile unsigned long *b = m->bits;
	bool empty = true;
	for (unsigned int i = 0; i < STOPSIM_MASK_LONGS && empty; i++)
		empty = b[i] == 0;
	stopsim_poll_read(!empty);
	return empty;
}
#define cpumask_empty(m) stopsim_x86_cpumask_empty(m)
#define cpumask_copy(d, s) stopsim_kx->mask_copy((d), (s))
#define cpumask_clear(m) stopsim_kx->mask_clear(m)
#define cpumask_clear_cpu(cpu, m) stopsim_k->clear_bit((unsigned long)(cpu), cpumask_bits(m))
#define cpumask_set_cpu(cpu, m) stopsim_k->set_bit((unsigned long)(cpu), cpumask_bits(m))

/* WRITE_ONCE(): a plain store that reaches the other CPUs (the shim's plain_store). */
#undef WRITE_ONCE
#define WRITE_ONCE(x, v)                                                                              \
	do {                                                                                          \
		__typeof__(x) _stopsim_v = (v);                                                       \
		unsigned long long _stopsim_b = 0;                                                    \
		__builtin_memcpy(&_stopsim_b, &_stopsim_v, sizeof(_stopsim_v));                       \
		stopsim_kx->write_once((volatile void *)&(x), _stopsim_b, sizeof(x));                 \
	} while (0)
#endif
