// SPDX-License-Identifier: Apache-2.0
#include "models/lapic/apic_bus.hpp"
#include "models/common/diag.hpp"
#include "models/common/error.hpp"

#include <cstring>

namespace stopsim::lapic {

ApicBus::ApicBus(sc_core::sc_module_name name, const ApicParams& p, EventQueue& events)
	: sc_core::sc_module(name), in("in"), m_p(p), m_clk(p.clock_hz), m_events(events), m_apic(p.num_cpus),
	  m_icr_high(p.num_cpus, 0), m_busy_until(p.num_cpus, 0), m_sinks(p.num_cpus, nullptr), m_intr(p.num_cpus, false)
{
	for (unsigned i = 0; i < p.num_cpus; i++)
		m_apic[i].id = i;
	in.register_b_transport(this, &ApicBus::b_transport);
}

void ApicBus::note(ApicEvent e, unsigned s, unsigned t, unsigned id)
{
	/* A fault firing is info; the ordinary life of an IPI is debug. */
	const diag::Level level = e == ApicEvent::kDropped || e == ApicEvent::kDelayed ? diag::Level::info : diag::Level::debug;
	if (diag::enabled(level)) {
		static const char* const what[] = {"sent", "dropped by a fault", "delayed by a fault", "accepted (IRR)",
						   "merged into the pending one", "lost (APIC software-disabled)", "delivered (NMI)"};
		std::string text = (id == kNmiId ? std::string("NMI") : "vector " + std::to_string(id)) + " " + what[int(e)];
		if (e == ApicEvent::kSent || e == ApicEvent::kDropped || e == ApicEvent::kDelayed)
			text += " (cpu " + std::to_string(s) + " -> cpu " + std::to_string(t) + ")";
		else
			text += " (from cpu " + std::to_string(s) + ")";
		diag::emit(level, int(e == ApicEvent::kSent ? s : t), "apic", text);
	}
	if (m_observer)
		m_observer(ApicNote{e, s, t, id});
}

void ApicBus::update(unsigned cpu)
{
	const bool now = m_apic[cpu].intr();
	if (now == m_intr[cpu])
		return;
	m_intr[cpu] = now;
	if (m_sinks[cpu])
		m_sinks[cpu]->apic_intr(now);
}

int ApicBus::inta(unsigned cpu)
{
	const int v = m_apic.at(cpu).inta();
	update(cpu);
	return v;
}

Ps ApicBus::icr_busy_for(unsigned cpu) const
{
	const Ps now = now_ps();
	return m_busy_until.at(cpu) > now ? m_busy_until[cpu] - now : 0;
}

void ApicBus::reg_write(unsigned cpu, uint32_t offset, uint32_t value)
{
	if (offset == APIC_ICR2) {
		m_icr_high[cpu] = value;
		return;
	}
	if (offset == APIC_ICR) {
		send(cpu, (uint64_t(m_icr_high[cpu]) << 32) | value);
		return;
	}
	m_apic[cpu].write(offset, value);
	update(cpu);
}

uint32_t ApicBus::reg_read(unsigned cpu, uint32_t offset)
{
	if (offset == APIC_ICR)
		return icr_busy_for(cpu) ? APIC_ICR_BUSY : 0;
	if (offset == APIC_ICR2)
		return m_icr_high[cpu];
	return m_apic[cpu].read(offset);
}

void ApicBus::msr_write(unsigned cpu, uint32_t msr, uint64_t value)
{
	const uint32_t offset = (msr - X2APIC_MSR_BASE) * 0x10;
	if (offset == APIC_ICR) {
		send(cpu, value);
		return;
	}
	reg_write(cpu, offset, uint32_t(value));
}

uint64_t ApicBus::msr_read(unsigned cpu, uint32_t msr)
{
	return reg_read(cpu, (msr - X2APIC_MSR_BASE) * 0x10);
}

void ApicBus::send(unsigned source, uint64_t icr)
{
	const IcrMessage m = decode_icr(icr, m_p.x2apic);
	if (!m_p.x2apic)
		m_busy_until[source] = now_ps() + m_clk.cycles(m_p.icr_busy_cycles);
	for (unsigned t = 0; t < m_p.num_cpus; t++) {
		bool hit = false;
		switch (m.shorthand) {
		case Shorthand::none:
			hit = t == m.dest;
			break;
		case Shorthand::self:
			hit = t == source;
			break;
		case Shorthand::all_incl_self:
			hit = true;
			break;
		case Shorthand::all_but_self:
			hit = t != source;
			break;
		}
		if (hit)
			deliver(source, t, m);
	}
}

void ApicBus::deliver(unsigned source, unsigned target, const IcrMessage& m)
{
	const bool nmi = m.mode == Delivery::nmi;
	const unsigned id = nmi ? kNmiId : m.vector;
	const FaultAction fa = m_hooks->at(FaultPoint::kSend, source, target, id);
	if (fa.drop) {
		note(ApicEvent::kDropped, source, target, id);
		return;
	}
	note(fa.extra_delay ? ApicEvent::kDelayed : ApicEvent::kSent, source, target, id);
	m_events.schedule_in(m_clk.cycles(m_p.icr_delivery_cycles) + fa.extra_delay, [this, source, target, nmi, m, id] {
		const FaultAction late = m_hooks->at(FaultPoint::kArrive, source, target, id);
		auto arrive = [this, source, target, nmi, m, id] {
			if (nmi) {
				// NMI bypasses IRR, ISR, PPR and the software enable (SDM 11.6.1).
				note(ApicEvent::kNmi, source, target, id);
				if (m_sinks[target])
					m_sinks[target]->apic_nmi();
				return;
			}
			bool merged = false;
			if (!m_apic[target].accept_fixed(m.vector, &merged)) {
				note(ApicEvent::kLost, source, target, id); // software-disabled APIC
				return;
			}
			note(merged ? ApicEvent::kMerged : ApicEvent::kAccepted, source, target, id);
			update(target);
		};
		if (late.drop)
			note(ApicEvent::kDropped, source, target, id);
		else if (late.extra_delay)
			m_events.schedule_in(late.extra_delay, arrive);
		else
			arrive();
	});
}

void ApicBus::b_transport(int, tlm::tlm_generic_payload& t, sc_core::sc_time& delay)
{
	if (t.get_data_length() != 4 || (t.get_address() & 3)) {
		t.set_response_status(tlm::TLM_COMMAND_ERROR_RESPONSE);
		return;
	}
	const uint64_t addr = t.get_address();
	if (addr < APIC_DEFAULT_BASE || addr >= APIC_DEFAULT_BASE + 0x1000) {
		t.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
		return;
	}
	ApicCpuExt* ext = nullptr;
	t.get_extension(ext);
	const unsigned cpu = ext ? ext->cpu : 0;
	const uint32_t off = uint32_t(addr - APIC_DEFAULT_BASE);
	uint32_t v = 0;
	if (t.is_write()) {
		std::memcpy(&v, t.get_data_ptr(), 4);
		reg_write(cpu, off, v);
	} else {
		v = reg_read(cpu, off);
		std::memcpy(t.get_data_ptr(), &v, 4);
	}
	delay += ps_time(m_clk.cycles(m_p.mmio_cycles));
	t.set_response_status(tlm::TLM_OK_RESPONSE);
}

} // namespace stopsim::lapic
