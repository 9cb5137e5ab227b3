// SPDX-License-Identifier: Apache-2.0
#include "models/gic/gic_cpuif_core.hpp"

namespace stopsim::gic {

uint8_t GicCpuIfCore::read_pmr(bool ns) const
{
	if (!ns || ds())
		return m_pmr;
	// GICv3 4.8.6: NS sees (value << 1) or 0 when the stored value is in the Secure half.
	if (!(m_pmr & 0x80))
		return 0;
	return uint8_t(m_pmr << 1);
}

void GicCpuIfCore::write_pmr(uint8_t v, bool ns)
{
	if (!ns || ds()) {
		m_pmr = v;
		return;
	}
	if (!(m_pmr & 0x80))
		return; // Secure software owns the mask; NS write ignored
	m_pmr = uint8_t((v >> 1) | 0x80);
}

uint8_t GicCpuIfCore::running_priority() const
{
	// The lowest set APR bit across groups is the highest-priority active interrupt.
	for (unsigned bit = 0; bit < 128; bit++)
		for (const auto& a : m_apr)
			if (a.test(bit))
				return uint8_t(bit << 1);
	return 0xff;
}

uint8_t GicCpuIfCore::read_rpr(bool ns) const
{
	const uint8_t rpr = running_priority();
	if (!ns || ds())
		return rpr;
	if (!(rpr & 0x80))
		return 0;
	return uint8_t(rpr << 1);
}

uint8_t GicCpuIfCore::group_priority(uint8_t prio, Group g) const
{
	// GICv3 4.8.3: BPR0 for Group 0, BPR1 (effective, minimum 1) for Group 1.
	const unsigned bpr = g == Group::G0 ? m_bpr0 : m_bpr1;
	const unsigned subbits = g == Group::G0 ? bpr + 1 : bpr;
	return uint8_t(prio & (0xffu << subbits));
}

bool GicCpuIfCore::hppi_can_preempt(const Hppi& h) const
{
	if (!m_igrpen[index(h.group)])
		return false;
	if (!(h.prio < m_pmr))
		return false;
	const uint8_t rpr = running_priority();
	if (rpr == 0xff)
		return true;
	return group_priority(h.prio, h.group) < rpr;
}

CpuIfLines GicCpuIfCore::lines(const PeSecurity& pe) const
{
	CpuIfLines out;
	auto h = hppi();
	if (!h || !hppi_can_preempt(*h))
		return out;
	// GICv3 4.6.2 (QEMU gicv3_cpuif_update): Group 0 is always FIQ; Group 1 of the PE's own
	// security state is IRQ, the other state's Group 1 is FIQ; at EL3 every group is FIQ.
	bool fiq;
	if (h->group == Group::G0 || pe.at_el3)
		fiq = true;
	else if (h->group == Group::G1NS)
		fiq = pe.secure;
	else
		fiq = !pe.secure;
	if (fiq)
		out.fiq = true;
	else
		out.irq = true;
	return out;
}

unsigned GicCpuIfCore::read_iar(Group requested, bool ns)
{
	auto h = hppi();
	if (!h || !hppi_can_preempt(*h))
		return INTID_SPURIOUS;
	// IAR1 from NS acknowledges only NS Group 1; IAR0 only Group 0 (1020/1021 are EL3-only and
	// not modelled: the read returns spurious).
	const bool ok = requested == Group::G0 ? h->group == Group::G0
					       : h->group == (ns ? Group::G1NS : Group::G1S);
	if (!ok)
		return INTID_SPURIOUS;
	m_redist.set_pending(h->intid, false); // SGIs are edge-triggered
	m_redist.set_active(h->intid, true);
	m_apr[index(h->group)].set(group_priority(h->prio, h->group) >> 1);
	return h->intid;
}

void GicCpuIfCore::write_eoir(unsigned intid, Group requested, bool ns)
{
	if (intid >= 1020)
		return;
	// Priority drop: clear the highest-priority active bit of the group being EOI'd (QEMU icc_drop_prio).
	const Group g = requested == Group::G0 ? Group::G0 : (ns ? Group::G1NS : Group::G1S);
	auto& apr = m_apr[index(g)];
	for (unsigned bit = 0; bit < 128; bit++) {
		if (apr.test(bit)) {
			apr.reset(bit);
			break;
		}
	}
	if (!eoimode(ns))
		write_dir(intid);
}

void GicCpuIfCore::write_dir(unsigned intid)
{
	if (intid < kNumPrivate)
		m_redist.set_active(intid, false);
}

} // namespace stopsim::gic
