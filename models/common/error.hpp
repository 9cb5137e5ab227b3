// SPDX-License-Identifier: Apache-2.0
// Internal-invariant failures: thrown, reported by the CLI as exit 3.
#pragma once
#include <stdexcept>
#include <string>

namespace stopsim {

/// A broken simulator invariant (never a user mistake).
class InternalError : public std::logic_error {
public:
	explicit InternalError(const std::string& what) : std::logic_error(what) {}
};

[[noreturn]] void internal_error(const char* file, int line, const std::string& msg);

} // namespace stopsim

#define STOPSIM_ASSERT(cond, msg)                                                  \
	do {                                                                       \
		if (!(cond))                                                       \
			::stopsim::internal_error(__FILE__, __LINE__, (msg));      \
	} while (0)
