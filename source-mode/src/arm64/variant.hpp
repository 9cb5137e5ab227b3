// SPDX-License-Identifier: Apache-2.0
// SourceArm64Variant: an arm64 era whose stop code is the compiled tree (see variant.cpp).
#pragma once
#include "kl/arm64/arm64.hpp"
#include "source-mode/src/runtime.hpp"

namespace srcmode {

class SourceArm64Variant : public kl::arm64::Arm64Variant {
public:
	SourceArm64Variant(const Extract& x, const Manifest& m, const std::string& so);

	const char* name() const override { return m_name.c_str(); }
	const char* summary() const override { return m_summary.c_str(); }
	std::vector<std::string> ipi_names() const override;
	bool ipi_should_be_nmi(kl::Shim& k, unsigned ipi) const override;
	unsigned nr_ipi() const override;
	void do_handle_IPI(kl::arm64::Arm64Shim& k, unsigned ipinr, const kl::Regs& regs) override;

	void smp_send_stop(kl::Shim& k) override;
	void crash_smp_send_stop(kl::Shim& k) override;
	bool smp_crash_stop_failed(kl::Shim& k) override;
	[[noreturn]] void panic_smp_self_stop(kl::Shim& k) override;
	void cpu_up(kl::Shim& k) override;
	bool trigger_cpumask_backtrace(kl::Shim& k, const kl::CpuMask& mask) override;
	void late_init(kl::Shim& k) override;
	int sdei_event_handler(kl::arm64::Arm64Shim& k, const kl::Regs& regs) override;

private:
	/// set_smp_ipi_range(), once, on the first CPU that asks (the boot CPU).
	void ensure_range(kl::Shim& k) const;
	/// After a stop routine returns: local time level, its last rung closed.

	Extract m_x;
	stopsim_kops m_ops{};
	std::string m_name, m_summary;
	bool m_boot_seen = false;
	unsigned m_boot_cpu_seen = 0;
	bool m_generic_crash_done = false;
};

} // namespace srcmode
