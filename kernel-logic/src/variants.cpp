// SPDX-License-Identifier: Apache-2.0
// The registry of kernel eras this build can simulate.
#include "kl/variant.hpp"
#include "kl/arm64/arm64_sdei.hpp"
#include "kl/arm64/arm64_v3_xx.hpp"
#include "kl/arm64/arm64_v6_12.hpp"
#include "kl/arm64/arm64_v6_5.hpp"
#include "kl/arm64/arm64_v6_6.hpp"
#include "kl/arm64/arm64_v6_7.hpp"
#include "kl/riscv/riscv_sse.hpp"
#include "kl/x86/x86_eras.hpp"

namespace kl {

namespace {
using Factory = std::unique_ptr<StopVariant> (*)();
template <class T> std::unique_ptr<StopVariant> make() { return std::make_unique<T>(); }
const Factory kFactories[] = {
	&make<arm64::Arm64V3_xx>,
	&make<arm64::Arm64V6_5>,
	&make<arm64::Arm64V6_6>,
	&make<arm64::Arm64V6_7>,
	&make<arm64::Arm64V6_12>,
	&make<arm64::Arm64SdeiV1>,
	&make<arm64::Arm64SdeiV2>,
	&make<arm64::Arm64SdeiV4>,
	&make<arm64::Arm64SdeiV5>,
	&make<x86::X86V3_3>,
	&make<x86::X86V3_5>,
	&make<x86::X86V4_5>,
	&make<x86::X86V5_3>,
	&make<x86::X86V6_2>,
	&make<x86::X86V6_5>,
	&make<x86::X86V6_6>,
	&make<x86::X86V6_15>,
	&make<x86::X86V6_18>,
	&make<riscv::RiscvV6>,
	&make<riscv::RiscvSseV1>,
	&make<riscv::RiscvSseV2>,
	&make<riscv::RiscvSseV3>,
	&make<riscv::RiscvSseCi>,
};
} // namespace

std::vector<VariantInfo> list_variants()
{
	std::vector<VariantInfo> out;
	for (Factory f : kFactories) {
		auto v = f();
		out.push_back({v->name(), v->arch(), v->summary()});
	}
	return out;
}

std::unique_ptr<StopVariant> make_variant(const std::string& name)
{
	for (Factory f : kFactories) {
		auto v = f();
		if (name == v->name())
			return v;
	}
	return nullptr;
}

} // namespace kl
