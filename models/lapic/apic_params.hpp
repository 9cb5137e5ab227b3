// SPDX-License-Identifier: Apache-2.0
// The local APIC bus model's parameters: plain C++, no SystemC, so the scenario can embed it and the loader fill it (each
// latency field has its schema row in sim/scenario/schema.cpp, docs/reference/latencies.md the numbers).
#pragma once
#include "models/common/clock.hpp"

#include <cstdint>

namespace stopsim::lapic {

struct ApicParams {
	unsigned num_cpus = 1;
	uint64_t clock_hz = 2'500'000'000ull;
	bool x2apic = true;
	Cycles icr_delivery_cycles = 500; ///< docs/reference/latencies.md row 11: ICR write -> vector in the target's IRR (or NMI latched)
	Cycles icr_busy_cycles = 100;     ///< row 14: xAPIC delivery-status busy after an ICR write
	Cycles mmio_cycles = 20;          ///< one APIC register access
};

} // namespace stopsim::lapic
