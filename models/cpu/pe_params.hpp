// SPDX-License-Identifier: Apache-2.0
// The processing elements' parameters (arm64 PE, x86 CPU, RISC-V hart): plain C++, no SystemC, so the scenario can embed it and the loader fill it (each
// latency field has its schema row in sim/scenario/schema.cpp, docs/reference/latencies.md the numbers).
#pragma once
#include "models/common/clock.hpp"

#include <cstddef>
#include <cstdint>

namespace stopsim::cpu {

struct PeParams {
	uint64_t clock_hz = 2'500'000'000ull;
	Cycles take_cycles = 30;       ///< docs/reference/latencies.md row 3: line asserted and unmasked -> first vector instruction
	Cycles entry_cycles = 20;      ///< row 20: exception entry, hardware only
	Cycles wfi_wake_cycles = 100;  ///< row 21: wake from clock-gated WFI
	uint32_t max_nesting = 16;       ///< exceptions nested deeper than this are a simulator error
	size_t stack_bytes = 64 * 1024;  ///< coroutine stack of the PE's software thread
};

/// arm64 PE parameters (the software's own costs, such as system-register accesses, are charged
/// by the kernel shim from the scenario's latencies).
struct Arm64PeParams : PeParams {
};

/// x86 CPU parameters: an interrupt or NMI takes longer to be accepted (row 12).
struct X86CpuParams : PeParams {
	X86CpuParams() { take_cycles = 200; }
};

struct RiscvHartParams : PeParams {
};

} // namespace stopsim::cpu
