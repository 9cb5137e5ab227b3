// SPDX-License-Identifier: Apache-2.0
#include "models/common/fault_plan.hpp"
#include "models/common/event_queue.hpp"

#include <algorithm>

namespace stopsim {

Ps add_delay(Ps a, Ps b)
{
	// Saturate: a delay that long lands past any run's end (limits.max_sim_ms is at most an hour)
	// all the same, and the models add it to the present time without wrapping.
	return a > kMaxFaultDelay - std::min(b, kMaxFaultDelay) ? kMaxFaultDelay : a + b;
}

void FaultPlan::add(PlannedFault f)
{
	m_faults.push_back(std::move(f));
	m_fired.push_back(0);
}

FaultAction FaultPlan::consult(FaultPoint point, unsigned source, unsigned target, unsigned hw_id, Ps now)
{
	FaultAction act;
	for (size_t i = 0; i < m_faults.size(); i++) {
		const PlannedFault& f = m_faults[i];
		if (f.point != point || f.target != target || (f.hw_id && *f.hw_id != hw_id))
			continue;
		if (f.source && *f.source != source)
			continue;
		if (now < f.from || (f.until && now > *f.until))
			continue;
		if (f.count && m_fired[i] >= f.count)
			continue;
		m_fired[i]++;
		switch (f.action) {
		case PlannedFault::Action::drop:
			act.drop = true;
			break;
		case PlannedFault::Action::delay:
			act.extra_delay = add_delay(act.extra_delay, f.delay);
			break;
		case PlannedFault::Action::redirect:
			if (!act.redirect_to)
				act.redirect_to = f.redirect_to;
			break;
		}
		if (m_observer)
			m_observer(target, "FAULT: " + f.what + " from CPU " + std::to_string(source) + " to CPU " +
						   std::to_string(target) + f.tail);
		if (act.drop)
			break;
	}
	return act;
}

FaultAction FaultPlan::at(FaultPoint point, unsigned source, unsigned target, unsigned id)
{
	return consult(point, source, target, id, now_ps());
}

} // namespace stopsim
