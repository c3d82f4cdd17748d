// Kernel specs build one-layer ONNX models whose layer graph has the expected shape and cost, and
// a real layer maps back to the same spec.
#include <gtest/gtest.h>

#include <cmath>

#include "calibration/fit/features.h"
#include "calibration/kernels/kernel_spec.h"
#include "calibration/kernels/sampler.h"
#include "traces/common/error.h"
#include "traces/graph/fusion_rules.h"
#include "traces/onnx/model_loader.h"

namespace dnntune::calib {
namespace {

KernelSpec conv(int64_t c, int64_t hw, int64_t o, int64_t k, int64_t stride, int64_t group) {
  KernelSpec s;
  s.op = "Conv";
  s.input = {1, c, hw, hw};
  s.out_channels = o;
  s.kernel_h = s.kernel_w = k;
  s.stride = stride;
  s.pad_h = s.pad_w = k / 2;
  s.group = group;
  s.activation = "Relu";
  return s;
}

TEST(KernelSpec, ConvKernelIsOneLayerWithTheConvMacs) {
  const KernelSpec s = conv(16, 28, 32, 3, 2, 1);
  const LayerGraph g = build_layer_graph(build_kernel(s), "k");
  ASSERT_EQ(g.size(), 1u);
  // MACs = H_out*W_out*C_out*(C_in/group)*k*k = 14*14*32*16*9.
  EXPECT_EQ(g.layer(0).macs, 14 * 14 * 32 * 16 * 9);
  EXPECT_EQ(g.layer(0).ops, (std::vector<std::string>{"Conv", "Relu"}));
  const auto back = spec_from_layer(g.layer(0));
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(back->key(), s.key());
}

TEST(KernelSpec, DepthwiseAndEveryOpBuild) {
  const KernelSpec dw = conv(32, 14, 32, 3, 1, 32);
  const LayerGraph g = build_layer_graph(build_kernel(dw), "dw");
  EXPECT_EQ(g.layer(0).macs, 14 * 14 * 32 * 9);
  std::mt19937 rng(1);
  for (const auto& op : kernel_ops()) {
    const auto specs = spread_specs(op, 3, rng, default_fusion_rules());
    ASSERT_FALSE(specs.empty()) << op;
    for (const auto& s : specs) {
      const LayerGraph k = build_layer_graph(build_kernel(s), s.key());
      EXPECT_EQ(k.size(), 1u) << s.key();
      EXPECT_EQ(k.layer(0).kind, op) << s.key();
    }
  }
}

TEST(Features, DepthwiseSplitsByKernelSizeAndFallsBackToSmallerKernels) {
  auto kind_of = [](const KernelSpec& s) {
    return features_of(build_layer_graph(build_kernel(s), s.key()).layer(0)).kind;
  };
  EXPECT_EQ(kind_of(conv(32, 14, 32, 3, 1, 32)), "Conv.dw");
  EXPECT_EQ(kind_of(conv(32, 14, 32, 5, 2, 32)), "Conv.dw.large");
  EXPECT_EQ(kind_of(conv(32, 14, 32, 5, 1, 1)), "Conv");
  // Grouped, not depthwise: 8 input channels per group, 3x3 and 1x1 alike.
  EXPECT_EQ(kind_of(conv(32, 14, 32, 3, 1, 4)), "Conv.grouped");
  EXPECT_EQ(kind_of(conv(32, 14, 32, 1, 1, 4)), "Conv.grouped");
  EXPECT_EQ(kind_fallbacks("Conv.grouped"),
            (std::vector<std::string>{"Conv.grouped", "Conv", "default"}));
  EXPECT_EQ(kind_fallbacks("Conv.dw.large"),
            (std::vector<std::string>{"Conv.dw.large", "Conv.dw", "Conv", "default"}));
  EXPECT_EQ(kind_fallbacks("MatMul"), (std::vector<std::string>{"MatMul", "Gemm", "default"}));
  EXPECT_EQ(kind_fallbacks("Unsqueeze"),
            (std::vector<std::string>{"Unsqueeze", "Flatten", "default"}));
  EXPECT_EQ(kind_fallbacks("Relu"), (std::vector<std::string>{"Relu", "default"}));
  EXPECT_EQ(kind_fallbacks("default"), (std::vector<std::string>{"default"}));
  // A trace written before the split reads as it would be written now.
  LayerFeatures f;
  f.kind = "Conv.dw";
  f.kernel_area = 25;
  EXPECT_EQ(features_from_json(features_to_json(f), "t").kind, "Conv.dw.large");
  f.kernel_area = 9;
  EXPECT_EQ(features_from_json(features_to_json(f), "t").kind, "Conv.dw");
}

TEST(Features, ABroadcastMulHasItsOwnKindWhicheverOperandIsBroadcast) {
  KernelSpec mul;
  mul.op = "Mul";
  mul.input = {1, 576, 7, 7};
  mul.broadcast = true;  // x2 is [1, 576, 1, 1]: squeeze-and-excitation's scale
  Layer layer = build_layer_graph(build_kernel(mul), mul.key()).layer(0);
  EXPECT_EQ(features_of(layer).kind, "Mul.broadcast");
  // torchvision writes scale * input: the small operand first.
  std::swap(layer.inputs[0], layer.inputs[1]);
  EXPECT_EQ(features_of(layer).kind, "Mul.broadcast");
  const auto back = spec_from_layer(layer);
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(back->key(), mul.key());
  mul.broadcast = false;
  EXPECT_EQ(features_of(build_layer_graph(build_kernel(mul), mul.key()).layer(0)).kind, "Mul");
  mul.op = "Add";  // the sampler broadcasts only Mul; an Add keeps its kind
  mul.broadcast = true;
  EXPECT_EQ(features_of(build_layer_graph(build_kernel(mul), mul.key()).layer(0)).kind, "Add");
  EXPECT_EQ(kind_fallbacks("Mul.broadcast"),
            (std::vector<std::string>{"Mul.broadcast", "Mul", "default"}));
}

TEST(KernelSpec, APadKernelPadsHAndWOnBothSidesAndMapsBackFromItsShapes) {
  KernelSpec pad;
  pad.op = "Pad";
  pad.input = {1, 768, 17, 17};
  pad.pad_h = pad.pad_w = 1;  // Inception-v3's pad before a 3x3 average pool
  const LayerGraph g = build_layer_graph(build_kernel(pad), pad.key());
  ASSERT_EQ(g.size(), 1u);
  EXPECT_EQ(g.layer(0).kind, "Pad");
  EXPECT_EQ(g.layer(0).outputs[0].shape, (std::vector<int64_t>{1, 768, 19, 19}));
  EXPECT_EQ(features_of(g.layer(0)).kind, "Pad");
  const auto back = spec_from_layer(g.layer(0));
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(back->key(), pad.key());
  EXPECT_EQ(spec_from_json(spec_to_json(pad), "t").key(), pad.key());
  // An odd total pad (one side only) has no symmetric kernel.
  Layer odd = g.layer(0);
  odd.outputs[0].shape = {1, 768, 18, 18};
  EXPECT_FALSE(spec_from_layer(odd).has_value());
  odd.outputs[0].shape = {1, 769, 19, 19};  // channels padded
  EXPECT_FALSE(spec_from_layer(odd).has_value());
}

TEST(Sampler, TheCacheLadderStepsByAQuarterOctaveFromHalfTheLevel2Cache) {
  // Level-2 cache 1 MiB, last bytes 8 MiB: weights from 0.5 MiB up to 1.2 x 8 MiB in steps of
  // 2^(1/4), 4 per octave: 0.5 MiB x 2^(i/4) <= 9.6 MiB for i = 0..17 (2^(17/4) = 19.0 < 19.2).
  const auto specs = cache_ladder_specs(1 << 20, 8 << 20);
  ASSERT_EQ(specs.size(), 18u);
  for (size_t i = 0; i < specs.size(); ++i) {
    const KernelSpec& s = specs[i];
    EXPECT_EQ(s.op, "Gemm");
    EXPECT_EQ(s.origin, "ladder");
    ASSERT_EQ(s.input.size(), 2u);
    EXPECT_EQ(s.input[1], s.out_channels);  // square
    const double bytes = 4.0 * static_cast<double>(s.input[1] * s.out_channels);
    EXPECT_NEAR(bytes / (0.5 * (1 << 20) * std::pow(2.0, i / 4.0)), 1.0, 0.01) << i;
    const LayerGraph g = build_layer_graph(build_kernel(s), s.key());
    ASSERT_EQ(g.size(), 1u);
    EXPECT_EQ(g.layer(0).macs, s.input[1] * s.out_channels);  // batch 1: one MAC per weight
  }
  EXPECT_TRUE(cache_ladder_specs(0, 8 << 20).empty());        // level-2 size unknown
  EXPECT_TRUE(cache_ladder_specs(1 << 20, 0).empty());        // last level unknown
  EXPECT_TRUE(cache_ladder_specs(1 << 20, 1 << 19).empty());  // no room between them
}

TEST(Sampler, LargeConvolutionsCoverWhereImageNetworksSpendTheirTime) {
  std::mt19937 rng(1);
  const auto specs = large_conv_specs(24, rng, default_fusion_rules());
  ASSERT_EQ(specs.size(), 24u);
  int large_maps = 0, three = 0;
  for (const auto& s : specs) {
    EXPECT_EQ(s.group, 1);
    EXPECT_EQ(s.stride, 1);
    EXPECT_GE(s.input[2], 28);
    EXPECT_LE(s.input[2], 224);
    EXPECT_EQ(s.input[1] % 8, 0);
    // MACs = cin * cout * k^2 * hw^2 within the 2 GMAC cap.
    const double macs = static_cast<double>(s.input[1] * s.out_channels * s.kernel_h * s.kernel_w *
                                            s.input[2] * s.input[3]);
    EXPECT_LE(macs, 2.0e9) << s.key();
    large_maps += s.input[2] >= 112 && s.input[1] >= 32;
    three += s.kernel_h == 3;
  }
  // Log-uniform maps over 28-224: a third at 112 or more (log 2 / log 8); 3x3 three in four.
  EXPECT_GE(large_maps, 5);
  EXPECT_GE(three, 14);
}

TEST(Sampler, SpreadCoversTheDesignSpaceOfImageNetworks) {
  std::mt19937 rng(3);
  const auto specs = spread_specs("Conv", 400, rng, default_fusion_rules());
  int large_maps = 0, narrow_large_maps = 0, depthwise_5x5 = 0, depthwise_over_7 = 0;
  int bottlenecks = 0, strided_narrow = 0, eight_out = 0;
  for (const auto& s : specs) {
    if (s.input[1] == 3) continue;  // stems
    EXPECT_GE(s.input[1], 8);
    EXPECT_LE(s.input[1], 2048);
    EXPECT_LE(s.input[2], 224);
    if (s.input[2] >= 113) ++large_maps;  // beyond the old spread's 7-112
    if (s.input[2] >= 100 && s.input[1] <= 64) ++narrow_large_maps;
    if (s.input[2] <= 28 && s.input[1] <= 48 && s.group == 1) ++bottlenecks;  // GoogLeNet's
    eight_out += s.out_channels == 8;
    if (s.stride == 2 && s.group == 1 && s.out_channels * 4 <= s.input[1]) ++strided_narrow;
    if (s.group > 1 && s.group == s.input[1]) {
      depthwise_5x5 += s.kernel_h == 5;
      depthwise_over_7 += s.kernel_h > 7;
      EXPECT_LE(s.stride, 2);
    }
  }
  // VGG-16's 64x224x224 and Inception-V3's 32x147x147 layers have neighbours in the spread.
  EXPECT_GE(large_maps, 20);
  EXPECT_GE(narrow_large_maps, 10);
  EXPECT_GE(depthwise_5x5, 10);
  EXPECT_EQ(depthwise_over_7, 0);
  // Narrow convolutions on small maps (GoogLeNet's 16-48 channel branches at 28-7), and strided
  // ones that narrow the channels: stride and width are drawn independently.
  EXPECT_GE(bottlenecks, 20);     // 31 of 376 (9 with the old 2^-3 range)
  EXPECT_GE(strided_narrow, 12);  // 22 (1 with stride and width from one dimension)
  // The narrowest width is drawn, not piled up at the clamp: 21 of 376 kernels have 8 output
  // channels (rounding to multiples of 8 below 12); 70 did with the clamp.
  EXPECT_LE(eight_out, 30);
}

TEST(Sampler, ActivationsAreAlsoSpreadOverFeatureVectors) {
  // OpenCV runs an activation on [1, F] as F one-element channels, far slower per byte than on a
  // map; a quarter of each activation's spread sits on such vectors, none of the other ops'.
  std::mt19937 rng(5);
  int flat = 0, total = 0;
  for (const std::string op : {"Relu", "Sigmoid"})
    for (const auto& s : spread_specs(op, 40, rng, default_fusion_rules())) {
      ++total;
      if (s.input.size() != 2) continue;
      ++flat;
      EXPECT_GE(s.input[1], 10);
      EXPECT_LE(s.input[1], 16384);
    }
  EXPECT_EQ(total, 80);
  EXPECT_EQ(flat, 20);  // Latin hypercube: exactly a quarter of each op's 40 strata
  for (const std::string op : {"Add", "BatchNormalization", "MaxPool"})
    for (const auto& s : spread_specs(op, 40, rng, default_fusion_rules()))
      EXPECT_EQ(s.input.size(), 4u) << op;
}

TEST(KernelSpec, JsonRoundTripAndErrors) {
  KernelSpec s = conv(8, 16, 8, 5, 1, 1);
  s.batch_norm = true;
  EXPECT_EQ(spec_from_json(spec_to_json(s), "t").key(), s.key());
  EXPECT_THROW(spec_from_json({{"op", "Conv"}}, "t"), InputError);
  EXPECT_THROW(spec_from_json({{"op", "Nope"}, {"input", {1, 2}}}, "t"), InputError);
}

TEST(Sampler, PerturbKeepsDepthwiseAndLeaveOneOutExcludesByStem) {
  std::mt19937 rng(2);
  const KernelSpec dw = conv(64, 28, 64, 3, 1, 64);
  for (int i = 0; i < 20; ++i) {
    const KernelSpec p = perturb(dw, rng, "near");
    EXPECT_EQ(p.group, p.input[1]);
    EXPECT_EQ(p.out_channels, p.input[1]);
  }
  EXPECT_EQ(model_stem("/a/b/resnet18.onnx"), "resnet18");
  EXPECT_EQ(model_stem("mobilenet_v2"), "mobilenet_v2");
  const PriorSet none = prior_specs({"mnist_mlp"}, {"mnist_mlp"}, default_fusion_rules());
  EXPECT_TRUE(none.specs.empty());
  const PriorSet mlp = prior_specs({"mnist_mlp"}, {}, default_fusion_rules());
  ASSERT_FALSE(mlp.specs.empty());
  for (const auto& s : mlp.specs) EXPECT_EQ(s.source_model, "mnist_mlp");
}

TEST(Sampler, NeighbourhoodBoundsEverySizeByTheRatio) {
  const KernelSpec root = conv(64, 28, 128, 3, 1, 1);
  EXPECT_TRUE(within_neighbourhood(root, root, 2.0));
  EXPECT_TRUE(within_neighbourhood(conv(32, 56, 256, 3, 1, 1), root, 2.0));  // every size x/2 or x2
  EXPECT_FALSE(within_neighbourhood(conv(31, 28, 128, 3, 1, 1), root, 2.0));  // 64/31 > 2
  EXPECT_FALSE(within_neighbourhood(conv(64, 28, 257, 3, 1, 1), root, 2.0));  // 257/128 > 2
  EXPECT_FALSE(within_neighbourhood(conv(64, 57, 128, 3, 1, 1), root, 2.0));  // 57/28 > 2
  // Repeated perturbation from a root walks away; the bound is what keeps refinement near it.
  std::mt19937 rng(3);
  KernelSpec walk = root;
  bool left = false;
  for (int i = 0; i < 200 && !left; ++i) {
    walk = perturb(walk, rng, "refine");
    left = !within_neighbourhood(walk, root, 2.0);
  }
  EXPECT_TRUE(left);
  KernelSpec gemm;
  gemm.op = "Gemm";
  gemm.input = {1, 512};
  gemm.out_channels = 1000;
  KernelSpec other = gemm;
  other.op = "MatMul";
  EXPECT_FALSE(within_neighbourhood(other, gemm, 2.0));  // another op is never a neighbour
}

}  // namespace
}  // namespace dnntune::calib
