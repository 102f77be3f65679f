// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QString>

namespace vanopticon::console {

// --ca-file: the certificate authorities that signed the server's certificate when the system
// does not trust them (a private CA, as most deployments use). They are added to the process's
// default TLS configuration, which every REST call and the live stream (WebSocket and SSE) use.
// Returns what is wrong with the file, or an empty string once they are trusted.
QString trustCertificateAuthorities(const QString &path);

} // namespace vanopticon::console
