// SPDX-License-Identifier: Apache-2.0
#include "sim/run/workload.hpp"
#include "models/common/error.hpp"
#include "kl/panic.hpp"
#include "sim/platform/shim_common.hpp"
#include "sim/scenario/units.hpp"

#include <algorithm>

namespace stopsim {

namespace {

class Runner {
public:
	Runner(Sim& sim, CpuRt& c, WorkloadArch& arch) : m_sim(sim), m_c(c), m_arch(arch), m_pe(*c.pe) {}

	void run(const sc_core::sc_event& booted, const bool& is_booted)
	{
		if (!is_booted)
			sc_core::wait(booted);
		const CpuSpec* spec = m_c.spec;
		if (spec && spec->offline) {
			m_c.state = CpuState::offline;
			m_sim.set_activity(m_c, "powered off");
			for (;;)
				sc_core::wait(m_sim.never);
		}
		if (spec && spec->online_at) {
			m_c.state = CpuState::offline;
			m_sim.set_activity(m_c, "powered off");
			const Ps boot_at = spec->boot_at ? *spec->boot_at : *spec->online_at;
			m_pe.sleep_until(boot_at, &m_sim.never);
			while (now_ps() < boot_at)
				sc_core::wait(ps_time(boot_at - now_ps()));
			m_c.state = CpuState::booting;
			m_sim.set_activity(m_c, "secondary_start_kernel (not yet online)");
			m_booting = true;
			m_arch.secondary_boot(m_c);
			task_wait(*spec->online_at);
			m_booting = false;
			m_arch.secondary_online(m_c);
			m_c.state = CpuState::running;
		}
		if (spec)
			for (size_t i = 0; i < spec->workload.size(); i++) {
				m_step = i;
				step(spec->workload[i]);
			}
		m_step = kNoStep;
		idle(cpu::kForever);
	}

private:
	static constexpr size_t kNoStep = size_t(-1);

	/*
	 * The no-progress limit: every round of a workload loop (a lock round, a wake-up in a spin or
	 * in idle, a failed try for a lock) counts, and kMaxRoundsAtOneInstant rounds in a row at the
	 * same simulated instant end the run as a hang, naming this CPU and its step. Simulated time
	 * only moves when a thread waits, so such a CPU would otherwise keep the host busy forever
	 * (a lock step with hold_us: 0 and store_cycles: 0 repeated forever).
	 */
	void progress()
	{
		const Ps now = now_ps();
		if (now != m_still_at) {
			m_still_at = now;
			m_still_rounds = 0;
			return;
		}
		if (++m_still_rounds < kMaxRoundsAtOneInstant)
			return;
		std::string where = m_booting ? "its secondary boot" : "idle after its workload";
		if (m_step != kNoStep && m_c.spec) {
			const WorkStep& st = m_c.spec->workload[m_step];
			size_t spec_index = 0;
			for (size_t i = 0; i < m_sim.sc.cpu_specs.size(); i++)
				if (&m_sim.sc.cpu_specs[i] == m_c.spec)
					spec_index = i;
			where = "cpus[" + std::to_string(spec_index) + "].workload[" + std::to_string(m_step) + "] (" +
				step_kind(st) + ", line " + std::to_string(st.loc.line) + ")";
		}
		const std::string detail = "no simulated progress: CPU " + std::to_string(m_c.id) + " ran " +
					   std::to_string(kMaxRoundsAtOneInstant) + " rounds of " + where +
					   " without simulated time advancing";
		m_sim.log(int(m_c.id), "sim", "stopsim: " + detail + "; the run ends as a hang");
		m_sim.res.end_at = now;
		m_sim.res.end_how = detail;
		sc_core::sc_stop();
		for (;;)
			sc_core::wait(m_sim.never);
	}

	static std::string step_kind(const WorkStep& st)
	{
		switch (st.kind) {
		case WorkStep::Kind::spin:
			return "spin";
		case WorkStep::Kind::idle:
			return "idle";
		case WorkStep::Kind::el3:
			return "firmware";
		case WorkStep::Kind::lock:
			return "lock " + st.lock;
		}
		return "?";
	}

	Ps next_trigger_at() const
	{
		if (m_c.next_trigger < m_c.triggers.size())
			return m_sim.sc.triggers[m_c.triggers[m_c.next_trigger]].at;
		return cpu::kForever;
	}

	/// At a task-level boundary: run the trigger that is due, if any (never returns).
	void maybe_trigger()
	{
		if (!m_c.frames.empty() || m_c.next_trigger >= m_c.triggers.size())
			return;
		const size_t idx = m_c.triggers[m_c.next_trigger];
		const TriggerSpec& t = m_sim.sc.triggers[idx];
		if (t.at > now_ps())
			return;
		m_c.next_trigger++;
		m_sim.res.triggers[idx].fired = true;
		if (!m_sim.first_trigger_host)
			m_sim.first_trigger_host = std::chrono::steady_clock::now();
		fire(t);
	}

	/// Run a trigger's path. Stops never return; a backtrace returns to the workload.
	void fire(const TriggerSpec& t)
	{
		kl::Shim& k = m_c.shim->kernel();
		kl::PanicHooks hooks;
		hooks.after_stop = [this, &t] { after_stop(t); };
		if (m_sim.collect_trace)
			m_sim.trace('i', int(m_c.id), std::string("trigger: ") + trigger_event_name(t.event), "trigger");
		if (t.event == TriggerSpec::Event::backtrace) {
			const std::string was = m_c.activity;
			m_sim.set_activity(m_c, "nmi_trigger_cpumask_backtrace()");
			kl::CpuMask mask = k.cpu_online_mask();
			if (!t.targets.empty()) {
				mask.clear_all();
				for (unsigned c : t.targets)
					mask.set(c);
			}
			if (!m_sim.variant->trigger_cpumask_backtrace(k, mask))
				m_sim.log(int(m_c.id), "sim", std::string("stopsim: ") + m_sim.variant->name() +
								     " has no NMI backtrace: trigger ignored");
			m_sim.set_activity(m_c, was);
			return;
		}
		const std::string was = m_c.activity;
		m_sim.set_activity(m_c, trigger_event_name(t.event));
		m_c.initiator = true;
		m_console_from = m_sim.res.log.size();
		if (t.context != TriggerSpec::Context::task) {
			const std::optional<kl::Regs> regs = m_arch.enter_context(m_c, t.context);
			if (!regs) {
				m_sim.log(int(m_c.id), "sim", std::string("stopsim: ") + trigger_context_name(t.context) +
								     " context could not be entered: trigger ignored");
				m_c.initiator = false;
				m_sim.set_activity(m_c, was);
				return;
			}
			const bool kdump = t.event == TriggerSpec::Event::kdump;
			if (kdump)
				m_sim.kdump_ran = true;
			/* An IRQ handler calls panic(); NMI-like handlers (NMI, pseudo-NMI, SDEI) nmi_panic(). */
			if (t.context == TriggerSpec::Context::irq)
				kl::panic(k, *m_sim.variant, t.message, kdump, hooks, *regs);
			kl::nmi_panic(k, *m_sim.variant, t.message, kdump, hooks, *regs);
		}
		switch (t.event) {
		case TriggerSpec::Event::panic:
			kl::panic(k, *m_sim.variant, t.message, false, hooks);
		case TriggerSpec::Event::kdump:
			m_sim.kdump_ran = true;
			kl::panic(k, *m_sim.variant, t.message, true, hooks);
		case TriggerSpec::Event::reboot:
			kl::kernel_restart(k, *m_sim.variant, hooks);
		case TriggerSpec::Event::backtrace:
			break;
		}
	}

	/// Spin in task context until `deadline`, taking interrupts the masks allow and running triggers.
	void task_wait(Ps deadline)
	{
		for (;;) {
			progress();
			m_pe.boundary();
			maybe_trigger();
			if (now_ps() >= deadline)
				return;
			m_pe.sleep_until(std::min(deadline, next_trigger_at()));
		}
	}

	void idle(Ps deadline)
	{
		m_sim.set_activity(m_c, "idle (WFI)");
		for (;;) {
			progress();
			m_pe.boundary();
			maybe_trigger();
			if (now_ps() >= deadline)
				return;
			const Ps until = std::min(deadline, next_trigger_at());
			if (m_pe.line_asserted() && !m_pe.exception_ready())
				m_pe.sleep_until(until);
			else
				m_pe.wfi(until);
		}
	}

	void acquire(const std::string& lock)
	{
		for (;;) {
			progress();
			m_pe.boundary();
			maybe_trigger();
			int& holder = m_sim.lock_holder(lock);
			if (holder == -1) {
				m_c.shim->kernel().store("spin_lock", [&] { holder = int(m_c.id); });
				return;
			}
			m_pe.sleep_until(next_trigger_at(), &m_sim.mem_changed);
		}
	}

	void release(const std::string& lock)
	{
		m_c.shim->kernel().store("spin_unlock", [&] { m_sim.lock_holder(lock) = -1; });
	}

	void step(const WorkStep& st)
	{
		switch (st.kind) {
		case WorkStep::Kind::spin: {
			m_arch.mask(m_c, st.mask);
			std::string what = "spin, " + m_arch.mask_text(st.mask);
			if (st.sdei_mask && m_arch.firmware_nmi_mask(m_c))
				what += ", SDEI masked";
			m_sim.set_activity(m_c, what);
			task_wait(st.forever ? cpu::kForever : now_ps() + st.duration);
			if (st.sdei_mask)
				m_arch.firmware_nmi_unmask(m_c);
			m_arch.unmask(m_c);
			break;
		}
		case WorkStep::Kind::idle:
			idle(st.forever ? cpu::kForever : now_ps() + st.duration);
			break;
		case WorkStep::Kind::el3:
			m_sim.set_activity(m_c, "stuck in EL3 (SMC not returning)");
			m_arch.stuck_in_firmware(m_c, st.forever ? cpu::kForever : now_ps() + st.duration);
			break;
		case WorkStep::Kind::lock:
			for (uint64_t round = 0; st.repeat_forever || round < st.repeat; round++) {
				m_arch.mask(m_c, st.mask);
				m_sim.set_activity(m_c, "spin_lock(" + st.lock + "), " + m_arch.mask_text(st.mask));
				acquire(st.lock);
				m_sim.set_activity(m_c, "holding " + st.lock + ", " + m_arch.mask_text(st.mask));
				task_wait(now_ps() + st.hold);
				release(st.lock);
				m_arch.unmask(m_c);
				if (st.gap) {
					m_sim.set_activity(m_c, "spin, " + m_arch.mask_text(MaskKind::none));
					task_wait(now_ps() + st.gap);
				} else {
					/* Even with no gap the unlock and relock are separate steps: a boundary. */
					m_pe.boundary();
					maybe_trigger();
				}
			}
			break;
		}
	}

	/// Printk levels only: the simulator's, the fault injector's and the firmware's lines are
	/// not kernel log records and never reach the console.
	static bool kernel_record(const LogLine& l)
	{
		return l.level != "sim" && l.level != "fault" && l.level != "el3";
	}

	/// The records a console step writes (counted into the report), and the report's totals.
	ConsoleResult& console_records(const AfterStopAction& a, uint64_t& n, uint64_t& bytes)
	{
		n = bytes = 0;
		for (size_t i = m_console_from; i < m_sim.res.log.size(); i++) {
			const LogLine& l = m_sim.res.log[i];
			if (l.cpu == int(m_c.id) && kernel_record(l)) {
				n++;
				bytes += l.text.size() + 1;
			}
		}
		m_console_from = m_sim.res.log.size();
		if (!m_sim.res.console) {
			m_sim.res.console.emplace();
			m_sim.res.console->lock = a.lock;
			m_sim.res.console->driver = a.console == AfterStopAction::Console::cancel ? "cancel" : "write";
		}
		ConsoleResult& cr = *m_sim.res.console;
		cr.writes += n;
		cr.bytes += bytes;
		return cr;
	}

	/*
	 * A console write step while a panic is in progress: the serial drivers' console_write under
	 * oops_in_progress (serial8250_console_write, qcom_geni_serial_console_write, ...) only tries
	 * the port lock, and writes whether or not it got it. The records written are the kernel log
	 * lines this CPU printed since its trigger fired and no earlier console step wrote (what
	 * console_flush_on_panic() finds pending). Without the lock the output goes out unguarded:
	 * `write` drivers wait for the FIFO and send it whole, `cancel` drivers (qcom-geni before
	 * 9e957a155005) first cancel the transfer in flight, which cuts short the holder's record
	 * and, one after another, every record of the flush but the last.
	 */
	void console_write(const AfterStopAction& a)
	{
		m_sim.set_activity(m_c, "after stop: console write, spin_trylock(" + a.lock + ")");
		int& holder = m_sim.lock_holder(a.lock);
		const int held_by = holder;
		const bool locked = held_by == -1;
		if (locked)
			m_c.shim->kernel().store("spin_trylock", [&] { holder = int(m_c.id); });

		uint64_t n = 0, bytes = 0;
		ConsoleResult& cr = console_records(a, n, bytes);
		if (!locked) {
			const bool cancel = a.console == AfterStopAction::Console::cancel;
			const bool stopped = held_by != int(m_c.id) && m_sim.cpu_stopped(m_sim.cpus[size_t(held_by)]);
			const uint64_t garbled = cancel && n > 0 ? n - 1 : 0;
			cr.unlocked_writes += n;
			cr.unlocked_bytes += bytes;
			cr.garbled_writes += garbled;
			if (!cr.holder) {
				cr.holder = unsigned(held_by);
				cr.holder_stopped = stopped;
			}
			const std::string who = held_by == int(m_c.id) ? "this CPU itself (interrupted)"
					       : stopped ? "stopped CPU " + std::to_string(held_by)
							 : "CPU " + std::to_string(held_by) + " (running)";
			auto records = [](uint64_t k) { return std::to_string(k) + (k == 1 ? " record" : " records"); };
			std::string text = "stopsim: console: trylock of " + a.lock + " failed (oops_in_progress; held by " +
					   who + "): " + records(n) + " (" + std::to_string(bytes) +
					   " bytes) written without the lock";
			if (cancel)
				text += "; each write cancels the transfer still in the FIFO, so the holder's record and " +
					std::to_string(garbled) + " of these are cut short";
			m_sim.log(int(m_c.id), "sim", text);
			if (stopped)
				m_sim.violations.push_back({"no_lock_held_by_stopped_cpu", false,
							    "CPU " + std::to_string(m_c.id) + "'s console write found " + a.lock +
								    " held by stopped CPU " + std::to_string(held_by) +
								    " and wrote without it"});
		}
		m_sim.set_activity(m_c, locked ? "after stop: console write, holding " + a.lock
					       : "after stop: console write without " + a.lock);
		if (a.hold) {
			const Ps until = now_ps() + a.hold;
			while (now_ps() < until)
				m_pe.sleep_until(until, &m_sim.never);
		}
		if (locked)
			release(a.lock);
	}

	/// kmsg_dump()/console flush after the stop: take the locks the scenario names.
	void after_stop(const TriggerSpec& t)
	{
		for (const AfterStopAction& a : t.after_stop) {
			if (a.console != AfterStopAction::Console::none && m_sim.ks.oops_in_progress > 0) {
				console_write(a);
				continue;
			}
			m_sim.set_activity(m_c, "after stop: spin_lock(" + a.lock + ")");
			const Ps start = now_ps();
			for (;;) {
				int& holder = m_sim.lock_holder(a.lock);
				if (holder == -1 || holder == int(m_c.id)) {
					m_c.shim->kernel().store("spin_lock", [&] { holder = int(m_c.id); });
					break;
				}
				const CpuRt& h = m_sim.cpus[size_t(holder)];
				if (m_sim.cpu_stopped(h)) {
					if (!a.bust_after) {
						m_sim.declare_deadlock(m_c.id, a.lock, holder);
						for (;;)
							sc_core::wait(m_sim.never);
					}
					const Ps bust_at = std::max(start + *a.bust_after, now_ps());
					m_pe.sleep_until(bust_at, &m_sim.never);
					m_sim.log(int(m_c.id), "sim",
						  "stopsim: busting " + a.lock + ", held by stopped CPU " + std::to_string(holder));
					m_c.shim->kernel().store("lock bust", [&] { m_sim.lock_holder(a.lock) = int(m_c.id); });
					break;
				}
				m_pe.sleep_until(cpu::kForever, &m_sim.mem_changed);
			}
			if (a.console != AfterStopAction::Console::none) {
				/* No panic in progress (a reboot): the console write took its port lock. */
				uint64_t n = 0, bytes = 0;
				console_records(a, n, bytes);
			}
			m_sim.set_activity(m_c, "after stop: holding " + a.lock);
			if (a.hold) {
				const Ps until = now_ps() + a.hold;
				while (now_ps() < until)
					m_pe.sleep_until(until, &m_sim.never);
			}
			release(a.lock);
		}
	}

	Sim& m_sim;
	CpuRt& m_c;
	WorkloadArch& m_arch;
	cpu::PeBase& m_pe;
	size_t m_step = kNoStep;
	size_t m_console_from = 0; ///< the first log line a console step has not written yet
	bool m_booting = false;
	Ps m_still_at = 0;
	uint64_t m_still_rounds = 0;
};

} // namespace

std::optional<kl::Regs> WorkloadArch::enter_context(CpuRt& c, TriggerSpec::Context)
{
	internal_error(__FILE__, __LINE__, "CPU " + std::to_string(c.id) + ": trigger context not modelled on this architecture");
}

void cpu_main(Sim& sim, CpuRt& c, WorkloadArch& arch, const sc_core::sc_event& booted, const bool& is_booted)
{
	Runner(sim, c, arch).run(booted, is_booted);
}

} // namespace stopsim
