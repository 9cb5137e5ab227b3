// SPDX-License-Identifier: Apache-2.0
// The RISC-V interrupt fabric as one SystemC shell: the S-level APLIC domain (direct mode) for
// wired device interrupts, the ACLINT MSWI (M-level software interrupts, what OpenSBI uses to
// IPI a hart) and SSWI (SETSSIP), and optionally one M and one S IMSIC file per hart. Registers
// are reached through a TLM-2.0 target socket (LT, timing annotated); each register write that
// raises an interrupt reaches the target hart after its modelled latency, through the event
// queue, and the hart's wires are driven through the callbacks the platform binds.
#pragma once
#include "models/aplic/aplic_core.hpp"
#include "models/aplic/aplic_regs.hpp"
#include "models/aplic/imsic_core.hpp"
#include "models/common/clock.hpp"
#include "models/aplic/intc_params.hpp"
#include "models/common/event_queue.hpp"

#include <systemc>
#include <tlm>
#include <tlm_utils/multi_passthrough_target_socket.h>

#include <functional>
#include <vector>

namespace stopsim::aplic {


class RiscvIntc : public sc_core::sc_module {
public:
	/// A hart's wire: mip bit (MSIP, MEIP, SEIP) to level.
	using LineFn = std::function<void(uint64_t bit, bool level)>;
	/// The ACLINT SSWI sets SSIP at a hart (edge-like: software clears it in sip).
	using SsipFn = std::function<void()>;

	tlm_utils::multi_passthrough_target_socket<RiscvIntc> in;

	RiscvIntc(sc_core::sc_module_name name, const IntcParams& p, EventQueue& events);

	void bind_hart(unsigned hart, LineFn line, SsipFn ssip);

	/// A device wire into the APLIC changes level (after `extra_ps` more on the APLIC->hart path).
	void set_source(unsigned source, bool level, Ps extra_ps = 0);

	// Direct access for firmware and tests (no bus cost; the caller charges its own).
	void write_msip(unsigned hart, bool on, Ps extra_ps = 0);
	void write_setssip(unsigned hart, Ps extra_ps = 0);
	void imsic_send(unsigned hart, bool m_file, uint32_t id, Ps extra_ps = 0);
	ImsicFile& imsic(unsigned hart, bool m_file) { return m_file ? m_imsic_m.at(hart) : m_imsic_s.at(hart); }
	/// *topei claim on a hart's file, with the line recomputed.
	uint32_t imsic_claim(unsigned hart, bool m_file);
	bool msip(unsigned hart) const { return m_msip.at(hart); }
	/// Hart wires evaluated so far (a work count for tests: an IMSIC write or claim evaluates only
	/// its own hart's wires, so a broadcast to every hart is linear in the number of harts).
	uint64_t line_checks() const { return m_line_checks; }

	AplicCore& aplic() { return m_aplic; }
	const AplicCore& aplic() const { return m_aplic; }
	const IntcParams& params() const { return m_p; }
	const Clock& clock() const { return m_clk; }

private:
	void b_transport(int port, tlm::tlm_generic_payload& trans, sc_core::sc_time& delay);
	unsigned int transport_dbg(int port, tlm::tlm_generic_payload& trans);
	bool access(uint64_t addr, uint32_t& data, bool write);
	/// Recompute SEIP/MEIP of every hart after `delay_ps`.
	void update_lines(Ps delay_ps);
	void push_lines();
	/// Recompute and drive one hart's SEIP/MEIP now (an IMSIC file only changes its own hart).
	void push_line(unsigned hart);

	IntcParams m_p;
	Clock m_clk;
	EventQueue& m_events;
	AplicCore m_aplic;
	std::vector<bool> m_msip;
	std::vector<ImsicFile> m_imsic_m, m_imsic_s;
	std::vector<LineFn> m_line;
	std::vector<SsipFn> m_ssip;
	std::vector<uint8_t> m_seip_out, m_meip_out; ///< last level pushed to each hart
	uint64_t m_line_checks = 0;
};

} // namespace stopsim::aplic
