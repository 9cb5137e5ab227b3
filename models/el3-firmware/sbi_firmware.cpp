// SPDX-License-Identifier: Apache-2.0
#include "models/el3-firmware/sbi_firmware.hpp"
#include "models/common/diag.hpp"
#include "models/common/error.hpp"

#include <cstdio>

namespace stopsim::sbi {

using cpu::Priv;
using cpu::RiscvIrq;

SbiFirmware::SbiFirmware(sc_core::sc_module_name name, const SbiParams& p, aplic::RiscvIntc& intc,
			 std::vector<cpu::RiscvHart*> harts)
	: sc_core::sc_module(name), m_p(p), m_intc(intc), m_harts(std::move(harts)),
	  m_core(unsigned(m_harts.size()), p.core)
{
}

void SbiFirmware::spend(unsigned hart, Cycles cycles)
{
	if (m_timed)
		m_harts.at(hart)->advance(cycles);
}

void SbiFirmware::raise(unsigned hart)
{
	/* The IMSIC device outranks the MSWI in OpenSBI's IPI-device selection when both exist. */
	if (m_p.imsic)
		m_intc.imsic_send(hart, true, aplic::IMSIC_IPI_ID);
	else
		m_intc.write_msip(hart, true);
}

void SbiFirmware::post_ipi_event(unsigned hart, uint32_t event)
{
	const HsmState s = m_core.hart(hart).hsm;
	if (s != HsmState::started && s != HsmState::suspended)
		return;
	if (m_core.post_ipi(hart, event))
		raise(hart);
}

SbiRet SbiFirmware::ecall(unsigned hart, uint32_t ext, uint32_t fid, uint64_t a0, uint64_t a1, uint64_t a2)
{
	cpu::RiscvHart& h = *m_harts.at(hart);
	const cpu::MTrapFrame f = h.trap_to_m();
	spend(hart, m_p.ecall_cycles / 2);
	const SbiRet r = call(hart, ext, fid, a0, a1, a2);
	const bool complete = ext == SBI_EXT_SSE && fid == SBI_SSE_EVENT_COMPLETE;
	spend(hart, complete ? m_p.sse_complete_cycles - m_p.ecall_cycles / 2 : m_p.ecall_cycles - m_p.ecall_cycles / 2);
	/* COMPLETE resumes the interrupted context; the injection loop there picks the next event. */
	if (!complete)
		return_path(hart, f.from);
	h.mret(f);
	return r;
}

SbiRet SbiFirmware::ecall_untimed(unsigned hart, uint32_t ext, uint32_t fid, uint64_t a0, uint64_t a1, uint64_t a2)
{
	STOPSIM_ASSERT(!(ext == SBI_EXT_HSM && fid == SBI_EXT_HSM_HART_STOP), "HART_STOP at boot");
	m_timed = false;
	const SbiRet r = call(hart, ext, fid, a0, a1, a2);
	m_timed = true;
	return r;
}

SbiRet SbiFirmware::call(unsigned hart, uint32_t ext, uint32_t fid, uint64_t a0, uint64_t a1, uint64_t a2)
{
	if (diag::enabled(diag::Level::debug)) {
		const char* e = ext == SBI_EXT_IPI ? "IPI" : ext == SBI_EXT_HSM ? "HSM" : ext == SBI_EXT_SSE ? "SSE" : "?";
		char b[96];
		std::snprintf(b, sizeof b, "ecall %s fid %u (a0 0x%llx, a1 0x%llx)%s", e, fid, (unsigned long long)a0,
			      (unsigned long long)a1, m_timed ? "" : " at boot");
		diag::emit(diag::Level::debug, int(hart), "sbi", b);
	}
	SbiRet r;
	switch (ext) {
	case SBI_EXT_IPI: {
		if (fid != SBI_EXT_IPI_SEND_IPI) {
			r.error = SBI_ERR_NOT_SUPPORTED;
			break;
		}
		const SbiCore::IpiSend s = m_core.send_ipi(a0, a1);
		r.error = s.error;
		if (m_timed)
			for (unsigned t : s.raise)
				raise(t);
		break;
	}
	case SBI_EXT_HSM:
		if (fid == SBI_EXT_HSM_HART_STOP) {
			r.error = m_core.hart_stop(hart);
			if (r.error == SBI_SUCCESS)
				hart_stopped(hart);
		} else if (fid == SBI_EXT_HSM_HART_GET_STATUS) {
			const long v = m_core.hart_status(unsigned(a0));
			if (v < 0)
				r.error = v;
			else
				r.value = v;
		} else {
			r.error = SBI_ERR_NOT_SUPPORTED;
		}
		break;
	case SBI_EXT_SSE: {
		const uint32_t id = uint32_t(a0);
		switch (fid) {
		case SBI_SSE_EVENT_REGISTER:
			r.error = m_core.sse_register(hart, id, a1, a2);
			break;
		case SBI_SSE_EVENT_UNREGISTER:
			r.error = m_core.sse_unregister(hart, id);
			break;
		case SBI_SSE_EVENT_ENABLE:
			r.error = m_core.sse_enable(hart, id);
			break;
		case SBI_SSE_EVENT_DISABLE:
			r.error = m_core.sse_disable(hart, id);
			break;
		case SBI_SSE_EVENT_ATTR_WRITE:
			r.error = m_core.sse_write_attr(hart, id, uint32_t(a1), a2);
			break;
		case SBI_SSE_HART_MASK:
			r.error = m_core.sse_hart_mask(hart);
			break;
		case SBI_SSE_HART_UNMASK:
			r.error = m_core.sse_hart_unmask(hart);
			break;
		case SBI_SSE_EVENT_COMPLETE:
			if (!m_p.core.sse)
				r.error = SBI_ERR_NOT_SUPPORTED;
			else
				m_core.sse_complete(hart);
			break;
		case SBI_SSE_EVENT_INJECT: {
			bool need_ipi = false;
			r.error = m_core.sse_inject(hart, id, a1, need_ipi);
			if (r.error == SBI_SUCCESS && need_ipi && m_timed && m_core.post_ipi(unsigned(a1), IPI_EVENT_SSE))
				raise(unsigned(a1));
			break;
		}
		default:
			r.error = SBI_ERR_NOT_SUPPORTED;
			break;
		}
		break;
	}
	default:
		r.error = SBI_ERR_NOT_SUPPORTED;
		break;
	}
	return r;
}

void SbiFirmware::hart_stopped(unsigned hart)
{
	STOPSIM_DIAG(info, hart, "sbi", "HSM HART_STOP: hart stopped");
	if (m_note) {
		for (const SseEvent& e : m_core.hart(hart).local)
			if (e.state == SseState::running)
				m_note(hart, "SBI: HSM HART_STOP from inside a RUNNING SSE event: the event stays RUNNING");
	}
	if (m_stop)
		m_stop(hart);
	/* The stopped hart waits in firmware for a HART_START that this run never sends. */
	for (;;)
		sc_core::wait(m_never);
}

void SbiFirmware::process_ipi(unsigned hart)
{
	spend(hart, m_p.ipi_process_cycles);
	const uint32_t ev = m_core.ipi_take(hart);
	/* The S-mode IPI event sets SSIP; an SSE event was made pending at inject time. */
	if (ev & IPI_EVENT_SMODE)
		m_harts.at(hart)->set_soft_pending(cpu::MIP_SSIP, true);
}

void SbiFirmware::m_trap(unsigned hart, RiscvIrq which)
{
	cpu::RiscvHart& h = *m_harts.at(hart);
	const Priv to = h.core().mstatus_mpp;
	if (which == RiscvIrq::kMsi) {
		m_intc.write_msip(hart, false);
		process_ipi(hart);
	} else if (which == RiscvIrq::kMei) {
		for (uint32_t t = m_intc.imsic_claim(hart, true); t; t = m_intc.imsic_claim(hart, true))
			if ((t >> 16) == aplic::IMSIC_IPI_ID)
				process_ipi(hart);
	} else {
		spend(hart, m_p.ecall_cycles / 2);
	}
	return_path(hart, to);
}

void SbiFirmware::return_path(unsigned hart, Priv to)
{
	if (to == Priv::M)
		return;
	while (auto id = m_core.sse_next(hart))
		inject(hart, *id);
}

void SbiFirmware::inject(unsigned hart, uint32_t id)
{
	cpu::RiscvHart& h = *m_harts.at(hart);
	if (diag::enabled(diag::Level::debug)) {
		char b[64];
		std::snprintf(b, sizeof b, "SSE event 0x%x injected into S-mode", id);
		diag::emit(diag::Level::debug, int(hart), "sbi", b);
	}
	m_core.sse_begin(hart, id);
	spend(hart, m_p.sse_inject_cycles);
	/* SPIE = SIE, SIE = 0, enter S at the entry point: sstatus.SIE never gated the injection. */
	const bool sie = h.core().mstatus_sie;
	h.write_sie(false);
	h.set_priv(Priv::S);
	STOPSIM_ASSERT(m_client, "SSE event injected with no supervisor entry");
	const SseEvent* e = m_core.event(hart, id);
	m_client(hart, id, e ? e->entry_arg : 0);
	/* COMPLETE: back to M, then the interrupted context's SIE. */
	h.set_priv(Priv::M);
	h.write_sie(sie);
}

void SbiFirmware::stuck_in_mmode(unsigned hart, Ps until_ps)
{
	cpu::RiscvHart& h = *m_harts.at(hart);
	const cpu::MTrapFrame f = h.trap_to_m();
	if (until_ps == cpu::kForever)
		for (;;)
			sc_core::wait(m_never);
	while (now_ps() < until_ps)
		sc_core::wait(ps_time(until_ps - now_ps()));
	return_path(hart, f.from);
	h.mret(f);
}

bool SbiFirmware::raise_local_event(unsigned hart, uint32_t id)
{
	char b[96];
	bool need_ipi = false;
	const long r = m_core.sse_inject(hart, id, hart, need_ipi);
	if (r != SBI_SUCCESS) {
		std::snprintf(b, sizeof b, "SBI: SSE event 0x%x cannot be raised here: error %ld", id, r);
		if (m_note)
			m_note(hart, b);
		return false;
	}
	const auto next = m_core.sse_next(hart);
	if (!next || *next != id) {
		std::snprintf(b, sizeof b, "SBI: SSE event 0x%x raised but not injectable now (masked or busy): left pending", id);
		if (m_note)
			m_note(hart, b);
		return false;
	}
	cpu::RiscvHart& h = *m_harts.at(hart);
	m_core.sse_begin(hart, id);
	spend(hart, m_p.sse_inject_cycles);
	/* As inject(): SIE cleared, S-mode at the entry point. */
	h.write_sie(false);
	h.set_priv(Priv::S);
	return true;
}

} // namespace stopsim::sbi
