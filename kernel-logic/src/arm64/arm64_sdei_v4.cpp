// SPDX-License-Identifier: Apache-2.0
// arm64-sdei-v4 (17 Jun 2026) and, by its barrier alone, v5 (26 Jun 2026). A stop is terminal and
// system-wide, so a write-once flag replaces the mask: once set, every event-0 fire means "stop".
// The service is checked before the "retry" line, the line is logged, then the CPUs are signalled.
// One stop function serves every entry: IPI, pseudo-NMI, SDEI, and the panic self-stop.
#include "kl/arm64/arm64_sdei.hpp"
#include "kl/nmi_backtrace.hpp"

namespace kl::arm64 {

void Arm64SdeiV4::sdei_nmi_stop_cpus(Arm64Shim& k, const CpuMask& m)
{
	k.write_once(sdei_nmi_stopping, true);
	/* Make the flag visible before the targets can take the event (v4: smp_wmb; v5: dsb ishst). */
	publish_barrier(k);
	m.for_each([&](unsigned cpu) { sdei_nmi_fire(k, cpu); });
}

void Arm64SdeiV4::last_resort_rung(Arm64Shim& k)
{
	/* Ask first whether the service is there, then log, then signal. */
	if (!num_other_online_cpus(k) || !sdei_nmi_available)
		return;
	k.smp_rmb("smp_send_stop");
	mask = k.cpu_online_mask();
	mask.clear(k.smp_processor_id());

	k.pr_info("SMP: retry stop with SDEI NMI for CPUs " + mask.to_range_list());
	k.trace_rung_begin("sdei", mask);
	sdei_nmi_stop_cpus(k, mask);
	/* 100 ms: one firmware round trip per CPU, with headroom */
	const bool stopped = k.spin_poll([&] { return num_other_online_cpus(k) > 0; }, k.config().sdei_timeout_us, 1);
	k.trace_rung_end(!stopped);
}

void Arm64SdeiV4::arm64_nmi_cpu_stop(Arm64Shim& k, const Regs* regs, bool die_on_crash)
{
	const unsigned cpu = k.smp_processor_id();
	const bool crash = k.config().kexec_core && crash_stop;
	const bool from_sdei = regs && regs->taken_as == Ctx::sdei;

	k.trace_stop_handler("arm64_nmi_cpu_stop");
	/* First, for every caller: a late pseudo-NMI must not interrupt a stop already under way. */
	local_daif_mask(k);

	if (crash && regs)
		k.crash_save_cpu(*regs, cpu);

	k.set_cpu_online(cpu, false);

	sdei_mask_local_cpu(k);

	/* The epilogue experiments of the SDEI stop (park is the series' choice). */
	if (from_sdei && k.config().sdei_stop_epilogue == SdeiStopEpilogue::complete_then_park)
		sdei_handler_abort(k);

	if (crash && die_on_crash)
		cpu_try_die(k, cpu);

	/* just in case */
	cpu_park_loop(k);
}

void Arm64SdeiV4::panic_smp_self_stop(Shim& k)
{
	arm64_nmi_cpu_stop(arm64_shim(k), nullptr, false);
}

void Arm64SdeiV4::do_handle_IPI(Arm64Shim& k, unsigned ipinr, const Regs& regs)
{
	switch (ipinr) {
	case IPI_CPU_STOP:
	case IPI_CPU_STOP_NMI:
		arm64_nmi_cpu_stop(k, &regs, true);
	case IPI_CPU_BACKTRACE:
		nmi_cpu_backtrace(k, regs);
		break;
	default:
		break;
	}
}

int Arm64SdeiV4::sdei_event_handler(Arm64Shim& k, const Regs& regs)
{
	/* No smp_rmb(): the handler runs only after a firmware round trip that follows the store. */
	if (sdei_nmi_stopping)
		arm64_nmi_cpu_stop(k, &regs, k.config().sdei_stop_epilogue == SdeiStopEpilogue::cpu_off);
	nmi_cpu_backtrace(k, regs);
	return SDEI_EV_HANDLED;
}

} // namespace kl::arm64
