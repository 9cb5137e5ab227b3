// SPDX-License-Identifier: Apache-2.0
// arm64 v6.6: the v4.12 .. v6.5 stop, with the crash stop ending in sdei_handler_abort()
// (5cd474e57368, D Scott Phillips, taken for v6.6; backported to the stable trees, e.g. 5.10.y and
// 6.1.y in September 2023, so Debian's 6.1 tree has it).
#pragma once
#include "kl/arm64/arm64_v6_5.hpp"

namespace kl::arm64 {

class Arm64V6_6 : public Arm64V6_5 {
public:
	const char* name() const override { return "arm64-v6.6"; }
	const char* summary() const override
	{
		return "as v6.5, and the kdump stop ends with sdei_handler_abort() (a panic inside an SDEI handler "
		       "completes its event)";
	}

protected:
	void skip_ipi(Arm64Shim& k) override;
};

} // namespace kl::arm64
