// SPDX-License-Identifier: Apache-2.0
// GICv3 SystemC shell: distributor + one redistributor and CPU interface per PE.
// Registers are reached through a TLM-2.0 target socket (LT, timing annotated); the ICC_*
// system registers are reached by the PE through icc_* calls; lines go to each PE's IrqSink.
#pragma once
#include "models/common/clock.hpp"
#include "models/common/event_queue.hpp"
#include "models/common/fault_hooks.hpp"
#include "models/common/rng.hpp"
#include "models/gic/gic_cpuif_core.hpp"
#include "models/gic/gic_params.hpp"
#include "models/gic/gic_redist_core.hpp"

#include <systemc>
#include <tlm>
#include <tlm_utils/multi_passthrough_target_socket.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace stopsim::gic {


/// Marks a TLM access as Secure (absent: Non-secure).
struct GicSecureExt : tlm::tlm_extension<GicSecureExt> {
	bool secure = true;
	tlm::tlm_extension_base* clone() const override { return new GicSecureExt(*this); }
	void copy_from(const tlm::tlm_extension_base& e) override { secure = static_cast<const GicSecureExt&>(e).secure; }
};

/// What a PE receives from its CPU interface.
class IrqSink {
public:
	virtual ~IrqSink() = default;
	virtual void gic_lines(const CpuIfLines& lines) = 0;
	virtual PeSecurity gic_pe_security() const = 0;
};

/// Something worth tracing happened to an SGI.
enum class SgiEvent { kSent, kDropped, kDelayed, kPending, kMerged, kRejected };
struct SgiNote {
	SgiEvent event;
	unsigned source, target, intid;
	Ps extra_delay = 0;
};

class GicV3 : public sc_core::sc_module {
public:
	/// GICD and GICR register frames; any number of initiators (the PEs, firmware) bind here.
	tlm_utils::multi_passthrough_target_socket<GicV3> in;

	GicV3(sc_core::sc_module_name name, const GicParams& params, EventQueue& events);

	void bind_pe(unsigned pe, IrqSink* sink) { m_sinks.at(pe) = sink; }
	void set_fault_hooks(FaultHooks* hooks) { m_hooks = hooks ? hooks : &m_null_hooks; }
	void set_observer(std::function<void(const SgiNote&)> fn) { m_observer = std::move(fn); }

	// ICC system registers, for PE `pe`. The PE charges its own sysreg access cost.
	/// ICC_SGI1R_EL1 (group = G1 of the sender's state) or ICC_SGI0R_EL1 (group = G0).
	void icc_generate_sgi(unsigned pe, uint64_t value, Group group, bool ns);
	unsigned icc_read_iar(unsigned pe, Group g, bool ns);
	void icc_write_eoir(unsigned pe, unsigned intid, Group g, bool ns);
	void icc_write_dir(unsigned pe, unsigned intid);
	uint8_t icc_read_pmr(unsigned pe, bool ns) const { return m_cpuif[pe]->read_pmr(ns); }
	void icc_write_pmr(unsigned pe, uint8_t v, bool ns);
	uint8_t icc_read_rpr(unsigned pe, bool ns) const { return m_cpuif[pe]->read_rpr(ns); }
	void icc_write_igrpen(unsigned pe, Group g, bool on);
	void icc_write_eoimode(unsigned pe, bool ns, bool split);

	/// Make an SGI pending at a PE directly (fault injection: "already pending").
	void inject_pending(unsigned pe, unsigned intid);
	/// Recompute PE `pe`'s lines now (after its security state changed, for example).
	void update(unsigned pe);

	const GicCpuIfCore& cpuif(unsigned pe) const { return *m_cpuif.at(pe); }
	const GicRedistCore& redist(unsigned pe) const { return m_redist.at(pe); }
	const GicDistCore& dist() const { return m_dist; }
	const Clock& clock() const { return m_clk; }
	const GicParams& params() const { return m_params; }
	uint64_t sgis_sent() const { return m_sgis_sent; }

private:
	void b_transport(int port, tlm::tlm_generic_payload& trans, sc_core::sc_time& delay);
	unsigned int transport_dbg(int port, tlm::tlm_generic_payload& trans);
	bool access(uint64_t addr, uint32_t& data, bool write, bool ns);
	bool byte_access(uint64_t addr) const;
	void deliver_sgi(unsigned source, unsigned target, unsigned intid, Group group, bool ns, Ps latency);
	void note(SgiEvent e, unsigned s, unsigned t, unsigned i, Ps d = 0);

	GicParams m_params;
	Clock m_clk;
	EventQueue& m_events;
	GicDistCore m_dist;
	std::vector<GicRedistCore> m_redist;
	std::vector<std::unique_ptr<GicCpuIfCore>> m_cpuif;
	std::vector<IrqSink*> m_sinks;
	std::vector<CpuIfLines> m_lines;
	NullFaultHooks m_null_hooks;
	FaultHooks* m_hooks = &m_null_hooks;
	std::function<void(const SgiNote&)> m_observer;
	uint64_t m_sgis_sent = 0;
	SimRng m_rng;
};

} // namespace stopsim::gic
