// SPDX-License-Identifier: Apache-2.0
// x86 core interrupt state: EFLAGS.IF, NMI blocking until IRET with one NMI latched, SMM residency
// (NMI held until RSM), and the INTR line from the local APIC (SDM Vol. 3A 7.7, 7.8; Vol. 3C 34.8).
// Plain C++.
#pragma once

namespace stopsim::cpu {

enum class X86Exception { kNone, kNmi, kIntr };

class X86CpuCore {
public:
	bool if_flag = false;     ///< EFLAGS.IF
	bool nmi_blocked = false; ///< set on NMI delivery, cleared by IRET
	bool nmi_pending = false; ///< one NMI latched while blocked (more collapse into it)
	bool in_smm = false;
	bool nmi_blocked_before_smm = false;
	bool intr_line = false;

	/// An NMI arrives: it is latched; at most one waits.
	void raise_nmi() { nmi_pending = true; }
	/// What may be taken at this instruction boundary: NMI first, then INTR (SDM priority order).
	X86Exception pending() const
	{
		if (nmi_pending && !nmi_blocked && !in_smm)
			return X86Exception::kNmi;
		if (intr_line && if_flag && !in_smm)
			return X86Exception::kIntr;
		return X86Exception::kNone;
	}
	void take_nmi()
	{
		nmi_pending = false;
		nmi_blocked = true;
	}
	void iret() { nmi_blocked = false; }
	/// SMI entry blocks NMIs; RSM restores the blocking that was there before.
	void enter_smm()
	{
		nmi_blocked_before_smm = nmi_blocked;
		nmi_blocked = true;
		in_smm = true;
	}
	void rsm()
	{
		in_smm = false;
		nmi_blocked = nmi_blocked_before_smm;
	}
	/// HLT wakes on what could be taken now (SDM "HLT"): a fixed interrupt with IF=0 does not wake it.
	bool hlt_wakes() const { return pending() != X86Exception::kNone; }
};

} // namespace stopsim::cpu
