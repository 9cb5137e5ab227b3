// SPDX-License-Identifier: Apache-2.0
#include "models/cpu/riscv_hart.hpp"
#include "models/common/diag.hpp"
#include "models/common/error.hpp"

namespace stopsim::cpu {

RiscvHart::RiscvHart(sc_core::sc_module_name name, unsigned id, const RiscvHartParams& params)
	: PeBase(name, id, params), bus("bus")
{
}

void RiscvHart::set_line(uint64_t bit, bool level)
{
	const uint64_t old = m_core.mip_hw;
	m_core.mip_hw = level ? (old | bit) : (old & ~bit);
	if (m_core.mip_hw != old) {
		STOPSIM_DIAG(trace, id(), "hart", "mip bit " + std::to_string(__builtin_ctzll(bit)) + (level ? " set" : " cleared"));
		changed();
	}
}

void RiscvHart::set_soft_pending(uint64_t bit, bool on)
{
	const uint64_t old = m_core.mip_sw;
	m_core.mip_sw = on ? (old | bit) : (old & ~bit);
	if (m_core.mip_sw != old) {
		STOPSIM_DIAG(trace, id(), "hart", "mip bit " + std::to_string(__builtin_ctzll(bit)) + (on ? " set" : " cleared"));
		changed();
	}
}

void RiscvHart::write_sie(bool on)
{
	if (m_core.mstatus_sie == on)
		return;
	m_core.mstatus_sie = on;
	if (m_sie_observer)
		m_sie_observer(on);
	state_changed();
}

void RiscvHart::write_mie_bits(uint64_t set, uint64_t clear)
{
	m_core.mie = (m_core.mie | set) & ~clear;
	changed();
}

void RiscvHart::set_priv(Priv p)
{
	if (p == m_core.priv)
		return;
	const Ps now = now_ps();
	if (m_core.priv == Priv::M)
		m_m_total += now - m_m_since;
	if (p == Priv::M)
		m_m_since = now;
	m_core.priv = p;
	state_changed();
}

Ps RiscvHart::m_mode_ps() const
{
	return m_m_total + (m_core.priv == Priv::M ? now_ps() - m_m_since : 0);
}

MTrapFrame RiscvHart::trap_to_m()
{
	MTrapFrame f{m_core.priv, m_core.mstatus_mie};
	m_core.mstatus_mpp = m_core.priv;
	m_core.mstatus_mpie = m_core.mstatus_mie;
	m_core.mstatus_mie = false;
	set_priv(Priv::M);
	STOPSIM_DIAG(trace, id(), "hart", "trap to M-mode");
	return f;
}

void RiscvHart::mret(const MTrapFrame& f)
{
	m_core.mstatus_mie = f.mpie;
	m_core.mstatus_mpie = true;
	set_priv(f.from);
}

void RiscvHart::take_exception()
{
	const RiscvIrq which = m_core.pending();
	if (which == RiscvIrq::kNone)
		return;
	advance(pe_params().take_cycles + pe_params().entry_cycles);
	static const char* const names[] = {"none", "MEI", "MSI", "MTI", "SEI", "SSI", "STI"};
	STOPSIM_DIAG(debug, id(), "hart", std::string(names[int(which)]) + " taken to " + (is_m_level(which) ? "M" : "S") + "-mode");
	if (is_m_level(which)) {
		STOPSIM_ASSERT(m_mvec, name() + std::string(": M-level interrupt with no M-mode firmware"));
		const MTrapFrame f = trap_to_m();
		m_mvec(which);
		mret(f);
		return;
	}
	STOPSIM_ASSERT(m_svec, name() + std::string(": S-level interrupt with no stvec installed"));
	/* Trap to S: SPP/SPIE saved, SIE cleared (Privileged ISA 4.1.1); sret restores. */
	const Priv from = m_core.priv;
	const bool spie = m_core.mstatus_sie;
	m_core.mstatus_spp = from;
	m_core.mstatus_spie = spie;
	write_sie(false);
	set_priv(Priv::S);
	m_svec(which);
	write_sie(spie);
	set_priv(from);
}

} // namespace stopsim::cpu
