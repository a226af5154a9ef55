# ODYNN_SANITIZE: AddressSanitizer and UndefinedBehaviorSanitizer on everything, including
# float-cast-overflow (a double too large for the integer it is cast to, e.g. a step count
# computed from a tiny dt), stopping at the first report. For Debug builds; .ci/run uses it.
option(ODYNN_SANITIZE "Build with AddressSanitizer and UndefinedBehaviorSanitizer" OFF)
if(ODYNN_SANITIZE)
  set(ODYNN_SANITIZER_FLAGS -fsanitize=address,undefined,float-cast-overflow -fno-sanitize-recover=all
                            -fno-omit-frame-pointer)
  add_compile_options(${ODYNN_SANITIZER_FLAGS})
  add_link_options(${ODYNN_SANITIZER_FLAGS})
endif()
