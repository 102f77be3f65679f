// SPDX-License-Identifier: Apache-2.0
#include "analysis/sigma/rule/sigmaloader.h"

#include "analysis/sigma/rule/documentreader.h"
#include "analysis/sigma/rule/readcontext.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <system_error>

namespace vanopticon::analysis::sigma {

namespace {

namespace fs = std::filesystem;

struct Segment {
    std::string_view text;
    int firstLine = 0; // 0-based line of the file
};

// `---` or `...` at the start of a line, followed by white space or the end of the line.
bool isMarker(std::string_view line, std::string_view marker) {
    if (!line.starts_with(marker))
        return false;
    return line.size() == marker.size() || line[marker.size()] == ' ' || line[marker.size()] == '\t'
        || line[marker.size()] == '\r';
}

// The stream cut at its document markers. YAML forbids these lines inside any scalar, so the cut
// is the parser's own; it lets a syntax error cost one document instead of the rest of the file,
// and keeps line numbers of the file.
std::vector<Segment> splitDocuments(std::string_view text) {
    std::vector<Segment> segments;
    std::size_t segmentStart = 0;
    int segmentLine = 0;
    int line = 0;
    std::size_t pos = 0;
    const auto close = [&](std::size_t end, int nextLine) {
        if (end > segmentStart)
            segments.push_back({text.substr(segmentStart, end - segmentStart), segmentLine});
        segmentStart = end;
        segmentLine = nextLine;
    };
    while (pos < text.size()) {
        std::size_t end = text.find('\n', pos);
        const std::size_t next = end == std::string_view::npos ? text.size() : end + 1;
        if (end == std::string_view::npos)
            end = text.size();
        const std::string_view content = text.substr(pos, end - pos);
        if (isMarker(content, "---"))
            close(pos, line); // the marker opens the next document
        else if (isMarker(content, "..."))
            close(next, line + 1); // the marker ends this one
        pos = next;
        ++line;
    }
    close(text.size(), line);
    return segments;
}

void addFailure(RuleCollection &out, const std::string &file, int line, int column, std::string reason) {
    out.failures.push_back({SourceLocation {file, line, column}, std::move(reason)});
}

void loadFile(const fs::path &path, RuleCollection &out) {
    const std::string name = path.string();
    std::error_code error;
    const std::uintmax_t size = fs::file_size(path, error);
    if (error) {
        addFailure(out, name, 0, 0, "cannot read the file: " + error.message());
        return;
    }
    if (size > kMaxSigmaFileBytes) {
        addFailure(out, name, 0, 0,
            "the file has " + std::to_string(size) + " bytes, more than the " + std::to_string(kMaxSigmaFileBytes)
                + " allowed for a Sigma file");
        return;
    }
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        addFailure(out, name, 0, 0, "cannot open the file");
        return;
    }
    // Read at most one byte more than allowed: the file may have grown since file_size().
    std::string text(static_cast<std::size_t>(size) + 1, '\0');
    in.read(text.data(), static_cast<std::streamsize>(text.size()));
    if (in.bad()) {
        addFailure(out, name, 0, 0, "cannot read the file");
        return;
    }
    text.resize(static_cast<std::size_t>(in.gcount()));
    if (text.size() > kMaxSigmaFileBytes) {
        addFailure(out, name, 0, 0, "the file grew beyond the size allowed for a Sigma file while it was read");
        return;
    }
    ++out.filesRead;
    loadText(text, name, out);
}

bool isHidden(const fs::path &path) {
    const std::string name = path.filename().string();
    return name.size() > 1 && name.front() == '.' && name != "..";
}

bool hasRuleExtension(const fs::path &path) {
    const std::string extension = path.extension().string();
    return extension == ".yml" || extension == ".yaml";
}

// Whether `target` (canonical) lies inside `root` (canonical).
bool isInside(const fs::path &target, const fs::path &root) {
    auto r = root.begin();
    auto t = target.begin();
    for (; r != root.end(); ++r, ++t) {
        if (t == target.end() || *r != *t)
            return false;
    }
    return true;
}

void loadDirectory(const fs::path &root, RuleCollection &out) {
    std::error_code error;
    const fs::path canonicalRoot = fs::canonical(root, error);
    if (error) {
        addFailure(out, root.string(), 0, 0, "cannot read the directory: " + error.message());
        return;
    }
    std::vector<fs::path> files;
    fs::recursive_directory_iterator it(root, fs::directory_options::skip_permission_denied, error);
    if (error) {
        addFailure(out, root.string(), 0, 0, "cannot read the directory: " + error.message());
        return;
    }
    for (; it != fs::recursive_directory_iterator(); it.increment(error)) {
        const fs::directory_entry &entry = *it;
        std::error_code entryError; // a file that vanished meanwhile is simply not there
        if (isHidden(entry.path())) {
            if (entry.is_directory(entryError) && !entry.is_symlink(entryError))
                it.disable_recursion_pending();
            continue;
        }
        if (!hasRuleExtension(entry.path()))
            continue;
        if (entry.is_symlink(entryError)) {
            const fs::path target = fs::canonical(entry.path(), entryError);
            if (entryError || !fs::is_regular_file(target, entryError))
                continue; // dangling, or a link to a directory: not followed
            if (!isInside(target, canonicalRoot)) {
                addFailure(out, entry.path().string(), 0, 0,
                    "a symbolic link to " + target.string() + ", outside " + root.string() + "; not followed");
                continue;
            }
        } else if (!entry.is_regular_file(entryError)) {
            continue;
        }
        files.push_back(entry.path());
    }
    if (error)
        addFailure(out, root.string(), 0, 0, "the directory could not be read completely: " + error.message());
    std::sort(files.begin(), files.end());
    for (const fs::path &file : files)
        loadFile(file, out);
}

} // namespace

void loadText(std::string_view text, const std::string &fileName, RuleCollection &out) {
    if (text.starts_with("\xEF\xBB\xBF"))
        text.remove_prefix(3);
    const std::vector<Segment> segments = splitDocuments(text);
    std::size_t documents = 0;
    for (const Segment &segment : segments) {
        if (++documents > kMaxDocumentsPerFile) {
            addFailure(out, fileName, segment.firstLine + 1, 1,
                "more than " + std::to_string(kMaxDocumentsPerFile) + " documents in one file; the rest is ignored");
            return;
        }
        ReadContext context(fileName, segment.firstLine);
        try {
            const YAML::Node root = YAML::Load(std::string(segment.text));
            readDocument(context, root, out);
        } catch (const YAML::Exception &e) {
            context.fail(e.mark, "not valid YAML: " + e.msg);
        }
        if (context.failed())
            out.failures.push_back(*context.failure());
    }
}

RuleCollection loadRules(const std::vector<std::string> &paths) {
    RuleCollection out;
    for (const std::string &path : paths) {
        std::error_code error;
        const fs::file_status status = fs::status(path, error);
        if (error || !fs::exists(status)) {
            addFailure(out, path, 0, 0, "no such file or directory");
        } else if (fs::is_directory(status)) {
            loadDirectory(path, out);
        } else {
            loadFile(path, out);
        }
    }
    resolveReferences(out);
    return out;
}

} // namespace vanopticon::analysis::sigma
