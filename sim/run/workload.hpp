// SPDX-License-Identifier: Apache-2.0
// What each simulated CPU runs: its boot, its scenario workload, and the triggers due on it.
#pragma once
#include "sim/run/sim_state.hpp"

namespace stopsim {

/// The architecture-specific pieces a workload needs (how to mask, how to boot a secondary).
class WorkloadArch {
public:
	virtual ~WorkloadArch() = default;
	virtual void mask(CpuRt& c, MaskKind m) = 0;
	virtual void unmask(CpuRt& c) = 0;
	virtual std::string mask_text(MaskKind m) const = 0;
	/// Bring a CPU up (secondary_start_kernel) up to the point where it marks itself online.
	virtual void secondary_boot(CpuRt& c) = 0;
	/// The rest of secondary_start_kernel: online, IPIs on, interrupts on.
	virtual void secondary_online(CpuRt& c) = 0;
	/// Mask firmware NMIs on this CPU (arm64: SDEI_PE_MASK); false if the platform has none.
	virtual bool firmware_nmi_mask(CpuRt& c) = 0;
	/// Undo firmware_nmi_mask() (arm64: SDEI_PE_UNMASK, as on CPU_PM exit).
	virtual void firmware_nmi_unmask(CpuRt&) {}
	/// Hold this CPU in firmware (arm64: an SMC that does not return) until `until`.
	virtual void stuck_in_firmware(CpuRt& c, Ps until) = 0;
	/// Enter handler context `ctx` on this CPU as if its exception had just been taken, with the
	/// masks the kernel has there (a trigger's `context`); returns the handler's registers, or
	/// nothing if the context cannot be entered now (arm64 sdei: firmware does not dispatch the
	/// event). The loader allows only the contexts a platform implements.
	virtual std::optional<kl::Regs> enter_context(CpuRt& c, TriggerSpec::Context ctx);
};

/// Rounds of a workload loop at one simulated instant after which the run ends as a hang (no
/// simulated progress): far more than any real scenario makes between two waits.
constexpr uint64_t kMaxRoundsAtOneInstant = 1'000'000;

/// The software of CPU `c` (runs in its PE thread).
void cpu_main(Sim& sim, CpuRt& c, WorkloadArch& arch, const sc_core::sc_event& booted, const bool& is_booted);

} // namespace stopsim
