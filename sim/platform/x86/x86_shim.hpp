// SPDX-License-Identifier: Apache-2.0
// The x86 kernel shim on the x86 CPU and local APIC models.
#pragma once
#include "kl/x86/x86.hpp"
#include "models/cpu/x86_cpu.hpp"
#include "sim/platform/shim_common.hpp"

namespace stopsim {

class X86ShimImpl : public ShimBase<kl::x86::X86Shim> {
public:
	X86ShimImpl(Sim& sim, CpuRt& cpu, cpu::X86Cpu& x86);

	void local_irq_disable() override;
	void local_irq_enable() override;

	void send_IPI_allbutself(unsigned vector) override;
	void send_IPI(unsigned cpu, unsigned vector) override;
	void apic_eoi() override;
	void disable_local_APIC() override;
	void native_halt() override;
	void native_wbinvd() override;
	void cpu_emergency_disable_virtualization() override;
	void mcheck_cpu_clear() override;
	void trace_parked() override;

	/// APIC register access from this CPU (MMIO in xAPIC mode, MSR in x2APIC mode).
	void apic_write(uint32_t reg, uint32_t value);
	uint32_t apic_read(uint32_t reg);
	/// The exception vector the CPU calls.
	void vector(cpu::X86Exception which, unsigned vec);
	/// Enter NMI context as if an NMI had just been taken (for NMI-context triggers).
	kl::Regs enter_nmi_context();
	/// Enter an interrupt handler (interrupt gate: IF cleared) for an IRQ-context trigger.
	kl::Regs enter_irq_context();

protected:
	const char* nmi_name() const override { return "nmi"; }

private:
	void icr_write(uint64_t icr);
	uint32_t mmio(uint32_t reg, uint32_t v, bool write);

	cpu::X86Cpu& m_x86;
};

} // namespace stopsim
