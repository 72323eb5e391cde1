# cmake -DGENERATOR=... -DMODEL=x.onnx -DHEADER=x.hpp [-DROUNDING=onnxruntime|fixed-point]
#       -P generate_model.cmake
# Runs the generator with --namespace onnx2hpp_model (and --rounding ROUNDING when set; otherwise
# the generator's default rounding mode). When it fails, writes a header defining
# ONNX2HPP_MODEL_SKIPPED (the generator's message) instead, so one unsupported model does not
# stop the benchmark build.
get_filename_component(dir "${HEADER}" DIRECTORY)
file(MAKE_DIRECTORY "${dir}")
set(rounding_args)
if(ROUNDING)
  set(rounding_args --rounding "${ROUNDING}")
endif()
execute_process(COMMAND "${GENERATOR}" "${MODEL}" -o "${HEADER}" --namespace onnx2hpp_model
                        ${rounding_args}
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  string(STRIP "${err}${out}" why)
  message(WARNING "onnx2hpp: ${MODEL} is not benchmarked: ${why}")
  file(WRITE "${HEADER}" "// ${MODEL}: the generator failed (exit ${rc}).\n#pragma once\n"
                         "inline constexpr char onnx2hpp_model_skipped[] = R\"onnx2hpp(${why})onnx2hpp\";\n"
                         "#define ONNX2HPP_MODEL_SKIPPED onnx2hpp_model_skipped\n")
endif()
