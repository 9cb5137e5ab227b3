// SPDX-License-Identifier: Apache-2.0
// One PE's GICv3 CPU interface (the ICC_* system registers): PMR, running priority, active
// priorities, acknowledge / priority drop / deactivate, and which line (IRQ or FIQ) it drives.
// Plain C++; priorities are stored in the absolute (Secure) view and converted for NS accesses.
#pragma once
#include "models/gic/gic_redist_core.hpp"

#include <array>
#include <bitset>
#include <cstdint>
#include <optional>

namespace stopsim::gic {

/// The two lines from the CPU interface to its PE.
struct CpuIfLines {
	bool irq = false;
	bool fiq = false;
	bool operator==(const CpuIfLines& o) const { return irq == o.irq && fiq == o.fiq; }
	bool operator!=(const CpuIfLines& o) const { return !(*this == o); }
};

/// Where the PE runs, as far as the CPU interface cares (GICv3 4.6.2).
struct PeSecurity {
	bool at_el3 = false;  ///< executing at EL3
	bool secure = false;  ///< Secure state below EL3
};

class GicCpuIfCore {
public:
	GicCpuIfCore(GicRedistCore& redist, const GicDistCore& dist) : m_redist(redist), m_dist(dist) {}

	// ICC_PMR_EL1 (GICv3 12.11.x): NS accesses see and write the shifted view when security is enabled.
	uint8_t read_pmr(bool ns) const;
	void write_pmr(uint8_t v, bool ns);
	// ICC_RPR_EL1: derived from the active priorities; 0xff when idle.
	uint8_t read_rpr(bool ns) const;
	uint8_t running_priority() const;
	// ICC_IAR0_EL1 / ICC_IAR1_EL1: acknowledge the HPPI if it may preempt, else 1023.
	unsigned read_iar(Group requested, bool ns);
	// ICC_EOIR0_EL1 / ICC_EOIR1_EL1: priority drop (and deactivate when EOImode is 0).
	void write_eoir(unsigned intid, Group requested, bool ns);
	// ICC_DIR_EL1: deactivate.
	void write_dir(unsigned intid);
	// ICC_IGRPEN0_EL1 / ICC_IGRPEN1_EL1 (NS or Secure bank).
	void write_igrpen(Group g, bool on) { m_igrpen[index(g)] = on; }
	bool igrpen(Group g) const { return m_igrpen[index(g)]; }
	// ICC_CTLR_EL1.EOImode, banked by security state.
	void write_eoimode(bool ns, bool split) { m_eoimode[ns ? 1 : 0] = split; }
	bool eoimode(bool ns) const { return m_eoimode[ns ? 1 : 0]; }

	/// HPPI and whether it can be signalled now (GICv3 4.8; QEMU icc_hppi_can_preempt).
	std::optional<Hppi> hppi() const { return m_redist.hppi(m_dist); }
	bool hppi_can_preempt(const Hppi& h) const;
	/// The lines this interface drives, given where the PE runs (GICv3 4.6.2 table).
	CpuIfLines lines(const PeSecurity& pe) const;

	/// Group priority used for preemption (binary point of the interrupt's group).
	uint8_t group_priority(uint8_t prio, Group g) const;

	uint8_t pmr_abs() const { return m_pmr; }
	const std::bitset<128>& apr(Group g) const { return m_apr[index(g)]; }

private:
	static unsigned index(Group g) { return static_cast<unsigned>(g); }
	bool ds() const { return m_dist.ds(); }

	GicRedistCore& m_redist;
	const GicDistCore& m_dist;
	uint8_t m_pmr = 0;                         ///< absolute; reset value 0 masks everything
	std::array<std::bitset<128>, 3> m_apr{};   ///< one bit per active group priority (prio >> 1)
	std::array<bool, 3> m_igrpen{};            ///< ICC_IGRPEN0, IGRPEN1 Secure, IGRPEN1 NS
	std::array<bool, 2> m_eoimode{};           ///< [Secure, NS]
	uint8_t m_bpr0 = 0;                        ///< ICC_BPR0_EL1 reset
	uint8_t m_bpr1 = 1;                        ///< ICC_BPR1_EL1 reset (BPR0 + 1)
};

} // namespace stopsim::gic
