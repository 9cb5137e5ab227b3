// SPDX-License-Identifier: Apache-2.0
// The arm64 kernel shim on the arm64 PE and GICv3 models.
#pragma once
#include "kl/arm64/arm64.hpp"
#include "models/cpu/arm64_pe.hpp"
#include "models/el3-firmware/el3_firmware.hpp"
#include "sim/platform/shim_common.hpp"

namespace stopsim {

class Arm64ShimImpl : public ShimBase<kl::arm64::Arm64Shim> {
public:
	Arm64ShimImpl(Sim& sim, CpuRt& cpu, cpu::Arm64Pe& pe);

	// kl::Shim
	void local_irq_disable() override;
	void local_irq_enable() override;

	// kl::arm64::Arm64Shim
	uint32_t read_daif() override;
	void write_daif(uint32_t daif) override;
	uint8_t read_pmr() override;
	void write_pmr(uint8_t pmr) override;
	uint8_t read_rpr() override;
	unsigned read_iar1() override;
	void write_eoir1(unsigned intid) override;
	void write_dir(unsigned intid) override;
	void write_sgi1r(uint64_t value) override;
	void write_igrpen1(bool on) override;
	void write_ctlr_eoimode(bool split) override;
	void dsb_ishst() override;
	void isb() override;
	void mmio_write32(uint64_t addr, uint32_t v) override;
	void mmio_write8(uint64_t addr, uint8_t v) override;
	uint32_t mmio_read32(uint64_t addr) override;
	uint64_t gicd_base() const override;
	uint64_t gicr_base(unsigned cpu) const override;
	uint64_t cpu_logical_map(unsigned cpu) const override;
	long smc(uint32_t fid, uint64_t a1, uint64_t a2, uint64_t a3) override;
	void wfe_wfi() override;
	bool in_sdei_handler() override;
	bool sdei_firmware_present() override;
	bool psci_present() override;
	void set_firmware(el3::El3Firmware* fw) { m_fw = fw; }
	/// EL3 hands event 0 to Linux on this CPU: run the client handler, then COMPLETE.
	void sdei_entry();
	void trace_parked() override;
	/// kexec: note an SDEI handler still running on this PE, which the capture kernel inherits.
	void do_machine_end(kl::MachineEnd how) override;
	/// A trigger raised inside a handler (irq, pseudo_nmi, sdei): enter it with the kernel's masks
	/// there; sdei asks EL3 to dispatch the platform event and fails if it does not run.
	std::optional<kl::Regs> enter_context(TriggerSpec::Context ctx);

	/// The exception vector the PE calls: Linux's el1 IRQ entry.
	void vector(cpu::Arm64Exception which);

protected:
	const char* nmi_name() const override { return "pseudo_nmi"; }

private:
	void sysreg() { spend(m_sim.sc.lat.sysreg_cycles); }

	cpu::Arm64Pe& m_arm;
	el3::El3Firmware* m_fw = nullptr;
};

} // namespace stopsim
