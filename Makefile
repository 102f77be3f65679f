# SPDX-License-Identifier: Apache-2.0
# The two commands of the README: `make run` and `make test`.
# Both install what is missing (installers/install-deps.sh), then build with CMake + Ninja.

PRESET ?= default
BUILD_DIR := build

.PHONY: all deps configure build run test clean

all: build

deps:
	@installers/install-deps.sh

configure: deps
	@cmake --preset $(PRESET) >/dev/null

build: configure
	@cmake --build --preset $(PRESET)

run: build
	@tools/demo/run-demo.sh $(BUILD_DIR)

test: build
	@ctest --preset $(PRESET)

clean:
	@rm -rf $(BUILD_DIR) build-debug
