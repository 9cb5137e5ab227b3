// SPDX-License-Identifier: Apache-2.0
// One APLIC interrupt domain in direct delivery mode (AIA spec, "Advanced Platform-Level Interrupt
// Controller"; docs/reference/hardware.md section 5.5): domaincfg, sourcecfg, pending and enable bits, target
// (hart index and priority) and one interrupt delivery control (IDC) structure per hart.
// MSI delivery mode is recorded (DM) but delivers nothing (deviation: see docs). Plain C++.
#pragma once
#include <cstdint>
#include <vector>

namespace stopsim::aplic {

struct AplicSource {
	uint32_t sourcecfg = 0;   ///< D and SM
	uint32_t target = 0;      ///< {hart index [31:18], IPRIO [7:0]}
	bool pending = false;
	bool enabled = false;
	bool input = false;       ///< raw wire level
};

struct AplicIdc {
	uint32_t idelivery = 0;
	uint32_t iforce = 0;
	uint32_t ithreshold = 0;
};

class AplicCore {
public:
	/// @param num_sources sources 1..num_sources exist (source 0 never does)
	AplicCore(unsigned num_sources, unsigned num_harts);

	/// Register access at `offset` in the domain's region (32-bit). Unknown offsets read 0.
	uint32_t read(uint32_t offset);
	void write(uint32_t offset, uint32_t value);

	/// A device wire changes level (edge sources latch pending on the active edge).
	void set_input(unsigned source, bool level);

	uint32_t domaincfg() const { return m_domaincfg; }
	/// topi of `hart`: {ID << 16 | prio} of the best pending-and-enabled source below the threshold.
	uint32_t topi(unsigned hart) const;
	/// claimi: topi, and the claimed source's pending bit cleared (edge/detached); 0 also clears iforce.
	uint32_t claimi(unsigned hart);
	/// The hart's external-interrupt wire: IE && idelivery && (iforce || topi != 0).
	bool irq_line(unsigned hart) const;

	const AplicSource& source(unsigned i) const { return m_src.at(i); }
	const AplicIdc& idc(unsigned hart) const { return m_idc.at(hart); }
	unsigned num_sources() const { return unsigned(m_src.size() - 1); }
	unsigned num_harts() const { return unsigned(m_idc.size()); }

private:
	bool active(unsigned i) const;
	bool is_level(unsigned i) const;
	bool rectified(unsigned i) const;
	void set_pending(unsigned i, bool on);
	void write_sourcecfg(unsigned i, uint32_t v);

	uint32_t m_domaincfg = 0;
	std::vector<AplicSource> m_src; ///< index 0 unused
	std::vector<AplicIdc> m_idc;
};

} // namespace stopsim::aplic
