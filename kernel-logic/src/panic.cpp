// SPDX-License-Identifier: Apache-2.0
// panic() and kernel_restart(), in the order kernel/panic.c and kernel/reboot.c run the steps
// that matter to a stop: the panic_cpu race, the crash kernel, the stop, the console.
#include "kl/panic.hpp"

#include <stdexcept>

namespace kl {

const char* level_name(Level l)
{
	static const char* names[] = {"emerg", "alert", "crit", "err", "warning", "notice", "info", "debug"};
	return names[static_cast<int>(l)];
}

const char* ctx_name(Ctx c)
{
	switch (c) {
	case Ctx::task:
		return "task";
	case Ctx::irq:
		return "irq";
	case Ctx::nmi:
		return "nmi";
	case Ctx::sdei:
		return "sdei";
	}
	return "?";
}

void panic(Shim& k, StopVariant& v, const std::string& msg, bool kdump_loaded, const PanicHooks& hooks)
{
	const unsigned this_cpu = k.smp_processor_id();

	k.local_irq_disable();

	/*
	 * Only one CPU runs the panic path. A CPU that loses the race (and is not already the
	 * panicking CPU, re-entering) stops itself here.
	 */
	const int old_cpu = k.atomic_cmpxchg(k.ks().panic_cpu, -1, int(this_cpu));
	if (old_cpu != -1 && old_cpu != int(this_cpu))
		v.panic_smp_self_stop(k);

	k.pr_emerg("Kernel panic - not syncing: " + msg);

	if (kdump_loaded) {
		/* __crash_kexec() -> machine_crash_shutdown() -> machine_kexec() */
		v.crash_smp_send_stop(k);
		k.crash_save_cpu(Regs{true, Ctx::task, "panic"}, this_cpu);
		if (v.smp_crash_stop_failed(k))
			k.pr_warn("Some CPUs may be stale, kdump will be unreliable.");
		if (!hooks.kexec_returns)
			k.machine_end(MachineEnd::kexec);
		/* The crash kernel did not take over: the panic ends in an emergency restart. */
		k.pr_emerg("---[ end Kernel panic - not syncing: " + msg + " ]---");
		v.emergency_restart(k);
		k.machine_end(MachineEnd::restart);
	}

	v.smp_send_stop(k);

	if (hooks.after_stop)
		hooks.after_stop();

	k.pr_emerg("---[ end Kernel panic - not syncing: " + msg + " ]---");
	k.machine_end(MachineEnd::panic_halt);
}

void nmi_panic(Shim& k, StopVariant& v, const std::string& msg, bool kdump_loaded, const PanicHooks& hooks,
	       const Regs& regs)
{
	const int this_cpu = int(k.smp_processor_id());
	const int old_cpu = k.atomic_cmpxchg(k.ks().panic_cpu, -1, this_cpu);
	if (old_cpu == -1 || old_cpu == this_cpu)
		panic(k, v, msg, kdump_loaded, hooks);
	v.nmi_panic_self_stop(k, regs);
	throw std::logic_error("nmi_panic_self_stop() returned");
}

void kernel_restart(Shim& k, StopVariant& v, const PanicHooks& hooks)
{
	/* kernel_restart_prepare(): the state moves before the stop, so it prints no "stopping" line. */
	k.store("system_state", [&] { k.ks().system_state = SystemState::restart; });
	k.pr_emerg("reboot: Restarting system");
	v.machine_restart(k);
	if (hooks.after_stop)
		hooks.after_stop();
	k.machine_end(MachineEnd::restart);
}

} // namespace kl
