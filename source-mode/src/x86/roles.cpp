// SPDX-License-Identifier: Apache-2.0
// x86 entry points: what the runtime (x86/variant.cpp) calls each manifest role as.
#include "source-mode/src/internal.hpp"

namespace srcmode {

namespace {
const RoleSig kX86Roles[] = {
	{"stop_other_cpus", "void", "int wait", "wait", "", "void"},
	{"nonmi_ipi", "int", "char *str", "str", "0", "int"},
	{"nmi_self_stop", "void", "struct pt_regs *regs", "regs", "", "void"},
	{"register_virt_cb", "void", "cpu_emergency_virt_cb *callback", "callback", "", "void"},
	{"emergency_virt", "void", "void", "", "", "void"},
	{"machine_shutdown", "void", "void", "", "", "void"},
	{"crash_stop_other_cpus", "void", "void", "", "", "void"},
	{"crash_send_stop", "void", "void", "", "", "void"},
	{"crash_shutdown", "void", "struct pt_regs *regs", "regs", "", "void"},
};
} // namespace

const RoleSig* find_x86_role(const std::string& role)
{
	for (const RoleSig& r : kX86Roles)
		if (role == r.role)
			return &r;
	return nullptr;
}

} // namespace srcmode
