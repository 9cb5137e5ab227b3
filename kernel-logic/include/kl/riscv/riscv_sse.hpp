// SPDX-License-Identifier: Apache-2.0
// The RISC-V SSE "NMI" series (Yunhui Cui, ByteDance, Oct-Nov 2025; not merged), on top of the
// mainline stop code. SBI SSE injects an event into S-mode whatever sstatus.SIE says.
//   riscv-sse-v1: dedicated LOCAL_CRASH_NMI event; kdump injects it first, IPI only if the SBI
//                 calls fail.
//   riscv-sse-v2: the shared local NMI service (0xffff0000, one global type word);
//                 crash_smp_send_stop() sends LOCAL_NMI_CRASH instead of the IPI when available.
//   riscv-sse-v3: as v2, and smp_send_stop() sends LOCAL_NMI_CRASH (sic) instead of IPI_CPU_STOP.
//   riscv-sse-ci: the CI snapshot: IPI_CPU_STOP 1 s, then LOCAL_NMI_STOP 10 ms; crash as v2.
#pragma once
#include "kl/riscv/riscv_v6.hpp"

namespace kl::riscv {

class RiscvSseV1 : public RiscvV6 {
public:
	const char* name() const override { return "riscv-sse-v1"; }
	const char* summary() const override
	{
		return "SSE NMI v1: kdump injects LOCAL_CRASH_NMI to each CPU, IPI_CPU_CRASH_STOP only if an SBI call failed";
	}
	void cpu_up(Shim& k) override;
	void late_init(Shim& k) override;
	int sse_event_handler(RiscvShim& k, uint32_t event, const Regs& regs) override;

protected:
	void crash_stop_send(RiscvShim& k, const CpuMask& mask) override;

private:
	bool crash_nmi_available = false;
	bool m_registered_everywhere = true;
};

/// The local NMI service (drivers/firmware/riscv/riscv_sse_nmi.c) shared by v2, v3 and the CI snapshot.
class RiscvSseNmi : public RiscvV6 {
public:
	/* enum local_nmi_type: a bit set */
	enum : int { LOCAL_NMI_NONE = 0, LOCAL_NMI_STOP = 1, LOCAL_NMI_CRASH = 2, LOCAL_NMI_BACKTRACE = 4, LOCAL_NMI_KGDB = 8 };

	void cpu_up(Shim& k) override;
	void late_init(Shim& k) override;
	int sse_event_handler(RiscvShim& k, uint32_t event, const Regs& regs) override;
	bool trigger_cpumask_backtrace(Shim& k, const CpuMask& mask) override;
	int nmi_type_word() const { return local_nmi_arg; }
	bool has_unknown_nmi_event() const override { return true; }

protected:
	bool nmi_support() const { return nmi_available; }
	void send_nmi_single(RiscvShim& k, unsigned cpu, int type);
	void send_nmi_mask(RiscvShim& k, const CpuMask& mask, int type);
	/// local_nmi_handler(): which types this version acts on.
	virtual int handled_types() const { return LOCAL_NMI_CRASH | LOCAL_NMI_BACKTRACE; }
	void crash_stop_send(RiscvShim& k, const CpuMask& mask) override;

	bool nmi_available = false;
	int local_nmi_arg = LOCAL_NMI_NONE; ///< ONE atomic_t for every hart
	bool m_registered_everywhere = true;
	bool m_unknown_everywhere = true;   ///< LOCAL_UNKNOWN_NMI registered and enabled on every CPU
};

class RiscvSseV2 : public RiscvSseNmi {
public:
	const char* name() const override { return "riscv-sse-v2"; }
	const char* summary() const override
	{
		return "SSE NMI v2: kdump sends LOCAL_NMI_CRASH on the shared local event instead of the IPI when nmi_support(); 1 s";
	}
};

class RiscvSseV3 : public RiscvSseNmi {
public:
	const char* name() const override { return "riscv-sse-v3"; }
	const char* summary() const override
	{
		return "SSE NMI v3: smp_send_stop() too sends LOCAL_NMI_CRASH (sic) instead of IPI_CPU_STOP; 1 s on num_online_cpus()";
	}
	void smp_send_stop(Shim& k) override;

protected:
	int handled_types() const override { return LOCAL_NMI_CRASH | LOCAL_NMI_STOP | LOCAL_NMI_BACKTRACE; }
};

class RiscvSseCi : public RiscvSseNmi {
public:
	const char* name() const override { return "riscv-sse-ci"; }
	const char* summary() const override
	{
		return "SSE NMI CI snapshot: IPI_CPU_STOP 1 s, then LOCAL_NMI_STOP 10 ms (no nmi_support() check); crash as v2";
	}

protected:
	/// The CI snapshot's second rung: LOCAL_NMI_STOP to the CPUs still online, 10 ms.
	void last_resort_rung(RiscvShim& r) override;
	int handled_types() const override { return LOCAL_NMI_CRASH | LOCAL_NMI_STOP | LOCAL_NMI_BACKTRACE; }
};

} // namespace kl::riscv
