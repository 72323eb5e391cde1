// emit/: C++ spelling of values, the header's structure, atomic writes.

#include "emit/cpp_text.hpp"
#include "emit/header.hpp"
#include "passes/passes.hpp"
#include "report/layer_table.hpp"
#include "support/expect_error.hpp"
#include "support/model_builder.hpp"

#include <algorithm>
#include <doctest/doctest.h>
#include <fstream>
#include <sstream>
#include <unistd.h>

using namespace onnx2hpp::codegen;
using namespace onnx2hpp::codegen::testing;

TEST_SUITE("emit") {

  TEST_CASE("identifiers from ONNX names") {
    CHECK(emit::identifier("/conv1/Conv") == "conv1_Conv");
    CHECK(emit::identifier("stage2.0/branch:1") == "stage2_0_branch_1");
    CHECK(emit::identifier("0_conv") == "t_0_conv");
    CHECK(emit::identifier("///") == "t_");
    CHECK(emit::identifier("class") == "class_");
  }

  TEST_CASE("identifiers never spell a macro: all-capital names and the standard lower-case "
            "macros get a suffix") {
    CHECK(emit::identifier("NULL") == "NULL_");
    CHECK(emit::identifier("EOF") == "EOF_");
    CHECK(emit::identifier("FC_1") == "FC_1_");
    CHECK(emit::identifier("assert") == "assert_");
    CHECK(emit::identifier("linux") == "linux_");
    CHECK(emit::identifier("Conv_0") == "Conv_0");
    CHECK(emit::identifier("a__b") == "a_b"); // "__" is reserved
  }

  TEST_CASE("--namespace must be a C++ name") {
    CHECK_FALSE(emit::namespace_problem("digits"));
    CHECK_FALSE(emit::namespace_problem("app::models::v2"));
    CHECK(emit::namespace_problem("int"));
    CHECK(emit::namespace_problem(""));
    CHECK(emit::namespace_problem("std"));
    CHECK(emit::namespace_problem("9lives"));
    CHECK(emit::namespace_problem("a-b"));
    CHECK(emit::namespace_problem("a::"));
    CHECK(emit::namespace_problem("x__y"));
    CHECK(emit::namespace_problem("_Big"));
    CHECK(emit::namespace_problem("a\nb"));
    auto model = lower::lower(passes::run_default_pipeline(small_qdq_cnn().import()));
    auto [kind, message] = failure_of([&] { emit::emit_header(model, {"int", "0"}); });
    CHECK(kind == failure::usage);
    CHECK(contains(message, "keyword"));
  }

  TEST_CASE("a hostile model's names stay inside their comments and string literals") {
    auto model = lower::lower(passes::run_default_pipeline(hostile_names_model().import()));
    auto text = emit::emit_header(model, {"hostile", "0"});
    emit::check_header_text(text); // printable ASCII, no continuation, only our directives
    std::istringstream lines(text);
    std::size_t directives = 0;
    for (std::string line; std::getline(lines, line);) {
      CHECK_FALSE(line.starts_with("static const int injected"));
      CHECK_FALSE(line.starts_with("#error"));
      CHECK_FALSE(line.starts_with("#define"));
      CHECK_FALSE(line.starts_with("#include \""));
      directives += line.starts_with("#") ? 1 : 0;
    }
    CHECK(directives == 7); // #pragma once and the six #include <...> the generator writes
    CHECK(contains(text, "evil\\x0astatic const int injected")); // shown, escaped, in a comment
    // The conv ("conv\n") declares conv_weights; the max pool named "conv_weights" is renamed.
    CHECK(contains(text, "inline constexpr char conv_weights[]"));
    CHECK(contains(text, "using conv_weights_2_t = onnx2hpp::max_pool2d"));
    CHECK(contains(text, "using NULL__t = onnx2hpp::dense")); // NULL is a macro: NULL_
    // The report: one line per node, whatever the names hold.
    auto table = report::format_table(report::layer_table(model.graph));
    CHECK(std::count(table.begin(), table.end(), '\n') == model.graph.ops.size() + 2);
    CHECK_FALSE(contains(table, "\x1b"));
  }

  TEST_CASE("the header check refuses what the generator never writes") {
    auto refused = [](const std::string &text) {
      return failure_of([&] { emit::check_header_text(text); }).first == failure::internal;
    };
    CHECK_NOTHROW(emit::check_header_text("#pragma once\n#include <array>\n// fine\nint x;\n"));
    CHECK(refused("// a\n#include \"/etc/passwd\"\n"));
    // The data header next to the header is the one quoted include: a plain file name.
    CHECK_NOTHROW(emit::check_header_text("#include \"model_data.hpp\"\n"));
    CHECK(refused("#include \"../model_data.hpp\"\n"));
    CHECK(refused("#include \"model_data.hpp\" // x\n"));
    CHECK(refused("#include \".hidden.hpp\"\n"));
    CHECK(refused("#include \"model.h\"\n"));
    CHECK(refused("#define X 1\n"));
    CHECK(refused("// comment \\\nint spliced;\n"));
    CHECK(refused("int x; // \x1b[31m\n"));
    CHECK(refused("int x; // caf\xc3\xa9\n"));
  }

  TEST_CASE("-o may not destroy the model, its data or a special file") {
    temp_dir dir;
    auto model = dir / "m.onnx";
    write_file(model, "x");
    std::filesystem::create_symlink(model, dir / "link.hpp");
    CHECK(failure_of([&] { emit::check_output_path(model, {model}); }).first == failure::usage);
    CHECK(failure_of([&] { emit::check_output_path(dir / "link.hpp", {model}); }).first ==
          failure::usage);
    CHECK(failure_of([&] { emit::check_output_path("/dev/null", {model}); }).first ==
          failure::usage);
    CHECK(failure_of([&] { emit::check_output_path(dir.path(), {model}); }).first ==
          failure::usage);
    emit::check_output_path(dir / "new.hpp", {model}); // a new file is fine
    write_file(dir / "old.hpp", "// old header");
    emit::check_output_path(dir / "old.hpp", {model}); // and so is an old header
  }

  TEST_CASE("float literals read back exactly and always look like floats") {
    CHECK(emit::float_literal(2.0f) == "2.0f");
    CHECK(emit::float_literal(0.5f) == "0.5f");
    CHECK(emit::float_literal(1e-5f) == "1e-05f");
    CHECK(emit::float_literal(0.1f) == "0.1f");
    CHECK(std::stof(emit::float_literal(0.0078701712f)) == 0.0078701712f);
  }

  TEST_CASE("byte string literals: printable bytes as themselves, the rest as \\x escapes") {
    std::vector<std::uint8_t> bytes{'z', 0x01, 'a', 0x0f, '7', 'g', '"', '\\', '?', 0xff};
    // 'a' and '7' right after an escape would extend it (hex digits), so they are escaped too;
    // 'g' is no hex digit.
    CHECK(emit::byte_string_literal(bytes) == R"("z\x01\x61\x0f\x37g\x22\x5c\x3f\xff")");
    std::vector<std::uint8_t> many(100, 0);
    auto text = emit::byte_string_literal(many, 40, "  ");
    CHECK(text.find("\"\n  \"") != std::string::npos); // split into adjacent literals
  }

  TEST_CASE("string literals of names escape quotes, backslashes and control characters") {
    CHECK(emit::string_literal("a\"b\\c\n1") == R"("a\"b\\c\0121")");
    // Bytes >= 0x80 (invalid UTF-8 warns in some compilers, U+202E reorders text) and '?'
    // (trigraphs) are escaped too.
    CHECK(emit::string_literal("\xe2\x80\xae?\?/") == R"("\342\200\256\077\077/")");
  }

  TEST_CASE("the header has the comment block, constants, layers, graph and I/O metadata") {
    auto model = lower::lower(passes::run_default_pipeline(small_qdq_cnn().import()));
    auto text = unwrapped(emit::emit_header(model, {"small", "1.2.3"}));
    auto has = [&](const std::string &part) {
      INFO(part);
      CHECK(text.find(part) != std::string::npos);
    };
    has("// Generated by onnx2hpp 1.2.3 from test.onnx");
    has("// producer: pytorch");
    has("#pragma once");
    has("#include <onnx2hpp/onnx2hpp.hpp>");
    has("namespace small {");
    has("alignas(16) inline constexpr char conv_weights[] =");
    has("inline constexpr std::array<std::int32_t, 2> conv_bias{");
    has("onnx2hpp::conv2d<onnx2hpp::shape<1, 4, 4, 1>, onnx2hpp::conv2d_attrs{.out_channels = 2");
    has(".pad_top = 1");
    has("onnx2hpp::max_pool2d<onnx2hpp::shape<1, 4, 4, 2>");
    has("onnx2hpp::transpose<onnx2hpp::shape<1, 2, 2, 2>, 0, 3, 1, 2>");
    has("onnx2hpp::reshape<onnx2hpp::shape<1, 2, 2, 2>, onnx2hpp::shape<1, 8>>");
    has("onnx2hpp::dense<onnx2hpp::shape<1, 8>, 3>");
    has("onnx2hpp::node<\"conv\", onnx2hpp::in<0>, 1>(conv_packed)");
    has("using graph_type = std::remove_cvref_t<decltype(graph)>;");
    has("input_info{{");
    has(".name = \"input\", .onnx_shape = input0_onnx_shape");
    has(".onnx_is_nchw = true");
    has("node_info{{");
    // Fields equal to the library's defaults are left out: stride 1, dilation 1, one group.
    CHECK_FALSE(contains(text, ".stride_h = 1"));
    CHECK_FALSE(contains(text, ".dilation_h"));
    CHECK_FALSE(contains(text, ".groups"));
    CHECK_FALSE(contains(text, ".lut = nullptr"));
    // The layer table numbers rows as the graph numbers its nodes; boundary ops get "-".
    has("//   -  "); // the boundary quantize
    has("//   0  conv");
    // Every line fits the project's line length (the constants' literals included).
    std::size_t longest = 0, start = 0;
    const auto wrapped = emit::emit_header(model, {"small", "1.2.3"});
    for (auto end = wrapped.find('\n'); end != std::string::npos;
         start = end + 1, end = wrapped.find('\n', start))
      longest = std::max(longest, end - start);
    CHECK(longest <= 100);
  }

  TEST_CASE("--split-data: the constants go to a data header that the header includes") {
    auto model = lower::lower(passes::run_default_pipeline(small_qdq_cnn().import()));
    emit::header_options options{"small", "1.2.3"};
    options.data_header = "small_data.hpp";
    auto files = emit::emit_files(model, options);
    CHECK(contains(files.header, "\n#include \"small_data.hpp\"\n"));
    CHECK_FALSE(contains(files.header, "conv_weights[] ="));
    CHECK(contains(files.data, "alignas(16) inline constexpr char conv_weights[] ="));
    CHECK(contains(files.data, "alignas(64) inline constexpr char conv_pack_weights[] ="));
    CHECK(contains(files.data, "namespace small {"));
    CHECK(contains(files.header, "inline constexpr auto graph"));
    // One header again: the same declarations, the constants in it.
    auto single = emit::emit_header(model, options);
    CHECK(contains(single, "conv_weights[] ="));
    CHECK_FALSE(contains(single, "#include \""));
    CHECK(emit::data_header_path("out/model.hpp") == std::filesystem::path("out/model_data.hpp"));
    CHECK(emit::data_header_path("a b\".hpp").filename() == "a_b__data.hpp");
  }

  TEST_CASE("conv and dense carry their simd packs; --no-simd-packs leaves them out") {
    auto model = lower::lower(passes::run_default_pipeline(small_qdq_cnn().import()));
    auto text = unwrapped(emit::emit_header(model, {"small", "1.2.3"}));
    auto has = [&](const std::string &t, const std::string &part) {
      INFO(part);
      return t.find(part) != std::string::npos;
    };
    CHECK(has(text, "#include <onnx2hpp/backends/simd/pack.hpp>"));
    CHECK(has(text, "// -- backends::simd packs:"));
    // conv 3x3, 1 -> 2 channels: K = 9 -> 3 groups of 4 k, one block of 16 channels: 192 bytes
    CHECK(has(text, "alignas(64) inline constexpr char conv_pack_weights[] ="));
    CHECK(
        has(text, "alignas(64) inline constexpr std::array<std::int32_t, 16> conv_pack_offsets{"));
    CHECK(has(text, "inline constexpr onnx2hpp::simd::packed<conv_t> conv_packed{conv, "
                    "onnx2hpp::simd::gemm_pack_view{{onnx2hpp::from_bytes, conv_pack_weights}, "
                    "conv_pack_offsets}};"));
    std::size_t wrappers = 0; // conv and dense
    for (auto at = text.find("inline constexpr onnx2hpp::simd::packed<"); at != std::string::npos;
         at = text.find("inline constexpr onnx2hpp::simd::packed<", at + 1))
      ++wrappers;
    CHECK(wrappers == 2);
    emit::header_options plain{"small", "1.2.3"};
    plain.simd_packs = false;
    auto without = emit::emit_header(model, plain);
    CHECK_FALSE(has(without, "_pack"));
    CHECK_FALSE(has(without, "simd"));
    CHECK(has(without, "onnx2hpp::node<\"conv\", onnx2hpp::in<0>, 1>(conv)"));
  }

  TEST_CASE("ops without a library layer are listed together") {
    model_builder m;
    using TP = onnx::TensorProto;
    auto x = m.input("x", TP::FLOAT, {1, 4, 3});
    auto q = m.dequantize(m.quantize(x, 0.1f, 0), 0.1f, 0);
    auto &softmax = m.node("Softmax", {q}, "softmax_c");
    model_builder::attr(softmax, "axis", std::int64_t{1}); // not the last axis: no layer
    m.output(m.dequantize(m.quantize(model_builder::out("softmax_c"), 1.0f / 256, -128), 1.0f / 256,
                          -128),
             TP::FLOAT, {1, 4, 3});
    auto model = lower::lower(passes::run_default_pipeline(m.import()));
    auto [kind, message] = failure_of([&] { emit::emit_header(model, {"m", "0"}); });
    CHECK(kind == failure::unsupported_model);
    CHECK(contains(message, "no layer for"));
    CHECK(contains(message, "node 'softmax_c' (Softmax)"));
    CHECK(contains(message, "last axis only"));
  }

  TEST_CASE("the default namespace is the model's file name as an identifier") {
    CHECK(emit::default_namespace("/models/resnet8-cifar.v2.onnx") == "resnet8_cifar_v2");
  }

  TEST_CASE("writing is atomic: the whole file or nothing, no temporary left") {
    temp_dir dir;
    emit::write_atomically(dir / "a.hpp", "first");
    emit::write_atomically(dir / "a.hpp", "second");
    std::ifstream in(dir / "a.hpp");
    std::stringstream content;
    content << in.rdbuf();
    CHECK(content.str() == "second");
    std::size_t files = 0;
    for ([[maybe_unused]] const auto &entry : std::filesystem::directory_iterator(dir.path()))
      ++files;
    CHECK(files == 1);
    auto [kind, message] =
        failure_of([&] { emit::write_atomically(dir / "missing" / "b.hpp", "x"); });
    CHECK(kind == failure::output_failed);
    CHECK(contains(message, "cannot write"));
  }

  TEST_CASE("the header and its data header are written together or not at all") {
    temp_dir dir;
    auto read = [](const std::filesystem::path &p) {
      std::ifstream in(p);
      std::stringstream content;
      content << in.rdbuf();
      return content.str();
    };
    auto entries = [&] {
      std::size_t n = 0;
      for ([[maybe_unused]] const auto &entry : std::filesystem::directory_iterator(dir.path()))
        ++n;
      return n;
    };
    emit::write_files({{dir / "m_data.hpp", "data 1"}, {dir / "m.hpp", "header 1"}});
    CHECK(read(dir / "m_data.hpp") == "data 1");
    CHECK(read(dir / "m.hpp") == "header 1");
    // The second file cannot be written: the first keeps its old content.
    auto [kind, message] = failure_of([&] {
      emit::write_files({{dir / "m_data.hpp", "data 2"}, {dir / "missing" / "m.hpp", "x"}});
    });
    CHECK(kind == failure::output_failed);
    CHECK(contains(message, "cannot write"));
    CHECK(read(dir / "m_data.hpp") == "data 1");
    CHECK(entries() == 2);
    // The second file is written but cannot replace what is there (a folder): both roll back.
    std::filesystem::create_directory(dir / "folder.hpp");
    auto [kind2, message2] = failure_of([&] {
      emit::write_files({{dir / "m_data.hpp", "data 3"}, {dir / "folder.hpp", "header 3"}});
    });
    CHECK(kind2 == failure::output_failed);
    CHECK(read(dir / "m_data.hpp") == "data 1");
    CHECK(std::filesystem::is_directory(dir / "folder.hpp"));
    CHECK(entries() == 3); // m_data.hpp, m.hpp, folder.hpp: no temporary or backup left
  }

  TEST_CASE("a read-only folder is reported as such, not as a missing file") {
    if (::geteuid() == 0)
      return; // root writes anywhere; the CLI case covers the message
    temp_dir dir;
    std::filesystem::permissions(dir.path(), std::filesystem::perms::owner_read |
                                                 std::filesystem::perms::owner_exec);
    auto [kind, message] = failure_of([&] { emit::write_atomically(dir / "b.hpp", "x"); });
    std::filesystem::permissions(dir.path(), std::filesystem::perms::owner_all);
    CHECK(kind == failure::output_failed);
    CHECK(contains(message, "Permission denied"));
  }
}
