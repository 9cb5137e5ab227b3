// SPDX-License-Identifier: Apache-2.0
// Builds the platform from a scenario (models + kernel shims + faults), runs it, and turns what
// happened into a RunResult: outcome, rungs, per-CPU states, log, invariants.
#include "sim/run/engine.hpp"
#include "models/common/error.hpp"
#include "sim/report/expect.hpp"
#include "sim/platform/platform.hpp"
#include "sim/platform/shim_common.hpp"
#include "srcmode/source.hpp"

#include <algorithm>
#include <chrono>

namespace stopsim {

// ---- Sim helpers ----

void Sim::log(int cpu, const std::string& level, const std::string& text)
{
	res.log.push_back(LogLine{now_ps(), cpu, level, text});
	if (collect_trace)
		trace('i', cpu < 0 ? 0 : cpu, text, "log", {{"level", level}});
}

void Sim::trace(char ph, int tid, const std::string& name, const std::string& cat, std::map<std::string, std::string> args,
		Ps dur)
{
	TraceEvent e;
	e.ph = ph;
	e.tid = tid;
	e.ts = now_ps();
	e.dur = dur;
	e.name = name;
	e.cat = cat;
	e.args = std::move(args);
	res.trace.push_back(std::move(e));
}

void Sim::set_activity(CpuRt& c, const std::string& what)
{
	if (collect_trace && c.activity != what) {
		const Ps now = now_ps();
		TraceEvent e;
		e.ph = 'X';
		e.tid = int(c.id);
		e.ts = c.activity_since;
		e.dur = now - c.activity_since;
		e.name = c.activity;
		e.cat = "activity";
		if (e.dur)
			res.trace.push_back(e);
		c.activity_since = now;
	}
	c.activity = what;
}

static void snapshot_left(Sim& s)
{
	s.left_at_end.assign(s.cpus.size(), false);
	for (const CpuRt& c : s.cpus) {
		// The CPU whose path ended the run is not "left online"; in a hang (no path ended) neither
		// are the CPUs still in their own stop path: they are the ones doing the stopping.
		if (int(c.id) == s.end_cpu || c.state == CpuState::offline || (!s.ended && c.initiator))
			continue;
		if (!s.cpu_stopped(c))
			s.left_at_end[c.id] = true;
	}
}

void Sim::machine_end(unsigned cpu, const std::string& how)
{
	if (ended)
		return;
	ended = true;
	end_cpu = int(cpu);
	res.end_at = now_ps();
	res.end_how = how;
	snapshot_left(*this);
	/* A reset ends everything at once; after kexec or the panic loop the other CPUs live on a while. */
	events->schedule_in(how == "restart" ? 0 : sc.settle, [] { sc_core::sc_stop(); });
}

void Sim::declare_deadlock(unsigned cpu, const std::string& lock, int holder)
{
	const std::string detail = "CPU " + std::to_string(cpu) + " needs " + lock +
				   (holder == int(cpu) ? ", which it holds itself (interrupted)"
						       : ", held by stopped CPU " + std::to_string(holder));
	violations.push_back({"no_lock_held_by_stopped_cpu", false, detail});
	log(int(cpu), "sim", "stopsim: deadlock: " + detail);
	if (ended)
		return;
	deadlock = true;
	deadlock_detail = detail;
	ended = true;
	end_cpu = int(cpu);
	res.end_at = now_ps();
	res.end_how = "deadlock";
	snapshot_left(*this);
	events->schedule_in(sc.settle, [] { sc_core::sc_stop(); });
}

namespace {

kl::KernelConfig kernel_config(const Scenario& sc)
{
	kl::KernelConfig k;
	k.pseudo_nmi = sc.pseudo_nmi;
	k.kexec_core = sc.kexec_core;
	k.hotplug_cpu = sc.hotplug_cpu;
	k.prio_2024 = sc.gic_prio_2024;
	if (sc.stop_timeout)
		k.stop_timeout_us = *sc.stop_timeout / kPsPerUs;
	if (sc.nmi_timeout)
		k.nmi_timeout_us = *sc.nmi_timeout / kPsPerUs;
	if (sc.crash_timeout)
		k.crash_timeout_us = *sc.crash_timeout / kPsPerUs;
	if (sc.sdei_timeout)
		k.sdei_timeout_us = *sc.sdei_timeout / kPsPerUs;
	k.nonmi_ipi = sc.nonmi_ipi;
	k.reboot_force = sc.reboot_force;
	k.x86_sme = sc.x86_sme;
	k.x86_kvm = sc.x86_kvm;
	k.crash_kexec_post_notifiers = sc.crash_kexec_post_notifiers;
	k.panic_timeout_s = unsigned(sc.panic_timeout_s);
	k.elide_barriers = sc.elide_barriers;
	k.sdei_stop_epilogue = sc.sdei_stop_epilogue == "cpu_off"             ? kl::SdeiStopEpilogue::cpu_off
			       : sc.sdei_stop_epilogue == "complete_then_park" ? kl::SdeiStopEpilogue::complete_then_park
									       : kl::SdeiStopEpilogue::park;
	return k;
}

void finish(Sim& s, const Platform& platform)
{
	RunResult& r = s.res;
	const Scenario& sc = s.sc;
	r.sim_ps = now_ps();
	r.events = s.events->fired();

	if (!s.ended) {
		/* The simulated-time limit: whatever is still waiting waits forever. */
		s.end_cpu = -1;
		snapshot_left(s);
	}

	// Which trigger's path ended the run, and its stop span.
	int primary = -1;
	for (size_t i = 0; i < sc.triggers.size(); i++) {
		if (!r.triggers[i].fired || sc.triggers[i].event == TriggerSpec::Event::backtrace)
			continue;
		if (s.end_cpu >= 0 && sc.triggers[i].cpu == unsigned(s.end_cpu)) {
			primary = int(i);
			break;
		}
		if (primary < 0 || sc.triggers[i].at < sc.triggers[size_t(primary)].at)
			primary = int(i);
	}
	r.primary_trigger = primary;
	if (primary >= 0) {
		const CpuRt& c = s.cpus[sc.triggers[size_t(primary)].cpu];
		r.stop_begin = c.shim->stop_begin();
		r.stop_end = c.shim->stop_end();
	}
	for (size_t i = 0; i < sc.triggers.size(); i++) {
		if (r.triggers[i].fired)
			continue;
		const CpuRt& c = s.cpus[sc.triggers[i].cpu];
		/* The run covers [0, limits.max_sim_ms): the simulation stops before anything due at the
		 * limit itself runs, so a trigger due at or after it never fires. */
		if (!s.ended && r.end_how.empty() && sc.triggers[i].at >= sc.max_sim)
			r.triggers[i].note = "due at or after the simulated-time limit (limits.max_sim_ms)";
		else if (sc.triggers[i].at > r.sim_ps)
			r.triggers[i].note = "the run ended first";
		else if (c.state == CpuState::offline)
			r.triggers[i].note = "CPU offline";
		else if (s.cpu_stopped(c))
			r.triggers[i].note = "CPU already stopped";
		else
			r.triggers[i].note = "CPU busy in another path";
	}

	// Outcome.
	for (size_t i = 0; i < s.left_at_end.size(); i++)
		if (s.left_at_end[i])
			r.cpus_left_online.push_back(unsigned(i));
	if (s.deadlock)
		r.outcome = "deadlock";
	else if (!s.ended)
		r.outcome = "hang";
	else if (!r.cpus_left_online.empty())
		r.outcome = "cpus_left_online";
	else
		r.outcome = "all_stopped";

	// Per-CPU states.
	for (const CpuRt& c : s.cpus) {
		CpuResult cr;
		cr.cpu = c.id;
		cr.online = s.ks.cpu_online_mask.test(c.id);
		cr.stopped_by = c.stopped_by;
		cr.stopped_at = c.stopped_at;
		cr.crash_regs_saved = c.crash_saved;
		cr.crash_regs_from = c.crash_from;
		cr.activity = c.activity;
		cr.left_running = c.id < s.left_at_end.size() && s.left_at_end[c.id];
		cr.stop_entries = c.stop_entries;
		platform.describe_cpu(c.id, cr);
		switch (c.state) {
		case CpuState::offline:
			cr.final_state = "offline";
			break;
		case CpuState::booting:
		case CpuState::running:
			cr.final_state = "running";
			break;
		case CpuState::parked:
			cr.final_state = "parked";
			break;
		case CpuState::off:
			cr.final_state = "off";
			break;
		case CpuState::wedged:
			cr.final_state = "el3_wedged";
			break;
		case CpuState::ended:
			cr.final_state = "ended";
			break;
		}
		r.cpu_states.push_back(cr);
	}

	// Invariants.
	auto add = [&](const std::string& name, bool ok, const std::string& detail) {
		r.invariants.push_back({name, ok, detail});
	};
	add("stop_returned", s.ended && !s.deadlock,
	    s.deadlock		 ? s.deadlock_detail
	    : s.ended		 ? "the trigger's path reached its end"
	    : !r.end_how.empty() ? r.end_how /* the no-progress limit (sim/run/workload.cpp) */
				 : "simulated-time limit reached");
	{
		std::string who;
		for (unsigned c : r.cpus_left_online)
			who += (who.empty() ? "" : ",") + std::to_string(c);
		add("no_cpu_running_after_stop", r.cpus_left_online.empty(),
		    who.empty() ? "every other CPU stopped" : "still running: CPUs " + who);
	}
	if (s.kdump_ran) {
		std::string missing;
		for (const CpuRt& c : s.cpus)
			if (c.state != CpuState::offline && !c.crash_saved && c.ever_online)
				missing += (missing.empty() ? "" : ",") + std::to_string(c.id);
		add("crash_regs_saved", missing.empty(), missing.empty() ? "every CPU saved its registers" : "missing: CPUs " + missing);
	} else {
		add("crash_regs_saved", true, "not a kdump run");
	}
	auto first_violation = [&](const std::string& name) -> const InvariantResult* {
		for (const auto& v : s.violations)
			if (v.name == name)
				return &v;
		return nullptr;
	};
	for (const char* name : {"no_nmi_nested_in_stop_handler", "no_lock_held_by_stopped_cpu"}) {
		if (const auto* v = first_violation(name))
			add(name, false, v->detail);
		else
			add(name, true, "");
	}
	// Whatever else the kernel logic reported broken (list corruption, ...), once per name.
	for (const auto& v : s.violations) {
		bool listed = false;
		for (const auto& iv : r.invariants)
			listed = listed || iv.name == v.name;
		if (!listed)
			add(v.name, false, v.detail);
	}

	evaluate_expectations(sc, r);
}

} // namespace

Platform* make_platform(Sim& sim)
{
	if (sim.sc.arch == "arm64")
		return make_arm64_platform(sim);
	if (sim.sc.arch == "x86")
		return make_x86_platform(sim);
	if (sim.sc.arch == "riscv")
		return make_riscv_platform(sim);
	internal_error(__FILE__, __LINE__, "no platform for arch " + sim.sc.arch);
}

RunResult run_scenario(const Scenario& sc, uint64_t seed, const RunOptions& opts)
{
	const auto t0 = std::chrono::steady_clock::now();
	/*
	 * SystemC keeps its processes until the process exits; the platform and the state they
	 * reference therefore live as long (and stay reachable) rather than being torn down here.
	 */
	static Sim* s_sim = nullptr;
	STOPSIM_ASSERT(s_sim == nullptr, "run_scenario() called twice in one process");
	s_sim = new Sim(sc, seed, kernel_config(sc));
	Sim& sim = *s_sim;
	sim.collect_trace = opts.collect_trace;
	sim.vcd = opts.vcd;
	RunResult& r = sim.res;
	if (!sc.kernel_source.empty()) {
		srcmode::SourceInfo si;
		sim.variant = srcmode::make_source_variant(sc.arch, sc.kernel_source, sc.kernel_manifest, sim.kcfg, &si);
		r.kernel_source = si.tree;
		r.kernel_version = si.version;
		r.kernel_code_hash = si.code_hash;
	} else {
		sim.variant = kl::make_variant(sc.variant);
	}
	STOPSIM_ASSERT(sim.variant != nullptr, "validated variant not found");
	r.scenario = sc.name;
	r.file = first_invalid_utf8(sc.file) ? message_file_name(sc.file) : sc.file; // the JSON report is UTF-8
	r.seed = seed;
	r.arch = sc.arch;
	r.variant = sc.variant;
	r.cpus = sc.cpus;
	r.clock_hz = sc.clock_hz;
	for (const TriggerSpec& t : sc.triggers)
		r.triggers.push_back({t.cpu, trigger_event_name(t.event), t.at, false, ""});

	static Platform* s_platform = make_platform(sim);
	// Each CPU's triggers, in time order (ties: scenario order).
	for (size_t i = 0; i < sc.triggers.size(); i++)
		sim.cpus[sc.triggers[i].cpu].triggers.push_back(i);
	for (CpuRt& c : sim.cpus)
		std::stable_sort(c.triggers.begin(), c.triggers.end(),
				 [&](size_t a, size_t b) { return sc.triggers[a].at < sc.triggers[b].at; });

	const auto t1 = std::chrono::steady_clock::now();
	sc_core::sc_start(ps_time(sc.max_sim));
	const auto t2 = std::chrono::steady_clock::now();
	r.host_sim_ns = uint64_t(std::chrono::duration_cast<std::chrono::nanoseconds>(t2 - t1).count());
	if (sim.first_trigger_host)
		r.host_stop_ns = uint64_t(std::chrono::duration_cast<std::chrono::nanoseconds>(t2 - *sim.first_trigger_host).count());
	finish(sim, *s_platform);
	/* A misspelt site would silently leave the barrier in: say so. */
	for (size_t i = 0; i < sim.kcfg.elide_barriers.size(); i++)
		if (i >= sim.kcfg.elide_used.size() || !sim.kcfg.elide_used[i])
			STOPSIM_DIAG(warn, -1, "kernel",
				     "kernel.elide_barriers: '" + sim.kcfg.elide_barriers[i] +
					     "' removed no barrier in this run (no such barrier reached in that function)");
	// Close open activity spans in the trace.
	if (sim.collect_trace)
		for (CpuRt& c : sim.cpus)
			sim.set_activity(c, "");
	r.host_ns = uint64_t(std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - t0).count());
	return std::move(sim.res);
}

} // namespace stopsim
