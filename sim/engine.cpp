// SPDX-License-Identifier: Apache-2.0
// Builds the platform from a scenario (models + kernel shims + faults), runs it, and turns what
// happened into a RunResult: outcome, rungs, per-CPU states, log, invariants.
#include "sim/engine.hpp"
#include "kl/arm64/arm64.hpp"
#include "models/common/error.hpp"
#include "models/cpu/arm64_pe.hpp"
#include "models/el3-firmware/el3_firmware.hpp"
#include "models/gic/gic_v3.hpp"
#include "sim/arm64_shim.hpp"
#include "sim/expect.hpp"
#include "sim/faults.hpp"
#include "sim/workload.hpp"

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
	const std::string detail = "CPU " + std::to_string(cpu) + " needs " + lock + ", held by stopped CPU " +
				   std::to_string(holder);
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

// ---- arm64 platform ----

namespace {

class Arm64Workload : public WorkloadArch {
public:
	explicit Arm64Workload(Sim& sim) : m_sim(sim) {}

	kl::arm64::Arm64Shim& shim(CpuRt& c) { return static_cast<Arm64ShimImpl&>(*c.shim); }

	void mask(CpuRt& c, MaskKind m) override
	{
		auto& k = shim(c);
		switch (m) {
		case MaskKind::none:
			break;
		case MaskKind::daif:
			kl::arm64::local_daif_mask(k);
			break;
		case MaskKind::pmr:
			k.write_pmr(kl::arm64::gic_prio(k).irqoff);
			break;
		case MaskKind::irq:
			k.local_irq_disable();
			break;
		}
	}
	void unmask(CpuRt& c) override
	{
		auto& k = shim(c);
		/* local_daif_restore() to a process context with IRQs on. */
		k.write_daif(0);
		if (kl::arm64::system_uses_irq_prio_masking(k))
			k.write_pmr(kl::arm64::gic_prio(k).irqon);
		else if (k.read_pmr() != kl::arm64::gic_prio(k).default_pmr)
			k.write_pmr(kl::arm64::gic_prio(k).default_pmr);
	}
	std::string mask_text(MaskKind m) const override
	{
		const bool prio = m_sim.kcfg.pseudo_nmi;
		switch (m) {
		case MaskKind::none:
			return "nothing masked";
		case MaskKind::daif:
			return "DAIF.I set";
		case MaskKind::pmr:
			return "PMR at IRQ level";
		case MaskKind::irq:
			return prio ? "IRQs off (PMR)" : "IRQs off (DAIF.I)";
		}
		return "?";
	}
	bool firmware_nmi_mask(CpuRt& c) override
	{
		auto& k = shim(c);
		if (!k.sdei_firmware_present())
			return false;
		kl::arm64::sdei_mask_local_cpu(k);
		return true;
	}
	void stuck_in_firmware(CpuRt& c, Ps until) override
	{
		STOPSIM_ASSERT(m_fw != nullptr, "el3 step validated without EL3 firmware");
		m_fw->stuck_in_el3(c.id, until);
	}
	void set_firmware(el3::El3Firmware* fw) { m_fw = fw; }

	void secondary_boot(CpuRt& c) override
	{
		auto& k = shim(c);
		kl::arm64::gic_cpu_init(k);
	}
	void secondary_online(CpuRt& c) override
	{
		auto& k = shim(c);
		auto& v = static_cast<kl::arm64::Arm64Variant&>(*m_sim.variant);
		k.set_cpu_online(c.id, true);
		v.ipi_setup(k);
		v.cpu_up(k);
		unmask(c);
		m_sim.set_activity(c, "idle (WFI)");
	}

private:
	Sim& m_sim;
	el3::El3Firmware* m_fw = nullptr;
};

/// The system-on-chip: event queue, GIC, PEs, and the boot that runs before the scenario.
class Arm64Soc : public sc_core::sc_module {
public:
	SC_HAS_PROCESS(Arm64Soc);

	Arm64Soc(sc_core::sc_module_name name, Sim& sim)
		: sc_core::sc_module(name), events("events"), m_sim(sim), m_work(sim), m_faults(sim)
	{
		const Scenario& sc = sim.sc;
		gic::GicParams gp;
		gp.num_pes = sc.cpus;
		gp.clock_hz = sc.clock_hz;
		gp.sgi_delivery_cycles = uint32_t(sc.lat.sgi_delivery_cycles);
		gp.signal_cycles = uint32_t(sc.lat.signal_cycles);
		gp.pio_cycles = uint32_t(sc.lat.mmio_cycles);
		gp.sgi_jitter_cycles = uint32_t(sc.lat.sgi_jitter_cycles);
		gp.seed = sim.seed;
		m_gic = std::make_unique<gic::GicV3>("gic", gp, events);
		m_gic->set_fault_hooks(&m_faults);
		if (sim.collect_trace)
			m_gic->set_observer([this](const gic::SgiNote& n) { sgi_trace(n); });
		sim.events = &events;

		cpu::Arm64PeParams pp;
		pp.clock_hz = sc.clock_hz;
		pp.take_cycles = uint32_t(sc.lat.take_cycles);
		pp.entry_cycles = uint32_t(sc.lat.exception_entry_cycles);
		pp.wfi_wake_cycles = uint32_t(sc.lat.wfi_wake_cycles);

		sim.cpus.resize(sc.cpus);
		m_pes.reserve(sc.cpus);
		m_shims.reserve(sc.cpus);
		for (unsigned i = 0; i < sc.cpus; i++) {
			const std::string n = "cpu" + std::to_string(i);
			m_pes.push_back(std::make_unique<cpu::Arm64Pe>(n.c_str(), i, pp, *m_gic));
			CpuRt& c = sim.cpus[i];
			c.id = i;
			c.pe = m_pes.back().get();
			m_shims.push_back(std::make_unique<Arm64ShimImpl>(sim, c, *m_pes.back()));
			c.shim = m_shims.back().get();
			Arm64ShimImpl* shim = m_shims.back().get();
			m_pes.back()->set_vector([shim](cpu::Arm64Exception e) { shim->vector(e); });
			m_pes.back()->set_software([this, &c] { cpu_main(m_sim, c, m_work, m_booted, m_is_booted); });
			if (sim.collect_trace) {
				const int tid = int(i);
				m_pes.back()->set_daif_observer([this, tid](uint32_t daif) {
					m_sim.trace('C', tid, "DAIF", "mask", {{"I", (daif & cpu::DAIF_I) ? "1" : "0"}});
				});
			}
		}
		for (const CpuSpec& cs : sc.cpu_specs)
			sim.cpus[cs.cpu].spec = &cs;
		if (sc.el3)
			make_firmware(*sc.el3);
		SC_THREAD(boot);
	}

	el3::El3Firmware* firmware() { return m_fw.get(); }

	gic::GicV3& gic() { return *m_gic; }
	EventQueue events;

private:
	void sgi_trace(const gic::SgiNote& n)
	{
		static const char* names[] = {"sent", "dropped", "delayed", "pending", "merged", "rejected"};
		const bool at_target = n.event != gic::SgiEvent::kSent;
		m_sim.trace('i', int(at_target ? n.target : n.source),
			    std::string("SGI ") + std::to_string(n.intid) + " " + names[int(n.event)], "gic",
			    {{"from", std::to_string(n.source)}, {"to", std::to_string(n.target)}});
	}

	void make_firmware(const El3Spec& e)
	{
		el3::El3Params p;
		p.sdei = e.sdei;
		p.sdei_params.event0 = e.event0;
		p.sdei_params.signal_checks = e.signal_checks;
		p.psci = e.psci;
		p.cpu_off_in_event_wedges = e.cpu_off_in_event_wedges;
		p.smc_cycles = uint32_t(e.smc_cycles);
		p.signal_cycles = uint32_t(e.signal_cycles);
		p.dispatch_cycles = uint32_t(e.dispatch_cycles);
		p.complete_cycles = uint32_t(e.complete_cycles);
		std::vector<cpu::Arm64Pe*> pes;
		for (auto& pe : m_pes)
			pes.push_back(pe.get());
		m_fw = std::make_unique<el3::El3Firmware>("el3", p, *m_gic, pes);
		m_work.set_firmware(m_fw.get());
		for (auto& shim : m_shims)
			shim->set_firmware(m_fw.get());
		m_fw->set_client([this](unsigned pe) { m_shims.at(pe)->sdei_entry(); });
		m_fw->set_power_hook([this](unsigned pe, el3::PowerState st) {
			m_shims.at(pe)->mark_stopped(st == el3::PowerState::kOff ? CpuState::off : CpuState::wedged);
		});
		m_fw->set_note_hook([this](unsigned pe, const std::string& what) { m_sim.log(int(pe), "el3", what); });
	}

	/// EL3 firmware's GIC set-up (TF-A gicv3 driver): groups, Secure SGIs, group enables.
	void firmware_gic_init()
	{
		auto secure_write = [this](uint64_t addr, uint32_t v) {
			tlm::tlm_generic_payload t;
			uint32_t data = v;
			gic::GicSecureExt ext;
			t.set_command(tlm::TLM_WRITE_COMMAND);
			t.set_address(addr);
			t.set_data_ptr(reinterpret_cast<unsigned char*>(&data));
			t.set_data_length(4);
			t.set_streaming_width(4);
			t.set_extension(&ext);
			sc_core::sc_time d = sc_core::SC_ZERO_TIME;
			m_fw_bus->b_transport(t, d);
			t.clear_extension(&ext);
			STOPSIM_ASSERT(t.is_response_ok(), "firmware GIC init failed");
		};
		const auto& p = m_gic->params();
		uint32_t ctlr = gic::GICD_CTLR_ENABLEGRP0 | gic::GICD_CTLR_ENABLEGRP1NS | gic::GICD_CTLR_ENABLEGRP1S |
				gic::GICD_CTLR_ARE_S | gic::GICD_CTLR_ARE_NS;
		if (!m_sim.sc.gic_security)
			ctlr |= gic::GICD_CTLR_DS;
		secure_write(p.gicd_base + gic::GICD_CTLR, ctlr);
		for (unsigned i = 0; i < m_sim.sc.cpus; i++) {
			const uint64_t rd = p.gicr_base + gic::GICR_FRAME_STRIDE * i;
			/* SGIs 8-15 stay Secure Group 0 (ARM_IRQ_SEC_SGI_*); everything else is Non-secure. */
			secure_write(rd + gic::GICR_IGROUPR0, 0xffff00ffu);
			secure_write(rd + gic::GICR_IPRIORITYR0 + 8, 0x70707070u);
			secure_write(rd + gic::GICR_IPRIORITYR0 + 12, 0x70707070u);
			/* The SDEI dispatcher binds event 0 to SGI 8 and enables it (PLAT_SDEI_NORMAL_PRI 0x70). */
			if (m_fw && m_fw->params().sdei)
				secure_write(rd + gic::GICR_ISENABLER0, 1u << m_fw->params().sdei_params.sgi);
			m_gic->icc_write_igrpen(i, gic::Group::G0, true);
			/* gicv3_cpuif_enable(): open the priority mask (Secure write) so Non-secure software owns it. */
			m_gic->icc_write_pmr(i, 0xff, false);
		}
	}

	void boot()
	{
		firmware_gic_init();
		auto& v = static_cast<kl::arm64::Arm64Variant&>(*m_sim.variant);
		/* The kernel has booted before the scenario's clock starts: untimed. */
		for (CpuRt& c : m_sim.cpus)
			c.shim->set_untimed(true);
		kl::arm64::gic_dist_init(static_cast<Arm64ShimImpl&>(*m_sim.cpus[0].shim));
		for (CpuRt& c : m_sim.cpus) {
			const bool later = c.spec && (c.spec->offline || c.spec->online_at);
			if (later) {
				c.state = CpuState::offline;
				continue;
			}
			auto& k = static_cast<Arm64ShimImpl&>(*c.shim);
			kl::arm64::gic_cpu_init(k);
			k.set_cpu_online(c.id, true);
			v.ipi_setup(k);
			v.cpu_up(k);
			m_work.unmask(c);
			c.state = CpuState::running;
		}
		v.late_init(static_cast<Arm64ShimImpl&>(*m_sim.cpus[0].shim));
		for (CpuRt& c : m_sim.cpus)
			c.shim->set_untimed(false);
		m_faults.schedule([this](unsigned cpu, unsigned sgi) { m_gic->inject_pending(cpu, sgi); });
		m_is_booted = true;
		m_booted.notify(sc_core::SC_ZERO_TIME);
	}

	Sim& m_sim;
	Arm64Workload m_work;
	FaultInjector m_faults;
	std::unique_ptr<gic::GicV3> m_gic;
	std::vector<std::unique_ptr<cpu::Arm64Pe>> m_pes;
	std::vector<std::unique_ptr<Arm64ShimImpl>> m_shims;
	std::unique_ptr<el3::El3Firmware> m_fw;
	tlm_utils::simple_initiator_socket<Arm64Soc> m_fw_bus{"fw_bus"};
	sc_core::sc_event m_booted;
	bool m_is_booted = false;

public:
	void bind_firmware_bus() { m_fw_bus.bind(m_gic->in); }
};

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
	k.sdei_stop_epilogue = sc.sdei_stop_epilogue == "cpu_off"             ? kl::SdeiStopEpilogue::cpu_off
			       : sc.sdei_stop_epilogue == "complete_then_park" ? kl::SdeiStopEpilogue::complete_then_park
									       : kl::SdeiStopEpilogue::park;
	return k;
}

void finish(Sim& s, el3::El3Firmware* fw)
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
		if (!r.triggers[i].fired)
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
		auto* base = dynamic_cast<ShimBase<kl::arm64::Arm64Shim>*>(c.shim);
		if (base) {
			r.stop_begin = base->stop_begin();
			r.stop_end = base->stop_end();
		}
	}
	for (size_t i = 0; i < sc.triggers.size(); i++) {
		if (r.triggers[i].fired)
			continue;
		const CpuRt& c = s.cpus[sc.triggers[i].cpu];
		if (sc.triggers[i].at > r.sim_ps)
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
		if (fw) {
			const el3::PeSdei& p = fw->sdei().pe(c.id);
			cr.has_el3 = true;
			cr.el3_pe_masked = p.masked;
			cr.el3_event0 = p.ev0.running ? "running" : p.ev0.enabled ? "enabled" : p.ev0.registered ? "registered" : "unregistered";
			const el3::PowerState ps = fw->power(c.id);
			cr.el3_power = ps == el3::PowerState::kOn ? "on" : ps == el3::PowerState::kOff ? "off" : "wedged";
			cr.el3_dispatches = p.dispatches;
		}
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
	    s.deadlock ? s.deadlock_detail : s.ended ? "the trigger's path reached its end" : "simulated-time limit reached");
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

	evaluate_expectations(sc, r);
}

} // namespace

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
	sim.variant = kl::make_variant(sc.variant);
	STOPSIM_ASSERT(sim.variant != nullptr, "validated variant not found");
	RunResult& r = sim.res;
	r.scenario = sc.name;
	r.file = sc.file;
	r.seed = seed;
	r.arch = sc.arch;
	r.variant = sc.variant;
	r.cpus = sc.cpus;
	r.clock_hz = sc.clock_hz;
	for (const TriggerSpec& t : sc.triggers)
		r.triggers.push_back({t.cpu, trigger_event_name(t.event), t.at, false, ""});

	static Arm64Soc* s_soc = new Arm64Soc("soc", sim);
	s_soc->bind_firmware_bus();
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
	finish(sim, s_soc->firmware());
	// Close open activity spans in the trace.
	if (sim.collect_trace)
		for (CpuRt& c : sim.cpus)
			sim.set_activity(c, "");
	r.host_ns = uint64_t(std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - t0).count());
	return std::move(sim.res);
}

} // namespace stopsim
