// SPDX-License-Identifier: Apache-2.0
// x86 CPU shell: the PE framework with IF, NMI blocking and SMM, fed by its local APIC.
#pragma once
#include "models/cpu/pe_base.hpp"
#include "models/cpu/x86_cpu_core.hpp"
#include "models/lapic/apic_bus.hpp"

#include <tlm_utils/simple_initiator_socket.h>

#include <functional>

namespace stopsim::cpu {

class X86Cpu : public PeBase, public lapic::ApicSink {
public:
	/// The software's handler for a taken NMI (vector 2) or external interrupt (vector v).
	using Vector = std::function<void(X86Exception, unsigned vector)>;

	/// The CPU's memory bus (its local APIC page).
	tlm_utils::simple_initiator_socket<X86Cpu> bus;

	X86Cpu(sc_core::sc_module_name name, unsigned id, const PeParams& params, lapic::ApicBus& apic);

	void set_vector(Vector v) { m_vector = std::move(v); }
	X86CpuCore& core() { return m_core; }
	const X86CpuCore& core() const { return m_core; }
	lapic::ApicBus& apic() { return m_apic; }

	/// CLI / STI (the change is seen at the next boundary).
	void set_if(bool on)
	{
		if (m_core.if_flag == on)
			return;
		m_core.if_flag = on;
		state_changed();
	}
	/// Enter or leave SMM (firmware residency).
	void enter_smm()
	{
		m_core.enter_smm();
		state_changed();
	}
	void rsm()
	{
		m_core.rsm();
		lines_changed();
	}

	// lapic::ApicSink
	void apic_intr(bool asserted) override;
	void apic_nmi() override;

	bool exception_ready() const override { return m_core.pending() != X86Exception::kNone; }
	/// HLT wakes only on what it could take (IF=0 keeps a fixed interrupt out).
	bool line_asserted() const override { return m_core.hlt_wakes(); }

protected:
	void take_exception() override;

private:
	X86CpuCore m_core;
	lapic::ApicBus& m_apic;
	Vector m_vector;
};

} // namespace stopsim::cpu
