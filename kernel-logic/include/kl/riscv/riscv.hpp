// SPDX-License-Identifier: Apache-2.0
// RISC-V pieces shared by every era: the RISC-V shim (SBI ecalls, CSRs, MMIO doorbells, WFI),
// the SBI constants the kernel uses, the ipi-mux that multiplexes Linux's IPIs over one
// supervisor software (or IMSIC) interrupt, and the S-mode interrupt entry.
#pragma once
#include "kl/shim.hpp"
#include "kl/variant.hpp"

#include <cstdint>

namespace kl::riscv {

// SBI (arch/riscv/include/asm/sbi.h spelling).
constexpr long SBI_SUCCESS = 0;
constexpr long SBI_ERR_NOT_SUPPORTED = -2;
constexpr int SBI_EXT_IPI = 0x735049;
constexpr int SBI_EXT_IPI_SEND_IPI = 0;
constexpr int SBI_EXT_HSM = 0x48534d;
constexpr int SBI_EXT_HSM_HART_STOP = 1;
constexpr int SBI_EXT_SSE = 0x535345;
constexpr int SBI_SSE_EVENT_REGISTER = 2;
constexpr int SBI_SSE_EVENT_UNREGISTER = 3;
constexpr int SBI_SSE_EVENT_ENABLE = 4;
constexpr int SBI_SSE_EVENT_COMPLETE = 6;
constexpr int SBI_SSE_EVENT_INJECT = 7;
constexpr int SBI_SSE_HART_UNMASK = 8;
constexpr int SBI_SSE_HART_MASK = 9;
constexpr uint32_t SBI_SSE_EVENT_LOCAL_SOFTWARE_INJECTED = 0xffff0000;
/// Non-standard IDs of the NMI series: the unknown-NMI event and v1's dedicated crash event.
constexpr uint32_t SBI_SSE_EVENT_LOCAL_UNKNOWN_NMI = 0xffff0001;
constexpr uint32_t SBI_SSE_EVENT_LOCAL_CRASH_NMI = 0xffff0002;
constexpr unsigned IMSIC_IPI_ID = 1;
/// sbi_err_map_linux_errno() of the errors these paths see.
long sbi_err_map_linux_errno(long err);

struct sbiret {
	long error = SBI_SUCCESS;
	long value = 0;
};

/// How this platform raises a supervisor IPI (the irqchip Linux probed).
enum class IpiBackend { sbi, sswi, imsic };

/// The S-mode causes the kernel's trap entry sees.
enum class IrqCause { ssi, sei, sti };

/// The RISC-V side of the shim: what arch code reaches below C.
class RiscvShim : public Shim {
public:
	/// ECALL to the SBI implementation (M-mode).
	virtual sbiret sbi_ecall(int ext, int fid, unsigned long a0 = 0, unsigned long a1 = 0, unsigned long a2 = 0) = 0;
	/// cpuid_to_hartid_map()
	virtual unsigned long cpuid_to_hartid_map(unsigned cpu) const = 0;
	/// csr_clear(CSR_IP, IE_SIE): clear SSIP.
	virtual void csr_clear_sip_ssip() = 0;
	/// wait_for_interrupt(): WFI, then take what the masks let in.
	virtual void wait_for_interrupt() = 0;
	virtual IpiBackend ipi_backend() const = 0;
	/// ACLINT SSWI: write 1 to the hart's SETSSIP.
	virtual void aclint_sswi_write(unsigned long hartid) = 0;
	/// IMSIC: write IMSIC_IPI_ID to the hart's S-level seteipnum_le.
	virtual void imsic_ipi_write(unsigned long hartid) = 0;
	/// csrrw stopei: claim the best pending IMSIC identity (0: none).
	virtual unsigned imsic_stopei_claim() = 0;
	/// Read this hart's APLIC IDC claimi (direct mode): {source << 16 | prio}, 0 when none.
	virtual unsigned aplic_claimi() = 0;
	/// The device driver's handler for an APLIC source (its cost comes from the scenario).
	virtual void device_irq_handler(unsigned source) = 0;
	/// The per-CPU pending word of the ipi-mux (struct ipi_mux_cpu.bits).
	virtual unsigned long& ipi_mux_bits(unsigned cpu) = 0;
	/// Fault point before an IPI is posted to `cpu`: false means the simulator took it over
	/// (dropped, or re-posted later). No effect on a clean run.
	virtual bool ipi_fault_gate(unsigned cpu, unsigned ipi) = 0;
	/// cpu_ops->cpu_stop exists (SBI HSM was found at boot).
	virtual bool cpu_has_hotplug(unsigned cpu) = 0;
	/// The CPU reached its final resting place: for the report only.
	virtual void trace_parked() = 0;
};

RiscvShim& riscv_shim(Shim& k);

/// num_online_cpus() less this CPU if it is online.
unsigned num_other_online_cpus(Shim& k);
/// while (1) wait_for_interrupt();
[[noreturn]] void cpu_park(RiscvShim& k);
/// sbi_hsm_hart_stop(): returns only on failure.
long sbi_hsm_hart_stop(RiscvShim& k);

class RiscvVariant;

/// send_ipi_mask() -> ipi_mux_send_mask(): set the type bit per CPU; a hardware IPI only where
/// that bit was clear.
void send_ipi_mask(RiscvShim& k, const CpuMask& mask, unsigned ipi);
/// ipi_mux_process(): take this CPU's pending bits and handle each IPI.
void ipi_mux_process(RiscvShim& k, RiscvVariant& v, const Regs& regs);
/// handle_riscv_irq(): the S-mode interrupt entry.
void handle_riscv_irq(RiscvShim& k, RiscvVariant& v, IrqCause cause, Regs regs);

/// What every RISC-V era provides beyond the generic interface.
class RiscvVariant : public StopVariant {
public:
	const char* arch() const override { return "riscv"; }
	/// handle_IPI(): the receiving side of one multiplexed IPI.
	virtual void handle_IPI(RiscvShim& k, unsigned ipi, const Regs& regs) = 0;
	/// An SSE event handler (the SSE core's dispatch). Returns 0 for COMPLETE; a stop never returns.
	virtual int sse_event_handler(RiscvShim& k, uint32_t event, const Regs& regs);
	/// The era registers LOCAL_UNKNOWN_NMI (where firmware has it), whose handler can nmi_panic().
	virtual bool has_unknown_nmi_event() const { return false; }
	/// arch/riscv machine_restart(): no stop of the other harts before the reset.
	void machine_restart(Shim& k) override;
	/// arch/riscv machine_crash_shutdown(): as the generic one, then "Starting crashdump kernel...".
	void machine_crash_shutdown(Shim& k, const Regs& regs) override;
	/// arch/riscv machine_kexec(): a WARN when the crash stop failed, then "Bye...".
	[[noreturn]] void machine_kexec(Shim& k) override;
};

} // namespace kl::riscv
