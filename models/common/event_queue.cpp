// SPDX-License-Identifier: Apache-2.0
#include "models/common/event_queue.hpp"
#include "models/common/diag.hpp"
#include "models/common/error.hpp"

namespace stopsim {

EventQueue::EventQueue(sc_core::sc_module_name name) : sc_core::sc_module(name)
{
	SC_METHOD(dispatch);
	sensitive << m_wake;
	dont_initialize();
}

void EventQueue::schedule_at(Ps at_ps, std::function<void()> fn)
{
	const Ps now = now_ps();
	STOPSIM_ASSERT(at_ps >= now, "event scheduled in the past");
	STOPSIM_DIAG(trace, -1, "queue", "callback #" + std::to_string(m_seq) + " due in " + std::to_string(at_ps - now) + " ps");
	m_queue.emplace(std::make_pair(at_ps, m_seq++), std::move(fn));
	const Ps first = m_queue.begin()->first.first;
	// Re-arm for the earliest entry; sc_event keeps the earlier of two notifications.
	m_wake.notify(ps_time(first - now));
}

void EventQueue::schedule_in(Ps delay_ps, std::function<void()> fn)
{
	schedule_at(now_ps() + delay_ps, std::move(fn));
}

void EventQueue::dispatch()
{
	const Ps now = now_ps();
	while (!m_queue.empty() && m_queue.begin()->first.first <= now) {
		auto node = m_queue.extract(m_queue.begin());
		++m_fired;
		STOPSIM_DIAG(trace, -1, "queue", "callback #" + std::to_string(node.key().second) + " runs");
		node.mapped()();
	}
	if (!m_queue.empty())
		m_wake.notify(ps_time(m_queue.begin()->first.first - now));
}

} // namespace stopsim
