// SPDX-License-Identifier: Apache-2.0
// The EL3 firmware model's parameters (SDEI dispatcher, PSCI): plain C++, no SystemC, so the scenario can embed it and the loader fill it (each
// latency field has its schema row in sim/scenario/schema.cpp, docs/reference/latencies.md the numbers).
#pragma once
#include "models/common/clock.hpp"

#include <cstdint>
#include <optional>

namespace stopsim::el3 {

struct SdeiParams {
	bool event0 = true;        ///< event 0 exists (SDEI_DEFINE_EVENT_0)
	bool signal_checks = true; ///< TF-A >= 2.12: SIGNAL refuses a masked or unregistered target
	unsigned sgi = 8;          ///< the Secure SGI event 0 is bound to
	/// A private, normal-priority platform event (bound to a platform interrupt, not signalable),
	/// with its number; absent: the platform defines none.
	std::optional<unsigned> platform_event;
};

/// All costs in cycles of the calling PE (docs/reference/latencies.md).
struct El3Params {
	bool sdei = true;                  ///< the SDEI dispatcher is built in
	SdeiParams sdei_params;
	bool psci = true;
	bool cpu_off_in_event_wedges = false; ///< CPU_OFF from inside a running event never returns
	Cycles smc_cycles = 600;         ///< row 6: a fast SMC round trip
	Cycles signal_cycles = 700;      ///< row 7: SDEI_EVENT_SIGNAL as the caller sees it
	Cycles dispatch_cycles = 1150;   ///< row 8 less the PE's own take/entry cycles
	Cycles complete_cycles = 700;    ///< row 9: COMPLETE back to the interrupted context
};

} // namespace stopsim::el3
