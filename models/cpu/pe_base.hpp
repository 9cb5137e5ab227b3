// SPDX-License-Identifier: Apache-2.0
// The PE framework every architecture extends: one SC_THREAD runs the PE's software, time moves
// in whole cycles of the PE's clock, and asynchronous exceptions are taken only at the boundaries
// between software steps, when the architecture's masks allow.
#pragma once
#include "models/common/clock.hpp"
#include "models/common/event_queue.hpp"
#include "models/cpu/pe_params.hpp"

#include <systemc>
#include <functional>
#include <limits>

namespace stopsim::cpu {

constexpr Ps kForever = std::numeric_limits<Ps>::max();


class PeBase : public sc_core::sc_module {
public:
	SC_HAS_PROCESS(PeBase);
	PeBase(sc_core::sc_module_name name, unsigned id, const PeParams& params);

	unsigned id() const { return m_id; }
	const Clock& clock() const { return m_clk; }
	const PeParams& pe_params() const { return m_params; }

	/// Observe changes of this PE's interrupt state: its lines, exception entry and return, and
	/// the masks its architecture reports (waveforms). The observer reads the state itself.
	void set_state_observer(std::function<void()> fn) { m_state_observer = std::move(fn); }

	/// The software this PE runs, started at time 0 in the PE's thread.
	void set_software(std::function<void()> main) { m_software = std::move(main); }

	// Primitives for the software on this PE (call only from its own thread).
	/// Spend `n` cycles, without an exception boundary.
	void advance(uint64_t n);
	/// Spend `n` cycles, then reach an instruction boundary.
	void step(uint64_t n) { advance(n); boundary(); }
	/// Take every pending exception that the masks let in (each may nest).
	void boundary();
	/// Sleep until `deadline` (absolute ps), a change of this PE's lines, or `extra`.
	void sleep_until(Ps deadline, const sc_core::sc_event* extra = nullptr);
	/// WFI: return at once if an interrupt is asserted (masked or not), else sleep until one is.
	void wfi(Ps deadline = kForever, const sc_core::sc_event* extra = nullptr);
	/// Nesting depth of exception handlers currently running on this PE.
	unsigned depth() const { return m_depth; }

	/// The architecture says whether an exception is asserted and unmasked right now.
	virtual bool exception_ready() const = 0;
	/// An interrupt line is asserted, masked or not (what wakes WFI).
	virtual bool line_asserted() const = 0;

protected:
	/// The architecture enters, runs and leaves one exception.
	virtual void take_exception() = 0;
	/// Lines changed: wake the software if it sleeps.
	void lines_changed()
	{
		m_wake.notify(sc_core::SC_ZERO_TIME);
		state_changed();
	}
	/// Interrupt state changed (a mask, a line, an exception entered or left).
	void state_changed()
	{
		if (m_state_observer)
			m_state_observer();
	}

private:
	void run();

	unsigned m_id;
	PeParams m_params;
	Clock m_clk;
	std::function<void()> m_software;
	std::function<void()> m_state_observer;
	sc_core::sc_event m_wake;
	unsigned m_depth = 0;
};

} // namespace stopsim::cpu
