// SPDX-License-Identifier: Apache-2.0
// SHA-256 (FIPS 180-4), so a sweep row can prove that a replay produced the same bytes without a
// crypto library. Not for secrets: only for identity of outputs.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>

namespace stopsim {

class Sha256 {
public:
	Sha256();
	void update(std::string_view data);
	/// The digest as 64 lowercase hex digits; the object is spent afterwards.
	std::string hex();

private:
	void block(const unsigned char* p);
	uint32_t m_h[8];
	unsigned char m_buf[64];
	size_t m_used = 0;
	uint64_t m_bytes = 0;
};

/// SHA-256 of `data`, as lowercase hex.
std::string sha256_hex(std::string_view data);

} // namespace stopsim
