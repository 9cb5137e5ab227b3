// SPDX-License-Identifier: Apache-2.0
// arm64-sdei-v1 (3 Jun 2026): the SDEI rung only on the kdump path, after the v6.12 ladder.
// Each target has a request word and an ack word; the handler saves registers, goes offline,
// acks, and parks inside the event, which it never completes.
#include "kl/arm64/arm64_sdei.hpp"
#include "kl/nmi_backtrace.hpp"

namespace kl::arm64 {

void Arm64SdeiV1::crash_smp_send_stop(Shim& k)
{
	Arm64Shim& a = arm64_shim(k);

	if (crash_stop)
		return;
	k.write_once(crash_stop, true);

	k.trace_stop_begin("crash_smp_send_stop");
	smp_send_stop(k);
	/* Last resort for whatever the IRQ and pseudo-NMI could not reach. */
	sdei_nmi_crash_smp_send_stop(a);
	sdei_handler_abort(a);
	k.trace_stop_end();
}

bool Arm64SdeiV1::sdei_nmi_crash_smp_send_stop(Arm64Shim& k)
{
	if (!sdei_nmi_available)
		return false;

	CpuMask m = k.cpu_online_mask();
	m.clear(k.smp_processor_id());
	if (m.empty())
		return true;

	if (requested.size() < k.nr_cpu_ids()) {
		requested.assign(k.nr_cpu_ids(), 0);
		acked.assign(k.nr_cpu_ids(), 0);
	}
	m.for_each([&](unsigned cpu) {
		k.write_once(acked[cpu], 0ul);
		k.write_once(requested[cpu], 1ul);
	});
	k.smp_wmb();

	k.trace_rung_begin("sdei", m);
	m.for_each([&](unsigned cpu) { sdei_nmi_fire(k, cpu); });

	auto pending = [&] {
		unsigned n = 0;
		m.for_each([&](unsigned cpu) { n += acked[cpu] == 0; });
		return n;
	};
	const bool all = k.spin_poll([&] { return pending() != 0; }, k.config().sdei_timeout_us, 1);
	k.trace_rung_end(!all);

	if (const unsigned left = pending())
		k.pr_warn("sdei_nmi: crash_stop: " + std::to_string(left) + " CPU(s) did not ack within 100ms");
	return true;
}

int Arm64SdeiV1::sdei_event_handler(Arm64Shim& k, const Regs& regs)
{
	const unsigned cpu = k.smp_processor_id();

	if (cpu < requested.size() && requested[cpu]) {
		k.trace_stop_handler("sdei_nmi_handler");
		k.write_once(requested[cpu], 0ul);
		k.crash_save_cpu(regs, cpu);
		k.set_cpu_online(cpu, false);
		k.smp_wmb();
		k.write_once(acked[cpu], 1ul);
		/* Park inside the event: completing it would resume the wedged context. */
		cpu_park_loop(k);
	}
	nmi_cpu_backtrace(k, regs);
	return SDEI_EV_HANDLED;
}

} // namespace kl::arm64
