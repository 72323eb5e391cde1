# One CLI test of onnx2hpp: runs the generator and checks its exit code, its messages and what
# happened to the output file.
#   cmake -DGENERATOR=path -DARGS="a|b|c" -DEXPECT_EXIT=n [-DEXPECT_TEXT="a|b"]
#         [-DOUTPUT=path -DEXPECT_OUTPUT=ON|OFF] -P run_case.cmake
# ARGS and EXPECT_TEXT are '|'-separated; every EXPECT_TEXT piece must appear in stdout+stderr.
# With OUTPUT, the file and its data header (<stem>_data.hpp next to it, unless ARGS has
# --single-header) are removed first and must exist afterwards exactly when EXPECT_OUTPUT is ON;
# no temporary or backup file may be left next to them either way.

string(REPLACE "|" ";" args "${ARGS}")
if(DEFINED OUTPUT)
  get_filename_component(folder "${OUTPUT}" DIRECTORY)
  get_filename_component(stem "${OUTPUT}" NAME_WLE)
  set(outputs "${OUTPUT}")
  list(FIND args "--single-header" single)
  if(single EQUAL -1)
    list(APPEND outputs "${folder}/${stem}_data.hpp")
  endif()
  file(REMOVE ${outputs})
endif()
execute_process(COMMAND "${GENERATOR}" ${args}
                RESULT_VARIABLE code OUTPUT_VARIABLE out ERROR_VARIABLE err)
set(all "${out}${err}")
set(problems "")
if(NOT code STREQUAL "${EXPECT_EXIT}")
  string(APPEND problems "exit code ${code}, expected ${EXPECT_EXIT}\n")
endif()
if(DEFINED EXPECT_TEXT)
  string(REPLACE "|" ";" texts "${EXPECT_TEXT}")
  foreach(text IN LISTS texts)
    string(FIND "${all}" "${text}" at)
    if(at EQUAL -1)
      string(APPEND problems "the output does not mention: ${text}\n")
    endif()
  endforeach()
endif()
if(DEFINED OUTPUT)
  foreach(file IN LISTS outputs)
    if(EXPECT_OUTPUT AND NOT EXISTS "${file}")
      string(APPEND problems "${file} was not written\n")
    elseif(NOT EXPECT_OUTPUT AND EXISTS "${file}" AND NOT IS_DIRECTORY "${file}")
      string(APPEND problems "${file} was left behind\n")
    endif()
    get_filename_component(name "${file}" NAME)
    file(GLOB leftovers "${folder}/.${name}.tmp.*" "${folder}/.${name}.old.*")
    if(leftovers)
      string(APPEND problems "temporary files left: ${leftovers}\n")
    endif()
  endforeach()
endif()
if(problems)
  message(FATAL_ERROR "onnx2hpp ${args}\n${problems}--- output ---\n${all}")
endif()
