// SPDX-License-Identifier: Apache-2.0
// x86 v5.3 native_stop_other_cpus() (d92e35b76cfc, Grzegorz Halat, 2019): the REBOOT_VECTOR wait
// is always 1 s, so the NMI fallback runs whenever CPUs remain; the second loop still waits
// forever when asked to (reboot), by design. The ack is still the online count.
#include "kl/x86/x86_eras.hpp"

namespace kl::x86 {

void X86V5_3::native_stop_other_cpus(X86Shim& k, int wait)
{
	const unsigned self = k.smp_processor_id();

	k.trace_stop_begin("native_stop_other_cpus");
	if (k.config().reboot_force) {
		k.trace_stop_end();
		return;
	}
	if (k.num_online_cpus() > 1) {
		if (k.atomic_cmpxchg(stopping_cpu, -1, int(self)) != -1) {
			k.trace_stop_end();
			return;
		}
		k.smp_wmb("native_stop_other_cpus");
		/* Always one second here, whatever wait says. */
		broadcast_and_wait_offline(k, "irq", REBOOT_VECTOR, k.config().stop_timeout_us);
	}

	if (k.num_online_cpus() > 1) {
		/* register_stop_handler() */
		if (!k.config().nonmi_ipi && register_nmi_handler(k, "smp_stop", true) == 0) {
			k.smp_wmb("native_stop_other_cpus");
			k.pr_emerg("Shutting down cpus with NMI");
			CpuMask t = k.cpu_online_mask();
			t.clear(self);
			k.trace_rung_begin("nmi", t);
			k.send_IPI_allbutself(NMI_VECTOR);
		} else {
			CpuMask t = k.cpu_online_mask();
			t.clear(self);
			k.trace_rung_begin("nmi", t); /* nothing sent: the wait below is all there is */
		}
		/* Don't wait longer than 10 ms unless the caller asked to wait. */
		const bool ok = k.spin_poll([&] { return k.num_online_cpus() > 1; }, wait ? kPollForever : k.config().nmi_timeout_us, 1);
		k.trace_rung_end(!ok);
	}
	k.disable_local_APIC();
	k.mcheck_cpu_clear();
	k.trace_stop_end();
}

} // namespace kl::x86
