// SPDX-License-Identifier: Apache-2.0
#include "analysis/sigma/rule/yamlscalar.h"

#include <yaml-cpp/yaml.h>

namespace vanopticon::analysis::sigma {

namespace {

bool isDigit(char c) {
    return c >= '0' && c <= '9';
}

bool allOf(std::string_view text, bool (*accept)(char)) {
    if (text.empty())
        return false;
    for (char c : text) {
        if (!accept(c))
            return false;
    }
    return true;
}

bool isNull(std::string_view text) {
    return text.empty() || text == "~" || text == "null" || text == "Null" || text == "NULL";
}

bool isBoolean(std::string_view text) {
    return text == "true" || text == "True" || text == "TRUE" || text == "false" || text == "False" || text == "FALSE";
}

// [-+]? ( "." [0-9]+ | [0-9]+ ( "." [0-9]* )? ) ( [eE] [-+]? [0-9]+ )?
bool isDecimal(std::string_view text) {
    std::size_t i = 0;
    if (i < text.size() && (text[i] == '-' || text[i] == '+'))
        ++i;
    std::size_t integerDigits = 0;
    while (i < text.size() && isDigit(text[i])) {
        ++i;
        ++integerDigits;
    }
    std::size_t fractionDigits = 0;
    if (i < text.size() && text[i] == '.') {
        ++i;
        while (i < text.size() && isDigit(text[i])) {
            ++i;
            ++fractionDigits;
        }
    }
    if (integerDigits == 0 && fractionDigits == 0)
        return false;
    if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
        ++i;
        if (i < text.size() && (text[i] == '-' || text[i] == '+'))
            ++i;
        std::size_t exponentDigits = 0;
        while (i < text.size() && isDigit(text[i])) {
            ++i;
            ++exponentDigits;
        }
        if (exponentDigits == 0)
            return false;
    }
    return i == text.size();
}

bool isNumber(std::string_view text) {
    if (isDecimal(text))
        return true;
    if (text.starts_with("0x"))
        return allOf(
            text.substr(2), [](char c) { return isDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); });
    if (text.starts_with("0o"))
        return allOf(text.substr(2), [](char c) { return c >= '0' && c <= '7'; });
    std::string_view unsigned_ = text;
    if (!unsigned_.empty() && (unsigned_.front() == '-' || unsigned_.front() == '+'))
        unsigned_.remove_prefix(1);
    if (unsigned_ == ".inf" || unsigned_ == ".Inf" || unsigned_ == ".INF")
        return true;
    return text == ".nan" || text == ".NaN" || text == ".NAN";
}

} // namespace

SigmaValue::Type plainScalarType(std::string_view text) {
    if (isNull(text))
        return SigmaValue::Type::Null;
    if (isBoolean(text))
        return SigmaValue::Type::Boolean;
    if (isNumber(text))
        return SigmaValue::Type::Number;
    return SigmaValue::Type::String;
}

Result<SigmaValue> toSigmaValue(const YAML::Node &node) {
    SigmaValue value;
    if (node.IsNull()) {
        value.type = SigmaValue::Type::Null;
        return value;
    }
    if (!node.IsScalar())
        return makeError(node.IsMap() ? "expected a value, found a map" : "expected a value, found a list");
    value.text = node.Scalar();
    const std::string &tag = node.Tag();
    if (tag == "?") {
        value.type = plainScalarType(value.text);
        if (value.type == SigmaValue::Type::Null)
            value.text.clear();
        return value;
    }
    if (tag == "!" || tag == "tag:yaml.org,2002:str")
        return value;
    if (tag == "tag:yaml.org,2002:int" || tag == "tag:yaml.org,2002:float") {
        if (!isNumber(value.text))
            return makeError("'" + value.text + "' is tagged as a number but is not one");
        value.type = SigmaValue::Type::Number;
        return value;
    }
    if (tag == "tag:yaml.org,2002:bool") {
        if (!isBoolean(value.text))
            return makeError("'" + value.text + "' is tagged as a boolean but is not one");
        value.type = SigmaValue::Type::Boolean;
        return value;
    }
    if (tag == "tag:yaml.org,2002:null") {
        if (!isNull(value.text))
            return makeError("'" + value.text + "' is tagged as null but is not");
        value.type = SigmaValue::Type::Null;
        value.text.clear();
        return value;
    }
    return makeError("the YAML tag '" + tag + "' is not supported in Sigma values");
}

} // namespace vanopticon::analysis::sigma
