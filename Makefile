# The README's two commands are `make demo` and `make test`; both install what
# they need first (scripts/install-tools.sh), so a fresh clone works.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
PORT ?= 8080

.PHONY: tools mock pkg demo test test-native test-mock test-wasm test-js \
        test-uploads test-e2e test-faults test-readme bench fuzz clean

tools:
	scripts/install-tools.sh

# The mock is built once in release mode: uploads through it hash and
# decompress gigabytes, which a debug build does too slowly.
mock:
	cargo build --release -p upcloud-mock

pkg: tools
	scripts/build-pkg.sh

demo: tools mock pkg
	scripts/demo.sh

test: tools
	$(MAKE) test-native test-mock mock pkg test-wasm test-js test-uploads test-faults test-readme test-e2e

test-native:
	cargo test -p upcloud-storage

# Release mode, like `make mock`, so the mock and its dependencies are
# compiled once for both.
test-mock:
	cargo test --release -p upcloud-mock

test-wasm:
	scripts/test-wasm.sh

test-js:
	tests/js/run.sh

test-uploads:
	tests/upload/run.sh

test-faults:
	tests/faults/run.sh

test-e2e:
	tests/e2e/run.sh

test-readme:
	tests/readme/run.sh

bench: tools mock pkg
	bench/run.sh

fuzz:
	scripts/fuzz.sh

clean:
	cargo clean
	rm -rf pkg/dist tests/out bench/out
