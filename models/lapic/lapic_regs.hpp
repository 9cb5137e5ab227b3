// SPDX-License-Identifier: Apache-2.0
// x86 local APIC registers and ICR fields (Intel SDM Vol. 3A, "Advanced Programmable Interrupt
// Controller"), in the SDM's spelling.
#pragma once
#include <cstdint>

namespace stopsim::lapic {

// xAPIC MMIO offsets (x2APIC MSR = 0x800 + offset / 16).
constexpr uint32_t APIC_ID = 0x020;
constexpr uint32_t APIC_TPR = 0x080;
constexpr uint32_t APIC_PPR = 0x0a0;
constexpr uint32_t APIC_EOI = 0x0b0;
constexpr uint32_t APIC_SVR = 0x0f0;
constexpr uint32_t APIC_ISR = 0x100; ///< 8 registers, 0x10 apart
constexpr uint32_t APIC_IRR = 0x200; ///< 8 registers, 0x10 apart
constexpr uint32_t APIC_ICR = 0x300; ///< low half (xAPIC); the whole 64-bit ICR in x2APIC
constexpr uint32_t APIC_ICR2 = 0x310; ///< high half (xAPIC)
constexpr uint64_t APIC_DEFAULT_BASE = 0xfee00000;
constexpr uint32_t X2APIC_MSR_BASE = 0x800;

constexpr uint32_t APIC_SVR_ENABLE = 1u << 8;
constexpr uint32_t APIC_ICR_BUSY = 1u << 12; ///< delivery status (xAPIC only)

enum class Delivery : uint8_t { fixed = 0, lowest = 1, smi = 2, nmi = 4, init = 5, startup = 6 };
enum class Shorthand : uint8_t { none = 0, self = 1, all_incl_self = 2, all_but_self = 3 };

/// One ICR write, decoded.
struct IcrMessage {
	uint8_t vector = 0;
	Delivery mode = Delivery::fixed;
	Shorthand shorthand = Shorthand::none;
	uint32_t dest = 0;
};

inline IcrMessage decode_icr(uint64_t icr, bool x2apic)
{
	IcrMessage m;
	m.vector = uint8_t(icr & 0xff);
	m.mode = Delivery((icr >> 8) & 7);
	m.shorthand = Shorthand((icr >> 18) & 3);
	m.dest = x2apic ? uint32_t(icr >> 32) : uint32_t((icr >> 56) & 0xff);
	return m;
}

inline uint64_t encode_icr(uint8_t vector, Delivery mode, Shorthand sh, uint32_t dest, bool x2apic)
{
	const uint64_t d = x2apic ? (uint64_t(dest) << 32) : (uint64_t(dest & 0xff) << 56);
	return vector | (uint64_t(mode) << 8) | (uint64_t(sh) << 18) | d;
}

} // namespace stopsim::lapic
