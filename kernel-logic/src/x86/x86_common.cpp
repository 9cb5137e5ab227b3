// SPDX-License-Identifier: Apache-2.0
// What every x86 era shares: NMI handler registration and dispatch, the REBOOT vector, the
// stopped CPU's HLT loop, and the kdump NMI shootdown with crash_nmi_callback().
#include "kl/x86/x86.hpp"
#include "kl/panic.hpp"

#include <algorithm>
#include <stdexcept>

namespace kl::x86 {

X86Shim& x86_shim(Shim& k)
{
	auto* x = dynamic_cast<X86Shim*>(&k);
	if (!x)
		throw std::logic_error("x86 kernel logic driven through a non-x86 shim");
	return *x;
}

bool X86Variant::nmi_handler_registered(const std::string& name) const
{
	return std::find(nmi_local.begin(), nmi_local.end(), name) != nmi_local.end();
}

int X86Variant::register_nmi_handler(X86Shim& k, const std::string& name, bool first)
{
	k.raw_spin_lock("nmi_desc_lock");
	if (nmi_handler_registered(name)) {
		/* list_add() of an action already on the list: the list is corrupted from here on. */
		k.report_invariant("nmi_handler_list_intact", "NMI handler \"" + name + "\" registered twice on CPU " +
								      std::to_string(k.smp_processor_id()));
	}
	k.store("nmi_desc list_add_rcu", [&] {
		if (first)
			nmi_local.insert(nmi_local.begin(), name);
		else
			nmi_local.push_back(name);
	});
	k.raw_spin_unlock("nmi_desc_lock");
	return 0;
}

void X86Variant::unregister_nmi_handler(X86Shim& k, const std::string& name)
{
	k.raw_spin_lock("nmi_desc_lock");
	k.store("nmi_desc list_del_rcu", [&] {
		auto it = std::find(nmi_local.begin(), nmi_local.end(), name);
		if (it != nmi_local.end())
			nmi_local.erase(it);
	});
	k.raw_spin_unlock("nmi_desc_lock");
}

void X86Variant::broadcast_and_wait_offline(X86Shim& k, const char* rung, unsigned vector, uint64_t budget)
{
	CpuMask targets = k.cpu_online_mask();
	targets.clear(k.smp_processor_id());
	k.trace_rung_begin(rung, targets);
	k.send_IPI_allbutself(vector);
	const bool stopped = k.spin_poll([&] { return k.num_online_cpus() > 1; }, budget, 1);
	k.trace_rung_end(!stopped);
}

void X86Variant::halt_forever(X86Shim& k)
{
	k.trace_parked();
	for (;;)
		k.native_halt();
}

void X86Variant::stop_this_cpu(X86Shim& k)
{
	/* The v3.x .. v6.4 order: offline (the ack) first, everything else after. */
	k.trace_stop_handler("stop_this_cpu");
	k.local_irq_disable();
	k.set_cpu_online(k.smp_processor_id(), false);
	k.disable_local_APIC();
	k.mcheck_cpu_clear();
	if (k.config().x86_sme)
		k.native_wbinvd();
	halt_forever(k);
}

bool X86Variant::smp_stop_nmi_callback(X86Shim& k, const Regs&)
{
	/* Registered on the stopping CPU too: an NMI there is not a stop request. */
	if (int(k.smp_processor_id()) == stopping_cpu)
		return true;
	if (disables_virtualization_on_stop())
		k.cpu_emergency_disable_virtualization();
	stop_this_cpu(k);
	throw std::logic_error("stop_this_cpu() returned");
}

void X86Variant::handle_interrupt(X86Shim& k, unsigned vector, const Regs&)
{
	if (vector != REBOOT_VECTOR) {
		k.apic_eoi();
		return;
	}
	/* sysvec_reboot */
	k.apic_eoi();
	if (disables_virtualization_on_stop())
		k.cpu_emergency_disable_virtualization();
	stop_this_cpu(k);
}

void X86Variant::handle_nmi(X86Shim& k, const Regs& regs)
{
	k.nmi_enter();
	/* default_do_nmi(): the emergency handler, if set, runs instead of the list. */
	if (emergency_handler) {
		crash_nmi_callback(k, regs); /* returns only on the crashing CPU: NMI_HANDLED */
		k.nmi_exit();
		return;
	}
	bool handled = false;
	const std::vector<std::string> handlers = nmi_local;
	for (const std::string& h : handlers) {
		if (h == "smp_stop") {
			handled = smp_stop_nmi_callback(k, regs) || handled;
		} else if (h == "crash") {
			crash_nmi_callback(k, regs); /* returns only on the crashing CPU: NMI_HANDLED */
			handled = true;
		}
	}
	if (!handled && !crash_ipi_issued) {
		k.pr_emerg("Uhhuh. NMI received for unknown reason 00 on CPU " + std::to_string(k.smp_processor_id()) + ".");
		k.pr_emerg("Dazed and confused, but trying to continue");
	}
	k.nmi_exit();
}

void X86Variant::crash_nmi_callback(X86Shim& k, const Regs& regs)
{
	const unsigned cpu = k.smp_processor_id();
	/* The crashing CPU may take NMIs too (the NMI watchdog, say): ignore those. */
	if (int(cpu) == crashing_cpu)
		return;
	k.trace_stop_handler("crash_nmi_callback");
	k.local_irq_disable();
	if (shootdown_kdump) {
		/* kdump_nmi_callback() */
		k.crash_save_cpu(regs, cpu);
		k.disable_local_APIC();
	}
	k.cpu_emergency_disable_virtualization();
	k.atomic_dec(waiting_for_crash_ipi);
	halt_forever(k);
}

void X86Variant::nmi_shootdown_cpus(X86Shim& k, bool kdump_callback)
{
	const unsigned self = k.smp_processor_id();

	k.local_irq_disable();
	if (crash_ipi_issued && refuses_second_shootdown()) {
		/* A second shootdown would register the handler again: refuse it, warning once. (The
		   restart path never gets here: it checks the flag itself.) */
		if (!warned_twice) {
			k.write_once(warned_twice, true);
			warn_splat(k, "arch/x86/kernel/reboot.c", "nmi_shootdown_cpus", "");
		}
		return;
	}
	k.write_once(crashing_cpu, int(self));
	k.write_once(shootdown_kdump, kdump_callback);
	k.atomic_set(waiting_for_crash_ipi, int(k.num_online_cpus()) - 1);

	if (uses_emergency_nmi_handler()) {
		/* set_emergency_nmi_handler(): a lock-free store, usable from NMI context. */
		k.write_once(emergency_handler, true);
		k.smp_wmb("nmi_shootdown_cpus");
	} else {
		/* May deadlock if we interrupted someone holding the descriptor lock (bug 9). */
		if (register_nmi_handler(k, "crash", true))
			return;
		k.smp_wmb("nmi_shootdown_cpus");
	}

	CpuMask targets = k.cpu_online_mask();
	targets.clear(self);
	k.trace_rung_begin("nmi", targets);
	k.send_IPI_allbutself(NMI_VECTOR);

	/* Let CPUs already looping in NMI context know (they cannot take this NMI). */
	k.write_once(crash_ipi_issued, true);

	/* msecs = 1000 (kernel.timeouts.crash_us, in whole milliseconds) */
	const bool acked = k.spin_poll([&] { return waiting_for_crash_ipi > 0; }, k.config().crash_timeout_us / 1000, 1000);
	k.trace_rung_end(!acked);
	/* The handler stays installed. */
}

void X86Variant::crash_smp_send_stop(Shim& k)
{
	X86Shim& x = x86_shim(k);
	if (cpus_stopped)
		return;
	k.write_once(cpus_stopped, 1);
	k.trace_stop_begin("crash_smp_send_stop");
	/* kdump_nmi_shootdown_cpus() */
	nmi_shootdown_cpus(x, true);
	x.disable_local_APIC();
	k.trace_stop_end();
}

void X86Variant::emergency_restart(Shim& k)
{
	X86Shim& x = x86_shim(k);
	/* emergency_reboot_disable_virtualization(): VMX and SVM block INIT, so every CPU must
	   leave them before the reset; NMIs are the only IPI that still works. */
	k.local_irq_disable();
	if (restart_shootdown_needs_kvm() && !k.config().x86_kvm)
		return; /* v6.6+: nobody enabled virtualization */
	x.cpu_emergency_disable_virtualization();
	/* v6.2+ nmi_shootdown_cpus_on_restart(): nothing to do if a shootdown already ran. */
	if (refuses_second_shootdown() && crash_ipi_issued)
		return;
	nmi_shootdown_cpus(x, false);
}

void X86Variant::panic_smp_self_stop(Shim& k)
{
	for (;;)
		k.spin_poll([] { return true; }, kPollForever, 1);
}

void X86Variant::nmi_panic_self_stop(Shim& k, const Regs& regs)
{
	X86Shim& x = x86_shim(k);
	if (!polls_crash_ipi_issued()) {
		panic_smp_self_stop(k);
		throw std::logic_error("panic_smp_self_stop() returned");
	}
	/* Looping in NMI context: no shootdown NMI can reach us, so watch for the flag instead. */
	k.spin_poll([&] { return !crash_ipi_issued; }, kPollForever, 1);
	crash_nmi_callback(x, regs);
	panic_smp_self_stop(k);
	throw std::logic_error("panic_smp_self_stop() returned");
}

} // namespace kl::x86
