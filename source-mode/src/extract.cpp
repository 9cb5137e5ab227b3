// SPDX-License-Identifier: Apache-2.0
// The extractor: a C tokenizer, a splitter into top-level chunks (each preprocessor line; each
// declaration or definition up to its ';' or, for a function, its closing brace), and the closure
// of the manifest's functions over the identifiers their chunks use. Limits: docs/source-mode.md.
#include "srcmode/source.hpp"
#include "source-mode/src/internal.hpp"

#include "kl/shim.hpp"
#include "stopsim/sha256.hpp"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <set>
#include <sstream>

namespace srcmode {

namespace {

struct Tok {
	enum Kind { ident, number, str, punct, directive } kind;
	size_t begin, end; ///< byte offsets
	int line;
	std::string text;  ///< identifiers, punctuation, directive keyword
};

/// Tokens of a C file; comments dropped; a preprocessor line (with its continuations) is one token
/// whose text is the directive keyword ("define", "ifdef", ...).
std::vector<Tok> tokenize(const std::string& s)
{
	std::vector<Tok> out;
	size_t i = 0;
	int line = 1;
	bool line_start = true;
	const size_t n = s.size();
	while (i < n) {
		const char c = s[i];
		if (c == '\n') {
			line++;
			i++;
			line_start = true;
			continue;
		}
		if (c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v') {
			i++;
			continue;
		}
		if (c == '/' && i + 1 < n && s[i + 1] == '/') {
			while (i < n && s[i] != '\n')
				i++;
			continue;
		}
		if (c == '/' && i + 1 < n && s[i + 1] == '*') {
			i += 2;
			while (i + 1 < n && !(s[i] == '*' && s[i + 1] == '/')) {
				if (s[i] == '\n')
					line++;
				i++;
			}
			i = std::min(n, i + 2);
			continue;
		}
		const size_t b = i;
		const int bl = line;
		if (c == '#' && line_start) {
			/* a directive runs to the end of the line, continuations and comments included */
			size_t j = i + 1;
			while (j < n && (s[j] == ' ' || s[j] == '\t'))
				j++;
			size_t k = j;
			while (k < n && (std::isalnum((unsigned char)s[k]) || s[k] == '_'))
				k++;
			const std::string kw = s.substr(j, k - j);
			i = k;
			while (i < n && s[i] != '\n') {
				if (s[i] == '\\' && i + 1 < n && s[i + 1] == '\n') {
					line++;
					i += 2;
					continue;
				}
				if (s[i] == '/' && i + 1 < n && s[i + 1] == '*') {
					i += 2;
					while (i + 1 < n && !(s[i] == '*' && s[i + 1] == '/')) {
						if (s[i] == '\n')
							line++;
						i++;
					}
					i = std::min(n, i + 2);
					continue;
				}
				i++;
			}
			out.push_back({Tok::directive, b, i, bl, kw});
			continue;
		}
		line_start = false;
		if (std::isalpha((unsigned char)c) || c == '_') {
			while (i < n && (std::isalnum((unsigned char)s[i]) || s[i] == '_'))
				i++;
			out.push_back({Tok::ident, b, i, bl, s.substr(b, i - b)});
			continue;
		}
		if (std::isdigit((unsigned char)c)) {
			while (i < n && (std::isalnum((unsigned char)s[i]) || s[i] == '_' || s[i] == '.'))
				i++;
			out.push_back({Tok::number, b, i, bl, s.substr(b, i - b)});
			continue;
		}
		if (c == '"' || c == '\'') {
			i++;
			while (i < n && s[i] != c) {
				if (s[i] == '\\' && i + 1 < n)
					i++;
				if (s[i] == '\n')
					line++;
				i++;
			}
			i = std::min(n, i + 1);
			out.push_back({Tok::str, b, i, bl, ""});
			continue;
		}
		i++;
		out.push_back({Tok::punct, b, i, bl, std::string(1, c)});
	}
	return out;
}

struct Chunk {
	enum Kind { directive, function, declaration } kind;
	std::string keyword;  ///< directives
	size_t begin, end;    ///< byte range in the file
	int line;
	std::set<std::string> defines, uses;
	bool prototype = false;
	bool type = false;
	std::string main_name;
};

bool is_attr(const std::string& id)
{
	/* attribute-like macros that sit between a declarator and its '=' or ';' */
	return id.size() > 2 && id[0] == '_' && id[1] == '_';
}

bool all_upper(const std::string& id)
{
	bool letter = false;
	for (char c : id) {
		if (std::islower((unsigned char)c))
			return false;
		letter = letter || std::isalpha((unsigned char)c);
	}
	return letter;
}

const std::set<std::string>& c_keywords()
{
	static const std::set<std::string> k = {
		"auto", "break", "case", "char", "const", "continue", "default", "do", "double", "else", "enum",
		"extern", "float", "for", "goto", "if", "inline", "int", "long", "register", "return", "short",
		"signed", "sizeof", "static", "struct", "switch", "typedef", "union", "unsigned", "void",
		"volatile", "while", "_Bool", "bool", "true", "false", "__attribute__", "typeof", "__typeof__",
		"asm", "__asm__", "restrict", "__restrict", "_Static_assert", "defined"};
	return k;
}

void analyse_decl(Chunk& ch, const std::vector<Tok>& t, size_t a, size_t b)
{
	/* enum / struct / union bodies: the tag and, for an enum, every enumerator */
	int brace = 0, paren = 0, bracket = 0;
	std::string prev_ident;
	bool is_typedef = false;
	for (size_t i = a; i < b; i++) {
		const Tok& k = t[i];
		if (k.kind == Tok::ident && k.text == "typedef" && brace == 0)
			is_typedef = true;
		if (k.kind == Tok::ident && (k.text == "enum" || k.text == "struct" || k.text == "union") && brace == 0 &&
		    i + 1 < b && t[i + 1].kind == Tok::ident) {
			const bool body = i + 2 < b && t[i + 2].text == "{";
			if (body) {
				ch.defines.insert(t[i + 1].text);
				ch.type = true;
				if (ch.main_name.empty())
					ch.main_name = t[i + 1].text;
			}
		}
		if (k.kind == Tok::punct) {
			const char c = k.text[0];
			if (c == '{') {
				brace++;
				/* enumerators: identifiers at depth 1 followed by ',', '=' or '}' */
				bool is_enum = false;
				for (size_t j = a; j < i; j++)
					if (t[j].text == "enum")
						is_enum = true;
				if (is_enum && brace == 1) {
					for (size_t j = i + 1; j < b; j++) {
						if (t[j].text == "}")
							break;
						if (t[j].kind == Tok::ident &&
						    (t[j - 1].text == "{" || t[j - 1].text == ",") && j + 1 < b &&
						    (t[j + 1].text == "," || t[j + 1].text == "=" || t[j + 1].text == "}"))
							ch.defines.insert(t[j].text);
					}
				}
			} else if (c == '}')
				brace--;
			else if (c == '(')
				paren++;
			else if (c == ')')
				paren--;
			else if (c == '[')
				bracket++;
			else if (c == ']')
				bracket--;
		}
		if (brace != 0)
			continue;
		if (k.kind == Tok::ident && !c_keywords().count(k.text) && paren == 0 && bracket == 0) {
			if (!is_attr(k.text) || prev_ident.empty())
				prev_ident = k.text;
		}
		const bool ends = k.kind == Tok::punct &&
				  ((k.text == "(" && paren == 1) || (k.text == "[" && bracket == 1) ||
				   ((k.text == "=" || k.text == "," || k.text == ";") && paren == 0 && bracket == 0));
		if (ends && !prev_ident.empty()) {
			if (k.text == "(" && all_upper(prev_ident)) {
				/* DEFINE_SOMETHING(type, name): the names among its arguments are what it defines */
				int p = 0;
				std::string last_arg;
				for (size_t q = i; q < b; q++) {
					if (t[q].text == "(")
						p++;
					else if (t[q].text == ")" && --p == 0)
						break;
					else if (p == 1 && t[q].kind == Tok::ident && !c_keywords().count(t[q].text)) {
						ch.defines.insert(t[q].text);
						last_arg = t[q].text;
					}
				}
				ch.defines.insert(prev_ident);
				if (ch.main_name.empty() && !last_arg.empty())
					ch.main_name = last_arg + " (" + prev_ident + ")";
			} else {
				ch.defines.insert(prev_ident);
				if (k.text == "(")
					ch.prototype = true;
			}
			if (ch.main_name.empty())
				ch.main_name = prev_ident;
			if (is_typedef)
				ch.type = true;
			prev_ident.clear();
			if (k.text == "(" || k.text == "=") {
				/* skip to the end of this declarator */
				int p = 0;
				for (; i < b; i++) {
					const std::string& x = t[i].text;
					if (t[i].kind != Tok::punct)
						continue;
					if (x == "(" || x == "[" || x == "{")
						p++;
					else if (x == ")" || x == "]" || x == "}")
						p--;
					else if ((x == "," || x == ";") && p == 0)
						break;
				}
				if (i < b && t[i].text == "(" )
					paren = 0;
				paren = 0;
				bracket = 0;
			}
		}
	}
}

std::vector<Chunk> split(const std::string& src, const std::vector<Tok>& t)
{
	std::vector<Chunk> out;
	size_t i = 0;
	while (i < t.size()) {
		if (t[i].kind == Tok::directive) {
			Chunk ch{Chunk::directive, t[i].text, t[i].begin, t[i].end, t[i].line, {}, {}, false, false, ""};
			if (t[i].text == "define" || t[i].text == "undef") {
				/* the macro name, and what its body uses */
				const std::string d = src.substr(t[i].begin, t[i].end - t[i].begin);
				auto sub = tokenize(d.substr(d.find(t[i].text) + t[i].text.size()));
				for (size_t j = 0; j < sub.size(); j++) {
					if (sub[j].kind != Tok::ident)
						continue;
					if (ch.main_name.empty()) {
						ch.main_name = sub[j].text;
						ch.defines.insert(sub[j].text);
					} else {
						ch.uses.insert(sub[j].text);
					}
				}
			}
			out.push_back(ch);
			i++;
			continue;
		}
		const size_t a = i;
		int depth = 0;
		bool function = false;
		size_t j = i;
		for (; j < t.size(); j++) {
			const Tok& k = t[j];
			if (k.kind == Tok::directive) {
				if (depth == 0)
					break; /* a directive between declarations ends nothing, but starts its own chunk */
				continue;
			}
			if (k.kind != Tok::punct)
				continue;
			const char c = k.text[0];
			if (c == '(' || c == '[' || c == '{') {
				if (c == '{' && depth == 0 && j > a && t[j - 1].text == ")")
					function = true;
				depth++;
			} else if (c == ')' || c == ']' || c == '}') {
				depth--;
				if (depth == 0 && c == '}' && function) {
					j++;
					break;
				}
			} else if (c == ';' && depth == 0) {
				j++;
				break;
			}
		}
		if (j == a) { /* stray directive handling above; avoid a zero-length chunk */
			i++;
			continue;
		}
		Chunk ch{function ? Chunk::function : Chunk::declaration, "", t[a].begin, t[j - 1].end, t[a].line, {}, {},
			 false, false, ""};
		for (size_t q = a; q < j; q++) {
			if (t[q].kind != Tok::ident || c_keywords().count(t[q].text))
				continue;
			/* a member name (x.name, x->name) is not a use of a file-scope name */
			const bool member = q > a && (t[q - 1].text == "." ||
						      (t[q - 1].text == ">" && q - 1 > a && t[q - 2].text == "-" &&
						       t[q - 2].end == t[q - 1].begin));
			if (!member)
				ch.uses.insert(t[q].text);
		}
		if (function) {
			/* the name is the last identifier before the first '(' */
			for (size_t q = a; q < j; q++) {
				if (t[q].text == "(") {
					for (size_t r = q; r-- > a;)
						if (t[r].kind == Tok::ident) {
							ch.main_name = t[r].text;
							break;
						}
					break;
				}
			}
			ch.defines.insert(ch.main_name);
		} else {
			analyse_decl(ch, t, a, j);
		}
		for (const auto& d : ch.defines)
			ch.uses.erase(d);
		out.push_back(ch);
		i = j;
	}
	return out;
}

std::string read_text(const std::string& path, bool* ok)
{
	std::ifstream f(path, std::ios::binary);
	if (!f) {
		*ok = false;
		return "";
	}
	std::ostringstream ss;
	ss << f.rdbuf();
	*ok = true;
	return ss.str();
}

std::string trim(const std::string& s)
{
	size_t a = s.find_first_not_of(" \t\r");
	if (a == std::string::npos)
		return "";
	size_t b = s.find_last_not_of(" \t\r");
	return s.substr(a, b - a + 1);
}

} // namespace

std::string tree_version(const std::string& tree)
{
	bool ok = false;
	const std::string mk = read_text(tree + "/Makefile", &ok);
	if (!ok)
		throw SourceError(tree + ": not a Linux tree (no top Makefile)");
	std::map<std::string, std::string> v;
	std::istringstream in(mk);
	std::string line;
	int n = 0;
	while (std::getline(in, line) && n++ < 20) {
		for (const char* key : {"VERSION", "PATCHLEVEL", "SUBLEVEL"}) {
			const std::string k = key;
			if (line.compare(0, k.size(), k) == 0) {
				std::string rest = trim(line.substr(k.size()));
				if (!rest.empty() && rest[0] == '=')
					v[k] = trim(rest.substr(1));
			}
		}
	}
	if (!v.count("VERSION") || !v.count("PATCHLEVEL"))
		throw SourceError(tree + "/Makefile: no VERSION/PATCHLEVEL lines (not a Linux tree?)");
	return v["VERSION"] + "." + v["PATCHLEVEL"] + "." + (v["SUBLEVEL"].empty() ? "0" : v["SUBLEVEL"]);
}

Extract extract(const std::string& tree, const Manifest& m, const kl::KernelConfig& cfg)
{
	Extract x;
	x.tree = tree;
	x.arch = m.arch;
	x.version = tree_version(tree);

	std::ostringstream tu;
	tu << "/* stopsim source mode: " << m.arch << " stop code taken from a Linux " << x.version
	   << " tree; generated, do not edit */\n";
	/* The Kconfig switches: CONFIG_X defined for y; IS_ENABLED() reads STOPSIM_CFG_CONFIG_X. */
	for (const auto& [name, value] : m.configs) {
		bool on = false;
		if (value == "y")
			on = true;
		else if (value == "n")
			on = false;
		else if (value == "kexec_core")
			on = cfg.kexec_core;
		else if (value == "hotplug_cpu")
			on = cfg.hotplug_cpu;
		else if (value == "pseudo_nmi")
			on = cfg.pseudo_nmi;
		else
			throw SourceError(m.path + ": config " + name + "=" + value + ": not y, n or a scenario kernel key");
		if (on)
			tu << "#define " << name << " 1\n";
		tu << "#define STOPSIM_CFG_" << name << " " << (on ? 1 : 0) << "\n";
		x.configs.push_back(name + "=" + (on ? "y" : "n"));
	}

	std::set<std::string> emitted_roles;
	std::vector<std::pair<std::string, std::string>> role_fn; // role -> function
	std::map<std::string, bool> fn_static;
	for (const std::string& file : m.files) {
		bool ok = false;
		const std::string src = read_text(tree + "/" + file, &ok);
		if (!ok)
			throw SourceError(tree + "/" + file + ": cannot read (manifest " + m.path + ")");
		const auto toks = tokenize(src);
		const auto chunks = split(src, toks);

		std::map<std::string, std::vector<size_t>> by_name;
		for (size_t i = 0; i < chunks.size(); i++)
			for (const auto& d : chunks[i].defines)
				by_name[d].push_back(i);

		std::set<std::string> need;
		std::vector<std::string> work;
		for (const auto& f : m.functions) {
			if (f.file != file)
				continue;
			bool defined = false;
			for (size_t ci : by_name[f.name])
				defined = defined || chunks[ci].kind == Chunk::function;
			if (!defined) {
				if (f.optional) {
					x.missing_optional.push_back(f.name);
					continue;
				}
				throw SourceError(tree + "/" + file + ": has no function '" + f.name + "' (" + m.path + ":" +
						  std::to_string(f.line) + " names it)");
			}
			if (!f.role.empty()) {
				role_fn.push_back({f.role, f.name});
				for (size_t ci : by_name[f.name])
					if (chunks[ci].kind == Chunk::function)
						fn_static[f.name] = src.compare(chunks[ci].begin, 6, "static") == 0;
			}
			work.push_back(f.name);
		}
		if (!m.ipi_enum.empty())
			work.push_back(m.ipi_enum);
		std::set<size_t> take;
		while (!work.empty()) {
			const std::string w = work.back();
			work.pop_back();
			if (!need.insert(w).second)
				continue;
			auto it = by_name.find(w);
			if (it == by_name.end())
				continue; /* not defined here: the shim provides it (or the compiler says it lacks it) */
			for (size_t ci : it->second) {
				if (!take.insert(ci).second)
					continue;
				for (const auto& u : chunks[ci].uses)
					if (!need.count(u))
						work.push_back(u);
			}
		}

		std::set<std::string> manifest_names;
		for (const auto& f : m.functions)
			manifest_names.insert(f.name);
		for (size_t i = 0; i < chunks.size(); i++) {
			const Chunk& ch = chunks[i];
			if (ch.kind == Chunk::directive) {
				const std::string& k = ch.keyword;
				const bool structural = k == "if" || k == "ifdef" || k == "ifndef" || k == "elif" || k == "else" ||
							k == "endif";
				if (!structural && !take.count(i))
					continue;
				if (k == "include")
					continue;
				if (k == "define" && ch.main_name == "pr_fmt")
					tu << "#undef pr_fmt\n";
			} else if (!take.count(i)) {
				continue;
			}
			tu << "#line " << ch.line << " \"" << file << "\"\n" << src.substr(ch.begin, ch.end - ch.begin) << "\n";
			if (ch.kind != Chunk::directive || ch.keyword == "define") {
				CompiledFn c;
				c.name = ch.main_name;
				c.file = file;
				c.line = ch.line;
				c.from_manifest = manifest_names.count(ch.main_name) > 0;
				c.kind = ch.kind == Chunk::function ? "function"
					 : ch.kind == Chunk::directive ? "macro"
					 : ch.type			  ? "type"
					 : ch.prototype			  ? "prototype"
									  : "variable";
				x.items.push_back(c);
			}
		}

		/* The IPI enum: its names in value order, read back from the compiled object. */
		if (!m.ipi_enum.empty()) {
			for (size_t ci : by_name[m.ipi_enum]) {
				const Chunk& ch = chunks[ci];
				if (!ch.type)
					continue;
				std::vector<std::string> names;
				for (const auto& t : tokenize(src.substr(ch.begin, ch.end - ch.begin))) {
					(void)t;
				}
				/* enumerators in source order */
				auto sub = tokenize(src.substr(ch.begin, ch.end - ch.begin));
				bool in = false;
				for (size_t j = 0; j < sub.size(); j++) {
					if (sub[j].text == "{")
						in = true;
					else if (sub[j].text == "}")
						break;
					else if (in && sub[j].kind == Tok::ident &&
						 (sub[j - 1].text == "{" || sub[j - 1].text == ",") && j + 1 < sub.size() &&
						 (sub[j + 1].text == "," || sub[j + 1].text == "=" || sub[j + 1].text == "}"))
						names.push_back(sub[j].text);
				}
				x.ipi_names = names; /* resolved to values after the build; see runtime */
			}
		}
	}

	/* Entry points: one exported wrapper per role, and the IPI enum's values. */
	tu << "#line 1 \"<stopsim entry points>\"\n";
	for (const auto& [role, fn] : role_fn) {
		const RoleSig* sig = find_role(m.arch, role);
		if (!sig)
			throw SourceError(m.path + ": unknown role '" + role + "' for " + m.arch);
		const bool is_void = sig->ret == std::string("void");
		if (fn_static[fn]) {
			tu << "STOPSIM_EXPORT int stopsim_has_" << role << "(void) { return 1; }\n";
			tu << "STOPSIM_EXPORT " << sig->ret << " stopsim_role_" << role << "(" << sig->params << ") { "
			   << (is_void ? "" : "return ") << fn << "(" << sig->args << "); }\n";
		} else {
			/* a global function may be configured out: a weak reference tells */
			tu << "extern " << sig->fn_ret << " " << fn << "(" << sig->params
			   << ") __attribute__((weak));\n";
			tu << "STOPSIM_EXPORT int stopsim_has_" << role << "(void) { return " << fn << " != 0; }\n";
			tu << "STOPSIM_EXPORT " << sig->ret << " stopsim_role_" << role << "(" << sig->params << ") { if (!"
			   << fn << ") return " << sig->fallback << "; " << (is_void ? "" : "return ") << fn << "("
			   << sig->args << "); }\n";
		}
		x.roles.push_back(role);
	}
	tu << "STOPSIM_EXPORT const int stopsim_ipi_count = " << x.ipi_names.size() << ";\n";
	tu << "STOPSIM_EXPORT const int stopsim_ipi_values[] = {";
	for (const auto& n : x.ipi_names)
		tu << " (int)" << n << ",";
	tu << " 0 };\n";
	x.tu = tu.str();

	/* the code hash: the TU, our headers, the compiler and the flags */
	stopsim::Sha256 h;
	h.update(x.tu);
	h.update(headers_digest_input(m.arch));
	h.update(compiler_identity());
	h.update(compile_flags_text());
	x.code_hash = h.hex();
	return x;
}

Manifest read_manifest(const std::string& path)
{
	bool ok = false;
	const std::string text = read_text(path, &ok);
	if (!ok)
		throw SourceError(path + ": cannot read the manifest");
	Manifest m;
	m.path = path;
	std::istringstream in(text);
	std::string line;
	int ln = 0;
	std::string file;
	while (std::getline(in, line)) {
		ln++;
		const size_t hash = line.find('#');
		if (hash != std::string::npos)
			line = line.substr(0, hash);
		std::istringstream w(line);
		std::vector<std::string> words;
		std::string s;
		while (w >> s)
			words.push_back(s);
		if (words.empty())
			continue;
		const std::string at = path + ":" + std::to_string(ln) + ": ";
		const std::string& k = words[0];
		if (k == "arch" && words.size() == 2) {
			m.arch = words[1];
		} else if (k == "file" && words.size() == 2) {
			if (words[1].find("..") != std::string::npos || words[1][0] == '/')
				throw SourceError(at + "file: a path inside the tree is expected");
			file = words[1];
			if (std::find(m.files.begin(), m.files.end(), file) == m.files.end())
				m.files.push_back(file);
		} else if (k == "function" && words.size() >= 2) {
			if (file.empty())
				throw SourceError(at + "function before any 'file' line");
			ManifestFn f;
			f.name = words[1];
			f.file = file;
			f.line = ln;
			for (size_t i = 2; i < words.size(); i++) {
				if (words[i] == "optional")
					f.optional = true;
				else if (words[i].rfind("role=", 0) == 0)
					f.role = words[i].substr(5);
				else
					throw SourceError(at + "unknown word '" + words[i] + "'");
			}
			m.functions.push_back(f);
		} else if (k == "ipi_enum" && words.size() == 2) {
			m.ipi_enum = words[1];
		} else if (k == "stop_ipi") {
			m.stop_ipis.insert(m.stop_ipis.end(), words.begin() + 1, words.end());
		} else if (k == "config") {
			for (size_t i = 1; i < words.size(); i++) {
				const size_t eq = words[i].find('=');
				if (eq == std::string::npos || words[i].rfind("CONFIG_", 0) != 0)
					throw SourceError(at + "config: CONFIG_X=VALUE expected, got '" + words[i] + "'");
				m.configs.push_back({words[i].substr(0, eq), words[i].substr(eq + 1)});
			}
		} else {
			throw SourceError(at + "unknown manifest line '" + k + "'");
		}
	}
	if (m.arch.empty())
		throw SourceError(path + ": no 'arch' line");
	if (m.files.empty())
		throw SourceError(path + ": no 'file' line");
	return m;
}

} // namespace srcmode
