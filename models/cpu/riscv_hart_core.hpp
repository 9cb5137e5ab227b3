// SPDX-License-Identifier: Apache-2.0
// RISC-V hart state that decides which interrupt trap is taken and where: privilege mode,
// mstatus.{MIE,SIE}, mie/mip (sie/sip are the views through mideleg), and the WFI wake rule
// (RISC-V Privileged ISA, "Machine Interrupt Registers" and "Wait for Interrupt";
// docs/reference/hardware.md section 5.1 and section 5.7). Plain C++.
#pragma once
#include <cstdint>

namespace stopsim::cpu {

// mip / mie bit positions (Privileged ISA, table of standard interrupt causes).
constexpr uint64_t MIP_SSIP = 1ull << 1;
constexpr uint64_t MIP_MSIP = 1ull << 3;
constexpr uint64_t MIP_STIP = 1ull << 5;
constexpr uint64_t MIP_MTIP = 1ull << 7;
constexpr uint64_t MIP_SEIP = 1ull << 9;
constexpr uint64_t MIP_MEIP = 1ull << 11;
/// Bits S-mode software may write in sip (SSIP only; STIP and SEIP come from hardware here).
constexpr uint64_t SIP_WRITABLE = MIP_SSIP;

enum class Priv : unsigned { U = 0, S = 1, M = 3 };

/// The interrupt a hart takes, in the architecture's fixed priority order.
enum class RiscvIrq { kNone, kMei, kMsi, kMti, kSei, kSsi, kSti };

/// True for the causes that trap to M (when not delegated).
constexpr bool is_m_level(RiscvIrq i) { return i == RiscvIrq::kMei || i == RiscvIrq::kMsi || i == RiscvIrq::kMti; }

class RiscvHartCore {
public:
	Priv priv = Priv::S;
	bool mstatus_mie = false;  ///< M-mode global enable
	bool mstatus_sie = false;  ///< S-mode global enable (sstatus.SIE is the same bit)
	bool mstatus_mpie = false;
	bool mstatus_spie = false;
	Priv mstatus_mpp = Priv::U;
	Priv mstatus_spp = Priv::U;
	uint64_t mie = 0;           ///< per-interrupt enables (sie is mie & mideleg)
	uint64_t mip_sw = 0;        ///< software-written pending bits (SSIP)
	uint64_t mip_hw = 0;        ///< pending bits driven by wires (MSIP, MTIP, MEIP, SEIP)
	uint64_t mideleg = MIP_SSIP | MIP_STIP | MIP_SEIP; ///< what OpenSBI delegates to S

	uint64_t mip() const { return mip_sw | mip_hw; }
	/// Privileged ISA 3.1.9: M-level causes trap when pending & enabled, and the hart is below M
	/// or at M with MIE=1. Delegated causes trap to S when below S, or at S with SIE=1; never at M.
	RiscvIrq pending() const;
	/// WFI resumes when any locally enabled interrupt is pending, whatever MIE/SIE and mideleg say.
	bool wfi_wake() const { return (mip() & mie) != 0; }
};

} // namespace stopsim::cpu
