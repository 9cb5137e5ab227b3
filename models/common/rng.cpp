// SPDX-License-Identifier: Apache-2.0
#include "models/common/rng.hpp"
#include "models/common/error.hpp"

#include <sstream>

namespace stopsim {

[[noreturn]] void internal_error(const char* file, int line, const std::string& msg)
{
	std::ostringstream os;
	os << "internal error at " << file << ":" << line << ": " << msg;
	throw InternalError(os.str());
}

uint64_t fnv1a64(std::string_view s)
{
	uint64_t h = 0xcbf29ce484222325ull;
	for (unsigned char c : s) {
		h ^= c;
		h *= 0x100000001b3ull;
	}
	return h;
}

static uint64_t splitmix64(uint64_t& x)
{
	uint64_t z = (x += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

SimRng::SimRng(uint64_t seed) { seed_from(seed); }

SimRng::SimRng(uint64_t root_seed, std::string_view component)
{
	seed_from(root_seed ^ fnv1a64(component));
}

void SimRng::seed_from(uint64_t seed)
{
	uint64_t x = seed;
	for (auto& w : m_s)
		w = splitmix64(x);
}

uint64_t SimRng::next_u64()
{
	const uint64_t result = rotl(m_s[1] * 5, 7) * 9;
	const uint64_t t = m_s[1] << 17;
	m_s[2] ^= m_s[0];
	m_s[3] ^= m_s[1];
	m_s[1] ^= m_s[2];
	m_s[0] ^= m_s[3];
	m_s[2] ^= t;
	m_s[3] = rotl(m_s[3], 45);
	return result;
}

uint64_t SimRng::uniform(uint64_t bound)
{
	if (bound == UINT64_MAX)
		return next_u64();
	const uint64_t range = bound + 1;
	// Reject the top partial block so every value is equally likely.
	const uint64_t limit = UINT64_MAX - (UINT64_MAX % range) - 1;
	uint64_t v;
	do {
		v = next_u64();
	} while (v > limit);
	return v % range;
}

} // namespace stopsim
