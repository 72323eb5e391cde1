# run_npy on the NPU simulator: both presets run, print coverage and simulated cycles, and write
# outputs equal to the ref backend's byte for byte (the .npy files are compared whole).
#   cmake -DRUN_NPY=path -DINPUT=x.npy -DOUT_DIR=dir -P run_npy_npu_sim.cmake

file(REMOVE_RECURSE "${OUT_DIR}")
set(problems "")
foreach(backend ref npu-sim npu-sim:strict npu-sim:permissive)
  string(MAKE_C_IDENTIFIER "${backend}" dir)
  execute_process(COMMAND "${RUN_NPY}" --backend ${backend} --repeat 1 "${INPUT}"
                          --out "${OUT_DIR}/${dir}"
                  RESULT_VARIABLE code OUTPUT_VARIABLE out ERROR_VARIABLE err)
  message("--- run_npy --backend ${backend}: exit ${code}\n${out}${err}")
  if(NOT code EQUAL 0)
    string(APPEND problems "--backend ${backend} exited with ${code}\n")
  endif()
  if(backend MATCHES "^npu-sim")
    foreach(text "NPU coverage" "nodes on the NPU" "MACs" "simulated NPU cycles per inference")
      string(FIND "${out}" "${text}" at)
      if(at EQUAL -1)
        string(APPEND problems "--backend ${backend} does not print: ${text}\n")
      endif()
    endforeach()
  endif()
endforeach()

file(GLOB ref_outputs RELATIVE "${OUT_DIR}/ref" "${OUT_DIR}/ref/*.npy")
if(NOT ref_outputs)
  string(APPEND problems "the ref backend wrote no .npy output\n")
endif()
foreach(file IN LISTS ref_outputs)
  foreach(dir npu_sim npu_sim_strict npu_sim_permissive)
    execute_process(COMMAND ${CMAKE_COMMAND} -E compare_files "${OUT_DIR}/ref/${file}"
                            "${OUT_DIR}/${dir}/${file}" RESULT_VARIABLE differ)
    if(NOT differ EQUAL 0)
      string(APPEND problems "${dir}/${file} differs from ref/${file}\n")
    endif()
  endforeach()
endforeach()

if(problems)
  message(FATAL_ERROR "${problems}")
endif()
