// SPDX-License-Identifier: Apache-2.0
// x86 v3.3/v3.4 native_stop_other_cpus(): stop everyone with an NMI straight away. The CPUs are
// frozen wherever they are, spinlocks held included (the pstore problem that v3.5 answered).
#include "kl/x86/x86_eras.hpp"

namespace kl::x86 {

void X86V3_3::native_irq_stop_other_cpus(X86Shim& k, int wait)
{
	/* The IRQ-only routine the nonmi_ipi parameter selects: no stopping_cpu guard. */
	if (k.num_online_cpus() > 1)
		broadcast_and_wait_offline(k, "irq", REBOOT_VECTOR, wait ? kPollForever : k.config().stop_timeout_us);
}

void X86V3_3::native_stop_other_cpus(X86Shim& k, int wait)
{
	k.trace_stop_begin("native_stop_other_cpus");
	if (k.config().reboot_force) {
		k.trace_stop_end();
		return;
	}
	if (k.config().nonmi_ipi) {
		native_irq_stop_other_cpus(k, wait);
	} else if (k.num_online_cpus() > 1) {
		/* did someone beat us here? */
		if (k.atomic_cmpxchg(stopping_cpu, -1, int(k.smp_processor_id())) != -1) {
			k.trace_stop_end();
			return;
		}
		/* No fallback at all if the handler cannot be registered. */
		if (register_nmi_handler(k, "smp_stop", true)) {
			k.trace_stop_end();
			return;
		}
		k.smp_wmb("native_stop_other_cpus");
		broadcast_and_wait_offline(k, "nmi", NMI_VECTOR, wait ? kPollForever : k.config().stop_timeout_us);
	}
	/* local_irq_save(); disable_local_APIC(); local_irq_restore() */
	k.disable_local_APIC();
	k.trace_stop_end();
}

} // namespace kl::x86
