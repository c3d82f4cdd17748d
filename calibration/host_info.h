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
std::string host_name();
std::string utc_now_iso();  // 2026-11-26T13:00:00Z
// The malloc this process runs on: "jemalloc <version>" when jemalloc is linked in (the dnntune
// executable links it: experiments/CMakeLists.txt says why), else "glibc".
std::string process_allocator();

}  // namespace dnntune::calib
