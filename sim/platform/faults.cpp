// SPDX-License-Identifier: Apache-2.0
#include "sim/platform/faults.hpp"
#include "sim/scenario/units.hpp"

namespace stopsim {

namespace {

/// "IPI_CPU_STOP (SGI 2)" on arm64, the IPI's name elsewhere: what a fault line calls the interrupt.
std::string ipi_label(const Sim& sim, unsigned hw_id)
{
	const auto names = sim.variant->ipi_names();
	for (unsigned i = 0; i < names.size(); i++)
		if (sim.variant->ipi_hw_id(i) == hw_id)
			return sim.sc.arch == "arm64" ? names[i] + " (SGI " + std::to_string(hw_id) + ")" : names[i];
	return "interrupt " + std::to_string(hw_id);
}

PlannedFault plan_of(const Sim& sim, const FaultSpec& f)
{
	PlannedFault p;
	p.target = f.cpu;
	p.source = f.from_cpu;
	p.from = f.from;
	p.until = f.until;
	p.count = f.count;
	switch (f.kind) {
	case FaultSpec::Kind::drop_ipi:
	case FaultSpec::Kind::delay_ipi:
	case FaultSpec::Kind::delay_irq: {
		p.hw_id = sim.variant->ipi_hw_id(f.ipi_index);
		const std::string label = ipi_label(sim, *p.hw_id);
		if (f.kind == FaultSpec::Kind::drop_ipi) {
			p.action = PlannedFault::Action::drop;
			p.point = FaultPoint::kSend;
			p.what = "dropped " + label;
		} else {
			p.action = PlannedFault::Action::delay;
			p.point = f.kind == FaultSpec::Kind::delay_ipi ? FaultPoint::kSend : FaultPoint::kArrive;
			p.delay = f.delay;
			p.what = (f.kind == FaultSpec::Kind::delay_irq ? "delayed signalling of " : "delayed ") + label;
			p.tail = " by " + ps_to_us_string(f.delay) + " us";
		}
		break;
	}
	case FaultSpec::Kind::drop_sse:
	case FaultSpec::Kind::misroute_sse: {
		p.point = FaultPoint::kSseInject;
		p.hw_id = f.sse_event;
		char id[24];
		std::snprintf(id, sizeof id, "0x%x", f.sse_event ? *f.sse_event : 0u);
		const std::string ev = f.sse_event ? std::string("SSE event ") + id : std::string("an SSE event");
		if (f.kind == FaultSpec::Kind::drop_sse) {
			p.action = PlannedFault::Action::drop;
			p.what = "firmware lost the injection of " + ev;
		} else {
			p.action = PlannedFault::Action::redirect;
			p.redirect_to = f.to_cpu;
			p.what = "firmware injected " + ev;
			p.tail = " into CPU " + std::to_string(f.to_cpu) + " instead";
		}
		break;
	}
	case FaultSpec::Kind::pend_ipi:
		break;
	}
	return p;
}

} // namespace

void build_fault_plan(Sim& sim, FaultPlan& plan)
{
	// A matching drop wins: it alone fires, so no other fault spends its count on a lost interrupt.
	auto is_drop = [](const FaultSpec& f) {
		return f.kind == FaultSpec::Kind::drop_ipi || f.kind == FaultSpec::Kind::drop_sse;
	};
	for (int pass = 0; pass < 2; pass++)
		for (const FaultSpec& f : sim.sc.faults)
			if (f.kind != FaultSpec::Kind::pend_ipi && is_drop(f) == (pass == 0))
				plan.add(plan_of(sim, f));
	plan.set_observer([&sim](unsigned target, const std::string& line) {
		sim.log(int(target), "fault", line);
		if (sim.collect_trace)
			sim.trace('i', int(target), line, "fault");
	});
}

void schedule_pending_faults(Sim& sim, std::function<void(unsigned cpu, unsigned hw_id)> make_pending)
{
	for (const FaultSpec& f : sim.sc.faults) {
		if (f.kind != FaultSpec::Kind::pend_ipi)
			continue;
		const unsigned cpu = f.cpu, hw_id = sim.variant->ipi_hw_id(f.ipi_index);
		const std::string what = "FAULT: " + ipi_label(sim, hw_id) + " made pending at CPU " + std::to_string(cpu);
		sim.events->schedule_at(f.at, [&sim, cpu, hw_id, what, make_pending] {
			sim.log(int(cpu), "fault", what);
			if (sim.collect_trace)
				sim.trace('i', int(cpu), what, "fault");
			make_pending(cpu, hw_id);
		});
	}
}

} // namespace stopsim
