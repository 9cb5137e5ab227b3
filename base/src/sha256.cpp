// SPDX-License-Identifier: Apache-2.0
#include "stopsim/sha256.hpp"

#include <openssl/evp.h>

#include <cstdio>
#include <cstdlib>

namespace stopsim {

namespace {

[[noreturn]] void digest_failed(const char* what)
{
	std::fprintf(stderr, "stopsim: internal error: OpenSSL SHA-256 %s failed\n", what);
	std::exit(3);
}

} // namespace

struct Sha256::Ctx {
	EVP_MD_CTX* md = nullptr;
	~Ctx() { EVP_MD_CTX_free(md); }
};

Sha256::Sha256() : m_ctx(std::make_unique<Ctx>())
{
	m_ctx->md = EVP_MD_CTX_new();
	if (!m_ctx->md || EVP_DigestInit_ex(m_ctx->md, EVP_sha256(), nullptr) != 1)
		digest_failed("init");
}

Sha256::~Sha256() = default;

void Sha256::update(std::string_view data)
{
	if (!data.empty() && EVP_DigestUpdate(m_ctx->md, data.data(), data.size()) != 1)
		digest_failed("update");
}

std::string Sha256::hex()
{
	unsigned char d[EVP_MAX_MD_SIZE];
	unsigned int n = 0;
	if (EVP_DigestFinal_ex(m_ctx->md, d, &n) != 1)
		digest_failed("final");
	static const char digits[] = "0123456789abcdef";
	std::string s;
	s.reserve(2 * n);
	for (unsigned int i = 0; i < n; i++) {
		s += digits[d[i] >> 4];
		s += digits[d[i] & 15];
	}
	return s;
}

std::string sha256_hex(std::string_view data)
{
	Sha256 h;
	h.update(data);
	return h.hex();
}

} // namespace stopsim
