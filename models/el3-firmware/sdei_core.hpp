// SPDX-License-Identifier: Apache-2.0
// SDEI dispatcher state as TF-A implements it (docs/reference/hardware.md section 3.2-3.8), for event 0
// and, optionally, one private platform event (e.g. the one an ACPI AGDI table names): per-PE
// registration/enable/running state, the per-PE mask, signal-time checks, the dispatch decision for
// an acknowledged event-0 SGI or a raised platform event, and completion. Both events are
// normal priority, so while either runs on a PE neither can be dispatched there. Plain C++, no SystemC.
#pragma once
#include "models/el3-firmware/el3_params.hpp"

#include <cstdint>
#include <optional>
#include <vector>

namespace stopsim::el3 {

// SDEI return codes (TF-A include/services/sdei.h).
constexpr long SDEI_SUCCESS = 0;
constexpr long SDEI_NOT_SUPPORTED = -1;
constexpr long SDEI_EINVAL = -2;
constexpr long SDEI_EDENY = -3;
constexpr long SDEI_EPEND = -5;


/// Handler state of one private event on one PE (SDEI 3.3: Registered, Enabled, Running).
struct Event0 {
	bool registered = false;
	bool enabled = false;
	bool running = false;
	uint64_t entry = 0;
	uint64_t arg = 0;
};

struct PeSdei {
	bool masked = true;   ///< every PE starts masked
	Event0 ev0;
	Event0 plat;             ///< the platform event (SdeiParams::platform_event), if there is one
	unsigned dispatched = 0; ///< outstanding dispatch records (TF-A keeps at most 2)
	uint64_t dispatches = 0; ///< how many times event 0 ran here
	uint64_t dropped = 0;    ///< SGIs acknowledged but not dispatched
};

/// What EL3 does with an event-0 SGI it has just acknowledged.
enum class Dispatch {
	kRun,          ///< hand the event to the client
	kMaskedNoEoi,  ///< PE masked: TF-A returns without EOI, the SGI stays active (PE deaf)
	kDrop,         ///< not registered/enabled: EOI and forget it
	kRepend,       ///< registered but cannot run now: pend again, EOI
};

class SdeiCore {
public:
	SdeiCore(unsigned num_pes, const SdeiParams& p) : m_p(p), m_pe(num_pes) {}

	long event_register(unsigned pe, unsigned event, uint64_t entry, uint64_t arg);
	long event_enable(unsigned pe, unsigned event);
	long event_disable(unsigned pe, unsigned event);
	long event_unregister(unsigned pe, unsigned event);
	/// PE_MASK: 1 if the mask changed, 0 if it was already masked.
	long pe_mask(unsigned pe);
	long pe_unmask(unsigned pe);
	/// SDEI_EVENT_SIGNAL's checks (3.5; only event 0 can be signalled). SDEI_SUCCESS means: raise
	/// the SGI at `target`.
	long signal(unsigned caller, unsigned event, int target) const;
	/// The SGI was acknowledged at EL3 on `pe` (3.6 step 3).
	Dispatch on_acknowledge(unsigned pe) const;
	/// The platform event's interrupt fired at `pe`: what EL3 does with it (kRun, kDrop, or kRepend
	/// for masked or busy: left pending, which this model does not retry).
	Dispatch on_platform_event(unsigned pe) const;
	/// A normal-priority handler (event 0 or the platform event) is running on `pe`.
	bool handler_running(unsigned pe) const { return m_pe.at(pe).ev0.running || m_pe.at(pe).plat.running; }
	/// An acknowledged event-0 SGI was not dispatched on `pe`.
	void note_dropped(unsigned pe) { m_pe.at(pe).dropped++; }
	/// Dispatch starts: the event (0 or the platform event) is Running on `pe`.
	void begin_dispatch(unsigned pe, unsigned event = 0);
	/// COMPLETE / COMPLETE_AND_RESUME (3.7): SDEI_EDENY with nothing outstanding. `event`, when
	/// given, is told which event completed.
	long complete(unsigned pe, unsigned* event = nullptr);
	/// PRIVATE_RESET on one PE: SDEI_EPEND while the event runs.
	long private_reset(unsigned pe);

	const PeSdei& pe(unsigned i) const { return m_pe.at(i); }
	const SdeiParams& params() const { return m_p; }
	unsigned num_pes() const { return unsigned(m_pe.size()); }

private:
	bool valid_event(unsigned event) const
	{
		return (event == 0 && m_p.event0) || (m_p.platform_event && event == *m_p.platform_event);
	}
	Event0& ev(unsigned pe, unsigned event) { return event == 0 ? m_pe.at(pe).ev0 : m_pe.at(pe).plat; }

	SdeiParams m_p;
	std::vector<PeSdei> m_pe;
};

/// PSCI power state of each PE, enough for CPU_OFF.
enum class PowerState { kOn, kOff, kWedged };

} // namespace stopsim::el3
