// SPDX-License-Identifier: Apache-2.0
#include "models/gic/gic_redist_core.hpp"

namespace stopsim::gic {

bool GicDistCore::group_enabled(Group g) const
{
	switch (g) {
	case Group::G0:
		return ctlr & GICD_CTLR_ENABLEGRP0;
	case Group::G1S:
		return ctlr & GICD_CTLR_ENABLEGRP1S;
	case Group::G1NS:
		return ctlr & GICD_CTLR_ENABLEGRP1NS;
	}
	return false;
}

void GicDistCore::write_ctlr(uint32_t v, bool secure)
{
	if (secure || ds()) {
		ctlr = v & (GICD_CTLR_ENABLEGRP0 | GICD_CTLR_ENABLEGRP1NS | GICD_CTLR_ENABLEGRP1S |
			    GICD_CTLR_ARE_S | GICD_CTLR_ARE_NS | GICD_CTLR_DS);
		return;
	}
	// GICv3 12.9.4, Non-secure view: bit 1 (EnableGrp1A; bit 0 is its alias here) and bit 4 (ARE_NS).
	ctlr &= ~(GICD_CTLR_ENABLEGRP1NS | GICD_CTLR_ARE_NS);
	if (v & (GICD_CTLR_NS_ENABLEGRP1 | GICD_CTLR_NS_ENABLEGRP1A))
		ctlr |= GICD_CTLR_ENABLEGRP1NS;
	if (v & GICD_CTLR_NS_ARE_NS)
		ctlr |= GICD_CTLR_ARE_NS;
}

uint32_t GicDistCore::read_ctlr(bool secure) const
{
	if (secure || ds())
		return ctlr;
	uint32_t v = 0;
	if (ctlr & GICD_CTLR_ENABLEGRP1NS)
		v |= GICD_CTLR_NS_ENABLEGRP1A;
	if (ctlr & GICD_CTLR_ARE_NS)
		v |= GICD_CTLR_NS_ARE_NS;
	return v;
}

Group GicRedistCore::group_of(unsigned intid) const
{
	const uint32_t bit = 1u << intid;
	if (igroupr0 & bit)
		return Group::G1NS;
	return (igrpmodr0 & bit) ? Group::G1S : Group::G0;
}

bool GicRedistCore::accept_sgi(unsigned intid, Group requested, bool ns_sender, bool ds)
{
	Group configured = group_of(intid);
	if (ds && configured == Group::G1S)
		configured = Group::G0; // DS=1: one security state, Secure Group 1 acts as Group 0
	// A Secure Group 1 request is accepted by an SGI configured as Group 0 (GICv3 12.11.x SGI1R notes).
	const bool match = configured == requested || (requested == Group::G1S && configured == Group::G0);
	if (!match)
		return false;
	if (ns_sender && !ds && configured != Group::G1NS) {
		// GICR_NSACR: 2 bits per SGI; >=1 permits a Group 0 SGI, 2 permits Secure Group 1.
		const unsigned field = (nsacr >> (2 * intid)) & 3;
		const unsigned need = configured == Group::G0 ? 1 : 2;
		if (field < need)
			return false;
	}
	pending |= 1u << intid;
	return true;
}

std::optional<Hppi> GicRedistCore::hppi(const GicDistCore& dist) const
{
	std::optional<Hppi> best;
	const uint32_t candidates = pending & isenabler0 & ~active;
	for (unsigned i = 0; i < kNumPrivate; i++) {
		if (!(candidates & (1u << i)))
			continue;
		Group g = group_of(i);
		if (dist.ds() && g == Group::G1S)
			g = Group::G0; // DS=1: one security state, Secure Group 1 acts as Group 0
		if (!dist.group_enabled(g))
			continue;
		if (!best || ipriorityr[i] < best->prio)
			best = Hppi{i, ipriorityr[i], g};
	}
	return best;
}

void GicRedistCore::set_active(unsigned intid, bool on)
{
	if (on)
		active |= 1u << intid;
	else
		active &= ~(1u << intid);
}

void GicRedistCore::set_pending(unsigned intid, bool on)
{
	if (on)
		pending |= 1u << intid;
	else
		pending &= ~(1u << intid);
}

uint32_t GicRedistCore::read(uint32_t offset, bool ns, bool ds) const
{
	// Non-secure software sees Secure interrupts' bits as zero (GICv3 12.1.x "RAZ/WI from NS").
	uint32_t ns_mask = 0;
	for (unsigned i = 0; i < kNumPrivate; i++)
		if (!ns || ns_may_touch(i, ds))
			ns_mask |= 1u << i;
	switch (offset) {
	case GICR_IGROUPR0:
		return (ns && !ds) ? (igroupr0 & ns_mask) : igroupr0;
	case GICR_IGRPMODR0:
		return (ns && !ds) ? 0 : igrpmodr0;
	case GICR_ISENABLER0:
	case GICR_ICENABLER0:
		return isenabler0 & ns_mask;
	case GICR_ISPENDR0:
	case GICR_ICPENDR0:
		return pending & ns_mask;
	case GICR_ISACTIVER0:
	case GICR_ICACTIVER0:
		return active & ns_mask;
	case GICR_NSACR:
		return (ns && !ds) ? 0 : nsacr;
	case GICR_WAKER:
		return waker;
	default:
		break;
	}
	if (offset >= GICR_IPRIORITYR0 && offset < GICR_IPRIORITYR0 + kNumPrivate) {
		uint32_t v = 0;
		const unsigned first = offset - GICR_IPRIORITYR0;
		for (unsigned b = 0; b < 4; b++) {
			const unsigned i = first + b;
			uint8_t p = ipriorityr[i];
			if (ns && !ds)
				p = ns_may_touch(i, ds) ? uint8_t(p << 1) : 0; // NS view (GICv3 4.8.6)
			v |= uint32_t(p) << (8 * b);
		}
		return v;
	}
	return 0;
}

void GicRedistCore::write(uint32_t offset, uint32_t value, bool ns, bool ds)
{
	uint32_t ns_mask = 0;
	for (unsigned i = 0; i < kNumPrivate; i++)
		if (!ns || ns_may_touch(i, ds))
			ns_mask |= 1u << i;
	const uint32_t bits = value & ns_mask;
	switch (offset) {
	case GICR_IGROUPR0:
		if (!ns || ds)
			igroupr0 = bits;
		return;
	case GICR_IGRPMODR0:
		if (!ns || ds)
			igrpmodr0 = bits;
		return;
	case GICR_ISENABLER0:
		isenabler0 |= bits;
		return;
	case GICR_ICENABLER0:
		isenabler0 &= ~bits;
		return;
	case GICR_ISPENDR0:
		pending |= bits;
		return;
	case GICR_ICPENDR0:
		pending &= ~bits;
		return;
	case GICR_ISACTIVER0:
		active |= bits;
		return;
	case GICR_ICACTIVER0:
		active &= ~bits;
		return;
	case GICR_NSACR:
		if (!ns || ds)
			nsacr = bits;
		return;
	case GICR_WAKER:
		// ProcessorSleep is writable; ChildrenAsleep follows it (no power-down latency modelled).
		waker = (value & GICR_WAKER_PROCESSORSLEEP) ? (GICR_WAKER_PROCESSORSLEEP | GICR_WAKER_CHILDRENASLEEP) : 0;
		return;
	default:
		break;
	}
	if (offset >= GICR_IPRIORITYR0 && offset < GICR_IPRIORITYR0 + kNumPrivate) {
		const unsigned first = offset - GICR_IPRIORITYR0;
		for (unsigned b = 0; b < 4; b++)
			write_priority(first + b, uint8_t(value >> (8 * b)), ns, ds);
	}
}

void GicRedistCore::write_priority(unsigned intid, uint8_t value, bool ns, bool ds)
{
	if (ns && !ns_may_touch(intid, ds))
		return;
	if (ns && !ds)
		value = uint8_t((value >> 1) | 0x80); // NS writes land in the lower half (GICv3 4.8.6)
	ipriorityr[intid] = value;
}

} // namespace stopsim::gic
