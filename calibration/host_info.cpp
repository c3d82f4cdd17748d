#include "calibration/host_info.h"

#include <dlfcn.h>
#include <pthread.h>
#include <sched.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <thread>
#include <vector>

namespace dnntune::calib {

std::string host_cpu_model() {
  std::ifstream in("/proc/cpuinfo");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("model name", 0) == 0) {
      const auto colon = line.find(':');
      if (colon != std::string::npos) return line.substr(line.find_first_not_of(' ', colon + 1));
    }
  return "unknown";
}

int host_cores() {
  return static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
}

double host_load_avg_1m() {
  std::ifstream in("/proc/loadavg");
  double load = -1;
  in >> load;
  return in ? load : -1;
}

namespace {

// Size in bytes of /sys/devices/system/cpu/cpu0/cache/index<index>, and its level; 0 when absent.
std::pair<double, int> cache_index(int index) {
  const std::string dir = "/sys/devices/system/cpu/cpu0/cache/index" + std::to_string(index);
  std::ifstream in(dir + "/size");
  std::string size;
  if (!(in >> size) || size.empty()) return {0.0, 0};
  double bytes = std::atof(size.c_str());
  const char unit = size.back();
  if (unit == 'K') bytes *= 1024;
  if (unit == 'M') bytes *= 1024 * 1024;
  std::ifstream level_in(dir + "/level");
  std::string type;
  std::ifstream(dir + "/type") >> type;
  int level = 0;
  level_in >> level;
  return {type == "Instruction" ? 0.0 : bytes, level};
}

}  // namespace

double host_llc_bytes() {
  double best = 0;
  for (int index = 0; index < 8; ++index) best = std::max(best, cache_index(index).first);
  return best;
}

double host_l2_bytes() {
  double l2 = 0;
  for (int index = 0; index < 8; ++index)
    if (const auto [bytes, level] = cache_index(index); level == 2) l2 = std::max(l2, bytes);
  return l2;
}

std::string host_name() {
  char buf[256] = {0};
  if (gethostname(buf, sizeof(buf) - 1) != 0) return "unknown";
  return buf;
}

std::string utc_now_iso() {
  const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buf[32];
  std::strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string process_allocator() {
  // jemalloc exports mallctl(); looked up at run time so that the libraries and the test
  // executables, which do not link jemalloc, report "glibc".
  using Mallctl = int (*)(const char*, void*, size_t*, void*, size_t);
  auto* mallctl = reinterpret_cast<Mallctl>(dlsym(RTLD_DEFAULT, "mallctl"));
  if (mallctl == nullptr) return "glibc";
  const char* version = nullptr;
  size_t size = sizeof(version);
  if (mallctl("version", &version, &size, nullptr, 0) != 0 || version == nullptr) return "jemalloc";
  return std::string("jemalloc ") + version;
}

namespace {

bool pin_to(int cpu) {
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(cpu, &set);
  return pthread_setaffinity_np(pthread_self(), sizeof(set), &set) == 0;
}

}  // namespace

double measure_core_to_core_ns() {
  cpu_set_t allowed;
  CPU_ZERO(&allowed);
  if (sched_getaffinity(0, sizeof(allowed), &allowed) != 0) return 0;
  std::vector<int> cpus;
  for (int c = 0; c < CPU_SETSIZE && cpus.size() < 2; ++c)
    if (CPU_ISSET(c, &allowed)) cpus.push_back(c);
  if (cpus.size() < 2) return 0;
  // Many short bursts, the fastest kept: on a busy machine (tests run in parallel) one of the two
  // threads is descheduled now and then, which spoils the bursts it falls in, not the others.
  // A machine too busy to finish kMinBursts within the deadline gives 0 (unknown).
  constexpr int kBursts = 50, kRoundTrips = 200, kMinBursts = 5;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(2);
  std::atomic<bool> stop{false};
  auto wait_for = [&](const std::atomic<int>& ball, int value) {
    for (unsigned spins = 1; ball.load(std::memory_order_acquire) != value; ++spins)
      if ((spins & 1023u) == 0 &&
          (stop.load(std::memory_order_relaxed) || std::chrono::steady_clock::now() > deadline))
        return false;
    return true;
  };
  alignas(64) std::atomic<int> ball{-1};  // -1: partner not ready; 1: served; 0: returned
  std::atomic<bool> pinned{true};
  std::thread partner([&] {
    if (!pin_to(cpus[1])) pinned = false;
    ball.store(0, std::memory_order_release);
    while (wait_for(ball, 1)) ball.store(0, std::memory_order_release);
  });
  std::vector<double> bursts_ns;
  // The caller's own affinity is restored afterwards: the engine's threads must not inherit a pin.
  if (!pin_to(cpus[0])) pinned = false;
  if (wait_for(ball, 0) && pinned)
    for (int b = 0; b < kBursts; ++b) {
      const auto start = std::chrono::steady_clock::now();
      bool complete = true;
      for (int i = 0; i < kRoundTrips && complete; ++i) {
        ball.store(1, std::memory_order_release);
        complete = wait_for(ball, 0);
      }
      if (!complete) break;
      bursts_ns.push_back(
          std::chrono::duration<double, std::nano>(std::chrono::steady_clock::now() - start)
              .count() /
          kRoundTrips);
    }
  stop = true;
  partner.join();
  sched_setaffinity(0, sizeof(allowed), &allowed);
  if (!pinned || bursts_ns.size() < static_cast<size_t>(kMinBursts)) return 0;
  return *std::min_element(bursts_ns.begin(), bursts_ns.end());
}

bool placement_changed(double calibrated_ns, double now_ns) {
  if (calibrated_ns <= 0 || now_ns <= 0) return false;
  const double ratio = now_ns / calibrated_ns;
  return ratio > kPlacementChangeRatio || ratio < 1.0 / kPlacementChangeRatio;
}

}  // namespace dnntune::calib
