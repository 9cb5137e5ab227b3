// SPDX-License-Identifier: Apache-2.0
// The RISC-V platform: harts, the interrupt fabric (APLIC direct mode, ACLINT MSWI/SSWI, optional
// IMSIC), the M-mode SBI firmware (IPI, HSM, SSE), the kernel's boot, and the RISC-V side of the
// workloads.
#include "kl/riscv/riscv.hpp"
#include "models/aplic/riscv_intc.hpp"
#include "models/common/error.hpp"
#include "models/cpu/riscv_hart.hpp"
#include "models/el3-firmware/sbi_firmware.hpp"
#include "sim/platform/faults.hpp"
#include "sim/platform/platform.hpp"
#include "sim/report/vcd.hpp"
#include "sim/platform/riscv/riscv_shim.hpp"
#include "sim/scenario/units.hpp"
#include "sim/run/workload.hpp"

#include <algorithm>
#include <cstdio>

namespace stopsim {

namespace {

using cpu::MIP_MEIP;
using cpu::MIP_MSIP;
using cpu::MIP_SEIP;
using cpu::MIP_SSIP;
using cpu::MIP_STIP;

std::string hex_id(uint32_t id)
{
	char b[16];
	std::snprintf(b, sizeof b, "0x%08x", id);
	return b;
}

class RiscvWorkload : public WorkloadArch {
public:
	explicit RiscvWorkload(Sim& sim) : m_sim(sim) {}

	RiscvShimImpl& shim(CpuRt& c) { return static_cast<RiscvShimImpl&>(*c.shim); }

	void mask(CpuRt& c, MaskKind m) override
	{
		if (m == MaskKind::irq)
			shim(c).local_irq_disable();
	}
	void unmask(CpuRt& c) override { shim(c).local_irq_enable(); }
	std::optional<kl::Regs> enter_context(CpuRt& c, TriggerSpec::Context ctx) override
	{
		if (ctx == TriggerSpec::Context::sse)
			return shim(c).enter_sse_context();
		STOPSIM_ASSERT(ctx == TriggerSpec::Context::irq, "RISC-V trigger context validated as irq or sse");
		return shim(c).enter_irq_context();
	}
	std::string mask_text(MaskKind m) const override
	{
		return m == MaskKind::none ? "nothing masked" : "sstatus.SIE=0";
	}
	bool firmware_nmi_mask(CpuRt& c) override
	{
		if (!m_sim.sc.sbi.core.sse)
			return false;
		shim(c).sbi_ecall(kl::riscv::SBI_EXT_SSE, kl::riscv::SBI_SSE_HART_MASK, 0, 0, 0);
		return true;
	}
	void firmware_nmi_unmask(CpuRt& c) override
	{
		if (m_sim.sc.sbi.core.sse)
			shim(c).sbi_ecall(kl::riscv::SBI_EXT_SSE, kl::riscv::SBI_SSE_HART_UNMASK, 0, 0, 0);
	}
	void stuck_in_firmware(CpuRt& c, Ps until) override
	{
		m_sim.set_activity(c, "stuck in M-mode (MIE=0)");
		m_fw->stuck_in_mmode(c.id, until);
	}
	void set_firmware(sbi::SbiFirmware* fw) { m_fw = fw; }
	void set_soc(std::function<void(CpuRt&)> s_init) { m_s_init = std::move(s_init); }

	void secondary_boot(CpuRt& c) override
	{
		/* The firmware started the hart (HSM HART_START); Linux enables its S-level sources. */
		m_fw->hart_started(c.id);
		m_s_init(c);
	}
	void secondary_online(CpuRt& c) override
	{
		auto& k = shim(c);
		auto& v = static_cast<kl::riscv::RiscvVariant&>(*m_sim.variant);
		k.set_cpu_online(c.id, true);
		v.cpu_up(k);
		unmask(c);
		m_sim.set_activity(c, "idle (WFI)");
	}

private:
	Sim& m_sim;
	sbi::SbiFirmware* m_fw = nullptr;
	std::function<void(CpuRt&)> m_s_init;
};

class RiscvSoc : public sc_core::sc_module, public Platform {
public:
	SC_HAS_PROCESS(RiscvSoc);

	RiscvSoc(sc_core::sc_module_name name, Sim& sim)
		: sc_core::sc_module(name), events("events"), m_sim(sim), m_work(sim)
	{
		const Scenario& sc = sim.sc;
		const RiscvSpec& rv = sc.riscv;
		sim.events = &events;

		aplic::IntcParams ip = sc.intc;
		ip.num_harts = sc.cpus;
		ip.clock_hz = sc.clock_hz;
		ip.imsic = rv.ipi == "imsic";
		m_intc = std::make_unique<aplic::RiscvIntc>("intc", ip, events);

		cpu::RiscvHartParams hp = sc.riscv_hart;
		hp.clock_hz = sc.clock_hz;

		sim.cpus.resize(sc.cpus);
		m_shared.ipi_mux_bits.assign(sc.cpus, 0);
		build_fault_plan(sim, m_faults);
		m_shared.faults = &m_faults;
		m_shared.late_post = [this](unsigned cpu, unsigned ipi, Ps delay) { late_post(cpu, ipi, delay); };
		for (unsigned i = 0; i < sc.cpus; i++) {
			const std::string n = "hart" + std::to_string(i);
			m_harts.push_back(std::make_unique<cpu::RiscvHart>(n.c_str(), i, hp));
			m_harts.back()->bus.bind(m_intc->in);
			cpu::RiscvHart* h = m_harts.back().get();
			m_intc->bind_hart(i, [h](uint64_t bit, bool level) { h->set_line(bit, level); },
					  [h] { h->set_soft_pending(MIP_SSIP, true); });
		}

		sbi::SbiParams fp = sc.sbi;
		fp.imsic = ip.imsic;
		std::vector<cpu::RiscvHart*> hs;
		for (auto& h : m_harts)
			hs.push_back(h.get());
		m_fw = std::make_unique<sbi::SbiFirmware>("sbi", fp, *m_intc, hs);
		m_fw->set_fault_hooks(&m_faults);
		m_work.set_firmware(m_fw.get());
		m_work.set_soc([this](CpuRt& c) { s_mode_init(c.id); });

		for (unsigned i = 0; i < sc.cpus; i++) {
			CpuRt& c = sim.cpus[i];
			c.id = i;
			c.pe = m_harts[i].get();
			m_shims.push_back(std::make_unique<RiscvShimImpl>(sim, c, *m_harts[i], *m_intc, *m_fw, m_shared));
			c.shim = m_shims.back().get();
			RiscvShimImpl* shim = m_shims.back().get();
			sbi::SbiFirmware* fw = m_fw.get();
			m_harts[i]->set_s_vector([shim](cpu::RiscvIrq w) { shim->vector(w); });
			m_harts[i]->set_m_vector([fw, i](cpu::RiscvIrq w) { fw->m_trap(i, w); });
			m_harts[i]->set_software([this, &c] { cpu_main(m_sim, c, m_work, m_booted, m_is_booted); });
			if (sim.collect_trace) {
				const int tid = int(i);
				m_harts[i]->set_sie_observer(
					[this, tid](bool on) { m_sim.trace('C', tid, "sstatus.SIE", "mask", {{"SIE", on ? "1" : "0"}}); });
			}
		}
		for (const CpuSpec& cs : sc.cpu_specs)
			sim.cpus[cs.cpu].spec = &cs;

		m_fw->set_client([this](unsigned hart, uint32_t event, uint64_t) { m_shims.at(hart)->sse_entry(event); });
		m_fw->set_stop_hook([this](unsigned hart) { m_shims.at(hart)->hart_stopped(); });
		m_fw->set_note_hook([this](unsigned hart, const std::string& what) { m_sim.log(int(hart), "sbi", what); });
		if (sim.vcd)
			attach_vcd(*sim.vcd);
		SC_THREAD(boot);
	}

	void describe_cpu(unsigned cpu, CpuResult& cr) const override
	{
		const sbi::HartSbi& h = m_fw->core().hart(cpu);
		cr.has_sbi = true;
		cr.sbi_hsm = sbi::hsm_name(h.hsm);
		cr.sse_masked = h.sse_masked;
		sbi::SseState best = sbi::SseState::unused;
		for (const sbi::SseEvent& e : h.local) {
			if (int(e.state) > int(best))
				best = e.state;
			if (e.pending)
				cr.sse_pending.push_back(hex_id(e.id));
			cr.sse_deliveries += e.deliveries;
		}
		cr.sse_state = sbi::sse_state_name(best);
		cr.m_mode = m_fw->m_mode_ps(cpu);
	}

	EventQueue events;

private:
	/// --vcd: sstatus.SIE, the privilege mode, S-level and M-level interrupts pending and enabled,
	/// the SSE hart mask, the most advanced local SSE event, an SSE event pending, HSM started.
	void attach_vcd(VcdRecorder& vcd)
	{
		vcd.attach(m_sim,
			   {{"sie", 1},
			    {"mode", 2},
			    {"s_irq_pending", 1},
			    {"m_irq_pending", 1},
			    {"sse_masked", 1},
			    {"sse_event", 2},
			    {"sse_pending", 1},
			    {"hsm_started", 1}},
			   [this](unsigned i, uint64_t* o) {
				   const cpu::RiscvHartCore& core = m_harts[i]->core();
				   const uint64_t live = core.mip() & core.mie;
				   o[0] = core.mstatus_sie;
				   o[1] = unsigned(core.priv);
				   o[2] = (live & core.mideleg) != 0;
				   o[3] = (live & ~core.mideleg) != 0;
				   const sbi::HartSbi& h = m_fw->core().hart(i);
				   o[4] = h.sse_masked;
				   /* 0 unused, 1 registered, 2 enabled, 3 running */
				   unsigned best = 0;
				   bool pending = false;
				   for (const sbi::SseEvent& e : h.local) {
					   best = std::max(best, unsigned(e.state));
					   pending = pending || e.pending;
				   }
				   o[5] = best;
				   o[6] = pending;
				   o[7] = h.hsm == sbi::HsmState::started;
			   });
		for (unsigned i = 0; i < m_harts.size(); i++)
			m_harts[i]->set_state_observer([this, i] { m_sim.signals_changed(i); });
	}

	/// Linux's S-level set-up on a hart: sie.SSIE/STIE/SEIE, and its IMSIC S file when AIA IPIs are used.
	void s_mode_init(unsigned hart)
	{
		m_harts[hart]->write_mie_bits(MIP_SSIP | MIP_STIP | MIP_SEIP, 0);
		if (m_intc->params().imsic) {
			aplic::ImsicFile& f = m_intc->imsic(hart, false);
			f.eidelivery = aplic::IMSIC_EIDELIVERY_ON;
			f.set_enabled(aplic::IMSIC_IPI_ID, true);
		}
	}

	/// The firmware's M-level set-up: MSIE (MEIE with an M IMSIC file for IPIs).
	void firmware_init()
	{
		for (unsigned i = 0; i < m_sim.sc.cpus; i++) {
			m_harts[i]->write_mie_bits(MIP_MSIP | (m_intc->params().imsic ? MIP_MEIP : 0), 0);
			if (m_intc->params().imsic) {
				aplic::ImsicFile& f = m_intc->imsic(i, true);
				f.eidelivery = aplic::IMSIC_EIDELIVERY_ON;
				f.set_enabled(aplic::IMSIC_IPI_ID, true);
			}
		}
	}

	/// The APLIC driver's probe (direct mode) and the scenario's device sources.
	void aplic_init()
	{
		aplic::AplicCore& a = m_intc->aplic();
		a.write(aplic::APLIC_DOMAINCFG, aplic::APLIC_DOMAINCFG_IE);
		for (unsigned h = 0; h < m_sim.sc.cpus; h++) {
			const uint32_t idc = aplic::APLIC_IDC_BASE + aplic::APLIC_IDC_STRIDE * h;
			a.write(idc + aplic::APLIC_IDC_ITHRESHOLD, 0);
			a.write(idc + aplic::APLIC_IDC_IDELIVERY, 1);
		}
		for (const AplicSourceSpec& s : m_sim.sc.riscv.aplic_sources) {
			a.write(aplic::APLIC_SOURCECFG_BASE + 4 * (s.source - 1),
				s.level ? aplic::APLIC_SM_LEVEL_HIGH : aplic::APLIC_SM_EDGE_RISE);
			a.write(aplic::APLIC_TARGET_BASE + 4 * (s.source - 1), (s.hart << aplic::APLIC_TARGET_HART_SHIFT) | s.prio);
			a.write(aplic::APLIC_SETIENUM, s.source);
		}
	}

	void schedule_sources()
	{
		for (const AplicSourceSpec& s : m_sim.sc.riscv.aplic_sources) {
			events.schedule_at(s.assert_at, [this, s] {
				std::string what = "FAULT: APLIC source " + std::to_string(s.source) + " asserted (" +
						   (s.level ? "level" : "edge") + ", target hart " + std::to_string(s.hart) + ")";
				if (s.delay)
					what += ", wire to the hart delayed by " + ps_to_us_string(s.delay) + " us";
				m_sim.log(int(s.hart), "fault", what);
				if (m_sim.collect_trace)
					m_sim.trace('i', int(s.hart), what, "fault");
				m_intc->set_source(s.source, true, s.delay);
				/* An edge: the wire drops again right away; the APLIC latched it. */
				if (!s.level)
					m_intc->aplic().set_input(s.source, false);
			});
		}
	}

	/// A delayed IPI reaches its target late: the mux bit, then the parent interrupt, from no hart.
	void late_post(unsigned cpu, unsigned ipi, Ps delay)
	{
		events.schedule_in(delay, [this, cpu, ipi] {
			unsigned long& bits = m_shared.ipi_mux_bits.at(cpu);
			const bool was = bits & (1ul << ipi);
			bits |= 1ul << ipi;
			m_sim.notify_store();
			if (was)
				return;
			const std::string& b = m_sim.sc.riscv.ipi;
			if (b == "sswi")
				m_intc->write_setssip(cpu);
			else if (b == "imsic")
				m_intc->imsic_send(cpu, false, aplic::IMSIC_IPI_ID);
			else
				m_fw->post_ipi_event(cpu, sbi::IPI_EVENT_SMODE);
		});
	}

	void boot()
	{
		auto& v = static_cast<kl::riscv::RiscvVariant&>(*m_sim.variant);
		firmware_init();
		aplic_init();
		for (CpuRt& c : m_sim.cpus)
			c.shim->set_untimed(true);
		for (CpuRt& c : m_sim.cpus) {
			const bool later = c.spec && (c.spec->offline || c.spec->online_at);
			if (later) {
				/* Not started by the boot hart: HSM STOPPED until (if ever) it is started. */
				m_fw->set_hsm(c.id, sbi::HsmState::stopped);
				c.state = CpuState::offline;
				continue;
			}
			auto& k = static_cast<RiscvShimImpl&>(*c.shim);
			s_mode_init(c.id);
			k.set_cpu_online(c.id, true);
			v.cpu_up(k);
			m_work.unmask(c);
			c.state = CpuState::running;
		}
		v.late_init(static_cast<RiscvShimImpl&>(*m_sim.cpus[0].shim));
		for (CpuRt& c : m_sim.cpus)
			c.shim->set_untimed(false);
		schedule_sources();
		m_is_booted = true;
		m_booted.notify(sc_core::SC_ZERO_TIME);
	}

	Sim& m_sim;
	RiscvWorkload m_work;
	FaultPlan m_faults; ///< the scenario's faults in the models' terms, built before the models
	RiscvShared m_shared;
	std::unique_ptr<aplic::RiscvIntc> m_intc;
	std::vector<std::unique_ptr<cpu::RiscvHart>> m_harts;
	std::vector<std::unique_ptr<RiscvShimImpl>> m_shims;
	std::unique_ptr<sbi::SbiFirmware> m_fw;
	sc_core::sc_event m_booted;
	bool m_is_booted = false;
};

} // namespace

Platform* make_riscv_platform(Sim& sim)
{
	return new RiscvSoc("soc", sim);
}

} // namespace stopsim
