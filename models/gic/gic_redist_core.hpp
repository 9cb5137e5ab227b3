// SPDX-License-Identifier: Apache-2.0
// GICv3 distributor control and one redistributor's SGI/PPI state (plain C++, no SystemC).
#pragma once
#include "models/gic/gic_regs.hpp"

#include <array>
#include <cstdint>
#include <optional>

namespace stopsim::gic {

/// GICD_CTLR with the bits this model implements (GICv3 12.9.4).
struct GicDistCore {
	uint32_t ctlr = 0;
	bool ds() const { return ctlr & GICD_CTLR_DS; }
	bool group_enabled(Group g) const;
	/// GICD_CTLR in the Secure view, or the Non-secure view when !secure and security is enabled.
	uint32_t read_ctlr(bool secure) const;
	/// @param secure the access is Secure (or security is disabled)
	void write_ctlr(uint32_t v, bool secure);
};

/// A candidate for the highest-priority pending interrupt.
struct Hppi {
	unsigned intid = INTID_SPURIOUS;
	uint8_t prio = 0xff; ///< absolute (Secure-view) priority
	Group group = Group::G1NS;
};

/// The SGI_base frame state of one redistributor (INTIDs 0-31).
class GicRedistCore {
public:
	GicRedistCore() { ipriorityr.fill(0); }

	Group group_of(unsigned intid) const;
	bool is_pending(unsigned intid) const { return pending & (1u << intid); }
	bool is_active(unsigned intid) const { return active & (1u << intid); }
	bool is_enabled(unsigned intid) const { return isenabler0 & (1u << intid); }

	/// SGI acceptance (GICv3 4.4, QEMU gicv3_redist_send_sgi): the requested group must match the
	/// configured one, and a Non-secure sender needs GICR_NSACR for a Secure SGI.
	/// @return false if dropped; true if now pending (including "already pending": the two merge).
	bool accept_sgi(unsigned intid, Group requested, bool ns_sender, bool ds);

	/// Highest-priority pending, enabled, inactive interrupt whose group is enabled. Ties: lowest INTID.
	std::optional<Hppi> hppi(const GicDistCore& dist) const;

	void set_active(unsigned intid, bool on);
	void set_pending(unsigned intid, bool on);

	/// MMIO access to the SGI_base frame. @param ns Non-secure access, @param ds GICD_CTLR.DS
	uint32_t read(uint32_t offset, bool ns, bool ds) const;
	void write(uint32_t offset, uint32_t value, bool ns, bool ds);
	/// One byte of GICR_IPRIORITYR<n> (the registers are byte-accessible): only this INTID changes.
	void write_priority(unsigned intid, uint8_t value, bool ns, bool ds);

	/// Absolute priority of an INTID, as stored.
	uint8_t priority(unsigned intid) const { return ipriorityr[intid]; }

	uint32_t igroupr0 = 0;   ///< 1 = Group 1 (NS unless IGRPMODR0)
	uint32_t igrpmodr0 = 0;  ///< with IGROUPR0=0: 0 = Group 0, 1 = Secure Group 1
	uint32_t isenabler0 = 0;
	uint32_t pending = 0;
	uint32_t active = 0;
	uint32_t nsacr = 0;
	uint32_t waker = GICR_WAKER_PROCESSORSLEEP | GICR_WAKER_CHILDRENASLEEP;
	std::array<uint8_t, kNumPrivate> ipriorityr;

private:
	bool ns_may_touch(unsigned intid, bool ds) const { return ds || group_of(intid) == Group::G1NS; }
};

} // namespace stopsim::gic
