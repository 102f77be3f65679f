// SPDX-License-Identifier: Apache-2.0
#include "sigma/sigmainput.h"

#include <charconv>
#include <iterator>

namespace vanopticon::ctl {

namespace {

constexpr std::size_t kMaxJsonFileBytes = 512u << 20; // evtx_dump output read whole

bool endsWith(const std::string &text, std::string_view suffix) {
    if (text.size() < suffix.size())
        return false;
    for (std::size_t i = 0; i < suffix.size(); ++i) {
        char c = text[text.size() - suffix.size() + i];
        if (c >= 'A' && c <= 'Z')
            c = static_cast<char>(c - 'A' + 'a');
        if (c != suffix[i])
            return false;
    }
    return true;
}

// The EVTX record number of an event, 0 when it has none.
std::uint64_t recordNumber(const Event &event) {
    static const FieldId recordId = internField("EventRecordID");
    const std::string_view text = event.value(recordId);
    std::uint64_t number = 0;
    std::from_chars(text.data(), text.data() + text.size(), number);
    return number;
}

} // namespace

SigmaInput::SigmaInput(std::string path, Kind kind)
    : m_path(std::move(path))
    , m_kind(kind) {
}

Result<std::unique_ptr<SigmaInput>> SigmaInput::open(const std::string &path) {
    const sentinel::SyslogContext context = sentinel::SyslogContext::fromSystem();
    if (endsWith(path, ".evtx")) {
        std::unique_ptr<SigmaInput> input(new SigmaInput(path, Kind::Evtx));
        input->m_evtx = std::make_unique<sentinel::EvtxImporter>(context);
        if (auto opened = input->m_evtx->open(path); !opened)
            return Error {path + ": " + opened.error().message};
        return input;
    }
    std::ifstream file(path, std::ios::binary);
    if (!file)
        return Error {path + ": cannot open"};
    if (endsWith(path, ".json")) {
        std::string text;
        file.seekg(0, std::ios::end);
        const auto size = static_cast<std::size_t>(file.tellg());
        if (size > kMaxJsonFileBytes)
            return Error {path + ": larger than 512 MiB"};
        file.seekg(0);
        text.resize(size);
        file.read(text.data(), static_cast<std::streamsize>(size));
        const std::size_t start = text.find_first_not_of(" \t\r\n");
        if (start != std::string::npos && text[start] == '{' && text.find("\"Event\"") != std::string::npos) {
            std::unique_ptr<SigmaInput> input(new SigmaInput(path, Kind::EvtxJson));
            sentinel::EvtxJsonReader reader;
            auto read = reader.read(text, context, input->m_json);
            if (!read)
                return Error {path + ": " + read.error().message};
            return input;
        }
        file.seekg(0);
    }
    std::unique_ptr<SigmaInput> input(new SigmaInput(path, Kind::Log));
    input->m_file = std::move(file);
    input->m_lines = std::make_unique<sentinel::LineParser>(sentinel::LineFormat::Auto, context);
    return input;
}

bool SigmaInput::read(EventBatch &batch, std::vector<std::uint64_t> &positions, std::size_t maxEvents) {
    const std::size_t before = batch.size();
    bool more = false;
    switch (m_kind) {
    case Kind::Evtx:
        more = readEvtx(batch, positions, maxEvents);
        break;
    case Kind::EvtxJson: {
        const auto &events = m_json.events();
        for (std::size_t n = 0; n < maxEvents && m_jsonNext < events.size(); ++n, ++m_jsonNext) {
            batch.copyFrom(events[m_jsonNext]);
            positions.push_back(recordNumber(events[m_jsonNext]));
        }
        more = m_jsonNext < events.size();
        break;
    }
    case Kind::Log:
        more = readLog(batch, positions, maxEvents);
        break;
    }
    m_events += batch.size() - before;
    return more;
}

bool SigmaInput::readEvtx(EventBatch &batch, std::vector<std::uint64_t> &positions, std::size_t maxEvents) {
    const std::size_t before = batch.size();
    const std::uint64_t failedBefore = m_evtx->stats().failed;
    const bool done = m_evtx->readSome(batch, static_cast<int>(maxEvents));
    m_refused += m_evtx->stats().failed - failedBefore;
    for (std::size_t i = before; i < batch.size(); ++i)
        positions.push_back(recordNumber(batch.events()[i]));
    return !done;
}

bool SigmaInput::readLog(EventBatch &batch, std::vector<std::uint64_t> &positions, std::size_t maxEvents) {
    std::size_t added = 0;
    while (added < maxEvents && std::getline(m_file, m_line)) {
        ++m_lineNumber;
        if (!m_line.empty() && m_line.back() == '\r')
            m_line.pop_back();
        if (m_line.empty())
            continue;
        const std::size_t before = batch.size();
        if (!m_lines->parse(m_line, batch)) {
            ++m_refused;
            continue;
        }
        for (std::size_t i = before; i < batch.size(); ++i, ++added)
            positions.push_back(m_lineNumber);
    }
    return static_cast<bool>(m_file);
}

} // namespace vanopticon::ctl
