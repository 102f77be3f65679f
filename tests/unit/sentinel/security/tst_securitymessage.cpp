// SPDX-License-Identifier: Apache-2.0
#include "sentinel/parse/security/securitymessage.h"

#include <QTest>

#include <string>
#include <utility>
#include <vector>

#include <algorithm>
#include <random>

using namespace vanopticon;
using namespace vanopticon::sentinel;

namespace {

QByteArray bytes(std::string_view text) {
    return QByteArray(text.data(), static_cast<qsizetype>(text.size()));
}

std::string_view view(const QByteArray &data) {
    return std::string_view(data.constData(), static_cast<std::size_t>(data.size()));
}

using Fields = QList<QByteArray>;

// Each expectation is "Name=value", or "!Name" for a field that must be absent.
void checkFields(const SecurityEvent &event, const Fields &expected) {
    for (const QByteArray &line : expected) {
        if (line.startsWith('!')) {
            QVERIFY2(!event.has(internField(view(line.mid(1)))), line.constData());
            continue;
        }
        const qsizetype equals = line.indexOf('=');
        const FieldId id = internField(view(line.left(equals)));
        QVERIFY2(event.has(id), line.constData());
        QCOMPARE(bytes(event.value(id)), line.mid(equals + 1));
    }
}

constexpr int kNot = int(SecurityMatch::NotSecurity);
constexpr int kYes = int(SecurityMatch::Security);
constexpr int kMalformed = int(SecurityMatch::Malformed);

} // namespace

class TestSecurityMessage : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void messages_data() {
        QTest::addColumn<QByteArray>("appName");
        QTest::addColumn<QByteArray>("message");
        QTest::addColumn<int>("match");
        QTest::addColumn<QByteArray>("eventType");
        QTest::addColumn<Severity>("severity");
        QTest::addColumn<QByteArray>("reason");
        QTest::addColumn<Fields>("fields");

        const QByteArray none;
        // sudo (sudoers' log line; the user padded to eight columns as in /var/log/auth.log)
        QTest::addRow("sudo command") << QByteArray(
            "sudo") << QByteArray("   alice : TTY=pts/0 ; PWD=/home/alice ; USER=root ; COMMAND=/usr/bin/apt update")
                                      << kYes << QByteArray("sudo_command") << Severity::Info << none
                                      << Fields {"User=alice", "TargetUserName=root", "CurrentDirectory=/home/alice",
                                             "CommandLine=/usr/bin/apt update", "Image=/usr/bin/apt", "Terminal=pts/0",
                                             "TTY=pts/0", "PWD=/home/alice", "USER=root", "COMMAND=/usr/bin/apt update",
                                             "!anomaly", "!GROUP"};
        QTest::addRow("sudo with GROUP, TSID and ENV")
            << QByteArray("sudo")
            << QByteArray("alice : TTY=pts/1 ; PWD=/srv ; USER=postgres ; GROUP=postgres ; TSID=000001 ; "
                          "ENV=PGDATA=/srv/pg ; COMMAND=/usr/bin/psql -l")
            << kYes << QByteArray("sudo_command") << Severity::Info << none
            << Fields {"TargetUserName=postgres", "GROUP=postgres", "CommandLine=/usr/bin/psql -l", "!anomaly"};
        QTest::addRow("sudo with no terminal (cron)")
            << QByteArray("sudo")
            << QByteArray("    root : TTY=unknown ; PWD=/ ; USER=backup ; COMMAND=/usr/local/bin/backup.sh --full")
            << kYes << QByteArray("sudo_command") << Severity::Info << none
            << Fields {"User=root", "TargetUserName=backup", "Terminal=unknown", "Image=/usr/local/bin/backup.sh"};
        QTest::addRow("sudo a built-in command (no path)")
            << QByteArray("sudo") << QByteArray("alice : TTY=pts/0 ; PWD=/home/alice ; USER=root ; COMMAND=list")
            << kYes << QByteArray("sudo_command") << Severity::Info << none << Fields {"CommandLine=list", "!Image"};
        QTest::addRow("sudo -u#-1 (CVE-2019-14287)")
            << QByteArray("sudo") << QByteArray("alice : TTY=pts/0 ; PWD=/home/alice ; USER=#-1 ; COMMAND=/usr/bin/id")
            << kYes << QByteArray("sudo_command") << Severity::Info << none
            << Fields {"USER=#-1", "TargetUserName=#-1"};
        QTest::addRow("sudo: three incorrect passwords")
            << QByteArray("sudo")
            << QByteArray("   alice : 3 incorrect password attempts ; TTY=pts/0 ; PWD=/home/alice ; USER=root ; "
                          "COMMAND=/usr/bin/su -")
            << kYes << QByteArray("sudo_failed") << Severity::Low << QByteArray("incorrect_password")
            << Fields {"User=alice", "TargetUserName=root", "CommandLine=/usr/bin/su -"};
        QTest::addRow("sudo: one incorrect password")
            << QByteArray("sudo")
            << QByteArray("alice : 1 incorrect password attempt ; TTY=pts/0 ; PWD=/home/alice ; USER=root ; "
                          "COMMAND=/usr/bin/ls")
            << kYes << QByteArray("sudo_failed") << Severity::Low << QByteArray("incorrect_password") << Fields {};
        QTest::addRow("sudo: not in sudoers")
            << QByteArray("sudo")
            << QByteArray(
                   " mallory : user NOT in sudoers ; TTY=pts/2 ; PWD=/home/mallory ; USER=root ; COMMAND=/bin/bash")
            << kYes << QByteArray("sudo_failed") << Severity::Low << QByteArray("not_in_sudoers")
            << Fields {"User=mallory", "CommandLine=/bin/bash"};
        QTest::addRow("sudo: command not allowed")
            << QByteArray("sudo")
            << QByteArray("bob : command not allowed ; TTY=pts/3 ; PWD=/home/bob ; USER=root ; COMMAND=/usr/bin/vi "
                          "/etc/shadow")
            << kYes << QByteArray("sudo_failed") << Severity::Low << QByteArray("command_not_allowed")
            << Fields {"CommandLine=/usr/bin/vi /etc/shadow"};
        QTest::addRow("sudo: not authorized on host")
            << QByteArray("sudo")
            << QByteArray("bob : user NOT authorized on host ; TTY=pts/3 ; PWD=/home/bob ; USER=root ; COMMAND=/bin/sh")
            << kYes << QByteArray("sudo_failed") << Severity::Low << QByteArray("not_authorized_on_host") << Fields {};
        QTest::addRow("sudo -n: a password is required")
            << QByteArray("sudo")
            << QByteArray("alice : a password is required ; TTY=pts/0 ; PWD=/home/alice ; USER=root ; COMMAND=/bin/ls")
            << kYes << QByteArray("sudo_failed") << Severity::Low << QByteArray("password_required") << Fields {};
        QTest::addRow("sudo: pam authentication failure")
            << QByteArray("sudo")
            << QByteArray("pam_unix(sudo:auth): authentication failure; logname=alice uid=1000 euid=0 tty=/dev/pts/0 "
                          "ruser=alice rhost=  user=alice")
            << kYes << QByteArray("sudo_failed") << Severity::Low << QByteArray("auth_failure")
            << Fields {"User=alice", "Terminal=/dev/pts/0"};
        QTest::addRow("sudo: pam session opened")
            << QByteArray("sudo")
            << QByteArray("pam_unix(sudo:session): session opened for user root(uid=0) by alice(uid=1000)") << kYes
            << QByteArray("session_opened") << Severity::Info << none
            << Fields {"TargetUserName=root", "TargetUserId=0", "User=alice"};
        QTest::addRow("sudo: pam session closed")
            << QByteArray("sudo") << QByteArray("pam_unix(sudo:session): session closed for user root") << kYes
            << QByteArray("session_closed") << Severity::Info << none << Fields {"TargetUserName=root", "!User"};
        QTest::addRow("sudo: other pam message")
            << QByteArray("sudo") << QByteArray("pam_unix(sudo:auth): conversation failed") << kNot << none
            << Severity::Info << none << Fields {};
        QTest::addRow("sudo: a notice, not a command")
            << QByteArray("sudo") << QByteArray("alice : unable to resolve host web1: Name or service not known")
            << kNot << none << Severity::Info << none << Fields {};
        QTest::addRow("sudo: another complaint with fields")
            << QByteArray("sudo")
            << QByteArray(
                   "alice : problem with defaults entries ; TTY=pts/0 ; PWD=/home/alice ; USER=root ; COMMAND=/bin/ls")
            << kNot << none << Severity::Info << none << Fields {};
        QTest::addRow("sudo: a continued long command")
            << QByteArray("sudo") << QByteArray("(command continued) /var/log/syslog /var/log/auth.log") << kNot << none
            << Severity::Info << none << Fields {};
        QTest::addRow("sudo: no USER") << QByteArray("sudo")
                                       << QByteArray("alice : TTY=pts/0 ; PWD=/home/alice ; COMMAND=/bin/ls")
                                       << kMalformed << none << Severity::Info << none << Fields {};
        QTest::addRow("sudo: a user name with a space")
            << QByteArray("sudo") << QByteArray("al ice : TTY=pts/0 ; PWD=/ ; USER=root ; COMMAND=/bin/ls")
            << kMalformed << none << Severity::Info << none << Fields {};
        // Hostile: the directory and the arguments are the user's to choose.
        QTest::addRow("sudo: keys forged in the directory name")
            << QByteArray("sudo")
            << QByteArray(
                   "alice : TTY=pts/0 ; PWD=/tmp/x ; USER=nobody ; COMMAND=/bin/true ; USER=root ; COMMAND=/bin/sh")
            << kYes << QByteArray("sudo_command") << Severity::Medium << none
            << Fields {"anomaly=ambiguous_fields", "CommandLine=/bin/true ; USER=root ; COMMAND=/bin/sh"};
        QTest::addRow("sudo: keys forged in the arguments")
            << QByteArray("sudo")
            << QByteArray("alice : TTY=pts/0 ; PWD=/home/alice ; USER=root ; COMMAND=/bin/sh -c id ; USER=nobody")
            << kYes << QByteArray("sudo_command") << Severity::Medium << none
            << Fields {"anomaly=ambiguous_fields", "TargetUserName=root", "CommandLine=/bin/sh -c id ; USER=nobody"};
        QTest::addRow("sudo: COMMAND forged in the directory name")
            << QByteArray("sudo")
            << QByteArray("alice : TTY=pts/0 ; PWD=/tmp/a ; COMMAND=/bin/true ; USER=root ; COMMAND=/bin/sh") << kYes
            << QByteArray("sudo_command") << Severity::Medium << none
            << Fields {"anomaly=ambiguous_fields", "CommandLine=/bin/true ; USER=root ; COMMAND=/bin/sh"};
        QTest::addRow("sudo: a directory named with ' ; '")
            << QByteArray("sudo") << QByteArray("alice : TTY=pts/0 ; PWD=/tmp/a ; b ; USER=root ; COMMAND=/bin/ls")
            << kYes << QByteArray("sudo_command") << Severity::Medium << none
            << Fields {"anomaly=ambiguous_fields", "PWD=/tmp/a", "TargetUserName=root"};
        QTest::addRow("sudo: a failure with forged keys stays a failure")
            << QByteArray("sudo")
            << QByteArray("mallory : user NOT in sudoers ; TTY=pts/2 ; PWD=/x ; USER=a ; USER=root ; COMMAND=/bin/sh")
            << kYes << QByteArray("sudo_failed") << Severity::Medium << QByteArray("not_in_sudoers")
            << Fields {"anomaly=ambiguous_fields"};
        QTest::addRow("sudo's words from another program")
            << QByteArray("logger") << QByteArray("alice : TTY=pts/0 ; PWD=/ ; USER=root ; COMMAND=/bin/sh") << kNot
            << none << Severity::Info << none << Fields {};
        QTest::addRow("sudo's words from sudoedit-evil")
            << QByteArray("sudo-evil") << QByteArray("alice : TTY=pts/0 ; PWD=/ ; USER=root ; COMMAND=/bin/sh") << kNot
            << none << Severity::Info << none << Fields {};

        // su: util-linux (Debian, RHEL) and shadow-utils
        QTest::addRow("su") << QByteArray("su") << QByteArray("(to root) alice on pts/0") << kYes
                            << QByteArray("su_success") << Severity::Info << none
                            << Fields {"User=alice", "TargetUserName=root", "Terminal=pts/0"};
        QTest::addRow("su failed") << QByteArray("su") << QByteArray("FAILED SU (to root) alice on pts/0") << kYes
                                   << QByteArray("su_failed") << Severity::Low << QByteArray("auth_failure")
                                   << Fields {"User=alice", "TargetUserName=root", "Terminal=pts/0"};
        QTest::addRow("su with no terminal")
            << QByteArray("su") << QByteArray("(to postgres) root on none") << kYes << QByteArray("su_success")
            << Severity::Info << none << Fields {"User=root", "TargetUserName=postgres", "Terminal=none"};
        QTest::addRow("su by an unknown user")
            << QByteArray("su") << QByteArray("(to root)  on pts/4") << kYes << QByteArray("su_success")
            << Severity::Info << none << Fields {"!User", "TargetUserName=root", "Terminal=pts/4"};
        QTest::addRow("runuser failed") << QByteArray("runuser")
                                        << QByteArray("FAILED RUNUSER (to nobody) root on none") << kYes
                                        << QByteArray("su_failed") << Severity::Low << QByteArray("auth_failure")
                                        << Fields {"User=root", "TargetUserName=nobody"};
        QTest::addRow("shadow su") << QByteArray("su") << QByteArray("Successful su for root by alice") << kYes
                                   << QByteArray("su_success") << Severity::Info << none
                                   << Fields {"User=alice", "TargetUserName=root"};
        QTest::addRow("shadow su failed")
            << QByteArray("su") << QByteArray("FAILED su for root by mallory") << kYes << QByteArray("su_failed")
            << Severity::Low << QByteArray("auth_failure") << Fields {"User=mallory", "TargetUserName=root"};
        QTest::addRow("shadow sulog +") << QByteArray("su") << QByteArray("+ pts/0 alice:root") << kYes
                                        << QByteArray("su_success") << Severity::Info << none
                                        << Fields {"User=alice", "TargetUserName=root", "Terminal=pts/0"};
        QTest::addRow("shadow sulog -") << QByteArray("su") << QByteArray("- pts/0 mallory:root") << kYes
                                        << QByteArray("su_failed") << Severity::Low << QByteArray("auth_failure")
                                        << Fields {"User=mallory"};
        QTest::addRow("su: pam session opened (su -)")
            << QByteArray("su")
            << QByteArray("pam_unix(su-l:session): session opened for user root(uid=0) by alice(uid=1000)") << kYes
            << QByteArray("session_opened") << Severity::Info << none
            << Fields {"TargetUserName=root", "TargetUserId=0", "User=alice"};
        QTest::addRow("su: pam session opened, Linux-PAM before 1.5")
            << QByteArray("su") << QByteArray("pam_unix(su:session): session opened for user root by alice(uid=1000)")
            << kYes << QByteArray("session_opened") << Severity::Info << none
            << Fields {"TargetUserName=root", "!TargetUserId", "User=alice"};
        QTest::addRow("su: pam session opened by no one known")
            << QByteArray("su") << QByteArray("pam_unix(su:session): session opened for user root(uid=0) by (uid=0)")
            << kYes << QByteArray("session_opened") << Severity::Info << none
            << Fields {"TargetUserName=root", "!User"};
        QTest::addRow("su: pam authentication failure")
            << QByteArray("su")
            << QByteArray("pam_unix(su:auth): authentication failure; logname=alice uid=1000 euid=0 tty=/dev/pts/0 "
                          "ruser=alice rhost=  user=root")
            << kYes << QByteArray("su_failed") << Severity::Low << QByteArray("auth_failure")
            << Fields {"User=alice", "TargetUserName=root", "Terminal=/dev/pts/0"};
        QTest::addRow("su: a second ' on ' in the user part")
            << QByteArray("su") << QByteArray("(to root) alice on pts/0 on pts/1") << kMalformed << none
            << Severity::Info << none << Fields {};
        QTest::addRow("su: a target with a space") << QByteArray("su") << QByteArray("(to ro ot) alice on pts/0")
                                                   << kMalformed << none << Severity::Info << none << Fields {};
        QTest::addRow("su: another message") << QByteArray("su") << QByteArray("user bob does not exist") << kNot
                                             << none << Severity::Info << none << Fields {};
        QTest::addRow("su's words from another program") << QByteArray("bash") << QByteArray("(to root) alice on pts/0")
                                                         << kNot << none << Severity::Info << none << Fields {};

        // shadow-utils (messages as shadow 4.13 writes them; 'quotes', `old quotes')
        QTest::addRow("useradd")
            << QByteArray("useradd")
            << QByteArray("new user: name=bob, UID=1001, GID=1001, home=/home/bob, shell=/bin/bash, from=/dev/pts/0")
            << kYes << QByteArray("user_created") << Severity::Medium << none
            << Fields {"TargetUserName=bob", "TargetUserId=1001", "GroupId=1001", "HomeDirectory=/home/bob",
                   "Shell=/bin/bash", "Terminal=/dev/pts/0"};
        QTest::addRow("useradd, before from= was logged")
            << QByteArray("useradd")
            << QByteArray("new user: name=carol, UID=1002, GID=100, home=/home/carol, shell=/bin/sh") << kYes
            << QByteArray("user_created") << Severity::Medium << none
            << Fields {"TargetUserName=carol", "Shell=/bin/sh", "!Terminal"};
        QTest::addRow("useradd with UID 0")
            << QByteArray("useradd")
            << QByteArray("new user: name=john, UID=0, GID=0, home=/home/john, shell=/bin/bash, from=/dev/pts/1")
            << kYes << QByteArray("user_created") << Severity::High << none << Fields {"TargetUserId=0"};
        QTest::addRow("useradd: its group")
            << QByteArray("useradd") << QByteArray("new group: name=bob, GID=1001") << kYes
            << QByteArray("group_created") << Severity::Medium << none << Fields {"GroupName=bob", "GroupId=1001"};
        QTest::addRow("useradd -G sudo") << QByteArray("useradd") << QByteArray("add 'bob' to group 'sudo'") << kYes
                                         << QByteArray("user_modified") << Severity::High << none
                                         << Fields {"TargetUserName=bob", "GroupName=sudo", "Change=group_add"};
        QTest::addRow("useradd -G sudo, gshadow line")
            << QByteArray("useradd") << QByteArray("add 'bob' to shadow group 'sudo'") << kNot << none << Severity::Info
            << none << Fields {};
        QTest::addRow("usermod -aG, old quotes")
            << QByteArray("usermod") << QByteArray("add `bob' to group `users'") << kYes << QByteArray("user_modified")
            << Severity::Medium << none << Fields {"TargetUserName=bob", "GroupName=users"};
        QTest::addRow("userdel (line feed escaped by rsyslog)")
            << QByteArray("userdel") << QByteArray("delete user 'bob'#012") << kYes << QByteArray("user_deleted")
            << Severity::Medium << none << Fields {"TargetUserName=bob"};
        QTest::addRow("userdel (line feed kept)")
            << QByteArray("userdel") << QByteArray("delete user 'bob'\n") << kYes << QByteArray("user_deleted")
            << Severity::Medium << none << Fields {"TargetUserName=bob"};
        QTest::addRow("userdel: the user's group")
            << QByteArray("userdel") << QByteArray("removed group 'bob' owned by 'bob'") << kYes
            << QByteArray("group_deleted") << Severity::Medium << none
            << Fields {"GroupName=bob", "TargetUserName=bob"};
        QTest::addRow("userdel: membership") << QByteArray("userdel") << QByteArray("delete 'bob' from group 'sudo'")
                                             << kYes << QByteArray("user_modified") << Severity::Medium << none
                                             << Fields {"Change=group_remove", "GroupName=sudo"};
        QTest::addRow("usermod -s") << QByteArray("usermod")
                                    << QByteArray("change user 'bob' shell from '/bin/sh' to '/bin/bash'") << kYes
                                    << QByteArray("user_modified") << Severity::Medium << none
                                    << Fields {"TargetUserName=bob", "Change=shell", "OldValue=/bin/sh",
                                           "NewValue=/bin/bash"};
        QTest::addRow("usermod -u 0 -o") << QByteArray("usermod")
                                         << QByteArray("change user 'bob' UID from '1001' to '0'") << kYes
                                         << QByteArray("user_modified") << Severity::High << none
                                         << Fields {"Change=uid", "OldValue=1001", "NewValue=0"};
        QTest::addRow("usermod -l") << QByteArray("usermod") << QByteArray("change user name 'bob' to 'robert'") << kYes
                                    << QByteArray("user_modified") << Severity::Medium << none
                                    << Fields {"Change=name", "OldValue=bob", "NewValue=robert"};
        QTest::addRow("usermod -L") << QByteArray("usermod") << QByteArray("lock user 'bob' password") << kYes
                                    << QByteArray("user_modified") << Severity::Medium << none
                                    << Fields {"Change=lock", "TargetUserName=bob"};
        QTest::addRow("usermod -p") << QByteArray("usermod") << QByteArray("change user 'bob' password") << kYes
                                    << QByteArray("password_changed") << Severity::Medium << none
                                    << Fields {"TargetUserName=bob"};
        QTest::addRow("usermod -e") << QByteArray("usermod")
                                    << QByteArray("change user 'bob' expiration from 'never' to '2025-12-31'") << kYes
                                    << QByteArray("user_modified") << Severity::Medium << none
                                    << Fields {"Change=expiration", "OldValue=never", "NewValue=2025-12-31"};
        QTest::addRow("groupadd: /etc/group")
            << QByteArray("groupadd") << QByteArray("group added to /etc/group: name=devs, GID=1002") << kNot << none
            << Severity::Info << none << Fields {};
        QTest::addRow("groupadd: /etc/gshadow")
            << QByteArray("groupadd") << QByteArray("group added to /etc/gshadow: name=devs") << kNot << none
            << Severity::Info << none << Fields {};
        QTest::addRow("groupadd") << QByteArray("groupadd") << QByteArray("new group: name=devs, GID=1002") << kYes
                                  << QByteArray("group_created") << Severity::Medium << none
                                  << Fields {"GroupName=devs", "GroupId=1002"};
        QTest::addRow("groupdel: /etc/group")
            << QByteArray("groupdel") << QByteArray("group 'devs' removed from /etc/group") << kNot << none
            << Severity::Info << none << Fields {};
        QTest::addRow("groupdel") << QByteArray("groupdel") << QByteArray("group 'devs' removed#012") << kYes
                                  << QByteArray("group_deleted") << Severity::Medium << none
                                  << Fields {"GroupName=devs"};
        QTest::addRow("groupmod -n") << QByteArray(
            "groupmod") << QByteArray("group changed in /etc/group (group devs/1002, new name: developers)")
                                     << kYes << QByteArray("group_modified") << Severity::Medium << none
                                     << Fields {"GroupName=devs", "Change=new name: developers"};
        QTest::addRow("groupmod -n, gshadow line")
            << QByteArray("groupmod") << QByteArray("group changed in /etc/gshadow (group devs, new name: developers)")
            << kNot << none << Severity::Info << none << Fields {};
        QTest::addRow("passwd (pam_unix)")
            << QByteArray("passwd") << QByteArray("pam_unix(passwd:chauthtok): password changed for bob") << kYes
            << QByteArray("password_changed") << Severity::Medium << none << Fields {"TargetUserName=bob"};
        QTest::addRow("passwd (shadow)") << QByteArray("passwd") << QByteArray("password for 'bob' changed by 'root'")
                                         << kYes << QByteArray("password_changed") << Severity::Medium << none
                                         << Fields {"TargetUserName=bob", "User=root"};
        QTest::addRow("chpasswd") << QByteArray("chpasswd")
                                  << QByteArray("pam_unix(chpasswd:chauthtok): password changed for carol") << kYes
                                  << QByteArray("password_changed") << Severity::Medium << none
                                  << Fields {"TargetUserName=carol"};
        QTest::addRow("chage") << QByteArray("chage") << QByteArray("changed password expiry for bob") << kYes
                               << QByteArray("user_modified") << Severity::Medium << none
                               << Fields {"Change=password_expiry", "TargetUserName=bob"};
        QTest::addRow("gpasswd -a") << QByteArray("gpasswd") << QByteArray("user bob added by root to group docker")
                                    << kYes << QByteArray("user_modified") << Severity::Medium << none
                                    << Fields {
                                           "TargetUserName=bob", "User=root", "GroupName=docker", "Change=group_add"};
        QTest::addRow("gpasswd -a sudo") << QByteArray("gpasswd") << QByteArray("user bob added by root to group sudo")
                                         << kYes << QByteArray("user_modified") << Severity::High << none
                                         << Fields {"GroupName=sudo"};
        QTest::addRow("gpasswd -d") << QByteArray("gpasswd") << QByteArray("user bob removed by root from group sudo")
                                    << kYes << QByteArray("user_modified") << Severity::Medium << none
                                    << Fields {"Change=group_remove"};
        QTest::addRow("chsh") << QByteArray("chsh") << QByteArray("changed user 'bob' shell to '/bin/zsh'") << kYes
                              << QByteArray("user_modified") << Severity::Medium << none
                              << Fields {"Change=shell", "NewValue=/bin/zsh"};
        QTest::addRow("shadow: session opened")
            << QByteArray("passwd")
            << QByteArray("pam_unix(passwd:session): session opened for user bob(uid=1001) by root(uid=0)") << kYes
            << QByteArray("session_opened") << Severity::Info << none << Fields {"TargetUserName=bob"};
        QTest::addRow("useradd: a name with a space")
            << QByteArray("useradd")
            << QByteArray("new user: name=a b, UID=1003, GID=1003, home=/home/ab, shell=/bin/sh") << kMalformed << none
            << Severity::Info << none << Fields {};
        QTest::addRow("useradd: a UID that is not a number")
            << QByteArray("useradd") << QByteArray("new user: name=x, UID=0x0, GID=0, home=/, shell=/bin/sh")
            << kMalformed << none << Severity::Info << none << Fields {};
        QTest::addRow("useradd: trailing words") << QByteArray("useradd") << QByteArray("add 'bob' to group 'sudo' now")
                                                 << kNot << none << Severity::Info << none << Fields {};
        QTest::addRow("useradd's words from another program")
            << QByteArray("myapp") << QByteArray("new user: name=john, UID=0, GID=0, home=/root, shell=/bin/bash")
            << kNot << none << Severity::Info << none << Fields {};
        QTest::addRow("a pam failure from passwd is not typed")
            << QByteArray("passwd")
            << QByteArray("pam_unix(passwd:auth): authentication failure; logname=bob uid=1001 euid=0 tty=pts/1 ruser= "
                          "rhost=  user=bob")
            << kNot << none << Severity::Info << none << Fields {};
        QTest::addRow("pam: a user name with a space")
            << QByteArray("su")
            << QByteArray("pam_unix(su:session): session opened for user r oot(uid=0) by alice(uid=1000)") << kMalformed
            << none << Severity::Info << none << Fields {};
        QTest::addRow("pam: a uid that is not a number")
            << QByteArray("su")
            << QByteArray("pam_unix(su:session): session opened for user root(uid=x) by alice(uid=1000)") << kMalformed
            << none << Severity::Info << none << Fields {};
    }
    void messages() {
        QFETCH(QByteArray, appName);
        QFETCH(QByteArray, message);
        QFETCH(int, match);
        QFETCH(QByteArray, eventType);
        QFETCH(Severity, severity);
        QFETCH(QByteArray, reason);
        QFETCH(Fields, fields);

        SecurityEvent event;
        event.set(field::User, "left over from an earlier message");
        const SecurityMatch result = parseSecurityMessage(view(appName), view(message), event);
        QCOMPARE(int(result), match);
        if (result != SecurityMatch::Security) {
            QVERIFY(event.fields().empty());
            return;
        }
        QCOMPARE(bytes(event.eventType), eventType);
        QCOMPARE(toString(event.severity), toString(severity));
        QCOMPARE(bytes(event.reason), reason);
        QCOMPARE(bytes(event.service), appName);
        QVERIFY(!event.category.empty());
        checkFields(event, fields);
    }

    // What the lead's syslog path does with a match: the event gets the type and the fields.
    void applyToAnEvent() {
        SecurityEvent security;
        QCOMPARE(
            parseSecurityMessage("sudo",
                "alice : 3 incorrect password attempts ; TTY=pts/0 ; PWD=/home/alice ; USER=root ; COMMAND=/bin/ls",
                security),
            SecurityMatch::Security);
        EventBatch batch;
        Event &event = batch.addEvent();
        batch.setField(event, field::EventType, "syslog");
        batch.setField(event, field::Service, "sudo");
        applySecurityEvent(security, event, batch);
        QCOMPARE(bytes(event.value(field::EventType)), QByteArray("sudo_failed"));
        QCOMPARE(bytes(event.value(field::Category)), QByteArray("authentication"));
        QCOMPARE(bytes(event.value(field::Service)), QByteArray("sudo"));
        QCOMPARE(bytes(event.value(internField("reason"))), QByteArray("incorrect_password"));
        QCOMPARE(bytes(event.value(field::User)), QByteArray("alice"));
        QCOMPARE(bytes(event.value(field::CommandLine)), QByteArray("/bin/ls"));
        QCOMPARE(toString(event.severity), toString(Severity::Low));
    }

    // Damaged messages never crash, and a typed event's fields are views into the message (or
    // the extractors' own fixed words), never into anything that is gone.
    void damagedMessages() {
        const std::vector<std::pair<std::string, std::string>> samples = {
            {"sudo",
                "   alice : 3 incorrect password attempts ; TTY=pts/0 ; PWD=/home/alice ; USER=root ; COMMAND=/bin/ls"},
            {"sudo",
                "pam_unix(sudo:auth): authentication failure; logname=alice uid=1000 euid=0 tty=/dev/pts/0 ruser=alice "
                "rhost=  user=alice"},
            {"su", "FAILED SU (to root) alice on pts/0"},
            {"su", "pam_unix(su-l:session): session opened for user root(uid=0) by alice(uid=1000)"},
            {"useradd", "new user: name=bob, UID=1001, GID=1001, home=/home/bob, shell=/bin/bash, from=/dev/pts/0"},
            {"usermod", "change user 'bob' UID from '1001' to '0'"},
            {"gpasswd", "user bob added by root to group sudo"},
            {"groupmod", "group changed in /etc/group (group devs/1002, new name: developers)"},
        };
        std::mt19937 random(99);
        std::size_t typed = 0;
        std::size_t attempts = 0;
        for (const auto &[app, message] : samples) {
            for (int round = 0; round < 3000; ++round) {
                std::string damaged = message;
                const int edits = round == 0 ? 0 : 1 + int(random() % 3);
                for (int e = 0; e < edits; ++e) {
                    const std::size_t at = random() % damaged.size();
                    switch (random() % 3) {
                    case 0:
                        damaged[at] = " ;:=()'`,/#-"[random() % 12];
                        break;
                    case 1: // cut a few bytes out (erase() trips a GCC 12 -Wrestrict false positive)
                        damaged
                            = damaged.substr(0, at) + damaged.substr(std::min(damaged.size(), at + 1 + random() % 6));
                        break;
                    default:
                        damaged[at] = static_cast<char>(random() % 256);
                    }
                    if (damaged.empty())
                        damaged = " ";
                }
                SecurityEvent event;
                const SecurityMatch match = parseSecurityMessage(app, damaged, event);
                ++attempts;
                if (match != SecurityMatch::Security) {
                    QVERIFY(event.fields().empty());
                    continue;
                }
                ++typed;
                QVERIFY(!event.eventType.empty() && !event.category.empty() && !event.service.empty());
                const SecurityFields &ids = SecurityFields::get();
                for (const Field &f : event.fields()) {
                    if (f.id == ids.anomaly || f.id == ids.change)
                        continue;
                    const bool inside = f.value.data() >= damaged.data()
                        && f.value.data() + f.value.size() <= damaged.data() + damaged.size();
                    QVERIFY2(inside, damaged.c_str());
                }
            }
        }
        QVERIFY(typed >= samples.size() && typed < attempts);
    }

    void appNames() {
        for (const char *name : {"sudo", "su", "runuser", "useradd", "userdel", "usermod", "groupadd", "groupdel",
                 "groupmod", "passwd", "chpasswd", "chage", "gpasswd", "chfn", "chsh"})
            QVERIFY2(isSecurityAppName(name), name);
        for (const char *name : {"", "sshd", "sudo-evil", "Sudo", "cron", "login", "su-l"})
            QVERIFY2(!isSecurityAppName(name), name);
    }
};

QTEST_GUILESS_MAIN(TestSecurityMessage)
#include "tst_securitymessage.moc"
