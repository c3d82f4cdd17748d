#pragma once
// Generated models for benchmarks: realistic exports (a ViT-B/16 written the way PyTorch exports
// it, shape subgraphs included) and large synthetic chains and DAGs.
#include <cstdint>

#include <onnx/onnx_pb.h>

namespace dnntune::bench {

// ViT-B/16 (Dosovitskiy et al., ICLR 2021): 224x224, patch 16, 12 blocks, width 768, 12 heads,
// MLP 3072. Reshape targets computed from Shape/Gather/Concat as PyTorch exports them.
onnx::ModelProto make_vit_b16();

// `layers` Conv+Relu layers in a chain (2 nodes each).
onnx::ModelProto make_conv_chain(int64_t layers);

// A DAG of `nodes` nodes: DenseNet-like blocks where every node reads the previous node and one
// earlier node (skip connections of varying length), so cuts carry several tensors.
onnx::ModelProto make_skip_dag(int64_t nodes);

}  // namespace dnntune::bench
