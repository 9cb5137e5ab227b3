// SPDX-License-Identifier: Apache-2.0
// The x86 platform: CPUs with their local APICs, the kernel's boot, and the x86 side of the
// workloads (IF masking, SMM residency, NMI context).
#include "kl/x86/x86.hpp"
#include "models/common/error.hpp"
#include "models/cpu/x86_cpu.hpp"
#include "models/lapic/apic_bus.hpp"
#include "sim/platform/faults.hpp"
#include "sim/platform/platform.hpp"
#include "sim/report/vcd.hpp"
#include "sim/run/workload.hpp"
#include "sim/platform/x86/x86_shim.hpp"

namespace stopsim {

namespace {

class X86Workload : public WorkloadArch {
public:
	explicit X86Workload(Sim& sim) : m_sim(sim) {}
	X86ShimImpl& shim(CpuRt& c) { return static_cast<X86ShimImpl&>(*c.shim); }
	cpu::X86Cpu& cpu(CpuRt& c) { return static_cast<cpu::X86Cpu&>(*c.pe); }

	void mask(CpuRt& c, MaskKind m) override
	{
		if (m != MaskKind::none)
			shim(c).local_irq_disable();
	}
	void unmask(CpuRt& c) override { shim(c).local_irq_enable(); }
	std::string mask_text(MaskKind m) const override { return m == MaskKind::none ? "IF=1" : "IF=0"; }
	void secondary_boot(CpuRt&) override {}
	void secondary_online(CpuRt& c) override
	{
		auto& k = shim(c);
		k.apic_write(lapic::APIC_SVR, lapic::APIC_SVR_ENABLE | 0xff);
		k.set_cpu_online(c.id, true);
		k.local_irq_enable();
		m_sim.set_activity(c, "idle (HLT)");
	}
	bool firmware_nmi_mask(CpuRt&) override { return false; }
	void stuck_in_firmware(CpuRt& c, Ps until) override
	{
		/* SMM residency: NMIs and interrupts wait for RSM. */
		cpu(c).enter_smm();
		m_sim.set_activity(c, "in SMM");
		for (;;) {
			const Ps now = now_ps();
			if (until != cpu::kForever && now >= until)
				break;
			if (until == cpu::kForever)
				sc_core::wait(m_sim.never);
			else
				sc_core::wait(ps_time(until - now));
		}
		cpu(c).rsm();
	}
	std::optional<kl::Regs> enter_context(CpuRt& c, TriggerSpec::Context ctx) override
	{
		if (ctx == TriggerSpec::Context::nmi)
			return shim(c).enter_nmi_context();
		STOPSIM_ASSERT(ctx == TriggerSpec::Context::irq, "x86 trigger context validated as irq or nmi");
		return shim(c).enter_irq_context();
	}

private:
	Sim& m_sim;
};

class X86Soc : public sc_core::sc_module, public Platform {
public:
	SC_HAS_PROCESS(X86Soc);

	X86Soc(sc_core::sc_module_name name, Sim& sim) : sc_core::sc_module(name), events("events"), m_sim(sim), m_work(sim)
	{
		const Scenario& sc = sim.sc;
		lapic::ApicParams ap = sc.apic;
		ap.num_cpus = sc.cpus;
		ap.clock_hz = sc.clock_hz;
		m_apic = std::make_unique<lapic::ApicBus>("apic", ap, events);
		build_fault_plan(sim, m_faults);
		m_apic->set_fault_hooks(&m_faults);
		sim.events = &events;
		if (sim.collect_trace)
			m_apic->set_observer([this](const lapic::ApicNote& n) { note(n); });

		cpu::X86CpuParams pp = sc.x86_cpu;
		pp.clock_hz = sc.clock_hz;

		sim.cpus.resize(sc.cpus);
		for (unsigned i = 0; i < sc.cpus; i++) {
			const std::string n = "cpu" + std::to_string(i);
			m_cpus.push_back(std::make_unique<cpu::X86Cpu>(n.c_str(), i, pp, *m_apic));
			CpuRt& c = sim.cpus[i];
			c.id = i;
			c.pe = m_cpus.back().get();
			m_shims.push_back(std::make_unique<X86ShimImpl>(sim, c, *m_cpus.back()));
			c.shim = m_shims.back().get();
			X86ShimImpl* shim = m_shims.back().get();
			m_cpus.back()->set_vector([shim](cpu::X86Exception e, unsigned v) { shim->vector(e, v); });
			m_cpus.back()->set_software([this, &c] { cpu_main(m_sim, c, m_work, m_booted, m_is_booted); });
		}
		for (const CpuSpec& cs : sc.cpu_specs)
			sim.cpus[cs.cpu].spec = &cs;
		if (sim.vcd)
			attach_vcd(*sim.vcd);
		SC_THREAD(boot);
	}

	void describe_cpu(unsigned, CpuResult&) const override {}
	EventQueue events;

private:
	/// --vcd: EFLAGS.IF, the APIC's INTR line, NMI latched and NMI blocked (until IRET), SMM.
	void attach_vcd(VcdRecorder& vcd)
	{
		vcd.attach(m_sim, {{"if", 1}, {"intr_line", 1}, {"nmi_pending", 1}, {"nmi_blocked", 1}, {"smm", 1}},
			   [this](unsigned i, uint64_t* o) {
				   const cpu::X86CpuCore& core = m_cpus[i]->core();
				   o[0] = core.if_flag;
				   o[1] = core.intr_line;
				   o[2] = core.nmi_pending;
				   o[3] = core.nmi_blocked;
				   o[4] = core.in_smm;
			   });
		for (unsigned i = 0; i < m_cpus.size(); i++)
			m_cpus[i]->set_state_observer([this, i] { m_sim.signals_changed(i); });
	}

	void note(const lapic::ApicNote& n)
	{
		static const char* names[] = {"sent", "dropped", "delayed", "accepted", "merged", "lost (APIC disabled)", "NMI"};
		const std::string what = n.id == lapic::kNmiId ? "NMI" : "vector " + std::to_string(n.id);
		m_sim.trace('i', int(n.event == lapic::ApicEvent::kSent ? n.source : n.target), what + " " + names[int(n.event)],
			    "apic", {{"from", std::to_string(n.source)}, {"to", std::to_string(n.target)}});
	}

	void boot()
	{
		auto& v = *m_sim.variant;
		for (CpuRt& c : m_sim.cpus)
			c.shim->set_untimed(true);
		for (CpuRt& c : m_sim.cpus) {
			if (c.spec && (c.spec->offline || c.spec->online_at)) {
				c.state = CpuState::offline;
				continue;
			}
			auto& k = static_cast<X86ShimImpl&>(*c.shim);
			k.apic_write(lapic::APIC_SVR, lapic::APIC_SVR_ENABLE | 0xff);
			k.set_cpu_online(c.id, true);
			v.cpu_up(k);
			k.local_irq_enable();
			c.state = CpuState::running;
			m_sim.set_activity(c, "idle (HLT)");
		}
		v.late_init(m_sim.cpus[0].shim->kernel());
		for (CpuRt& c : m_sim.cpus)
			c.shim->set_untimed(false);
		m_is_booted = true;
		m_booted.notify(sc_core::SC_ZERO_TIME);
	}

	Sim& m_sim;
	X86Workload m_work;
	FaultPlan m_faults; ///< the scenario's faults in the models' terms, built before the models
	std::unique_ptr<lapic::ApicBus> m_apic;
	std::vector<std::unique_ptr<cpu::X86Cpu>> m_cpus;
	std::vector<std::unique_ptr<X86ShimImpl>> m_shims;
	sc_core::sc_event m_booted;
	bool m_is_booted = false;
};

} // namespace

Platform* make_x86_platform(Sim& sim)
{
	return new X86Soc("soc", sim);
}

} // namespace stopsim
