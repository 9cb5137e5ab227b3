// SPDX-License-Identifier: Apache-2.0
// RISC-V mainline (v6.x): IPI_CPU_STOP with a 1 s wait on num_online_cpus() > 1, and the kdump
// crash stop (Guo Ren, 2022) with IPI_CPU_CRASH_STOP, a 1 s wait on waiting_for_crash_ipi and a
// target that acks without clearing its online bit, then tries SBI HSM HART_STOP.
#pragma once
#include "kl/riscv/riscv.hpp"

namespace kl::riscv {

class RiscvV6 : public RiscvVariant {
public:
	/* enum ipi_message_type */
	enum : unsigned { IPI_RESCHEDULE, IPI_CALL_FUNC, IPI_CPU_STOP, IPI_CPU_CRASH_STOP, IPI_IRQ_WORK, IPI_TIMER,
			  IPI_CPU_BACKTRACE, IPI_KGDB_ROUNDUP, IPI_MAX };

	const char* name() const override { return "riscv-v6.x"; }
	const char* summary() const override
	{
		return "mainline: IPI_CPU_STOP 1 s (num_online_cpus() > 1); kdump IPI_CPU_CRASH_STOP 1 s, ack without offlining, HSM stop";
	}
	std::vector<std::string> ipi_names() const override;

	void smp_send_stop(Shim& k) override;
	void crash_smp_send_stop(Shim& k) override;
	bool smp_crash_stop_failed(Shim& k) override;
	[[noreturn]] void panic_smp_self_stop(Shim& k) override;
	void handle_IPI(RiscvShim& k, unsigned ipi, const Regs& regs) override;
	bool trigger_cpumask_backtrace(Shim& k, const CpuMask& mask) override;

protected:
	/// ipi_stop() (cpu_stop() in the SSE series): offline, then WFI forever.
	[[noreturn]] void ipi_stop(RiscvShim& k);
	/// ipi_cpu_crash_stop() (cpu_crash_stop() in the SSE series).
	[[noreturn]] void cpu_crash_stop(RiscvShim& k, unsigned cpu, const Regs& regs);
	/// The crash IPI, unchanged since 2022 (the SSE versions replace this step).
	virtual void crash_stop_send(RiscvShim& k, const CpuMask& mask);
	/// A later rung between the IPI wait and the failure line (the SSE CI snapshot's NMI rung).
	virtual void last_resort_rung(RiscvShim&) {}

	int waiting_for_crash_ipi = 0; ///< atomic_t
	bool cpus_stopped = false;     ///< static in crash_smp_send_stop()
};

} // namespace kl::riscv
