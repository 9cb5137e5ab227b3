// SPDX-License-Identifier: Apache-2.0
#include "models/aplic/riscv_intc.hpp"
#include "models/common/error.hpp"
#include "models/cpu/riscv_hart_core.hpp"

#include <cstring>

namespace stopsim::aplic {

using cpu::MIP_MEIP;
using cpu::MIP_MSIP;
using cpu::MIP_SEIP;

RiscvIntc::RiscvIntc(sc_core::sc_module_name name, const IntcParams& p, EventQueue& events)
	: sc_core::sc_module(name), in("in"), m_p(p), m_clk(p.clock_hz), m_events(events),
	  m_aplic(p.num_sources, p.num_harts), m_msip(p.num_harts, false), m_imsic_m(p.num_harts),
	  m_imsic_s(p.num_harts), m_line(p.num_harts), m_ssip(p.num_harts), m_seip_out(p.num_harts, 0),
	  m_meip_out(p.num_harts, 0)
{
	in.register_b_transport(this, &RiscvIntc::b_transport);
	in.register_transport_dbg(this, &RiscvIntc::transport_dbg);
}

void RiscvIntc::bind_hart(unsigned hart, LineFn line, SsipFn ssip)
{
	m_line.at(hart) = std::move(line);
	m_ssip.at(hart) = std::move(ssip);
}

void RiscvIntc::set_source(unsigned source, bool level, Ps extra_ps)
{
	m_aplic.set_input(source, level);
	update_lines(m_clk.cycles(m_p.aplic_delivery_cycles) + extra_ps);
}

void RiscvIntc::write_msip(unsigned hart, bool on, Ps extra_ps)
{
	if (hart >= m_p.num_harts)
		return;
	/* ACLINT MSWI: bit 0 written; the wire follows after the interconnect latency. */
	const Ps d = on ? m_clk.cycles(m_p.mmio_cycles) + extra_ps : 0;
	auto apply = [this, hart, on] {
		m_msip[hart] = on;
		if (m_line[hart])
			m_line[hart](MIP_MSIP, on);
	};
	if (d == 0)
		apply();
	else
		m_events.schedule_in(d, apply);
}

void RiscvIntc::write_setssip(unsigned hart, Ps extra_ps)
{
	if (hart >= m_p.num_harts)
		return;
	m_events.schedule_in(m_clk.cycles(m_p.mmio_cycles) + extra_ps, [this, hart] {
		if (m_ssip[hart])
			m_ssip[hart]();
	});
}

void RiscvIntc::imsic_send(unsigned hart, bool m_file, uint32_t id, Ps extra_ps)
{
	if (hart >= m_p.num_harts || !m_p.imsic)
		return;
	m_events.schedule_in(m_clk.cycles(m_p.mmio_cycles) + extra_ps, [this, hart, m_file, id] {
		imsic(hart, m_file).seteipnum(id);
		push_line(hart);
	});
}

uint32_t RiscvIntc::imsic_claim(unsigned hart, bool m_file)
{
	const uint32_t t = imsic(hart, m_file).claim();
	push_line(hart);
	return t;
}

void RiscvIntc::update_lines(Ps delay_ps)
{
	if (delay_ps == 0)
		push_lines();
	else
		m_events.schedule_in(delay_ps, [this] { push_lines(); });
}

void RiscvIntc::push_lines()
{
	for (unsigned h = 0; h < m_p.num_harts; h++)
		push_line(h);
}

void RiscvIntc::push_line(unsigned h)
{
	++m_line_checks;
	const bool seip = m_aplic.irq_line(h) || (m_p.imsic && m_imsic_s[h].line());
	const bool meip = m_p.imsic && m_imsic_m[h].line();
	if (uint8_t(seip) != m_seip_out[h]) {
		m_seip_out[h] = seip;
		if (m_line[h])
			m_line[h](MIP_SEIP, seip);
	}
	if (uint8_t(meip) != m_meip_out[h]) {
		m_meip_out[h] = meip;
		if (m_line[h])
			m_line[h](MIP_MEIP, meip);
	}
}

bool RiscvIntc::access(uint64_t addr, uint32_t& data, bool write)
{
	const uint64_t n = m_p.num_harts;
	if (addr >= m_p.mswi_base && addr < m_p.mswi_base + ACLINT_MSWI_MSIP_STRIDE * n) {
		const unsigned h = unsigned((addr - m_p.mswi_base) / ACLINT_MSWI_MSIP_STRIDE);
		if (write)
			write_msip(h, data & 1);
		else
			data = m_msip[h] ? 1 : 0;
		return true;
	}
	if (addr >= m_p.sswi_base && addr < m_p.sswi_base + ACLINT_SSWI_SETSSIP_STRIDE * n) {
		const unsigned h = unsigned((addr - m_p.sswi_base) / ACLINT_SSWI_SETSSIP_STRIDE);
		/* SETSSIP: writing 1 sets SSIP, writing 0 does nothing, reads return 0. */
		if (write && (data & 1))
			write_setssip(h);
		else if (!write)
			data = 0;
		return true;
	}
	if (addr >= m_p.aplic_base && addr < m_p.aplic_base + APLIC_IDC_BASE + APLIC_IDC_STRIDE * n) {
		const uint32_t off = uint32_t(addr - m_p.aplic_base);
		if (write)
			m_aplic.write(off, data);
		else
			data = m_aplic.read(off);
		/* A claim or a register write can change a hart's wire (claims take effect at once). */
		update_lines(write ? m_clk.cycles(m_p.aplic_delivery_cycles) : 0);
		return true;
	}
	for (bool mf : {true, false}) {
		const uint64_t base = mf ? m_p.imsic_m_base : m_p.imsic_s_base;
		if (m_p.imsic && addr >= base && addr < base + IMSIC_PAGE * n) {
			const unsigned h = unsigned((addr - base) / IMSIC_PAGE);
			if ((addr - base) % IMSIC_PAGE == IMSIC_SETEIPNUM_LE) {
				if (write)
					imsic_send(h, mf, data);
				else
					data = 0;
			} else if (!write) {
				data = 0;
			}
			return true;
		}
	}
	return false;
}

void RiscvIntc::b_transport(int, tlm::tlm_generic_payload& trans, sc_core::sc_time& delay)
{
	if (trans.get_data_length() != 4 || trans.get_byte_enable_ptr() || (trans.get_address() & 3)) {
		trans.set_response_status(tlm::TLM_COMMAND_ERROR_RESPONSE);
		return;
	}
	uint32_t data = 0;
	const bool write = trans.is_write();
	if (write)
		std::memcpy(&data, trans.get_data_ptr(), 4);
	if (!access(trans.get_address(), data, write)) {
		trans.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
		return;
	}
	if (!write)
		std::memcpy(trans.get_data_ptr(), &data, 4);
	/* The initiator sees one interconnect hop; a write's effect at the target is scheduled above. */
	delay += ps_time(m_clk.cycles(write ? 1 : m_p.mmio_cycles));
	trans.set_response_status(tlm::TLM_OK_RESPONSE);
}

unsigned int RiscvIntc::transport_dbg(int, tlm::tlm_generic_payload& trans)
{
	if (!trans.is_read() || trans.get_data_length() != 4)
		return 0;
	const uint64_t a = trans.get_address();
	uint32_t data = 0;
	if (a >= m_p.aplic_base && a < m_p.aplic_base + APLIC_IDC_BASE) {
		data = m_aplic.read(uint32_t(a - m_p.aplic_base));
	} else if (a >= m_p.mswi_base && a < m_p.mswi_base + 4ull * m_p.num_harts) {
		data = m_msip[(a - m_p.mswi_base) / 4] ? 1 : 0;
	} else {
		return 0;
	}
	std::memcpy(trans.get_data_ptr(), &data, 4);
	return 4;
}

} // namespace stopsim::aplic
