// SPDX-License-Identifier: Apache-2.0
// x86 v3.5 native_stop_other_cpus() (7d007d21e539, seed 002): the REBOOT_VECTOR IRQ is a sync
// point that lets CPUs leave their critical sections; only CPUs still up after 1 s get the NMI.
// With wait set (reboot), the first loop has no timeout, so the NMI is never tried (bug 6).
#include "kl/x86/x86_eras.hpp"

namespace kl::x86 {

void X86V3_5::native_stop_other_cpus(X86Shim& k, int wait)
{
	const unsigned self = k.smp_processor_id();

	k.trace_stop_begin("native_stop_other_cpus");
	if (k.config().reboot_force) {
		k.trace_stop_end();
		return;
	}
	if (k.num_online_cpus() > 1) {
		/* did someone beat us here? */
		if (k.atomic_cmpxchg(stopping_cpu, -1, int(self)) != -1) {
			k.trace_stop_end();
			return;
		}
		/* sync above data before sending IRQ */
		k.smp_wmb("native_stop_other_cpus");
		/* Up to one second for the others to finish their work; forever when asked to wait. */
		broadcast_and_wait_offline(k, "irq", REBOOT_VECTOR, wait ? kPollForever : k.config().stop_timeout_us);
	}

	/* if the REBOOT_VECTOR didn't work, try with the NMI */
	if (k.num_online_cpus() > 1 && !k.config().nonmi_ipi) {
		if (register_nmi_handler(k, "smp_stop", true) == 0) {
			k.smp_wmb("native_stop_other_cpus");
			k.pr_emerg("Shutting down cpus with NMI");
			broadcast_and_wait_offline(k, "nmi", NMI_VECTOR, wait ? kPollForever : k.config().nmi_timeout_us);
		}
	}
	/* finish: */
	k.disable_local_APIC();
	k.mcheck_cpu_clear();
	k.trace_stop_end();
}

} // namespace kl::x86
