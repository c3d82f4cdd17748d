#include "experiments/plots/split_figure.h"

#include <unistd.h>

#include <gnuplot-iostream.h>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <utility>

#include "traces/common/error.h"

namespace dnntune::plots {

namespace {

constexpr double kBytesPerKiB = 1024.0;

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// gnuplot string literal: single quotes, a quote doubled.
std::string quoted(const std::string& text) {
  std::string out = "'";
  for (char c : text) out += c == '\'' ? std::string("''") : std::string(1, c);
  return out + "'";
}

}  // namespace

void write_split_figure(const std::string& path, const std::string& title, const LayerGraph& graph,
                        const sim::Scenario& scenario, const sim::CostTable& table, int processor,
                        const std::vector<SplitCurve>& curves) {
  std::string terminal;
  if (ends_with(path, ".png"))
    terminal = "pngcairo noenhanced size 1200,1400 font ',10'";
  else if (ends_with(path, ".svg"))
    terminal = "svg noenhanced size 1200,1400 dynamic font ',10'";
  else
    throw InputError(path, "plot file must end in .png or .svg");

  // Draw into a temporary file beside the target, rename when gnuplot has finished.
  const std::string temporary = path + ".tmp" + std::to_string(::getpid());
  const int cloud = scenario.cloud_index();
  const int n = static_cast<int>(graph.size());
  {
    Gnuplot gp("gnuplot");
    gp << "set terminal " << terminal << "\n";
    gp << "set output " << quoted(temporary) << "\n";
    gp << "set multiplot layout 3,1 title " << quoted(title) << "\n";
    gp << "set grid\nset key outside right top\nset xrange [-1.5:" << n - 0.5 << "]\n";
    gp << "set xlabel 'split after layer (-1 = all on the cloud, " << n - 1
       << " = all on the phone)'\n";
    for (const char* metric : {"latency", "energy"}) {
      const bool latency = std::string(metric) == "latency";
      gp << "set ylabel " << (latency ? "'latency (ms)'" : "'phone energy (mJ)'") << "\n";
      gp << "set logscale y\nplot ";
      for (size_t i = 0; i < curves.size(); ++i)
        gp << (i ? ", " : "") << "'-' with linespoints pt 7 ps 0.5 title "
           << quoted(curves[i].network);
      gp << "\n";
      for (const SplitCurve& curve : curves) {
        std::vector<std::pair<double, double>> xy;
        for (const sim::SplitPoint& p : curve.points) {
          const double y = latency ? p.cost.latency_ms : p.cost.energy.total_mJ();
          if (p.cost.status.feasible && std::isfinite(y) && y > 0)
            xy.emplace_back(p.split_after, y);
        }
        if (xy.empty()) xy.emplace_back(0, NAN);
        gp.send1d(xy);
      }
      gp << "unset logscale y\n";
    }
    // Per-layer latency bars and output sizes.
    std::vector<std::pair<double, double>> phone_ms, cloud_ms, out_kib;
    for (int i = 0; i < n; ++i) {
      phone_ms.emplace_back(
          i - 0.2, table.at(i, processor).feasible ? table.at(i, processor).latency_ms : 0);
      cloud_ms.emplace_back(i + 0.2,
                            table.at(i, cloud).feasible ? table.at(i, cloud).latency_ms : 0);
      out_kib.emplace_back(
          i, static_cast<double>(graph.layer(static_cast<size_t>(i)).output_bytes) / kBytesPerKiB);
    }
    gp << "set xlabel 'layer index'\nset ylabel 'layer latency (ms)'\n";
    gp << "set y2label 'output size (KiB)'\nset y2tics\nset ytics nomirror\n";
    gp << "set style fill solid 0.6 noborder\nset boxwidth 0.4\n";
    gp << "plot '-' with boxes title " << quoted(scenario.phone.at(processor).name)
       << ", '-' with boxes title 'cloud', '-' axes x1y2 with lines lw 1.5 title 'output size'\n";
    gp.send1d(phone_ms);
    gp.send1d(cloud_ms);
    gp.send1d(out_kib);
    gp << "unset multiplot\nset output\n";
  }  // ~Gnuplot waits for gnuplot to exit
  std::error_code ec;
  if (!std::filesystem::exists(temporary, ec) || std::filesystem::file_size(temporary, ec) == 0) {
    std::filesystem::remove(temporary, ec);
    throw InputError(path, "gnuplot could not write the figure (is gnuplot installed?)");
  }
  std::filesystem::rename(temporary, path, ec);
  if (ec) {
    std::filesystem::remove(temporary, ec);
    throw InputError(path, "cannot write the figure: " + ec.message());
  }
}

}  // namespace dnntune::plots
