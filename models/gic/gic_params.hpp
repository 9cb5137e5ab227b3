// SPDX-License-Identifier: Apache-2.0
// The GICv3 model's parameters: plain C++, no SystemC, so the scenario can embed it and the loader fill it (each
// latency field has its schema row in sim/scenario/schema.cpp, docs/reference/latencies.md the numbers).
#pragma once
#include "models/common/clock.hpp"

#include <cstdint>

namespace stopsim::gic {

/// All latencies in cycles of the GIC's clock (docs/reference/latencies.md).
struct GicParams {
	unsigned num_pes = 1;
	uint64_t clock_hz = 2'500'000'000ull;
	Cycles sgi_delivery_cycles = 150; ///< row 1: SGI1R write retires -> pending at target redistributor
	Cycles signal_cycles = 50;        ///< row 2: pending -> IRQ/FIQ asserted at the target PE
	Cycles pio_cycles = 25;           ///< one GICD/GICR register access (gem5 pio delay, 10 ns)
	Cycles sgi_jitter_cycles = 0;     ///< extra delivery delay drawn uniformly from [0, this] per SGI
	uint64_t seed = 1;                  ///< root seed for the jitter stream
	uint64_t gicd_base = 0x0800'0000;
	uint64_t gicr_base = 0x080a'0000;
};

} // namespace stopsim::gic
