// Compiles pch.hpp once; the model test programs reuse the precompiled header.
