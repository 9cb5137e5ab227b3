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
	if (from >= kMaxCpus)
		return kMaxCpus;
	if (m_bits.test(from))
		return from;
	/* libstdc++'s word-at-a-time scan: a mask walk stays linear in the number of words. */
	const size_t n = m_bits._Find_next(from);
	return n >= kMaxCpus ? kMaxCpus : unsigned(n);
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
