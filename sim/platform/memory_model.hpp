// SPDX-License-Identifier: Apache-2.0
// The memory-ordering model of the kernel's shared variables that the stop paths read out of
// order: the online counter and the online mask (docs/models/memory-ordering.md). Plain C++: the
// shim supplies the times.
#pragma once
#include "kl/cpumask.hpp"
#include "models/common/clock.hpp"

#include <algorithm>
#include <vector>

namespace stopsim {

/// One store to a modelled variable: who made it, when, and from when the others see it.
template <class T> struct MemWrite {
	Ps made = 0;
	Ps visible = 0;
	unsigned writer = 0;
	T value{};
};

/// Every value a modelled variable has had, in the order the stores were made.
template <class T> class MemHistory {
public:
	void store(Ps made, Ps visible, unsigned writer, const T& v) { m_w.push_back({made, visible, writer, v}); }
	/// What `reader` sees at effective time `at`: the newest store visible to it by then. Its own
	/// stores it sees from when it made them (up to `now`: a load never overtakes the CPU's own
	/// earlier store to the same variable).
	const T& load(unsigned reader, Ps at, Ps now, const T& initial) const
	{
		for (auto it = m_w.rbegin(); it != m_w.rend(); ++it) {
			if (it->writer == reader ? it->made <= now : it->visible <= at)
				return it->value;
		}
		return initial;
	}
	/// When the newest store becomes visible (0: none). Stores to one variable become visible in
	/// the order they were made (coherence; the updates are atomic read-modify-writes, each one
	/// ordered after the one it read), so a late store holds back every later one.
	Ps last_visible() const { return m_w.empty() ? 0 : m_w.back().visible; }
	bool empty() const { return m_w.empty(); }

private:
	std::vector<MemWrite<T>> m_w;
};

/// The modelled variables (one history each, shared by all CPUs).
struct KernelMemory {
	MemHistory<kl::CpuMask> online_mask;
	MemHistory<unsigned> num_online;
};

/// Per CPU: how far back its next unordered load may be satisfied.
struct LoadOrder {
	Ps order_point = 0;    ///< last barrier, fully ordered atomic, delay loop or exception entry/return
	Ps seen_mask = 0;      ///< effective time of its latest load of the mask (read-read coherence)
	Ps seen_count = 0;     ///< ... and of the counter
};

} // namespace stopsim
