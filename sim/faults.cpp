// SPDX-License-Identifier: Apache-2.0
#include "sim/faults.hpp"
#include "sim/units.hpp"

#include <algorithm>

namespace stopsim {

Ps add_delay(Ps a, Ps b)
{
	// Saturate: a delay that long lands past any run's end (limits.max_sim_ms is at most an hour)
	// all the same, and the models add it to the present time without wrapping.
	return a > kMaxFaultDelay - std::min(b, kMaxFaultDelay) ? kMaxFaultDelay : a + b;
}

FaultInjector::FaultInjector(Sim& sim) : m_sim(sim), m_fired(sim.sc.faults.size(), 0) {}

std::string FaultInjector::ipi_label(unsigned hw_id) const
{
	const auto names = m_sim.variant->ipi_names();
	for (unsigned i = 0; i < names.size(); i++)
		if (m_sim.variant->ipi_hw_id(i) == hw_id)
			return m_sim.sc.arch == "arm64" ? names[i] + " (SGI " + std::to_string(hw_id) + ")" : names[i];
	return "interrupt " + std::to_string(hw_id);
}

FaultAction FaultInjector::at(FaultPoint point, unsigned source, unsigned target, unsigned intid)
{
	FaultAction act;
	const Ps now = now_ps();
	// A matching drop wins: it alone fires, so no delay fault spends its count on a lost SGI.
	std::vector<size_t> order;
	for (size_t i = 0; i < m_sim.sc.faults.size(); i++)
		if (m_sim.sc.faults[i].kind == FaultSpec::Kind::drop_ipi)
			order.push_back(i);
	for (size_t i = 0; i < m_sim.sc.faults.size(); i++)
		if (m_sim.sc.faults[i].kind != FaultSpec::Kind::drop_ipi)
			order.push_back(i);
	for (size_t i : order) {
		const FaultSpec& f = m_sim.sc.faults[i];
		const bool dispatch_kind = f.kind == FaultSpec::Kind::drop_ipi || f.kind == FaultSpec::Kind::delay_ipi;
		const bool signal_kind = f.kind == FaultSpec::Kind::delay_irq;
		if ((point == FaultPoint::kSgiDispatch && !dispatch_kind) || (point == FaultPoint::kIrqSignal && !signal_kind))
			continue;
		if (f.cpu != target || m_sim.variant->ipi_hw_id(f.sgi) != intid)
			continue;
		if (f.from_cpu && *f.from_cpu != source)
			continue;
		if (now < f.from || (f.until && now > *f.until))
			continue;
		if (f.count && m_fired[i] >= f.count)
			continue;
		m_fired[i]++;
		std::string what;
		if (f.kind == FaultSpec::Kind::drop_ipi) {
			act.drop = true;
			what = "FAULT: dropped " + ipi_label(intid) + " from CPU " + std::to_string(source) + " to CPU " +
			       std::to_string(target);
		} else {
			act.extra_delay = add_delay(act.extra_delay, f.delay);
			what = std::string("FAULT: ") + (signal_kind ? "delayed signalling of " : "delayed ") + ipi_label(intid) +
			       " from CPU " + std::to_string(source) + " to CPU " + std::to_string(target) + " by " +
			       ps_to_us_string(f.delay) + " us";
		}
		m_sim.log(int(target), "fault", what);
		if (m_sim.collect_trace)
			m_sim.trace('i', int(target), what, "fault");
		if (act.drop)
			break;
	}
	return act;
}

void FaultInjector::schedule(std::function<void(unsigned cpu, unsigned sgi)> make_pending)
{
	for (const FaultSpec& f : m_sim.sc.faults) {
		if (f.kind != FaultSpec::Kind::pend_ipi)
			continue;
		const unsigned cpu = f.cpu, sgi = m_sim.variant->ipi_hw_id(f.sgi);
		m_sim.events->schedule_at(f.at, [this, cpu, sgi, make_pending] {
			const std::string what = "FAULT: " + ipi_label(sgi) + " made pending at CPU " + std::to_string(cpu);
			m_sim.log(int(cpu), "fault", what);
			if (m_sim.collect_trace)
				m_sim.trace('i', int(cpu), what, "fault");
			make_pending(cpu, sgi);
		});
	}
}

} // namespace stopsim
