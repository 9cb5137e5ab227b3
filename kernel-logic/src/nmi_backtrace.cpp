// SPDX-License-Identifier: Apache-2.0
// The generic NMI backtrace (docs/reference/algorithms.md section 1.7), in our own words.
#include "kl/nmi_backtrace.hpp"

namespace kl {

void nmi_trigger_cpumask_backtrace(Shim& k, const CpuMask& mask, int exclude_cpu,
				   const std::function<void(const CpuMask&)>& raise)
{
	KernelState& s = k.ks();
	const unsigned this_cpu = k.smp_processor_id();

	/* A request already in flight wins; this one is dropped without a word. */
	if (k.test_and_set_bit(0, s.backtrace_flag))
		return;

	CpuMask want = mask;
	if (exclude_cpu >= 0)
		want.clear(unsigned(exclude_cpu));
	/*
	 * Our own backtrace is printed here, not through an NMI. (The kernel copies the mask first
	 * and clears its own bit after printing; a CPU always sees its own store, and the model's
	 * store buffer does not forward, so the bit is left out of the copy instead: same result.)
	 */
	if (want.test(this_cpu)) {
		nmi_cpu_backtrace_self(k);
		want.clear(this_cpu);
	}
	/* cpumask_copy(): a plain store; the raise path's barrier (or its lack) decides when targets see it. */
	k.plain_store("cpumask_copy", [&s, want] { s.backtrace_mask = want; });

	if (!want.empty()) {
		k.pr_info("Sending NMI from CPU " + std::to_string(this_cpu) + " to CPUs " + want.to_range_list() + ":");
		raise(want);
	}

	/* Wait up to 10 seconds for all CPUs to do the backtrace (touching the watchdog meanwhile). */
	k.spin_poll([&] { return !s.backtrace_mask.empty(); }, 10000, 1000);

	k.clear_bit(0, s.backtrace_flag);
}

void nmi_cpu_backtrace_self(Shim& k)
{
	k.pr_warn("NMI backtrace for cpu " + std::to_string(k.smp_processor_id()));
	k.cost(Cost::backtrace_dump);
}

bool regs_in_idle(const Regs& regs)
{
	/* The engine names an idle CPU's activity "idle (...)"; the kernel tests the PC against the
	   .cpuidle text section. */
	return regs.valid && regs.where.rfind("idle", 0) == 0;
}

bool nmi_cpu_backtrace(Shim& k, const Regs& regs, const char* idle_fn)
{
	KernelState& s = k.ks();
	const unsigned cpu = k.smp_processor_id();

	if (!s.backtrace_mask.test(cpu))
		return false;
	if (regs_in_idle(regs)) {
		/* One line for an idle CPU: its stack says nothing (backtrace_idle=1 would print it). */
		k.pr_warn("NMI backtrace for cpu " + std::to_string(cpu) + " skipped: idling at " + idle_fn);
	} else {
		k.pr_warn("NMI backtrace for cpu " + std::to_string(cpu));
		k.cost(Cost::backtrace_dump);
	}
	k.cpumask_test_and_clear_cpu(cpu, s.backtrace_mask);
	return true;
}

} // namespace kl
