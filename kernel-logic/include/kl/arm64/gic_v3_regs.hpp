// SPDX-License-Identifier: Apache-2.0
// The GICv3 register offsets and fields the kernel layer's irqchip code programs, held by the
// kernel layer itself (Linux keeps its own copy in its irqchip header, apart from any model).
// Values per the GICv3 architecture (IHI 0069, chapter 12); the model has its own table in
// models/gic/gic_regs.hpp, and the two meet only at the MMIO and system-register interface.
#pragma once
#include <cstdint>

namespace kl::arm64::gic {

// Distributor, Non-secure view of GICD_CTLR (security enabled).
constexpr uint32_t GICD_CTLR = 0x0000;
constexpr uint32_t GICD_CTLR_NS_ENABLEGRP1 = 1u << 0;
constexpr uint32_t GICD_CTLR_NS_ENABLEGRP1A = 1u << 1;
constexpr uint32_t GICD_CTLR_NS_ARE_NS = 1u << 4;

// Redistributor: RD_base frame, then the SGI_base frame 64 KiB above it.
constexpr uint32_t GICR_SGI_BASE = 0x10000;
constexpr uint32_t GICR_WAKER = 0x0014;
constexpr uint32_t GICR_IGROUPR0 = GICR_SGI_BASE + 0x0080;
constexpr uint32_t GICR_ISENABLER0 = GICR_SGI_BASE + 0x0100;
constexpr uint32_t GICR_ICENABLER0 = GICR_SGI_BASE + 0x0180;
constexpr uint32_t GICR_IPRIORITYR0 = GICR_SGI_BASE + 0x0400; // one byte per INTID 0-31

// ICC_SGI1R_EL1 fields.
constexpr unsigned ICC_SGIR_AFF1_SHIFT = 16; // [23:16]
constexpr unsigned ICC_SGIR_INTID_SHIFT = 24; // [27:24]
constexpr unsigned ICC_SGIR_AFF2_SHIFT = 32; // [39:32]
constexpr unsigned ICC_SGIR_AFF3_SHIFT = 48; // [55:48]

} // namespace kl::arm64::gic
