// SPDX-License-Identifier: Apache-2.0
// Runs tests/qml/tst_*.qml against the statically linked Vanopticon.Console module.
#include <QQmlEngine>
#include <QtQml/qqmlextensionplugin.h>
#include <QtQuickTest>

Q_IMPORT_QML_PLUGIN(Vanopticon_ConsolePlugin)

using namespace Qt::StringLiterals;

class Setup : public QObject {
    Q_OBJECT
public Q_SLOTS:
    void qmlEngineAvailable(QQmlEngine *engine) {
        // Qt 6.4 keeps the module's qmldir under qrc:/Vanopticon/Console, outside the default
        // import path (as main.cpp does for the application).
        engine->addImportPath(u"qrc:/"_s);
    }
};

QUICK_TEST_MAIN_WITH_SETUP(console, Setup)
#include "tst_qml_console.moc"
