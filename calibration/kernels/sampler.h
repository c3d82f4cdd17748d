#pragma once
// Which kernels to measure: the layers of real models (priors), neighbours around them, a
// space-filling spread per op (Latin hypercube over log-sizes), and adaptive refinement around
// kernels the current fit predicts badly (nn-Meter's method, Zhang et al., MobiSys 2021, Sec. 4.2).
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "calibration/kernels/kernel_spec.h"
#include "traces/graph/fusion_rules.h"

namespace dnntune::calib {

// True when a rule with `anchor` among its anchors lists `op` in one of its steps.
bool rules_fuse(const FusionRules& rules, const std::string& anchor, const std::string& op);

struct PriorSet {
  std::vector<KernelSpec> specs;      // deduplicated by KernelSpec::key()
  std::vector<std::string> models;    // the models that contributed
  std::vector<std::string> warnings;  // models that could not be loaded, layers skipped
};

// The model's layer graph grouped by `rules` (the engine's fusion), as calibration sees it.
LayerGraph load_with_rules(const std::string& model, const FusionRules& rules);

// The model's name for leave-one-out: the file stem ("resnet18" for .../resnet18.onnx).
std::string model_stem(const std::string& model);

// Loads every model (file path or suite name) with `rules` and turns its layers into kernel specs,
// skipping models whose stem is in `exclude`.
PriorSet prior_specs(const std::vector<std::string>& models,
                     const std::vector<std::string>& exclude, const FusionRules& rules);

// A neighbour of `spec`: channels and spatial size scaled by random factors around 1.
KernelSpec perturb(const KernelSpec& spec, std::mt19937& rng, const std::string& origin);
// True when every size of `spec` (input dims, output channels, concat parts) lies within a factor
// `max_ratio` of the same size in `root`. Refinement keeps its neighbours within this distance of
// the prior or spread kernel they descend from: repeated perturbation is a random walk, and it
// drifted into a region no model visits (3x3 convolutions with one input channel took half of a
// 3-minute budget because the fit kept missing them).
bool within_neighbourhood(const KernelSpec& spec, const KernelSpec& root, double max_ratio);

// `n` specs of `op` spread over its configuration space (Latin hypercube); activations attached
// only where `rules` say the engine fuses them.
std::vector<KernelSpec> spread_specs(const std::string& op, int n, std::mt19937& rng,
                                     const FusionRules& rules);

// `n` dense convolutions where image networks spend most of their time, which the uniform spread
// reaches rarely: maps of 28-224 (log-uniform), input and output channels 2^-1..2^2 of the trunk's
// width at that map (32 (224/hw)^0.8, multiples of 8), 3x3 three in four, else 1x1, stride 1,
// the first activation the engine fuses; output channels cut to stay under ~2 GMACs. Why: of 169
// measured spread 3x3 kernels (run S) four had a map over 140x140 with 36 or more input channels,
// two of them with 8 outputs; held out of the fit, VGG-16's 64->64 3x3 on 224x224 (32 ms) was
// predicted at 44 ms, its other convolutions 3-8 % slow.
std::vector<KernelSpec> large_conv_specs(int n, std::mt19937& rng, const FusionRules& rules);

// Batch-1 square Gemms (origin "ladder") whose weights step by a quarter octave from half of
// `l2_bytes` to 1.2x `last_bytes` (the caller's DeviceProfile::kEvictingShare of the last-level
// cache): the rate a layer reads its weights at from the caches as a function of the bytes touched
// between two reads of them (learn_cache_stream_curve). Empty when a size is unknown (0). Why a
// ladder of its own: the rate falls steeply where the weights outgrow the threads' level-2 caches
// (square Gemms, 2 threads: 78 GB/s at 2.0 MB, 53 at 2.9, 46 from 4 MB on), and the spread's
// Gemms reached that range rarely and in shapes of their own (an 11879x71 Gemm of 3.3 MB read at
// 43). mlp_mnist (2.7 MB) sat in that gap, +15 to +25 % at 2 threads from the median of all.
std::vector<KernelSpec> cache_ladder_specs(double l2_bytes, double last_bytes);

// Rejects specs too large to measure inside a calibration budget (compute and weight caps).
bool spec_is_measurable(const KernelSpec& spec);

}  // namespace dnntune::calib
