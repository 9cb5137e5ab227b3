// SPDX-License-Identifier: Apache-2.0
// struct cpumask: a fixed-size CPU set that iterates in ascending order and prints as "%*pbl".
#pragma once
#include <bitset>
#include <cstddef>
#include <string>

namespace kl {

constexpr unsigned kMaxCpus = 4096; ///< NR_CPUS

class CpuMask {
public:
	CpuMask() = default;
	static CpuMask first_n(unsigned n);

	void set(unsigned cpu) { m_bits.set(cpu); }
	void clear(unsigned cpu) { m_bits.reset(cpu); }
	bool test(unsigned cpu) const { return cpu < kMaxCpus && m_bits.test(cpu); }
	bool empty() const { return m_bits.none(); }
	unsigned weight() const { return unsigned(m_bits.count()); }
	void clear_all() { m_bits.reset(); }

	CpuMask operator|(const CpuMask& o) const { CpuMask r; r.m_bits = m_bits | o.m_bits; return r; }
	CpuMask operator&(const CpuMask& o) const { CpuMask r; r.m_bits = m_bits & o.m_bits; return r; }
	CpuMask andnot(const CpuMask& o) const { CpuMask r; r.m_bits = m_bits & ~o.m_bits; return r; }
	bool operator==(const CpuMask& o) const { return m_bits == o.m_bits; }
	bool operator!=(const CpuMask& o) const { return m_bits != o.m_bits; }

	/// First set CPU at or after `from`, or kMaxCpus.
	unsigned next(unsigned from) const;
	/// "%*pbl": ranges in ascending order, e.g. "0,2-5,7"; empty mask prints "".
	std::string to_range_list() const;

	template <class F> void for_each(F&& f) const
	{
		for (unsigned c = next(0); c < kMaxCpus; c = next(c + 1))
			f(c);
	}

private:
	std::bitset<kMaxCpus> m_bits;
};

} // namespace kl
