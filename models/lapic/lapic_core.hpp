// SPDX-License-Identifier: Apache-2.0
// One x86 local APIC's interrupt state: IRR/ISR with one bit per vector, TPR/PPR priority classes,
// EOI, the software enable, and whether INTR is presented to the core. Plain C++.
#pragma once
#include "models/lapic/lapic_regs.hpp"

#include <bitset>
#include <cstdint>

namespace stopsim::lapic {

class LapicCore {
public:
	/// Fixed-interrupt acceptance (SDM 11.8.4): set IRR; a vector already pending merges.
	/// Returns false if the APIC is software-disabled (the message is lost).
	bool accept_fixed(uint8_t vector, bool* merged = nullptr);
	/// PPR (SDM 11.8.3.1): TPR if its class is not below the highest in-service class, else that class.
	uint8_t ppr() const;
	/// INTR to the core: the highest IRR class beats the PPR class and the APIC is enabled.
	bool intr() const;
	/// INTA: the highest IRR vector moves to ISR. -1 when nothing may be delivered.
	int inta();
	/// EOI: clear the highest in-service vector.
	void eoi();
	bool sw_enabled() const { return svr & APIC_SVR_ENABLE; }

	uint32_t read(uint32_t offset) const;
	void write(uint32_t offset, uint32_t value);

	std::bitset<256> irr, isr;
	uint8_t tpr = 0;
	uint32_t svr = 0xff; ///< reset: software-disabled, spurious vector 0xff
	uint32_t id = 0;

private:
	static int highest(const std::bitset<256>& b);
};

} // namespace stopsim::lapic
