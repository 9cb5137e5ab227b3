// SPDX-License-Identifier: Apache-2.0
// arm64 of the 3.x series (as at 0356888ad140, 2013): one IRQ rung, no kdump, and a target that
// prints "CPU%u: stopping" and its stack under the stop_lock raw spinlock.
#pragma once
#include "kl/arm64/arm64.hpp"

namespace kl::arm64 {

class Arm64V3_xx : public Arm64Variant {
public:
	/* enum ipi_msg_type of arch/arm64/kernel/smp.c at 0356888ad140 (2013) */
	enum : unsigned { IPI_RESCHEDULE, IPI_CALL_FUNC, IPI_CALL_FUNC_SINGLE, IPI_CPU_STOP, IPI_TIMER, NR_IPI };

	const char* name() const override { return "arm64-v3.x"; }
	const char* summary() const override
	{
		return "2013 era: IPI_CPU_STOP 1 s; each target prints its stack under stop_lock; no kdump";
	}
	std::vector<std::string> ipi_names() const override;
	bool ipi_should_be_nmi(Shim& k, unsigned ipi) const override;
	unsigned nr_ipi() const override { return NR_IPI; }

	void smp_send_stop(Shim& k) override;
	/// No kdump on arm64 yet: a crash stop is the plain stop.
	void crash_smp_send_stop(Shim& k) override;
	bool smp_crash_stop_failed(Shim& k) override;
	/// The weak generic one of kernel/panic.c: spin with IRQs off, still online.
	[[noreturn]] void panic_smp_self_stop(Shim& k) override;
	void do_handle_IPI(Arm64Shim& k, unsigned ipinr, const Regs& regs) override;

protected:
	[[noreturn]] void ipi_cpu_stop(Arm64Shim& k, unsigned cpu);
	/// dump_stack() on this CPU: the call trace goes to the log buffer, and to the console only if
	/// this CPU gets console_sem (printk's console_trylock()).
	void dump_stack(Arm64Shim& k, unsigned cpu);
};

} // namespace kl::arm64
