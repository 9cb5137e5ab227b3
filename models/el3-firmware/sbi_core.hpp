// SPDX-License-Identifier: Apache-2.0
// M-mode SBI state as OpenSBI keeps it (docs/reference/hardware.md section 5.2 and section 5.6): per-hart HSM state, the
// per-hart ipi_type word of the IPI extension, and the SSE extension's local events (state,
// priority, pending bit, per-hart mask) with the rule that picks the event to inject next.
// Plain C++, no SystemC. Global SSE events are not modelled (calls on them: NOT_SUPPORTED).
#pragma once
#include "models/el3-firmware/sbi_params.hpp"

#include <cstdint>
#include <optional>
#include <vector>

namespace stopsim::sbi {

// SBI return codes (SBI spec, "Standard SBI Errors").
constexpr long SBI_SUCCESS = 0;
constexpr long SBI_ERR_FAILED = -1;
constexpr long SBI_ERR_NOT_SUPPORTED = -2;
constexpr long SBI_ERR_INVALID_PARAM = -3;
constexpr long SBI_ERR_DENIED = -4;
constexpr long SBI_ERR_ALREADY_STARTED = -7;
constexpr long SBI_ERR_ALREADY_STOPPED = -8;
constexpr long SBI_ERR_INVALID_STATE = -10;

// Extension and function IDs.
constexpr uint32_t SBI_EXT_IPI = 0x735049;
constexpr uint32_t SBI_EXT_IPI_SEND_IPI = 0;
constexpr uint32_t SBI_EXT_HSM = 0x48534d;
constexpr uint32_t SBI_EXT_HSM_HART_START = 0;
constexpr uint32_t SBI_EXT_HSM_HART_STOP = 1;
constexpr uint32_t SBI_EXT_HSM_HART_GET_STATUS = 2;
constexpr uint32_t SBI_EXT_SSE = 0x535345;
constexpr uint32_t SBI_SSE_EVENT_ATTR_READ = 0;
constexpr uint32_t SBI_SSE_EVENT_ATTR_WRITE = 1;
constexpr uint32_t SBI_SSE_EVENT_REGISTER = 2;
constexpr uint32_t SBI_SSE_EVENT_UNREGISTER = 3;
constexpr uint32_t SBI_SSE_EVENT_ENABLE = 4;
constexpr uint32_t SBI_SSE_EVENT_DISABLE = 5;
constexpr uint32_t SBI_SSE_EVENT_COMPLETE = 6;
constexpr uint32_t SBI_SSE_EVENT_INJECT = 7;
constexpr uint32_t SBI_SSE_HART_UNMASK = 8;
constexpr uint32_t SBI_SSE_HART_MASK = 9;

constexpr uint32_t SBI_SSE_EVENT_GLOBAL_BIT = 1u << 15;

// SSE attribute IDs this model answers in WRITE_ATTRS.
constexpr uint32_t SBI_SSE_ATTR_PRIORITY = 1;
constexpr uint32_t SBI_SSE_ATTR_CONFIG = 2;

/// HSM hart states (SBI spec, HSM extension).
enum class HsmState { started = 0, stopped = 1, start_pending = 2, stop_pending = 3, suspended = 4 };
const char* hsm_name(HsmState s);

enum class SseState { unused = 0, registered = 1, enabled = 2, running = 3 };
const char* sse_state_name(SseState s);

/// The causes an M-level IPI carries (OpenSBI registers its IPI events dynamically; these are ours).
constexpr uint32_t IPI_EVENT_SMODE = 1u << 0; ///< set SSIP at the target (the SBI IPI extension)
constexpr uint32_t IPI_EVENT_SSE = 1u << 1;   ///< an SSE event was queued for the target

struct SseEvent {
	uint32_t id = 0;
	SseState state = SseState::unused;
	uint32_t priority = 0;   ///< lower is more urgent
	bool oneshot = false;
	bool pending = false;
	uint64_t entry_pc = 0, entry_arg = 0;
	uint64_t deliveries = 0;
};

struct HartSbi {
	HsmState hsm = HsmState::started;
	uint32_t ipi_type = 0;       ///< OR-ed event bits; the raw IPI is sent only when this was 0
	bool sse_masked = true;      ///< harts start masked until HART_UNMASK
	std::vector<SseEvent> local; ///< one entry per supported local event, in event-ID order
	uint64_t ipis_raised = 0;    ///< MSWI writes of 1 aimed at this hart
};

class SbiCore {
public:
	SbiCore(unsigned num_harts, const SbiCoreParams& p);

	// IPI extension.
	struct IpiSend {
		long error = SBI_SUCCESS;
		std::vector<unsigned> raise; ///< harts whose MSWI must be written (ipi_type was 0)
	};
	/// sbi_send_ipi(hart_mask, hart_mask_base): STOPPED harts are skipped silently.
	IpiSend send_ipi(uint64_t hart_mask, uint64_t hart_mask_base, uint32_t event = IPI_EVENT_SMODE);
	/// Post an IPI event to one hart; true if the raw M-level IPI must be raised.
	bool post_ipi(unsigned hart, uint32_t event);
	/// sbi_ipi_process(): exchange the word with 0 and return what it held.
	uint32_t ipi_take(unsigned hart);

	// HSM extension.
	long hart_stop(unsigned hart);
	long hart_status(unsigned hart) const;
	void set_hsm(unsigned hart, HsmState s) { m_h.at(hart).hsm = s; }

	// SSE extension (calls from S-mode on `hart`).
	long sse_register(unsigned hart, uint32_t id, uint64_t pc, uint64_t arg);
	long sse_unregister(unsigned hart, uint32_t id);
	long sse_enable(unsigned hart, uint32_t id);
	long sse_disable(unsigned hart, uint32_t id);
	long sse_write_attr(unsigned hart, uint32_t id, uint32_t attr, uint64_t value);
	long sse_hart_mask(unsigned hart);
	long sse_hart_unmask(unsigned hart);
	/// INJECT: the event becomes pending on `target`. `need_ipi` says whether the target must be
	/// interrupted (a remote, STARTED hart); a STOPPED hart keeps it queued with no IPI.
	long sse_inject(unsigned caller, uint32_t id, uint64_t target, bool& need_ipi);
	/// COMPLETE: the most urgent RUNNING event on `hart` returns to ENABLED (or REGISTERED if
	/// one-shot). No RUNNING event: success, nothing done. Returns the completed event, if any.
	std::optional<uint32_t> sse_complete(unsigned hart);
	/// The event to inject now on `hart`, if any (OpenSBI's walk of the enabled list in priority
	/// order, stopping at the first RUNNING entry).
	std::optional<uint32_t> sse_next(unsigned hart) const;
	/// Injection starts: pending cleared, RUNNING.
	void sse_begin(unsigned hart, uint32_t id);

	const HartSbi& hart(unsigned h) const { return m_h.at(h); }
	const SseEvent* event(unsigned h, uint32_t id) const;
	unsigned num_harts() const { return unsigned(m_h.size()); }
	const SbiCoreParams& params() const { return m_p; }

private:
	/// One SSE state change that needs the event in `from`.
	long sse_transition(unsigned hart, uint32_t id, SseState from, SseState to);
	SseEvent* find(unsigned h, uint32_t id);
	/// Sorted by (priority, id): the order injection considers events in.
	std::vector<const SseEvent*> by_priority(unsigned h) const;

	SbiCoreParams m_p;
	std::vector<HartSbi> m_h;
};

} // namespace stopsim::sbi
