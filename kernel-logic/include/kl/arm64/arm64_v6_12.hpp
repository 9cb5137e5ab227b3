// SPDX-License-Identifier: Apache-2.0
// arm64 v6.12+ (fdfa588124b6): IRQ stop for 1 s, then, with pseudo-NMI, a re-snapshot and a
// pseudo-NMI stop for 10 ms. kdump reuses the same ladder with crash_stop set.
#pragma once
#include "kl/arm64/arm64.hpp"

namespace kl::arm64 {

class Arm64V6_12 : public Arm64Variant {
public:
	/* enum ipi_msg_type as of v6.12 */
	enum : unsigned { IPI_RESCHEDULE, IPI_CALL_FUNC, IPI_CPU_STOP, IPI_CPU_STOP_NMI, IPI_TIMER,
			  IPI_IRQ_WORK, NR_IPI, IPI_CPU_BACKTRACE = NR_IPI, IPI_KGDB_ROUNDUP, MAX_IPI };

	const char* name() const override { return "arm64-v6.12"; }
	const char* summary() const override
	{
		return "IPI_CPU_STOP 1 s, then IPI_CPU_STOP_NMI 10 ms (pseudo-NMI) after re-snapshotting; kdump via crash_stop";
	}
	std::vector<std::string> ipi_names() const override;
	bool ipi_should_be_nmi(Shim& k, unsigned ipi) const override;
	unsigned nr_ipi() const override { return MAX_IPI; }

	void smp_send_stop(Shim& k) override;
	void crash_smp_send_stop(Shim& k) override;
	bool smp_crash_stop_failed(Shim& k) override;
	[[noreturn]] void panic_smp_self_stop(Shim& k) override;
	void do_handle_IPI(Arm64Shim& k, unsigned ipinr, const Regs& regs) override;
	bool trigger_cpumask_backtrace(Shim& k, const CpuMask& mask) override;

protected:
	[[noreturn]] void ipi_cpu_crash_stop(Arm64Shim& k, unsigned cpu, const Regs& regs);
	/// The shared rungs of smp_send_stop(), for eras that add a rung after them.
	void stop_with_irq_then_nmi(Arm64Shim& k);
	/// Later series add a last-resort rung here, between the pseudo-NMI and the failure line.
	virtual void last_resort_rung(Arm64Shim&) {}
	void report_failure(Arm64Shim& k);

	unsigned long stop_in_progress = 0; ///< static in smp_send_stop(): bit 0 claimed by the first caller
	CpuMask mask;                       ///< static in smp_send_stop(): 512 bytes off the stack
	bool crash_stop = false;            ///< written once by the crash initiator, read by targets
};

} // namespace kl::arm64
