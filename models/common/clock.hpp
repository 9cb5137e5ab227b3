// SPDX-License-Identifier: Apache-2.0
// A clock domain: converts whole cycles to picoseconds of simulated time.
#pragma once
#include <cstdint>

namespace stopsim {

/// Simulated time in picoseconds (the kernel's resolution is 1 ps).
using Ps = uint64_t;

/// A latency or cost parameter: whole cycles of the clock of the model that spends it. Every
/// model's parameter struct counts in Cycles and converts with its own Clock.
using Cycles = uint64_t;

constexpr Ps kPsPerNs = 1000;
constexpr Ps kPsPerUs = 1000 * kPsPerNs;
constexpr Ps kPsPerMs = 1000 * kPsPerUs;
constexpr Ps kPsPerS = 1000 * kPsPerMs;

class Clock {
public:
	/// @param hz frequency in Hz; the period is rounded to whole picoseconds.
	explicit Clock(uint64_t hz = 2'500'000'000ull) : m_hz(hz), m_period_ps((kPsPerS + hz / 2) / hz) {}
	uint64_t hz() const { return m_hz; }
	/// One cycle, in ps.
	Ps period_ps() const { return m_period_ps; }
	/// n cycles, in ps.
	Ps cycles(uint64_t n) const { return n * m_period_ps; }
	/// The smallest whole number of cycles that lasts at least `ps`.
	uint64_t cycles_for(Ps ps) const { return (ps + m_period_ps - 1) / m_period_ps; }

private:
	uint64_t m_hz;
	Ps m_period_ps;
};

} // namespace stopsim
