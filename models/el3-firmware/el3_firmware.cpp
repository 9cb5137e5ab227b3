// SPDX-License-Identifier: Apache-2.0
#include "models/el3-firmware/el3_firmware.hpp"
#include "models/common/diag.hpp"
#include "models/common/error.hpp"
#include "models/gic/gic_regs.hpp"

#include <cstdio>
#include <string>

namespace stopsim::el3 {

El3Firmware::El3Firmware(sc_core::sc_module_name name, const El3Params& p, gic::GicV3& gic,
			 std::vector<cpu::Arm64Pe*> pes)
	: sc_core::sc_module(name), m_p(p), m_gic(gic), m_pes(std::move(pes)), m_core(unsigned(m_pes.size()), p.sdei_params),
	  m_power_state(m_pes.size(), PowerState::kOn)
{
}

namespace {

const char* fid_name(uint32_t fid)
{
	switch (fid) {
	case SDEI_VERSION:
		return "SDEI_VERSION";
	case SDEI_EVENT_REGISTER:
		return "SDEI_EVENT_REGISTER";
	case SDEI_EVENT_ENABLE:
		return "SDEI_EVENT_ENABLE";
	case SDEI_EVENT_DISABLE:
		return "SDEI_EVENT_DISABLE";
	case SDEI_EVENT_COMPLETE:
		return "SDEI_EVENT_COMPLETE";
	case SDEI_EVENT_COMPLETE_AND_RESUME:
		return "SDEI_EVENT_COMPLETE_AND_RESUME";
	case SDEI_EVENT_UNREGISTER:
		return "SDEI_EVENT_UNREGISTER";
	case SDEI_PE_MASK:
		return "SDEI_PE_MASK";
	case SDEI_PE_UNMASK:
		return "SDEI_PE_UNMASK";
	case SDEI_EVENT_SIGNAL:
		return "SDEI_EVENT_SIGNAL";
	case SDEI_PRIVATE_RESET:
		return "SDEI_PRIVATE_RESET";
	case PSCI_VERSION:
		return "PSCI_VERSION";
	case PSCI_CPU_OFF:
		return "PSCI_CPU_OFF";
	}
	return "unknown";
}

std::string hex32(uint32_t v)
{
	char b[16];
	std::snprintf(b, sizeof b, "0x%08x", v);
	return b;
}

} // namespace

int El3Firmware::pe_of_mpidr(uint64_t mpidr) const
{
	for (unsigned i = 0; i < m_pes.size(); i++)
		if (gic::mpidr_of(i) == (mpidr & 0xff00ffffffull))
			return int(i);
	return -1;
}

void El3Firmware::at_el3(unsigned pe, Cycles cycles)
{
	if (!m_timed)
		return;
	cpu::Arm64Pe& p = *m_pes.at(pe);
	const unsigned from = p.core().el;
	p.set_el(3);
	p.advance(cycles);
	p.set_el(from);
}

void El3Firmware::leave(unsigned pe, PowerState st)
{
	STOPSIM_DIAG(info, pe, "el3", st == PowerState::kOff ? "PSCI CPU_OFF: PE powered off" : "PE wedged in EL3");
	m_power_state.at(pe) = st;
	m_pes.at(pe)->set_el(3);
	if (m_power)
		m_power(pe, st);
	for (;;)
		sc_core::wait(m_never);
}

void El3Firmware::eoi(unsigned pe)
{
	// EOImode_EL3 = 0: the write drops the priority and deactivates the SGI.
	m_gic.icc_write_eoir(pe, m_p.sdei_params.sgi, gic::Group::G0, false);
}

void El3Firmware::stuck_in_el3(unsigned pe, Ps until_ps)
{
	cpu::Arm64Pe& p = *m_pes.at(pe);
	const unsigned from = p.core().el;
	p.set_el(3);
	if (until_ps == cpu::kForever) {
		// Firmware never returns to Linux, but nothing stopped this CPU: no power hook.
		m_power_state.at(pe) = PowerState::kWedged;
		for (;;)
			sc_core::wait(m_never);
	}
	while (now_ps() < until_ps)
		sc_core::wait(ps_time(until_ps - now_ps()));
	p.set_el(from);
}

long El3Firmware::call(unsigned pe, uint32_t fid, uint64_t a1, uint64_t a2, uint64_t a3, bool timed)
{
	struct TimedScope {
		bool& flag;
		bool old;
		TimedScope(bool& f, bool v) : flag(f), old(f) { flag = v; }
		~TimedScope() { flag = old; }
	} scope(m_timed, timed);
	STOPSIM_DIAG(debug, pe, "el3", std::string("SMC ") + hex32(fid) + " (" + fid_name(fid) + ")" + (timed ? "" : " at boot"));
	STOPSIM_ASSERT(timed || (fid != SDEI_EVENT_SIGNAL && fid != PSCI_CPU_OFF), "SIGNAL/CPU_OFF at boot");
	const bool sdei_call = (fid & 0xffffff00u) == 0xC4000000u && fid >= SDEI_VERSION && fid <= 0xC4000032u;
	if (sdei_call && !m_p.sdei) {
		at_el3(pe, m_p.smc_cycles);
		return SMCCC_NOT_SUPPORTED;
	}
	switch (fid) {
	case SDEI_VERSION:
		at_el3(pe, m_p.smc_cycles);
		return long(1ull << 48); // 1.0: major version in bits 62:48
	case SDEI_EVENT_REGISTER:
		at_el3(pe, m_p.smc_cycles);
		return m_core.event_register(pe, unsigned(a1), a2, a3);
	case SDEI_EVENT_ENABLE:
		at_el3(pe, m_p.smc_cycles);
		return m_core.event_enable(pe, unsigned(a1));
	case SDEI_EVENT_DISABLE:
		at_el3(pe, m_p.smc_cycles);
		return m_core.event_disable(pe, unsigned(a1));
	case SDEI_EVENT_UNREGISTER:
		at_el3(pe, m_p.smc_cycles);
		return m_core.event_unregister(pe, unsigned(a1));
	case SDEI_PE_MASK:
		at_el3(pe, m_p.smc_cycles);
		return m_core.pe_mask(pe);
	case SDEI_PE_UNMASK:
		at_el3(pe, m_p.smc_cycles);
		return m_core.pe_unmask(pe);
	case SDEI_PRIVATE_RESET:
		at_el3(pe, m_p.smc_cycles);
		return m_core.private_reset(pe);
	case SDEI_EVENT_SIGNAL: {
		const int target = pe_of_mpidr(a2);
		const long r = m_core.signal(pe, unsigned(a1), target);
		if (r == SDEI_SUCCESS) {
			// Raise the Group 0 SGI at the target (ICC_SGI0R_EL1, IRM=0), then return at once.
			const uint64_t mpidr = gic::mpidr_of(unsigned(target));
			const uint64_t val = (uint64_t(m_p.sdei_params.sgi) << gic::ICC_SGIR_INTID_SHIFT) |
					     (((mpidr >> 8) & 0xff) << gic::ICC_SGIR_AFF1_SHIFT) |
					     (((mpidr >> 16) & 0xff) << gic::ICC_SGIR_AFF2_SHIFT) | (1u << (mpidr & 0xf));
			cpu::Arm64Pe& p = *m_pes.at(pe);
			const unsigned from = p.core().el;
			p.set_el(3);
			p.advance(m_p.signal_cycles / 2);
			m_gic.icc_generate_sgi(pe, val, gic::Group::G0, false);
			p.advance(m_p.signal_cycles - m_p.signal_cycles / 2);
			p.set_el(from);
		} else {
			at_el3(pe, m_p.smc_cycles);
		}
		return r;
	}
	case SDEI_EVENT_COMPLETE:
	case SDEI_EVENT_COMPLETE_AND_RESUME: {
		unsigned which = 0;
		const long r = m_core.complete(pe, &which);
		// Event 0 came in as an SGI that is still active; the platform event's source is not modelled.
		if (r == SDEI_SUCCESS && which == 0)
			eoi(pe);
		at_el3(pe, r == SDEI_SUCCESS ? m_p.complete_cycles : m_p.smc_cycles);
		(void)a3;
		return r;
	}
	case PSCI_VERSION:
		at_el3(pe, m_p.smc_cycles);
		return m_p.psci ? 0x10001 : SMCCC_NOT_SUPPORTED;
	case PSCI_CPU_OFF:
		if (!m_p.psci) {
			at_el3(pe, m_p.smc_cycles);
			return SMCCC_NOT_SUPPORTED;
		}
		m_pes.at(pe)->set_el(3);
		m_pes.at(pe)->advance(m_p.smc_cycles);
		if (m_core.pe(pe).ev0.running && m_p.cpu_off_in_event_wedges) {
			if (m_note)
				m_note(pe, "EL3: CPU_OFF from inside a running SDEI event: PE wedged in EL3");
			leave(pe, PowerState::kWedged);
		}
		leave(pe, PowerState::kOff);
	default:
		at_el3(pe, m_p.smc_cycles);
		return SMCCC_NOT_SUPPORTED;
	}
}

void El3Firmware::handle_fiq(unsigned pe)
{
	cpu::Arm64Pe& p = *m_pes.at(pe);
	p.set_el(3);
	const unsigned intid = m_gic.icc_read_iar(pe, gic::Group::G0, false);
	if (intid >= gic::INTID_SPURIOUS - 3)
		return;
	if (intid != m_p.sdei_params.sgi) {
		m_gic.icc_write_eoir(pe, intid, gic::Group::G0, false);
		return;
	}
	const Dispatch d = m_core.on_acknowledge(pe);
	STOPSIM_DIAG(debug, pe, "el3", std::string("SDEI event 0 acknowledged: ") +
					       (d == Dispatch::kRun            ? "dispatching to the client"
						: d == Dispatch::kMaskedNoEoi ? "PE masked, not dispatched"
									      : "not registered/enabled, dropped"));
	if (d != Dispatch::kRun)
		m_core.note_dropped(pe);
	switch (d) {
	case Dispatch::kMaskedNoEoi:
		// TF-A returns without EOI for a masked PE: the SGI stays active at 0x70 (3.6, observation).
		if (m_note)
			m_note(pe, "EL3: event 0 arrived at an SDEI-masked PE: not dispatched, SGI left active");
		return;
	case Dispatch::kDrop:
	case Dispatch::kRepend:
		if (m_note && m_core.pe(pe).plat.running)
			m_note(pe, "EL3: event 0 not dispatched: the platform event's handler is running here; SGI dropped");
		else if (m_note)
			m_note(pe, "EL3: event 0 not registered/enabled here: SGI dropped");
		eoi(pe);
		return;
	case Dispatch::kRun:
		break;
	}
	m_core.begin_dispatch(pe);
	p.advance(m_p.dispatch_cycles);
	// ERET to the client EL with D, A, I and F masked (create_spsr); the SGI stays active.
	p.write_daif(cpu::DAIF_ALL);
	p.set_el(1);
	STOPSIM_ASSERT(m_client, "SDEI event dispatched with no client entry");
	m_client(pe);
	// The client has completed (COMPLETE issued the EOI) or aborted; back through EL3.
	p.set_el(3);
}

Dispatch El3Firmware::raise_platform_event(unsigned pe)
{
	cpu::Arm64Pe& p = *m_pes.at(pe);
	const Dispatch d = m_core.on_platform_event(pe);
	const std::string num = m_p.sdei_params.platform_event ? std::to_string(*m_p.sdei_params.platform_event) : "?";
	if (d != Dispatch::kRun) {
		if (m_note)
			m_note(pe, "EL3: platform event " + num +
					   (d == Dispatch::kDrop ? " not registered here: dropped"
								 : " cannot run here now (PE masked, event disabled or a "
								   "handler running): left pending"));
		return d;
	}
	STOPSIM_DIAG(debug, pe, "el3", "platform event " + num + " raised: dispatching to the client");
	p.set_el(3);
	m_core.begin_dispatch(pe, *m_p.sdei_params.platform_event);
	p.advance(m_p.dispatch_cycles);
	// As for event 0: ERET to the client with D, A, I and F masked.
	p.write_daif(cpu::DAIF_ALL);
	p.set_el(1);
	return d;
}

} // namespace stopsim::el3
