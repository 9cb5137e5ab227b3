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

const char* cost_name(Cost c)
{
	switch (c) {
	case Cost::irq_entry:
		return "irq_entry";
	case Cost::backtrace_dump:
		return "backtrace_dump";
	}
	return "?";
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

void warn_splat(Shim& k, const char* file, const char* func, const std::string& msg)
{
	k.pr_warn("------------[ cut here ]------------");
	if (!msg.empty())
		k.pr_warn(msg);
	k.pr_warn("WARNING: CPU: " + std::to_string(k.smp_processor_id()) + " at " + file + " " + func);
	k.pr_warn("---[ end trace 0000000000000000 ]---");
}

namespace {

/// __crash_kexec(): with a crash kernel loaded, machine_crash_shutdown() and machine_kexec(),
/// which does not return. Without one it does nothing.
void crash_kexec(Shim& k, StopVariant& v, bool kdump_loaded, const Regs& regs)
{
	if (!kdump_loaded)
		return;
	v.machine_crash_shutdown(k, regs);
	v.machine_kexec(k);
}

} // namespace

void panic(Shim& k, StopVariant& v, const std::string& msg, bool kdump_loaded, const PanicHooks& hooks,
	   const Regs& regs)
{
	const unsigned this_cpu = k.smp_processor_id();
	/* Read once at entry: the option may change while we are here. */
	const bool post_notifiers = k.config().crash_kexec_post_notifiers;

	k.local_irq_disable();

	/*
	 * Only one CPU runs the panic path. A CPU that loses the race (and is not already the
	 * panicking CPU, re-entering) stops itself here.
	 */
	const int old_cpu = k.atomic_cmpxchg(k.ks().panic_cpu, -1, int(this_cpu));
	if (old_cpu != -1 && old_cpu != int(this_cpu))
		v.panic_smp_self_stop(k);

	/*
	 * bust_spinlocks(1): from here on the console drivers only try their port locks. A plain
	 * ++ in the kernel; uncosted here, as nothing polls it and only this CPU's console path
	 * reads it (so that it shifts no timing).
	 */
	k.ks().oops_in_progress++;

	k.pr_emerg("Kernel panic - not syncing: " + msg);

	/* The crash kernel first, unless the notifiers are to run before it. */
	if (!post_notifiers)
		crash_kexec(k, v, kdump_loaded, Regs{true, regs.taken_as, "panic"});

	/* panic_other_cpus_shutdown(): the crash flavour of the stop when kdump is to follow. */
	if (!post_notifiers)
		v.smp_send_stop(k);
	else
		v.crash_smp_send_stop(k);

	/* Notifiers, kmsg_dump() and the console flush. */
	if (hooks.after_stop)
		hooks.after_stop();

	if (post_notifiers)
		crash_kexec(k, v, kdump_loaded, Regs{true, regs.taken_as, "panic"});

	const unsigned timeout_s = k.config().panic_timeout_s;
	if (timeout_s > 0) {
		k.pr_emerg("Rebooting in " + std::to_string(timeout_s) + " seconds..");
		/* mdelay() steps with the watchdog touched; no timers after a panic. */
		k.mdelay(uint64_t(timeout_s) * 1000);
		/* Not a clean reboot: nothing is shut down, but the machine comes back. */
		v.emergency_restart(k);
		k.machine_end(MachineEnd::restart);
	}

	k.pr_emerg("---[ end Kernel panic - not syncing: " + msg + " ]---");
	k.machine_end(MachineEnd::panic_halt);
}

void nmi_panic(Shim& k, StopVariant& v, const std::string& msg, bool kdump_loaded, const PanicHooks& hooks,
	       const Regs& regs)
{
	const int this_cpu = int(k.smp_processor_id());
	const int old_cpu = k.atomic_cmpxchg(k.ks().panic_cpu, -1, this_cpu);
	if (old_cpu == -1 || old_cpu == this_cpu)
		panic(k, v, msg, kdump_loaded, hooks, regs);
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
