// SPDX-License-Identifier: Apache-2.0
// arm64 EL3 firmware (TF-A-like) reached by SMC from the PEs: SDEI event 0 (signal as a Secure
// Group 0 SGI, dispatch from the FIQ taken at EL3, completion), PE mask, and PSCI CPU_OFF.
// The caller's PE spends the modelled cycles; a dispatched event runs the client's handler in
// that PE's thread at the Non-secure EL with DAIF masked.
#pragma once
#include "models/cpu/arm64_pe.hpp"
#include "models/el3-firmware/sdei_core.hpp"
#include "models/gic/gic_v3.hpp"

#include <systemc>
#include <functional>
#include <vector>

namespace stopsim::el3 {

// SMCCC function IDs handled here.
constexpr uint32_t SDEI_VERSION = 0xC4000020;
constexpr uint32_t SDEI_EVENT_REGISTER = 0xC4000021;
constexpr uint32_t SDEI_EVENT_ENABLE = 0xC4000022;
constexpr uint32_t SDEI_EVENT_DISABLE = 0xC4000023;
constexpr uint32_t SDEI_EVENT_COMPLETE = 0xC4000025;
constexpr uint32_t SDEI_EVENT_COMPLETE_AND_RESUME = 0xC4000026;
constexpr uint32_t SDEI_EVENT_UNREGISTER = 0xC4000027;
constexpr uint32_t SDEI_PE_MASK = 0xC400002B;
constexpr uint32_t SDEI_PE_UNMASK = 0xC400002C;
constexpr uint32_t SDEI_EVENT_SIGNAL = 0xC400002F;
constexpr uint32_t SDEI_PRIVATE_RESET = 0xC4000031;
constexpr uint32_t PSCI_VERSION = 0x84000000;
constexpr uint32_t PSCI_CPU_OFF = 0x84000002;
constexpr long SMCCC_NOT_SUPPORTED = -1;


class El3Firmware : public sc_core::sc_module {
public:
	/// The Non-secure client EL3 hands a dispatched event to (Linux's SDEI entry). Runs in the
	/// PE's thread; returns when the client's handler has returned (it may never return).
	using Client = std::function<void(unsigned pe)>;
	/// Told when a PE leaves for good: powered off, or wedged in EL3.
	using PowerHook = std::function<void(unsigned pe, PowerState st)>;
	/// Told of dispatch decisions worth logging (masked, dropped, ...).
	using NoteHook = std::function<void(unsigned pe, const std::string& what)>;

	El3Firmware(sc_core::sc_module_name name, const El3Params& p, gic::GicV3& gic,
		    std::vector<cpu::Arm64Pe*> pes);

	void set_client(Client c) { m_client = std::move(c); }
	void set_power_hook(PowerHook h) { m_power = std::move(h); }
	void set_note_hook(NoteHook h) { m_note = std::move(h); }

	/// An SMC from PE `pe` (call from that PE's thread). Returns x0; may never return.
	long smc(unsigned pe, uint32_t fid, uint64_t a1, uint64_t a2, uint64_t a3) { return call(pe, fid, a1, a2, a3, true); }
	/// The same bookkeeping with no simulated time (the boot before the scenario starts).
	long smc_untimed(unsigned pe, uint32_t fid, uint64_t a1, uint64_t a2, uint64_t a3)
	{
		return call(pe, fid, a1, a2, a3, false);
	}
	/// The FIQ taken to EL3 on PE `pe` (call from that PE's exception vector).
	void handle_fiq(unsigned pe);
	/// The platform event's interrupt fires at PE `pe` (call from that PE's thread, e.g. a platform
	/// error agent raising its AGDI event). On kRun the event is Running and the PE is back at EL1
	/// with DAIF masked, about to run the client's handler for it; the caller runs that handler
	/// and it ends with COMPLETE or COMPLETE_AND_RESUME (or never). Otherwise nothing ran.
	Dispatch raise_platform_event(unsigned pe);
	/// Hold PE `pe` at EL3 until `until_ps` (kForever: for good), as if an SMC never returned.
	void stuck_in_el3(unsigned pe, Ps until_ps);

	const SdeiCore& sdei() const { return m_core; }
	PowerState power(unsigned pe) const { return m_power_state.at(pe); }
	bool running_event(unsigned pe) const { return m_core.pe(pe).ev0.running; }
	const El3Params& params() const { return m_p; }

private:
	int pe_of_mpidr(uint64_t mpidr) const;
	long call(unsigned pe, uint32_t fid, uint64_t a1, uint64_t a2, uint64_t a3, bool timed);
	/// Spend `cycles` at EL3 on `pe`, then return to the EL it came from.
	void at_el3(unsigned pe, Cycles cycles);
	[[noreturn]] void leave(unsigned pe, PowerState st);
	void eoi(unsigned pe);

	El3Params m_p;
	gic::GicV3& m_gic;
	std::vector<cpu::Arm64Pe*> m_pes;
	SdeiCore m_core;
	std::vector<PowerState> m_power_state;
	Client m_client;
	PowerHook m_power;
	NoteHook m_note;
	sc_core::sc_event m_never;
	bool m_timed = true;
};

} // namespace stopsim::el3
