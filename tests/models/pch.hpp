// Precompiled once for every model test program (run_npy and layer_check): the library and the
// standard headers they include. A model's own header is not in here; it differs per program.
#pragma once
#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <onnx2hpp/onnx2hpp.hpp>
#if __has_include(<onnx2hpp/backends/simd/all.hpp>)
#include <onnx2hpp/backends/simd/all.hpp>
#endif
