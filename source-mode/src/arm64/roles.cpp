// SPDX-License-Identifier: Apache-2.0
// arm64 entry points: what the runtime (arm64/variant.cpp) calls each manifest role as.
#include "source-mode/src/internal.hpp"

namespace srcmode {

namespace {
const RoleSig kArm64Roles[] = {
	{"send_stop", "void", "void", "", "", "void"},
	{"crash_send_stop", "void", "void", "", "", "void"},
	{"crash_stop_failed", "int", "void", "", "0", "bool"},
	{"self_stop", "void", "void", "", "", "void"},
	{"ipi_handler", "int", "int irq, void *data", "irq, data", "0", "irqreturn_t"},
	{"ipi_range", "void", "int ipi_base, int n", "ipi_base, n", "", "void"},
	{"ipi_setup", "void", "int cpu", "cpu", "", "void"},
	{"backtrace", "void", "const struct cpumask *mask, int exclude_cpu", "mask, exclude_cpu", "", "void"},
	/* a cpuhp "starting" callback, run on each CPU as it comes up (after the IPI set-up) */
	{"cpu_up_hook", "void", "unsigned int cpu", "cpu", "", "void"},
	/* an initcall, run once on the boot CPU after every CPU is up */
	{"late_init", "void", "void", "", "", "void"},
};
} // namespace

#if STOPSIM_SOURCE_HAVE_X86
const RoleSig* find_x86_role(const std::string& role);   // x86/roles.cpp
#endif
#if STOPSIM_SOURCE_HAVE_RISCV
const RoleSig* find_riscv_role(const std::string& role); // riscv/roles.cpp
#endif

const RoleSig* find_role(const std::string& arch, const std::string& role)
{
#if STOPSIM_SOURCE_HAVE_X86
	if (arch == "x86")
		return find_x86_role(role);
#endif
#if STOPSIM_SOURCE_HAVE_RISCV
	if (arch == "riscv")
		return find_riscv_role(role);
#endif
	if (arch != "arm64")
		return nullptr;
	for (const RoleSig& r : kArm64Roles)
		if (role == r.role)
			return &r;
	return nullptr;
}

} // namespace srcmode
