#pragma once
// Facts about the machine a calibration runs on, recorded in traces and profiles.
#include <string>

namespace dnntune::calib {

std::string host_cpu_model();  // /proc/cpuinfo "model name", or "unknown"
int host_cores();              // logical CPUs
double host_load_avg_1m();     // /proc/loadavg, -1 when unavailable
// Size of the largest (last-level) cache of CPU 0 from /sys/devices/system/cpu/cpu0/cache, in
// bytes; 0 when the kernel does not say.
double host_llc_bytes();
// Size of CPU 0's level-2 cache (unified or data) in bytes, from the same place: the cache a
// single-layer kernel repeated alone keeps its weights in when they fit, which a layer inside a
// model does not (other layers evict it); 0 when the kernel does not say.
double host_l2_bytes();
std::string host_name();
std::string utc_now_iso();  // 2026-11-26T13:00:00Z
// The malloc this process runs on: "jemalloc <version>" when jemalloc is linked in (the dnntune
// executable links it: experiments/CMakeLists.txt says why), else "glibc".
std::string process_allocator();

// Where the engine's threads run relative to each other: the round trip of one cache line
// bounced between two threads pinned to the first two CPUs this process may run on (its affinity
// mask, so taskset applies), in ns: the fastest of 50 bursts of 200 round trips. 0 with fewer
// than two CPUs, or when the machine was too busy to finish 5 bursts within 2 s. On this project's
// 2-vCPU VM it read 390 ns while 2-thread times of models with many small layers ran 20-60 % slower
// than calibrated and mlp_wide 30 % faster: the host had put the two vCPUs on cores that share no
// cache, which synchronising threads pay for at every layer and streaming ones gain memory
// bandwidth from (calibration/README.md, "placement").
double measure_core_to_core_ns();
// A placement this far from the calibration's (ratio either way) makes multi-thread times
// incomparable with the profile: validate warns.
inline constexpr double kPlacementChangeRatio = 2.0;
// True when both readings are known and differ by more than kPlacementChangeRatio.
bool placement_changed(double calibrated_ns, double now_ns);

}  // namespace dnntune::calib
