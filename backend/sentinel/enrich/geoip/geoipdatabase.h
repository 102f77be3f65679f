// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "sentinel/enrich/geoip/ipkey.h"
#include "shared/core/result.h"

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

struct MMDB_s;

namespace vanopticon::sentinel {

// What a City database says about an address, as text ready to become event fields.
struct GeoCityText {
    std::string country; // ISO 3166-1 alpha-2 ("GB"); the registered country when no physical one
    std::string countryName; // in the configured language, else English
    std::string city;
    std::string latitude; // decimal degrees, shortest round-trip text ("51.5142")
    std::string longitude;
};

// What an ASN (or ISP) database says about an address.
struct GeoAsnText {
    std::string number; // decimal, without the "AS" prefix ("1221")
    std::string organization;
};

// One MaxMind DB file (libmaxminddb, memory-mapped). Everything read from the file is treated
// as hostile: every value's type is checked and every string must be valid UTF-8 of bounded
// length; a value that is not is an error for that record, never a crash.
class GeoIpDatabase {
public:
    enum class Kind { City, Asn };

    // Opens the file (MMDB_open must succeed) and, with `verify`, walks every search-tree node
    // and decodes every data record once, so that a corrupt file is refused here instead of
    // failing later at lookup.
    static Result<std::unique_ptr<GeoIpDatabase>> open(const std::string &path, bool verify);
    // Refuses a database whose type lacks the data `kind` needs (City: "*City*" or
    // "*Enterprise*"; Asn: "*ASN*" or "*ISP*"), e.g. an ASN file configured as city_database.
    Result<void> requireKind(Kind kind) const;
    // The verification walk open() does.
    Result<void> verify() const;

    ~GeoIpDatabase();
    GeoIpDatabase(const GeoIpDatabase &) = delete;
    GeoIpDatabase &operator=(const GeoIpDatabase &) = delete;

    enum class Status { Found, NotFound, Error };
    // Finds the data record for an address; `recordOffset` identifies it (many addresses share
    // one record, so callers can decode each record once).
    Status lookup(const IpKey &address, std::uint32_t &recordOffset) const;
    // Decodes a record found by lookup(). False when the record is corrupt.
    bool readCity(std::uint32_t recordOffset, std::string_view language, GeoCityText &out) const;
    bool readAsn(std::uint32_t recordOffset, GeoAsnText &out) const;

    const std::string &path() const { return m_path; }
    const std::string &databaseType() const { return m_type; }
    std::uint64_t buildEpoch() const { return m_buildEpoch; }

private:
    GeoIpDatabase(std::unique_ptr<MMDB_s> db, std::string path);

    std::unique_ptr<MMDB_s> m_db;
    std::string m_path;
    std::string m_type;
    std::uint64_t m_buildEpoch = 0;
};

} // namespace vanopticon::sentinel
