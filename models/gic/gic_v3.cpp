// SPDX-License-Identifier: Apache-2.0
#include "models/gic/gic_v3.hpp"
#include "models/common/diag.hpp"
#include "models/common/error.hpp"

#include <cstdio>
#include <cstring>

namespace stopsim::gic {

GicV3::GicV3(sc_core::sc_module_name name, const GicParams& params, EventQueue& events)
	: sc_core::sc_module(name), in("in"), m_params(params), m_clk(params.clock_hz), m_events(events),
	  m_redist(params.num_pes), m_sinks(params.num_pes, nullptr), m_lines(params.num_pes),
	  m_rng(params.seed, std::string(this->name()))
{
	STOPSIM_ASSERT(params.num_pes >= 1, "GIC needs at least one PE");
	m_cpuif.reserve(params.num_pes);
	for (unsigned i = 0; i < params.num_pes; i++)
		m_cpuif.push_back(std::make_unique<GicCpuIfCore>(m_redist[i], m_dist));
	in.register_b_transport(this, &GicV3::b_transport);
	in.register_transport_dbg(this, &GicV3::transport_dbg);
}

void GicV3::note(SgiEvent e, unsigned s, unsigned t, unsigned i, Ps d)
{
	/* A fault firing is info; the ordinary life of an SGI is debug. */
	const diag::Level level = e == SgiEvent::kDropped || e == SgiEvent::kDelayed ? diag::Level::info : diag::Level::debug;
	if (diag::enabled(level)) {
		static const char* const what[] = {"sent", "dropped by a fault", "delayed by a fault", "pending", "merged into the pending one",
						   "rejected"};
		std::string text = "SGI " + std::to_string(i) + " " + what[int(e)];
		if (e == SgiEvent::kPending || e == SgiEvent::kMerged || e == SgiEvent::kRejected)
			text += " (from cpu " + std::to_string(s) + ")";
		else
			text += " (cpu " + std::to_string(s) + " -> cpu " + std::to_string(t) + ")";
		if (d) {
			char late[48];
			std::snprintf(late, sizeof late, ", %.3f us late", double(d) / 1e6);
			text += late;
		}
		diag::emit(level, int(e == SgiEvent::kSent ? s : t), "gic", text);
	}
	if (m_observer)
		m_observer(SgiNote{e, s, t, i, d});
}

void GicV3::update(unsigned pe)
{
	IrqSink* sink = m_sinks.at(pe);
	const PeSecurity sec = sink ? sink->gic_pe_security() : PeSecurity{};
	const CpuIfLines now = m_cpuif[pe]->lines(sec);
	if (now == m_lines[pe])
		return;
	m_lines[pe] = now;
	if (sink)
		sink->gic_lines(now);
}

void GicV3::icc_generate_sgi(unsigned pe, uint64_t value, Group group, bool ns)
{
	// ICC_SGI1R_EL1 layout (GICv3 12.11.x); IRM=1 targets every PE but the sender.
	const unsigned intid = (value >> ICC_SGIR_INTID_SHIFT) & 0xf;
	const bool irm = (value >> ICC_SGIR_IRM_SHIFT) & 1;
	const Ps latency = m_clk.cycles(m_params.sgi_delivery_cycles + m_params.signal_cycles);
	if (irm) {
		for (unsigned t = 0; t < m_params.num_pes; t++)
			if (t != pe)
				deliver_sgi(pe, t, intid, group, ns, latency);
		return;
	}
	const unsigned targets = value & 0xffff;
	const uint64_t aff1 = (value >> ICC_SGIR_AFF1_SHIFT) & 0xff;
	const uint64_t aff2 = (value >> ICC_SGIR_AFF2_SHIFT) & 0xff;
	const uint64_t aff3 = (value >> ICC_SGIR_AFF3_SHIFT) & 0xff;
	const unsigned rs = (value >> ICC_SGIR_RS_SHIFT) & 0xf;
	if (rs != 0)
		return; // range selector not implemented (GICD_TYPER.RSS=0): such a write targets nobody
	for (unsigned bit = 0; bit < 16; bit++) {
		if (!(targets & (1u << bit)))
			continue;
		if (aff3 != 0)
			continue;
		const uint64_t pe_index = aff2 * 4096 + aff1 * 16 + bit;
		if (pe_index < m_params.num_pes)
			deliver_sgi(pe, unsigned(pe_index), intid, group, ns, latency);
	}
}

void GicV3::deliver_sgi(unsigned source, unsigned target, unsigned intid, Group group, bool ns, Ps latency)
{
	++m_sgis_sent;
	FaultAction fa = m_hooks->at(FaultPoint::kSend, source, target, intid);
	if (fa.drop) {
		note(SgiEvent::kDropped, source, target, intid);
		return;
	}
	note(fa.extra_delay ? SgiEvent::kDelayed : SgiEvent::kSent, source, target, intid, fa.extra_delay);
	const Ps jitter = m_params.sgi_jitter_cycles ? m_clk.cycles(m_rng.uniform(m_params.sgi_jitter_cycles)) : 0;
	m_events.schedule_in(latency + jitter + fa.extra_delay, [this, source, target, intid, group, ns] {
		FaultAction late = m_hooks->at(FaultPoint::kArrive, source, target, intid);
		auto arrive = [this, source, target, intid, group, ns] {
			const bool was = m_redist[target].is_pending(intid);
			if (!m_redist[target].accept_sgi(intid, group, ns, m_dist.ds())) {
				note(SgiEvent::kRejected, source, target, intid);
				return;
			}
			note(was ? SgiEvent::kMerged : SgiEvent::kPending, source, target, intid);
			update(target);
		};
		if (late.drop) {
			note(SgiEvent::kDropped, source, target, intid);
		} else if (late.extra_delay) {
			note(SgiEvent::kDelayed, source, target, intid, late.extra_delay);
			m_events.schedule_in(late.extra_delay, arrive);
		} else {
			arrive();
		}
	});
}

void GicV3::inject_pending(unsigned pe, unsigned intid)
{
	const bool was = m_redist.at(pe).is_pending(intid);
	m_redist[pe].set_pending(intid, true);
	note(was ? SgiEvent::kMerged : SgiEvent::kPending, pe, pe, intid);
	update(pe);
}

unsigned GicV3::icc_read_iar(unsigned pe, Group g, bool ns)
{
	const unsigned intid = m_cpuif[pe]->read_iar(g, ns);
	update(pe);
	return intid;
}

void GicV3::icc_write_eoir(unsigned pe, unsigned intid, Group g, bool ns)
{
	m_cpuif[pe]->write_eoir(intid, g, ns);
	update(pe);
}

void GicV3::icc_write_dir(unsigned pe, unsigned intid)
{
	m_cpuif[pe]->write_dir(intid);
	update(pe);
}

void GicV3::icc_write_pmr(unsigned pe, uint8_t v, bool ns)
{
	m_cpuif[pe]->write_pmr(v, ns);
	update(pe);
}

void GicV3::icc_write_igrpen(unsigned pe, Group g, bool on)
{
	m_cpuif[pe]->write_igrpen(g, on);
	update(pe);
}

void GicV3::icc_write_eoimode(unsigned pe, bool ns, bool split)
{
	m_cpuif[pe]->write_eoimode(ns, split);
}

bool GicV3::byte_access(uint64_t addr) const
{
	if (addr < m_params.gicr_base || addr >= m_params.gicr_base + GICR_FRAME_STRIDE * m_params.num_pes)
		return false;
	const uint64_t off = (addr - m_params.gicr_base) % GICR_FRAME_STRIDE;
	return off >= GICR_IPRIORITYR0 && off < GICR_IPRIORITYR0 + kNumPrivate;
}

bool GicV3::access(uint64_t addr, uint32_t& data, bool write, bool ns)
{
	const uint64_t dist_end = m_params.gicd_base + 0x10000;
	const uint64_t redist_end = m_params.gicr_base + GICR_FRAME_STRIDE * m_params.num_pes;
	if (addr >= m_params.gicd_base && addr < dist_end) {
		const uint32_t off = uint32_t(addr - m_params.gicd_base);
		switch (off) {
		case GICD_CTLR:
			if (write) {
				m_dist.write_ctlr(data, !ns);
				for (unsigned pe = 0; pe < m_params.num_pes; pe++)
					update(pe);
			} else {
				data = m_dist.read_ctlr(!ns);
			}
			return true;
		case GICD_TYPER:
			// IDbits = 9 (10 INTID bits), SecurityExtn when two security states, no LPIs, no A3V
			// (Aff3 is always 0 here), ITLinesNumber = 0: no SPIs are modelled.
			if (!write)
				data = ((10u - 1) << 19) | (m_dist.ds() ? 0u : (1u << 10));
			return true;
		case GICD_IIDR:
			if (!write)
				data = 0x0043b; // implementer: Arm
			return true;
		default:
			if (!write)
				data = 0;
			return true; // SPIs are not modelled: RAZ/WI
		}
	}
	if (addr >= m_params.gicr_base && addr < redist_end) {
		const unsigned pe = unsigned((addr - m_params.gicr_base) / GICR_FRAME_STRIDE);
		const uint32_t off = uint32_t((addr - m_params.gicr_base) % GICR_FRAME_STRIDE);
		if (off == GICR_TYPER || off == GICR_TYPER + 4) {
			const uint64_t aff = mpidr_of(pe);
			const uint64_t typer = (aff << 32) | (uint64_t(pe) << 8) |
					       (pe + 1 == m_params.num_pes ? GICR_TYPER_LAST : 0);
			if (!write)
				data = off == GICR_TYPER ? uint32_t(typer) : uint32_t(typer >> 32);
			return true;
		}
		if (write) {
			m_redist[pe].write(off, data, ns, m_dist.ds());
			update(pe);
		} else {
			data = m_redist[pe].read(off, ns, m_dist.ds());
		}
		return true;
	}
	return false;
}

void GicV3::b_transport(int, tlm::tlm_generic_payload& trans, sc_core::sc_time& delay)
{
	GicSecureExt* ext = nullptr;
	trans.get_extension(ext);
	const bool ns = !(ext && ext->secure);
	const bool write = trans.is_write();
	if (trans.get_data_length() == 1 && trans.get_streaming_width() >= 1 && byte_access(trans.get_address())) {
		// GICR_IPRIORITYR<n> is byte-accessible (GICv3 12.11). A write changes that one INTID:
		// a read-modify-write of the word through the NS view would rewrite its neighbours.
		if (write) {
			const uint64_t rel = trans.get_address() - m_params.gicr_base;
			const unsigned pe = unsigned(rel / GICR_FRAME_STRIDE);
			const unsigned intid = unsigned(rel % GICR_FRAME_STRIDE) - GICR_IPRIORITYR0;
			m_redist[pe].write_priority(intid, *trans.get_data_ptr(), ns, m_dist.ds());
			update(pe);
		} else {
			uint32_t v = 0;
			access(trans.get_address() & ~3ull, v, false, ns);
			*trans.get_data_ptr() = uint8_t(v >> (8 * unsigned(trans.get_address() & 3)));
		}
		delay += ps_time(m_clk.cycles(m_params.pio_cycles));
		trans.set_response_status(tlm::TLM_OK_RESPONSE);
		return;
	}
	if (trans.get_data_length() != 4 || trans.get_streaming_width() < 4 || (trans.get_address() & 3)) {
		trans.set_response_status(tlm::TLM_COMMAND_ERROR_RESPONSE);
		return;
	}
	uint32_t data = 0;
	if (write)
		std::memcpy(&data, trans.get_data_ptr(), 4);
	if (!access(trans.get_address(), data, write, ns)) {
		trans.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
		return;
	}
	if (!write)
		std::memcpy(trans.get_data_ptr(), &data, 4);
	delay += ps_time(m_clk.cycles(m_params.pio_cycles));
	trans.set_response_status(tlm::TLM_OK_RESPONSE);
}

unsigned int GicV3::transport_dbg(int, tlm::tlm_generic_payload& trans)
{
	if (trans.get_data_length() != 4 || trans.is_write())
		return 0; // debug reads only: a debugger must not change interrupt state
	uint32_t data = 0;
	if (!access(trans.get_address(), data, false, false))
		return 0;
	std::memcpy(trans.get_data_ptr(), &data, 4);
	return 4;
}

} // namespace stopsim::gic
