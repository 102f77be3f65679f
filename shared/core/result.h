// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cassert>
#include <string>
#include <utility>
#include <variant>

namespace vanopticon {

// An error a user or a peer can cause (bad config, bad input, refused request).
// It is a value with a message meant for a human, never an exception.
struct Error {
    std::string message;
};

// The value of an operation that can fail with an Error. Deliberately small: C++20 has no
// std::expected, and this is all the project needs.
template<typename T> class [[nodiscard]] Result {
public:
    Result(T value)
        : m_state(std::in_place_index<0>, std::move(value)) { }
    Result(Error error)
        : m_state(std::in_place_index<1>, std::move(error)) { }

    bool ok() const { return m_state.index() == 0; }
    explicit operator bool() const { return ok(); }

    T &value() & {
        assert(ok());
        return std::get<0>(m_state);
    }
    const T &value() const & {
        assert(ok());
        return std::get<0>(m_state);
    }
    T &&value() && {
        assert(ok());
        return std::get<0>(std::move(m_state));
    }
    T *operator->() { return &value(); }
    const T *operator->() const { return &value(); }
    T &operator*() & { return value(); }
    const T &operator*() const & { return value(); }

    const Error &error() const {
        assert(!ok());
        return std::get<1>(m_state);
    }

private:
    std::variant<T, Error> m_state;
};

// Result of an operation with no value to return.
template<> class [[nodiscard]] Result<void> {
public:
    Result() = default;
    Result(Error error)
        : m_error(std::move(error))
        , m_ok(false) { }

    bool ok() const { return m_ok; }
    explicit operator bool() const { return ok(); }
    const Error &error() const {
        assert(!ok());
        return m_error;
    }

private:
    Error m_error;
    bool m_ok = true;
};

inline Error makeError(std::string message) {
    return Error {std::move(message)};
}

} // namespace vanopticon
