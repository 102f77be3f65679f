// SPDX-License-Identifier: Apache-2.0
#include "sentinel/enrich/geoip/geoipdatabase.h"

#include "shared/core/utf8.h"

#include <maxminddb.h>

#include <netinet/in.h>
#include <sys/socket.h>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <unordered_set>

namespace vanopticon::sentinel {

namespace {

// Longer than any real country, city or organisation name; a longer one is a corrupt record.
constexpr std::size_t kMaxTextBytes = 256;

std::string describe(int status) {
    std::string text = MMDB_strerror(status);
    if (status == MMDB_IO_ERROR || status == MMDB_FILE_OPEN_ERROR)
        text += std::string(" (") + std::strerror(errno) + ")";
    return text;
}

// Outcome of reading one optional value: absent is fine, corrupt is not.
enum class Read { Absent, Present, Corrupt };

Read readString(MMDB_entry_s &entry, const char *const *path, std::string &out) {
    MMDB_entry_data_s data {};
    const int status = MMDB_aget_value(&entry, &data, path);
    if (status == MMDB_LOOKUP_PATH_DOES_NOT_MATCH_DATA_ERROR || (status == MMDB_SUCCESS && !data.has_data))
        return Read::Absent;
    if (status != MMDB_SUCCESS || data.type != MMDB_DATA_TYPE_UTF8_STRING || data.data_size > kMaxTextBytes)
        return Read::Corrupt;
    const std::string_view text(data.utf8_string, data.data_size);
    if (!isValidUtf8(text) || text.find('\0') != std::string_view::npos)
        return Read::Corrupt;
    out.assign(text);
    return Read::Present;
}

Read readDegrees(MMDB_entry_s &entry, const char *const *path, double limit, std::string &out) {
    MMDB_entry_data_s data {};
    const int status = MMDB_aget_value(&entry, &data, path);
    if (status == MMDB_LOOKUP_PATH_DOES_NOT_MATCH_DATA_ERROR || (status == MMDB_SUCCESS && !data.has_data))
        return Read::Absent;
    if (status != MMDB_SUCCESS || data.type != MMDB_DATA_TYPE_DOUBLE)
        return Read::Corrupt;
    const double value = data.double_value;
    if (!(value >= -limit && value <= limit)) // also refuses NaN
        return Read::Corrupt;
    char buffer[32];
    const auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value);
    if (ec != std::errc())
        return Read::Corrupt;
    out.assign(buffer, end);
    return Read::Present;
}

Read readUnsigned(MMDB_entry_s &entry, const char *const *path, std::string &out) {
    MMDB_entry_data_s data {};
    const int status = MMDB_aget_value(&entry, &data, path);
    if (status == MMDB_LOOKUP_PATH_DOES_NOT_MATCH_DATA_ERROR || (status == MMDB_SUCCESS && !data.has_data))
        return Read::Absent;
    if (status != MMDB_SUCCESS)
        return Read::Corrupt;
    std::uint64_t value = 0;
    if (data.type == MMDB_DATA_TYPE_UINT16)
        value = data.uint16;
    else if (data.type == MMDB_DATA_TYPE_UINT32)
        value = data.uint32;
    else if (data.type == MMDB_DATA_TYPE_UINT64)
        value = data.uint64;
    else
        return Read::Corrupt;
    char buffer[24];
    const auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value);
    out.assign(buffer, end);
    return Read::Present;
}

// A record whose values read fine one by one can still be corrupt as a whole (a broken double
// decodes to some number): decode it entirely before trusting any of it. Records are shared by
// many addresses and the caller decodes each one once, so this costs little.
bool decodesCompletely(MMDB_entry_s &entry) {
    MMDB_entry_data_list_s *list = nullptr;
    const int status = MMDB_get_entry_data_list(&entry, &list);
    MMDB_free_entry_data_list(list);
    return status == MMDB_SUCCESS;
}

bool contains(std::string_view text, std::string_view part) {
    return text.find(part) != std::string_view::npos;
}

} // namespace

GeoIpDatabase::GeoIpDatabase(std::unique_ptr<MMDB_s> db, std::string path)
    : m_db(std::move(db))
    , m_path(std::move(path)) {
    if (m_db->metadata.database_type != nullptr)
        m_type = m_db->metadata.database_type;
    m_buildEpoch = m_db->metadata.build_epoch;
}

GeoIpDatabase::~GeoIpDatabase() {
    MMDB_close(m_db.get());
}

Result<std::unique_ptr<GeoIpDatabase>> GeoIpDatabase::open(const std::string &path, bool verifyFile) {
    if (path.find('\0') != std::string::npos)
        return makeError("the GeoIP database path contains a NUL byte");
    auto db = std::make_unique<MMDB_s>();
    errno = 0;
    const int status = MMDB_open(path.c_str(), MMDB_MODE_MMAP, db.get());
    if (status != MMDB_SUCCESS)
        return makeError(path + ": cannot open the GeoIP database: " + describe(status));
    // From here on the destructor closes the database, whatever is refused below.
    std::unique_ptr<GeoIpDatabase> database(new GeoIpDatabase(std::move(db), path));
    if (verifyFile) {
        if (auto ok = database->verify(); !ok)
            return ok.error();
    }
    return database;
}

Result<void> GeoIpDatabase::requireKind(Kind kind) const {
    const std::string_view type = m_type;
    if (kind == Kind::City && !contains(type, "City") && !contains(type, "Enterprise"))
        return makeError(m_path + ": database type '" + m_type
            + "' has no city data (expected a GeoIP2/GeoLite2 City or a GeoIP2 Enterprise database)");
    if (kind == Kind::Asn && !contains(type, "ASN") && !contains(type, "ISP"))
        return makeError(m_path + ": database type '" + m_type
            + "' has no autonomous system data (expected a GeoLite2 ASN or a GeoIP2 ISP database)");
    return {};
}

Result<void> GeoIpDatabase::verify() const {
    const MMDB_s &db = *m_db;
    const std::string &path = m_path;
    const std::uint32_t nodeCount = db.metadata.node_count;
    std::unordered_set<std::uint32_t> decoded; // data records are shared: decode each one once
    for (std::uint32_t node = 0; node < nodeCount; ++node) {
        MMDB_search_node_s record {};
        if (const int status = MMDB_read_node(&db, node, &record); status != MMDB_SUCCESS)
            return makeError(path + ": the GeoIP database is corrupt: search tree node " + std::to_string(node) + ": "
                + describe(status));
        const std::uint8_t types[2] = {record.left_record_type, record.right_record_type};
        MMDB_entry_s entries[2] = {record.left_record_entry, record.right_record_entry};
        for (int side = 0; side < 2; ++side) {
            if (types[side] == MMDB_RECORD_TYPE_INVALID)
                return makeError(path + ": the GeoIP database is corrupt: search tree node " + std::to_string(node)
                    + " has an invalid record (" + describe(MMDB_CORRUPT_SEARCH_TREE_ERROR) + ")");
            if (types[side] != MMDB_RECORD_TYPE_DATA || !decoded.insert(entries[side].offset).second)
                continue;
            MMDB_entry_data_list_s *list = nullptr;
            const int status = MMDB_get_entry_data_list(&entries[side], &list);
            MMDB_free_entry_data_list(list);
            if (status != MMDB_SUCCESS)
                return makeError(path + ": the GeoIP database is corrupt: data record at offset "
                    + std::to_string(entries[side].offset) + ": " + describe(status));
        }
    }
    return {};
}

GeoIpDatabase::Status GeoIpDatabase::lookup(const IpKey &address, std::uint32_t &recordOffset) const {
    int status = MMDB_SUCCESS;
    MMDB_lookup_result_s result {};
    if (address.isV4()) {
        sockaddr_in v4 {};
        v4.sin_family = AF_INET;
        std::memcpy(&v4.sin_addr, address.bytes.data() + 12, 4);
        result = MMDB_lookup_sockaddr(m_db.get(), reinterpret_cast<const sockaddr *>(&v4), &status);
    } else {
        sockaddr_in6 v6 {};
        v6.sin6_family = AF_INET6;
        std::memcpy(&v6.sin6_addr, address.bytes.data(), 16);
        result = MMDB_lookup_sockaddr(m_db.get(), reinterpret_cast<const sockaddr *>(&v6), &status);
    }
    if (status == MMDB_IPV6_LOOKUP_IN_IPV4_DATABASE_ERROR)
        return Status::NotFound; // an IPv4-only database knows nothing about IPv6 addresses
    if (status != MMDB_SUCCESS)
        return Status::Error;
    if (!result.found_entry)
        return Status::NotFound;
    recordOffset = result.entry.offset;
    return Status::Found;
}

bool GeoIpDatabase::readCity(std::uint32_t recordOffset, std::string_view language, GeoCityText &out) const {
    // clear() rather than a fresh struct: a reused record keeps its strings' capacity.
    out.country.clear();
    out.countryName.clear();
    out.city.clear();
    out.latitude.clear();
    out.longitude.clear();
    MMDB_entry_s entry {m_db.get(), recordOffset};
    if (!decodesCompletely(entry))
        return false;
    // The language is a config value (validated to a short tag); the paths need C strings.
    char lang[16] = {};
    std::memcpy(lang, language.data(), std::min(language.size(), sizeof lang - 1));

    // The country the address is in, else (satellite, anycast, anonymous providers) the one its
    // block is registered to.
    const char *country[] = {"country", "iso_code", nullptr};
    const char *registered[] = {"registered_country", "iso_code", nullptr};
    Read read = readString(entry, country, out.country);
    const bool physical = read == Read::Present;
    if (read == Read::Absent)
        read = readString(entry, registered, out.country);
    if (read == Read::Corrupt)
        return false;
    if (read == Read::Present) {
        const char *base = physical ? "country" : "registered_country";
        const char *name[] = {base, "names", lang, nullptr};
        const char *english[] = {base, "names", "en", nullptr};
        Read nameRead = readString(entry, name, out.countryName);
        if (nameRead == Read::Absent)
            nameRead = readString(entry, english, out.countryName);
        if (nameRead == Read::Corrupt)
            return false;
    }
    const char *city[] = {"city", "names", lang, nullptr};
    const char *cityEnglish[] = {"city", "names", "en", nullptr};
    read = readString(entry, city, out.city);
    if (read == Read::Absent)
        read = readString(entry, cityEnglish, out.city);
    if (read == Read::Corrupt)
        return false;
    const char *latitude[] = {"location", "latitude", nullptr};
    const char *longitude[] = {"location", "longitude", nullptr};
    if (readDegrees(entry, latitude, 90.0, out.latitude) == Read::Corrupt
        || readDegrees(entry, longitude, 180.0, out.longitude) == Read::Corrupt)
        return false;
    if (out.latitude.empty() != out.longitude.empty()) { // half a position is no position
        out.latitude.clear();
        out.longitude.clear();
    }
    return true;
}

bool GeoIpDatabase::readAsn(std::uint32_t recordOffset, GeoAsnText &out) const {
    out.number.clear();
    out.organization.clear();
    MMDB_entry_s entry {m_db.get(), recordOffset};
    if (!decodesCompletely(entry))
        return false;
    const char *number[] = {"autonomous_system_number", nullptr};
    const char *organization[] = {"autonomous_system_organization", nullptr};
    return readUnsigned(entry, number, out.number) != Read::Corrupt
        && readString(entry, organization, out.organization) != Read::Corrupt;
}

} // namespace vanopticon::sentinel
