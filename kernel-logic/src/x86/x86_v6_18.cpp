// SPDX-License-Identifier: Apache-2.0
// x86 v6.18 stop_this_cpu(): whether the CPU writes back and invalidates its caches is a per-CPU
// flag, set at boot on CPUs whose caches may hold incoherent lines (SME-capable parts; TDX hosts
// after a SEAMCALL), instead of a CPUID test at stop time. The changelog of that change spells out
// the late-ack race of the v6.5 algorithm: a CPU that acked through the REBOOT vector and halted
// is woken by the NMI the initiator sent on a stale read of the mask, and goes through
// stop_this_cpu() again, WBINVD included, while the initiator, finding the mask already empty,
// leaves its NMI wait at once and carries on (to kexec, or the end of the panic).
#include "kl/x86/x86_eras.hpp"

namespace kl::x86 {

void X86V6_18::cpu_up(Shim& k)
{
	/* Boot: the CPU's caches may be incoherent (SME support; TDX is not modelled). */
	if (k.config().x86_sme) {
		const unsigned cpu = k.smp_processor_id();
		k.store("this_cpu_write cache_state_incoherent", [&] { cache_state_incoherent.set(cpu); });
	}
}

void X86V6_18::stop_this_cpu(X86Shim& k)
{
	const unsigned cpu = k.smp_processor_id();

	k.trace_stop_handler("stop_this_cpu");
	k.local_irq_disable();
	k.set_cpu_online(cpu, false);
	k.disable_local_APIC();
	k.mcheck_cpu_clear();
	/* The flag is read, not cleared: every pass through here flushes again. */
	if (cache_state_incoherent.test(cpu))
		k.native_wbinvd();
	/* The ack, after the flush. */
	k.cpumask_test_and_clear_cpu(cpu, cpus_stop_mask);
	halt_forever(k);
}

} // namespace kl::x86
