// SPDX-License-Identifier: Apache-2.0
// The arm64 SDEI cross-CPU NMI series (Kiryl Shutsemau, June 2026; not merged), on top of the
// v6.12 ladder: event 0 signalled through firmware reaches a CPU whatever its DAIF says.
//   arm64-sdei-v1: kdump only; per-CPU request/ack words; 100 ms.
//   arm64-sdei-v2: a third rung in smp_send_stop(); OR-accumulated sdei_nmi_stop_mask; log after signal.
//   arm64-sdei-v4: write-once sdei_nmi_stopping; active check before the log; smp_wmb();
//                  arm64_nmi_cpu_stop(regs, die_on_crash) for every stop entry.
//   arm64-sdei-v5: as v4 with dsb(ishst) publishing the flag before the SMC.
#pragma once
#include "kl/arm64/arm64_v6_12.hpp"

#include <vector>

namespace kl::arm64 {

/// The service every version shares: registration of event 0, signalling, the backtrace path.
class Arm64SdeiNmi : public Arm64V6_12 {
public:
	static constexpr unsigned SDEI_NMI_EVENT = 0;

	void cpu_up(Shim& k) override;
	void late_init(Shim& k) override;
	bool trigger_cpumask_backtrace(Shim& k, const CpuMask& mask) override;

protected:
	/// v4 added sdei_is_present() in front of the registration.
	virtual bool checks_presence() const { return false; }
	/// sdei_event_signal(0, mpidr) with the error line.
	void sdei_nmi_fire(Arm64Shim& k, unsigned cpu);
	/// A barrier before raising backtrace events (v5 added dsb(ishst); before, none).
	virtual void backtrace_barrier(Arm64Shim&) {}

	bool sdei_nmi_available = false;
	bool m_registered_everywhere = true;
	long m_register_error = 0;
	bool m_register_failed = false; ///< the REGISTER call failed (not the ENABLE after it)
	bool m_tried = false;
};

class Arm64SdeiV1 : public Arm64SdeiNmi {
public:
	const char* name() const override { return "arm64-sdei-v1"; }
	const char* summary() const override
	{
		return "v6.12 + SDEI NMI for kdump only: per-CPU request/ack, 100 ms after the IRQ/NMI rungs";
	}
	void crash_smp_send_stop(Shim& k) override;
	int sdei_event_handler(Arm64Shim& k, const Regs& regs) override;

private:
	bool sdei_nmi_crash_smp_send_stop(Arm64Shim& k);
	std::vector<unsigned long> requested; ///< per-CPU, WRITE_ONCE
	std::vector<unsigned long> acked;     ///< per-CPU, WRITE_ONCE
};

class Arm64SdeiV2 : public Arm64SdeiNmi {
public:
	const char* name() const override { return "arm64-sdei-v2"; }
	const char* summary() const override
	{
		return "IRQ 1 s, pseudo-NMI 10 ms, SDEI 100 ms; OR-accumulated sdei_nmi_stop_mask; log after the signal";
	}
	int sdei_event_handler(Arm64Shim& k, const Regs& regs) override;
	const CpuMask& stop_mask() const { return sdei_nmi_stop_mask; }

protected:
	/// Step 6b of smp_send_stop(): the SDEI rung.
	void last_resort_rung(Arm64Shim& k) override;

private:
	bool sdei_nmi_stop_cpus(Arm64Shim& k, const CpuMask& m);
	[[noreturn]] void arm64_nmi_cpu_stop(Arm64Shim& k, const Regs& regs);
	CpuMask sdei_nmi_stop_mask; ///< global, OR-accumulated, test-and-cleared by each target
};

class Arm64SdeiV4 : public Arm64SdeiNmi {
public:
	const char* name() const override { return "arm64-sdei-v4"; }
	const char* summary() const override
	{
		return "IRQ 1 s, pseudo-NMI 10 ms, SDEI 100 ms; write-once sdei_nmi_stopping published with smp_wmb()";
	}
	[[noreturn]] void panic_smp_self_stop(Shim& k) override;
	void do_handle_IPI(Arm64Shim& k, unsigned ipinr, const Regs& regs) override;
	int sdei_event_handler(Arm64Shim& k, const Regs& regs) override;

protected:
	bool checks_presence() const override { return true; }
	/// Step 6b of smp_send_stop(): the SDEI rung.
	void last_resort_rung(Arm64Shim& k) override;
	/// What orders the flag before the SMC: smp_wmb() in v4.
	virtual void publish_barrier(Arm64Shim& k) { k.smp_wmb(); }
	[[noreturn]] void arm64_nmi_cpu_stop(Arm64Shim& k, const Regs* regs, bool die_on_crash);

private:
	void sdei_nmi_stop_cpus(Arm64Shim& k, const CpuMask& m);
	bool sdei_nmi_stopping = false; ///< write-once: every event-0 fire after it means "stop"
};

class Arm64SdeiV5 : public Arm64SdeiV4 {
public:
	const char* name() const override { return "arm64-sdei-v5"; }
	const char* summary() const override { return "as v4, with dsb(ishst) before the SDEI signal"; }

protected:
	void publish_barrier(Arm64Shim& k) override { k.dsb_ishst(); }
	void backtrace_barrier(Arm64Shim& k) override { k.dsb_ishst(); }
};

} // namespace kl::arm64
