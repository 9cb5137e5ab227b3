// SPDX-License-Identifier: Apache-2.0
// What compiled kernel code (source mode) needs from a CPU's shim beyond kl::Shim: time that runs
// ahead of the simulation inside native poll loops (temporal decoupling) and comes level again
// before anything with a side effect. No SystemC types: the engine's shims implement it.
#pragma once
#include <cstdint>

namespace kl {

class NativeTime {
public:
	virtual ~NativeTime() = default;
	/// Spend `cycles` of this CPU's clock in its local time. No context switch happens unless the
	/// local time reaches the next moment anything else in the simulation could act; then the CPU
	/// comes level (and, if `boundary`, takes what the masks let in, as after any kernel step).
	virtual void native_spend(uint64_t cycles, bool boundary) = 0;
	/// How many cycles this CPU may spend from its local time and still be short of the next
	/// moment anything else could act (a spend that reaches it must go through native_spend()).
	virtual uint64_t native_slack_cycles() = 0;
	/// Cycles of this CPU's clock in `us` microseconds (what udelay(us) costs).
	virtual uint64_t native_cycles_for_us(uint64_t us) const = 0;
	/// costs.check_cycles: one evaluation of a poll-loop condition.
	virtual uint64_t native_check_cycles() const = 0;
	/// Bring the local time level with the simulation (before any access with side effects).
	virtual void native_sync() = 0;
	/// A delay loop ended `cycles_ahead` cycles after this CPU's current local time: later loads
	/// are ordered after that point (the memory-ordering model).
	virtual void native_order_point(uint64_t cycles_ahead) { (void)cycles_ahead; }
};

} // namespace kl
