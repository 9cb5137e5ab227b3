// SPDX-License-Identifier: Apache-2.0
#include "models/aplic/aplic_core.hpp"
#include "models/aplic/aplic_regs.hpp"

namespace stopsim::aplic {

AplicCore::AplicCore(unsigned num_sources, unsigned num_harts) : m_src(num_sources + 1), m_idc(num_harts) {}

bool AplicCore::active(unsigned i) const
{
	const uint32_t cfg = m_src[i].sourcecfg;
	/* A delegated source belongs to a child domain; this model has no children below it. */
	return !(cfg & APLIC_SOURCECFG_D) && (cfg & APLIC_SOURCECFG_SM_MASK) != APLIC_SM_INACTIVE;
}

bool AplicCore::is_level(unsigned i) const
{
	const uint32_t sm = m_src[i].sourcecfg & APLIC_SOURCECFG_SM_MASK;
	return sm == APLIC_SM_LEVEL_HIGH || sm == APLIC_SM_LEVEL_LOW;
}

bool AplicCore::rectified(unsigned i) const
{
	const uint32_t sm = m_src[i].sourcecfg & APLIC_SOURCECFG_SM_MASK;
	const bool in = m_src[i].input;
	switch (sm) {
	case APLIC_SM_EDGE_RISE:
	case APLIC_SM_LEVEL_HIGH:
		return in;
	case APLIC_SM_EDGE_FALL:
	case APLIC_SM_LEVEL_LOW:
		return !in;
	default:
		return false;
	}
}

void AplicCore::set_pending(unsigned i, bool on)
{
	if (i == 0 || i >= m_src.size() || !active(i))
		return;
	/* AIA "Interrupt delivery directly by the APLIC": a level source mirrors its wire in direct mode. */
	if (is_level(i) && !(m_domaincfg & APLIC_DOMAINCFG_DM))
		return;
	m_src[i].pending = on;
}

void AplicCore::write_sourcecfg(unsigned i, uint32_t v)
{
	/* With D=0 only SM is kept; the unused SM encodings 2 and 3 read back as inactive. */
	uint32_t cfg = v & APLIC_SOURCECFG_SM_MASK;
	if (v & APLIC_SOURCECFG_D)
		cfg = APLIC_SOURCECFG_D | (v & 0x3ff);
	if (cfg == 2 || cfg == 3)
		cfg = 0;
	m_src[i].sourcecfg = cfg;
	if (!active(i)) {
		m_src[i].pending = false;
		m_src[i].enabled = false;
		return;
	}
	if (is_level(i))
		m_src[i].pending = rectified(i);
}

void AplicCore::set_input(unsigned source, bool level)
{
	if (source == 0 || source >= m_src.size())
		return;
	AplicSource& s = m_src[source];
	const bool before = rectified(source);
	s.input = level;
	if (!active(source))
		return;
	const bool after = rectified(source);
	if (is_level(source))
		s.pending = after;
	else if ((s.sourcecfg & APLIC_SOURCECFG_SM_MASK) != APLIC_SM_DETACHED && !before && after)
		s.pending = true;
}

uint32_t AplicCore::read(uint32_t off)
{
	if (off == APLIC_DOMAINCFG)
		return m_domaincfg | APLIC_DOMAINCFG_RO80;
	if (off >= APLIC_SOURCECFG_BASE && off < APLIC_SOURCECFG_BASE + 4 * 1023) {
		const unsigned i = (off - APLIC_SOURCECFG_BASE) / 4 + 1;
		return i < m_src.size() ? m_src[i].sourcecfg : 0;
	}
	auto bits = [&](uint32_t base, bool AplicSource::*field, bool use_input) {
		const unsigned word = (off - base) / 4;
		uint32_t v = 0;
		for (unsigned b = 0; b < 32; b++) {
			const unsigned i = word * 32 + b;
			if (i == 0 || i >= m_src.size())
				continue;
			if (use_input ? rectified(i) : m_src[i].*field)
				v |= 1u << b;
		}
		return v;
	};
	if (off >= APLIC_SETIP_BASE && off < APLIC_SETIP_BASE + 128)
		return bits(APLIC_SETIP_BASE, &AplicSource::pending, false);
	if (off >= APLIC_IN_CLRIP_BASE && off < APLIC_IN_CLRIP_BASE + 128)
		return bits(APLIC_IN_CLRIP_BASE, &AplicSource::input, true);
	if (off >= APLIC_SETIE_BASE && off < APLIC_SETIE_BASE + 128)
		return bits(APLIC_SETIE_BASE, &AplicSource::enabled, false);
	if (off >= APLIC_TARGET_BASE && off < APLIC_TARGET_BASE + 4 * 1023) {
		const unsigned i = (off - APLIC_TARGET_BASE) / 4 + 1;
		return i < m_src.size() && active(i) ? m_src[i].target : 0;
	}
	if (off >= APLIC_IDC_BASE) {
		const unsigned hart = (off - APLIC_IDC_BASE) / APLIC_IDC_STRIDE;
		const uint32_t r = (off - APLIC_IDC_BASE) % APLIC_IDC_STRIDE;
		if (hart >= m_idc.size())
			return 0;
		switch (r) {
		case APLIC_IDC_IDELIVERY:
			return m_idc[hart].idelivery;
		case APLIC_IDC_IFORCE:
			return m_idc[hart].iforce;
		case APLIC_IDC_ITHRESHOLD:
			return m_idc[hart].ithreshold;
		case APLIC_IDC_TOPI:
			return topi(hart);
		case APLIC_IDC_CLAIMI:
			return claimi(hart);
		default:
			return 0;
		}
	}
	/* setipnum, clripnum, setienum, clrienum and clrie read as zero. */
	return 0;
}

void AplicCore::write(uint32_t off, uint32_t v)
{
	if (off == APLIC_DOMAINCFG) {
		m_domaincfg = v & (APLIC_DOMAINCFG_IE | APLIC_DOMAINCFG_DM | APLIC_DOMAINCFG_BE);
		return;
	}
	if (off >= APLIC_SOURCECFG_BASE && off < APLIC_SOURCECFG_BASE + 4 * 1023) {
		const unsigned i = (off - APLIC_SOURCECFG_BASE) / 4 + 1;
		if (i < m_src.size())
			write_sourcecfg(i, v);
		return;
	}
	auto each_bit = [&](uint32_t base, auto fn) {
		const unsigned word = (off - base) / 4;
		for (unsigned b = 0; b < 32; b++)
			if (v & (1u << b)) {
				const unsigned i = word * 32 + b;
				if (i > 0 && i < m_src.size())
					fn(i);
			}
	};
	if (off == APLIC_SETIPNUM) {
		set_pending(v, true);
		return;
	}
	if (off == APLIC_CLRIPNUM) {
		set_pending(v, false);
		return;
	}
	if (off == APLIC_SETIENUM || off == APLIC_CLRIENUM) {
		if (v > 0 && v < m_src.size() && active(v))
			m_src[v].enabled = off == APLIC_SETIENUM;
		return;
	}
	if (off >= APLIC_SETIP_BASE && off < APLIC_SETIP_BASE + 128)
		return each_bit(APLIC_SETIP_BASE, [&](unsigned i) { set_pending(i, true); });
	if (off >= APLIC_IN_CLRIP_BASE && off < APLIC_IN_CLRIP_BASE + 128)
		return each_bit(APLIC_IN_CLRIP_BASE, [&](unsigned i) { set_pending(i, false); });
	if (off >= APLIC_SETIE_BASE && off < APLIC_SETIE_BASE + 128)
		return each_bit(APLIC_SETIE_BASE, [&](unsigned i) {
			if (active(i))
				m_src[i].enabled = true;
		});
	if (off >= APLIC_CLRIE_BASE && off < APLIC_CLRIE_BASE + 128)
		return each_bit(APLIC_CLRIE_BASE, [&](unsigned i) { m_src[i].enabled = false; });
	if (off >= APLIC_TARGET_BASE && off < APLIC_TARGET_BASE + 4 * 1023) {
		const unsigned i = (off - APLIC_TARGET_BASE) / 4 + 1;
		if (i >= m_src.size() || !active(i))
			return;
		/* Direct mode: hart index and IPRIO; a priority of 0 is written as 1. */
		uint32_t prio = v & APLIC_TARGET_IPRIO_MASK;
		if (prio == 0)
			prio = 1;
		m_src[i].target = (v & ~((1u << APLIC_TARGET_HART_SHIFT) - 1)) | prio;
		return;
	}
	if (off >= APLIC_IDC_BASE) {
		const unsigned hart = (off - APLIC_IDC_BASE) / APLIC_IDC_STRIDE;
		const uint32_t r = (off - APLIC_IDC_BASE) % APLIC_IDC_STRIDE;
		if (hart >= m_idc.size())
			return;
		if (r == APLIC_IDC_IDELIVERY)
			m_idc[hart].idelivery = v & 1;
		else if (r == APLIC_IDC_IFORCE)
			m_idc[hart].iforce = v & 1;
		else if (r == APLIC_IDC_ITHRESHOLD)
			m_idc[hart].ithreshold = v & 0xff;
	}
}

uint32_t AplicCore::topi(unsigned hart) const
{
	/* riscv_aplic_idc_topi(): lowest IPRIO wins, ties to the lowest source number. */
	uint32_t best = 0, best_prio = 0x100;
	const uint32_t th = m_idc.at(hart).ithreshold;
	for (unsigned i = 1; i < m_src.size(); i++) {
		const AplicSource& s = m_src[i];
		if (!active(i) || !s.pending || !s.enabled)
			continue;
		if ((s.target >> APLIC_TARGET_HART_SHIFT) != hart)
			continue;
		const uint32_t prio = s.target & APLIC_TARGET_IPRIO_MASK;
		if (th && prio >= th)
			continue;
		if (prio < best_prio) {
			best_prio = prio;
			best = i;
		}
	}
	return best ? (best << APLIC_TOPI_ID_SHIFT) | best_prio : 0;
}

uint32_t AplicCore::claimi(unsigned hart)
{
	const uint32_t t = topi(hart);
	if (t == 0) {
		m_idc.at(hart).iforce = 0;
		return 0;
	}
	const unsigned i = t >> APLIC_TOPI_ID_SHIFT;
	/* Edge and detached sources clear on claim; a level source keeps following its wire. */
	if (!is_level(i))
		m_src[i].pending = false;
	return t;
}

bool AplicCore::irq_line(unsigned hart) const
{
	if (!(m_domaincfg & APLIC_DOMAINCFG_IE) || (m_domaincfg & APLIC_DOMAINCFG_DM))
		return false;
	const AplicIdc& d = m_idc.at(hart);
	return d.idelivery && (d.iforce || topi(hart) != 0);
}

} // namespace stopsim::aplic
