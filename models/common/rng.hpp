// SPDX-License-Identifier: Apache-2.0
// The one seeded generator: xoshiro256** seeded through SplitMix64, with our own distributions.
#pragma once
#include <cstdint>
#include <string_view>

namespace stopsim {

/// 64-bit FNV-1a, used to derive per-component streams from a name (never std::hash).
uint64_t fnv1a64(std::string_view s);

class SimRng {
public:
	/// A stream derived from the root seed and a component name.
	SimRng(uint64_t root_seed, std::string_view component);
	explicit SimRng(uint64_t seed);

	uint64_t next_u64();
	/// Uniform integer in [0, bound] (inclusive), unbiased (rejection sampling).
	uint64_t uniform(uint64_t bound);

private:
	void seed_from(uint64_t seed);
	uint64_t m_s[4];
};

} // namespace stopsim
