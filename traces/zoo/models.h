#pragma once
// One builder per suite model, each in its own file (one file per model family). Contract: each
// returns a complete opset-13 model for `options` or throws InputError(model name, ...).
#include <onnx/onnx_pb.h>

#include "traces/zoo/zoo.h"

namespace dnntune::zoo {

onnx::ModelProto build_inception_v1(const ZooOptions& options);            // inception_v1.cpp
onnx::ModelProto build_inception_v3(const ZooOptions& options);            // inception_v3.cpp
onnx::ModelProto build_resnet50(const ZooOptions& options);                // resnet.cpp
onnx::ModelProto build_vgg16(const ZooOptions& options);                   // vgg.cpp
onnx::ModelProto build_mobilenet_v1(const ZooOptions& options);            // mobilenet_v1.cpp
onnx::ModelProto build_mobilenet_v2(const ZooOptions& options);            // mobilenet_v2.cpp
onnx::ModelProto build_squeezenet_v1_1(const ZooOptions& options);         // squeezenet.cpp
onnx::ModelProto build_shufflenet_v2_0_5(const ZooOptions& options);       // shufflenet_v2.cpp
onnx::ModelProto build_deeplabv3_mobilenet_v2(const ZooOptions& options);  // deeplabv3.cpp
onnx::ModelProto build_rnn_ptb_small(const ZooOptions& options);           // rnn_ptb.cpp
onnx::ModelProto build_deepspeech(const ZooOptions& options);              // deepspeech.cpp
onnx::ModelProto build_mnist_mlp(const ZooOptions& options);               // mnist_mlp.cpp
onnx::ModelProto build_transformer(const ZooOptions& options);             // transformer.cpp
onnx::ModelProto build_alexnet(const ZooOptions& options);                 // alexnet.cpp

}  // namespace dnntune::zoo
