// SPDX-License-Identifier: Apache-2.0
// Compiling a generated TU with the system C compiler into a shared object, cached by content
// hash, published atomically; the compiler's diagnostics mapped back into the user's tree.
#include "srcmode/source.hpp"
#include "source-mode/src/internal.hpp"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef STOPSIM_SOURCE_ROOT
#error "STOPSIM_SOURCE_ROOT must name the source tree of stopsim"
#endif

namespace fs = std::filesystem;

namespace srcmode {

std::string source_root()
{
	if (const char* e = std::getenv("STOPSIM_SOURCE_ROOT"); e && *e)
		return e;
	return STOPSIM_SOURCE_ROOT;
}
std::string kheaders_common() { return source_root() + "/source-mode/kheaders/common"; }
std::string kheaders_arch(const std::string& arch) { return source_root() + "/source-mode/kheaders/" + arch; }

std::string default_manifest(const std::string& arch)
{
	return source_root() + "/source-mode/manifests/" + arch + ".manifest";
}

std::string headers_digest_input(const std::string& arch)
{
	std::vector<fs::path> files;
	for (const std::string& d : {kheaders_common(), kheaders_arch(arch)}) {
		std::error_code ec;
		for (auto it = fs::recursive_directory_iterator(d, ec); !ec && it != fs::recursive_directory_iterator();
		     it.increment(ec))
			if (it->is_regular_file())
				files.push_back(it->path());
	}
	std::sort(files.begin(), files.end());
	std::string all;
	for (const auto& f : files) {
		std::ifstream in(f, std::ios::binary);
		std::ostringstream ss;
		ss << in.rdbuf();
		all += f.lexically_relative(source_root()).string() + "\n" + ss.str() + "\n";
	}
	return all;
}

std::string compiler_path()
{
	if (const char* e = std::getenv("STOPSIM_CC"); e && *e)
		return e;
	return "cc";
}

namespace {

std::string resolve_in_path(const std::string& prog)
{
	if (prog.find('/') != std::string::npos)
		return prog;
	const char* path = std::getenv("PATH");
	std::istringstream in(path ? path : "/usr/bin:/bin");
	std::string dir;
	while (std::getline(in, dir, ':')) {
		const std::string p = (dir.empty() ? "." : dir) + "/" + prog;
		if (::access(p.c_str(), X_OK) == 0)
			return p;
	}
	return "";
}

/// Run argv, output (stdout and stderr) into `log`. Returns the exit status, or -1.
int run(const std::vector<std::string>& argv, const std::string& log)
{
	const pid_t pid = ::fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		const int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (fd >= 0) {
			::dup2(fd, 1);
			::dup2(fd, 2);
			::close(fd);
		}
		/* plain ASCII diagnostics in a known language, whatever the user's locale */
		::setenv("LC_ALL", "C", 1);
		std::vector<char*> a;
		for (const auto& s : argv)
			a.push_back(const_cast<char*>(s.c_str()));
		a.push_back(nullptr);
		::execvp(a[0], a.data());
		::_exit(127);
	}
	int st = 0;
	while (::waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

std::string slurp(const std::string& p)
{
	std::ifstream in(p, std::ios::binary);
	std::ostringstream ss;
	ss << in.rdbuf();
	return ss.str();
}

bool write_atomically(const std::string& path, const std::string& data)
{
	const std::string tmp = path + ".tmp." + std::to_string(::getpid());
	{
		std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
		if (!(out << data))
			return false;
	}
	return std::rename(tmp.c_str(), path.c_str()) == 0;
}

} // namespace

std::string compiler_identity()
{
	const std::string p = resolve_in_path(compiler_path());
	if (p.empty())
		return "no-compiler";
	std::error_code ec;
	const fs::path real = fs::canonical(p, ec);
	struct stat st {};
	::stat(real.c_str(), &st);
	return real.string() + " " + std::to_string(st.st_size) + " " + std::to_string(st.st_mtime);
}

std::vector<std::string> compile_flags(const std::string& arch)
{
	return {"-std=gnu11", "-O2", "-fPIC", "-shared", "-fexceptions", "-fvisibility=hidden", "-fno-strict-aliasing",
		"-fno-common", "-Wall", "-Wno-unused-function", "-Wno-unused-variable", "-Wno-unused-but-set-variable",
		"-Wno-address", "-Werror=implicit-function-declaration", "-Werror=implicit-int",
		"-Werror=int-conversion", "-Werror=incompatible-pointer-types", "-Werror=return-type",
		"-Wl,-z,defs", "-I" + kheaders_arch(arch),
		"-I" + kheaders_common(), "-include", kheaders_arch(arch) + "/stopsim_prelude.h"};
}

std::string compile_flags_text()
{
	/* the flags minus the paths of our headers (their contents are hashed instead) */
	return "-std=gnu11 -O2 -fPIC -shared -fexceptions -fvisibility=hidden -fno-strict-aliasing -fno-common -Wall "
	       "-Werror=implicit-function-declaration -Werror=implicit-int -Werror=int-conversion "
	       "-Werror=incompatible-pointer-types -Werror=return-type -Wl,-z,defs v1";
}

std::string cache_dir()
{
	if (const char* e = std::getenv("STOPSIM_CACHE_DIR"); e && *e)
		return e;
	if (const char* x = std::getenv("XDG_CACHE_HOME"); x && *x)
		return std::string(x) + "/stopsim";
	if (const char* h = std::getenv("HOME"); h && *h)
		return std::string(h) + "/.cache/stopsim";
	return "/tmp/stopsim-cache-" + std::to_string(::getuid());
}

namespace {

/// KERNEL_VERSION(a, b, c) of "a.b.c" (c saturates at 255, as the kernel's macro does).
long version_code(const std::string& v)
{
	long part[3] = {0, 0, 0};
	std::istringstream in(v);
	std::string s;
	for (int i = 0; i < 3 && std::getline(in, s, '.'); i++)
		part[i] = std::strtol(s.c_str(), nullptr, 10);
	return (part[0] << 16) + (part[1] << 8) + std::min(part[2], 255L);
}

/// The compiler's and linker's complaints, as lines that point into the user's tree.
std::string map_diagnostics(const Extract& x, const std::string& out)
{
	static const std::regex loc(R"(^([^:\s][^:]*):(\d+):(?:\d+:)? (fatal error|error): (.*)$)");
	static const std::regex implicit(R"(implicit declaration of function (?:'|‘|`)([A-Za-z_0-9]+)(?:'|’))");
	static const std::regex undeclared(R"((?:'|‘|`)([A-Za-z_0-9]+)(?:'|’) undeclared)");
	static const std::regex unknown_type(R"(unknown type name (?:'|‘|`)([A-Za-z_0-9]+)(?:'|’))");
	static const std::regex undef_ref(R"(undefined reference to (?:'|‘|`)([A-Za-z_0-9]+)(?:'|’))");
	static const std::regex in_function(R"(in function (?:'|‘|`)([A-Za-z_0-9]+)(?:'|’))");
	std::vector<std::string> msgs;
	std::set<std::string> seen;
	auto add = [&](const std::string& m) {
		if (seen.insert(m).second)
			msgs.push_back(m);
	};
	auto where = [&](const std::string& file, const std::string& line) {
		if (file.rfind("<stopsim", 0) == 0)
			return std::string("stopsim entry points (manifest ") + file + ")";
		if (!file.empty() && file[0] == '/')
			return file + ":" + line;
		return x.tree + "/" + file + ":" + line;
	};
	std::istringstream in(out);
	std::string line, last_fn;
	while (std::getline(in, line)) {
		std::smatch m, n;
		if (std::regex_search(line, m, in_function))
			last_fn = m[1];
		if (std::regex_match(line, m, loc)) {
			const std::string at = where(m[1], m[2]);
			const std::string what = m[4];
			if (std::regex_search(what, n, implicit)) {
				add(at + ": needs '" + n[1].str() + "()', which the stopsim kernel shim does not provide");
			} else if (std::regex_search(what, n, undeclared)) {
				const std::string id = n[1];
				if (id.rfind("STOPSIM_CFG_", 0) == 0)
					add(at + ": tests " + id.substr(12) +
					    ", which the manifest's config lines do not set (stopsim does not model it)");
				else
					add(at + ": needs '" + id + "', which the stopsim kernel shim does not provide");
			} else if (std::regex_search(what, n, unknown_type)) {
				add(at + ": needs the type '" + n[1].str() + "', which the stopsim kernel shim does not provide");
			} else {
				add(at + ": " + what + " (compiling against the stopsim kernel shim)");
			}
		} else if (std::regex_search(line, n, undef_ref)) {
			std::string at = x.tree;
			for (const auto& it : x.items)
				if (it.name == last_fn && it.kind == "function")
					at = x.tree + "/" + it.file + ":" + std::to_string(it.line);
			add(at + ": needs '" + n[1].str() + "()', which the stopsim kernel shim does not provide");
		}
	}
	if (msgs.empty())
		return "compiling " + x.tree + " failed:\n" + out;
	std::string r;
	for (size_t i = 0; i < msgs.size() && i < 20; i++)
		r += (i ? "\n" : "") + msgs[i];
	return r;
}

} // namespace

Built build(const Extract& x)
{
	Built b;
	const std::string dir = cache_dir();
	std::error_code ec;
	fs::create_directories(dir, ec);
	if (ec)
		throw SourceError("cannot create the source-mode cache " + dir + ": " + ec.message());
	const std::string base = dir + "/" + x.code_hash;
	b.so_path = base + ".so";
	if (::access(b.so_path.c_str(), R_OK) == 0) {
		b.cache_hit = true;
		return b;
	}
	const auto t0 = std::chrono::steady_clock::now();
	const std::string pid = std::to_string(::getpid());
	const std::string c_tmp = base + ".tmp." + pid + ".c";
	const std::string so_tmp = base + ".so.tmp." + pid;
	const std::string log = base + ".log.tmp." + pid;
	{
		std::ofstream out(c_tmp, std::ios::binary | std::ios::trunc);
		if (!(out << x.tu))
			throw SourceError("cannot write " + c_tmp);
	}
	std::vector<std::string> argv = {compiler_path()};
	for (auto& f : compile_flags(x.arch))
		argv.push_back(f);
	/* the tree's version, for the few declarations of ours whose shape changed between releases */
	argv.push_back("-DSTOPSIM_LINUX_VERSION_CODE=" + std::to_string(version_code(x.version)));
	argv.push_back("-o");
	argv.push_back(so_tmp);
	argv.push_back(c_tmp);
	const int rc = run(argv, log);
	const std::string out = slurp(log);
	::unlink(log.c_str());
	if (rc != 0) {
		::unlink(c_tmp.c_str());
		::unlink(so_tmp.c_str());
		if (rc == 127 || rc < 0)
			throw SourceError("cannot run the C compiler '" + compiler_path() + "' (install gcc, or set STOPSIM_CC)");
		throw SourceError(map_diagnostics(x, out));
	}
	/* publish: the source first (for inspection), then the object; rename is atomic */
	std::rename(c_tmp.c_str(), (base + ".c").c_str());
	if (std::rename(so_tmp.c_str(), b.so_path.c_str()) != 0) {
		::unlink(so_tmp.c_str());
		throw SourceError("cannot publish " + b.so_path + ": " + std::strerror(errno));
	}
	(void)write_atomically;
	b.compile_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
	return b;
}

} // namespace srcmode
