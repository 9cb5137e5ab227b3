// SPDX-License-Identifier: Apache-2.0
// The kernel API shim: what the stop algorithms may call, with the kernel's own names.
// One instance per simulated CPU. No SystemC types here: the engine implements it on the
// models, tests implement it with a fake.
#pragma once
#include "kl/cpumask.hpp"

#include <cstdint>
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

namespace kl {

constexpr uint64_t USEC_PER_MSEC = 1000;
constexpr uint64_t USEC_PER_SEC = 1000000;

/// printk levels (KERN_EMERG .. KERN_DEBUG).
enum class Level { emerg = 0, alert, crit, err, warning, notice, info, debug };
const char* level_name(Level l);

/// enum system_states, in the kernel's order (the comparisons depend on it).
enum class SystemState { booting, scheduling, running, halt, power_off, restart, suspend };

/// The context a CPU executes in.
enum class Ctx { task, irq, nmi, sdei };
const char* ctx_name(Ctx c);

/// struct pt_regs, as far as the simulator needs it: what was interrupted and how we got in.
struct Regs {
	bool valid = false;
	Ctx taken_as = Ctx::task;   ///< the exception that captured these registers
	std::string where;          ///< the interrupted activity, e.g. "spin, DAIF.I set"
};

/// Kernel work whose modelled cost the shim charges as one lump (kernel.costs in a scenario).
enum class Cost {
	irq_entry,      ///< exception vector to the handler body (costs.irq_entry_cycles)
	backtrace_dump, ///< one CPU's stack dumped to the console (costs.backtrace_cycles)
};
const char* cost_name(Cost c);

/// How the system leaves Linux at the end of a trigger's path.
enum class MachineEnd { panic_halt, restart, kexec };

/// How the SDEI stop handler ends (the A/B experiments of June 2026, docs/reference/algorithms.md section 1.6).
enum class SdeiStopEpilogue { park, cpu_off, complete_then_park };

/// Build and boot options that change the algorithms (Kconfig and command line).
struct KernelConfig {
	bool pseudo_nmi = false;   ///< CONFIG_ARM64_PSEUDO_NMI=y and irqchip.gicv3_pseudo_nmi=1
	bool kexec_core = true;    ///< CONFIG_KEXEC_CORE
	bool hotplug_cpu = true;   ///< CONFIG_HOTPLUG_CPU
	bool prio_2024 = true;     ///< GIC priority constants: the 2024 set, or the older one
	uint64_t stop_timeout_us = USEC_PER_SEC;       ///< first (IRQ) rung
	uint64_t nmi_timeout_us = 10 * USEC_PER_MSEC;  ///< NMI rung
	uint64_t crash_timeout_us = USEC_PER_SEC;      ///< crash-stop IPI wait
	uint64_t sdei_timeout_us = 100 * USEC_PER_MSEC;///< SDEI rung
	SdeiStopEpilogue sdei_stop_epilogue = SdeiStopEpilogue::park;
	bool nonmi_ipi = false;    ///< x86 boot parameter nonmi_ipi (smp_no_nmi_ipi)
	bool reboot_force = false; ///< x86 reboot=force: stop nothing
	bool x86_sme = false;      ///< x86 CPUs may hold incoherent lines (SME): WBINVD in stop_this_cpu
	/// Boot parameter crash_kexec_post_notifiers: panic() stops the CPUs with crash_smp_send_stop(),
	/// runs the notifiers and kmsg_dump(), and only then tries the crash kernel.
	bool crash_kexec_post_notifiers = false;
	/// panic= (CONFIG_PANIC_TIMEOUT) in seconds: > 0 waits that long after the panic, then
	/// emergency_restart(); 0 stays in the panic loop.
	unsigned panic_timeout_s = 0;
	/// x86: KVM is loaded and has registered its emergency "disable virtualization" callback (the
	/// v6.6+ condition of the NMI shootdown on an emergency restart; older eras test CPU support).
	bool x86_kvm = false;
	/// Barriers removed from the build, as "barrier@function" (e.g. "smp_rmb@smp_send_stop"): the
	/// named barrier does nothing in that kernel function (kernel.elide_barriers). Kernel logic
	/// names the site with the Linux function the barrier sits in.
	std::vector<std::string> elide_barriers;
	/// Which elide_barriers entries removed a barrier in this run (the engine warns of the others).
	mutable std::vector<bool> elide_used;
	bool barrier_elided(const char* barrier, const char* site) const
	{
		if (elide_barriers.empty() || !site)
			return false;
		const std::string key = std::string(barrier) + "@" + site;
		for (size_t i = 0; i < elide_barriers.size(); i++) {
			if (elide_barriers[i] == key) {
				elide_used.resize(elide_barriers.size());
				elide_used[i] = true;
				return true;
			}
		}
		return false;
	}
};

/// A poll budget that never runs out (the x86 `wait` loops).
constexpr uint64_t kPollForever = UINT64_MAX;

/// Kernel globals every era shares (cpu_online_mask and its counter, panic_cpu, system_state).
struct KernelState {
	CpuMask cpu_online_mask;
	unsigned num_online = 0;      ///< the separate counter num_online_cpus() reads
	int panic_cpu = -1;           ///< PANIC_CPU_INVALID
	SystemState system_state = SystemState::running;
	unsigned long backtrace_flag = 0; ///< lib/nmi_backtrace.c: bit 0 = a request is in flight
	CpuMask backtrace_mask;           ///< CPUs still to print their backtrace
	bool sdei_mask_warned = false;    ///< pr_warn_once() of a failed SDEI PE_MASK (one per boot)
	bool sdei_unmask_warned = false;  ///< ... and of a failed PE_UNMASK
	/// lib/bust_spinlocks.c's counter, raised by panic() and never lowered on that path: while it
	/// is non-zero the serial console drivers only *try* their port lock (console_write paths).
	int oops_in_progress = 0;
};

class Shim {
public:
	virtual ~Shim() = default;

	// Identity and configuration.
	virtual unsigned smp_processor_id() const = 0;
	virtual unsigned nr_cpu_ids() const = 0;
	virtual const KernelConfig& config() const = 0;
	virtual KernelState& ks() = 0;

	// Console.
	virtual void printk(Level level, const std::string& text) = 0;
	void pr_emerg(const std::string& t) { printk(Level::emerg, t); }
	void pr_crit(const std::string& t) { printk(Level::crit, t); }
	void pr_err(const std::string& t) { printk(Level::err, t); }
	void pr_warn(const std::string& t) { printk(Level::warning, t); }
	void pr_info(const std::string& t) { printk(Level::info, t); }

	// Time.
	virtual void udelay(uint64_t us) = 0;
	virtual void mdelay(uint64_t ms) = 0;
	/// The kernel's `while (pending() && budget--) udelay(1);` (unit_us = 1) or the mdelay(1)
	/// form (unit_us = 1000): at most `budget` delays, and `pending()` checked up to budget+1 times,
	/// each check costing its modelled cycles. Returns true when `pending()` was seen false.
	virtual bool spin_poll(const std::function<bool()>& pending, uint64_t budget, uint64_t unit_us) = 0;
	/// Charge the modelled cost of a piece of kernel work the algorithms do not spell out.
	virtual void cost(Cost what) = 0;

	// Shared memory. Reads are plain; every write goes through here so that pollers see it.
	virtual void set_cpu_online(unsigned cpu, bool online) = 0;
	virtual void store(const char* what, const std::function<void()>& write) = 0;
	/// A plain (non-atomic) store: WRITE_ONCE, cpumask_or. Other CPUs may see it late when the
	/// platform models store visibility; `write` must capture by value.
	virtual void plain_store(const char* what, std::function<void()> write) { store(what, write); }
	virtual void smp_mb() = 0;
	/// raw_spin_lock()/unlock() on a named kernel lock (spins; a lock held by a stopped CPU, or by
	/// this CPU itself, never comes free).
	virtual void raw_spin_lock(const std::string& name) = 0;
	virtual void raw_spin_unlock(const std::string& name) = 0;
	/// raw_spin_trylock() (and down_trylock() on a semaphore used as a lock, console_sem): take
	/// the lock if it is free and return true; never waits.
	virtual bool raw_spin_trylock(const std::string& name) = 0;
	/// Record a broken kernel invariant for the report (list corruption and the like).
	virtual void report_invariant(const std::string& name, const std::string& detail) = 0;
	virtual void smp_rmb() = 0;
	virtual void smp_wmb() = 0;
	/// The barriers as written in a named kernel function: nothing at all when the scenario
	/// elides that barrier there (KernelConfig::elide_barriers), else the barrier.
	void smp_rmb(const char* site) { if (!config().barrier_elided("smp_rmb", site)) smp_rmb(); }
	void smp_wmb(const char* site) { if (!config().barrier_elided("smp_wmb", site)) smp_wmb(); }
	void smp_mb(const char* site) { if (!config().barrier_elided("smp_mb", site)) smp_mb(); }
	template <class T> void write_once(T& var, T v) { plain_store("WRITE_ONCE", [&var, v] { var = v; }); }
	bool test_and_clear_bit(unsigned nr, unsigned long& word)
	{
		bool old = false;
		store("test_and_clear_bit", [&] { old = word & (1ul << nr); word &= ~(1ul << nr); });
		return old;
	}
	void clear_bit(unsigned nr, unsigned long& word) { store("clear_bit", [&] { word &= ~(1ul << nr); }); }
	/// cpumask_test_and_clear_cpu(): atomic.
	bool cpumask_test_and_clear_cpu(unsigned cpu, CpuMask& m)
	{
		bool old = false;
		store("cpumask_test_and_clear_cpu", [&] { old = m.test(cpu); m.clear(cpu); });
		return old;
	}
	bool test_and_set_bit(unsigned nr, unsigned long& word)
	{
		bool old = false;
		store("test_and_set_bit", [&] { old = word & (1ul << nr); word |= 1ul << nr; });
		return old;
	}
	void atomic_set(int& v, int i) { store("atomic_set", [&] { v = i; }); }
	void atomic_dec(int& v) { store("atomic_dec", [&] { --v; }); }
	int atomic_cmpxchg(int& v, int old, int neu)
	{
		int seen = 0;
		store("atomic_cmpxchg", [&] { seen = v; if (v == old) v = neu; });
		return seen;
	}

	// Interrupt masking, as the architecture implements it.
	virtual void local_irq_disable() = 0;
	virtual void local_irq_enable() = 0;

	// Context bookkeeping (irq_enter / nmi_enter and friends).
	virtual void irq_enter() = 0;
	virtual void irq_exit() = 0;
	virtual void nmi_enter() = 0;
	virtual void nmi_exit() = 0;
	/// The registers of the interrupted context (get_irq_regs()).
	virtual Regs get_irq_regs() = 0;

	// Crash dump and the end of the road.
	virtual void crash_save_cpu(const Regs& regs, unsigned cpu) = 0;
	/// The system leaves Linux (kexec, restart, or the panic loop). Never returns.
	[[noreturn]] void machine_end(MachineEnd how)
	{
		do_machine_end(how);
		throw std::logic_error("machine_end() returned");
	}

	// Tracepoints for the report (no effect on the algorithm).
	virtual void trace_stop_begin(const char* fn) = 0;
	virtual void trace_stop_end() = 0;
	virtual void trace_rung_begin(const char* rung, const CpuMask& targets) = 0;
	virtual void trace_rung_end(bool timed_out) = 0;
	/// A stop handler starts on this CPU (used for the nesting invariant).
	virtual void trace_stop_handler(const char* fn) = 0;

protected:
	virtual void do_machine_end(MachineEnd how) = 0;

public:
	/*
	 * Loads of the online counter and mask, as this CPU sees them. The engine's shims apply the
	 * memory-ordering model (docs/models/memory-ordering.md): a load not ordered after this CPU's
	 * earlier accesses may return an older value. The defaults read the current values.
	 */
	virtual unsigned load_num_online() { return ks().num_online; }
	virtual const CpuMask& load_online_mask() { return ks().cpu_online_mask; }
	virtual bool load_cpu_online(unsigned cpu) { return ks().cpu_online_mask.test(cpu); }

	// Helpers every architecture uses.
	unsigned num_online_cpus() const { return const_cast<Shim*>(this)->load_num_online(); }
	const CpuMask& cpu_online_mask() { return load_online_mask(); }
	bool cpu_online(unsigned cpu) { return load_cpu_online(cpu); }
	SystemState system_state() { return ks().system_state; }
};

} // namespace kl
