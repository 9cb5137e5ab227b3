// SPDX-License-Identifier: Apache-2.0
// arm64 pieces shared by every era: the arm64 shim (system registers, SMC, MMIO), the GIC
// priority constants, and the helpers of arch/arm64/kernel/smp.c that no era changed.
#pragma once
#include "kl/shim.hpp"
#include "kl/variant.hpp"

#include <cstdint>

namespace kl::arm64 {

// PSTATE.DAIF bits as `mrs x, daif` returns them.
constexpr uint32_t PSR_F_BIT = 1u << 6;
constexpr uint32_t PSR_I_BIT = 1u << 7;
constexpr uint32_t PSR_A_BIT = 1u << 8;
constexpr uint32_t PSR_D_BIT = 1u << 9;
constexpr uint32_t DAIF_MASK = PSR_D_BIT | PSR_A_BIT | PSR_I_BIT | PSR_F_BIT;

/// Linux's GIC priority values (PMR view, lower = higher priority), for one era of the driver.
struct GicPrio {
	uint8_t irqon;      ///< GIC_PRIO_IRQON: IRQs and NMIs allowed
	uint8_t irqoff;     ///< GIC_PRIO_IRQOFF: written to PMR to mask IRQs (NMIs pass)
	uint8_t psr_i_set;  ///< GIC_PRIO_PSR_I_SET: "masked by PSTATE.I" flag
	uint8_t irq;        ///< priority of a normal IRQ at the GIC
	uint8_t nmi;        ///< priority of a pseudo-NMI (and the RPR value that marks one)
	uint8_t default_pmr;///< DEFAULT_PMR_VALUE
};
/// The 2024 unified values (include/linux/irqchip/arm-gic-v3-prio.h).
constexpr GicPrio kPrio2024{0xe0, 0xc0, 0x10, 0xc0, 0x80, 0xf0};
/// The values before 2024 (IRQOFF = 0xe0 & ~0x80, NMI = GICD_INT_DEF_PRI & ~0x80).
constexpr GicPrio kPrioPre2024{0xe0, 0x60, 0x10, 0xa0, 0x20, 0xf0};

// SMC Calling Convention results and the function IDs this layer issues (include/uapi/linux/arm_sdei.h).
constexpr long SMCCC_RET_NOT_SUPPORTED = -1;
constexpr uint32_t SDEI_1_0_FN_SDEI_VERSION = 0xC4000020;
constexpr uint32_t SDEI_1_0_FN_SDEI_EVENT_REGISTER = 0xC4000021;
constexpr uint32_t SDEI_1_0_FN_SDEI_EVENT_UNREGISTER = 0xC4000027;
constexpr uint32_t SDEI_1_0_FN_SDEI_EVENT_ENABLE = 0xC4000022;
constexpr uint32_t SDEI_1_0_FN_SDEI_EVENT_COMPLETE = 0xC4000025;
constexpr uint32_t SDEI_1_0_FN_SDEI_EVENT_COMPLETE_AND_RESUME = 0xC4000026;
constexpr uint32_t SDEI_1_0_FN_SDEI_PE_MASK = 0xC400002B;
constexpr uint32_t SDEI_1_0_FN_SDEI_PE_UNMASK = 0xC400002C;
constexpr uint32_t SDEI_1_0_FN_SDEI_EVENT_SIGNAL = 0xC400002F;
constexpr uint32_t PSCI_0_2_FN_CPU_OFF = 0x84000002;
constexpr int SDEI_EV_HANDLED = 0;
constexpr int SDEI_EV_FAILED = 1;
constexpr long kEIO = 5; ///< EIO
/// sdei_to_linux_errno(): SDEI error codes as Linux reports them.
long sdei_to_linux_errno(long sdei_err);

/// The arm64 side of the shim: what arch code reaches below C (system registers, SMC, MMIO).
class Arm64Shim : public Shim {
public:
	virtual uint32_t read_daif() = 0;
	virtual void write_daif(uint32_t daif) = 0;
	/// ICC_PMR_EL1 in the Non-secure view; the write includes pmr_sync() when required.
	virtual uint8_t read_pmr() = 0;
	virtual void write_pmr(uint8_t pmr) = 0;
	virtual uint8_t read_rpr() = 0;
	virtual unsigned read_iar1() = 0;
	virtual void write_eoir1(unsigned intid) = 0;
	virtual void write_dir(unsigned intid) = 0;
	virtual void write_sgi1r(uint64_t value) = 0;
	virtual void write_igrpen1(bool on) = 0;
	virtual void write_ctlr_eoimode(bool split) = 0;
	virtual void dsb_ishst() = 0;
	virtual void isb() = 0;
	virtual void mmio_write32(uint64_t addr, uint32_t v) = 0;
	virtual void mmio_write8(uint64_t addr, uint8_t v) = 0;
	virtual uint32_t mmio_read32(uint64_t addr) = 0;
	virtual uint64_t gicd_base() const = 0;
	virtual uint64_t gicr_base(unsigned cpu) const = 0;
	/// cpu_logical_map(): the MPIDR affinity of a logical CPU.
	virtual uint64_t cpu_logical_map(unsigned cpu) const = 0;
	/// An SMC to EL3 (SMCCC fast call). Returns x0.
	virtual long smc(uint32_t fid, uint64_t a1 = 0, uint64_t a2 = 0, uint64_t a3 = 0) = 0;
	/// WFE then WFI, taking whatever the masks let in (the body of cpu_park_loop()).
	virtual void wfe_wfi() = 0;
	/// This CPU is running an SDEI event handler (sdei_active_{normal,critical}_event).
	virtual bool in_sdei_handler() = 0;
	/// The SDEI driver probed firmware with SDEI (sdei_firmware_call is set; sdei_is_present()).
	virtual bool sdei_firmware_present() = 0;
	/// PSCI is there, so cpu_ops->cpu_die exists.
	virtual bool psci_present() = 0;
	/// The CPU reached its final resting place: for the report only.
	virtual void trace_parked() = 0;
};

Arm64Shim& arm64_shim(Shim& k);

/// The GIC priorities this kernel uses.
inline const GicPrio& gic_prio(Shim& k) { return k.config().prio_2024 ? kPrio2024 : kPrioPre2024; }
/// system_uses_irq_prio_masking()
inline bool system_uses_irq_prio_masking(Shim& k) { return k.config().pseudo_nmi; }

/// num_online_cpus() less this CPU if it is online (it may not be: it can panic while coming up).
unsigned num_other_online_cpus(Shim& k);
/// local_daif_mask(): D, A, I and F set; with priority masking, PMR records "masked by PSTATE.I".
void local_daif_mask(Arm64Shim& k);
/// cpu_park_loop(): WFE; WFI forever.
[[noreturn]] void cpu_park_loop(Arm64Shim& k);
/// sdei_mask_local_cpu(): SDEI_PE_MASK; an error other than -EIO is printed.
int sdei_mask_local_cpu(Arm64Shim& k);
/// sdei_handler_abort(): COMPLETE_AND_RESUME if this CPU is inside an SDEI handler.
void sdei_handler_abort(Arm64Shim& k);
/// The AGDI driver's probe (drivers/acpi/arm64/agdi.c), on this CPU: register and enable the
/// private SDEI event the ACPI AGDI table names. Its handler calls nmi_panic(): the engine runs a
/// trigger with `context: sdei` inside it. Returns 0 or the driver's errno.
int agdi_sdei_probe(Arm64Shim& k, unsigned event);
/// __cpu_try_die(): PSCI CPU_OFF if hotplug is built in. Returns only if that failed.
void cpu_try_die(Arm64Shim& k, unsigned cpu);
/// sdei_unmask_local_cpu(): SDEI_PE_UNMASK (the driver's CPU-up callback).
int sdei_unmask_local_cpu(Arm64Shim& k);
/// local_cpu_stop(): mark offline (the ack), mask everything, mask SDEI, park.
[[noreturn]] void local_cpu_stop(Arm64Shim& k, unsigned cpu);
/// "irq" or "pseudo_nmi": how an IPI of this era reaches its targets.
const char* ipi_rung_name(Shim& k, const class Arm64Variant& v, unsigned ipi);

/// The irqchip (drivers/irqchip/irq-gic-v3.c) pieces the stop path runs through.
void gic_dist_init(Arm64Shim& k);
void gic_cpu_init(Arm64Shim& k);
/// gic_ipi_send_mask(): one ICC_SGI1R_EL1 write per cluster, DSB ISHST before the first.
void gic_ipi_send_mask(Arm64Shim& k, const CpuMask& mask, unsigned sgi);

/// What every arm64 era provides beyond the generic interface.
class Arm64Variant : public StopVariant {
public:
	const char* arch() const override { return "arm64"; }
	/// ipi_should_be_nmi(): which of this era's IPIs are requested as pseudo-NMIs.
	virtual bool ipi_should_be_nmi(Shim& k, unsigned ipi) const = 0;
	/// How many SGIs this era requests (MAX_IPI or NR_IPI).
	virtual unsigned nr_ipi() const = 0;
	/// do_handle_IPI(): the receiving side.
	virtual void do_handle_IPI(Arm64Shim& k, unsigned ipinr, const Regs& regs) = 0;
	/// The client's SDEI event handler (__sdei_handler -> the registered callback). Returns
	/// SDEI_EV_HANDLED or SDEI_EV_FAILED; a stop never returns.
	virtual int sdei_event_handler(Arm64Shim& k, const Regs& regs);
	/// The SDEI driver's CPU-up callback unmasks the PE when firmware has SDEI.
	void cpu_up(Shim& k) override;
	/// smp_cross_call()
	void smp_cross_call(Arm64Shim& k, const CpuMask& target, unsigned ipinr) { gic_ipi_send_mask(k, target, ipinr); }
	/// ipi_setup(): enable this CPU's IPIs, as NMIs where ipi_should_be_nmi() says so.
	void ipi_setup(Arm64Shim& k);
	void machine_restart(Shim& k) override;
	/// arch/arm64 machine_crash_shutdown(): as the generic one, then "Starting crashdump kernel...".
	void machine_crash_shutdown(Shim& k, const Regs& regs) override;
	/// arch/arm64 machine_kexec(): a WARN when the crash stop failed, then "Bye!".
	[[noreturn]] void machine_kexec(Shim& k) override;
};

/// arch_trigger_cpumask_backtrace() over IPI_CPU_BACKTRACE (a pseudo-NMI where enabled, v6.7+).
void arm64_backtrace_ipi(Arm64Shim& k, Arm64Variant& v, const CpuMask& mask, int exclude_cpu, unsigned ipi);

/// el1_interrupt() -> gic_handle_irq(): the Linux side of a taken IRQ (or FIQ as NMI).
void el1_interrupt(Arm64Shim& k, Arm64Variant& v);

} // namespace kl::arm64
