# Thin wrapper over CMake. README quick start: `make demo`, `make test`.
BUILD ?= build
JOBS ?= $(shell nproc)
# Exactly the Debian 12 packages the build, tests, demo and benchmarks need (python3: the CLI
# tests read JSON outputs with its standard library; time: bench/run.sh measures peak memory).
DEB_PACKAGES := cmake g++ make pkg-config \
  libonnx-dev libprotobuf-dev protobuf-compiler \
  libboost-graph-dev libeigen3-dev libsystemc-dev \
  libgtest-dev libgmock-dev libbenchmark-dev \
  libgnuplot-iostream-dev gnuplot-nox \
  libopencv-dev libopencv-dnn-dev \
  libyaml-cpp-dev nlohmann-json3-dev libcli11-dev libsqlite3-dev libjemalloc-dev \
  python3 time

.PHONY: deps build test demo bench accuracy clean format

deps:
	@missing=$$(for p in $(DEB_PACKAGES); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  echo "installing:" $$missing; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$missing; \
	fi

$(BUILD)/CMakeCache.txt:
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release

build: deps $(BUILD)/CMakeCache.txt
	cmake --build $(BUILD) -j $(JOBS)

test: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

# The main job on the embedded default: ResNet-50 on DNNTune's three phones and server over
# 3G/LTE/WiFi, ranked by latency, with the split-point figure.
demo: build
	@mkdir -p out
	./$(BUILD)/experiments/dnntune rank resnet50 --plot out/demo_rank_resnet50.png
	@echo "figure: out/demo_rank_resnet50.png"

bench: build
	./bench/run.sh $(BUILD)

format:
	find traces hwmodels calibration sim experiments tests bench -name '*.cpp' -o -name '*.h' | xargs clang-format -i

clean:
	rm -rf $(BUILD)

# The accuracy figures of calibration/README.md on this machine (about 25 minutes: calibrate, fit,
# validate and crossval at 1 and 2 threads, and the measured leave-one-model-out at 1 thread).
# They measure the machine, so run them on a quiet one.
accuracy: build
	calibration/reproduce_accuracy.sh $(BUILD) $(BUILD)/accuracy
