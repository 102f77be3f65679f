// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace vanopticon::sentinel {

// The fields GeoIP adds next to an address field F (F is SourceIp, DestinationIp, …):
//   F.geo.country        ISO 3166-1 alpha-2 code, e.g. "GB"
//   F.geo.country_name   e.g. "United Kingdom" (configured language, else English)
//   F.geo.city           e.g. "London"
//   F.geo.lat, F.geo.lon decimal degrees, e.g. "51.5142", "-0.0931"
//   F.asn                autonomous system number in decimal, e.g. "1221"
//   F.as_org             e.g. "Telstra Pty Ltd"
// Sigma has no names for these, so they hang off the field they describe.
enum class GeoField { Country, CountryName, City, Latitude, Longitude, Asn, AsOrganization, Count };

inline constexpr std::string_view kGeoFieldSuffixes[]
    = {".geo.country", ".geo.country_name", ".geo.city", ".geo.lat", ".geo.lon", ".asn", ".as_org"};

// Field names are at most 64 characters (wire::isAcceptableFieldName).
inline constexpr std::size_t kMaxGeoSourceFieldLength = 64 - std::string_view(".geo.country_name").size();

inline std::string geoFieldName(std::string_view source, GeoField which) {
    return std::string(source) + std::string(kGeoFieldSuffixes[static_cast<std::size_t>(which)]);
}

} // namespace vanopticon::sentinel
