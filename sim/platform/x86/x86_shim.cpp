// SPDX-License-Identifier: Apache-2.0
#include "sim/platform/x86/x86_shim.hpp"
#include "models/common/error.hpp"
#include "models/lapic/lapic_regs.hpp"

namespace stopsim {

using namespace kl::x86;

X86ShimImpl::X86ShimImpl(Sim& sim, CpuRt& cpu, cpu::X86Cpu& x86) : ShimBase(sim, cpu), m_x86(x86) {}

void X86ShimImpl::local_irq_disable()
{
	m_x86.set_if(false); /* cli */
	spend(m_sim.sc.lat.sysreg_cycles);
}

void X86ShimImpl::local_irq_enable()
{
	m_x86.set_if(true); /* sti */
	spend(m_sim.sc.lat.sysreg_cycles);
}

uint32_t X86ShimImpl::mmio(uint32_t reg, uint32_t v, bool write)
{
	lapic::ApicCpuExt ext;
	ext.cpu = m_cpu.id;
	return bus_access(m_x86.bus, lapic::APIC_DEFAULT_BASE + reg, v, 4, write, &ext);
}

void X86ShimImpl::apic_write(uint32_t reg, uint32_t value)
{
	if (m_x86.apic().params().x2apic) {
		m_x86.apic().msr_write(m_cpu.id, lapic::X2APIC_MSR_BASE + reg / 0x10, value);
		spend(m_sim.sc.lat.sysreg_cycles);
		return;
	}
	mmio(reg, value, true);
}

uint32_t X86ShimImpl::apic_read(uint32_t reg)
{
	if (m_x86.apic().params().x2apic) {
		const uint32_t v = uint32_t(m_x86.apic().msr_read(m_cpu.id, lapic::X2APIC_MSR_BASE + reg / 0x10));
		spend(m_sim.sc.lat.sysreg_cycles);
		return v;
	}
	return mmio(reg, 0, false);
}

void X86ShimImpl::icr_write(uint64_t icr)
{
	lapic::ApicBus& apic = m_x86.apic();
	if (apic.params().x2apic) {
		/* x2APIC: one MSR write is the send; there is no busy bit. */
		apic.msr_write(m_cpu.id, lapic::X2APIC_MSR_BASE + lapic::APIC_ICR / 0x10, icr);
		spend(m_sim.sc.lat.sysreg_cycles);
		return;
	}
	/* xAPIC: apic_wait_icr_idle(), then the high half, then the low half sends. */
	while (!m_untimed && (apic_read(lapic::APIC_ICR) & lapic::APIC_ICR_BUSY))
		spend(m_sim.sc.costs.check_cycles);
	mmio(lapic::APIC_ICR2, uint32_t(icr >> 32), true);
	mmio(lapic::APIC_ICR, uint32_t(icr), true);
}

void X86ShimImpl::send_IPI_allbutself(unsigned vector)
{
	const bool nmi = vector == NMI_VECTOR;
	icr_write(lapic::encode_icr(uint8_t(vector), nmi ? lapic::Delivery::nmi : lapic::Delivery::fixed,
				    lapic::Shorthand::all_but_self, 0, m_x86.apic().params().x2apic));
}

void X86ShimImpl::send_IPI(unsigned cpu, unsigned vector)
{
	const bool nmi = vector == NMI_VECTOR;
	icr_write(lapic::encode_icr(uint8_t(vector), nmi ? lapic::Delivery::nmi : lapic::Delivery::fixed,
				    lapic::Shorthand::none, cpu, m_x86.apic().params().x2apic));
}

void X86ShimImpl::apic_eoi()
{
	apic_write(lapic::APIC_EOI, 0);
}

void X86ShimImpl::disable_local_APIC()
{
	apic_write(lapic::APIC_SVR, apic_read(lapic::APIC_SVR) & ~lapic::APIC_SVR_ENABLE);
}

void X86ShimImpl::native_halt()
{
	/* HLT resumes on what it could take: NMI (if not blocked), INTR with IF=1. */
	if (!m_x86.exception_ready())
		m_pe.wfi();
	m_pe.boundary();
}

void X86ShimImpl::native_wbinvd()
{
	m_sim.set_activity(m_cpu, "WBINVD");
	spend(m_sim.sc.costs.wbinvd_cycles);
}

void X86ShimImpl::cpu_emergency_disable_virtualization()
{
	spend(m_sim.sc.costs.virt_disable_cycles);
}

void X86ShimImpl::mcheck_cpu_clear()
{
	spend(m_sim.sc.costs.store_cycles);
}

void X86ShimImpl::trace_parked()
{
	mark_stopped(CpuState::parked);
	m_sim.set_activity(m_cpu, "HLT loop");
}

kl::Regs X86ShimImpl::enter_nmi_context()
{
	m_x86.core().take_nmi(); /* NMIs now blocked: no IRET ever comes on a panic path */
	return push_frame(kl::Ctx::nmi, "NMI context entered");
}

kl::Regs X86ShimImpl::enter_irq_context()
{
	m_x86.set_if(false); /* the interrupt gate clears IF */
	spend(m_sim.sc.costs.irq_entry_cycles);
	return push_handler_frame(kl::Ctx::irq, "an interrupt handler");
}

void X86ShimImpl::vector(cpu::X86Exception which, unsigned vec)
{
	const bool nmi = which == cpu::X86Exception::kNmi;
	run_handler(nmi ? kl::Ctx::nmi : kl::Ctx::irq, nmi ? "NMI" : "interrupt " + std::to_string(vec),
		    [this, nmi, vec](const kl::Regs& regs) {
			    auto& v = static_cast<X86Variant&>(*m_sim.variant);
			    spend(m_sim.sc.costs.irq_entry_cycles);
			    if (nmi)
				    v.handle_nmi(*this, regs);
			    else
				    v.handle_interrupt(*this, vec, regs);
		    });
}

} // namespace stopsim
