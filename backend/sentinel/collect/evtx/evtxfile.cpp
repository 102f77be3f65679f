// SPDX-License-Identifier: Apache-2.0
#include "sentinel/collect/evtx/evtxfile.h"

// Debian's libevtx.h includes libbfio.h when LIBEVTX_HAVE_BFIO is set, but libevtx-dev does not
// bring libbfio's headers. Only libevtx_file_open_file_io_handle needs them, and it is not used.
#include <libevtx/features.h>
#undef LIBEVTX_HAVE_BFIO
#include <libevtx.h>

namespace vanopticon::sentinel {

namespace {

// Takes libevtx's error (and frees it): its message, or a fallback.
std::string takeError(libevtx_error_t *&error, const char *what) {
    std::string message = what;
    if (error) {
        char text[512] = {};
        if (libevtx_error_sprint(error, text, sizeof text) > 0) {
            message += ": ";
            message += text;
            while (!message.empty() && (message.back() == '\n' || message.back() == ' '))
                message.pop_back();
        }
        libevtx_error_free(&error);
    }
    return message;
}

// FILETIME: 100 ns intervals since 1601-01-01.
std::int64_t fromFiletime(std::uint64_t filetime) {
    constexpr std::uint64_t kUnixEpoch = 116444736000000000ULL;
    if (filetime < kUnixEpoch || filetime - kUnixEpoch > std::uint64_t(INT64_MAX / 100))
        return 0;
    return std::int64_t(filetime - kUnixEpoch) * 100;
}

struct RecordDeleter {
    void operator()(libevtx_record_t *record) const { libevtx_record_free(&record, nullptr); }
};

} // namespace

struct EvtxFile::Handle {
    libevtx_file_t *file = nullptr;
    ~Handle() {
        if (file) {
            libevtx_file_close(file, nullptr);
            libevtx_file_free(&file, nullptr);
        }
    }
};

EvtxFile::EvtxFile(std::unique_ptr<Handle> handle)
    : m_handle(std::move(handle)) {
}

EvtxFile::~EvtxFile() = default;

Result<std::unique_ptr<EvtxFile>> EvtxFile::open(const std::string &path) {
    libevtx_error_t *error = nullptr;
    auto handle = std::make_unique<Handle>();
    if (libevtx_file_initialize(&handle->file, &error) != 1)
        return makeError(takeError(error, "cannot set up libevtx"));
    if (libevtx_file_open(handle->file, path.c_str(), LIBEVTX_OPEN_READ, &error) != 1) {
        libevtx_file_free(&handle->file, nullptr);
        handle->file = nullptr;
        return makeError(takeError(error, ("cannot open " + path + " as an .evtx file").c_str()));
    }
    int records = 0;
    int recovered = 0;
    if (libevtx_file_get_number_of_records(handle->file, &records, &error) != 1)
        return makeError(takeError(error, ("cannot count the records of " + path).c_str()));
    if (libevtx_file_get_number_of_recovered_records(handle->file, &recovered, &error) != 1) {
        recovered = 0;
        libevtx_error_free(&error);
    }
    std::uint32_t flags = 0;
    if (libevtx_file_get_flags(handle->file, &flags, &error) != 1) {
        flags = 0;
        libevtx_error_free(&error);
    }
    auto file = std::unique_ptr<EvtxFile>(new EvtxFile(std::move(handle)));
    file->m_records = records < 0 ? 0 : records;
    file->m_recovered = recovered < 0 ? 0 : recovered;
    file->m_dirty = (flags & LIBEVTX_FILE_FLAG_IS_DIRTY) != 0;
    return file;
}

Result<EvtxRecordInfo> EvtxFile::read(int index, std::string &xml) {
    xml.clear();
    if (index < 0 || index >= m_records + m_recovered)
        return makeError("no record at index " + std::to_string(index));
    libevtx_error_t *error = nullptr;
    libevtx_record_t *raw = nullptr;
    const bool recovered = index >= m_records;
    const int got = recovered
        ? libevtx_file_get_recovered_record_by_index(m_handle->file, index - m_records, &raw, &error)
        : libevtx_file_get_record_by_index(m_handle->file, index, &raw, &error);
    if (got != 1)
        return makeError(takeError(error, "cannot read the record"));
    const std::unique_ptr<libevtx_record_t, RecordDeleter> record(raw);

    EvtxRecordInfo info;
    if (libevtx_record_get_identifier(record.get(), &info.number, &error) != 1)
        libevtx_error_free(&error);
    std::uint64_t filetime = 0;
    if (libevtx_record_get_written_time(record.get(), &filetime, &error) == 1)
        info.writtenNs = fromFiletime(filetime);
    else
        libevtx_error_free(&error);

    std::size_t size = 0;
    if (libevtx_record_get_utf8_xml_string_size(record.get(), &size, &error) != 1)
        return makeError(takeError(error, "cannot render the record as XML"));
    if (size == 0)
        return makeError("the record renders as empty XML");
    if (size > kMaxRecordXmlBytes + 1)
        return makeError("the record's XML is larger than " + std::to_string(kMaxRecordXmlBytes >> 20) + " MiB");
    xml.resize(size);
    if (libevtx_record_get_utf8_xml_string(record.get(), reinterpret_cast<std::uint8_t *>(xml.data()), size, &error)
        != 1) {
        xml.clear();
        return makeError(takeError(error, "cannot render the record as XML"));
    }
    // The size includes the terminating NUL; anything after the first NUL is not the record.
    const std::size_t end = xml.find('\0');
    xml.resize(end == std::string::npos ? size : end);
    return info;
}

} // namespace vanopticon::sentinel
