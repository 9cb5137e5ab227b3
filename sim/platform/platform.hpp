// SPDX-License-Identifier: Apache-2.0
// A platform: the SystemC system-on-chip one architecture needs (models, shims, firmware), built
// from the scenario during elaboration. The engine picks one by `platform.arch`.
#pragma once
#include "sim/run/result.hpp"
#include "sim/run/sim_state.hpp"

namespace stopsim {

class Platform {
public:
	virtual ~Platform() = default;
	/// Architecture-specific parts of a CPU's final state (firmware state, for example).
	virtual void describe_cpu(unsigned cpu, CpuResult& r) const = 0;
};

/// Elaborate the platform for `sim.sc.arch`. Lives until the process exits (SystemC keeps its
/// processes that long).
Platform* make_platform(Sim& sim);
Platform* make_arm64_platform(Sim& sim);
Platform* make_x86_platform(Sim& sim);
Platform* make_riscv_platform(Sim& sim);

} // namespace stopsim
