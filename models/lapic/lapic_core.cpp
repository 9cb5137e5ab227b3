// SPDX-License-Identifier: Apache-2.0
#include "models/lapic/lapic_core.hpp"

namespace stopsim::lapic {

int LapicCore::highest(const std::bitset<256>& b)
{
	for (int v = 255; v >= 0; v--)
		if (b.test(size_t(v)))
			return v;
	return -1;
}

bool LapicCore::accept_fixed(uint8_t vector, bool* merged)
{
	if (!sw_enabled())
		return false;
	if (merged)
		*merged = irr.test(vector);
	irr.set(vector);
	return true;
}

uint8_t LapicCore::ppr() const
{
	const int isrv = highest(isr);
	const uint8_t isr_class = isrv < 0 ? 0 : uint8_t(isrv & 0xf0);
	return (tpr & 0xf0) >= isr_class ? tpr : isr_class;
}

bool LapicCore::intr() const
{
	if (!sw_enabled())
		return false;
	const int v = highest(irr);
	return v >= 0 && (v & 0xf0) > (ppr() & 0xf0);
}

int LapicCore::inta()
{
	if (!intr())
		return -1;
	const int v = highest(irr);
	irr.reset(size_t(v));
	isr.set(size_t(v));
	return v;
}

void LapicCore::eoi()
{
	const int v = highest(isr);
	if (v >= 0)
		isr.reset(size_t(v));
}

uint32_t LapicCore::read(uint32_t offset) const
{
	switch (offset) {
	case APIC_ID:
		return id << 24;
	case APIC_TPR:
		return tpr;
	case APIC_PPR:
		return ppr();
	case APIC_SVR:
		return svr;
	default:
		break;
	}
	auto word = [&](const std::bitset<256>& b, uint32_t base) {
		const unsigned idx = (offset - base) / 0x10;
		uint32_t w = 0;
		for (unsigned i = 0; i < 32; i++)
			if (b.test(idx * 32 + i))
				w |= 1u << i;
		return w;
	};
	if (offset >= APIC_ISR && offset < APIC_ISR + 0x80)
		return word(isr, APIC_ISR);
	if (offset >= APIC_IRR && offset < APIC_IRR + 0x80)
		return word(irr, APIC_IRR);
	return 0;
}

void LapicCore::write(uint32_t offset, uint32_t value)
{
	switch (offset) {
	case APIC_TPR:
		tpr = uint8_t(value);
		break;
	case APIC_EOI:
		eoi();
		break;
	case APIC_SVR:
		svr = value & 0x1ff;
		break;
	default:
		break;
	}
}

} // namespace stopsim::lapic
