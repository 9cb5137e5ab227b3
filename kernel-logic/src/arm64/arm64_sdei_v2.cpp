// SPDX-License-Identifier: Apache-2.0
// arm64-sdei-v2 (9 Jun 2026, seed thread 001): the SDEI rung moves into smp_send_stop(), so it
// covers panic, reboot and kdump. The requested CPUs are ORed into a global mask that each target
// test-and-clears; sdei_nmi_stop_cpus() signals first and says afterwards whether it did, so the
// "retry" line follows the signal.
#include "kl/arm64/arm64_sdei.hpp"
#include "kl/nmi_backtrace.hpp"

namespace kl::arm64 {

bool Arm64SdeiV2::sdei_nmi_stop_cpus(Arm64Shim& k, const CpuMask& m)
{
	if (!sdei_nmi_available)
		return false;

	k.trace_rung_begin("sdei", m);
	/* Accumulate, never replace: bits of earlier requests stay until their target clears them. */
	k.plain_store("cpumask_or", [this, m] { sdei_nmi_stop_mask = sdei_nmi_stop_mask | m; });
	k.smp_wmb("sdei_nmi_stop_cpus");
	m.for_each([&](unsigned cpu) { sdei_nmi_fire(k, cpu); });
	return true;
}

void Arm64SdeiV2::last_resort_rung(Arm64Shim& k)
{
	if (!num_other_online_cpus(k))
		return;
	/* re-snapshot after the rungs above took CPUs offline */
	k.smp_rmb("smp_send_stop");
	mask = k.cpu_online_mask();
	mask.clear(k.smp_processor_id());

	if (sdei_nmi_stop_cpus(k, mask)) {
		k.pr_info("SMP: retry stop with SDEI NMI for CPUs " + mask.to_range_list());
		const bool stopped = k.spin_poll([&] { return num_other_online_cpus(k) > 0; }, k.config().sdei_timeout_us, 1);
		k.trace_rung_end(!stopped);
	}
}

void Arm64SdeiV2::arm64_nmi_cpu_stop(Arm64Shim& k, const Regs& regs)
{
	const unsigned cpu = k.smp_processor_id();

	k.trace_stop_handler("arm64_nmi_cpu_stop");
	local_daif_mask(k);
	if (k.config().kexec_core && crash_stop)
		k.crash_save_cpu(regs, cpu);
	/* the ack the stop requester polls for */
	k.set_cpu_online(cpu, false);
	sdei_mask_local_cpu(k);
	/* No CPU_OFF: the event is never completed, so EL3 still holds it. */
	cpu_park_loop(k);
}

int Arm64SdeiV2::sdei_event_handler(Arm64Shim& k, const Regs& regs)
{
	if (k.cpumask_test_and_clear_cpu(k.smp_processor_id(), sdei_nmi_stop_mask))
		arm64_nmi_cpu_stop(k, regs);
	nmi_cpu_backtrace(k, regs);
	return SDEI_EV_HANDLED;
}

} // namespace kl::arm64
