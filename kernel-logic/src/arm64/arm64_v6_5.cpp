// SPDX-License-Identifier: Apache-2.0
// arm64 smp_send_stop() / crash_smp_send_stop() as in v4.12 .. v6.5 (docs/reference/algorithms.md section 1.3 i-b).
// One rung: IPI_CPU_STOP (or IPI_CPU_CRASH_STOP), then a 1 s poll. The failure line prints the
// whole online mask, this CPU included. The crash handler acks without clearing its online bit.
#include "kl/arm64/arm64_v6_5.hpp"

namespace kl::arm64 {

std::vector<std::string> Arm64V6_5::ipi_names() const
{
	return {"IPI_RESCHEDULE", "IPI_CALL_FUNC", "IPI_CPU_STOP", "IPI_CPU_CRASH_STOP",
		"IPI_TIMER",      "IPI_IRQ_WORK",  "IPI_WAKEUP"};
}

bool Arm64V6_5::ipi_should_be_nmi(Shim&, unsigned) const
{
	return false; /* no IPI was an NMI before v6.7 */
}

void Arm64V6_5::smp_send_stop(Shim& k)
{
	Arm64Shim& a = arm64_shim(k);
	bool sent = false;

	k.trace_stop_begin("smp_send_stop");
	if (num_other_online_cpus(k)) {
		CpuMask mask = k.cpu_online_mask();
		mask.clear(k.smp_processor_id());

		if (k.system_state() <= SystemState::running)
			k.pr_crit("SMP: stopping secondary CPUs");
		k.trace_rung_begin(ipi_rung_name(k, *this, IPI_CPU_STOP), mask);
		smp_cross_call(a, mask, IPI_CPU_STOP);
		sent = true;
	}

	/* Wait up to one second for other CPUs to stop */
	const bool stopped = k.spin_poll([&] { return num_other_online_cpus(k) > 0; },
					 k.config().stop_timeout_us, 1);
	if (sent)
		k.trace_rung_end(!stopped);

	if (num_other_online_cpus(k))
		k.pr_warn("SMP: failed to stop secondary CPUs " + k.cpu_online_mask().to_range_list());

	sdei_mask_local_cpu(a);
	k.trace_stop_end();
}

void Arm64V6_5::crash_smp_send_stop(Shim& k)
{
	Arm64Shim& a = arm64_shim(k);

	/* This function can be called twice in the panic path, but only once is needed. */
	if (cpus_stopped)
		return;
	k.write_once(cpus_stopped, 1);

	k.trace_stop_begin("crash_smp_send_stop");
	/* With no other CPU online there is nothing to stop; still mask SDEI here. */
	if (num_other_online_cpus(k) != 0) {
		CpuMask mask = k.cpu_online_mask();
		mask.clear(k.smp_processor_id());

		k.atomic_set(waiting_for_crash_ipi, int(num_other_online_cpus(k)));

		k.pr_crit("SMP: stopping secondary CPUs");
		k.trace_rung_begin(ipi_rung_name(k, *this, IPI_CPU_CRASH_STOP), mask);
		smp_cross_call(a, mask, IPI_CPU_CRASH_STOP);

		/* Wait up to one second for other CPUs to stop */
		const bool stopped = k.spin_poll([&] { return waiting_for_crash_ipi > 0; },
						 k.config().crash_timeout_us, 1);
		k.trace_rung_end(!stopped);

		if (waiting_for_crash_ipi > 0)
			k.pr_warn("SMP: failed to stop secondary CPUs " + mask.to_range_list());
	}

	skip_ipi(a);
	k.trace_stop_end();
}

void Arm64V6_5::skip_ipi(Arm64Shim& k)
{
	/* Before v6.6 the crash stop ends here: a panic raised inside an SDEI handler leaves that
	   event running in firmware (bug 16). */
	sdei_mask_local_cpu(k);
}

bool Arm64V6_5::smp_crash_stop_failed(Shim&)
{
	return waiting_for_crash_ipi > 0;
}

void Arm64V6_5::panic_smp_self_stop(Shim& k)
{
	local_cpu_stop(arm64_shim(k), k.smp_processor_id());
}

void Arm64V6_5::ipi_cpu_crash_stop(Arm64Shim& k, unsigned cpu, const Regs& regs)
{
	k.trace_stop_handler("ipi_cpu_crash_stop");
	k.crash_save_cpu(regs, cpu);

	/* The ack. NOTE: the online bit stays set; the initiator counts this down instead. */
	k.atomic_dec(waiting_for_crash_ipi);

	k.local_irq_disable();
	sdei_mask_local_cpu(k);

	if (k.config().hotplug_cpu)
		cpu_try_die(k, cpu);

	/* just in case the power-off came back */
	cpu_park_loop(k);
}

void Arm64V6_5::do_handle_IPI(Arm64Shim& k, unsigned ipinr, const Regs& regs)
{
	const unsigned cpu = k.smp_processor_id();

	switch (ipinr) {
	case IPI_CPU_STOP:
		local_cpu_stop(k, cpu);
	case IPI_CPU_CRASH_STOP:
		if (k.config().kexec_core)
			ipi_cpu_crash_stop(k, cpu, regs);
		break;
	default:
		/* Scheduler, function-call, timer and irq-work IPIs play no part in a stop. */
		break;
	}
}

} // namespace kl::arm64
