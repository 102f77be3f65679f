// SPDX-License-Identifier: Apache-2.0
#include "sentinel/parse/security/shadowutils.h"

#include "sentinel/parse/security/securitytext.h"

#include <algorithm>
#include <array>

namespace vanopticon::sentinel {

namespace {

using namespace securitytext;

constexpr std::size_t kMaxValueBytes = 4096;

enum class Kind : std::uint8_t {
    UserCreated, // name, uid, gid, home, shell[, from]
    GroupCreated, // name, gid
    UserDeleted, // name
    GroupDeleted, // group[, owner]
    GroupAdd, // user, group
    GroupRemove, // user, group
    GroupAddBy, // user, by, group (gpasswd)
    GroupRemoveBy, // user, by, group (gpasswd)
    Changed, // user, old, new — the change is the row's
    ChangedTo, // user, new
    ChangedPlain, // user
    Renamed, // old, new
    PasswordChanged, // user
    PasswordChangedBy, // user, by
    GroupChanged, // group, old, new / group, new
    GroupChangedIn, // database, description (groupmod)
    Duplicate, // a second line for a change already typed: not typed
};

struct Form {
    std::string_view pattern;
    Kind kind;
    std::string_view change; // for user_modified / group_modified
};

// Patterns as shadow writes them; '`' in a message counts as '\'' (see securitytext::match).
constexpr std::array kForms = {
    Form {"new user: name=%, UID=%, GID=%, home=%, shell=%, from=%", Kind::UserCreated, {}},
    Form {"new user: name=%, UID=%, GID=%, home=%, shell=%", Kind::UserCreated, {}},
    Form {"new group: name=%, GID=%", Kind::GroupCreated, {}},
    Form {"group added to %: name=%", Kind::Duplicate, {}}, // groupadd: before its "new group" line
    Form {"add '%' to shadow group '%'", Kind::Duplicate, {}},
    Form {"add '%' to group '%'", Kind::GroupAdd, "group_add"},
    Form {"delete user '%'", Kind::UserDeleted, {}},
    Form {"removed shadow group '%' owned by '%'", Kind::Duplicate, {}},
    Form {"removed group '%' owned by '%'", Kind::GroupDeleted, {}},
    Form {"delete '%' from shadow group '%'", Kind::Duplicate, {}},
    Form {"delete '%' from group '%'", Kind::GroupRemove, "group_remove"},
    Form {"lock user '%' password", Kind::ChangedPlain, "lock"},
    Form {"unlock user '%' password", Kind::ChangedPlain, "unlock"},
    Form {"change user '%' password", Kind::PasswordChanged, {}},
    Form {"change user name '%' to '%'", Kind::Renamed, "name"},
    Form {"change user '%' UID from '%' to '%'", Kind::Changed, "uid"},
    Form {"change user '%' GID from '%' to '%'", Kind::Changed, "gid"},
    Form {"change user '%' home from '%' to '%'", Kind::Changed, "home"},
    Form {"change user '%' shell from '%' to '%'", Kind::Changed, "shell"},
    Form {"change user '%' inactive from '%' to '%'", Kind::Changed, "inactive"},
    Form {"change user '%' expiration from '%' to '%'", Kind::Changed, "expiration"},
    Form {"change admin '%' to '%' in shadow group '%'", Kind::Duplicate, {}},
    Form {"change '%' to '%' in shadow group '%'", Kind::Duplicate, {}},
    Form {"change '%' to '%' in group '%'", Kind::Duplicate, {}}, // usermod -l: after "change user name"
    Form {"group '%' removed from %", Kind::Duplicate, {}}, // groupdel: before its "removed" line
    Form {"group '%' removed", Kind::GroupDeleted, {}},
    Form {"remove group '%'", Kind::GroupDeleted, {}},
    Form {"group changed in % (%)", Kind::GroupChangedIn, {}},
    Form {"change group '%' to '%'", Kind::GroupChanged, "name"},
    Form {"change GID for '%' to %", Kind::GroupChanged, "gid"},
    Form {"password for '%' changed by '%'", Kind::PasswordChangedBy, {}},
    Form {"changed password expiry for %", Kind::ChangedPlain, "password_expiry"},
    Form {"user % added by % to group %", Kind::GroupAddBy, "group_add"},
    Form {"user % removed by % from group %", Kind::GroupRemoveBy, "group_remove"},
    Form {"members of group % set by % to %", Kind::GroupChanged, "members"},
    Form {"changed user '%' shell to '%'", Kind::ChangedTo, "shell"},
    Form {"changed user '%' information", Kind::ChangedPlain, "information"},
};

bool isPrivilegedGroup(std::string_view group) {
    return group == "root" || group == "sudo" || group == "wheel" || group == "admin";
}

// A message the syslog daemon passed with shadow's trailing line feed: kept, or escaped.
std::string_view withoutLineFeed(std::string_view message) {
    if (message.ends_with("#012"))
        message.remove_suffix(4);
    else if (message.ends_with('\n'))
        message.remove_suffix(1);
    return message;
}

// gpasswd appends detail to the group name (" in /etc/gshadow"…): the name is its first word.
std::string_view firstWord(std::string_view text) {
    return text.substr(0, text.find(' '));
}

bool isValue(std::string_view text) {
    return text.size() <= kMaxValueBytes;
}

} // namespace

bool isShadowUtilsAppName(std::string_view appName) {
    static constexpr std::string_view kNames[] = {"useradd", "userdel", "usermod", "groupadd", "groupdel", "groupmod",
        "passwd", "chpasswd", "chage", "gpasswd", "chfn", "chsh"};
    return std::find(std::begin(kNames), std::end(kNames), appName) != std::end(kNames);
}

SecurityMatch parseShadowUtilsMessage(std::string_view appName, std::string_view message, SecurityEvent &out) {
    out = SecurityEvent {};
    if (!isShadowUtilsAppName(appName))
        return SecurityMatch::NotSecurity;
    const std::string_view text = withoutLineFeed(message);
    std::array<std::string_view, kMaxCaptures> c;
    const Form *form = nullptr;
    for (const Form &candidate : kForms) {
        if (match(text, candidate.pattern, c)) {
            form = &candidate;
            break;
        }
    }
    if (form == nullptr || form->kind == Kind::Duplicate)
        return SecurityMatch::NotSecurity;

    const SecurityFields &ids = SecurityFields::get();
    out.service = appName;
    out.category = "iam";
    out.severity = Severity::Medium;
    if (!form->change.empty())
        out.set(ids.change, form->change);
    const auto malformed = [&out] {
        out = SecurityEvent {};
        return SecurityMatch::Malformed;
    };

    switch (form->kind) {
    case Kind::UserCreated:
        if (!isName(c[0]) || !isId(c[1]) || !isId(c[2]) || !isValue(c[3]) || !isValue(c[4]) || !isValue(c[5]))
            return malformed();
        out.eventType = "user_created";
        out.set(ids.targetUserName, c[0]);
        out.set(ids.targetUserId, c[1]);
        out.set(ids.groupId, c[2]);
        out.set(ids.homeDirectory, c[3]);
        out.set(ids.shell, c[4]);
        if (!c[5].empty())
            out.set(ids.terminal, c[5]);
        if (c[1] == "0" || c[2] == "0")
            out.severity = Severity::High;
        break;
    case Kind::GroupCreated:
        if (!isName(c[0]) || !isId(c[1]))
            return malformed();
        out.eventType = "group_created";
        out.set(ids.groupName, c[0]);
        out.set(ids.groupId, c[1]);
        if (c[1] == "0")
            out.severity = Severity::High;
        break;
    case Kind::UserDeleted:
        if (!isName(c[0]))
            return malformed();
        out.eventType = "user_deleted";
        out.set(ids.targetUserName, c[0]);
        break;
    case Kind::GroupDeleted:
        if (!isName(c[0]) || (!c[1].empty() && !isName(c[1])))
            return malformed();
        out.eventType = "group_deleted";
        out.set(ids.groupName, c[0]);
        if (!c[1].empty())
            out.set(ids.targetUserName, c[1]);
        break;
    case Kind::GroupAdd:
    case Kind::GroupRemove:
    case Kind::GroupAddBy:
    case Kind::GroupRemoveBy: {
        const bool by = form->kind == Kind::GroupAddBy || form->kind == Kind::GroupRemoveBy;
        const std::string_view group = by ? firstWord(c[2]) : c[1];
        if (!isName(c[0]) || !isName(group) || (by && !isName(c[1])))
            return malformed();
        out.eventType = "user_modified";
        out.set(ids.targetUserName, c[0]);
        out.set(ids.groupName, group);
        if (by)
            out.set(field::User, c[1]);
        if ((form->kind == Kind::GroupAdd || form->kind == Kind::GroupAddBy) && isPrivilegedGroup(group))
            out.severity = Severity::High;
        break;
    }
    case Kind::Changed:
        if (!isName(c[0]) || !isValue(c[1]) || !isValue(c[2]))
            return malformed();
        if ((form->change == "uid" || form->change == "gid") && (!isId(c[1]) || !isId(c[2])))
            return malformed();
        out.eventType = "user_modified";
        out.set(ids.targetUserName, c[0]);
        out.set(ids.oldValue, c[1]);
        out.set(ids.newValue, c[2]);
        if ((form->change == "uid" || form->change == "gid") && c[2] == "0")
            out.severity = Severity::High;
        break;
    case Kind::ChangedTo:
        if (!isName(c[0]) || !isValue(c[1]))
            return malformed();
        out.eventType = "user_modified";
        out.set(ids.targetUserName, c[0]);
        out.set(ids.newValue, c[1]);
        break;
    case Kind::ChangedPlain:
        if (!isName(c[0]))
            return malformed();
        out.eventType = "user_modified";
        out.set(ids.targetUserName, c[0]);
        break;
    case Kind::Renamed:
        if (!isName(c[0]) || !isName(c[1]))
            return malformed();
        out.eventType = "user_modified";
        out.set(ids.targetUserName, c[0]);
        out.set(ids.oldValue, c[0]);
        out.set(ids.newValue, c[1]);
        break;
    case Kind::PasswordChanged:
    case Kind::PasswordChangedBy:
        if (!isName(c[0]) || (form->kind == Kind::PasswordChangedBy && !isName(c[1])))
            return malformed();
        out.eventType = "password_changed";
        out.set(ids.targetUserName, c[0]);
        if (form->kind == Kind::PasswordChangedBy)
            out.set(field::User, c[1]);
        break;
    case Kind::GroupChanged: {
        // "change group 'a' to 'b'", "change GID for 'a' to 5", "members of group a set by b to c,d"
        const bool members = form->change == "members";
        if (!isName(c[0]) || (members && !isName(c[1])) || !isValue(c[members ? 2 : 1]))
            return malformed();
        out.eventType = "group_modified";
        out.set(ids.groupName, c[0]);
        out.set(ids.newValue, c[members ? 2 : 1]);
        if (members)
            out.set(field::User, c[1]);
        break;
    }
    case Kind::GroupChangedIn: {
        // groupmod: "group changed in /etc/group (group devs/1002, new name: developers)", and the
        // same change again for /etc/gshadow.
        if (!c[0].ends_with("/group"))
            return SecurityMatch::NotSecurity;
        std::string_view description = c[1];
        if (!description.starts_with("group ") || !isValue(description))
            return malformed();
        description.remove_prefix(6);
        const std::size_t end = description.find_first_of("/,");
        const std::string_view group = description.substr(0, end);
        if (!isName(group))
            return malformed();
        out.eventType = "group_modified";
        out.set(ids.groupName, group);
        if (const std::size_t comma = description.find(", "); comma != std::string_view::npos)
            out.set(ids.change, description.substr(comma + 2));
        break;
    }
    case Kind::Duplicate:
        return SecurityMatch::NotSecurity;
    }
    return SecurityMatch::Security;
}

} // namespace vanopticon::sentinel
