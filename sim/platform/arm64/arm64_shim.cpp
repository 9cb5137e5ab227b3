// SPDX-License-Identifier: Apache-2.0
#include "sim/platform/arm64/arm64_shim.hpp"
#include "models/common/error.hpp"
#include "models/gic/gic_regs.hpp"


namespace stopsim {

using namespace kl::arm64;

Arm64ShimImpl::Arm64ShimImpl(Sim& sim, CpuRt& cpu, cpu::Arm64Pe& pe) : ShimBase(sim, cpu), m_arm(pe) {}

/* arch_local_irq_disable(): PMR with priority masking, else PSTATE.I and F. */
void Arm64ShimImpl::local_irq_disable()
{
	if (system_uses_irq_prio_masking(*this))
		write_pmr(gic_prio(*this).irqoff);
	else
		write_daif(read_daif() | PSR_I_BIT | PSR_F_BIT);
}

void Arm64ShimImpl::local_irq_enable()
{
	if (system_uses_irq_prio_masking(*this))
		write_pmr(gic_prio(*this).irqon);
	else
		write_daif(read_daif() & ~(PSR_I_BIT | PSR_F_BIT));
}

uint32_t Arm64ShimImpl::read_daif()
{
	return m_arm.read_daif();
}

void Arm64ShimImpl::write_daif(uint32_t daif)
{
	m_arm.write_daif(daif);
	sysreg();
}

uint8_t Arm64ShimImpl::read_pmr()
{
	const uint8_t v = m_arm.gic().icc_read_pmr(m_cpu.id, true);
	sysreg();
	return v;
}

void Arm64ShimImpl::write_pmr(uint8_t pmr)
{
	m_arm.gic().icc_write_pmr(m_cpu.id, pmr, true);
	m_sim.signals_changed(m_cpu.id);
	if (m_sim.collect_trace)
		m_sim.trace('C', int(m_cpu.id), "PMR", "mask", {{"pmr", std::to_string(pmr)}});
	sysreg();
}

uint8_t Arm64ShimImpl::read_rpr()
{
	const uint8_t v = m_arm.gic().icc_read_rpr(m_cpu.id, true);
	sysreg();
	return v;
}

unsigned Arm64ShimImpl::read_iar1()
{
	const unsigned v = m_arm.gic().icc_read_iar(m_cpu.id, gic::Group::G1NS, true);
	m_sim.signals_changed(m_cpu.id);
	STOPSIM_DIAG(debug, m_cpu.id, "gic", "ICC_IAR1 read: INTID " + std::to_string(v));
	sysreg();
	return v;
}

void Arm64ShimImpl::write_eoir1(unsigned intid)
{
	m_arm.gic().icc_write_eoir(m_cpu.id, intid, gic::Group::G1NS, true);
	m_sim.signals_changed(m_cpu.id);
	sysreg();
}

void Arm64ShimImpl::write_dir(unsigned intid)
{
	m_arm.gic().icc_write_dir(m_cpu.id, intid);
	m_sim.signals_changed(m_cpu.id);
	sysreg();
}

void Arm64ShimImpl::write_sgi1r(uint64_t value)
{
	m_arm.gic().icc_generate_sgi(m_cpu.id, value, gic::Group::G1NS, true);
	sysreg();
}

void Arm64ShimImpl::write_igrpen1(bool on)
{
	m_arm.gic().icc_write_igrpen(m_cpu.id, gic::Group::G1NS, on);
	sysreg();
}

void Arm64ShimImpl::write_ctlr_eoimode(bool split)
{
	m_arm.gic().icc_write_eoimode(m_cpu.id, true, split);
	sysreg();
}

void Arm64ShimImpl::dsb_ishst()
{
	drain_stores();
	spend(m_sim.sc.lat.dsb_cycles);
}

void Arm64ShimImpl::isb()
{
	spend(m_sim.sc.lat.dsb_cycles);
	order_point();
}

void Arm64ShimImpl::mmio_write32(uint64_t addr, uint32_t v)
{
	bus_access(m_arm.bus, addr, v, 4, true);
}

void Arm64ShimImpl::mmio_write8(uint64_t addr, uint8_t v)
{
	bus_access(m_arm.bus, addr, v, 1, true);
}

uint32_t Arm64ShimImpl::mmio_read32(uint64_t addr)
{
	return bus_access(m_arm.bus, addr, 0, 4, false);
}

uint64_t Arm64ShimImpl::gicd_base() const
{
	return m_arm.gic().params().gicd_base;
}

uint64_t Arm64ShimImpl::gicr_base(unsigned cpu) const
{
	return m_arm.gic().params().gicr_base + gic::GICR_FRAME_STRIDE * cpu;
}

uint64_t Arm64ShimImpl::cpu_logical_map(unsigned cpu) const
{
	return gic::mpidr_of(cpu);
}

long Arm64ShimImpl::smc(uint32_t fid, uint64_t a1, uint64_t a2, uint64_t a3)
{
	/*
	 * Without an EL3 firmware model Linux found neither SDEI nor PSCI at boot and issues no
	 * such call: the caller sees NOT_SUPPORTED at no cost.
	 */
	if (!m_fw)
		return SMCCC_RET_NOT_SUPPORTED;
	if (m_untimed) {
		/* boot-time calls: the firmware's bookkeeping without simulated time */
	{
		const long r = m_fw->smc_untimed(m_cpu.id, fid, a1, a2, a3);
		m_sim.signals_changed(m_cpu.id);
		return r;
	}
	}
	const long r = m_fw->smc(m_cpu.id, fid, a1, a2, a3);
	m_sim.signals_changed(m_cpu.id);
	m_pe.boundary();
	return r;
}

bool Arm64ShimImpl::sdei_firmware_present()
{
	return m_fw && m_fw->params().sdei;
}

bool Arm64ShimImpl::psci_present()
{
	return m_fw && m_fw->params().psci;
}

void Arm64ShimImpl::sdei_entry()
{
	run_handler(kl::Ctx::sdei, "SDEI event 0", [this](const kl::Regs& regs) {
		/* __sdei_handler: nmi_enter, the registered callback, then COMPLETE with its status. */
		auto& v = static_cast<Arm64Variant&>(*m_sim.variant);
		const int status = v.sdei_event_handler(*this, regs);
		smc(SDEI_1_0_FN_SDEI_EVENT_COMPLETE, uint64_t(status), 0, 0);
	});
}

std::optional<kl::Regs> Arm64ShimImpl::enter_context(TriggerSpec::Context ctx)
{
	const bool prio = system_uses_irq_prio_masking(*this);
	const GicPrio& p = gic_prio(*this);
	switch (ctx) {
	case TriggerSpec::Context::irq:
		/* el1_interrupt(): DAIF_PROCCTX_NOIRQ; with priority masking the GIC driver then opens
		   DAIF with PMR at IRQOFF so that pseudo-NMIs can nest in the handler. */
		spend(m_sim.sc.costs.irq_entry_cycles);
		if (prio) {
			write_pmr(p.irqoff);
			write_daif(0);
		} else {
			write_daif(PSR_I_BIT | PSR_F_BIT);
		}
		return push_handler_frame(kl::Ctx::irq, "an IRQ handler");
	case TriggerSpec::Context::pseudo_nmi:
		/* __el1_pnmi(): PSTATE.I and F set, PMR as kernel_entry leaves it (IRQON | PSR_I_SET). */
		STOPSIM_ASSERT(prio, "pseudo_nmi trigger validated without priority masking");
		spend(m_sim.sc.costs.irq_entry_cycles);
		write_daif(PSR_I_BIT | PSR_F_BIT);
		write_pmr(p.irqon | p.psr_i_set);
		return push_handler_frame(kl::Ctx::nmi, "a pseudo-NMI handler");
	case TriggerSpec::Context::sdei: {
		/* The platform agent raises its event at this PE; EL3 dispatches it (DAIF all set) or not. */
		STOPSIM_ASSERT(m_fw != nullptr, "sdei trigger validated without EL3 firmware");
		if (m_fw->raise_platform_event(m_cpu.id) != el3::Dispatch::kRun) {
			m_sim.signals_changed(m_cpu.id);
			return std::nullopt;
		}
		m_sim.signals_changed(m_cpu.id);
		return push_handler_frame(kl::Ctx::sdei, "an SDEI event handler");
	}
	case TriggerSpec::Context::task:
	case TriggerSpec::Context::nmi:
	case TriggerSpec::Context::sse:
		break;
	}
	internal_error(__FILE__, __LINE__, "arm64 has no such trigger context");
}

void Arm64ShimImpl::do_machine_end(kl::MachineEnd how)
{
	if (how == kl::MachineEnd::kexec && m_fw && m_fw->sdei().handler_running(m_cpu.id))
		m_sim.log(int(m_cpu.id), "el3",
			  "EL3: the capture kernel starts on a PE with an SDEI event still running: its client "
			  "interrupts stay blocked until that event completes");
	ShimBase::do_machine_end(how);
}

void Arm64ShimImpl::wfe_wfi()
{
	if (!m_arm.exception_ready()) {
		if (m_arm.line_asserted())
			m_pe.sleep_until(cpu::kForever); /* WFI completes at once: the loop spins until a line changes */
		else
			m_pe.wfi();
	}
	m_pe.boundary();
}

bool Arm64ShimImpl::in_sdei_handler()
{
	for (const Frame& f : m_cpu.frames)
		if (f.ctx == kl::Ctx::sdei)
			return true;
	return false;
}

void Arm64ShimImpl::trace_parked()
{
	mark_stopped(CpuState::parked);
}

void Arm64ShimImpl::vector(cpu::Arm64Exception which)
{
	if (which == cpu::Arm64Exception::kFiq) {
		/* FIQs are Group 0 and go to EL3; with no EL3 firmware there is no Group 0 source. */
		STOPSIM_ASSERT(m_fw != nullptr, "FIQ taken but the platform has no EL3 firmware");
		m_fw->handle_fiq(m_cpu.id);
		return;
	}
	run_handler(
		kl::Ctx::irq, "exception",
		[this](const kl::Regs&) { el1_interrupt(*this, static_cast<Arm64Variant&>(*m_sim.variant)); }, true);
}

} // namespace stopsim
