// SPDX-License-Identifier: Apache-2.0
#include "kl/cpumask.hpp"

namespace kl {

CpuMask CpuMask::first_n(unsigned n)
{
	CpuMask m;
	for (unsigned i = 0; i < n && i < kMaxCpus; i++)
		m.set(i);
	return m;
}

unsigned CpuMask::next(unsigned from) const
{
	// Skip empty 64-bit words quickly: a mask walk stays linear in the CPU count.
	for (unsigned c = from; c < kMaxCpus; c++) {
		if ((c & 63) == 0) {
			while (c < kMaxCpus && ((m_bits >> c) & std::bitset<kMaxCpus>(~0ull)).none())
				c += 64;
			if (c >= kMaxCpus)
				break;
		}
		if (m_bits.test(c))
			return c;
	}
	return kMaxCpus;
}

std::string CpuMask::to_range_list() const
{
	std::string out;
	unsigned c = next(0);
	while (c < kMaxCpus) {
		unsigned end = c;
		while (end + 1 < kMaxCpus && m_bits.test(end + 1))
			end++;
		if (!out.empty())
			out += ',';
		out += std::to_string(c);
		if (end > c)
			out += '-' + std::to_string(end);
		c = next(end + 1);
	}
	return out;
}

} // namespace kl
