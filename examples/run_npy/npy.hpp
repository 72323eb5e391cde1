// Minimal .npy (NumPy format 1.0/2.0) reading and writing of little-endian float32 arrays, for the
// run_npy tool. Host-only code: it allocates and reports errors as std::runtime_error.
#pragma once

#include <charconv>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string>
#include <vector>

namespace npy {

struct array {
  std::vector<std::size_t> shape;
  std::vector<float> data;
};

inline array read_float32(const std::string &path) {
  std::ifstream f(path, std::ios::binary);
  if (!f)
    throw std::runtime_error(path + ": cannot open");
  std::vector<char> bytes((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  if (bytes.size() < 10 || std::memcmp(bytes.data(), "\x93NUMPY", 6) != 0)
    throw std::runtime_error(path + ": not a .npy file");
  const int major = static_cast<unsigned char>(bytes[6]);
  std::size_t header_len = 0, offset = 0;
  if (major == 1) {
    header_len = static_cast<unsigned char>(bytes[8]) | (static_cast<unsigned char>(bytes[9]) << 8);
    offset = 10;
  } else {
    if (bytes.size() < 12)
      throw std::runtime_error(path + ": truncated header");
    for (int i = 0; i < 4; ++i)
      header_len |= std::size_t(static_cast<unsigned char>(bytes[8 + i])) << (8 * i);
    offset = 12;
  }
  if (bytes.size() < offset + header_len)
    throw std::runtime_error(path + ": truncated header");
  const std::string header(bytes.data() + offset, header_len);
  if (header.find("'descr': '<f4'") == std::string::npos)
    throw std::runtime_error(path + ": expected float32 ('<f4') data, header is " + header);
  if (header.find("'fortran_order': False") == std::string::npos)
    throw std::runtime_error(path + ": Fortran-ordered arrays are not supported");
  const auto open = header.find('(', header.find("'shape'"));
  const auto close = header.find(')', open);
  if (open == std::string::npos || close == std::string::npos)
    throw std::runtime_error(path + ": the header has no shape: " + header);
  array a;
  std::size_t count = 1;
  for (std::size_t pos = open + 1; pos < close;) {
    while (pos < close && (header[pos] == ' ' || header[pos] == ','))
      ++pos;
    if (pos >= close)
      break;
    std::size_t d = 0;
    const auto [end, ec] = std::from_chars(header.data() + pos, header.data() + close, d);
    if (ec != std::errc() || end == header.data() + pos)
      throw std::runtime_error(path +
                               ": the shape in the header is not a list of sizes: " + header);
    // The data must fit in the file, so the product is bounded by the file size: checked as it
    // grows, it cannot wrap around.
    if (d != 0 && count > (bytes.size() / 4) / d)
      throw std::runtime_error(path + ": its shape holds more floats than the file");
    a.shape.push_back(d);
    count *= d;
    pos = static_cast<std::size_t>(end - header.data());
  }
  const std::size_t data_offset = offset + header_len;
  if (bytes.size() - data_offset < count * 4)
    throw std::runtime_error(path + ": truncated data (" + std::to_string(count) +
                             " floats expected)");
  a.data.resize(count);
  std::memcpy(a.data.data(), bytes.data() + data_offset, count * 4);
  return a;
}

inline void write_float32(const std::string &path, const std::vector<std::size_t> &shape,
                          const float *data) {
  std::string dims;
  std::size_t count = 1;
  for (std::size_t d : shape) {
    dims += std::to_string(d) + ", ";
    count *= d;
  }
  if (!shape.empty())
    dims.erase(dims.size() - (shape.size() == 1 ? 1 : 2)); // "(3,)", "(1, 10)"
  std::string header = "{'descr': '<f4', 'fortran_order': False, 'shape': (" + dims + "), }";
  const std::size_t unpadded = 10 + header.size() + 1;
  header.append((64 - unpadded % 64) % 64, ' ');
  header.push_back('\n');
  std::ofstream f(path, std::ios::binary);
  if (!f)
    throw std::runtime_error(path + ": cannot write");
  f.write("\x93NUMPY\x01\x00", 8);
  const char len[2] = {static_cast<char>(header.size() & 0xff),
                       static_cast<char>(header.size() >> 8)};
  f.write(len, 2);
  f.write(header.data(), static_cast<std::streamsize>(header.size()));
  f.write(reinterpret_cast<const char *>(data), static_cast<std::streamsize>(count * 4));
  if (!f)
    throw std::runtime_error(path + ": write failed");
}

} // namespace npy
