// SPDX-License-Identifier: Apache-2.0
// SHA-256 by OpenSSL's libcrypto, so a sweep row can prove that a replay produced the same bytes and
// source mode can name the exact files it compiled. Identity of outputs only, not secrets.
#pragma once
#include <memory>
#include <string>
#include <string_view>

namespace stopsim {

class Sha256 {
public:
	Sha256();
	~Sha256();
	Sha256(const Sha256&) = delete;
	Sha256& operator=(const Sha256&) = delete;
	void update(std::string_view data);
	/// The digest as 64 lowercase hex digits; the object is spent afterwards.
	std::string hex();

private:
	struct Ctx;
	std::unique_ptr<Ctx> m_ctx;
};

/// SHA-256 of `data`, as lowercase hex.
std::string sha256_hex(std::string_view data);

} // namespace stopsim
