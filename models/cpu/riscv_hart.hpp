// SPDX-License-Identifier: Apache-2.0
// RISC-V hart shell: privilege mode, mstatus.{MIE,SIE}, mie/mip on top of the PE framework.
// Wires from the interrupt controllers set MSIP/MEIP/SEIP; SSIP is written by M-mode firmware,
// by the ACLINT SSWI, or cleared by S-mode software. Interrupt traps go to the M-mode vector
// (firmware) or the S-mode vector (the kernel), and the hart accounts the time spent in M-mode.
#pragma once
#include "models/cpu/pe_base.hpp"
#include "models/cpu/riscv_hart_core.hpp"

#include <tlm_utils/simple_initiator_socket.h>

#include <functional>

namespace stopsim::cpu {


/// What a trap into M-mode saved, for the matching mret.
struct MTrapFrame {
	Priv from = Priv::S;
	bool mpie = false;
};

class RiscvHart : public PeBase {
public:
	/// A trap handler: runs in the hart's thread, returns when the handler does its xRET.
	using Vector = std::function<void(RiscvIrq)>;

	/// The hart's memory-mapped bus (bound to the interrupt fabric: ACLINT, APLIC, IMSIC).
	tlm_utils::simple_initiator_socket<RiscvHart> bus;

	RiscvHart(sc_core::sc_module_name name, unsigned id, const RiscvHartParams& params);

	void set_m_vector(Vector v) { m_mvec = std::move(v); }
	void set_s_vector(Vector v) { m_svec = std::move(v); }
	void set_sie_observer(std::function<void(bool)> fn) { m_sie_observer = std::move(fn); }

	RiscvHartCore& core() { return m_core; }
	const RiscvHartCore& core() const { return m_core; }

	/// A wire into mip (MSIP, MTIP, MEIP, SEIP) changes level.
	void set_line(uint64_t bit, bool level);
	/// Set or clear a software-pending bit (SSIP), as M-mode firmware or the ACLINT SSWI does.
	void set_soft_pending(uint64_t bit, bool on);
	/// csrw/csrs/csrc on sstatus.SIE (no cycle cost beyond the caller's step).
	void write_sie(bool on);
	void write_mie_bits(uint64_t set, uint64_t clear);

	/// Enter M-mode for a synchronous trap (ECALL): MPP/MPIE saved, MIE cleared.
	MTrapFrame trap_to_m();
	/// mret back to what `f` saved.
	void mret(const MTrapFrame& f);
	/// Change mode directly (firmware's SSE injection hands over to S and takes it back).
	void set_priv(Priv p);
	/// Simulated time this hart has spent in M-mode so far, in ps.
	Ps m_mode_ps() const;

	bool exception_ready() const override { return m_core.pending() != RiscvIrq::kNone; }
	bool line_asserted() const override { return m_core.wfi_wake(); }

protected:
	void take_exception() override;

private:
	void changed() { lines_changed(); }

	RiscvHartCore m_core;
	Vector m_mvec, m_svec;
	std::function<void(bool)> m_sie_observer;
	Ps m_m_total = 0;
	Ps m_m_since = 0;
};

} // namespace stopsim::cpu
