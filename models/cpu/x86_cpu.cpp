// SPDX-License-Identifier: Apache-2.0
#include "models/cpu/x86_cpu.hpp"
#include "models/common/diag.hpp"
#include "models/common/error.hpp"

namespace stopsim::cpu {

X86Cpu::X86Cpu(sc_core::sc_module_name name, unsigned id, const PeParams& params, lapic::ApicBus& apic)
	: PeBase(name, id, params), bus("bus"), m_apic(apic)
{
	apic.bind_cpu(id, this);
	bus.bind(apic.in);
}

void X86Cpu::apic_intr(bool asserted)
{
	if (asserted && !m_core.intr_line)
		STOPSIM_DIAG(debug, id(), "cpu", std::string("INTR asserted") + (m_core.if_flag ? "" : ", masked (IF=0)"));
	m_core.intr_line = asserted;
	lines_changed();
}

void X86Cpu::apic_nmi()
{
	STOPSIM_DIAG(debug, id(), "cpu", std::string("NMI latched") +
						  (m_core.nmi_pending ? " (one already waits: merged)" : "") +
						  (m_core.in_smm ? ", held in SMM" : m_core.nmi_blocked ? ", blocked until IRET" : ""));
	m_core.raise_nmi();
	lines_changed();
}

void X86Cpu::take_exception()
{
	const X86Exception which = m_core.pending();
	if (which == X86Exception::kNone)
		return;
	STOPSIM_ASSERT(m_vector, name() + std::string(": exception taken with no vector installed"));
	advance(pe_params().take_cycles + pe_params().entry_cycles);
	const bool saved_if = m_core.if_flag;
	unsigned vector = 2;
	if (which == X86Exception::kNmi) {
		m_core.take_nmi();
	} else {
		const int v = m_apic.inta(id());
		if (v < 0)
			return; // withdrawn meanwhile (the spurious case)
		vector = unsigned(v);
	}
	STOPSIM_DIAG(debug, id(), "cpu", which == X86Exception::kNmi ? std::string("NMI taken")
								      : "interrupt vector " + std::to_string(vector) + " taken");
	// An interrupt gate clears IF; IRET restores EFLAGS and unblocks NMIs.
	m_core.if_flag = false;
	state_changed();
	m_vector(which, vector);
	m_core.if_flag = saved_if;
	m_core.iret();
	state_changed();
}

} // namespace stopsim::cpu
