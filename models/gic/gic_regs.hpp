// SPDX-License-Identifier: Apache-2.0
// GICv3 register offsets and fields, in the spec's spelling (IHI 0069, chapter 12).
#pragma once
#include <cstdint>

namespace stopsim::gic {

// Distributor (GICD_*), offsets from the distributor base.
constexpr uint32_t GICD_CTLR = 0x0000;
constexpr uint32_t GICD_TYPER = 0x0004;
constexpr uint32_t GICD_IIDR = 0x0008;
constexpr uint32_t GICD_CTLR_ENABLEGRP0 = 1u << 0;
constexpr uint32_t GICD_CTLR_ENABLEGRP1NS = 1u << 1;
constexpr uint32_t GICD_CTLR_ENABLEGRP1S = 1u << 2;
constexpr uint32_t GICD_CTLR_ARE_S = 1u << 4;
constexpr uint32_t GICD_CTLR_ARE_NS = 1u << 5;
constexpr uint32_t GICD_CTLR_DS = 1u << 6;
constexpr uint32_t GICD_CTLR_RWP = 1u << 31;
// The Non-secure view of GICD_CTLR when security is enabled.
constexpr uint32_t GICD_CTLR_NS_ENABLEGRP1 = 1u << 0;
constexpr uint32_t GICD_CTLR_NS_ENABLEGRP1A = 1u << 1;
constexpr uint32_t GICD_CTLR_NS_ARE_NS = 1u << 4;

// Redistributor: two 64 KiB frames per PE (RD_base, then SGI_base).
constexpr uint64_t GICR_FRAME_STRIDE = 0x20000;
constexpr uint32_t GICR_SGI_BASE = 0x10000;
constexpr uint32_t GICR_CTLR = 0x0000;
constexpr uint32_t GICR_IIDR = 0x0004;
constexpr uint32_t GICR_TYPER = 0x0008;  // 64-bit
constexpr uint32_t GICR_WAKER = 0x0014;
constexpr uint32_t GICR_IGROUPR0 = GICR_SGI_BASE + 0x0080;
constexpr uint32_t GICR_ISENABLER0 = GICR_SGI_BASE + 0x0100;
constexpr uint32_t GICR_ICENABLER0 = GICR_SGI_BASE + 0x0180;
constexpr uint32_t GICR_ISPENDR0 = GICR_SGI_BASE + 0x0200;
constexpr uint32_t GICR_ICPENDR0 = GICR_SGI_BASE + 0x0280;
constexpr uint32_t GICR_ISACTIVER0 = GICR_SGI_BASE + 0x0300;
constexpr uint32_t GICR_ICACTIVER0 = GICR_SGI_BASE + 0x0380;
constexpr uint32_t GICR_IPRIORITYR0 = GICR_SGI_BASE + 0x0400; // 8 words, one byte per INTID 0-31
constexpr uint32_t GICR_IGRPMODR0 = GICR_SGI_BASE + 0x0d00;
constexpr uint32_t GICR_NSACR = GICR_SGI_BASE + 0x0e00;
constexpr uint32_t GICR_WAKER_PROCESSORSLEEP = 1u << 1;
constexpr uint32_t GICR_WAKER_CHILDRENASLEEP = 1u << 2;
constexpr uint64_t GICR_TYPER_LAST = 1ull << 4;

// ICC_SGI0R_EL1 / ICC_SGI1R_EL1 fields.
constexpr unsigned ICC_SGIR_TARGETLIST_SHIFT = 0;  // [15:0]
constexpr unsigned ICC_SGIR_AFF1_SHIFT = 16;       // [23:16]
constexpr unsigned ICC_SGIR_INTID_SHIFT = 24;      // [27:24]
constexpr unsigned ICC_SGIR_AFF2_SHIFT = 32;       // [39:32]
constexpr unsigned ICC_SGIR_IRM_SHIFT = 40;        // [40]
constexpr unsigned ICC_SGIR_RS_SHIFT = 44;         // [47:44]
constexpr unsigned ICC_SGIR_AFF3_SHIFT = 48;       // [55:48]

constexpr unsigned kNumSgis = 16;
constexpr unsigned kNumPrivate = 32;   // SGIs + PPIs held by a redistributor
constexpr unsigned INTID_SPURIOUS = 1023;

/// Interrupt group.
enum class Group : uint8_t { G0 = 0, G1S = 1, G1NS = 2 };

/// Affinity of PE n on our platforms: 16 PEs per cluster (Aff0 0-15), clusters numbered in Aff1 then Aff2.
inline uint64_t mpidr_of(unsigned pe)
{
	return uint64_t(pe % 16) | (uint64_t((pe / 16) % 256) << 8) | (uint64_t(pe / 4096) << 16);
}

} // namespace stopsim::gic
