// Layer graph construction: fusion, operation counts and cut bytes on small hand-checked models.
#include <gtest/gtest.h>

#include "traces/onnx/model_loader.h"
#include "traces/onnx/onnx_builder.h"

namespace dnntune {
namespace {

// A model with a custom-domain operator that ONNX cannot infer (assembled without finish(),
// which runs strict shape inference).
onnx::ModelProto model_with_custom_op(OnnxBuilder& b) {
  onnx::ModelProto m;
  m.set_ir_version(kOnnxIrVersion);
  m.add_opset_import()->set_version(kOnnxOpset);
  auto* custom = m.add_opset_import();
  custom->set_domain("com.example");
  custom->set_version(1);
  *m.mutable_graph() = b.graph();
  return m;
}

LayerGraph build(OnnxBuilder& b, const LoadOptions& options = {}) {
  return build_layer_graph(b.finish(), "test-model", options);
}

TEST(LayerGraph, ConvBatchNormReluIsOneLayerWithConvMacs) {
  OnnxBuilder b("conv_bn_relu");
  auto x = b.add_input("x", {1, 3, 32, 32});
  auto c = b.conv("conv", x, 3, 16, ConvSpec::square(3, 1, 1));
  auto n = b.batch_norm("bn", c, 16);
  b.add_output(b.relu("relu", n));
  const LayerGraph g = build(b);
  ASSERT_EQ(g.size(), 1u);
  const Layer& l = g.layer(0);
  EXPECT_EQ(l.kind, "Conv");
  EXPECT_EQ(l.ops, (std::vector<std::string>{"Conv", "BatchNormalization", "Relu"}));
  // MACs = |Y| * Cin * kh * kw = (16*32*32) * 3 * 3 * 3
  EXPECT_EQ(l.macs, 16 * 32 * 32 * 27);
  // FLOPs = 2*MACs + BN 2/elem + Relu 1/elem
  EXPECT_EQ(l.flops, 2 * l.macs + 16 * 32 * 32 * 3);
  // weights: conv 16*3*3*3 (no bias) + BN 4 vectors of 16
  EXPECT_EQ(l.weight_elements, 16 * 27 + 4 * 16);
  EXPECT_EQ(l.weight_bytes, 4 * l.weight_elements);
  EXPECT_EQ(l.output_bytes, 16 * 32 * 32 * 4);
  EXPECT_EQ(g.input_cut_bytes, 3 * 32 * 32 * 4);
  EXPECT_EQ(g.cut_bytes[0], 0);  // everything on the phone: nothing crosses
  EXPECT_EQ(g.download_after(-1), 16 * 32 * 32 * 4);
}

TEST(LayerGraph, NoFusionRulesGiveOneLayerPerNode) {
  OnnxBuilder b("conv_relu");
  auto x = b.add_input("x", {1, 3, 8, 8});
  b.add_output(b.relu("relu", b.conv("conv", x, 3, 4, ConvSpec::square(1))));
  LoadOptions o;
  o.fusion = no_fusion_rules();
  EXPECT_EQ(build(b, o).size(), 2u);
}

TEST(LayerGraph, ResidualAddIsNotFusedIntoConvAndCutsCountSharedTensorsOnce) {
  // x -> conv1 -> relu -> conv2 -> add(conv2, relu_out) -> out
  OnnxBuilder b("residual");
  auto x = b.add_input("x", {1, 8, 16, 16});
  auto r = b.relu("relu0", b.conv("conv1", x, 8, 8, ConvSpec::square(3, 1, 1)));
  auto c2 = b.conv("conv2", r, 8, 8, ConvSpec::square(3, 1, 1));
  b.add_output(b.add("add", c2, r));
  const LayerGraph g = build(b);
  ASSERT_EQ(g.size(), 3u);  // conv1+relu, conv2, add
  EXPECT_EQ(g.layer(0).ops, (std::vector<std::string>{"Conv", "Relu"}));
  EXPECT_EQ(g.layer(1).ops, (std::vector<std::string>{"Conv"}));
  EXPECT_EQ(g.layer(2).kind, "Add");
  const int64_t t = 8 * 16 * 16 * 4;  // bytes of one activation
  EXPECT_EQ(g.cut_after(-1), t);      // the input
  EXPECT_EQ(g.cut_after(0), t);       // relu out, read by conv2 and add: sent once
  EXPECT_EQ(g.cut_after(1), 2 * t);   // conv2 out + relu out
  EXPECT_EQ(g.cut_after(2), 0);
  EXPECT_EQ(boost::num_edges(g.dag), 3u);
}

TEST(LayerGraph, GemmAndBatchedMatMulMacs) {
  OnnxBuilder b("mm");
  auto x = b.add_input("x", {4, 64});
  auto y = b.gemm("fc", x, 64, 32);  // MACs = M*N*K = 4*32*64
  auto q = b.add_input("q", {2, 8, 10, 16});
  auto k = b.add_input("k", {2, 8, 16, 10});
  auto s = b.matmul("scores", q, k);  // MACs = |Y| * K = (2*8*10*10) * 16
  b.add_output(y);
  b.add_output(s);
  const LayerGraph g = build(b);
  ASSERT_EQ(g.size(), 2u);
  EXPECT_EQ(g.layer(0).macs, 4 * 32 * 64);
  EXPECT_EQ(g.layer(1).macs, 2 * 8 * 10 * 10 * 16);
  EXPECT_EQ(g.totals.macs, 4 * 32 * 64 + 2 * 8 * 10 * 10 * 16);
  EXPECT_EQ(g.totals.params, 32 * 64 + 32);
}

TEST(LayerGraph, LstmMacsCountInputAndRecurrentWeightsPerStep) {
  OnnxBuilder b("lstm");
  auto x = b.add_input("x", {35, 1, 256});
  auto out = b.lstm("lstm", x, 256, 512);
  b.add_output(out.y);
  const LayerGraph g = build(b);
  ASSERT_EQ(g.size(), 1u);
  // seq * batch * (|W| + |R|) = 35 * 1 * (4*512*256 + 4*512*512)
  EXPECT_EQ(g.layer(0).macs, 35LL * (4 * 512 * 256 + 4 * 512 * 512));
}

TEST(LayerGraph, ShapeComputationsAreFoldedAndResolved) {
  // Reshape target computed from Shape -> Gather -> Concat (as PyTorch exports x.view(n, -1)).
  OnnxBuilder b("dyn_reshape");
  auto x = b.add_input("x", {2, 3, 4, 5});
  auto shape = b.op("Shape", "shape", {x});
  auto idx = b.add_int64_constant("idx0", {1}, {0});
  auto n = b.op("Gather", "batch", {shape, idx});
  auto minus1 = b.add_int64_constant("minus1", {1}, {-1});
  auto target = b.op("Concat", "target", {n, minus1}, {attr_int("axis", 0)});
  auto r = b.op("Reshape", "reshape", {b.relu("relu", x), target});
  b.add_output(r);
  const LayerGraph g = build(b);
  ASSERT_EQ(g.size(), 2u);  // relu, reshape; Shape/Gather/Concat are folded away
  EXPECT_EQ(g.layer(1).kind, "Reshape");
  ASSERT_EQ(g.layer(1).outputs.size(), 1u);
  EXPECT_EQ(g.layer(1).outputs[0].shape, (std::vector<int64_t>{2, 60}));
}

TEST(LayerGraph, BatchOptionRescalesEverything) {
  OnnxBuilder b("batch");
  auto x = b.add_input("x", {1, 3, 8, 8});
  b.add_output(b.flatten("flat", b.conv("conv", x, 3, 4, ConvSpec::square(3, 1, 1))));
  LoadOptions o;
  o.batch = 8;
  const LayerGraph g1 = build_layer_graph(b.finish(), "m");
  OnnxBuilder b2("batch");
  auto x2 = b2.add_input("x", {1, 3, 8, 8});
  b2.add_output(b2.flatten("flat", b2.conv("conv", x2, 3, 4, ConvSpec::square(3, 1, 1))));
  const LayerGraph g8 = build_layer_graph(b2.finish(), "m", o);
  EXPECT_EQ(g8.totals.macs, 8 * g1.totals.macs);
  EXPECT_EQ(g8.input_cut_bytes, 8 * g1.input_cut_bytes);
  EXPECT_EQ(g8.inputs[0].shape, (std::vector<int64_t>{8, 3, 8, 8}));
}

TEST(LayerGraph, UnknownOperatorIsFlaggedAndWarnedNotCostedAsZeroSilently) {
  // A custom-domain operator: ONNX cannot infer it, the exporter declared its output's shape.
  OnnxBuilder b("unknown");
  auto x = b.add_input("x", {1, 4});
  b.add_node("Mystery", {x}, {"mystery"}, {}, "mystery").set_domain("com.example");
  b.add_output(b.relu("relu", "mystery"));
  onnx::ModelProto m = model_with_custom_op(b);
  auto* vi = m.mutable_graph()->add_value_info();
  vi->set_name("mystery");
  vi->mutable_type()->mutable_tensor_type()->set_elem_type(onnx::TensorProto::FLOAT);
  for (int64_t d : {1, 4})
    vi->mutable_type()->mutable_tensor_type()->mutable_shape()->add_dim()->set_dim_value(d);
  const LayerGraph g = build_layer_graph(m, "test-model");
  ASSERT_EQ(g.size(), 2u);
  EXPECT_TRUE(g.layer(0).unknown_cost);
  EXPECT_FALSE(g.layer(1).unknown_cost);
  EXPECT_EQ(g.totals.unknown_cost_layers, 1);
  ASSERT_EQ(g.warnings.size(), 1u);
  EXPECT_NE(g.warnings[0].find("Mystery"), std::string::npos);
  EXPECT_NE(g.warnings[0].find("mystery"), std::string::npos);
}

// If(cond) { y = Conv3x3(x) (pad 1) } else { y = Conv1x1(x) }: both [1,3,4,4] for x [1,2,4,4].
// MACs: then |Y| * Cin * 9 = 48 * 18 = 864; else |Y| * Cin = 48 * 2 = 96.
void add_conv_if(OnnxBuilder& b, const std::string& cond, const std::string& x) {
  onnx::GraphProto branches[2];
  const char* names[2] = {"then", "else"};
  for (int i = 0; i < 2; ++i) {
    const int64_t k = i == 0 ? 3 : 1;
    auto w = b.add_initializer(std::string("w_") + names[i], {3, 2, k, k});
    auto& g = branches[i];
    g.set_name(names[i]);
    auto* conv = g.add_node();
    conv->set_op_type("Conv");
    conv->set_name(std::string(names[i]) + "_conv");
    conv->add_input(x);
    conv->add_input(w);
    conv->add_output(std::string(names[i]) + "_out");
    *conv->add_attribute() = attr_ints("pads", {k / 2, k / 2, k / 2, k / 2});
    auto* o = g.add_output();
    o->set_name(std::string(names[i]) + "_out");
    o->mutable_type()->mutable_tensor_type()->set_elem_type(onnx::TensorProto::FLOAT);
  }
  auto& node = b.add_node("If", {cond}, {"y"}, {}, "branch");
  for (int i = 0; i < 2; ++i) {
    auto* a = node.add_attribute();
    a->set_name(std::string(names[i]) + "_branch");
    a->set_type(onnx::AttributeProto::GRAPH);
    *a->mutable_g() = branches[i];
  }
  b.add_output("y");
}

TEST(LayerGraph, IfWithLoadTimeConditionIsInlined) {
  // cond = (Shape(x)[0] == 1): known at load time, so the then-branch's Conv becomes a layer.
  OnnxBuilder b("if_model");
  auto x = b.add_input("x", {1, 2, 4, 4});
  auto shape = b.op("Shape", "shape", {x});
  auto n = b.op("Gather", "n", {shape, b.add_int64_constant("zero", {}, {0})});
  auto cond = b.op("Equal", "is_one", {n, b.add_int64_constant("one", {}, {1})});
  add_conv_if(b, cond, x);
  const LayerGraph g = build(b);
  ASSERT_EQ(g.size(), 1u);
  EXPECT_EQ(g.layer(0).kind, "Conv");
  EXPECT_EQ(g.layer(0).nodes, std::vector<std::string>{"then_conv"});
  EXPECT_EQ(g.layer(0).macs, 864);
}

TEST(LayerGraph, IfWithRunTimeConditionCostsItsCostlierBranch) {
  // cond is a model input: the If stays one layer, costed as its costlier branch (the 3x3 Conv).
  OnnxBuilder b("if_runtime");
  auto x = b.add_input("x", {1, 2, 4, 4});
  auto cond = b.add_input("cond", {}, onnx::TensorProto::BOOL);
  add_conv_if(b, cond, x);
  const LayerGraph g = build(b);
  ASSERT_EQ(g.size(), 1u);
  EXPECT_EQ(g.layer(0).kind, "If");
  EXPECT_EQ(g.layer(0).macs, 864);
  EXPECT_FALSE(g.layer(0).unknown_cost);
  EXPECT_EQ(g.layer(0).outputs[0].shape, (std::vector<int64_t>{1, 3, 4, 4}));
}

TEST(LayerGraph, SharedWeightCountsOncePerLayerButOnceInTotals) {
  // Two MatMuls read the same [16,16] weight (tied embeddings do this).
  OnnxBuilder b("tied");
  auto x = b.add_input("x", {1, 16});
  auto w = b.add_initializer("shared_w", {16, 16});
  auto h = b.matmul("mm1", x, w);
  b.add_output(b.matmul("mm2", b.relu("relu", h), w));
  const LayerGraph g = build(b);
  ASSERT_EQ(g.size(), 2u);
  EXPECT_EQ(g.layer(0).weight_bytes, 16 * 16 * 4);
  EXPECT_EQ(g.layer(1).weight_bytes, 16 * 16 * 4);
  EXPECT_EQ(g.totals.weight_bytes, 16 * 16 * 4);
  EXPECT_EQ(g.totals.params, 16 * 16);
  // Activations: each layer's output once (mm1+relu fused: [1,16]; mm2: [1,16]), 4 bytes each.
  EXPECT_EQ(g.totals.activation_bytes, 2 * 16 * 4);
}

TEST(LayerGraph, ParseShapeAcceptsXAndCommaAndRejectsGarbage) {
  EXPECT_EQ(parse_shape("1x3x224x224"), (std::vector<int64_t>{1, 3, 224, 224}));
  EXPECT_EQ(parse_shape("2,35"), (std::vector<int64_t>{2, 35}));
  EXPECT_THROW(parse_shape("1xx3"), std::exception);
  EXPECT_THROW(parse_shape("1x-3"), std::exception);
  EXPECT_THROW(parse_shape("0x3"), std::exception);
  EXPECT_THROW(parse_shape("abc"), std::exception);
}

TEST(LayerGraph, UnknownOperatorWithoutDeclaredShapeIsAClearError) {
  OnnxBuilder b("unknown");
  auto x = b.add_input("x", {1, 4});
  b.add_node("Mystery", {x}, {"mystery"}, {}, "mystery").set_domain("com.example");
  b.add_output(b.relu("relu", "mystery"));
  onnx::ModelProto m = model_with_custom_op(b);
  try {
    build_layer_graph(m, "test-model");
    FAIL();
  } catch (const std::exception& e) {
    EXPECT_NE(std::string(e.what()).find("no ONNX shape inference"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace dnntune
