// SPDX-License-Identifier: Apache-2.0
// RISC-V M-mode firmware (OpenSBI-like) reached by ECALL from S-mode: the SBI IPI extension (the
// per-hart ipi_type word, an ACLINT MSWI or M-level IMSIC write only when it was 0, the target's
// M-mode trap that sets SSIP), HSM HART_STOP / HART_GET_STATUS, and SSE (register, enable,
// inject, complete, per-hart mask). SSE events are injected only when an M-mode trap returns to
// S or U mode, whatever sstatus.SIE says. The calling hart spends the modelled cycles in M-mode.
#pragma once
#include "models/aplic/riscv_intc.hpp"
#include "models/cpu/riscv_hart.hpp"
#include "models/el3-firmware/sbi_core.hpp"

#include <systemc>
#include <functional>
#include <string>
#include <vector>

namespace stopsim::sbi {


struct SbiRet {
	long error = SBI_SUCCESS;
	long value = 0;
};

class SbiFirmware : public sc_core::sc_module {
public:
	/// Linux's SSE entry on `hart`: runs the handler, then issues COMPLETE (it may never return).
	using Client = std::function<void(unsigned hart, uint32_t event, uint64_t arg)>;
	/// A hart left for good through HSM HART_STOP.
	using StopHook = std::function<void(unsigned hart)>;
	using NoteHook = std::function<void(unsigned hart, const std::string& what)>;

	SbiFirmware(sc_core::sc_module_name name, const SbiParams& p, aplic::RiscvIntc& intc,
		    std::vector<cpu::RiscvHart*> harts);

	void set_client(Client c) { m_client = std::move(c); }
	void set_stop_hook(StopHook h) { m_stop = std::move(h); }
	void set_note_hook(NoteHook h) { m_note = std::move(h); }

	/// ECALL from S-mode on `hart` (call from that hart's thread). May never return (HART_STOP).
	SbiRet ecall(unsigned hart, uint32_t ext, uint32_t fid, uint64_t a0 = 0, uint64_t a1 = 0, uint64_t a2 = 0);
	/// The same bookkeeping with no simulated time (the boot before the scenario starts).
	SbiRet ecall_untimed(unsigned hart, uint32_t ext, uint32_t fid, uint64_t a0 = 0, uint64_t a1 = 0,
			     uint64_t a2 = 0);
	/// The M-mode trap vector of `hart` (MSI from the MSWI, MEI from the M IMSIC file).
	void m_trap(unsigned hart, cpu::RiscvIrq which);
	/// A platform source raises local SSE event `id` at `hart` (call from that hart's thread): it
	/// becomes pending, and if it is the event to inject now the hart enters S-mode for it with
	/// SIE clear and the event RUNNING, and true is returned: the caller runs the handler, which
	/// ends with COMPLETE (or never). Otherwise it stays pending for a later trap return.
	bool raise_local_event(unsigned hart, uint32_t id);
	/// Hold `hart` in M-mode with MIE=0 until `until_ps` (kForever: for good).
	void stuck_in_mmode(unsigned hart, Ps until_ps);
	/// HSM: the hart was started (a secondary coming up).
	void hart_started(unsigned hart) { m_core.set_hsm(hart, HsmState::started); }
	void set_hsm(unsigned hart, HsmState s) { m_core.set_hsm(hart, s); }
	/// Post an M-level IPI event to `hart` from outside any hart (fault injection: a late IPI).
	void post_ipi_event(unsigned hart, uint32_t event);

	const SbiCore& core() const { return m_core; }
	const SbiParams& params() const { return m_p; }
	Ps m_mode_ps(unsigned hart) const { return m_harts.at(hart)->m_mode_ps(); }

private:
	SbiRet call(unsigned hart, uint32_t ext, uint32_t fid, uint64_t a0, uint64_t a1, uint64_t a2);
	void raise(unsigned hart);
	/// The end of an M-mode trap going back to `to`: inject the SSE events now due.
	void return_path(unsigned hart, cpu::Priv to);
	void inject(unsigned hart, uint32_t id);
	void spend(unsigned hart, Cycles cycles);
	[[noreturn]] void hart_stopped(unsigned hart);
	void process_ipi(unsigned hart);

	SbiParams m_p;
	aplic::RiscvIntc& m_intc;
	std::vector<cpu::RiscvHart*> m_harts;
	SbiCore m_core;
	Client m_client;
	StopHook m_stop;
	NoteHook m_note;
	sc_core::sc_event m_never;
	bool m_timed = true;
};

} // namespace stopsim::sbi
