// dnntune_benchgen OUT_DIR: writes the generated benchmark models as ONNX files, so that
// end-to-end CLI timings (bench/run.sh) read real files.
#include <fstream>
#include <iostream>

#include "bench/bench_models.h"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: dnntune_benchgen OUT_DIR\n";
    return 2;
  }
  const std::string dir = argv[1];
  auto write = [&](const std::string& name, const onnx::ModelProto& m) {
    std::ofstream(dir + "/" + name, std::ios::binary) << m.SerializeAsString();
  };
  write("vit_b_16.onnx", dnntune::bench::make_vit_b16());
  write("chain_20000.onnx", dnntune::bench::make_conv_chain(10000));
  write("dag_20000.onnx", dnntune::bench::make_skip_dag(20000));
  return 0;
}
