/* SPDX-License-Identifier: Apache-2.0 */
/*
 * stopsim kernel shim, RISC-V: what arch/riscv/kernel/smp.c reaches outside the functions the
 * manifest takes: WFI, the SSIP CSR, the IPI injection of the irqchip (riscv_ipi_ops before
 * 6.4; __ipi_send_mask() of the ipi-mux after), cpu_ops with its SBI HSM stop, the SBI ECALL and
 * the SSE client API (sse_event_register() and friends, for trees that carry the SSE NMI
 * driver). Written by stopsim from the documented kernel and SBI interfaces; each call reaches
 * the RISC-V models through the kl::riscv::RiscvShim accesses the transcribed eras make
 * (source-mode/src/riscv/variant.cpp).
 */
#ifndef STOPSIM_ASM_RISCV_H
#define STOPSIM_ASM_RISCV_H
#include <stopsim/prelude.h>
#include <stopsim/kops_riscv.h>
#include <linux/version.h>

/* The RISC-V table the runtime fills in after loading this object. */
STOPSIM_EXPORT const struct stopsim_riscv_kops *stopsim_krv;

#ifndef EXPORT_SYMBOL
#define EXPORT_SYMBOL(sym) extern int stopsim_exported_##sym __attribute__((unused))
#endif
#ifndef EXPORT_SYMBOL_GPL
#define EXPORT_SYMBOL_GPL(sym) extern int stopsim_exported_##sym __attribute__((unused))
#endif
#define ____cacheline_aligned
#ifndef ENOENT
#define ENOENT 2
#endif
#define INVALID_HARTID ULONG_MAX
#ifndef ULONG_MAX
#define ULONG_MAX (~0UL)
#endif
typedef unsigned long long phys_addr_t;

/*
 * num_online_cpus(): the wait loop after a RISC-V stop IPI tests num_online_cpus() > 1, so that
 * is what a read of the counter concludes for the rung record (the common header's reading is
 * num_other_online_cpus()'s, arm64's loop).
 */
static inline unsigned int stopsim_rv_num_online_cpus(void)
{
	unsigned int n = *stopsim_fast->num_online;
	stopsim_poll_read(n > 1);
	return n;
}
#define num_online_cpus() stopsim_rv_num_online_cpus()

/* ---- the hart ---- */
static inline void wait_for_interrupt(void) { stopsim_krv->wait_for_interrupt(); }
#define CSR_IP 0x144
#define CSR_IE 0x104
#define IE_SIE (1UL << 1)
#define csr_clear(csr, val) stopsim_krv->csr_clear((unsigned long)(csr), (unsigned long)(val))
#define xchg(ptr, v) stopsim_krv->xchg_ulong((unsigned long *)(ptr), (unsigned long)(v))
#define cpuid_to_hartid_map(cpu) (stopsim_krv->cpuid_to_hartid((unsigned)(cpu)))

/* A mask of one CPU, as cpumask_of() gives (read at once by the callers of the stop code). */
static struct cpumask stopsim_one_cpu_mask;
static inline const struct cpumask *cpumask_of(unsigned int cpu)
{
	cpumask_clear(&stopsim_one_cpu_mask);
	cpumask_set_cpu(cpu, &stopsim_one_cpu_mask);
	return &stopsim_one_cpu_mask;
}

/* ---- cpu_ops: the SBI HSM operations (the stop is all the stop code uses) ---- */
struct cpu_operations {
	const char *name;
	void (*cpu_stop)(void);
};
static inline void stopsim_sbi_cpu_stop(void) { stopsim_krv->cpu_stop(); }
static const struct cpu_operations stopsim_cpu_ops_sbi __attribute__((unused)) = {"sbi", stopsim_sbi_cpu_stop};
static inline bool cpu_has_hotplug(unsigned int cpu) { return stopsim_krv->cpu_has_hotplug(cpu) != 0; }
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 8, 0)
/* one set of CPU operations for every CPU (6.8 on) */
static const struct cpu_operations *cpu_ops __attribute__((unused)) = &stopsim_cpu_ops_sbi;
#else
/* per CPU, all the same (before 6.8) */
static const struct cpu_operations *cpu_ops[NR_CPUS] __attribute__((unused)) = {
	[0 ... NR_CPUS - 1] = &stopsim_cpu_ops_sbi};
#endif

/* ---- the IPI path before the ipi-mux (before 6.4): riscv_ipi_ops and handle_IPI(regs) ---- */
struct riscv_ipi_ops {
	void (*ipi_inject)(const struct cpumask *target);
	void (*ipi_clear)(void);
};
static inline void stopsim_ipi_inject(const struct cpumask *target) { stopsim_krv->ipi_inject(target); }
/* What the SBI (or ACLINT) irqchip driver registers with riscv_set_ipi_ops(); the runtime passes it. */
STOPSIM_EXPORT const struct riscv_ipi_ops stopsim_riscv_ipi_ops = {stopsim_ipi_inject, 0};
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 4, 0)
/* The irqchip calls it directly: visible to the runtime. */
void handle_IPI(struct pt_regs *regs) __attribute__((visibility("default")));
#endif
/* the per-CPU dev_id cookie of the IPI request */
static int ipi_dummy_dev __attribute__((unused));

/* ---- the SBI ---- */
struct sbiret {
	long error;
	long value;
};
#define SBI_SUCCESS 0
#define SBI_ERR_FAILURE -1
#define SBI_ERR_NOT_SUPPORTED -2
#define SBI_ERR_INVALID_PARAM -3
#define SBI_ERR_DENIED -4
#define SBI_ERR_INVALID_ADDRESS -5
#define SBI_ERR_ALREADY_AVAILABLE -6
#define SBI_EXT_IPI 0x735049
#define SBI_EXT_HSM 0x48534d
#define SBI_EXT_SSE 0x535345
#define SBI_SSE_EVENT_ATTR_READ 0
#define SBI_SSE_EVENT_ATTR_WRITE 1
#define SBI_SSE_EVENT_REGISTER 2
#define SBI_SSE_EVENT_UNREGISTER 3
#define SBI_SSE_EVENT_ENABLE 4
#define SBI_SSE_EVENT_DISABLE 5
#define SBI_SSE_EVENT_COMPLETE 6
#define SBI_SSE_EVENT_INJECT 7
#define SBI_SSE_HART_UNMASK 8
#define SBI_SSE_HART_MASK 9
#define SBI_SSE_EVENT_LOCAL_SOFTWARE_INJECTED 0xffff0000u
static inline struct sbiret sbi_ecall(int ext, int fid, unsigned long arg0, unsigned long arg1, unsigned long arg2,
				      unsigned long arg3, unsigned long arg4, unsigned long arg5)
{
	struct sbiret r;
	(void)arg3;
	(void)arg4;
	(void)arg5;
	r.value = 0;
	r.error = stopsim_krv->sbi_ecall(ext, fid, arg0, arg1, arg2, &r.value);
	return r;
}
/* The Linux errno of an SBI error. */
static inline int sbi_err_map_linux_errno(int err)
{
	switch (err) {
	case SBI_SUCCESS:
		return 0;
	case SBI_ERR_DENIED:
		return -1;
	case SBI_ERR_INVALID_PARAM:
	case SBI_ERR_INVALID_ADDRESS:
		return -EINVAL;
	case SBI_ERR_NOT_SUPPORTED:
		return -EOPNOTSUPP;
	case SBI_ERR_ALREADY_AVAILABLE:
		return -17;
	default:
		return -EOPNOTSUPP;
	}
}

/* ---- the SSE client API (drivers/firmware/riscv/riscv_sse.c of the SSE series) ---- */
typedef int(sse_event_handler)(u32 event_num, void *arg, struct pt_regs *regs);
/* A registered event: its number is all the shim needs (per-hart state lives in the firmware). */
struct sse_event {
	u32 evt;
};
#define MAX_ERRNO 4095
#define IS_ERR_VALUE(x) ((unsigned long)(void *)(x) >= (unsigned long)-MAX_ERRNO)
static inline void *ERR_PTR(long error) { return (void *)error; }
static inline long PTR_ERR(const void *ptr) { return (long)ptr; }
static inline bool IS_ERR(const void *ptr) { return IS_ERR_VALUE((unsigned long)ptr); }
static inline bool IS_ERR_OR_NULL(const void *ptr) { return !ptr || IS_ERR(ptr); }
#define STOPSIM_SSE_MAX 8
static struct sse_event stopsim_sse_events[STOPSIM_SSE_MAX];
/*
 * sse_event_register(): the event and its handler on THIS hart (the SSE core of the series
 * reaches every hart of a local event with on_each_cpu(); a driver under stopsim calls it from
 * its CPU-online callback on each hart instead, as the transcribed eras do).
 */
static inline struct sse_event *sse_event_register(u32 event_num, u32 priority, sse_event_handler *handler, void *arg)
{
	int slot = stopsim_krv->sse_register(event_num, priority, handler, arg);
	if (slot < 0)
		return (struct sse_event *)ERR_PTR(slot);
	if (slot >= STOPSIM_SSE_MAX)
		return (struct sse_event *)ERR_PTR(-EINVAL);
	stopsim_sse_events[slot].evt = event_num;
	return &stopsim_sse_events[slot];
}
static inline int sse_event_enable(struct sse_event *sse_evt) { return stopsim_krv->sse_enable(sse_evt->evt); }
static inline void sse_event_disable(struct sse_event *sse_evt) { stopsim_krv->sse_disable(sse_evt->evt); }
static inline void sse_event_unregister(struct sse_event *evt) { stopsim_krv->sse_unregister(evt->evt); }
#endif
