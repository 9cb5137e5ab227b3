// SPDX-License-Identifier: Apache-2.0
// The SDEI cross-CPU NMI service (drivers/firmware/arm_sdei_nmi.c in the 2026 series) as every
// posted version shares it: event 0 registered and enabled on each CPU, fire = SDEI_EVENT_SIGNAL,
// and backtraces raised through it. (The SDEI rung itself is each version's last_resort_rung().)
#include "kl/arm64/arm64_sdei.hpp"
#include "kl/nmi_backtrace.hpp"

namespace kl::arm64 {

void Arm64SdeiNmi::cpu_up(Shim& k)
{
	Arm64Shim& a = arm64_shim(k);
	Arm64Variant::cpu_up(k); /* the SDEI driver unmasks this PE */

	/* v4 bails out quietly when firmware has no SDEI; earlier versions try and fail. */
	if (checks_presence() && !a.sdei_firmware_present())
		return;
	m_tried = true;
	/* event 0 is private: the registration reaches every CPU through a cross-call */
	long err = a.smc(SDEI_1_0_FN_SDEI_EVENT_REGISTER, SDEI_NMI_EVENT, 0, 0);
	if (!a.sdei_firmware_present())
		err = -kEIO;
	else if (err < 0)
		err = sdei_to_linux_errno(err);
	if (err) {
		m_registered_everywhere = false;
		m_register_failed = true;
		m_register_error = err;
		return;
	}
	err = a.smc(SDEI_1_0_FN_SDEI_EVENT_ENABLE, SDEI_NMI_EVENT, 0, 0);
	if (err) {
		m_registered_everywhere = false;
		m_register_error = sdei_to_linux_errno(err);
	}
}

void Arm64SdeiNmi::late_init(Shim& k)
{
	if (!m_tried)
		return;
	if (!m_registered_everywhere) {
		/* sdei_event_register() itself warns first (drivers/firmware/arm_sdei.c). */
		if (m_register_failed)
			k.pr_warn("sdei: Failed to register event 0: " + std::to_string(m_register_error));
		k.pr_err("sdei_nmi: sdei_event_register(0) failed: " + std::to_string(m_register_error));
		return;
	}
	k.write_once(sdei_nmi_available, true);
	k.pr_info("sdei_nmi: using SDEI cross-CPU NMI (SDEI_EVENT_SIGNAL, event 0)");
}

void Arm64SdeiNmi::sdei_nmi_fire(Arm64Shim& k, unsigned cpu)
{
	const long err = k.smc(SDEI_1_0_FN_SDEI_EVENT_SIGNAL, SDEI_NMI_EVENT, k.cpu_logical_map(cpu), 0);
	if (err)
		k.pr_err("sdei_nmi: SDEI_EVENT_SIGNAL to CPU " + std::to_string(cpu) + " failed: " +
			 std::to_string(sdei_to_linux_errno(err)));
}

bool Arm64SdeiNmi::trigger_cpumask_backtrace(Shim& k, const CpuMask& mask)
{
	Arm64Shim& a = arm64_shim(k);
	/* Prefer the SDEI provider: it reaches CPUs with interrupts masked. */
	if (!sdei_nmi_available)
		return Arm64V6_12::trigger_cpumask_backtrace(k, mask);
	nmi_trigger_cpumask_backtrace(k, mask, -1, [&](const CpuMask& targets) {
		backtrace_barrier(a);
		targets.for_each([&](unsigned cpu) { sdei_nmi_fire(a, cpu); });
	});
	return true;
}

} // namespace kl::arm64
