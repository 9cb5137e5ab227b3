// SPDX-License-Identifier: Apache-2.0
// The arm64 platform: GICv3, arm64 PEs, optional EL3 firmware (SDEI, PSCI), the firmware's GIC
// set-up, the kernel's boot, and the arm64 side of the workloads.
#include "kl/arm64/arm64.hpp"
#include "models/common/error.hpp"
#include "models/cpu/arm64_pe.hpp"
#include "models/el3-firmware/el3_firmware.hpp"
#include "models/gic/gic_v3.hpp"
#include "sim/platform/arm64/arm64_shim.hpp"
#include "sim/platform/faults.hpp"
#include "sim/platform/platform.hpp"
#include "sim/report/vcd.hpp"
#include "sim/run/workload.hpp"

namespace stopsim {

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
	void firmware_nmi_unmask(CpuRt& c) override
	{
		auto& k = shim(c);
		if (k.sdei_firmware_present())
			kl::arm64::sdei_unmask_local_cpu(k);
	}
	void stuck_in_firmware(CpuRt& c, Ps until) override
	{
		STOPSIM_ASSERT(m_fw != nullptr, "el3 step validated without EL3 firmware");
		m_fw->stuck_in_el3(c.id, until);
	}
	void set_firmware(el3::El3Firmware* fw) { m_fw = fw; }
	std::optional<kl::Regs> enter_context(CpuRt& c, TriggerSpec::Context ctx) override
	{
		return static_cast<Arm64ShimImpl&>(*c.shim).enter_context(ctx);
	}

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
		/* the SDEI driver's CPU-up hook registers the private events again, AGDI's included */
		if (m_sim.sc.el3 && m_sim.sc.el3->sdei_params.platform_event)
			kl::arm64::agdi_sdei_probe(k, *m_sim.sc.el3->sdei_params.platform_event);
		unmask(c);
		m_sim.set_activity(c, "idle (WFI)");
	}

private:
	Sim& m_sim;
	el3::El3Firmware* m_fw = nullptr;
};

/// The system-on-chip: event queue, GIC, PEs, and the boot that runs before the scenario.
class Arm64Soc : public sc_core::sc_module, public Platform {
public:
	SC_HAS_PROCESS(Arm64Soc);

	Arm64Soc(sc_core::sc_module_name name, Sim& sim)
		: sc_core::sc_module(name), events("events"), m_sim(sim), m_work(sim)
	{
		const Scenario& sc = sim.sc;
		gic::GicParams gp = sc.gic; // the latencies as the scenario set them; the topology from here
		gp.num_pes = sc.cpus;
		gp.clock_hz = sc.clock_hz;
		gp.seed = sim.seed;
		m_gic = std::make_unique<gic::GicV3>("gic", gp, events);
		build_fault_plan(sim, m_faults);
		m_gic->set_fault_hooks(&m_faults);
		if (sim.collect_trace)
			m_gic->set_observer([this](const gic::SgiNote& n) { sgi_trace(n); });
		sim.events = &events;

		cpu::Arm64PeParams pp = sc.arm64_pe;
		pp.clock_hz = sc.clock_hz;

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
		if (sim.vcd)
			attach_vcd(*sim.vcd);
		SC_THREAD(boot);
	}

	el3::El3Firmware* firmware() { return m_fw.get(); }

	void describe_cpu(unsigned cpu, CpuResult& cr) const override
	{
		if (!m_fw)
			return;
		const el3::PeSdei& p = m_fw->sdei().pe(cpu);
		cr.has_el3 = true;
		cr.el3_pe_masked = p.masked;
		cr.el3_event0 = p.ev0.running   ? "running"
				: p.ev0.enabled ? "enabled"
				: p.ev0.registered ? "registered"
						   : "unregistered";
		if (m_fw->params().sdei_params.platform_event)
			cr.el3_platform_event = p.plat.running   ? "running"
						: p.plat.enabled ? "enabled"
						: p.plat.registered ? "registered"
								    : "unregistered";
		const el3::PowerState ps = m_fw->power(cpu);
		cr.el3_power = ps == el3::PowerState::kOn ? "on" : ps == el3::PowerState::kOff ? "off" : "wedged";
		cr.el3_dispatches = p.dispatches;
	}

	gic::GicV3& gic() { return *m_gic; }
	EventQueue events;

private:
	/// --vcd: DAIF (D A I F as bits 3..0), the Non-secure view of PMR and RPR, the EL, the GIC's
	/// IRQ and FIQ lines, a pseudo-NMI handler running, and with SDEI the PE mask and event 0.
	void attach_vcd(VcdRecorder& vcd)
	{
		const bool sdei = m_fw && m_fw->params().sdei;
		std::vector<VcdRecorder::Var> vars = {{"daif", 4},     {"pmr", 8},      {"rpr", 8},
						      {"el", 2},       {"irq_line", 1}, {"fiq_line", 1},
						      {"pnmi_active", 1}};
		if (sdei) {
			vars.push_back({"sdei_masked", 1});
			vars.push_back({"sdei_event0", 2});
		}
		vcd.attach(m_sim, vars, [this, sdei](unsigned i, uint64_t* o) {
			const cpu::Arm64PeCore& core = m_pes[i]->core();
			o[0] = (core.daif >> 6) & 0xf;
			o[1] = m_gic->icc_read_pmr(i, true);
			o[2] = m_gic->icc_read_rpr(i, true);
			o[3] = core.el;
			o[4] = core.irq_line;
			o[5] = core.fiq_line;
			bool nmi = false;
			for (const Frame& f : m_sim.cpus[i].frames)
				nmi = nmi || f.ctx == kl::Ctx::nmi;
			o[6] = nmi;
			if (sdei) {
				/* event 0: 0 unregistered, 1 registered, 2 enabled, 3 running */
				const el3::PeSdei& p = m_fw->sdei().pe(i);
				o[7] = p.masked;
				o[8] = p.ev0.running ? 3 : p.ev0.enabled ? 2 : p.ev0.registered ? 1 : 0;
			}
		});
		for (unsigned i = 0; i < m_pes.size(); i++)
			m_pes[i]->set_state_observer([this, i] { m_sim.signals_changed(i); });
	}

	void sgi_trace(const gic::SgiNote& n)
	{
		static const char* names[] = {"sent", "dropped", "delayed", "pending", "merged", "rejected"};
		const bool at_target = n.event != gic::SgiEvent::kSent;
		m_sim.trace('i', int(at_target ? n.target : n.source),
			    std::string("SGI ") + std::to_string(n.intid) + " " + names[int(n.event)], "gic",
			    {{"from", std::to_string(n.source)}, {"to", std::to_string(n.target)}});
	}

	void make_firmware(const el3::El3Params& p)
	{
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
			agdi_probe(k);
			m_work.unmask(c);
			c.state = CpuState::running;
		}
		v.late_init(static_cast<Arm64ShimImpl&>(*m_sim.cpus[0].shim));
		for (CpuRt& c : m_sim.cpus)
			c.shim->set_untimed(false);
		schedule_pending_faults(m_sim, [this](unsigned cpu, unsigned sgi) { m_gic->inject_pending(cpu, sgi); });
		m_is_booted = true;
		m_booted.notify(sc_core::SC_ZERO_TIME);
	}

	/// The ACPI AGDI table names the platform event, if any: the kernel's AGDI driver registers it.
	void agdi_probe(kl::arm64::Arm64Shim& k)
	{
		if (m_sim.sc.el3 && m_sim.sc.el3->sdei_params.platform_event)
			kl::arm64::agdi_sdei_probe(k, *m_sim.sc.el3->sdei_params.platform_event);
	}

	Sim& m_sim;
	Arm64Workload m_work;
	FaultPlan m_faults; ///< the scenario's faults in the models' terms, built before the models
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

} // namespace

Platform* make_arm64_platform(Sim& sim)
{
	auto* soc = new Arm64Soc("soc", sim);
	soc->bind_firmware_bus();
	return soc;
}

} // namespace stopsim
