// uint8_to_int8: every quantized uint8 tensor becomes int8 with the same real values.
//
// real = s * (q - zp) = s * ((q - 128) - (zp - 128)), so values and zero points shift by 128 and
// scales stay. The library then only needs int8 kernels.

#include "passes/passes.hpp"

namespace onnx2hpp::codegen::passes {

ir::graph uint8_to_int8(ir::graph g) {
  for (auto &t : g.tensors) {
    if (t.type != ir::dtype::u8 || !t.quant)
      continue;
    t.type = ir::dtype::i8;
    t.code_offset = 128; // the model's own uint8 codes
    for (auto &zp : t.quant->zero_point)
      zp -= 128;
    if (t.value) {
      auto v = t.value->ints();
      for (auto &x : v)
        x -= 128;
      t.value = ir::constant_data::of(ir::dtype::i8, v);
    }
  }
  return g;
}

} // namespace onnx2hpp::codegen::passes
