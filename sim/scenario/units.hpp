// SPDX-License-Identifier: Apache-2.0
// Exact decimal time parsing ("1.000250" microseconds -> picoseconds) and printing.
#pragma once
#include "models/common/clock.hpp"

#include <optional>
#include <string>

namespace stopsim {

/// Parse a non-negative decimal number of `unit_ps` units, exactly, with at most as many
/// fractional digits as fit the ps resolution. nullopt if malformed or too large.
std::optional<Ps> parse_decimal_ps(const std::string& text, Ps unit_ps);
/// Picoseconds as a kernel timestamp: "    1.000123" (seconds, 6 decimals, width 12).
std::string kernel_timestamp(Ps ps);
/// Picoseconds as decimal microseconds without trailing zeros, e.g. "1000000.4".
std::string ps_to_us_string(Ps ps);

} // namespace stopsim
