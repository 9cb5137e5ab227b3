// SPDX-License-Identifier: Apache-2.0
// The M-mode SBI firmware model's parameters: plain C++, no SystemC, so the scenario can embed it and the loader fill it (each
// latency field has its schema row in sim/scenario/schema.cpp, docs/reference/latencies.md the numbers).
#pragma once
#include "models/common/clock.hpp"

#include <cstdint>
#include <vector>

namespace stopsim::sbi {

/// The default local software event (SBI SSE: LOCAL_SOFTWARE).
constexpr uint32_t SBI_SSE_EVENT_LOCAL_SOFTWARE = 0xffff0000;

struct SbiCoreParams {
	bool sse = true;
	bool hsm = true;
	std::vector<uint32_t> sse_local_events = {SBI_SSE_EVENT_LOCAL_SOFTWARE};
};

/// All costs in cycles of the hart (docs/reference/latencies.md rows 15-19).
struct SbiParams {
	SbiCoreParams core;
	Cycles ecall_cycles = 400;        ///< row 15: S -> M -> S round trip of a trivial call
	Cycles ipi_process_cycles = 600;  ///< target: sbi_ipi_process() and mret (row 17 less rows 15/2, 16, 20)
	Cycles sse_inject_cycles = 100;   ///< target: the register shuffle of an injection (row 18 less row 17)
	Cycles sse_complete_cycles = 400; ///< row 19
	bool imsic = false;                 ///< raw M-level IPIs go to the M IMSIC file instead of the MSWI
};

} // namespace stopsim::sbi
