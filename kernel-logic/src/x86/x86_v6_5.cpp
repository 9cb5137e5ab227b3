// SPDX-License-Identifier: Apache-2.0
// x86 v6.5+ native_stop_other_cpus() (1f5e7eb7868e, Thomas Gleixner, 2023): the ack moves to
// cpus_stop_mask, cleared by each CPU only after its WBINVD, and the NMI goes only to the CPUs
// that have not reported. Also v6.15 (fe37c699ae3e): the kdump NMI handler in the emergency slot.
#include "kl/x86/x86_eras.hpp"

namespace kl::x86 {

void X86V6_5::native_stop_other_cpus(X86Shim& k, int wait)
{
	const unsigned self = k.smp_processor_id();

	k.trace_stop_begin("native_stop_other_cpus");
	if (k.config().reboot_force) {
		k.trace_stop_end();
		return;
	}
	/* Only proceed if this is the first CPU to reach this code (now unconditional). */
	if (k.atomic_cmpxchg(stopping_cpu, -1, int(self)) != -1) {
		k.trace_stop_end();
		return;
	}

	/* cpus_stop_mask is the ack channel: each CPU clears its bit only when it is done. */
	k.store("cpumask_copy", [&] {
		cpus_stop_mask = k.cpu_online_mask();
		cpus_stop_mask.clear(self);
	});

	if (!cpus_stop_mask.empty()) {
		k.trace_rung_begin("irq", cpus_stop_mask);
		k.send_IPI_allbutself(REBOOT_VECTOR);
		const bool ok = k.spin_poll([&] { return !cpus_stop_mask.empty(); }, k.config().stop_timeout_us, 1);
		k.trace_rung_end(!ok);
	}

	if (!cpus_stop_mask.empty()) {
		bool rung = false;
		if (!k.config().nonmi_ipi && register_nmi_handler(k, "smp_stop", true) == 0) {
			k.pr_emerg("Shutting down cpus with NMI");
			/*
			 * for_each_cpu() over the live mask, after the registration and the printk: only
			 * the CPUs which have not reported by the time the loop reads their bit get the
			 * NMI. A CPU that acks after that read and halts is woken by it (the late-ack
			 * race, bug 8). The rung is traced from the first NMI, to the CPUs left then.
			 */
			for (unsigned cpu = cpus_stop_mask.next(0); cpu < kMaxCpus; cpu = cpus_stop_mask.next(cpu + 1)) {
				if (!rung) {
					CpuMask t = cpus_stop_mask;
					t.set(cpu);
					k.trace_rung_begin("nmi", t);
					rung = true;
				}
				k.send_IPI(cpu, NMI_VECTOR);
			}
		}
		/* wait=1 may wait forever here (reboot). */
		const bool ok = k.spin_poll([&] { return !cpus_stop_mask.empty(); }, wait ? kPollForever : k.config().nmi_timeout_us, 1);
		if (rung)
			k.trace_rung_end(!ok);
	}

	k.disable_local_APIC();
	k.mcheck_cpu_clear();
	/* Pull the lines back: the mask is dead from here on. */
	k.store("cpumask_clear", [&] { cpus_stop_mask.clear_all(); });
	k.trace_stop_end();
}

void X86V6_5::stop_this_cpu(X86Shim& k)
{
	const unsigned cpu = k.smp_processor_id();

	k.trace_stop_handler("stop_this_cpu");
	k.local_irq_disable();
	k.set_cpu_online(cpu, false);
	/* A software-disabled APIC still takes NMIs (SDM). */
	k.disable_local_APIC();
	k.mcheck_cpu_clear();
	/* Incoherent cache lines (SME) must reach memory before the CPU is reported stopped. */
	if (k.config().x86_sme)
		k.native_wbinvd();
	/* The ack, only now. */
	k.cpumask_test_and_clear_cpu(cpu, cpus_stop_mask);
	halt_forever(k);
}

} // namespace kl::x86
