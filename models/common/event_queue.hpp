// SPDX-License-Identifier: Apache-2.0
// Timed callbacks in simulated time, run in (time, insertion order): deterministic ties.
#pragma once
#include "models/common/clock.hpp"

#include <systemc>
#include <functional>
#include <map>
#include <utility>

namespace stopsim {

class EventQueue : public sc_core::sc_module {
public:
	SC_HAS_PROCESS(EventQueue);
	explicit EventQueue(sc_core::sc_module_name name);

	/// Run `fn` at absolute simulated time `at_ps` (not before now).
	void schedule_at(Ps at_ps, std::function<void()> fn);
	/// Run `fn` `delay_ps` from now.
	void schedule_in(Ps delay_ps, std::function<void()> fn);
	uint64_t fired() const { return m_fired; }

private:
	void dispatch();

	std::map<std::pair<Ps, uint64_t>, std::function<void()>> m_queue;
	uint64_t m_seq = 0;
	uint64_t m_fired = 0;
	sc_core::sc_event m_wake;
};

/// Current simulated time in ps.
inline Ps now_ps() { return sc_core::sc_time_stamp().value(); }
inline sc_core::sc_time ps_time(Ps ps) { return sc_core::sc_time::from_value(ps); }

} // namespace stopsim
