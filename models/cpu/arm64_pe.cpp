// SPDX-License-Identifier: Apache-2.0
#include "models/cpu/arm64_pe.hpp"
#include "models/common/diag.hpp"
#include "models/common/error.hpp"

namespace stopsim::cpu {

Arm64Pe::Arm64Pe(sc_core::sc_module_name name, unsigned id, const Arm64PeParams& params, gic::GicV3& gic)
	: PeBase(name, id, params), bus("bus"), m_params(params), m_gic(gic)
{
	gic.bind_pe(id, this);
	bus.bind(gic.in);
}

void Arm64Pe::write_daif(uint32_t v)
{
	v &= DAIF_ALL;
	if (v == m_core.daif)
		return;
	m_core.daif = v;
	if (m_daif_observer)
		m_daif_observer(v);
	state_changed();
}

void Arm64Pe::set_el(unsigned el)
{
	m_core.el = el;
	m_gic.update(id());
	state_changed();
}

void Arm64Pe::gic_lines(const gic::CpuIfLines& lines)
{
	const bool irq_rose = lines.irq && !m_core.irq_line, fiq_rose = lines.fiq && !m_core.fiq_line;
	m_core.irq_line = lines.irq;
	m_core.fiq_line = lines.fiq;
	if (irq_rose)
		STOPSIM_DIAG(debug, id(), "pe", std::string("IRQ line asserted") +
						   (m_core.irq_takeable() ? "" : ", masked (DAIF.I set or EL above the target)"));
	if (fiq_rose)
		STOPSIM_DIAG(debug, id(), "pe", std::string("FIQ line asserted") + (m_core.fiq_takeable() ? "" : ", masked"));
	lines_changed();
}

gic::PeSecurity Arm64Pe::gic_pe_security() const
{
	return gic::PeSecurity{m_core.el == 3, false};
}

void Arm64Pe::take_exception()
{
	const Arm64Exception which = m_core.pending();
	if (which == Arm64Exception::kNone)
		return;
	STOPSIM_ASSERT(m_vector, name() + std::string(": exception taken with no vector installed"));
	advance(pe_params().take_cycles + pe_params().entry_cycles);
	STOPSIM_DIAG(debug, id(), "pe", std::string(which == Arm64Exception::kIrq ? "IRQ" : "FIQ") + " taken to EL" +
						 std::to_string(which == Arm64Exception::kIrq ? m_core.irq_target_el() : m_core.fiq_target_el()) +
						 " from EL" + std::to_string(m_core.el));
	// Exception entry saves PSTATE in SPSR and sets D, A, I and F (Arm ARM D1.10); ERET restores.
	const uint32_t spsr_daif = m_core.daif;
	const unsigned spsr_el = m_core.el;
	write_daif(DAIF_ALL);
	m_vector(which);
	write_daif(spsr_daif);
	if (m_core.el != spsr_el)
		set_el(spsr_el);
}

} // namespace stopsim::cpu
