// SPDX-License-Identifier: Apache-2.0
// The local APICs of an x86 platform and the messages between them. Each CPU reaches its own APIC
// through the MMIO page (TLM-2.0, the accessing CPU named by ApicCpuExt) or, in x2APIC mode, MSRs.
// An ICR write becomes one message per target, delivered after the modelled latency; fixed
// interrupts land in the target's IRR (lost if that APIC is software-disabled), NMIs go straight to
// the core.
#pragma once
#include "models/common/clock.hpp"
#include "models/lapic/apic_params.hpp"
#include "models/common/event_queue.hpp"
#include "models/common/fault_hooks.hpp"
#include "models/lapic/lapic_core.hpp"

#include <systemc>
#include <tlm>
#include <tlm_utils/multi_passthrough_target_socket.h>

#include <functional>
#include <vector>

namespace stopsim::lapic {

/// The fault-hook / trace ID of an NMI message (fixed interrupts use their vector, 0-255).
constexpr unsigned kNmiId = 256;


/// Names the CPU whose APIC an MMIO access reaches (absent: CPU 0).
struct ApicCpuExt : tlm::tlm_extension<ApicCpuExt> {
	unsigned cpu = 0;
	tlm::tlm_extension_base* clone() const override { return new ApicCpuExt(*this); }
	void copy_from(const tlm::tlm_extension_base& e) override { cpu = static_cast<const ApicCpuExt&>(e).cpu; }
};

/// What a core receives from its APIC.
class ApicSink {
public:
	virtual ~ApicSink() = default;
	virtual void apic_intr(bool asserted) = 0;
	virtual void apic_nmi() = 0;
};

enum class ApicEvent { kSent, kDropped, kDelayed, kAccepted, kMerged, kLost, kNmi };
struct ApicNote {
	ApicEvent event;
	unsigned source, target, id; ///< id: vector, or kNmiId
};

class ApicBus : public sc_core::sc_module {
public:
	tlm_utils::multi_passthrough_target_socket<ApicBus> in;

	ApicBus(sc_core::sc_module_name name, const ApicParams& p, EventQueue& events);

	void bind_cpu(unsigned cpu, ApicSink* sink) { m_sinks.at(cpu) = sink; }
	void set_fault_hooks(FaultHooks* h) { m_hooks = h ? h : &m_null; }
	void set_observer(std::function<void(const ApicNote&)> fn) { m_observer = std::move(fn); }

	/// x2APIC MSR access from `cpu` (0x800 + offset/16).
	void msr_write(unsigned cpu, uint32_t msr, uint64_t value);
	uint64_t msr_read(unsigned cpu, uint32_t msr);
	/// INTA from `cpu`'s core: the vector it takes, or -1.
	int inta(unsigned cpu);
	/// Picoseconds until `cpu`'s ICR reads idle again (xAPIC); 0 in x2APIC mode.
	Ps icr_busy_for(unsigned cpu) const;

	const LapicCore& core(unsigned cpu) const { return m_apic.at(cpu); }
	const ApicParams& params() const { return m_p; }
	const Clock& clock() const { return m_clk; }

private:
	void b_transport(int port, tlm::tlm_generic_payload& t, sc_core::sc_time& delay);
	void reg_write(unsigned cpu, uint32_t offset, uint32_t value);
	uint32_t reg_read(unsigned cpu, uint32_t offset);
	void send(unsigned source, uint64_t icr);
	void deliver(unsigned source, unsigned target, const IcrMessage& m);
	void update(unsigned cpu);
	void note(ApicEvent e, unsigned s, unsigned t, unsigned id);

	ApicParams m_p;
	Clock m_clk;
	EventQueue& m_events;
	std::vector<LapicCore> m_apic;
	std::vector<uint32_t> m_icr_high;
	std::vector<Ps> m_busy_until;
	std::vector<ApicSink*> m_sinks;
	std::vector<bool> m_intr;
	NullFaultHooks m_null;
	FaultHooks* m_hooks = &m_null;
	std::function<void(const ApicNote&)> m_observer;
};

} // namespace stopsim::lapic
