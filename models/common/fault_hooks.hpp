// SPDX-License-Identifier: Apache-2.0
// Where model shells ask whether an injected fault applies. Cores never see faults.
#pragma once
#include "models/common/clock.hpp"

namespace stopsim {

enum class FaultPoint {
	kSgiDispatch, ///< an SGI leaves the sender's CPU interface for one target
	kIrqSignal,   ///< an SGI reached its target's redistributor and is about to become pending there
};

struct FaultAction {
	bool drop = false;  ///< lose it, with no trace at the sender
	Ps extra_delay = 0; ///< hold it back this long, in ps
};

class FaultHooks {
public:
	virtual ~FaultHooks() = default;
	/// @param source sending PE, @param target receiving PE, @param intid interrupt ID
	virtual FaultAction at(FaultPoint point, unsigned source, unsigned target, unsigned intid) = 0;
};

/// No faults.
class NullFaultHooks : public FaultHooks {
public:
	FaultAction at(FaultPoint, unsigned, unsigned, unsigned) override { return {}; }
};

} // namespace stopsim
