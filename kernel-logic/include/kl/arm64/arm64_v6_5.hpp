// SPDX-License-Identifier: Apache-2.0
// arm64 v4.12 .. v6.5: one IRQ rung; kdump acks through waiting_for_crash_ipi.
#pragma once
#include "kl/arm64/arm64.hpp"

namespace kl::arm64 {

class Arm64V6_5 : public Arm64Variant {
public:
	/* enum ipi_msg_type as of v6.5 (unchanged in v6.6) */
	enum : unsigned { IPI_RESCHEDULE, IPI_CALL_FUNC, IPI_CPU_STOP, IPI_CPU_CRASH_STOP, IPI_TIMER,
			  IPI_IRQ_WORK, IPI_WAKEUP, NR_IPI };

	const char* name() const override { return "arm64-v6.5"; }
	const char* summary() const override
	{
		return "IPI only: IPI_CPU_STOP 1 s; kdump IPI_CPU_CRASH_STOP acked via waiting_for_crash_ipi";
	}
	std::vector<std::string> ipi_names() const override;
	bool ipi_should_be_nmi(Shim& k, unsigned ipi) const override;
	unsigned nr_ipi() const override { return NR_IPI; }

	void smp_send_stop(Shim& k) override;
	void crash_smp_send_stop(Shim& k) override;
	bool smp_crash_stop_failed(Shim& k) override;
	[[noreturn]] void panic_smp_self_stop(Shim& k) override;
	void do_handle_IPI(Arm64Shim& k, unsigned ipinr, const Regs& regs) override;

protected:
	/// The crash stop's tail (its skip_ipi label): sdei_mask_local_cpu(), and from v6.6 on
	/// sdei_handler_abort() too.
	virtual void skip_ipi(Arm64Shim& k);
	[[noreturn]] void ipi_cpu_crash_stop(Arm64Shim& k, unsigned cpu, const Regs& regs);

	int waiting_for_crash_ipi = 0; ///< atomic_t, the kdump ack channel
	int cpus_stopped = 0;          ///< static in crash_smp_send_stop(): run once
};

} // namespace kl::arm64
