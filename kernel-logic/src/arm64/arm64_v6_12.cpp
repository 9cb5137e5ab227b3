// SPDX-License-Identifier: Apache-2.0
// arm64 smp_send_stop() / crash_smp_send_stop() from v6.12 on (docs/reference/algorithms.md section 1.4).
// Try the normal IRQ first so that targets can leave their critical sections (a pseudo-NMI can
// freeze a CPU holding a lock the panic path needs later), and fall back to a pseudo-NMI only for
// the CPUs still online after a second.
#include "kl/arm64/arm64_v6_12.hpp"
#include "kl/nmi_backtrace.hpp"

namespace kl::arm64 {

std::vector<std::string> Arm64V6_12::ipi_names() const
{
	return {"IPI_RESCHEDULE", "IPI_CALL_FUNC", "IPI_CPU_STOP",      "IPI_CPU_STOP_NMI",
		"IPI_TIMER",      "IPI_IRQ_WORK",  "IPI_CPU_BACKTRACE", "IPI_KGDB_ROUNDUP"};
}

bool Arm64V6_12::ipi_should_be_nmi(Shim& k, unsigned ipi) const
{
	if (!system_uses_irq_prio_masking(k))
		return false;

	switch (ipi) {
	case IPI_CPU_STOP_NMI:
	case IPI_CPU_BACKTRACE:
	case IPI_KGDB_ROUNDUP:
		return true;
	default:
		return false; /* IPI_CPU_STOP is always a normal IRQ */
	}
}

void Arm64V6_12::stop_with_irq_then_nmi(Arm64Shim& k)
{
	const unsigned self = k.smp_processor_id();

	mask = k.cpu_online_mask();
	mask.clear(self);

	if (k.system_state() <= SystemState::running)
		k.pr_crit("SMP: stopping secondary CPUs");

	/*
	 * Start with a normal IPI and wait up to one second: CPUs get the chance to leave their
	 * critical sections (and drop their locks) before anything forces them.
	 */
	k.trace_rung_begin("irq", mask);
	smp_cross_call(k, mask, IPI_CPU_STOP);
	bool stopped = k.spin_poll([&] { return num_other_online_cpus(k) > 0; }, k.config().stop_timeout_us, 1);
	k.trace_rung_end(!stopped);

	/*
	 * If CPUs are still online, try a pseudo-NMI, at most 10 ms.
	 *
	 * NOTE: nothing holds CPUs from coming online meanwhile, so the mask is copied again: a
	 * CPU that came up after the first snapshot is targeted too.
	 */
	if (num_other_online_cpus(k) && ipi_should_be_nmi(k, IPI_CPU_STOP_NMI)) {
		k.smp_rmb("smp_send_stop");
		mask = k.cpu_online_mask();
		mask.clear(self);

		k.pr_info("SMP: retry stop with NMI for CPUs " + mask.to_range_list());
		k.trace_rung_begin("pseudo_nmi", mask);
		smp_cross_call(k, mask, IPI_CPU_STOP_NMI);
		stopped = k.spin_poll([&] { return num_other_online_cpus(k) > 0; }, k.config().nmi_timeout_us, 1);
		k.trace_rung_end(!stopped);
	}
}

void Arm64V6_12::report_failure(Arm64Shim& k)
{
	if (num_other_online_cpus(k)) {
		k.smp_rmb("smp_send_stop");
		mask = k.cpu_online_mask();
		mask.clear(k.smp_processor_id());
		k.pr_warn("SMP: failed to stop secondary CPUs " + mask.to_range_list());
	}
}

void Arm64V6_12::smp_send_stop(Shim& k)
{
	Arm64Shim& a = arm64_shim(k);

	k.trace_stop_begin("smp_send_stop");
	/* Alone (online or not): nothing to send, but the tail still runs. */
	if (num_other_online_cpus(k)) {
		/* Only the first caller proceeds; a second one returns at once, without the tail. */
		if (k.test_and_set_bit(0, stop_in_progress)) {
			k.trace_stop_end();
			return;
		}
		stop_with_irq_then_nmi(a);
		last_resort_rung(a);
		report_failure(a);
	}
	sdei_mask_local_cpu(a);
	k.trace_stop_end();
}

void Arm64V6_12::crash_smp_send_stop(Shim& k)
{
	/* This function can be called twice in the panic path, but only once is needed. */
	if (crash_stop)
		return;
	k.write_once(crash_stop, true);

	k.trace_stop_begin("crash_smp_send_stop");
	smp_send_stop(k);
	sdei_handler_abort(arm64_shim(k));
	k.trace_stop_end();
}

bool Arm64V6_12::smp_crash_stop_failed(Shim& k)
{
	return num_other_online_cpus(k) != 0;
}

void Arm64V6_12::panic_smp_self_stop(Shim& k)
{
	local_cpu_stop(arm64_shim(k), k.smp_processor_id());
}

void Arm64V6_12::ipi_cpu_crash_stop(Arm64Shim& k, unsigned cpu, const Regs& regs)
{
	k.trace_stop_handler("ipi_cpu_crash_stop");
	/*
	 * local_daif_mask(), not local_irq_disable(): the IRQ may get through just as the
	 * initiator times out and sends the pseudo-NMI. Blocking the NMI lets the IRQ finish, and
	 * its pt_regs are the better ones to save.
	 */
	local_daif_mask(k);

	k.crash_save_cpu(regs, cpu);

	/* The ack, after the registers are saved. */
	k.set_cpu_online(cpu, false);

	sdei_mask_local_cpu(k);

	if (k.config().hotplug_cpu)
		cpu_try_die(k, cpu);

	/* just in case the power-off came back */
	cpu_park_loop(k);
}

void Arm64V6_12::do_handle_IPI(Arm64Shim& k, unsigned ipinr, const Regs& regs)
{
	const unsigned cpu = k.smp_processor_id();

	switch (ipinr) {
	case IPI_CPU_STOP:
	case IPI_CPU_STOP_NMI:
		if (k.config().kexec_core && crash_stop)
			ipi_cpu_crash_stop(k, cpu, regs);
		local_cpu_stop(k, cpu);
	case IPI_CPU_BACKTRACE:
		nmi_cpu_backtrace(k, regs);
		break;
	default:
		break;
	}
}

bool Arm64V6_12::trigger_cpumask_backtrace(Shim& k, const CpuMask& mask)
{
	arm64_backtrace_ipi(arm64_shim(k), *this, mask, -1, IPI_CPU_BACKTRACE);
	return true;
}

} // namespace kl::arm64
