// SPDX-License-Identifier: Apache-2.0
// Serves the scenario's faults to the model shells at their fault points and logs each firing.
#pragma once
#include "models/common/fault_hooks.hpp"
#include "sim/sim_state.hpp"

#include <vector>

namespace stopsim {

/// The most extra delay one interrupt can be given (2^62 ps, about 53 days): well past the longest
/// run, and far enough below 2^64 ps that the present time plus any model latency plus this
/// cannot wrap.
constexpr Ps kMaxFaultDelay = Ps(1) << 62;
/// a + b, saturated at kMaxFaultDelay: the delays of several matching faults add up exactly up
/// to there.
Ps add_delay(Ps a, Ps b);

class FaultInjector : public FaultHooks {
public:
	explicit FaultInjector(Sim& sim);
	FaultAction at(FaultPoint point, unsigned source, unsigned target, unsigned intid) override;
	/// Schedule the faults that act at a time of their own (pend_ipi).
	void schedule(std::function<void(unsigned cpu, unsigned sgi)> make_pending);

private:
	std::string ipi_label(unsigned sgi) const;

	Sim& m_sim;
	std::vector<uint64_t> m_fired; ///< per fault spec
};

} // namespace stopsim
