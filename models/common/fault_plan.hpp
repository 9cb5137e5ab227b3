// SPDX-License-Identifier: Apache-2.0
// The faults of a run, resolved once at platform build into what a model needs, and consulted by
// the model shells at their fault points. Plain C++: a plan holds hardware terms only (a target
// PE, an interrupt or event id, a time window, a count, an action), nothing of the scenario or of
// the kernel, and consulting it never leaves the model. Cores never see faults.
//
// Fault points (docs/models/README.md, "Fault points"):
//   kSend      an interrupt leaves its sender for one target (GIC: an SGI at the sender's CPU
//              interface; APIC: an ICR message on the bus; RISC-V: the IPI's parent interrupt);
//   kArrive    it reached the target's controller and is about to become pending there;
//   kSseInject SBI firmware: SSE_EVENT_INJECT of one event for one hart, at firmware entry.
#pragma once
#include "models/common/clock.hpp"

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace stopsim {

enum class FaultPoint { kSend, kArrive, kSseInject };

/// What a fault point does with the interrupt or event.
struct FaultAction {
	bool drop = false;                   ///< lose it, with no trace at the sender
	Ps extra_delay = 0;                  ///< hold it back this long, in ps
	std::optional<unsigned> redirect_to; ///< deliver it to this PE instead (kSseInject)
};

/// One fault, in hardware terms.
struct PlannedFault {
	enum class Action { drop, delay, redirect } action = Action::drop;
	FaultPoint point = FaultPoint::kSend;
	unsigned target = 0;             ///< the PE it was meant for
	std::optional<unsigned> hw_id;   ///< GIC INTID, APIC vector (kNmiId: NMI), RISC-V IPI bit, SSE event id; none: any
	std::optional<unsigned> source;  ///< only from this PE
	Ps from = 0;                     ///< matches at or after this time...
	std::optional<Ps> until;         ///< ...and at or before this one
	uint64_t count = 0;              ///< fires at most this many times; 0: every match
	Ps delay = 0;                    ///< Action::delay
	unsigned redirect_to = 0;        ///< Action::redirect
	/// The firing's log line, written at build: "FAULT: " + what + " from CPU s to CPU t" + tail.
	std::string what, tail;
};

/// The most extra delay one interrupt can be given (2^62 ps, about 53 days): well past the longest
/// run, and far enough below 2^64 ps that the present time plus any model latency plus this
/// cannot wrap.
constexpr Ps kMaxFaultDelay = Ps(1) << 62;
/// a + b, saturated at kMaxFaultDelay: the delays of several matching faults add up exactly up
/// to there.
Ps add_delay(Ps a, Ps b);

/// What a model shell consults at its fault points. The run's implementation is FaultPlan; the
/// model tests script their own.
class FaultHooks {
public:
	virtual ~FaultHooks() = default;
	/// @param source sending PE, @param target receiving PE, @param id interrupt or event id
	virtual FaultAction at(FaultPoint point, unsigned source, unsigned target, unsigned id) = 0;
};

/// No faults.
class NullFaultHooks : public FaultHooks {
public:
	FaultAction at(FaultPoint, unsigned, unsigned, unsigned) override { return {}; }
};

class FaultPlan : public FaultHooks {
public:
	/// Faults are consulted in the order added; a matching drop fires alone, so the builder adds
	/// the drops first (no delay spends its count on an interrupt that is lost).
	void add(PlannedFault f);
	bool empty() const { return m_faults.empty(); }
	/// The action at `point` for an interrupt or event `hw_id` from `source` to `target` at `now`.
	/// Counts the firings; a firing's line goes to the observer.
	FaultAction consult(FaultPoint point, unsigned source, unsigned target, unsigned hw_id, Ps now);
	/// consult() at the present simulated time.
	FaultAction at(FaultPoint point, unsigned source, unsigned target, unsigned id) override;
	/// Told each firing (the target and the line), for the log and the trace.
	void set_observer(std::function<void(unsigned target, const std::string& line)> fn) { m_observer = std::move(fn); }

private:
	std::vector<PlannedFault> m_faults;
	std::vector<uint64_t> m_fired;
	std::function<void(unsigned, const std::string&)> m_observer;
};

} // namespace stopsim
