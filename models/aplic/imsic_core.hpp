// SPDX-License-Identifier: Apache-2.0
// One IMSIC interrupt file (AIA spec, "Incoming MSI Controller"; docs/reference/hardware.md section 5.4):
// eidelivery, eithreshold, eip/eie bits, the seteipnum_le doorbell and the *topei claim. A lower
// identity has a higher priority; identity 0 is never valid. Plain C++.
#pragma once
#include <bitset>
#include <cstdint>

namespace stopsim::aplic {

class ImsicFile {
public:
	static constexpr unsigned kIds = 256; ///< identities 1..255 (interrupt-file size of this model)

	uint32_t eidelivery = 0;
	uint32_t eithreshold = 0;

	/// seteipnum_le: a write of a valid identity sets its eip bit; invalid ones are ignored.
	void seteipnum(uint32_t id)
	{
		if (id > 0 && id < kIds)
			m_eip.set(id);
	}
	void set_enabled(uint32_t id, bool on)
	{
		if (id > 0 && id < kIds)
			m_eie.set(id, on);
	}
	bool pending(uint32_t id) const { return id < kIds && m_eip.test(id); }
	/// *topei: {id << 16 | id} of the lowest pending-and-enabled identity below the threshold.
	uint32_t topei() const
	{
		for (unsigned id = 1; id < kIds; id++) {
			if (eithreshold && id >= eithreshold)
				break;
			if (m_eip.test(id) && m_eie.test(id))
				return (id << 16) | id;
		}
		return 0;
	}
	/// csrrw *topei: return topei and clear that identity's pending bit.
	uint32_t claim()
	{
		const uint32_t t = topei();
		if (t)
			m_eip.reset(t >> 16);
		return t;
	}
	/// The file drives MEIP or SEIP iff delivery is on and something is deliverable.
	bool line() const { return eidelivery == 1 && topei() != 0; }

private:
	std::bitset<kIds> m_eip, m_eie;
};

} // namespace stopsim::aplic
