// SPDX-License-Identifier: Apache-2.0
#include "sim/platform/riscv/riscv_shim.hpp"
#include "models/common/error.hpp"
#include "sim/platform/faults.hpp"
#include "sim/scenario/units.hpp"

#include <cstdio>

namespace stopsim {

using namespace kl::riscv;

RiscvShimImpl::RiscvShimImpl(Sim& sim, CpuRt& cpu, cpu::RiscvHart& hart, aplic::RiscvIntc& intc, sbi::SbiFirmware& fw,
			     RiscvShared& shared)
	: ShimBase(sim, cpu), m_hart(hart), m_intc(intc), m_fw(fw), m_shared(shared)
{
}

kl::Regs RiscvShimImpl::enter_irq_context()
{
	m_hart.write_sie(false); /* the trap clears SIE (SPIE keeps the old value) */
	spend(m_sim.sc.costs.irq_entry_cycles);
	return push_handler_frame(kl::Ctx::irq, "an interrupt handler");
}

std::optional<kl::Regs> RiscvShimImpl::enter_sse_context()
{
	if (!m_fw.raise_local_event(m_cpu.id, kl::riscv::SBI_SSE_EVENT_LOCAL_UNKNOWN_NMI)) {
		m_sim.signals_changed(m_cpu.id);
		return std::nullopt;
	}
	m_sim.signals_changed(m_cpu.id);
	/* An SSE handler is Linux's NMI context on RISC-V (as in sse_entry()). */
	return push_handler_frame(kl::Ctx::nmi, "the unknown-NMI SSE handler");
}

/* arch_local_irq_disable(): csrc sstatus, SR_SIE. */
void RiscvShimImpl::local_irq_disable()
{
	m_hart.write_sie(false);
	csr();
}

void RiscvShimImpl::local_irq_enable()
{
	m_hart.write_sie(true);
	csr();
}

sbiret RiscvShimImpl::sbi_ecall(int ext, int fid, unsigned long a0, unsigned long a1, unsigned long a2)
{
	sbi::SbiRet r;
	if (m_untimed) {
		r = m_fw.ecall_untimed(m_cpu.id, uint32_t(ext), uint32_t(fid), a0, a1, a2);
	} else {
		r = m_fw.ecall(m_cpu.id, uint32_t(ext), uint32_t(fid), a0, a1, a2);
	}
	/* An SBI call can change another hart's SSE state (INJECT makes its event pending). */
	m_sim.signals_changed_all();
	if (!m_untimed)
		m_pe.boundary();
	return sbiret{r.error, r.value};
}

bool RiscvShimImpl::spin_poll(const std::function<bool()>& pending, uint64_t budget, uint64_t unit_us)
{
	if (unit_us <= 1 || m_untimed)
		return ShimBase::spin_poll(pending, budget, unit_us);
	const Ps U = m_pe.clock().cycles(m_pe.clock().cycles_for(unit_us * kPsPerUs));
	for (uint64_t remaining = budget;; remaining--) {
		m_pe.boundary();
		const bool still = pending();
		spend_no_boundary(m_sim.sc.costs.check_cycles);
		if (!still)
			return true;
		if (remaining == 0)
			return false;
		/* mdelay(1) busy-waits on the timer: interrupts are taken whenever they come. */
		const Ps end = now_ps() + U;
		while (now_ps() < end) {
			m_pe.sleep_until(end, &m_sim.mem_changed);
			m_pe.boundary();
		}
	}
}

void RiscvShimImpl::csr_clear_sip_ssip()
{
	m_hart.set_soft_pending(cpu::MIP_SSIP, false);
	csr();
}

void RiscvShimImpl::wait_for_interrupt()
{
	if (!m_hart.exception_ready()) {
		if (m_hart.line_asserted())
			m_pe.sleep_until(cpu::kForever); /* WFI completes at once: the loop spins until a wire changes */
		else
			m_pe.wfi();
	}
	m_pe.boundary();
}

IpiBackend RiscvShimImpl::ipi_backend() const
{
	const std::string& b = m_sim.sc.riscv.ipi;
	return b == "sswi" ? IpiBackend::sswi : b == "imsic" ? IpiBackend::imsic : IpiBackend::sbi;
}

uint32_t RiscvShimImpl::mmio(uint64_t addr, uint32_t v, bool write)
{
	return bus_access(m_hart.bus, addr, v, 4, write);
}

void RiscvShimImpl::aclint_sswi_write(unsigned long hartid)
{
	mmio(m_intc.params().sswi_base + aplic::ACLINT_SSWI_SETSSIP_STRIDE * hartid, 1, true);
}

void RiscvShimImpl::imsic_ipi_write(unsigned long hartid)
{
	mmio(m_intc.params().imsic_s_base + aplic::IMSIC_PAGE * hartid + aplic::IMSIC_SETEIPNUM_LE, IMSIC_IPI_ID, true);
}

unsigned RiscvShimImpl::imsic_stopei_claim()
{
	const uint32_t t = m_intc.imsic_claim(m_cpu.id, false);
	csr();
	return t >> 16;
}

unsigned RiscvShimImpl::aplic_claimi()
{
	return mmio(m_intc.params().aplic_base + aplic::APLIC_IDC_BASE + aplic::APLIC_IDC_STRIDE * m_cpu.id +
			    aplic::APLIC_IDC_CLAIMI,
		    0, false);
}

void RiscvShimImpl::device_irq_handler(unsigned source)
{
	for (const AplicSourceSpec& a : m_sim.sc.riscv.aplic_sources) {
		if (a.source != source)
			continue;
		const std::string was = m_cpu.activity;
		m_sim.set_activity(m_cpu, "device interrupt (APLIC source " + std::to_string(source) + ")");
		if (m_sim.collect_trace)
			m_sim.trace('B', int(m_cpu.id), "APLIC source " + std::to_string(source), "handler");
		/* The driver's handler, with SIE=0 as the trap left it. */
		spend_no_boundary(m_pe.clock().cycles_for(a.handler));
		/* The driver quiets the device: a level wire drops. */
		if (a.level)
			m_intc.set_source(source, false);
		if (m_sim.collect_trace)
			m_sim.trace('E', int(m_cpu.id), "", "handler");
		m_sim.set_activity(m_cpu, was);
		return;
	}
}

bool RiscvShimImpl::ipi_fault_gate(unsigned cpu, unsigned ipi)
{
	if (!m_shared.faults || m_untimed)
		return true;
	FaultAction a = m_shared.faults->at(FaultPoint::kSend, m_cpu.id, cpu, ipi);
	if (a.drop)
		return false;
	const FaultAction b = m_shared.faults->at(FaultPoint::kArrive, m_cpu.id, cpu, ipi);
	a.extra_delay += b.extra_delay;
	if (a.extra_delay == 0)
		return true;
	m_shared.late_post(cpu, ipi, a.extra_delay);
	return false;
}

bool RiscvShimImpl::cpu_has_hotplug(unsigned)
{
	return m_fw.core().params().hsm;
}

void RiscvShimImpl::trace_parked()
{
	mark_stopped(CpuState::parked);
}

void RiscvShimImpl::hart_stopped()
{
	mark_stopped(CpuState::off);
	m_sim.set_activity(m_cpu, "stopped (SBI HSM HART_STOP)");
}

void RiscvShimImpl::vector(cpu::RiscvIrq which)
{
	const IrqCause cause = which == cpu::RiscvIrq::kSsi ? IrqCause::ssi
			       : which == cpu::RiscvIrq::kSei ? IrqCause::sei
							      : IrqCause::sti;
	run_handler(
		kl::Ctx::irq, "exception",
		[this, cause](const kl::Regs& regs) {
			handle_riscv_irq(*this, static_cast<RiscvVariant&>(*m_sim.variant), cause, regs);
		},
		true);
}

void RiscvShimImpl::sse_entry(uint32_t event)
{
	char name[32];
	std::snprintf(name, sizeof name, "SSE event 0x%x", event);
	/* An SSE handler is Linux's NMI context on RISC-V: reported as "sse". */
	run_handler(kl::Ctx::nmi, name, [this, event](const kl::Regs& regs) {
		/* The SSE core's entry: nmi_enter, the registered handler, then COMPLETE. */
		nmi_enter();
		auto& v = static_cast<RiscvVariant&>(*m_sim.variant);
		v.sse_event_handler(*this, event, regs);
		nmi_exit();
		/* COMPLETE resumes the interrupted context: no interrupt boundary in between. */
		m_fw.ecall(m_cpu.id, uint32_t(SBI_EXT_SSE), uint32_t(SBI_SSE_EVENT_COMPLETE));
	});
}

} // namespace stopsim
