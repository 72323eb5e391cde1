# run_npy refuses bad command lines and inputs with a message and a non-zero exit, never with an
# uncaught exception: --repeat that is not a count, and .npy inputs whose shape is not the model's
# (the same number of values in another shape, or a header whose shape product wraps around).
#   cmake -DRUN_NPY=path -DPYTHON=python3 -DWORK_DIR=dir -P run_npy_bad_input.cmake
# The model is digits_cnn: one input of ONNX shape (1,1,8,8).

file(REMOVE_RECURSE "${WORK_DIR}")
file(MAKE_DIRECTORY "${WORK_DIR}")
execute_process(COMMAND "${PYTHON}" -c [=[
import numpy as np, sys
d = sys.argv[1]
np.save(d + "/good.npy", np.zeros((3, 1, 8, 8), np.float32))
np.save(d + "/nhwc.npy", np.zeros((1, 8, 8, 1), np.float32))
np.save(d + "/flat.npy", np.zeros((2, 32), np.float32))
# A header whose shape product wraps around 2^64 to 64 floats: (2^32, 2^32 + 0) * ... crafted by
# hand, with the 256 bytes of data of 64 floats.
header = "{'descr': '<f4', 'fortran_order': False, 'shape': (4294967296, 4294967296, 64), }"
header += " " * (63 - (10 + len(header)) % 64) + "\n"
with open(d + "/wrap.npy", "wb") as f:
    f.write(b"\x93NUMPY\x01\x00" + len(header).to_bytes(2, "little") + header.encode())
    f.write(b"\0" * 256)
]=] "${WORK_DIR}" RESULT_VARIABLE code)
if(NOT code EQUAL 0)
  message(FATAL_ERROR "could not write the test inputs with ${PYTHON} (numpy)")
endif()

set(problems "")
# case: expected exit code, expected text, arguments...
function(expect name want_code want_text)
  execute_process(COMMAND "${RUN_NPY}" ${ARGN} --out "${WORK_DIR}/out"
                  RESULT_VARIABLE code OUTPUT_VARIABLE out ERROR_VARIABLE err)
  set(all "${out}${err}")
  string(FIND "${all}" "${want_text}" at)
  if(NOT code STREQUAL "${want_code}" OR at EQUAL -1 OR all MATCHES "terminate called")
    set(problems "${problems}${name}: exit ${code} (want ${want_code}), output:\n${all}\n" PARENT_SCOPE)
  endif()
endfunction()

expect(good 0 "latency" --repeat 1 "${WORK_DIR}/good.npy")
expect(repeat_text 2 "--repeat 'abc'" --repeat abc "${WORK_DIR}/good.npy")
expect(repeat_huge 2 "--repeat '99999999999999999999'" --repeat 99999999999999999999 "${WORK_DIR}/good.npy")
expect(nhwc 1 "shape (1,8,8,1) is not the shape (1,1,8,8)" "${WORK_DIR}/nhwc.npy")
expect(flat 1 "shape (2,32) is not the shape (1,1,8,8)" "${WORK_DIR}/flat.npy")
expect(wrap 1 "holds more floats than the file" "${WORK_DIR}/wrap.npy")
if(problems)
  message(FATAL_ERROR "${problems}")
endif()
