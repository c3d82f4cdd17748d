// Suite models built by dnntune vs the torchvision 0.14 exports in ../shared/models, layer for
// layer: in topological order every layer has the same kind (anchor operator), the same MACs and
// the same bytes crossing the cut after it, within 1% (in practice they are identical).
//
// Known differences, none of which changes a compared number:
// - ../shared has BatchNorm folded into the convolutions (conv bias); the suite keeps
//   BatchNormalization nodes, which the loader fuses into the Conv layer (ops differ:
//   Conv+BatchNormalization+Relu vs Conv+Relu; kinds, MACs and cuts do not).
// - inception_v3: torchvision's avg_pool2d(count_include_pad=True) exports as Pad + AveragePool;
//   the suite uses one AveragePool with pads and count_include_pad=1, so ../shared has 9 more
//   (MAC-free) Pad layers, one per Inception A/C/E block; they are skipped here. Neither model
//   has the auxiliary classifier, nor transform_input.
// - inception_v1 (googlenet): no auxiliary classifiers in either (torchvision drops them in
//   eval mode).
// - alexnet, vgg16: the adaptive average pool is the exporter's identity AveragePool in both.
// - Parameter totals differ by the BatchNorm running statistics (the suite counts them; the
//   folded exports cannot): checked in tests/unit/traces/test_zoo.cpp.
#include <gtest/gtest.h>

#include <cmath>
#include <set>

#include "tests/test_paths.h"
#include "traces/onnx/model_loader.h"
#include "traces/zoo/zoo.h"

namespace dnntune {
namespace {

struct Pair {
  const char* suite;
  const char* shared_file;
  std::set<std::string> extra_shared_kinds;  // exporter-only layers, skipped
};

// How gtest (and so ctest's test list) prints a parameter: its suite name, not raw bytes.
void PrintTo(const Pair& p, std::ostream* os) {
  *os << p.suite << " vs " << p.shared_file;
}

struct Row {
  std::string name, kind;
  int64_t macs, cut_bytes;
};

std::vector<Row> rows(const LayerGraph& g, const std::set<std::string>& skip) {
  std::vector<Row> out;
  for (size_t i = 0; i < g.size(); ++i)
    if (!skip.count(g.layer(i).kind))
      out.push_back({g.layer(i).name, g.layer(i).kind, g.layer(i).macs, g.cut_bytes[i]});
  return out;
}

bool within(int64_t a, int64_t b, double tolerance) {
  return std::abs(static_cast<double>(a - b)) <=
         tolerance * static_cast<double>(std::max(std::abs(a), std::abs(b)));
}

class ZooCrossCheck : public ::testing::TestWithParam<Pair> {};

TEST_P(ZooCrossCheck, EveryLayerAgreesWithTorchvisionExport) {
  DNNTUNE_REQUIRE_SHARED();
  const Pair& p = GetParam();
  const LayerGraph ours = load_layer_graph(p.suite);
  const LayerGraph theirs = load_layer_graph(test::shared_dir() + "/models/" + p.shared_file);
  const auto a = rows(ours, {});
  const auto b = rows(theirs, p.extra_shared_kinds);
  ASSERT_EQ(a.size(), b.size()) << p.suite << ": layer count";
  int mismatches = 0, mac_layers = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    mac_layers += a[i].macs > 0;
    const bool ok = a[i].kind == b[i].kind && within(a[i].macs, b[i].macs, 0.01) &&
                    within(a[i].cut_bytes, b[i].cut_bytes, 0.01);
    if (!ok && ++mismatches <= 5)
      ADD_FAILURE() << p.suite << " layer " << i << ": ours " << a[i].name << " " << a[i].kind
                    << " macs " << a[i].macs << " cut " << a[i].cut_bytes << " | shared "
                    << b[i].name << " " << b[i].kind << " macs " << b[i].macs << " cut "
                    << b[i].cut_bytes;
  }
  EXPECT_EQ(mismatches, 0) << p.suite;
  EXPECT_EQ(ours.input_cut_bytes, theirs.input_cut_bytes) << p.suite;
  EXPECT_TRUE(within(ours.totals.macs, theirs.totals.macs, 0.01)) << p.suite;
  std::cout << "[ crosscheck ] " << p.suite << " vs " << p.shared_file << ": " << a.size()
            << " layers compared (" << mac_layers << " with MACs, " << theirs.size() - b.size()
            << " exporter-only skipped), " << mismatches << " mismatches; MACs " << ours.totals.macs
            << " vs " << theirs.totals.macs << "\n";
}

INSTANTIATE_TEST_SUITE_P(Shared, ZooCrossCheck,
                         ::testing::Values(Pair{"alexnet", "alexnet.onnx", {}},
                                           Pair{"vgg16", "vgg16.onnx", {}},
                                           Pair{"resnet50", "resnet50.onnx", {}},
                                           Pair{"inception_v3", "inception_v3.onnx", {"Pad"}},
                                           Pair{"inception_v1", "googlenet.onnx", {}},
                                           Pair{"mobilenet_v2", "mobilenet_v2.onnx", {}},
                                           Pair{"squeezenet_v1_1", "squeezenet1_1.onnx", {}}),
                         [](const auto& info) { return std::string(info.param.suite); });

}  // namespace
}  // namespace dnntune
