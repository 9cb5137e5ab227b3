// SPDX-License-Identifier: Apache-2.0
// The RISC-V kernel shim on the RISC-V hart, the interrupt fabric (APLIC, ACLINT, IMSIC) and the
// M-mode SBI firmware models.
#pragma once
#include "kl/riscv/riscv.hpp"
#include "models/aplic/riscv_intc.hpp"
#include "models/cpu/riscv_hart.hpp"
#include "models/el3-firmware/sbi_firmware.hpp"
#include "sim/platform/shim_common.hpp"

namespace stopsim {

class FaultPlan;

/// What the shims of one platform share: the ipi-mux words and the fault hooks for IPIs.
struct RiscvShared {
	std::vector<unsigned long> ipi_mux_bits;   ///< per CPU (struct ipi_mux_cpu.bits)
	FaultPlan* faults = nullptr;
	/// Post IPI `ipi` to `cpu` later, from no hart (a delayed IPI).
	std::function<void(unsigned cpu, unsigned ipi, Ps delay)> late_post;
};

class RiscvShimImpl : public ShimBase<kl::riscv::RiscvShim> {
public:
	RiscvShimImpl(Sim& sim, CpuRt& cpu, cpu::RiscvHart& hart, aplic::RiscvIntc& intc, sbi::SbiFirmware& fw,
		      RiscvShared& shared);

	// kl::Shim
	void local_irq_disable() override;
	void local_irq_enable() override;
	/// Enter a supervisor interrupt handler (the trap clears sstatus.SIE) for an IRQ-context trigger.
	kl::Regs enter_irq_context();
	/// Enter the LOCAL_UNKNOWN_NMI handler, raised by the platform at this hart (an sse-context
	/// trigger); nothing if SBI does not inject it now.
	std::optional<kl::Regs> enter_sse_context();

	/// The mdelay(1) form takes interrupts as they arrive, not only at the condition checks (an
	/// SSE or IPI during a 10 s backtrace wait must not wait a millisecond); udelay(1) loops use
	/// the exact skip-ahead of ShimBase.
	bool spin_poll(const std::function<bool()>& pending, uint64_t budget, uint64_t unit_us) override;

	// kl::riscv::RiscvShim
	kl::riscv::sbiret sbi_ecall(int ext, int fid, unsigned long a0, unsigned long a1, unsigned long a2) override;
	unsigned long cpuid_to_hartid_map(unsigned cpu) const override { return cpu; }
	void csr_clear_sip_ssip() override;
	void wait_for_interrupt() override;
	kl::riscv::IpiBackend ipi_backend() const override;
	void aclint_sswi_write(unsigned long hartid) override;
	void imsic_ipi_write(unsigned long hartid) override;
	unsigned imsic_stopei_claim() override;
	unsigned aplic_claimi() override;
	void device_irq_handler(unsigned source) override;
	unsigned long& ipi_mux_bits(unsigned cpu) override { return m_shared.ipi_mux_bits.at(cpu); }
	bool ipi_fault_gate(unsigned cpu, unsigned ipi) override;
	bool cpu_has_hotplug(unsigned cpu) override;
	void trace_parked() override;

	/// The S-mode trap vector the hart calls: Linux's handle_riscv_irq.
	void vector(cpu::RiscvIrq which);
	/// The SBI injects an SSE event here: the SSE core's entry, the handler, then COMPLETE.
	void sse_entry(uint32_t event);
	/// HSM HART_STOP took the hart away.
	void hart_stopped();

protected:
	const char* nmi_name() const override { return "sse"; }

private:
	void csr() { spend(m_sim.sc.lat.sysreg_cycles); }
	uint32_t mmio(uint64_t addr, uint32_t v, bool write);

	cpu::RiscvHart& m_hart;
	aplic::RiscvIntc& m_intc;
	sbi::SbiFirmware& m_fw;
	RiscvShared& m_shared;
};

} // namespace stopsim
