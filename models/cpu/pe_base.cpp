// SPDX-License-Identifier: Apache-2.0
#include "models/cpu/pe_base.hpp"
#include "models/common/diag.hpp"
#include "models/common/error.hpp"

namespace stopsim::cpu {

PeBase::PeBase(sc_core::sc_module_name name, unsigned id, const PeParams& params)
	: sc_core::sc_module(name), m_id(id), m_params(params), m_clk(params.clock_hz)
{
	SC_THREAD(run);
	/* Software frames are shallow (a few exception levels of kernel logic): keep 4096 PEs cheap. */
	set_stack_size(params.stack_bytes);
}

void PeBase::run()
{
	if (m_software)
		m_software();
	// Software that returns leaves the PE idle for good.
	for (;;)
		sc_core::wait(m_wake);
}

void PeBase::advance(uint64_t n)
{
	if (n)
		sc_core::wait(ps_time(m_clk.cycles(n)));
}

void PeBase::boundary()
{
	while (exception_ready()) {
		STOPSIM_ASSERT(m_depth < m_params.max_nesting, name() + std::string(": exception nesting too deep"));
		++m_depth;
		take_exception();
		--m_depth;
		state_changed();
	}
}

void PeBase::sleep_until(Ps deadline, const sc_core::sc_event* extra)
{
	const Ps now = now_ps();
	if (deadline != kForever && deadline <= now)
		return;
	if (deadline == kForever) {
		if (extra)
			sc_core::wait(m_wake | *extra);
		else
			sc_core::wait(m_wake);
		return;
	}
	const sc_core::sc_time span = ps_time(deadline - now);
	if (extra)
		sc_core::wait(span, m_wake | *extra);
	else
		sc_core::wait(span, m_wake);
}

void PeBase::wfi(Ps deadline, const sc_core::sc_event* extra)
{
	if (line_asserted())
		return;
	STOPSIM_DIAG(trace, m_id, "pe", "WFI: sleeping until an interrupt line changes");
	sleep_until(deadline, extra);
	if (line_asserted()) {
		STOPSIM_DIAG(trace, m_id, "pe", "WFI: woken by an interrupt line");
		advance(m_params.wfi_wake_cycles);
	}
}

} // namespace stopsim::cpu
