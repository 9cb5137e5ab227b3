// SPDX-License-Identifier: Apache-2.0
// arm64 PE shell: PSTATE.DAIF and EL on top of the PE framework, lines from the GIC CPU
// interface, and exception entry/return (the kernel shim charges system-register access costs).
#pragma once
#include "models/cpu/arm64_pe_core.hpp"
#include "models/cpu/pe_base.hpp"
#include "models/gic/gic_v3.hpp"

#include <tlm_utils/simple_initiator_socket.h>

#include <functional>

namespace stopsim::cpu {


class Arm64Pe : public PeBase, public gic::IrqSink {
public:
	/// What the PE does with a taken exception: the software's vector (runs in the PE thread).
	using Vector = std::function<void(Arm64Exception)>;

	/// The PE's memory-mapped bus (bound to the GIC's register frames).
	tlm_utils::simple_initiator_socket<Arm64Pe> bus;

	Arm64Pe(sc_core::sc_module_name name, unsigned id, const Arm64PeParams& params, gic::GicV3& gic);

	void set_vector(Vector v) { m_vector = std::move(v); }
	/// Observe DAIF changes (for traces).
	void set_daif_observer(std::function<void(uint32_t)> fn) { m_daif_observer = std::move(fn); }

	Arm64PeCore& core() { return m_core; }
	const Arm64PeCore& core() const { return m_core; }
	gic::GicV3& gic() { return m_gic; }
	const Arm64PeParams& params() const { return m_params; }

	// PSTATE.DAIF: MSR DAIFSet / DAIFClr / DAIF (no cycle cost beyond the step that issues it).
	uint32_t read_daif() const { return m_core.daif; }
	void write_daif(uint32_t v);
	/// Move to another EL (SMC / ERET to EL3 and back); the CPU interface sees the new state.
	void set_el(unsigned el);

	// gic::IrqSink
	void gic_lines(const gic::CpuIfLines& lines) override;
	gic::PeSecurity gic_pe_security() const override;

	bool exception_ready() const override { return m_core.pending() != Arm64Exception::kNone; }
	bool line_asserted() const override { return m_core.irq_line || m_core.fiq_line; }

protected:
	void take_exception() override;

private:
	Arm64PeParams m_params;
	gic::GicV3& m_gic;
	Arm64PeCore m_core;
	Vector m_vector;
	std::function<void(uint32_t)> m_daif_observer;
};

} // namespace stopsim::cpu
