// SPDX-License-Identifier: Apache-2.0
// The RISC-V interrupt fabric's parameters (ACLINT, APLIC, IMSIC): plain C++, no SystemC, so the scenario can embed it and the loader fill it (each
// latency field has its schema row in sim/scenario/schema.cpp, docs/reference/latencies.md the numbers).
#pragma once
#include "models/common/clock.hpp"

#include <cstdint>

namespace stopsim::aplic {

/// All latencies in cycles of the fabric's clock (docs/reference/latencies.md).
struct IntcParams {
	unsigned num_harts = 1;
	unsigned num_sources = 63;          ///< APLIC sources 1..num_sources
	uint64_t clock_hz = 2'500'000'000ull;
	Cycles mmio_cycles = 150;         ///< row 16: MSIP/SETSSIP/seteipnum write -> bit pending at the target
	Cycles aplic_delivery_cycles = 150; ///< APLIC -> hart wire (the AIA allows arbitrary delay)
	bool imsic = false;                 ///< harts have IMSIC files (M and S)
	uint64_t mswi_base = 0x0200'0000;
	uint64_t sswi_base = 0x02f0'0000;
	uint64_t aplic_base = 0x0d00'0000;  ///< the S-level domain
	uint64_t imsic_m_base = 0x2400'0000;
	uint64_t imsic_s_base = 0x2800'0000;
};

} // namespace stopsim::aplic
