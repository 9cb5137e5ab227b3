// SPDX-License-Identifier: Apache-2.0
// The engine: builds the platform a scenario describes, runs it once, and returns the result.
#pragma once
#include "sim/run/result.hpp"
#include "sim/scenario/scenario.hpp"

namespace stopsim {

class VcdRecorder;

struct RunOptions {
	bool collect_trace = false;
	VcdRecorder* vcd = nullptr; ///< record a waveform (the platform attaches it)
};

/// Simulate `sc` with `seed`. SystemC elaborates once per process: call this once.
RunResult run_scenario(const Scenario& sc, uint64_t seed, const RunOptions& opts);

} // namespace stopsim
