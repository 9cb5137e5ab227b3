// SPDX-License-Identifier: Apache-2.0
// Register offsets and fields of the RISC-V AIA APLIC (one interrupt domain), the ACLINT
// MSWI/SSWI devices and the IMSIC interrupt files, in the specifications' spelling.
#pragma once
#include <cstdint>

namespace stopsim::aplic {

// APLIC domain (AIA spec, "Memory-mapped control region for an interrupt domain").
constexpr uint32_t APLIC_DOMAINCFG = 0x0000;
constexpr uint32_t APLIC_SOURCECFG_BASE = 0x0004; ///< sourcecfg[1] .. sourcecfg[1023]
constexpr uint32_t APLIC_SETIP_BASE = 0x1c00;
constexpr uint32_t APLIC_SETIPNUM = 0x1cdc;
constexpr uint32_t APLIC_IN_CLRIP_BASE = 0x1d00;
constexpr uint32_t APLIC_CLRIPNUM = 0x1ddc;
constexpr uint32_t APLIC_SETIE_BASE = 0x1e00;
constexpr uint32_t APLIC_SETIENUM = 0x1edc;
constexpr uint32_t APLIC_CLRIE_BASE = 0x1f00;
constexpr uint32_t APLIC_CLRIENUM = 0x1fdc;
constexpr uint32_t APLIC_TARGET_BASE = 0x3004;    ///< target[1] .. target[1023]
constexpr uint32_t APLIC_IDC_BASE = 0x4000;
constexpr uint32_t APLIC_IDC_STRIDE = 32;
constexpr uint32_t APLIC_IDC_IDELIVERY = 0x00;
constexpr uint32_t APLIC_IDC_IFORCE = 0x04;
constexpr uint32_t APLIC_IDC_ITHRESHOLD = 0x08;
constexpr uint32_t APLIC_IDC_TOPI = 0x18;
constexpr uint32_t APLIC_IDC_CLAIMI = 0x1c;

constexpr uint32_t APLIC_DOMAINCFG_BE = 1u << 0;
constexpr uint32_t APLIC_DOMAINCFG_DM = 1u << 2;
constexpr uint32_t APLIC_DOMAINCFG_IE = 1u << 8;
constexpr uint32_t APLIC_DOMAINCFG_RO80 = 0x80u << 24; ///< reads as 0x80 in bits 31:24

constexpr uint32_t APLIC_SOURCECFG_D = 1u << 10;
constexpr uint32_t APLIC_SOURCECFG_SM_MASK = 0x7;
constexpr uint32_t APLIC_SM_INACTIVE = 0;
constexpr uint32_t APLIC_SM_DETACHED = 1;
constexpr uint32_t APLIC_SM_EDGE_RISE = 4;
constexpr uint32_t APLIC_SM_EDGE_FALL = 5;
constexpr uint32_t APLIC_SM_LEVEL_HIGH = 6;
constexpr uint32_t APLIC_SM_LEVEL_LOW = 7;

constexpr unsigned APLIC_TARGET_HART_SHIFT = 18;
constexpr uint32_t APLIC_TARGET_IPRIO_MASK = 0xff;
constexpr unsigned APLIC_TOPI_ID_SHIFT = 16;

// ACLINT (RISC-V ACLINT spec): one 32-bit register per hart.
constexpr uint32_t ACLINT_MSWI_MSIP_STRIDE = 4;
constexpr uint32_t ACLINT_SSWI_SETSSIP_STRIDE = 4;

// IMSIC: one 4 KiB page per interrupt file; seteipnum_le at offset 0.
constexpr uint32_t IMSIC_PAGE = 0x1000;
constexpr uint32_t IMSIC_SETEIPNUM_LE = 0x000;
constexpr uint32_t IMSIC_EIDELIVERY_ON = 1;
constexpr unsigned IMSIC_IPI_ID = 1; ///< the identity Linux and OpenSBI use for IPIs

} // namespace stopsim::aplic
