// SPDX-License-Identifier: Apache-2.0
// RISC-V mainline smp_send_stop() / crash_smp_send_stop() (docs/reference/algorithms.md section 3.1).
// NOTE: smp_send_stop() tests num_online_cpus() > 1, not num_other_online_cpus(): a panicking
// CPU that is not online yet sends nothing when only one other CPU is up (bug 12), and waits for
// one CPU too few otherwise.
#include "kl/riscv/riscv_v6.hpp"
#include "kl/nmi_backtrace.hpp"

namespace kl::riscv {

std::vector<std::string> RiscvV6::ipi_names() const
{
	return {"IPI_RESCHEDULE", "IPI_CALL_FUNC", "IPI_CPU_STOP",      "IPI_CPU_CRASH_STOP",
		"IPI_IRQ_WORK",   "IPI_TIMER",     "IPI_CPU_BACKTRACE", "IPI_KGDB_ROUNDUP"};
}

void RiscvV6::smp_send_stop(Shim& k)
{
	RiscvShim& r = riscv_shim(k);
	bool sent = false;

	k.trace_stop_begin("smp_send_stop");
	if (k.num_online_cpus() > 1) {
		CpuMask mask = k.cpu_online_mask();
		mask.clear(k.smp_processor_id());

		if (k.system_state() <= SystemState::running)
			k.pr_crit("SMP: stopping secondary CPUs");
		k.trace_rung_begin("irq", mask);
		send_ipi_mask(r, mask, IPI_CPU_STOP);
		sent = true;
	}

	/* Wait up to one second for other CPUs to stop */
	const bool stopped = k.spin_poll([&] { return k.num_online_cpus() > 1; }, k.config().stop_timeout_us, 1);
	if (sent)
		k.trace_rung_end(!stopped);

	last_resort_rung(r);

	if (k.num_online_cpus() > 1)
		k.pr_warn("SMP: failed to stop secondary CPUs " + k.cpu_online_mask().to_range_list());
	k.trace_stop_end();
}

void RiscvV6::crash_stop_send(RiscvShim& k, const CpuMask& mask)
{
	k.trace_rung_begin("irq", mask);
	send_ipi_mask(k, mask, IPI_CPU_CRASH_STOP);
}

void RiscvV6::crash_smp_send_stop(Shim& k)
{
	RiscvShim& r = riscv_shim(k);

	/* This function can be called twice in the panic path, but only once is needed. */
	if (cpus_stopped)
		return;
	k.write_once(cpus_stopped, true);

	k.trace_stop_begin("crash_smp_send_stop");
	if (num_other_online_cpus(k) == 0) {
		k.trace_stop_end();
		return;
	}

	CpuMask mask = k.cpu_online_mask();
	mask.clear(k.smp_processor_id());

	k.atomic_set(waiting_for_crash_ipi, int(num_other_online_cpus(k)));

	k.pr_crit("SMP: stopping secondary CPUs");
	crash_stop_send(r, mask);

	/* Wait up to one second for other CPUs to stop */
	const bool stopped = k.spin_poll([&] { return waiting_for_crash_ipi > 0; }, k.config().crash_timeout_us, 1);
	k.trace_rung_end(!stopped);

	if (waiting_for_crash_ipi > 0)
		k.pr_warn("SMP: failed to stop secondary CPUs " + mask.to_range_list());
	k.trace_stop_end();
}

bool RiscvV6::smp_crash_stop_failed(Shim&)
{
	return waiting_for_crash_ipi > 0;
}

void RiscvV6::panic_smp_self_stop(Shim& k)
{
	/* RISC-V keeps the generic weak version: spin with interrupts off (panic() masked them). */
	RiscvShim& r = riscv_shim(k);
	for (;;)
		r.wait_for_interrupt();
}

void RiscvV6::ipi_stop(RiscvShim& k)
{
	k.trace_stop_handler("ipi_stop");
	k.set_cpu_online(k.smp_processor_id(), false);
	/* No masking of its own: the trap cleared SIE, so WFI wakes but takes nothing. */
	cpu_park(k);
}

void RiscvV6::cpu_crash_stop(RiscvShim& k, unsigned cpu, const Regs& regs)
{
	k.trace_stop_handler("ipi_cpu_crash_stop");
	k.crash_save_cpu(regs, cpu);

	/* The ack. NOTE: the online bit stays set; the initiator counts this down instead. */
	k.atomic_dec(waiting_for_crash_ipi);

	k.local_irq_disable();

	/* cpu_ops->cpu_stop(): SBI HSM HART_STOP, which does not come back on success. */
	if (k.config().hotplug_cpu && k.cpu_has_hotplug(cpu))
		sbi_hsm_hart_stop(k);

	cpu_park(k);
}

void RiscvV6::handle_IPI(RiscvShim& k, unsigned ipi, const Regs& regs)
{
	switch (ipi) {
	case IPI_CPU_STOP:
		ipi_stop(k);
	case IPI_CPU_CRASH_STOP:
		if (k.config().kexec_core)
			cpu_crash_stop(k, k.smp_processor_id(), regs);
		break;
	case IPI_CPU_BACKTRACE:
		nmi_cpu_backtrace(k, regs, "arch_cpu_idle");
		break;
	default:
		/* Scheduler, function-call, irq-work, timer and kgdb IPIs play no part in a stop. */
		break;
	}
}

bool RiscvV6::trigger_cpumask_backtrace(Shim& k, const CpuMask& mask)
{
	RiscvShim& r = riscv_shim(k);
	nmi_trigger_cpumask_backtrace(k, mask, -1, [&](const CpuMask& targets) { send_ipi_mask(r, targets, IPI_CPU_BACKTRACE); });
	return true;
}

} // namespace kl::riscv
