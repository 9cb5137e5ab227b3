// SPDX-License-Identifier: Apache-2.0
// arm64 smp_send_stop() and ipi_cpu_stop() of the 3.x series, as in arch/arm64/kernel/smp.c at
// 0356888ad140 (2013; docs/reference/algorithms.md section 1.3 i-a). The initiator sends IPI_CPU_STOP while more than
// one CPU is online and polls the online count for 1 s. Each target, while the system is booting or
// running, takes the raw spinlock stop_lock, prints "CPU%u: stopping" and dumps its stack, and only
// then goes offline: the targets take their turn at the lock one after the other, each holding it
// for as long as the console needs to print one stack.
#include "kl/arm64/arm64_v3_xx.hpp"

namespace kl::arm64 {

std::vector<std::string> Arm64V3_xx::ipi_names() const
{
	return {"IPI_RESCHEDULE", "IPI_CALL_FUNC", "IPI_CALL_FUNC_SINGLE", "IPI_CPU_STOP", "IPI_TIMER"};
}

bool Arm64V3_xx::ipi_should_be_nmi(Shim&, unsigned) const
{
	return false; /* no pseudo-NMI before v5.1, no NMI IPI before v6.7 */
}

void Arm64V3_xx::smp_send_stop(Shim& k)
{
	Arm64Shim& a = arm64_shim(k);
	bool sent = false;

	k.trace_stop_begin("smp_send_stop");
	/* NOTE: num_online_cpus(), not "others": a CPU that panics before it is online stops nobody. */
	if (k.num_online_cpus() > 1) {
		CpuMask mask = k.cpu_online_mask();
		mask.clear(k.smp_processor_id());

		k.trace_rung_begin(ipi_rung_name(k, *this, IPI_CPU_STOP), mask);
		smp_cross_call(a, mask, IPI_CPU_STOP);
		sent = true;
	}

	/* Wait up to one second for other CPUs to stop */
	const bool stopped = k.spin_poll([&] { return k.num_online_cpus() > 1; }, k.config().stop_timeout_us, 1);
	if (sent)
		k.trace_rung_end(!stopped);

	/* No mask in the message yet. */
	if (k.num_online_cpus() > 1)
		k.pr_warn("SMP: failed to stop secondary CPUs");
	k.trace_stop_end();
}

void Arm64V3_xx::crash_smp_send_stop(Shim& k)
{
	/* arm64 had no kexec in this era; panic() simply called smp_send_stop(). */
	smp_send_stop(k);
}

bool Arm64V3_xx::smp_crash_stop_failed(Shim&)
{
	return false; /* no crash kernel to warn about */
}

void Arm64V3_xx::panic_smp_self_stop(Shim& k)
{
	Arm64Shim& a = arm64_shim(k);
	/* kernel/panic.c's weak default: IRQs stay off, the CPU stays online and spins. */
	k.local_irq_disable();
	cpu_park_loop(a);
}

void Arm64V3_xx::dump_stack(Arm64Shim& k, unsigned cpu)
{
	(void)cpu;
	/* The call trace lands in the log buffer in any case (default loglevel; frames not modelled). */
	k.printk(Level::warning, "Call trace:");
	/*
	 * printk() then tries console_sem. The CPU that gets it writes the records out at the
	 * console's speed (one stack: costs.backtrace_cycles) and releases it; a CPU that does not get
	 * it leaves them for the holder, which may be a CPU that will never run again.
	 */
	if (k.raw_spin_trylock("console_sem")) {
		k.cost(Cost::backtrace_dump);
		k.raw_spin_unlock("console_sem");
	}
}

void Arm64V3_xx::ipi_cpu_stop(Arm64Shim& k, unsigned cpu)
{
	k.trace_stop_handler("ipi_cpu_stop");
	if (k.system_state() == SystemState::booting || k.system_state() == SystemState::running) {
		/* One target at a time: the others spin here, in IRQ context, still online. */
		k.raw_spin_lock("stop_lock");
		k.pr_crit("CPU" + std::to_string(cpu) + ": stopping");
		dump_stack(k, cpu);
		k.raw_spin_unlock("stop_lock");
	}

	/* The ack. */
	k.set_cpu_online(cpu, false);

	/* local_fiq_disable(); local_irq_disable(); */
	k.write_daif(k.read_daif() | PSR_F_BIT | PSR_I_BIT);

	/* while (1) cpu_relax(); -- with F and I set nothing is taken: the park loop is the same here */
	cpu_park_loop(k);
}

void Arm64V3_xx::do_handle_IPI(Arm64Shim& k, unsigned ipinr, const Regs&)
{
	const unsigned cpu = k.smp_processor_id();

	switch (ipinr) {
	case IPI_CPU_STOP:
		ipi_cpu_stop(k, cpu);
	default:
		/* Scheduler, function-call and timer IPIs play no part in a stop. */
		break;
	}
}

} // namespace kl::arm64
