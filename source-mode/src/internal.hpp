// SPDX-License-Identifier: Apache-2.0
// Pieces of source mode shared by its own files only.
#pragma once
#include <string>
#include <vector>

namespace srcmode {

/// An entry point of the runtime: how the generated wrapper `stopsim_role_<role>` calls the
/// manifest function that has this role.
struct RoleSig {
	const char* role;
	const char* ret;
	const char* params;
	const char* args;
	const char* fallback; ///< what the wrapper returns when the function is configured out ("" = void)
	const char* fn_ret;   ///< the kernel function's own return type
};
/// The roles of one architecture (source-mode/src/<arch>/roles.cpp).
const RoleSig* find_role(const std::string& arch, const std::string& role);

/// Where our kernel headers and the shipped manifests live.
std::string source_root();
std::string kheaders_common();
std::string kheaders_arch(const std::string& arch);
/// The contents of every header of ours the TU sees, in a stable order (for the code hash).
std::string headers_digest_input(const std::string& arch);
/// The compiler that builds a TU, and what identifies it (path, size, mtime of the binary).
std::string compiler_path();
std::string compiler_identity();
std::vector<std::string> compile_flags(const std::string& arch);
std::string compile_flags_text();
std::string tree_version(const std::string& tree);

} // namespace srcmode
